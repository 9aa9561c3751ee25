// The script tag's globals, typed (embed.d.ts): a page's TypeScript that uses `Omise`,
// `OmiseCard` and `Paywasm` compiles against them, and misuse is a compile error.
import type {} from "../../pkg/embed.js";

Omise.setPublicKey("pkey_test_x");
Omise.createSource("promptpay", { amount: 129000, currency: "THB" }, (status, response) => {
  console.log(status, "id" in response ? response.id : response.code);
});
export const source: Promise<string> = Omise.createSource("promptpay", { amount: 129000, currency: "THB" }).then(
  (made) => made.id,
);
OmiseCard.configure({ publicKey: "pkey_test_x", amount: 129000, currency: "THB", onCreateTokenSuccess: (nonce) => console.log(nonce) });
OmiseCard.configureButton("#pay", { defaultPaymentMethod: "promptpay" });
OmiseCard.attach();
export const version: string = Paywasm.version;
export const mounted = Paywasm.mount("#checkout", {
  publicKey: "pkey_test_x",
  amount: 129000,
  currency: "THB",
  chargeUrl: "/checkout/charges",
  order: "ord_1",
});

// @ts-expect-error: the amount is a number of the currency's smallest units
Omise.createSource("promptpay", { amount: "1290.00", currency: "THB" });
// @ts-expect-error: Paywasm.version is read-only
Paywasm.version = "9";
