// Types of the paywasm npm package's entry (index.js).
import type { MountOptions, MountedCheckout, PosMountOptions, SourceType } from "./paywasm.js";
export type {
  CheckoutCharge,
  CheckoutState,
  CreateSourceResult,
  MountOptions,
  MountedCheckout,
  PaywasmErrorInfo,
  PosMountOptions,
  SourceType,
} from "./paywasm.js";

/** The package, the embed script and the hosted page's protocol share this version. */
export declare const version: string;
/** Production gateway, used when no `gatewayUrl` is given. */
export declare const DEFAULT_GATEWAY_URL: string;

/** Loads the checkout's WebAssembly (once); `mount` and `createSource` call it for you. */
export declare function load(wasmUrl?: string | URL): Promise<unknown>;
/** Loads the checkout's build with Opn's methods beyond its own (once); `mount` calls it for you when `methods` names one or `chargeId` is given. */
export declare function loadMethods(wasmUrl?: string | URL): Promise<unknown>;
/** Loads the cashier view's build (once); `mount` with `mode: "pos"` calls it for you. */
export declare function loadPos(wasmUrl?: string | URL): Promise<unknown>;
/** Loads the checkout's build for WooshPay (once); `mount` with `gateway: "wooshpay"` calls it for you. */
export declare function loadWooshpay(wasmUrl?: string | URL): Promise<unknown>;

/** An error with the gateway's (or merchant server's) code. */
export declare class PaywasmError extends Error {
  readonly name: "PaywasmError";
  /** `invalid_options`, `create_source_error`, `no_browser` (`mount` on a server), or the gateway's code (`invalid_amount`, ...). */
  readonly code: string;
  /** The HTTP status, 0 when no answer came. */
  readonly status: number;
  /** The gateway's error object, when it answered. */
  readonly response?: { object: "error"; code: string; message: string; location?: string };
}

/** Mounts the checkout into `target` (an element or a CSS selector). */
export declare function mount(target: HTMLElement | string, options: MountOptions | PosMountOptions): Promise<MountedCheckout>;

/** Parameters of a source, as the gateway's `POST /sources` takes them. */
export interface SourceParams {
  amount: number;
  currency: string;
  platform_type?: "WEB" | "IOS" | "ANDROID";
  barcode?: string;
  store_id?: string;
  store_name?: string;
  terminal_id?: string;
  [other: string]: unknown;
}

/** A source as the gateway returns it. */
export interface Source {
  object: "source";
  id: string;
  type: string;
  flow: "app_redirect" | "offline" | "redirect";
  amount: number;
  currency: string;
  platform_type: "WEB" | "IOS" | "ANDROID" | null;
  [other: string]: unknown;
}

/** Creates a payment source with the public key; resolves to the source, rejects with a `PaywasmError`. */
export declare function createSource(
  type: SourceType,
  params: SourceParams,
  keys: { publicKey: string; gatewayUrl?: string },
): Promise<Source>;
