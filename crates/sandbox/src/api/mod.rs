//! The layer under both APIs (Omise's in [`crate::gateway`], WooshPay's in
//! [`crate::wooshpay`]), each piece written once with the API as a parameter: the key a
//! request presents ([`credentials`]), request parsing ([`params`]), idempotency
//! ([`idempotency`]), rate limits ([`rate_limit`]), the framework's refusals ([`refusals`]),
//! and webhook delivery ([`delivery`]). Neither API imports the other.

pub mod credentials;
pub mod delivery;
pub mod idempotency;
pub mod params;
pub mod rate_limit;
pub mod refusals;

/// The API a router answers for, and so the shape of the errors its shared layers
/// (idempotency, rate limits) answer with. Each router names its own where it is built; no
/// error's shape is chosen from the request's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Omise's `{object: "error", location, code, message}`.
    Omise,
    /// WooshPay's `{error: {type, code, message}}`.
    Wooshpay,
}

/// Now, in whole seconds: the API's timestamps have no fractions.
pub(crate) fn now() -> paywasm_core::time::Timestamp {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    paywasm_core::time::Timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
}
