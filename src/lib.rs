//! `paywasm`: a QR and wallet payment checkout for the browser, in Rust and WebAssembly.
//!
//! With only the merchant's public key, the widget offers the payment methods that fit the
//! amount, creates a source at the gateway, asks the merchant server for the charge, then
//! sends the customer to `authorize_uri` (`app_redirect`: Alipay) or shows the QR
//! (`offline`: PromptPay) and waits until the charge is `successful`, `failed` or `expired`.
//!
//! - [`js_api`]: everything JavaScript can call (`mount`), and nothing else exported;
//! - [`options`]: the options a merchant mounts the widget with, validated;
//! - [`gateway`] and [`merchant`]: the two HTTP clients (public key; merchant contract);
//! - [`flow`]: the checkout's phases and the wait for a result;
//! - [`redirect`]: where the widget is willing to send the customer;
//! - [`components`]: the Leptos views; [`i18n`]: their words in four languages;
//! - [`callbacks`]: the merchant's `onComplete`, `onError`, `onStateChange`;
//! - [`browser`]: timers, page visibility and saving an image, as futures;
//! - [`js`]: plain JavaScript objects read and written field by field (no serde in the wasm).

pub mod browser;
pub mod callbacks;
pub mod components;
pub mod error;
pub mod flow;
pub mod gateway;
mod http;
pub mod i18n;
pub mod js;
pub mod js_api;
pub mod merchant;
pub mod options;
#[cfg(feature = "pos")]
pub mod pos_options;
pub mod redirect;

pub use error::WidgetError;
