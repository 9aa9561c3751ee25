//! Keys as WooshPay takes them: `Authorization: Bearer sk_test_...`, or HTTP Basic with the key
//! as the user name (as Stripe's clients also send).

use super::error::WpError;
use super::WooshpayState;
use crate::api::credentials::KeyKind;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// A request made with the secret key.
pub struct Secret;

/// Which key authenticated a request that either key may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnyKey {
    /// `pk_test_...`: only client-safe reads with a client secret.
    Publishable,
    /// `sk_test_...`.
    Secret,
}

fn key_of(parts: &Parts) -> Result<String, WpError> {
    crate::api::credentials::presented_key(&parts.headers)
        .map(|(_, key)| key)
        .ok_or_else(|| {
            WpError::Authentication(
                "You did not provide an API key: send it as `Authorization: Bearer sk_test_...`"
                    .into(),
            )
        })
}

fn classify(state: &WooshpayState, key: &str) -> Result<AnyKey, WpError> {
    match state.keys.classify(key) {
        Some(KeyKind::Secret) => Ok(AnyKey::Secret),
        Some(KeyKind::Public) => Ok(AnyKey::Publishable),
        None => Err(WpError::Authentication(
            "Invalid API key provided: it is not this account's".into(),
        )),
    }
}

impl FromRequestParts<WooshpayState> for AnyKey {
    type Rejection = WpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WooshpayState,
    ) -> Result<Self, Self::Rejection> {
        classify(state, &key_of(parts)?)
    }
}

impl FromRequestParts<WooshpayState> for Secret {
    type Rejection = WpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WooshpayState,
    ) -> Result<Self, Self::Rejection> {
        match classify(state, &key_of(parts)?)? {
            AnyKey::Secret => Ok(Secret),
            AnyKey::Publishable => Err(WpError::Authentication(
                "This API call needs your secret key (sk_test_...); the publishable key may only read a PaymentIntent with its client_secret".into(),
            )),
        }
    }
}
