//! `Idempotency-Key` on POST requests, for both APIs (Omise's and WooshPay's `/v1/`): a
//! repeated request with the same key (for the same account key) returns the first answer and
//! changes nothing; the same key with a different request is refused, in its API's error
//! shape. Answers are kept in the database, so a retry after a restart still finds them.
//! Server errors are not kept, so the request can be retried.
//!
//! **Crash safety.** A handler whose effect is a database write keeps its answer in the same
//! transaction as the effect ([`Answer::keep`]). So a process that dies at any point leaves
//! either both (a retry gets the answer) or neither (a retry does the work afresh), never a
//! charge without the answer that says it was made. Answers without an effect (refusals) are
//! kept by this layer after the handler returns.

use crate::api::{ErrorShape, Refusal};
use crate::store::{Store, StoreError};
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use paywasm_store::Cached;
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;
const MAX_BODY_BYTES: usize = 64 * 1024;
const ABANDONED_AFTER_SECS: i64 = 60;

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// The `Idempotency-Key` claim of the request being handled, if it came with one.
#[derive(Debug, Clone)]
struct Claim {
    scope: String,
    key: String,
}

/// Where a handler keeps its successful answer, in the transaction of its effect (see the
/// module's documentation). Without an `Idempotency-Key` there is nothing to keep.
#[derive(Debug, Clone)]
pub struct Answer(Option<Claim>);

impl Answer {
    /// No request to answer (a change the gateway makes by itself, such as an expiry).
    pub fn none() -> Self {
        Self(None)
    }

    /// Keeps `body` as the `200 OK` answer to repeats of this request.
    pub fn keep(&self, tx: &rusqlite::Transaction<'_>, body: &str) -> rusqlite::Result<()> {
        if let Some(claim) = &self.0 {
            tx.execute_cached(
                "UPDATE idempotency SET status = 200, body = ?3 WHERE scope = ?1 AND key = ?2",
                rusqlite::params![claim.scope, claim.key, body],
            )?;
        }
        Ok(())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Answer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<Claim>().cloned()))
    }
}

/// At start: every claim still in progress belongs to a process that is gone (one process owns
/// the database), so retries may take them over at once instead of after a minute.
pub(crate) fn abandon_claims_of_dead_processes(store: &crate::store::Store) {
    if let Err(error) = store.call(|db| {
        db.execute_cached(
            "UPDATE idempotency SET created_at = 0 WHERE status IS NULL",
            [],
        )
    }) {
        tracing::error!(%error, "cannot release the idempotency claims of the previous run");
    }
}

/// How long an answer is kept for repeats (Stripe keeps keys 24 hours): a client repeats a
/// request within minutes; older rows only fill the disk.
pub const KEEP_SECS: i64 = 24 * 60 * 60;
/// The earliest the next pruning may run (Unix seconds): at most once a minute.
static NEXT_PRUNE: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Forgets answers older than [`KEEP_SECS`] (claims still in progress included, which only a
/// dead process leaves that long), a batch at a time; at most once a minute per process.
pub(crate) fn prune(store: &crate::store::Store, now: i64) {
    use std::sync::atomic::Ordering;
    if NEXT_PRUNE.fetch_max(now + 60, Ordering::AcqRel) > now {
        return;
    }
    if let Err(error) = forget_before(store, now - KEEP_SECS) {
        tracing::error!(%error, "cannot prune old idempotency keys");
    }
}

/// Deletes up to 10,000 answers made before `cutoff` (Unix seconds); how many.
fn forget_before(store: &crate::store::Store, cutoff: i64) -> Result<usize, StoreError> {
    store.call(|db| {
        db.execute_cached(
            "DELETE FROM idempotency WHERE rowid IN
                 (SELECT rowid FROM idempotency WHERE created_at < ?1 LIMIT 10000)",
            [cutoff],
        )
    })
}

enum Stored {
    InProgress,
    Abandoned,
    Done {
        fingerprint: String,
        status: u16,
        body: String,
    },
}

const IN_USE: &str = "a request with this Idempotency-Key is still being processed; retry shortly";
const REUSED: &str = "this Idempotency-Key was used for a different request";

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        Refusal::Internal(error.to_string())
    }
}

/// The middleware, for a router over `store` that answers in `shape`.
pub(crate) async fn layer<S: ErrorShape>(
    State((store, shape)): State<(Store, S)>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    match handle(store, key, request, next).await {
        Ok(response) => response,
        Err(refusal) => shape.refuse(refusal),
    }
}

async fn handle(
    store: Store,
    key: HeaderValue,
    request: Request,
    next: Next,
) -> Result<Response, Refusal> {
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
        .ok_or_else(|| {
            Refusal::Invalid(format!(
                "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible characters"
            ))
        })?
        .to_owned();
    // Keys are per account key: the same key from the public and the secret key are unrelated;
    // one account key is one scope whether it came as Basic or as Bearer.
    let credentials = crate::api::credentials::presented_key(request.headers())
        .map(|(_, key)| key)
        .unwrap_or_default();
    let scope = digest(&[credentials.as_bytes()]);
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| {
        Refusal::Invalid(format!(
            "request body is larger than {MAX_BODY_BYTES} bytes"
        ))
    })?;
    let fingerprint = digest(&[parts.uri.path().as_bytes(), &body]);

    let claimed = store
        .call(|db| {
            let tx = db.transaction()?;
            let now = super::now().unix();
            // A claim older than this was left by a request that died (a crash): take it over.
            let abandoned_before = now - ABANDONED_AFTER_SECS;
            let stored = tx
                .query_row_cached(
                    "SELECT fingerprint, status, body, created_at FROM idempotency WHERE scope = ?1 AND key = ?2",
                    [&scope, &key],
                    |row| {
                        let status: Option<u16> = row.get(1)?;
                        let created_at: i64 = row.get(3)?;
                        Ok(match status {
                            None if created_at < abandoned_before => Some(Stored::Abandoned),
                            None => Some(Stored::InProgress),
                            Some(status) => Some(Stored::Done { fingerprint: row.get(0)?, status, body: row.get(2)? }),
                        })
                    },
                )
                .optional()?
                .flatten();
            if matches!(stored, None | Some(Stored::Abandoned)) {
                tx.execute_cached(
                    "INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![scope, key, fingerprint, now],
                )?;
            }
            tx.commit()?;
            Ok(stored)
        })
        .map_err(Refusal::from)?;
    match claimed {
        Some(Stored::InProgress) => return Err(Refusal::KeyInUse(IN_USE.into())),
        Some(Stored::Done {
            fingerprint: first,
            status,
            body,
        }) => {
            if first != fingerprint {
                return Err(Refusal::KeyReused(REUSED.into()));
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return Ok((
                status,
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (
                        header::HeaderName::from_static("idempotent-replayed"),
                        "true",
                    ),
                ],
                body,
            )
                .into_response());
        }
        Some(Stored::Abandoned) | None => {}
    }

    // A claim taken over from a request that died is done afresh: had its effect happened,
    // its answer would have been kept with it.
    let mut request = Request::from_parts(parts, Body::from(body));
    request.extensions_mut().insert(Claim {
        scope: scope.clone(),
        key: key.clone(),
    });
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    // `status IS NULL`: unless the handler kept its answer with its effect.
    let release = |db: &mut rusqlite::Connection| {
        db.execute_cached(
            "DELETE FROM idempotency WHERE scope = ?1 AND key = ?2 AND status IS NULL",
            [&scope, &key],
        )
    };
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            // Never an empty answer kept for a repeat: the claim goes, as after a server error.
            if let Err(error) = store.call(release) {
                tracing::error!(%error, "cannot release an idempotency claim");
            }
            return Err(Refusal::Internal(format!(
                "the answer could not be read: {error}"
            )));
        }
    };
    let status = parts.status.as_u16();
    let kept = store.call(|db| {
        // A request without a valid key is not the account's: nothing is kept for it (a
        // stream of made-up keys would otherwise fill the table).
        if parts.status.is_server_error() || parts.status == StatusCode::UNAUTHORIZED {
            release(db)
        } else {
            db.execute_cached(
                "UPDATE idempotency SET status = ?3, body = ?4 WHERE scope = ?1 AND key = ?2 AND status IS NULL",
                rusqlite::params![scope, key, status, String::from_utf8_lossy(&body)],
            )
        }
    });
    if let Err(error) = kept {
        tracing::error!(%error, "cannot keep an idempotent answer");
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn answers_older_than_a_day_are_forgotten() {
        let store = Store::open(None, "gateway").unwrap();
        store.migrate(crate::gateway::SCHEMA).unwrap();
        let now = 1_700_000_000;
        store
            .call(|db| {
                db.execute_batch(&format!(
                    "INSERT INTO idempotency (scope, key, fingerprint, status, body, created_at)
                     VALUES ('s', 'old', 'f', 200, '{{}}', {}), ('s', 'new', 'f', 200, '{{}}', {});",
                    now - KEEP_SECS - 1,
                    now - 60
                ))
            })
            .unwrap();
        assert_eq!(forget_before(&store, now - KEEP_SECS).unwrap(), 1);
        let left: Vec<String> = store
            .call(|db| {
                let mut statement = db.prepare_cached("SELECT key FROM idempotency")?;
                let keys = statement
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<Vec<String>, _>>();
                keys
            })
            .unwrap();
        assert_eq!(left, ["new"]);
    }
}
