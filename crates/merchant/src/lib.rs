//! The merchant's side of paywasm, as a library for a merchant's Rust server: what holds the
//! secret key and talks to the gateway, so that the browser never does.
//!
//! - [`checkout`]: the widget's merchant contract on the Omise API (charge an order, its
//!   status with a long poll, the signed webhook receiver), over the merchant's [`orders`];
//! - [`client`]: typed clients of both gateway APIs (Omise's and WooshPay's) with the secret
//!   key, which repeat what is safe to repeat (reads, and writes under an `Idempotency-Key`)
//!   and read answers as the core's objects and refusals as [`MerchantError`]s;
//! - [`error`]: what the merchant server's endpoints refuse, in the error object the widget
//!   reads from any merchant server;
//! - [`waiters`]: customers' status requests held open until their charge changes, woken by
//!   the webhook that changed it;
//! - [`records`]: the merchant server's records of the gateway (each order's charges and the
//!   copy of each, the webhook events handled), in SQLite for one instance or PostgreSQL for
//!   several;
//! - [`postgres`]: the same wake-ups across instances that share a PostgreSQL database
//!   (`LISTEN`/`NOTIFY`).

pub mod checkout;
pub mod client;
pub mod error;
pub mod orders;
pub mod postgres;
pub mod records;
pub mod waiters;

pub use error::MerchantError;
