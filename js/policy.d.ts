// Types of policy.js: the lists frame.js, the hosted page and the widget share.
/** The options of `mount` a parent passes to the hosted page. */
export declare const FRAME_OPTIONS: readonly string[];
/** The origins each production gateway sends customers to besides its own. */
export declare const GATEWAY_PAGES: Readonly<Record<string, readonly string[]>>;
/** Whether a URL may carry a customer's payment: HTTPS, or HTTP on loopback; no user name. */
export declare function isSecure(url: URL): boolean;
/** `url` if it is one of the pages the gateway at `gatewayUrl` sends customers to, else null. */
export declare function gatewayPage(url: string, gatewayUrl: string): URL | null;
