// <paywasm-checkout> as Vue's templates see it (GlobalComponents, which Volar and vue-tsc check
// templates against), checked by tsc --strict against Vue's own types: the props a template may
// bind are the element's options, and a mistake is an error (each @ts-expect-error below fails
// the build if it is not).
import "../../pkg/element-vue.js";
import type { GlobalComponents } from "vue";

type Props = InstanceType<GlobalComponents["paywasm-checkout"]>["$props"];

export const bound: Props = {
  publicKey: "pkey_test_5paywasmsandbox0demo0",
  amount: 129000,
  currency: "THB",
  chargeUrl: "/checkout/charges",
  order: "ord_1",
  methods: ["promptpay", "alipay_cn"],
  theme: "dark",
};

export const asAttributes: Props = {
  "public-key": "pkey_test_5paywasmsandbox0demo0",
  amount: "129000",
  "charge-url": "/checkout/charges",
};

// @ts-expect-error the amount is a number of the currency's smallest unit
export const wrongAmount: Props = { amount: { value: 1 } };

// @ts-expect-error a method list is an array of the gateway's method names
export const wrongMethods: Props = { methods: ["bitcoin"] };
