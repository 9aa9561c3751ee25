//! The layer under both APIs (Omise's in [`crate::gateway`], WooshPay's in
//! [`crate::wooshpay`]), each piece written once with the API as a parameter: the key a
//! request presents ([`credentials`]), CORS for browsers ([`cors`]), request parsing
//! ([`params`]), idempotency ([`idempotency`]), rate limits ([`rate_limit`]), the framework's
//! refusals ([`refusals`]), webhook delivery ([`delivery`]) and the log of the last requests
//! ([`request_log`]); injected faults
//! ([`crate::faults`]) answer in the same shapes. Each API's error shape is a parameter ([`ErrorShape`],
//! rendering the layer's [`Refusal`]s), as its event delivery is (`delivery::Deliveries`);
//! neither API imports the other, and nothing here imports either.

pub mod cors;
pub mod credentials;
pub mod delivery;
pub mod idempotency;
pub mod params;
pub mod rate_limit;
pub mod refusals;
pub mod request_log;

/// The most characters of a body the dashboard's logs keep.
const EXCERPT_CHARS: usize = 300;

/// The start of `text`, on one line, at most [`EXCERPT_CHARS`] characters (an answer's, a
/// request's), for a log a person reads.
pub(crate) fn excerpt(text: &str) -> String {
    let mut words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = words.char_indices().nth(EXCERPT_CHARS) {
        words.truncate(cut);
        words.push('…');
    }
    words
}

/// What the layer refuses a request with, before a handler runs or instead of one: each API
/// (and the shop) renders it in its own error shape ([`ErrorShape`]).
#[derive(Debug)]
pub enum Refusal {
    /// The request is malformed (an `Idempotency-Key` that cannot be one): 400.
    Invalid(String),
    /// The first request under its `Idempotency-Key` is still being processed.
    KeyInUse(String),
    /// Its `Idempotency-Key` was used for a different request.
    KeyReused(String),
    /// Too many requests with this key: 429.
    TooManyRequests(String),
    /// The framework refused it (a body or query that does not parse, a wrong content type or
    /// method, an unknown path), with its status and a code for it.
    Framework {
        /// The framework's status.
        status: axum::http::StatusCode,
        /// `bad_request`, `not_found`, ...
        code: &'static str,
        /// The framework's words, or the status's.
        message: String,
    },
    /// The service cannot answer now and the request may be repeated (an injected fault,
    /// [`crate::faults`]): 503.
    Unavailable(String),
    /// The layer could not do its work (the store failed): a 5xx, details in the log.
    Internal(String),
}

/// An API's error shape: how its routers answer the layer's [`Refusal`]s. Each router names
/// its own where it is built; no error's shape is chosen from the request's URL.
pub trait ErrorShape: Copy + Send + Sync + 'static {
    /// `refusal` as this API's error answer.
    fn refuse(self, refusal: Refusal) -> axum::response::Response;
}

pub(crate) use paywasm_merchant::cookies::values as cookie_values;

/// Now, in whole seconds: the API's timestamps have no fractions.
pub(crate) fn now() -> paywasm_core::time::Timestamp {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    paywasm_core::time::Timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_excerpt_is_one_short_line() {
        assert_eq!(super::excerpt("  ok\n\t thanks "), "ok thanks");
        let long = "é".repeat(400);
        let cut = super::excerpt(&long);
        assert_eq!(cut.chars().count(), super::EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
