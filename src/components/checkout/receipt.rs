//! The receipt a successful payment leaves on screen: what was paid, how, to whom, the
//! reference to quote to the shop, and when, in the customer's language and time zone.

use crate::i18n::Texts;
use leptos::prelude::*;
use paywasm_core::checkout::Payment;
use paywasm_core::method::GatewayKind;
use wasm_bindgen::JsValue;

/// The moment, in the customer's language and the browser's time zone (`Intl`, so that the
/// widget carries no calendar of its own).
fn local_date_time(unix_ms: f64, lang: &str) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    js_sys::Date::new(&JsValue::from_f64(unix_ms))
        .to_locale_string(lang, &options)
        .into()
}

/// The receipt of the successful charge, made once and hidden until there is one (like the
/// QR panel: a view made when the payment succeeds costs the widget its build, rebuild and
/// removal code).
#[component]
pub fn Receipt(
    /// The successful charge, once there is one.
    charge: Memo<Option<Payment>>,
    /// The customer's language.
    texts: &'static Texts,
    /// The gateway, which names the charge's method.
    kind: GatewayKind,
    /// The merchant's name, if given.
    merchant: Option<String>,
) -> impl IntoView {
    let labels = texts.receipt;
    // Each line reads the charge through one function pointer: one type of reader for all of
    // them (a closure each measured 0.16 KB larger).
    let line = move |read: fn(&Payment, &'static Texts, GatewayKind) -> String| {
        move || {
            charge
                .get()
                .map(|charge| read(&charge, texts, kind))
                .unwrap_or_default()
        }
    };
    let method = line(|charge, _, kind| {
        kind.parse_method(&charge.source.source_type)
            .map(|method| method.method().display_name.to_owned())
            .unwrap_or_default()
    });
    let no_method = move || method().is_empty();
    view! {
        <dl class="paywasm-receipt" hidden=move || charge.get().is_none()>
            <div><dt>{labels.amount}</dt><dd>{line(|charge, _, _| crate::i18n::amount(charge.amount, &charge.currency))}</dd></div>
            <div hidden=no_method><dt>{labels.method}</dt><dd>{method}</dd></div>
            {merchant.map(|name| view! { <div><dt>{labels.merchant}</dt><dd>{name}</dd></div> })}
            <div><dt>{labels.reference}</dt><dd>{line(|charge, _, _| charge.id.clone())}</dd></div>
            // The gateway's time of payment; a merchant server that leaves it out gets the
            // moment the widget learnt of it.
            <div><dt>{labels.date}</dt><dd>{line(|charge, texts, _| {
                let paid_ms = charge.paid_at.map_or_else(js_sys::Date::now, |at| at.unix() as f64 * 1_000.0);
                local_date_time(paid_ms, texts.lang)
            })}</dd></div>
        </dl>
    }
}
