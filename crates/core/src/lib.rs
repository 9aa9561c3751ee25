//! `paywasm-core`: what the widget and the sandbox gateway share.
//!
//! - [`checkout`]: the checkout's model of a payment, whatever the gateway (what the widget,
//!   `onComplete` and the merchant contract speak);
//! - [`omise`]: Omise's API objects (sources, charges, lists, errors) as the seed documents
//!   show them, and a charge as a payment;
//! - [`wooshpay`]: WooshPay's API objects (PaymentIntents, Checkout Sessions, refunds, events),
//!   and a PaymentIntent's client-safe view as a payment;
//! - [`money`] and [`time`]: amounts in the smallest currency unit, currencies, timestamps;
//! - [`ids`]: the APIs' prefixed ids, each a type (made new by `ids::make`, feature `make-ids`);
//! - [`i18n`]: every sentence a customer reads, in four languages;
//! - [`first_view`]: the checkout's method choice as HTML, for a merchant server's page;
//! - [`method`]: the payment method registry (type, flow, currencies and limits);
//! - [`policy`]: what the Rust and the JavaScript share (version, gateways' APIs and key
//!   prefixes, where a gateway may send a customer), read from its `policy.json`; public keys;
//! - [`platform`]: the customer's platform (`WEB`, `IOS`, `ANDROID`) from a user agent;
//! - [`poll`]: when the widget asks again while a charge is pending;
//! - [`pos`]: which wallet a scanned in-store payment code belongs to;
//! - [`emvco`]: the QR payloads' common form (fields, CRC, the amount read back);
//! - [`promptpay`] and [`paynow`]: the Thai QR and Singapore's SGQR PayNow payloads;
//! - `qr` (feature `qr`): a payload drawn as an SVG QR code;
//! - [`test_codes`]: the sandbox's in-store test codes, and the outcome each asks for;
//! - `webhook` (feature `webhooks`): signing and verifying webhook deliveries.
//!
//! No web and no async runtime dependencies: everything here is pure and unit-tested natively.

#[macro_use]
pub mod open_enum;

pub mod checkout;
pub mod emvco;
pub mod error;
pub mod failure;
pub mod first_view;
pub mod html;
pub mod i18n;
pub mod ids;
pub mod marks;
pub mod method;
pub mod money;
pub mod omise;
pub mod paynow;
pub mod platform;
pub mod policy;
pub mod poll;
pub mod pos;
pub mod promptpay;
#[cfg(feature = "qr")]
pub mod qr;
pub mod test_codes;
pub mod time;
#[cfg(feature = "webhooks")]
pub mod webhook;
pub mod wooshpay;

pub use error::Error;
