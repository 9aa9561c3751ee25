//! Everything JavaScript can call. Nothing else in the crate is exported.
//!
//! ```js
//! import init, { mount } from "./pkg/paywasm.js";
//! await init();
//! const checkout = mount("#checkout", {
//!   publicKey: "pkey_test_...", amount: 129000, currency: "THB",
//!   gatewayUrl: "http://127.0.0.1:7070", chargeUrl: "/checkout/charges", order: "ord_...",
//!   merchantName: "My shop", locale: "th",
//!   onComplete: (charge) => {}, onError: ({ code, message }) => {}, onStateChange: (state) => {},
//! });
//! // later: checkout.unmount();
//! ```

#[cfg(feature = "checkout")]
use crate::callbacks::Callbacks;
#[cfg(feature = "pos")]
use crate::components::pos::PosCheckout;
#[cfg(feature = "checkout")]
use crate::options::Options;
#[cfg(feature = "pos")]
use crate::pos_options::PosOptions;
use crate::WidgetError;
#[cfg(feature = "pos")]
use leptos::mount::mount_to;
#[cfg(feature = "pos")]
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A charge as the merchant server returns it to the browser (a subset of the gateway's). */
export interface CheckoutCharge {
  id: string;
  status: "pending" | "successful" | "failed" | "expired" | "reversed" | (string & {});
  amount: number;
  currency: string;
  authorize_uri: string | null;
  expires_at: string | null;
  failure_code: string | null;
  failure_message: string | null;
  source: {
    type: string;
    flow: "app_redirect" | "offline" | "redirect";
    scannable_code: { image: { download_uri: string } } | null;
  };
}

/** What `onError` receives: the gateway's or merchant server's code, or `network_error`. */
export interface PaywasmErrorInfo {
  code: string;
  message: string;
}

/** The checkout's states, as `onStateChange` receives them. */
export type CheckoutState =
  | "choosing" | "unavailable" | "starting" | "redirecting" | "waiting" | "confirming"
  | "successful" | "failed" | "expired" | "error";

/** The source types paywasm offers. */
export type SourceType = "promptpay" | "alipay_cn" | "barcode_alipay" | "wechat_pay_upm";

/** Options of `mount`. */
export interface MountOptions {
  /** The customer's checkout (the default); "pos" mounts the cashier's view instead. */
  mode?: "checkout";
  /** The gateway's API: "omise" (default) or "wooshpay" (PaymentIntents, seed 004). */
  gateway?: "omise" | "wooshpay";
  /** The merchant's public key (Omise `pkey_...`, WooshPay `pk_...`); a secret key is refused. */
  publicKey: string;
  /** In the currency's smallest unit (129000 is THB 1,290.00). */
  amount: number;
  /** ISO 4217 code, e.g. "THB". */
  currency: string;
  /** The gateway's base URL; default https://api.omise.co (WooshPay: https://api.wooshpay.com). */
  gatewayUrl?: string;
  /**
   * The merchant server's endpoint. Omise: POST {source, order} creates the charge, GET /{id}?wait=N
   * reads it. WooshPay: POST {order, terminal_type, os_type} creates and confirms the PaymentIntent.
   */
  chargeUrl: string;
  /** The merchant's order reference; the server decides the amount from it. */
  order?: string;
  /** Resume waiting for this charge or PaymentIntent (a return page). */
  chargeId?: string;
  /** WooshPay: the PaymentIntent's client_secret, with chargeId. */
  clientSecret?: string;
  /** "en", "th", "ja" or "zh"; default: the browser's languages. */
  locale?: string;
  /** Shown beside the QR. */
  merchantName?: string;
  /** Offer only these methods. */
  methods?: SourceType[];
  onComplete?: (charge: CheckoutCharge) => void;
  onError?: (error: PaywasmErrorInfo) => void;
  onStateChange?: (state: CheckoutState) => void;
  /** Given, the widget hands it the (checked) authorize page instead of navigating itself. */
  onRedirect?: (url: string) => void;
}

/** Options of `mount` for the cashier view (in-store, the cashier scans the customer's code). */
export interface PosMountOptions {
  mode: "pos";
  /** The sale, in the currency's smallest unit. */
  amount: number;
  currency: string;
  /** Your server's POS endpoint: POST {sale}, /{id}/cancel, /{id}/refunds. */
  posUrl: string;
  /** Your server's charge status endpoint (GET /{id}?wait=N). */
  chargeUrl: string;
  storeId: string;
  storeName?: string;
  terminalId: string;
}

/** What `createSource` resolves to: the gateway's status code and body, as Omise.js passes them. */
export interface CreateSourceResult {
  status: number;
  response: Record<string, unknown>;
}
"#;

type Unmount = Box<dyn FnOnce()>;

thread_local! {
    /// Mounted checkouts by id. They live here, not in the handle JavaScript holds: wasm-bindgen
    /// frees a handle that JavaScript garbage-collects, and a page that ignores mount()'s
    /// return value must not see its checkout vanish.
    static MOUNTED: RefCell<Vec<(u32, Unmount)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// A mounted checkout. Dropping it leaves the checkout in place; call `unmount()` to remove it.
#[wasm_bindgen]
pub struct MountedCheckout {
    id: u32,
}

#[wasm_bindgen]
impl MountedCheckout {
    /// Removes the checkout from the page and stops its requests. Calling it again does nothing.
    pub fn unmount(&self) {
        let unmount = MOUNTED.with_borrow_mut(|mounted| {
            let index = mounted.iter().position(|(id, _)| *id == self.id)?;
            Some(mounted.swap_remove(index).1)
        });
        if let Some(unmount) = unmount {
            unmount();
        }
    }
}

fn target_element(target: &JsValue) -> Result<web_sys::HtmlElement, WidgetError> {
    if let Some(element) = target.dyn_ref::<web_sys::HtmlElement>() {
        return Ok(element.clone());
    }
    let selector = target.as_string().ok_or_else(|| {
        WidgetError::InvalidOptions(
            "mount's first argument must be an element or a CSS selector".into(),
        )
    })?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| WidgetError::InvalidOptions("mount needs a document".into()))?;
    document
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        .ok_or_else(|| WidgetError::InvalidOptions(format!("no element matches '{selector}'")))
}

/// Mounts the checkout into `target` (an element or a CSS selector) with `options`; throws
/// an `Error` naming the problem when the options are wrong (a secret key, a missing order...).
#[wasm_bindgen]
pub fn mount(
    #[wasm_bindgen(unchecked_param_type = "HTMLElement | string")] target: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MountOptions | PosMountOptions")] options: JsValue,
) -> Result<MountedCheckout, JsError> {
    let element = target_element(&target).map_err(|e| JsError::new(&e.to_string()))?;
    let mode = js_sys::Reflect::get(&options, &"mode".into()).unwrap_or_default();
    let is_pos = match mode.as_string().as_deref() {
        _ if mode.is_undefined() || mode.is_null() => false,
        Some("checkout") => false,
        Some("pos") => true,
        _ => {
            return Err(JsError::new(
                "mode must be \"checkout\" (the default) or \"pos\" (the cashier's view)",
            ))
        }
    };
    let unmount = if is_pos {
        mount_pos(element, options)
    } else {
        mount_checkout(element, options)
    }
    .map_err(|e| JsError::new(&e.to_string()))?;
    let id = NEXT_ID.replace(NEXT_ID.get().wrapping_add(1));
    MOUNTED.with_borrow_mut(|mounted| mounted.push((id, unmount)));
    Ok(MountedCheckout { id })
}

// The customer's checkout and the cashier's view are two builds of this crate (features
// `checkout` and `pos`): a checkout page never downloads the cashier's code and camera, nor a
// till the checkout's QR and methods. `pkg/index.js` loads the build that `mode` asks for.
#[cfg(feature = "checkout")]
fn mount_checkout(element: web_sys::HtmlElement, options: JsValue) -> Result<Unmount, WidgetError> {
    let checked = Callbacks::check(&options);
    let callbacks = Callbacks::from_options(&options);
    let options = Options::from_js(options)?;
    checked?;
    let chosen = crate::components::checkout::take_over(&element);
    let unmount = crate::components::checkout::mount(&element, options, callbacks, chosen);
    Ok(Box::new(unmount))
}

#[cfg(not(feature = "checkout"))]
fn mount_checkout(_: web_sys::HtmlElement, _: JsValue) -> Result<Unmount, WidgetError> {
    Err(WidgetError::InvalidOptions(
        "this is the cashier view's build (paywasm_pos.js): mount it with mode: \"pos\", or load paywasm.js for the checkout".into(),
    ))
}

#[cfg(feature = "pos")]
fn mount_pos(element: web_sys::HtmlElement, options: JsValue) -> Result<Unmount, WidgetError> {
    let options = PosOptions::from_js(options)?;
    let handle = mount_to(element, move || view! { <PosCheckout options=options/> });
    Ok(Box::new(move || drop(handle)))
}

#[cfg(not(feature = "pos"))]
fn mount_pos(_: web_sys::HtmlElement, _: JsValue) -> Result<Unmount, WidgetError> {
    Err(WidgetError::InvalidOptions(
        "the cashier view (mode: \"pos\") is its own build, paywasm_pos.js; the package's mount loads it for you".into(),
    ))
}

/// Creates a source with the public key, as Omise.js's `createSource` does: resolves to
/// `{status, response}` with the gateway's status code and body (a source or an error object),
/// or, when the gateway cannot be reached, `{status: 0, response: {code: "create_source_error",
/// error}}`. Throws if the key is a secret key.
#[cfg(feature = "checkout")]
#[wasm_bindgen(js_name = createSource)]
pub async fn create_source(
    gateway_url: String,
    public_key: String,
    source_type: String,
    params: JsValue,
) -> Result<JsValue, JsError> {
    if public_key.starts_with("skey_") {
        return Err(JsError::new(
            "paywasm: that is a secret key (skey_...). Never put it in a web page; use the public key (pkey_...).",
        ));
    }
    let result = js_sys::Object::new();
    let (status, response) =
        match crate::gateway::create_source_raw(&gateway_url, &public_key, &source_type, &params)
            .await
        {
            Ok(answer) => (answer.status, answer.body),
            Err(error) => {
                let response = js_sys::Object::new();
                let _ =
                    js_sys::Reflect::set(&response, &"code".into(), &"create_source_error".into());
                let _ = js_sys::Reflect::set(&response, &"error".into(), &error.to_string().into());
                (0, response.into())
            }
        };
    let _ = js_sys::Reflect::set(&result, &"status".into(), &status.into());
    let _ = js_sys::Reflect::set(&result, &"response".into(), &response);
    Ok(result.into())
}
