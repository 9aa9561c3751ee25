// Compiled by `tsc --noEmit` in npm test: the package's declarations are complete and typed
// (no `any` leaks to a merchant's code), and misuse is a compile error.
import { mount, createSource, PaywasmError, version } from "../../pkg/index.js";
import type { CheckoutCharge, CheckoutState, MountOptions, PaywasmErrorInfo, Source } from "../../pkg/index.js";

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
