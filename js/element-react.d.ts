// Types of paywasm/element/react: defines <paywasm-checkout> (as paywasm/element does) and
// declares it in React 19's JSX. React 19 sets what the element has as properties (camelCase
// options, `methods` as an array) and listens for its events as `on` + the event's name.
import type { CheckoutCharge, CheckoutState, PaywasmErrorInfo } from "./paywasm.js";
import type { PaywasmCheckoutOptions } from "./custom-element.js";

export * from "./element.js";

/** The element's props in JSX. */
export type PaywasmCheckoutProps = PaywasmCheckoutOptions & {
  oncomplete?: (event: CustomEvent<CheckoutCharge>) => void;
  onerror?: (event: CustomEvent<PaywasmErrorInfo>) => void;
  onstatechange?: (event: CustomEvent<CheckoutState>) => void;
  ref?: unknown;
  key?: string | number;
  id?: string;
  className?: string;
  style?: unknown;
  children?: unknown;
};

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "paywasm-checkout": PaywasmCheckoutProps;
    }
  }
}
