//! The merchant's side of paywasm, as a library for a merchant's Rust server: what holds the
//! secret key and talks to the gateway, so that the browser never does.
//!
//! - [`checkout`]: the widget's merchant contract, one [`checkout::Checkout`] for every
//!   gateway (a payment's status with a long poll, the signed webhook receiver, the records
//!   and the waiting), over the merchant's [`orders`]; each gateway adds how a payment
//!   starts: [`checkout::omise`] charges the widget's source, [`checkout::wooshpay`] confirms
//!   a PaymentIntent (with the hosted Checkout Session and the return page's resume);
//! - `settlement`: what a gateway's payment means for its order, written once for every
//!   gateway (one payment per order, for what it costs; any other success refunded and
//!   reported), and `webhooks`: a delivery verified and each event handled once, both over
//!   each gateway's [`connector`] (its payment read from the gateway as a
//!   [`connector::Read`], its refund, its webhooks' signatures and events);
//! - [`client`]: typed clients of both gateway APIs (Omise's and WooshPay's) with the secret
//!   key, which repeat what is safe to repeat (reads, and writes under an `Idempotency-Key`)
//!   and read answers as the core's objects and refusals as [`MerchantError`]s;
//! - [`customers`]: who is asking (the customer's address behind the merchant's proxies) and
//!   what one customer may hold open at once;
//! - [`error`]: what the merchant server's endpoints refuse, in the error object the widget
//!   reads from any merchant server;
//! - [`waiters`]: customers' status requests held open until their charge changes, woken by
//!   the webhook that changed it;
//! - [`records`]: the merchant server's records of its gateways (each order's payments and
//!   the copy of each, the webhook events handled), in SQLite for one instance or PostgreSQL
//!   for several;
//! - [`database`]: the database the records are kept in, SQLite or PostgreSQL, where the
//!   merchant may keep its own tables too (statements written once per dialect, side by side;
//!   each owner's tables as versioned migrations, [`database::Schema`]);
//! - [`postgres`]: the same wake-ups across instances that share a PostgreSQL database
//!   (`LISTEN`/`NOTIFY`).
//!
//! - [`pos`]: the point of sale (in-store charges of scanned codes, cancel, refunds), served
//!   only behind the merchant's staff authentication ([`pos::StaffAuth`]).
//!
//! # Features
//!
//! - `sqlite` (default): records on the embedded SQLite store (`paywasm-store`), for one
//!   instance;
//! - `postgres`: records on PostgreSQL, shared by several instances ([`postgres`]).
//!
//! A merchant builds the store it runs (`default-features = false, features = ["postgres"]`
//! leaves SQLite's bundled C out), or both, to choose when it starts, as the demo shop does.
//!
//! # Mounting it in an axum app
//!
//! The merchant keeps its orders and says what each costs ([`orders::Orders`]); the library
//! serves the widget's endpoints beside the merchant's own routes. With one instance the
//! records are SQLite in a data folder; with several, one PostgreSQL database
//! ([`records::Records::postgres`]) that they share.
//!
//! ```no_run
//! use paywasm_core::money::{Amount, Currency};
//! use paywasm_merchant::checkout::Checkout;
//! use paywasm_merchant::client::OmiseClient;
//! use paywasm_merchant::orders::{Order, Orders, StrayPayment};
//! use paywasm_merchant::records::Records;
//! use paywasm_merchant::MerchantError;
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//!
//! /// The shop's orders (here in memory; a real shop reads its own database).
//! #[derive(Default)]
//! struct ShopOrders(Mutex<HashMap<String, Order>>);
//!
//! impl Orders for ShopOrders {
//!     async fn order(&self, reference: &str) -> Result<Option<Order>, MerchantError> {
//!         Ok(self.0.lock().unwrap().get(reference).cloned())
//!     }
//!
//!     async fn record_payment(&self, reference: &str, _charge: &str) -> Result<(), MerchantError> {
//!         if let Some(order) = self.0.lock().unwrap().get_mut(reference) {
//!             order.paid = true; // recording twice is harmless, as it must be
//!         }
//!         Ok(())
//!     }
//!
//!     async fn record_failure(
//!         &self,
//!         _reference: &str,
//!         _charge: &str,
//!         _failure_code: Option<&str>,
//!     ) -> Result<(), MerchantError> {
//!         Ok(()) // the order stays open: the customer may pay it another way
//!     }
//!
//!     async fn record_stray_payment(
//!         &self,
//!         reference: &str,
//!         payment: &StrayPayment,
//!     ) -> Result<(), MerchantError> {
//!         // Money taken that the order does not account for (a second QR paid, a price
//!         // changed meanwhile): refunded when `refund_id` is set, to repay by hand otherwise.
//!         eprintln!("order {reference}: stray payment {payment:?}");
//!         Ok(())
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let orders = ShopOrders::default();
//!     orders.0.lock().unwrap().insert(
//!         "ord_1001".into(),
//!         Order {
//!             amount: Amount(129_000),
//!             currency: Currency::thb(),
//!             description: "Hand-woven silk scarf (order ord_1001)".into(),
//!             paid: false,
//!             // The checkout's QR lifetime (or the gateway account's default).
//!             qr_lifetime: None,
//!         },
//!     );
//!     // One instance: SQLite in ./data. Several: Records::postgres("postgres://...").await?
//!     let store = paywasm_store::Store::open(Some("data".as_ref()), "merchant")?;
//!     let records = Records::sqlite(store.clone())?;
//!     let gateway = OmiseClient::new(
//!         "https://api.omise.co".into(),
//!         std::env::var("OMISE_SECRET_KEY")?,
//!     )?;
//!     // The webhook endpoint's signing key, as the dashboard shows it (base64), decoded.
//!     let webhook_key = std::fs::read("webhook.key")?;
//!     let checkout = Checkout::new(
//!         orders,
//!         records,
//!         gateway,
//!         vec![webhook_key],
//!         "https://shop.example/return".into(),
//!     );
//!     let (browser, webhooks) = checkout.routes();
//!     let app = axum::Router::new()
//!         .route("/", axum::routing::get(|| async { "the shop's own pages" }))
//!         .merge(browser)
//!         .merge(webhooks)
//!         // SQLite commits are made durable in groups: no answer (a charge, a webhook's
//!         // acknowledgement) leaves before what it reports is on disk.
//!         .layer(axum::middleware::from_fn_with_state(
//!             store,
//!             paywasm_store::durable_answers,
//!         ));
//!     let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! ```

pub mod account;
pub mod checkout;
pub mod client;
pub mod connector;
pub mod cookies;
pub mod customers;
pub mod database;
pub mod error;
pub mod orders;
pub mod pos;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod records;
pub mod rereads;
mod settlement;
pub mod waiters;
mod webhooks;

pub use error::MerchantError;
