//! What one gateway's checkout does that another's does not, behind one trait: how a payment
//! starts and how it is read while the customer pays. The flow ([`crate::flow`]) is written
//! once over it. Each build of the widget ships one gateway (a merchant pays through one), so
//! the adapter is chosen when the crate is built, here and nowhere else: the `wooshpay`
//! feature builds WooshPay's, its absence Omise's.
//!
//! A third gateway is a module here with its `impl Adapter`, a feature, and its row below.

use crate::options::checked::Options;
use crate::WidgetError;
use paywasm_core::checkout::Payment;
use paywasm_core::method::{GatewayKind, SourceType};
use paywasm_core::platform::PlatformType;

#[cfg(not(feature = "wooshpay"))]
mod omise;
#[cfg(feature = "wooshpay")]
mod wooshpay;

/// This build's gateway.
#[cfg(not(feature = "wooshpay"))]
pub(crate) type Active = omise::Omise;
/// This build's gateway.
#[cfg(feature = "wooshpay")]
pub(crate) type Active = wooshpay::Wooshpay;

/// What the page's first view already sent for the chosen method while the widget loaded: its
/// section, on which its script left the promises of the answers (`Response`s), read instead
/// of asking again: `paywasmSource` (the method's `POST /sources`) and `paywasmCharge` (the
/// merchant server's `POST {chargeUrl}` for that source). Kept as the one value and read only
/// when the payment starts, so that the code reading it is in the payment's module, not in the
/// code every page downloads.
#[derive(Debug, Clone, Default)]
pub struct Sent(Option<wasm_bindgen::JsValue>);

impl Sent {
    /// What the script of `first_view` (its section, `paywasm_core::first_view`) left on it.
    pub fn by(first_view: wasm_bindgen::JsValue) -> Self {
        Self(Some(first_view))
    }

    fn answer(&self, name: &str) -> Option<js_sys::Promise> {
        let answer = js_sys::Reflect::get(self.0.as_ref()?, &name.into()).ok()?;
        (!answer.is_undefined()).then(|| js_sys::Promise::resolve(&answer))
    }

    /// The answer to the method's `POST /sources`.
    pub fn source(&self) -> Option<js_sys::Promise> {
        self.answer("paywasmSource")
    }

    /// The answer to the merchant server's `POST {chargeUrl}` for that source.
    pub fn charge(&self) -> Option<js_sys::Promise> {
        self.answer("paywasmCharge")
    }
}

/// One gateway's part of the checkout.
pub(crate) trait Adapter {
    /// The gateway: its methods, its keys, its production API.
    const KIND: GatewayKind;

    /// Why a checkout on another gateway is refused by this build, and which build to load.
    const OTHERS_REFUSED: &'static str;

    /// Starts paying `order` with `method` through the merchant server, for the customer on
    /// `platform`, with the `phone_number` they gave where the method needs it; the payment
    /// says what the customer does next. `sent`: the answers to the requests the page's first
    /// view already sent (Omise's source, and its charge).
    async fn start(
        options: &Options,
        order: &str,
        method: SourceType,
        platform: PlatformType,
        phone_number: Option<&str>,
        sent: Sent,
    ) -> Result<Payment, WidgetError>;

    /// Reads the payment `id` once (a server may hold the answer while it is pending).
    async fn read(options: &Options, id: &str) -> Result<Payment, WidgetError>;
}
