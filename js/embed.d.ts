// Types of embed.js, the script tag's entry. It is a classic script: it exports nothing and
// defines three globals, Omise.js's `Omise` and `OmiseCard` (sources, not card tokens) and
// `Paywasm`. `import "paywasm/embed.js"` in TypeScript brings these declarations in.
import type { MountOptions, MountedCheckout, PosMountOptions, SourceType } from "./paywasm.js";
import type { Source, SourceParams } from "./index.js";

/** The gateway's answer to a source request: its HTTP status and its JSON. */
export type OmiseCallback = (
  status: number,
  response: Source | { object?: "error"; code: string; message?: string; error?: string },
) => void;

/** Omise.js's `Omise`, with the merchant's public key. */
export interface OmiseGlobal {
  /** Sets the public key every later call uses; throws on a secret key. */
  setPublicKey(key: string): string;
  /** Creates a payment source: through `callback` when given, else a Promise of the source. */
  createSource(type: SourceType, params: SourceParams, callback: OmiseCallback): undefined;
  createSource(type: SourceType, params: SourceParams): Promise<Source>;
  /** Card tokens are not offered: refused with what to use instead. */
  createToken(...args: unknown[]): Promise<never>;
}

/** The options of Omise.js's payment dialog, as paywasm reads them (its methods are sources). */
export interface OmiseCardOptions {
  publicKey?: string;
  amount?: number;
  currency?: string;
  locale?: string;
  image?: string;
  frameLabel?: string;
  frameDescription?: string;
  submitLabel?: string;
  buttonLabel?: string;
  hideAmount?: boolean;
  /** The method offered first (`promptpay`, `alipay_cn`, ...) and the others. */
  defaultPaymentMethod?: string;
  otherPaymentMethods?: string | string[];
  submitFormTarget?: string;
  submitAuto?: boolean;
  /** Beyond Omise.js: the merchant's charge endpoint and order, to go on to the QR and the wait. */
  chargeUrl?: string;
  order?: string;
  /** The new source's id (`isSource` is true: card tokens are not made). */
  onCreateTokenSuccess?: (nonce: string, isSource: boolean) => void;
  onFormClosed?: () => void;
  [other: string]: unknown;
}

/** Omise.js's `OmiseCard`: a payment dialog that creates a source. */
export interface OmiseCardGlobal {
  configure(options: OmiseCardOptions): void;
  configureButton(selector: string, options?: OmiseCardOptions): void;
  /** Wires the buttons `configureButton` named. */
  attach(): void;
  open(options?: OmiseCardOptions): void;
  close(): void;
}

/** paywasm's own global. */
export interface PaywasmGlobal {
  /** The package's version. */
  readonly version: string;
  /** The gateway the script tag names (`data-gateway-url`), else the production one. */
  readonly gatewayUrl: string;
  /** Mounts the checkout (or, with `mode: "pos"`, the cashier's view) into `target`. */
  mount(target: HTMLElement | string, options: MountOptions | PosMountOptions): Promise<MountedCheckout>;
}

declare global {
  var Omise: OmiseGlobal;
  var OmiseCard: OmiseCardGlobal;
  var Paywasm: PaywasmGlobal;
}
