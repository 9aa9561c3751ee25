//! The customer's mobile number, for a method whose page needs it (TrueMoney Wallet's sends a
//! one-time password to it): asked in a form under the method choice when its button is
//! pressed, read as a Thai mobile number before the payment starts.
//!
//! The form is made with the DOM when first asked for, not in the checkout's view: as part of
//! the view, its element, attribute and event types cost the widget 2 KB more (gzip), paid by
//! every page, of which few offer TrueMoney Wallet.

use crate::i18n::{fill, phone_words, Texts};
use paywasm_core::method::gateway_only::thai_mobile_number;
use paywasm_core::method::SourceType;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The form's class.
const FORM: &str = "paywasm-phone";

/// Shows the form for `wallet`'s number under the choice of the checkout whose button was
/// pressed (`event`), made the first time, and moves the focus to its field. `go` starts the
/// payment with a number that reads as a Thai mobile number; another, the browser tells the
/// customer at the field, in the checkout's language.
pub fn ask(
    event: &web_sys::MouseEvent,
    wallet: SourceType,
    texts: &'static Texts,
    go: impl Fn(String) + 'static,
) {
    let Some((choice, form)) = placed(event) else {
        return;
    };
    let Some(form) = form.or_else(|| made(&choice, wallet, texts, go)) else {
        return;
    };
    let _ = form.remove_attribute("hidden");
    if let Some(field) = field_of(&form) {
        let _ = field.focus();
    }
}

/// Hides the form of the checkout whose button was pressed (`event`), if it has one: the
/// customer chose another method.
pub fn hide(event: &web_sys::MouseEvent) {
    if let Some((_, Some(form))) = placed(event) {
        let _ = form.set_attribute("hidden", "");
    }
}

/// The method choice of the checkout whose button was pressed (`event`), and its form if it
/// was made.
fn placed(event: &web_sys::MouseEvent) -> Option<(Element, Option<Element>)> {
    let choice = event
        .target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(".paywasm-methods")
        .ok()??;
    let form = choice
        .next_element_sibling()
        .filter(|next| next.class_name() == FORM);
    Some((choice, form))
}

/// The form, made and placed after `choice`.
fn made(
    choice: &Element,
    wallet: SourceType,
    texts: &'static Texts,
    go: impl Fn(String) + 'static,
) -> Option<Element> {
    let words = phone_words(texts);
    let form = web_sys::window()?.document()?.create_element("form").ok()?;
    form.set_class_name(FORM);
    // The number is read here: a refused one must not stop the next try.
    let _ = form.set_attribute("novalidate", "");
    // The checkout's own words only (no customer's or merchant's text).
    form.set_inner_html(&format!(
        "<label>{}<input type=\"tel\" name=\"phone_number\" autocomplete=\"tel\" inputmode=\"tel\" placeholder=\"0812345678\"></label><button type=\"submit\" class=\"paywasm-continue\">{}</button>",
        fill(words.label, wallet.method().display_name),
        words.go_on
    ));
    let submitted = {
        let form = form.clone();
        Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let Some(field) = field_of(&form) else {
                return;
            };
            match thai_mobile_number(&field.value()) {
                Some(number) => {
                    field.set_custom_validity("");
                    // While the payment starts and the browser leaves for the wallet's page.
                    let _ = form.set_attribute("hidden", "");
                    go(number);
                }
                None => {
                    field.set_custom_validity(words.invalid);
                    field.report_validity();
                }
            }
        })
    };
    form.add_event_listener_with_callback("submit", submitted.as_ref().unchecked_ref())
        .ok()?;
    // It lives as long as the form, which goes with the checkout.
    submitted.forget();
    choice.after_with_node_1(&form).ok()?;
    Some(form)
}

fn field_of(form: &Element) -> Option<web_sys::HtmlInputElement> {
    form.query_selector("input").ok().flatten()?.dyn_into().ok()
}
