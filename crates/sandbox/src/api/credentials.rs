//! The API key a request presents, read one way for both APIs and for everything keyed by it
//! (authentication, idempotency scopes, rate-limit buckets): the user name of HTTP Basic
//! authentication (Omise's way; the password is empty), or a Bearer token (WooshPay's).
//! So one key is one key however the header spells it.

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use base64::Engine;
use subtle::ConstantTimeEq;

/// An account's two keys, on either API (Omise `pkey_`/`skey_`, WooshPay `pk_`/`sk_`).
#[derive(Debug, Clone)]
pub struct Keys {
    /// The public (publishable) key, for browsers.
    pub public: String,
    /// The secret key, for the merchant's server.
    pub secret: String,
}

/// Which of the account's keys a request presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The public key.
    Public,
    /// The secret key.
    Secret,
}

impl Keys {
    /// Which of these keys `presented` is, compared in constant time; `None` for neither.
    pub fn classify(&self, presented: &str) -> Option<KeyKind> {
        let same = |key: &str| bool::from(presented.as_bytes().ct_eq(key.as_bytes()));
        if same(&self.secret) {
            Some(KeyKind::Secret)
        } else if same(&self.public) {
            Some(KeyKind::Public)
        } else {
            None
        }
    }
}

/// How the key was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Basic base64(key:)`.
    Basic,
    /// `Authorization: Bearer key`.
    Bearer,
}

/// The key in the `Authorization` header, with how it was sent; `None` without a readable one.
pub fn presented_key(headers: &HeaderMap) -> Option<(Scheme, String)> {
    let header = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, value) = header.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some((Scheme::Bearer, value.trim().to_owned()));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let user = decoded
        .split_once(':')
        .map_or(decoded.as_str(), |(user, _)| user);
    Some((Scheme::Basic, user.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn key(header: &str) -> Option<(Scheme, String)> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(header).unwrap());
        presented_key(&headers)
    }

    #[test]
    fn one_key_however_it_is_sent() {
        let basic = base64::engine::general_purpose::STANDARD.encode("sk_test_1:");
        assert_eq!(
            key(&format!("Basic {basic}")),
            Some((Scheme::Basic, "sk_test_1".into()))
        );
        assert_eq!(
            key(&format!("basic {basic}")),
            Some((Scheme::Basic, "sk_test_1".into()))
        );
        let with_password = base64::engine::general_purpose::STANDARD.encode("sk_test_1:x");
        assert_eq!(
            key(&format!("Basic {with_password}")).unwrap().1,
            "sk_test_1"
        );
        assert_eq!(
            key("Bearer sk_test_1"),
            Some((Scheme::Bearer, "sk_test_1".into()))
        );
        assert_eq!(key("Token sk_test_1"), None);
        assert_eq!(key("Basic %%%"), None);
        assert_eq!(key("Bearer"), None);
    }
}
