// Types of frame.js: the parent's side of the hosted checkout and of WooshPay's Checkout Session.
import type { CheckoutCharge, CheckoutState, MountOptions, PaywasmErrorInfo } from "./paywasm.js";

/** Options of `mountFrame`: the checkout's own (passed to the hosted page) and the frame's. */
export interface FrameOptions extends Omit<MountOptions, "mode" | "onRedirect"> {
  /** Where the hosted page (`pkg/hosted/`) is served; default: `hosted/` beside frame.js. */
  frameUrl?: string | URL;
  /** The iframe's accessible name; default "Payment". */
  title?: string;
  onComplete?: (charge: CheckoutCharge) => void;
  onError?: (error: PaywasmErrorInfo) => void;
  onStateChange?: (state: CheckoutState) => void;
}

/** A mounted frame. */
export interface MountedFrame {
  iframe: HTMLIFrameElement;
  /** Removes the iframe and stops listening to it. */
  destroy(): void;
}

/** Mounts the hosted checkout in an iframe inside `target` (an element or a CSS selector). */
export declare function mountFrame(target: Element | string, options: FrameOptions): MountedFrame;

/** Options of `mountCheckoutSession`. */
export interface CheckoutSessionFrameOptions {
  /** The Checkout Session's `url`. */
  url: string;
  title?: string;
  /** Without it, the top window goes to the session's success_url (on this page's origin). */
  onComplete?: (session: Record<string, unknown> | null) => void;
  onExpired?: (session: Record<string, unknown> | null) => void;
  /** Without it, the top window goes to the session's cancel_url (on this page's origin). */
  onCancel?: () => void;
}

/** Mounts a WooshPay Checkout Session's hosted page in an iframe inside `target`. */
export declare function mountCheckoutSession(target: Element | string, options: CheckoutSessionFrameOptions): MountedFrame;
