// Types of custom-element.js: <paywasm-checkout>, defined with a `mount` function.
import type { CheckoutCharge, CheckoutState, MountOptions, MountedCheckout, PaywasmErrorInfo, PosMountOptions } from "./paywasm.js";

/** Every option an attribute or property of `<paywasm-checkout>` sets. */
export declare const OPTIONS: readonly string[];

/** Defines `<paywasm-checkout>` in `registry` (default: the page's) with `mount`; a second call does nothing. */
export declare function define(
  mount: (target: HTMLElement, options: MountOptions | PosMountOptions) => Promise<MountedCheckout> | MountedCheckout,
  registry?: CustomElementRegistry,
): void;

/** The options `<paywasm-checkout>` takes as properties: the mount options, without the callbacks. */
export type PaywasmCheckoutOptions = Partial<Omit<MountOptions, "onComplete" | "onError" | "onStateChange" | "onRedirect" | "mode">> &
  Partial<Omit<PosMountOptions, "mode">> & { mode?: "checkout" | "pos" };

/** The events `<paywasm-checkout>` dispatches (they bubble and cross shadow roots). */
export interface PaywasmCheckoutEventMap {
  /** The payment ended: its `detail` is the charge. */
  complete: CustomEvent<CheckoutCharge>;
  /** Something the customer (or the page) must know went wrong: `detail` says what. */
  error: CustomEvent<PaywasmErrorInfo>;
  /** The checkout moved on: `detail` is its new state. */
  statechange: CustomEvent<CheckoutState>;
}

/** `<paywasm-checkout>`: the checkout (or, with `mode="pos"`, the cashier's view) as an element. */
export interface PaywasmCheckoutElement extends HTMLElement, PaywasmCheckoutOptions {
  addEventListener<K extends keyof PaywasmCheckoutEventMap>(
    type: K,
    listener: (this: PaywasmCheckoutElement, event: PaywasmCheckoutEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** Its attributes, as markup and frameworks' templates write them. */
export interface PaywasmCheckoutAttributes {
  mode?: "checkout" | "pos";
  gateway?: "omise" | "wooshpay";
  "public-key"?: string;
  /** In the currency's smallest unit (129000 is THB 1,290.00). */
  amount?: number | string;
  currency?: string;
  "gateway-url"?: string;
  "charge-url"?: string;
  order?: string;
  "charge-id"?: string;
  "client-secret"?: string;
  locale?: string;
  "merchant-name"?: string;
  /** Space-separated method names. */
  methods?: string;
  theme?: "light" | "dark" | "auto";
  "pos-url"?: string;
  "store-id"?: string;
  "store-name"?: string;
  "terminal-id"?: string;
}

declare global {
  interface HTMLElementTagNameMap {
    "paywasm-checkout": PaywasmCheckoutElement;
  }
}
