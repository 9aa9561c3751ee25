//! Times as the dashboard prints them: UTC, to the second, `2026-12-05 16:46:11`.

use paywasm_core::time::Timestamp;

/// A time in whole seconds.
pub(crate) fn when(at: Timestamp) -> String {
    at.to_string().replace('T', " ").replace('Z', "")
}

/// A time in epoch milliseconds (WooshPay's, the delivery worker's).
pub(crate) fn when_ms(ms: i64) -> String {
    when(Timestamp(ms.div_euclid(1_000)))
}
