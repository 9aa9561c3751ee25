//! A Leptos app (client-side rendering) with paywasm's checkout, rendered from Rust: no
//! JavaScript API, no `mount`. The merchant's server made the order (here: `?order=` in the
//! URL) and charges it; the app shows the checkout and the outcome.
//!
//! Built by `npm test` (scripts/build-leptos-app.sh) and paid with PromptPay in Chromium
//! (tests/e2e/leptos-app.spec.mjs). The README's "In a Leptos app" shows this file.

use leptos::prelude::*;
use paywasm::{Amount, Checkout, CheckoutOptions, Currency, Payment};

fn main() {
    let order = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|query| web_sys::UrlSearchParams::new_with_str(&query).ok())
        .and_then(|query| query.get("order"))
        .unwrap_or_default();
    let options = CheckoutOptions::new(
        "pkey_test_5paywasmsandbox0demo0",
        Amount(129_000),
        Currency::thb(),
        "/checkout/charges",
    )
    .gateway_url("http://127.0.0.1:17070")
    .order(order)
    .merchant_name("Leptos shop")
    .check();
    mount_to_body(move || match options {
        Ok(options) => view! { <Shop options=options/> }.into_any(),
        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
    });
}

/// The shop's checkout page: the product, paywasm's checkout and, once paid, the receipt.
#[component]
fn Shop(options: paywasm::Options) -> impl IntoView {
    let paid = RwSignal::new(None::<Payment>);
    view! {
        <main>
            <h1>"Leptos shop"</h1>
            <Checkout
                options=options
                on_complete=move |charge: Payment| paid.set(Some(charge))
            />
            {move || paid.get().map(|charge| view! {
                <p>"Order " {charge.status.as_str().to_owned()} ": " {charge.id}</p>
            })}
        </main>
    }
}
