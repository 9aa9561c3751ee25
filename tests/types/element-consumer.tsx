// <paywasm-checkout> as React 19's JSX and the DOM see it, checked by tsc --strict: a mistake a
// merchant could make is an error (each @ts-expect-error below fails the build if it is not).
import "../../pkg/element-react.js";
import type { PaywasmCheckoutElement } from "../../pkg/element.js";

export const checkout = (
  <paywasm-checkout
    publicKey="pkey_test_5paywasmsandbox0demo0"
    amount={129000}
    currency="THB"
    chargeUrl="/checkout/charges"
    order="ord_1"
    methods={["promptpay", "alipay_cn"]}
    theme="dark"
    oncomplete={(event) => console.log(event.detail.id, event.detail.status)}
    onstatechange={(event) => console.log(event.detail)}
    onerror={(event) => console.log(event.detail.code)}
  />
);

// @ts-expect-error the amount is a number of the currency's smallest unit
export const wrongAmount = <paywasm-checkout amount={{ value: 1 }} />;

// @ts-expect-error a method list is an array of the gateway's method names
export const wrongMethods = <paywasm-checkout methods={["bitcoin"]} />;

const element: PaywasmCheckoutElement | null = document.querySelector("paywasm-checkout");
element?.addEventListener("complete", (event) => console.log(event.detail.amount));
if (element) element.amount = 129000;
