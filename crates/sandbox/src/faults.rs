//! Fault injection: a middleware that makes a share of the requests a server answers
//! go wrong the way networks and servers do, so that tests can prove every party survives them.
//!
//! `--gateway-faults` puts it in front of the gateway (what the widget and the shop call),
//! `--shop-faults` in front of the shop (what the widget calls and where webhooks arrive):
//! between them they cover every pair of parties. The value is `RATE[:KIND,...]`, e.g. `0.2` (a
//! fifth of the requests, every kind) or `0.1:reset,drop`. Kinds:
//!
//! - `latency`: the answer comes 100-800 ms late;
//! - `error`: 503 with `Retry-After`, in the error shape of the API called (Omise's, WooshPay's,
//!   the shop's: [`crate::api::ErrorShape`]), before the server acts;
//! - `reset`: the connection breaks before the server acts (the client sees no answer);
//! - `drop`: the server acts, then the connection breaks before the answer is complete (the
//!   client cannot tell whether anything happened: only idempotency keeps it safe to retry);
//! - `slow`: the server acts, then sends its answer in 40 pieces (of 64 bytes at least),
//!   25 ms apart: about a second, whatever the answer's size, as over a congested network.
//!
//! Each router is faulted with its own shape where the sandbox is put together
//! (`crate::start`); the shop's storefront (its product page and assets) is not, as it is how
//! tests observe.

use crate::api::{ErrorShape, Refusal};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// One way of going wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// A late answer.
    Latency,
    /// A 503 before the server acts.
    Error,
    /// A broken connection before the server acts.
    Reset,
    /// A broken connection after the server acted.
    Drop,
    /// An answer trickled out slowly.
    Slow,
}

impl FaultKind {
    /// Every kind, in the order of `FaultCounts`.
    pub const ALL: [FaultKind; 5] = [
        FaultKind::Latency,
        FaultKind::Error,
        FaultKind::Reset,
        FaultKind::Drop,
        FaultKind::Slow,
    ];

    /// The kind's name in `--gateway-faults`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Latency => "latency",
            FaultKind::Error => "error",
            FaultKind::Reset => "reset",
            FaultKind::Drop => "drop",
            FaultKind::Slow => "slow",
        }
    }
}

/// A fault specification that cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaultSpecError {
    /// The rate is not a number from 0 to 1.
    #[error("the fault rate must be a number from 0 to 1, not {0:?}")]
    Rate(String),
    /// An unknown kind.
    #[error("unknown fault kind {0:?}: use latency, error, reset, drop or slow")]
    Kind(String),
}

/// Which share of requests to fault, and how; with the counts of faults injected so far.
/// Clones share the rate and the counts.
#[derive(Debug, Clone)]
pub struct Faults {
    /// The share of requests to fault, an `f64`'s bits (see [`Faults::set_rate`]).
    rate: Arc<AtomicU64>,
    kinds: Vec<FaultKind>,
    counts: Arc<[AtomicU64; 5]>,
}

impl Faults {
    /// Reads `RATE[:KIND,...]`.
    pub fn parse(spec: &str) -> Result<Self, FaultSpecError> {
        let (rate, kinds) = match spec.split_once(':') {
            Some((rate, kinds)) => (rate, Some(kinds)),
            None => (spec, None),
        };
        let rate: f64 = rate
            .trim()
            .parse()
            .ok()
            .filter(|rate: &f64| (0.0..=1.0).contains(rate))
            .ok_or_else(|| FaultSpecError::Rate(rate.to_owned()))?;
        let kinds = match kinds {
            None => FaultKind::ALL.to_vec(),
            Some(kinds) => kinds
                .split(',')
                .map(|name| {
                    FaultKind::ALL
                        .into_iter()
                        .find(|kind| kind.name() == name.trim())
                        .ok_or_else(|| FaultSpecError::Kind(name.to_owned()))
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            rate: Arc::new(AtomicU64::new(rate.to_bits())),
            kinds,
            counts: Arc::default(),
        })
    }

    /// Faults from now on `rate` of the requests (0 to 1): a test can break one step of a
    /// flow and not the others.
    pub fn set_rate(&self, rate: f64) {
        self.rate
            .store(rate.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }

    fn rate(&self) -> f64 {
        f64::from_bits(self.rate.load(Ordering::Relaxed))
    }

    /// Faults injected so far, by kind.
    pub fn injected(&self) -> Vec<(FaultKind, u64)> {
        FaultKind::ALL
            .into_iter()
            .zip(self.counts.iter())
            .map(|(kind, count)| (kind, count.load(Ordering::Relaxed)))
            .collect()
    }

    /// All faults injected so far.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    fn draw(&self) -> Option<FaultKind> {
        if self.kinds.is_empty() || rand::random::<f64>() >= self.rate() {
            return None;
        }
        let kind = self.kinds[rand::random_range(0..self.kinds.len())];
        let index = FaultKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.counts[index].fetch_add(1, Ordering::Relaxed);
        Some(kind)
    }
}

/// A body that fails after `prefix`: hyper then breaks the connection mid-answer.
fn broken(prefix: Bytes) -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(prefix),
        Err(std::io::Error::other("fault injected: connection broken")),
    ];
    Body::from_stream(futures_util::stream::iter(chunks))
}

/// The middleware, for a router that answers in `shape`.
pub async fn inject<S: ErrorShape>(
    State((faults, shape)): State<(Faults, S)>,
    request: Request,
    next: Next,
) -> Response {
    let Some(kind) = faults.draw() else {
        return next.run(request).await;
    };
    match kind {
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(rand::random_range(100..800))).await;
            next.run(request).await
        }
        FaultKind::Error => {
            let mut response = shape.refuse(Refusal::Unavailable(
                "the service is unavailable (fault injected); try again".into(),
            ));
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        FaultKind::Reset => (StatusCode::OK, broken(Bytes::new())).into_response(),
        FaultKind::Drop => {
            let (parts, bytes) = acted(request, next).await;
            let cut = bytes.slice(..bytes.len() / 2);
            Response::from_parts(parts, broken(cut))
        }
        FaultKind::Slow => {
            let (parts, bytes) = acted(request, next).await;
            let piece = bytes.len().div_ceil(SLOW_PIECES).max(64);
            let pieces: Vec<Bytes> = bytes.chunks(piece).map(Bytes::copy_from_slice).collect();
            let stream = futures_util::stream::iter(pieces).then(|piece| async move {
                tokio::time::sleep(Duration::from_millis(25)).await;
                Ok::<_, std::io::Error>(piece)
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
    }
}

/// How many pieces a `slow` answer is sent in.
const SLOW_PIECES: usize = 40;

/// Lets the server act, then holds its whole answer: the head, without a length (the answer
/// will not go out as announced), and the body.
async fn acted(request: Request, next: Next) -> (axum::http::response::Parts, Bytes) {
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    (parts, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifications_are_read_or_refused_clearly() {
        let all = Faults::parse("0.2").unwrap();
        assert_eq!(all.rate(), 0.2);
        assert_eq!(all.kinds, FaultKind::ALL);
        let some = Faults::parse("1:reset, drop").unwrap();
        assert_eq!(some.kinds, [FaultKind::Reset, FaultKind::Drop]);
        assert_eq!(
            Faults::parse("1.5").unwrap_err(),
            FaultSpecError::Rate("1.5".into())
        );
        assert_eq!(
            Faults::parse("0.1:latency,flood").unwrap_err(),
            FaultSpecError::Kind("flood".into())
        );
        assert!(Faults::parse("a fifth").is_err());
        // Rate 1 faults everything, rate 0 nothing.
        let always = Faults::parse("1:error").unwrap();
        assert!((0..100).all(|_| always.draw() == Some(FaultKind::Error)));
        assert_eq!(always.total(), 100);
        let never = Faults::parse("0").unwrap();
        assert!((0..100).all(|_| never.draw().is_none()));
    }
}
