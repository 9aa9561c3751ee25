//! Per-key rate limiting, as Omise does it: short bursts are allowed, then requests
//! are admitted at a steady rate; beyond it the gateway answers 429 with `Retry-After` in the
//! API's own error shape. Each of the account's keys has its own token bucket; requests
//! without a key, or with one that is not the account's, share one bucket per client address
//! (a client that sends a fresh made-up key with each request gets no fresh bucket).
//!
//! `--rate-limit N` sets N requests per second per key with bursts of 2N; 0 turns it off (the
//! throughput benchmark measures the server, not the limiter). It is layered on the two APIs'
//! routers only (lib.rs): the published widget, its hosted page (`/pkg/...`) and the pages'
//! assets carry no key and are not limited.

use crate::api::credentials::Keys;
use crate::api::{ErrorShape, Refusal};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Buckets of this many keys at most; idle full buckets are forgotten beyond it.
const MAX_BUCKETS: usize = 10_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The limiter shared by every request to the gateway.
#[derive(Clone)]
pub struct RateLimit {
    per_second: f64,
    burst: f64,
    buckets: Arc<Mutex<HashMap<[u8; 32], Bucket>>>,
    /// The account's keys (both APIs'): each has a bucket of its own.
    keys: Arc<Vec<Keys>>,
}

impl RateLimit {
    /// `per_second` requests per second per key of `keys`, bursts of twice that; `None` when
    /// 0.
    pub fn new(per_second: u32, keys: Vec<Keys>) -> Option<Self> {
        (per_second > 0).then(|| Self {
            per_second: f64::from(per_second),
            burst: f64::from(per_second) * 2.0,
            buckets: Arc::default(),
            keys: Arc::new(keys),
        })
    }

    /// Takes a token for `key`; on refusal, the seconds until one is free.
    fn take(&self, key: [u8; 32], now: Instant) -> Result<(), u64> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&key) {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * per_second
                    < burst
            });
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

impl RateLimit {
    /// The bucket of `request`: its key's, when it is one of the account's; its client
    /// address's otherwise.
    fn bucket_key(&self, request: &Request) -> [u8; 32] {
        let mut hasher = Sha256::new();
        let known = crate::api::credentials::presented_key(request.headers())
            .map(|(_, key)| key)
            .filter(|key| self.keys.iter().any(|keys| keys.classify(key).is_some()));
        match known {
            Some(key) => {
                hasher.update(b"key:");
                hasher.update(key.as_bytes());
            }
            None => {
                let address = request
                    .extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|info| info.0.ip().to_string())
                    .unwrap_or_default();
                hasher.update(b"address:");
                hasher.update(address.as_bytes());
            }
        }
        hasher.finalize().into()
    }
}

/// The middleware, for a router that answers in `shape`.
pub async fn limit<S: ErrorShape>(
    State((limit, shape)): State<(RateLimit, S)>,
    request: Request,
    next: Next,
) -> Response {
    let Err(retry_after) = limit.take(limit.bucket_key(&request), Instant::now()) else {
        return next.run(request).await;
    };
    let message = format!("too many requests with this key; retry after {retry_after} s");
    let mut response = shape.refuse(Refusal::TooManyRequests(message));
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_of_twice_the_rate_then_the_rate() {
        let limit = RateLimit::new(10, Vec::new()).unwrap();
        let start = Instant::now();
        let key = [1; 32];
        for _ in 0..20 {
            assert_eq!(limit.take(key, start), Ok(()));
        }
        assert_eq!(limit.take(key, start), Err(1));
        // Another key has its own bucket.
        assert_eq!(limit.take([2; 32], start), Ok(()));
        // A tenth of a second refills one token.
        assert_eq!(limit.take(key, start + Duration::from_millis(100)), Ok(()));
        assert!(limit.take(key, start + Duration::from_millis(100)).is_err());
    }

    #[test]
    fn zero_turns_it_off() {
        assert!(RateLimit::new(0, Vec::new()).is_none());
    }

    /// Before: the bucket was the presented key's, whatever it was: a client that made up a
    /// new key for each request was never limited.
    #[test]
    fn made_up_keys_share_their_clients_bucket() {
        let keys = Keys {
            public: "pkey_test_real".into(),
            secret: "skey_test_real".into(),
        };
        let limit = RateLimit::new(10, vec![keys]).unwrap();
        let from = |key: &str, port: u16| {
            let mut request = Request::new(axum::body::Body::empty());
            let basic = base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("{key}:"),
            );
            request.headers_mut().insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Basic {basic}")).unwrap(),
            );
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], port))));
            limit.bucket_key(&request)
        };
        assert_eq!(
            from("skey_test_made_up_1", 1),
            from("skey_test_made_up_2", 2)
        );
        assert_ne!(from("skey_test_real", 1), from("pkey_test_real", 1));
        assert_ne!(from("skey_test_real", 1), from("skey_test_made_up_1", 1));
    }
}
