//! The receipt a successful payment leaves on screen: what was paid, how, to whom, the
//! reference to quote to the shop, and when, in the customer's language and time zone.

use crate::i18n::Texts;
use leptos::prelude::*;
use paywasm_core::objects::CheckoutCharge;
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

/// The receipt of a successful charge.
#[component]
pub fn Receipt(
    /// The successful charge.
    charge: CheckoutCharge,
    /// The customer's language.
    texts: &'static Texts,
    /// The method's name, as its tile showed it.
    method: Option<&'static str>,
    /// The merchant's name, if given.
    merchant: Option<String>,
) -> impl IntoView {
    let labels = texts.receipt;
    // The gateway's time of payment; a merchant server that leaves it out gets the moment the
    // widget learnt of it.
    let paid_ms = charge
        .paid_at
        .map_or_else(js_sys::Date::now, |at| at.unix() as f64 * 1_000.0);
    let line = |label: &'static str, value: String| {
        view! { <div><dt>{label}</dt><dd>{value}</dd></div> }
    };
    view! {
        <dl class="paywasm-receipt">
            {line(labels.amount, crate::i18n::amount(charge.amount, &charge.currency))}
            {method.map(|name| line(labels.method, name.to_owned()))}
            {merchant.map(|name| line(labels.merchant, name))}
            {line(labels.reference, charge.id)}
            {line(labels.date, local_date_time(paid_ms, texts.lang))}
        </dl>
    }
}
