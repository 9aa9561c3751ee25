//! A gateway's webhook delivery, handled once, written once for every gateway: verified by
//! its gateway's connector, then each event handled once (a repeat, on any instance, is
//! answered as a duplicate), and counted as handled only after its effect, so that when the
//! effect fails (the gateway cannot be read, the process dies) the gateway's next delivery of
//! the event does it afresh (every effect is safe to repeat).

use crate::connector::{Connector, Delivery};
use crate::error::MerchantError;
use crate::records::{now_ms, Records};
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::future::Future;

/// The delivery of `headers` and `body`, verified by gateway `C` against `secrets`.
pub(crate) fn verified<C: Connector>(
    headers: &HeaderMap,
    body: &[u8],
    secrets: &[Vec<u8>],
) -> Result<Delivery, MerchantError> {
    C::verify_delivery(headers, body, secrets, now_ms() / 1_000)
}

/// Runs `effect` for `delivery`'s event unless it was handled before; the answer for the
/// gateway (`{"received": id}`, with `"duplicate": true` for a repeat). The effect says
/// whether its last write noted the event handled itself ([`Records::update_copy`]); if not,
/// it is noted here, after the effect.
pub(crate) async fn handle_once(
    records: &Records,
    delivery: &Delivery,
    effect: impl Future<Output = Result<Noted, MerchantError>>,
) -> Result<Value, MerchantError> {
    if records.handled(&delivery.event).await? {
        return Ok(json!({"received": delivery.event, "duplicate": true}));
    }
    if effect.await? == Noted::No {
        records.mark_handled(&delivery.event, now_ms()).await?;
    }
    Ok(json!({"received": delivery.event}))
}

/// Whether a webhook's effect noted its event handled in its own last write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Noted {
    /// With the payment's copy, in the same commit.
    Yes,
    /// Not: [`handle_once`] notes it.
    No,
}
