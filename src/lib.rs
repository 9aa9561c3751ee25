//! `paywasm`: a QR and wallet payment checkout for the browser, in Rust and WebAssembly.
//!
//! With only the merchant's public key, the checkout offers the payment methods that fit the
//! amount, creates a source at the gateway, asks the merchant server for the charge, then
//! sends the customer to `authorize_uri` (`app_redirect`: Alipay) or shows the QR
//! (`offline`: PromptPay) and waits until the charge is `successful`, `failed` or `expired`.
//!
//! Two Leptos components, for a Leptos app or (feature `js-api`) for JavaScript's `mount`:
//! - [`Checkout`] (feature `checkout`): the customer's checkout, with [`CheckoutOptions`];
//! - [`PosCheckout`] (feature `pos`): the cashier's view for in-store payments, with
//!   [`PosOptions`].
//!
//! Inside: [`options`] and [`pos_options`] (what a merchant configures, checked);
//! [`gateway`] and [`merchant`] (the two HTTP clients, on gloo-net: public key; merchant
//! contract); [`flow`] (the phases and the wait for a result); [`redirect`] (where the widget
//! is willing to send the customer); [`i18n`] (the words in four languages); [`browser`]
//! (timers, page visibility and saving an image, as futures); `js_api` (every
//! `#[wasm_bindgen]` export, with serde-wasm-bindgen at the boundary).

mod adapter;
pub mod browser;
pub mod components;
pub mod error;
pub mod flow;
pub mod gateway;
mod http;
pub mod i18n;
#[cfg(feature = "js-api")]
pub mod js_api;
pub mod merchant;
pub mod options;
#[cfg(feature = "pos")]
pub mod pos_options;
pub mod redirect;

#[cfg(feature = "checkout")]
pub use components::checkout::{Checkout, Phase};
#[cfg(feature = "pos")]
pub use components::pos::PosCheckout;
pub use error::WidgetError;
pub use options::{CheckoutOptions, Gateway, Options, Theme};
pub use paywasm_core::checkout::{Payment, Status as PaymentStatus};
pub use paywasm_core::method::SourceType;
pub use paywasm_core::money::{Amount, Currency};
#[cfg(feature = "pos")]
pub use pos_options::PosOptions;
