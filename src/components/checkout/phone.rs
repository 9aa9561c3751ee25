//! The customer's mobile number, for a method whose page needs it (TrueMoney Wallet's sends a
//! one-time password to it): asked in a form under the method choice when its button is
//! pressed, read as a Thai mobile number before the payment starts.

use crate::i18n::{fill, phone_words, Texts};
use leptos::prelude::*;
use paywasm_core::method::gateway_only::thai_mobile_number;
use paywasm_core::method::SourceType;
use wasm_bindgen::JsCast;

/// The form for `wallet`'s number, shown while `asking` (and the choice is shown: not
/// `not_choosing`); `go` starts the payment with a number that reads as a Thai mobile number.
/// Another, the browser tells the customer at the field, in the checkout's language.
pub fn form(
    wallet: SourceType,
    texts: &'static Texts,
    asking: RwSignal<bool>,
    not_choosing: impl Fn() -> bool + Send + Sync + 'static,
    go: impl Fn(String) + 'static,
) -> impl IntoView {
    let words = phone_words(texts);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(field) = event
            .target()
            .and_then(|form| form.dyn_into::<web_sys::Element>().ok())
            .and_then(|form| form.query_selector("input").ok().flatten())
            .and_then(|field| field.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        match thai_mobile_number(&field.value()) {
            Some(number) => {
                field.set_custom_validity("");
                go(number);
            }
            None => {
                field.set_custom_validity(words.invalid);
                field.report_validity();
            }
        }
    };
    // `novalidate`: the number is read here, and a refused one must not stop the next try. A
    // press while a payment starts is refused by `go`, as the method buttons' are.
    view! {
        <form class="paywasm-phone" novalidate hidden=move || not_choosing() || !asking.get() on:submit=submit>
            <label>
                {fill(words.label, wallet.method().display_name)}
                <input type="tel" name="phone_number" autocomplete="tel" inputmode="tel" placeholder="0812345678"/>
            </label>
            <button type="submit" class="paywasm-continue">{words.go_on}</button>
        </form>
    }
}

/// Moves the focus to the number's field of the checkout whose method button was pressed
/// (`event`), once the form is shown.
pub fn focus_field(event: &web_sys::MouseEvent) {
    let field = event
        .target()
        .and_then(|button| button.dyn_into::<web_sys::Element>().ok())
        .and_then(|button| button.closest(".paywasm").ok().flatten())
        .and_then(|checkout| {
            checkout
                .query_selector(".paywasm-phone input")
                .ok()
                .flatten()
        })
        .and_then(|field| field.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        leptos::task::spawn_local(async move {
            // After the form's `hidden` is lifted.
            crate::browser::sleep(0).await;
            let _ = field.focus();
        });
    }
}
