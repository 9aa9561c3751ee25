//! Webhook delivery, written once for both APIs: deliveries are rows written with the event
//! they announce (each API's own tables), so they survive a restart. Each is POSTed, signed in
//! its API's way, until the endpoint acknowledges it, with backoff 1 s, 2 s, 4 s ... capped
//! at one hour, for up to three days. Each API's `webhooks` module says which deliveries are
//! due and how one is signed (`Deliveries`); the schedule, the acknowledgement rule,
//! keeping each outcome and the worker's loop are here.
//!
//! Every attempt is also written down (`webhook_attempts`: when, where, the answer's status
//! and the start of its body, the next retry), so that the dashboard can show a developer
//! what their endpoint answered each time, not only the last time.

use paywasm_store::Cached;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{watch, Notify};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// The attempts log, in the gateway's store, for both APIs' deliveries (`deliveries` names
/// the API's deliveries table).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS webhook_attempts (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    deliveries       TEXT NOT NULL,
    delivery_id      TEXT NOT NULL,
    at_ms            INTEGER NOT NULL,
    url              TEXT NOT NULL,
    response_status  INTEGER,
    excerpt          TEXT NOT NULL,
    took_ms          INTEGER NOT NULL,
    next_attempt_ms  INTEGER
);
CREATE INDEX IF NOT EXISTS webhook_attempts_of ON webhook_attempts (delivery_id);
";

/// A delivery not acknowledged within three days of its event is given up.
const GIVE_UP_AFTER_MS: i64 = 3 * 24 * 3_600 * 1_000;

/// Delay before retry number `attempts` (1-based).
fn backoff_ms(attempts: u32) -> i64 {
    1_000i64
        .saturating_mul(1 << attempts.saturating_sub(1).min(12))
        .min(3_600_000)
}

/// What became of one request: the receiver's answer, or why there was none.
pub(crate) enum Answered {
    /// The receiver answered (its body may still break off).
    Response(reqwest::Response),
    /// No answer: the sentence says why.
    Nothing(String),
}

impl Answered {
    fn of(result: Result<reqwest::Response, reqwest::Error>) -> Self {
        match result {
            Ok(response) => Answered::Response(response),
            Err(error) if error.is_timeout() => {
                Answered::Nothing("no answer within 10 s (timed out)".into())
            }
            Err(error) if error.is_connect() => {
                Answered::Nothing("could not connect to the endpoint".into())
            }
            Err(error) => Answered::Nothing(format!("no answer: {}", error.without_url())),
        }
    }
}

/// The receiver's HTTP status, whether it acknowledged the event, and an excerpt of its
/// answer (or why there was none). Acknowledged is a 2xx answer received whole. A status line
/// alone is not an acknowledgement: a connection broken in the middle of the answer may come
/// from a receiver that never acted (as a proxy or a crash can produce), so the event is
/// delivered again; receivers handle each event once (by its id).
async fn acknowledged(answer: Answered) -> (Option<i64>, bool, String) {
    let response = match answer {
        Answered::Response(response) => response,
        Answered::Nothing(why) => return (None, false, why),
    };
    let status = i64::from(response.status().as_u16());
    let (whole, said) = match response.bytes().await {
        Ok(body) => (true, super::excerpt(&String::from_utf8_lossy(&body))),
        Err(_) => (false, "the answer broke off before its end".to_owned()),
    };
    (Some(status), whole && (200..300).contains(&status), said)
}

/// What one attempt leaves a delivery as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted {
    /// `delivered`, `pending` (to be tried again) or `failed` (given up).
    pub status: &'static str,
    /// Attempts made so far.
    pub attempts: u32,
    /// When to try next (epoch ms).
    pub next_attempt_ms: i64,
    /// The receiver's HTTP status, if it answered.
    pub response_status: Option<i64>,
    /// The start of the receiver's answer, or why there was none.
    pub excerpt: String,
    /// When the attempt was made (epoch ms).
    pub at_ms: i64,
}

impl Attempted {
    /// Keeps this outcome on delivery `id` in `table` ([`Deliveries::TABLE`]), with the
    /// attempt's line in the attempts log (to `url`, taking `took_ms`), in one transaction.
    fn keep(
        &self,
        db: &mut rusqlite::Connection,
        table: &str,
        id: &str,
        url: &str,
        took_ms: i64,
    ) -> rusqlite::Result<()> {
        let tx = db.transaction()?;
        tx.execute_cached(
            &format!("UPDATE {table} SET status = ?2, attempts = ?3, next_attempt_ms = ?4, response_status = ?5 WHERE id = ?1"),
            rusqlite::params![id, self.status, self.attempts, self.next_attempt_ms, self.response_status],
        )?;
        let retry = (self.status == "pending").then_some(self.next_attempt_ms);
        tx.execute_cached(
            "INSERT INTO webhook_attempts (deliveries, delivery_id, at_ms, url, response_status, excerpt, took_ms, next_attempt_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![table, id, self.at_ms, url, self.response_status, self.excerpt, took_ms, retry],
        )?;
        tx.commit()
    }
}

/// The delivery's state after its attempt number `attempts + 1`, made at `at_ms` for an
/// event of `event_ms`, answered `answer`.
async fn attempt(answer: Answered, attempts: u32, event_ms: i64, at_ms: i64) -> Attempted {
    let (response_status, delivered, excerpt) = acknowledged(answer).await;
    let attempts = attempts + 1;
    let now = now_ms();
    let (status, next_attempt_ms) = if delivered {
        ("delivered", now)
    } else if now - event_ms > GIVE_UP_AFTER_MS {
        ("failed", now)
    } else {
        ("pending", now + backoff_ms(attempts))
    };
    Attempted {
        status,
        attempts,
        next_attempt_ms,
        response_status,
        excerpt,
        at_ms,
    }
}

/// A delivery that is due: its row in its API's deliveries table, and what its API needs to
/// send it (`target`: the event and where it goes).
pub(crate) struct Due<T> {
    /// The delivery's id.
    pub id: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// When its event was made (epoch ms): a delivery is given up three days after.
    pub event_ms: i64,
    /// When this attempt fell due (epoch ms).
    pub due_ms: i64,
    /// The event and its destination, as its API keeps them.
    pub target: T,
}

/// Deliveries due per round, at most.
pub(crate) const BATCH: i64 = 64;

/// One API's deliveries: its table, which are due, and how one is signed. Attempting,
/// keeping the outcome and the loop are [`run`]'s.
pub(crate) trait Deliveries: Clone + Send + Sync + 'static {
    /// The event and its destination, as this API keeps them.
    type Target: Send + 'static;
    /// The deliveries table, with the columns `id`, `status`, `attempts`, `next_attempt_ms`
    /// and `response_status`.
    const TABLE: &'static str;

    /// The store the deliveries are kept in.
    fn store(&self) -> &crate::store::Store;
    /// The client deliveries are sent with.
    fn http(&self) -> &reqwest::Client;
    /// Work done before each round (expiring what is due).
    fn before_round(&self);
    /// The deliveries due at `now_ms`, at most [`BATCH`], the longest due first.
    fn due(
        &self,
        db: &rusqlite::Connection,
        now_ms: i64,
    ) -> rusqlite::Result<Vec<Due<Self::Target>>>;
    /// The signed POST announcing `target`'s event, or `None` when it cannot be made (its
    /// event is gone, its URL is none): the attempt fails, as an unanswered one does.
    fn request(&self, target: Self::Target) -> Option<reqwest::RequestBuilder>;
}

/// Attempts `due`, handed to a task at `spawned` (epoch ms, and the clock), once and keeps
/// its outcome.
async fn deliver<D: Deliveries>(
    deliveries: &D,
    due: Due<D::Target>,
    spawned: (i64, std::time::Instant),
) {
    let task_started = std::time::Instant::now();
    let request = deliveries
        .request(due.target)
        .and_then(|request| request.build().ok());
    let built = std::time::Instant::now();
    let url = request
        .as_ref()
        .map_or_else(String::new, |request| request.url().to_string());
    let (at_ms, started) = (now_ms(), std::time::Instant::now());
    let answer = match request {
        Some(request) => Answered::of(deliveries.http().execute(request).await),
        None => Answered::Nothing("no request could be made (its event or URL is gone)".into()),
    };
    let attempted = attempt(answer, due.attempts, due.event_ms, at_ms).await;
    let took_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    if attempted.status != "delivered" {
        tracing::warn!(table = D::TABLE, delivery = %due.id, %url, status = ?attempted.response_status, attempts = attempted.attempts, "webhook not acknowledged; will retry");
    }
    let kept = deliveries
        .store()
        .call(|db| attempted.keep(db, D::TABLE, &due.id, &url, took_ms));
    if let Err(error) = kept {
        tracing::error!(table = D::TABLE, %error, "cannot record a webhook delivery");
    }
    // Where a delivery's time goes, for the benchmarks (`scripts/bench-reaction.mjs`): from
    // falling due to its request (`waited_ms`: until the worker handed it to a task,
    // `queued_ms`; until the task ran, `start_ms`; its event read and signed, `build_us`: in
    // microseconds, as it takes well under one), the receiver's answer (`took_ms`), and its
    // outcome kept (`keep_ms`).
    let ms = |from: std::time::Instant, to: std::time::Instant| {
        to.duration_since(from).as_millis() as u64
    };
    tracing::debug!(
        waited_ms = at_ms - due.due_ms,
        queued_ms = spawned.0 - due.due_ms,
        start_ms = ms(spawned.1, task_started),
        build_us = built.duration_since(task_started).as_micros() as u64,
        took_ms,
        keep_ms = started.elapsed().as_millis() as u64 - took_ms.max(0) as u64,
        "webhook attempt"
    );
}

/// How many deliveries are due now (for the debug log only: it counts the whole table).
fn still_due<D: Deliveries>(deliveries: &D) -> i64 {
    let now = now_ms();
    deliveries
        .store()
        .call(|db| {
            db.query_row_cached(
                &format!(
                    "SELECT COUNT(*) FROM {} WHERE status = 'pending' AND next_attempt_ms <= ?1",
                    D::TABLE
                ),
                [now],
                |row| row.get(0),
            )
        })
        .unwrap_or(-1)
}

/// Runs `deliveries` until `stop`: up to [`BATCH`] at once, the longest due first, a new one
/// started as soon as one ends (not in rounds, where each waited for the slowest of the
/// last: one slow endpoint held every other event back), then a wait for `wake` (an event
/// was recorded), an attempt's end, or half a second.
pub(crate) async fn run<D: Deliveries>(
    deliveries: D,
    wake: &Notify,
    mut stop: watch::Receiver<bool>,
) {
    let mut in_flight = tokio::task::JoinSet::new();
    // Which deliveries are being attempted (by task): the table still lists them as due
    // until their outcome is kept, and each is attempted once at a time.
    let mut attempting: std::collections::HashMap<tokio::task::Id, String> =
        std::collections::HashMap::new();
    let batch = usize::try_from(BATCH).unwrap_or(1);
    let (mut ended, mut since) = (0_usize, std::time::Instant::now());
    loop {
        let turn = std::time::Instant::now();
        deliveries.before_round();
        let swept = turn.elapsed();
        let room = batch.saturating_sub(attempting.len());
        if room > 0 {
            let now = now_ms();
            let due = deliveries
                .store()
                .call(|db| deliveries.due(db, now))
                .unwrap_or_else(|error| {
                    tracing::error!(table = D::TABLE, %error, "cannot read due webhook deliveries");
                    vec![]
                });
            let fresh: Vec<_> = due
                .into_iter()
                .filter(|due| !attempting.values().any(|id| *id == due.id))
                .take(room)
                .collect();
            for due in fresh {
                let id = due.id.clone();
                let deliveries = deliveries.clone();
                let spawned = (now_ms(), std::time::Instant::now());
                let task = in_flight.spawn(async move { deliver(&deliveries, due, spawned).await });
                attempting.insert(task.id(), id);
            }
        }
        // What each turn of the loop costs, and whether it had room, for the benchmarks.
        tracing::trace!(
            sweep_us = swept.as_micros() as u64,
            turn_us = turn.elapsed().as_micros() as u64,
            room,
            "webhook turn"
        );
        tokio::select! {
            Some(done) = in_flight.join_next_with_id(), if !in_flight.is_empty() => {
                let task = match done {
                    Ok((task, ())) => task,
                    Err(error) => error.id(),
                };
                attempting.remove(&task);
                ended += 1;
                if ended == batch && tracing::enabled!(tracing::Level::DEBUG) {
                    // What a slow benchmark run needs to explain itself
                    // (scripts/bench-reaction.mjs): how long the last BATCH attempts took
                    // to end, and how many deliveries were due then.
                    tracing::debug!(
                        delivered = ended,
                        took_ms = since.elapsed().as_millis() as u64,
                        still_due = still_due(&deliveries),
                        "webhook round"
                    );
                }
                if ended == batch {
                    (ended, since) = (0, std::time::Instant::now());
                }
            }
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_to_an_hour() {
        let delays: Vec<i64> = (1..=14).map(super::backoff_ms).collect();
        assert_eq!(&delays[..4], [1_000, 2_000, 4_000, 8_000]);
        assert_eq!(delays[13], 3_600_000);
    }
}
