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

/// One gateway's part of the checkout.
pub(crate) trait Adapter {
    /// The gateway: its methods, its keys, its production API.
    const KIND: GatewayKind;

    /// Why a checkout on another gateway is refused by this build, and which build to load.
    const OTHERS_REFUSED: &'static str;

    /// Starts paying `order` with `method` through the merchant server, for the customer on
    /// `platform`, with the `phone_number` they gave where the method needs it; the payment
    /// says what the customer does next. `sent_source`: the answer to the method's
    /// `POST /sources`, which the page's first view already sent (Omise's).
    async fn start(
        options: &Options,
        order: &str,
        method: SourceType,
        platform: PlatformType,
        phone_number: Option<&str>,
        sent_source: Option<js_sys::Promise>,
    ) -> Result<Payment, WidgetError>;

    /// Reads the payment `id` once (a server may hold the answer while it is pending).
    async fn read(options: &Options, id: &str) -> Result<Payment, WidgetError>;
}
