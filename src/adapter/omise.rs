//! Omise (seeds 000-003): a source made with the public key, the charge made by the merchant
//! server (`POST {chargeUrl}`), and the charge's status long-polled from the merchant server.

use super::{Adapter, Sent};
use crate::options::checked::Options;
use crate::{gateway, merchant, WidgetError};
use paywasm_core::checkout::Payment;
use paywasm_core::method::{GatewayKind, SourceType};
use paywasm_core::platform::PlatformType;
use paywasm_core::poll::LONG_POLL_WAIT_SECS;

/// Omise's checkout.
pub(crate) struct Omise;

impl Adapter for Omise {
    const KIND: GatewayKind = GatewayKind::Omise;

    const OTHERS_REFUSED: &'static str = "WooshPay is not in this build (paywasm.js): the npm package and embed.js load paywasm_wooshpay.js for gateway \"wooshpay\"; a Leptos app turns on the paywasm crate's `wooshpay` feature";

    async fn start(
        options: &Options,
        order: &str,
        method: SourceType,
        platform: PlatformType,
        phone_number: Option<&str>,
        sent: Sent,
    ) -> Result<Payment, WidgetError> {
        let source =
            gateway::create_source(options, method, platform, phone_number, sent.source()).await?;
        merchant::create_charge(&options.charge_url, &source.id, order, sent.charge()).await
    }

    async fn read(options: &Options, id: &str) -> Result<Payment, WidgetError> {
        merchant::charge(&options.charge_url, id, LONG_POLL_WAIT_SECS).await
    }
}
