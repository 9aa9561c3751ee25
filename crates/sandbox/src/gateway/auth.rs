//! HTTP Basic authentication with the account's keys, as the real API does it: the key is the
//! user name and the password is empty.

use super::error::ApiError;
use super::GatewayState;
use crate::api::credentials::Scheme;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

pub use crate::api::credentials::KeyKind;

/// A request made with either key.
pub struct AnyKey(pub KeyKind);

/// A request made with the secret key.
pub struct SecretKey;

fn key_of(parts: &Parts) -> Result<String, ApiError> {
    match crate::api::credentials::presented_key(&parts.headers) {
        Some((Scheme::Basic, key)) => Ok(key),
        _ => Err(ApiError::AuthenticationFailure(
            "authentication failed: send your key as the user name of HTTP Basic authentication"
                .into(),
        )),
    }
}

fn classify(state: &GatewayState, key: &str) -> Result<KeyKind, ApiError> {
    state.keys.classify(key).ok_or_else(|| {
        ApiError::AuthenticationFailure(
            "authentication failed: the key is not this account's".into(),
        )
    })
}

impl FromRequestParts<GatewayState> for AnyKey {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &GatewayState,
    ) -> Result<Self, Self::Rejection> {
        Ok(AnyKey(classify(state, &key_of(parts)?)?))
    }
}

impl FromRequestParts<GatewayState> for SecretKey {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &GatewayState,
    ) -> Result<Self, Self::Rejection> {
        match classify(state, &key_of(parts)?)? {
            KeyKind::Secret => Ok(SecretKey),
            KeyKind::Public => Err(ApiError::AuthenticationFailure(
                "authentication failed: this request needs the secret key; the public key may only create sources".into(),
            )),
        }
    }
}
