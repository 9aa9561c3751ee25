// Types of policy.js: what paywasm's JavaScript and Rust share.
/** The package's version. */
export declare const VERSION: string;
/** A gateway's production API, key prefixes and API version. */
export interface GatewayPolicy {
  readonly url: string;
  readonly publicKey: string;
  readonly secretKey: string;
  readonly apiVersion: string | null;
}
/** Omise's and WooshPay's. */
export declare const GATEWAYS: Readonly<{ omise: GatewayPolicy; wooshpay: GatewayPolicy }>;
/** Why `key` must never be in a web page (a secret key), or null. */
export declare function secretKeyRefusal(key: unknown): string | null;
/** The options of `mount` a parent passes to the hosted page. */
export declare const FRAME_OPTIONS: readonly string[];
/** The checkout's own methods; a page that names any other in `methods` links `paywasm-methods.css` and mounts `paywasm_methods.js`. */
export declare const CHECKOUT_METHODS: readonly string[];
/** Whether `options.methods` names one of Opn's methods beyond the checkout's own (`CHECKOUT_METHODS`). */
export declare function namesOtherMethods(options: { methods?: unknown } | null | undefined): boolean;
/** Whether a checkout with these options needs the build with Opn's other methods (`paywasm_methods.js`): its `methods` names one, or it waits for a charge (`chargeId`). */
export declare function needsOtherMethods(options: { methods?: unknown; chargeId?: unknown } | null | undefined): boolean;
/** The origins each production gateway sends customers to besides its own. */
export declare const GATEWAY_PAGES: Readonly<Record<string, readonly string[]>>;
/** Whether a URL may carry a customer's payment: HTTPS, or HTTP on loopback; no user name. */
export declare function isSecure(url: URL): boolean;
/** `url` if it is one of the pages the gateway at `gatewayUrl` sends customers to, else null. */
export declare function gatewayPage(url: string, gatewayUrl: string): URL | null;
/** The language of the words a checkout mounted with `locale` needs in this browser (`paywasm-words-<subtag>.js`): "th", "ja", "zh", or null for English, which every build carries. */
export declare function wordsLanguage(locale: unknown): "th" | "ja" | "zh" | null;
