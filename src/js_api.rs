//! Everything JavaScript can call (feature `js-api`, on for the JS build; a Leptos app that
//! depends on the crate without it uses the components and exports nothing).
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
//!
//! The option objects are read by serde-wasm-bindgen into `MountOptions` (a wrong type names
//! the field and what it expects), then checked by the same rules as a Leptos app's options.

#[cfg(feature = "checkout")]
use crate::components::checkout::{Checkout, CheckoutProps};
#[cfg(feature = "pos")]
use crate::components::pos::PosCheckout;
use crate::WidgetError;
use leptos::mount::mount_to;
use leptos::prelude::*;
use paywasm_core::money::{Amount, Currency};
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The TypeScript declarations of the exports' objects (the typed options, the charge, the
/// error), written into `paywasm.d.ts`.
#[allow(dead_code)] // read by the macro below (and the tests), which the lint does not see
const DECLARATIONS: &str = r#"
/** A charge as the merchant server returns it to the browser (a subset of the gateway's). */
export interface CheckoutCharge {
  id: string;
  status: "pending" | "successful" | "failed" | "expired" | "reversed" | (string & {});
  amount: number;
  currency: string;
  authorize_uri: string | null;
  expires_at: string | null;
  paid_at: string | null;
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

/** The method names paywasm offers: Omise's source types, and WooshPay's "alipay". */
export type SourceType = "promptpay" | "alipay_cn" | "barcode_alipay" | "wechat_pay_upm" | "alipay";

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
  /** Offer only these methods, by the gateway's names (WooshPay: "alipay"). */
  methods?: SourceType[];
  /** "auto" (default): the page's own color-scheme, and the system's only where the page offers both. */
  theme?: "light" | "dark" | "auto";
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
  /** "en", "th", "ja" or "zh"; default: the browser's languages. */
  locale?: string;
}

/** What `createSource` resolves to: the gateway's status code and body, as Omise.js passes them. */
export interface CreateSourceResult {
  status: number;
  response: Record<string, unknown>;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = DECLARATIONS;

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

/// Deserializer functions that name the field and what it must be when the merchant's value
/// has another type: serde's own message names neither the field nor the unit.
macro_rules! fields {
    ($($name:ident: $ty:ty => $message:expr;)*) => {$(
        pub(super) fn $name<'de, D: serde::Deserializer<'de>>(value: D) -> Result<$ty, D::Error> {
            <$ty>::deserialize(value).map_err(|_| serde::de::Error::custom($message))
        }
    )*};
}

/// What `theme` must be.
const THEME_RULE: &str = "theme must be \"light\", \"dark\" or \"auto\" (the page's own colours)";

mod field {
    use serde::Deserialize;
    fields! {
        public_key: Option<String> => "publicKey must be a string";
        amount: Option<f64> => "amount must be a number (an integer in the smallest currency unit)";
        currency: Option<String> => "currency must be a string";
        gateway_url: Option<String> => "gatewayUrl must be a string";
        charge_url: Option<String> => "chargeUrl must be a string";
        pos_url: Option<String> => "posUrl must be a string";
        order: Option<String> => "order must be a string";
        charge_id: Option<String> => "chargeId must be a string";
        client_secret: Option<String> => "clientSecret must be a string";
        locale: Option<String> => "locale must be a string";
        merchant_name: Option<String> => "merchantName must be a string";
        theme: Option<String> => super::THEME_RULE;
        methods: Option<Vec<String>> => "methods must be an array of method names";
        gateway: Option<String> => "gateway must be \"omise\" or \"wooshpay\"";
        mode: Option<String> => "mode must be \"checkout\" (the default) or \"pos\" (the cashier's view)";
        store_id: Option<String> => "storeId must be a string";
        store_name: Option<String> => "storeName must be a string";
        terminal_id: Option<String> => "terminalId must be a string";
    }
}

/// The options object of `mount`, as JavaScript passes it (camelCase), before it is checked.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct MountOptions {
    #[serde(deserialize_with = "field::mode")]
    mode: Option<String>,
    #[serde(deserialize_with = "field::public_key")]
    public_key: Option<String>,
    #[serde(deserialize_with = "field::amount")]
    amount: Option<f64>,
    #[serde(deserialize_with = "field::currency")]
    currency: Option<String>,
    #[serde(deserialize_with = "field::gateway")]
    gateway: Option<String>,
    #[serde(deserialize_with = "field::gateway_url")]
    gateway_url: Option<String>,
    #[serde(deserialize_with = "field::charge_url")]
    charge_url: Option<String>,
    #[serde(deserialize_with = "field::order")]
    order: Option<String>,
    #[serde(deserialize_with = "field::charge_id")]
    charge_id: Option<String>,
    #[serde(deserialize_with = "field::client_secret")]
    client_secret: Option<String>,
    #[serde(deserialize_with = "field::locale")]
    locale: Option<String>,
    #[serde(deserialize_with = "field::merchant_name")]
    merchant_name: Option<String>,
    #[serde(deserialize_with = "field::methods")]
    methods: Option<Vec<String>>,
    #[serde(deserialize_with = "field::theme")]
    theme: Option<String>,
    #[serde(deserialize_with = "field::pos_url")]
    pos_url: Option<String>,
    #[serde(deserialize_with = "field::store_id")]
    store_id: Option<String>,
    #[serde(deserialize_with = "field::store_name")]
    store_name: Option<String>,
    #[serde(deserialize_with = "field::terminal_id")]
    terminal_id: Option<String>,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    on_complete: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    on_error: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    on_state_change: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    on_redirect: JsValue,
}

/// Where Opn's methods beyond the checkout's own are, for a merchant who imported the build
/// without them (the package's `mount` and `embed.js` choose the build by `methods`).
#[cfg(all(feature = "omise", not(feature = "methods")))]
const OTHER_METHODS_BUILD: &str = " (Opn's others are in paywasm_methods.js, which mount loads)";
#[cfg(all(feature = "checkout", any(feature = "methods", not(feature = "omise"))))]
const OTHER_METHODS_BUILD: &str = "";

fn invalid(message: impl Into<String>) -> WidgetError {
    WidgetError::InvalidOptions(message.into())
}

impl MountOptions {
    /// Reads the options object.
    fn from_js(value: JsValue) -> Result<Self, WidgetError> {
        if !value.is_object() {
            return Err(invalid("options must be an object"));
        }
        serde_wasm_bindgen::from_value(value).map_err(|error| invalid(error.to_string()))
    }

    /// The amount and currency, checked as JavaScript numbers and strings.
    fn money(&self) -> Result<(Amount, Currency), WidgetError> {
        let amount = self.amount.ok_or_else(|| {
            invalid("amount is required (an integer in the smallest currency unit)")
        })?;
        if amount.fract() != 0.0 || amount <= 0.0 || amount > 9_007_199_254_740_991.0 {
            return Err(invalid(crate::options::AMOUNT_RULE));
        }
        let currency = Currency::parse(self.currency.as_deref().unwrap_or(""))
            .map_err(|_| invalid("currency must be a three-letter code such as THB"))?;
        Ok((Amount(amount as i64), currency))
    }

    /// The customer's checkout's options.
    #[cfg(feature = "checkout")]
    fn checkout(self) -> Result<crate::options::Options, WidgetError> {
        use crate::options::{CheckoutOptions, Gateway, Theme};

        let gateway = match self.gateway.as_deref() {
            None | Some("omise") => Gateway::Omise,
            Some("wooshpay") => Gateway::Wooshpay {
                client_secret: self.client_secret.clone(),
            },
            Some(_) => return Err(invalid("gateway must be \"omise\" or \"wooshpay\"")),
        };
        // The key is checked first: a secret key in a page is the worst mistake.
        crate::options::check_public_key(&gateway, self.public_key.as_deref().unwrap_or(""))?;
        let (amount, currency) = self.money()?;
        let kind = gateway.kind();
        let methods = self
            .methods
            .map(|names| {
                names
                    .iter()
                    .map(|name| {
                        kind.parse_method(name).ok_or_else(|| {
                            invalid(format!(
                                "methods: unknown payment method '{name}'{OTHER_METHODS_BUILD}"
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let theme = match self.theme.as_deref() {
            None | Some("auto") => Theme::Auto,
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            Some(_) => return Err(invalid(THEME_RULE)),
        };
        CheckoutOptions {
            public_key: self.public_key.unwrap_or_default(),
            amount,
            currency,
            gateway,
            gateway_url: self.gateway_url,
            charge_url: self.charge_url.unwrap_or_default(),
            order: self.order,
            charge_id: self.charge_id,
            locale: self.locale,
            merchant_name: self.merchant_name,
            methods,
            theme,
        }
        .check()
    }

    /// The cashier's view's options.
    #[cfg(feature = "pos")]
    fn pos(self) -> Result<crate::pos_options::PosOptions, WidgetError> {
        let (amount, currency) = self.money()?;
        crate::pos_options::PosOptions {
            amount,
            currency,
            pos_url: self.pos_url.unwrap_or_default(),
            charge_url: self.charge_url.unwrap_or_default(),
            store_id: self.store_id.unwrap_or_default(),
            store_name: self.store_name,
            terminal_id: self.terminal_id.unwrap_or_default(),
            locale: self.locale,
        }
        .check()
    }

    /// Refuses a callback that is not a function: a merchant whose `onComplete` is a string
    /// would otherwise never hear that the customer paid.
    #[cfg(feature = "checkout")]
    fn check_callbacks(&self) -> Result<(), WidgetError> {
        for (name, value) in [
            ("onComplete", &self.on_complete),
            ("onError", &self.on_error),
            ("onStateChange", &self.on_state_change),
            ("onRedirect", &self.on_redirect),
        ] {
            if !(value.is_undefined() || value.is_null() || value.is_function()) {
                return Err(invalid(name.to_owned() + " must be a function"));
            }
        }
        Ok(())
    }
}

/// The merchant's function as a Leptos callback. A function that throws is reported to the
/// console and never stops the checkout.
#[cfg(feature = "checkout")]
fn callback<T: 'static>(
    function: &JsValue,
    to_js: impl Fn(T) -> JsValue + Send + Sync + 'static,
) -> Option<Callback<T>> {
    let function = send_wrapper::SendWrapper::new(function.dyn_ref::<js_sys::Function>()?.clone());
    Some(Callback::new(move |value: T| {
        if let Err(thrown) = function.call1(&JsValue::NULL, &to_js(value)) {
            web_sys::console::error_2(&JsValue::from_str("paywasm: a callback threw"), &thrown);
        }
    }))
}

/// A charge as `onComplete` hands it to the merchant (the `CheckoutCharge` TypeScript type,
/// absent values as `null`).
#[cfg(feature = "checkout")]
fn charge_to_js(charge: paywasm_core::checkout::Payment) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    serde::Serialize::serialize(&charge, &serializer).unwrap_or(JsValue::NULL)
}

/// `{code, message}`, as `onError` receives it.
#[cfg(feature = "checkout")]
fn error_to_js(error: WidgetError) -> JsValue {
    #[derive(serde::Serialize)]
    struct ErrorInfo {
        code: String,
        message: String,
    }
    let info = ErrorInfo {
        code: error.code(),
        message: error.to_string(),
    };
    serde_wasm_bindgen::to_value(&info).unwrap_or(JsValue::NULL)
}

fn target_element(target: &JsValue) -> Result<web_sys::HtmlElement, WidgetError> {
    if let Some(element) = target.dyn_ref::<web_sys::HtmlElement>() {
        return Ok(element.clone());
    }
    let selector = target
        .as_string()
        .ok_or_else(|| invalid("mount's first argument must be an element or a CSS selector"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| invalid("mount needs a document"))?;
    document
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        .ok_or_else(|| invalid(format!("no element matches '{selector}'")))
}

/// Hands the checkout a language's words, the default export of `paywasm-words-<subtag>.js`
/// (`th`, `ja`, `zh`: a sentence per line), before `mount`: this build carries English only.
/// The package's `mount`, `embed.js` and the hosted page fetch the file of the language a page
/// speaks and call it for you. Returns false, and the checkout speaks English, when `words` is
/// not such a text.
#[cfg(feature = "checkout")]
#[wasm_bindgen(js_name = useWords)]
pub fn use_words(words: String) -> bool {
    crate::i18n::hand_over(words)
}

/// Mounts the checkout into `target` (an element or a CSS selector) with `options`; throws
/// an `Error` naming the problem when the options are wrong (a secret key, a missing order...).
#[wasm_bindgen]
pub fn mount(
    #[wasm_bindgen(unchecked_param_type = "HTMLElement | string")] target: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MountOptions | PosMountOptions")] options: JsValue,
) -> Result<MountedCheckout, JsError> {
    let mounted = (|| {
        let element = target_element(&target)?;
        let options = MountOptions::from_js(options)?;
        match options.mode.as_deref() {
            None | Some("checkout") => mount_checkout(element, options),
            Some("pos") => mount_pos(element, options),
            Some(_) => Err(invalid(
                "mode must be \"checkout\" (the default) or \"pos\" (the cashier's view)",
            )),
        }
    })()
    .map_err(|e| JsError::new(&e.to_string()))?;
    let id = NEXT_ID.replace(NEXT_ID.get().wrapping_add(1));
    MOUNTED.with_borrow_mut(|all| all.push((id, mounted)));
    Ok(MountedCheckout { id })
}

// The customer's checkout and the cashier's view are two builds of this crate (features
// `checkout` and `pos`): a checkout page never downloads the cashier's code and camera, nor a
// till the checkout's QR and methods. `pkg/index.js` loads the build that `mode` asks for.
#[cfg(feature = "checkout")]
fn mount_checkout(
    element: web_sys::HtmlElement,
    options: MountOptions,
) -> Result<Unmount, WidgetError> {
    let callbacks_checked = options.check_callbacks();
    let on_complete = callback(&options.on_complete, charge_to_js);
    let on_error = callback(&options.on_error, error_to_js);
    let on_state_change = callback(&options.on_state_change, |phase: crate::Phase| {
        JsValue::from_str(phase.name())
    });
    let on_redirect = callback(&options.on_redirect, |url: String| JsValue::from_str(&url));
    let options = options.checkout()?;
    callbacks_checked?;
    let (chosen, sent) = match crate::components::checkout::take_over(&element) {
        Some(chosen) => (
            paywasm_core::method::SourceType::parse(&chosen.method).ok(),
            chosen.sent,
        ),
        None => (None, crate::flow::Sent::default()),
    };
    // The props as a struct: the callbacks the merchant left out stay `None`.
    let props = CheckoutProps {
        options,
        on_complete,
        on_error,
        on_state_change,
        on_redirect,
        chosen,
        sent,
    };
    let handle = mount_to(element, move || Checkout(props));
    Ok(Box::new(move || drop(handle)))
}

#[cfg(not(feature = "checkout"))]
fn mount_checkout(_: web_sys::HtmlElement, _: MountOptions) -> Result<Unmount, WidgetError> {
    Err(invalid(
        "this is the cashier view's build (paywasm_pos.js): mount it with mode: \"pos\", or load paywasm.js for the checkout",
    ))
}

#[cfg(feature = "pos")]
fn mount_pos(element: web_sys::HtmlElement, options: MountOptions) -> Result<Unmount, WidgetError> {
    let options = options.pos()?;
    let handle = mount_to(element, move || view! { <PosCheckout options=options/> });
    Ok(Box::new(move || drop(handle)))
}

#[cfg(not(feature = "pos"))]
fn mount_pos(_: web_sys::HtmlElement, _: MountOptions) -> Result<Unmount, WidgetError> {
    Err(invalid(
        "the cashier view (mode: \"pos\") is its own build, paywasm_pos.js; the package's mount loads it for you",
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
    #[derive(serde::Serialize)]
    struct Answer {
        status: u16,
        #[serde(with = "serde_wasm_bindgen::preserve")]
        response: JsValue,
    }
    #[derive(serde::Serialize)]
    struct Unreachable {
        code: &'static str,
        error: String,
    }
    if let Some(secret) = paywasm_core::policy::secret_key_gateway(&public_key) {
        return Err(JsError::new(&format!(
            "paywasm: that is a secret key ({}...). Never put it in a web page; use the public key ({}...).",
            secret.secret_key_prefix, secret.public_key_prefix
        )));
    }
    let answer =
        match crate::gateway::create_source_raw(&gateway_url, &public_key, &source_type, &params)
            .await
        {
            Ok(answer) => Answer {
                status: answer.status,
                response: answer.body,
            },
            Err(error) => Answer {
                status: 0,
                response: serde_wasm_bindgen::to_value(&Unreachable {
                    code: "create_source_error",
                    error: error.to_string(),
                })
                .unwrap_or(JsValue::NULL),
            },
        };
    serde_wasm_bindgen::to_value(&answer).map_err(|e| JsError::new(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A deserializer that only learns which fields a struct asks for.
    struct FieldNames<'a>(&'a std::cell::Cell<&'static [&'static str]>);

    impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("field names only"))
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(serde::de::Error::custom("field names only"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    /// The names `interface` declares in the TypeScript declarations.
    fn declared(interface: &str) -> Vec<String> {
        let start = super::DECLARATIONS
            .find(&format!("export interface {interface} {{"))
            .unwrap_or_else(|| panic!("{interface} is not declared"));
        let body = &super::DECLARATIONS[start..];
        let body = &body[..body.find("\n}").unwrap_or(body.len())];
        body.lines()
            .filter_map(|line| {
                let name = line.strip_prefix("  ")?;
                let end = name.find(['?', ':'])?;
                let name = &name[..end];
                (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()))
                    .then(|| name.to_owned())
            })
            .collect()
    }

    /// The options `mount` reads are the ones its TypeScript declarations name, both ways: an
    /// option added to one and not the other fails here (the hosted page's list is checked
    /// against the same declarations in the browser tests).
    #[wasm_bindgen_test]
    fn the_options_mount_reads_are_the_ones_its_types_declare() {
        let asked = std::cell::Cell::new(&[][..]);
        let _ = <super::MountOptions as serde::Deserialize>::deserialize(FieldNames(&asked));
        let mut read: Vec<String> = asked.get().iter().map(|name| (*name).to_owned()).collect();
        read.sort();
        let mut typed = declared("MountOptions");
        typed.extend(declared("PosMountOptions"));
        typed.sort();
        typed.dedup();
        assert!(read.len() > 10, "{read:?}");
        assert_eq!(read, typed);
    }
}
