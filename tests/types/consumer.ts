// Compiled by `tsc --noEmit` in npm test: the package's declarations are complete and typed
// (no `any` leaks to a merchant's code), and misuse is a compile error.
import { mount, createSource, PaywasmError, version } from "../../pkg/index.js";
import type { CheckoutCharge, CheckoutState, MountOptions, PaywasmErrorInfo, Source } from "../../pkg/index.js";
import { mountFrame } from "../../pkg/frame.js";

const options: MountOptions = {
  publicKey: "pkey_test_x",
  amount: 129000,
  currency: "THB",
  chargeUrl: "/checkout/charges",
  order: "ord_1",
  methods: ["promptpay", "alipay_cn"],
  onComplete: (charge: CheckoutCharge) => console.log(charge.status, charge.source.flow),
  onError: (error: PaywasmErrorInfo) => console.log(error.code),
  onStateChange: (state: CheckoutState) => console.log(state),
};

export async function run(): Promise<string> {
  const checkout = await mount("#checkout", options);
  checkout.unmount();
  try {
    const source: Source = await createSource("promptpay", { amount: 2000, currency: "THB" }, { publicKey: "pkey_test_x" });
    return source.id + version;
  } catch (error) {
    if (error instanceof PaywasmError) return `${error.code} ${error.status}`;
    throw error;
  }
}

// @ts-expect-error: a method the package does not know
export const wrongMethod: MountOptions = { ...options, methods: ["bitcoin"] };
// @ts-expect-error: amount is a number in the smallest unit
export const wrongAmount: MountOptions = { ...options, amount: "1290.00" };
// @ts-expect-error: the charge endpoint is required
export const missingChargeUrl: MountOptions = { publicKey: "pkey_test_x", amount: 1, currency: "THB" };

// The hosted checkout's parent: every checkout option, and where the hosted page is served.
export function framed(): () => void {
  const frame = mountFrame("#checkout", {
    ...options,
    gateway: "wooshpay",
    clientSecret: "pi_1_secret_x",
    frameUrl: "https://pay.shop.example/paywasm/0.1.0/hosted/",
  });
  // @ts-expect-error: the frame cannot be switched to the cashier's view
  mountFrame("#checkout", { ...options, mode: "pos" });
  return () => frame.destroy();
}
