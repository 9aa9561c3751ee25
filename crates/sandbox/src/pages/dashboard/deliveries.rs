//! Events as the dashboard shows them: each with every attempt to deliver it to each webhook
//! endpoint (time, endpoint, the HTTP status, the start of the answer, how long it took, the
//! next retry), read from the API's events and deliveries tables and the attempts log that
//! the delivery worker writes (`webhook_attempts`).

use super::times::{when, when_ms};
use rusqlite::Connection;

/// One event, with its deliveries' attempts.
pub(crate) struct EventRow {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) created: String,
    /// What the event is about (a charge's or a PaymentIntent's id), for its link.
    pub(crate) about: String,
    /// The dashboard's page of what it is about (**Resend** posts under it).
    pub(crate) about_page: String,
    /// Every attempt, oldest first, then the deliveries not attempted yet.
    pub(crate) attempts: Vec<AttemptRow>,
    /// Said instead of the attempts when there are none.
    pub(crate) waiting: &'static str,
}

/// One attempt (or a delivery still waiting for its first).
pub(crate) struct AttemptRow {
    pub(crate) at: String,
    pub(crate) endpoint: String,
    /// `HTTP 200`, or `no answer`.
    pub(crate) answer: String,
    /// `successful` (acknowledged: a 2xx answer), `failed`, or `pending` (not attempted yet),
    /// for its colour.
    pub(crate) tone: &'static str,
    pub(crate) excerpt: String,
    pub(crate) took: String,
    /// `—` when none follows (delivered, or given up: then it says so).
    pub(crate) next_retry: String,
}

/// Where an API keeps its events and deliveries.
pub(crate) struct Tables {
    /// `id, key, created (unix s), about, data` of the events, selected by one parameter
    /// (`?1`), ordered; `?2` is the most to read.
    pub(crate) events: &'static str,
    /// `id, endpoint URL, status, attempts, next_attempt_ms` of one event's (`?1`) deliveries.
    pub(crate) deliveries: &'static str,
    /// The dashboard's pages of what events are about: `{pages}/{id}`.
    pub(crate) pages: &'static str,
}

/// Omise's: the events about one charge (its own and its refunds'), oldest first.
pub(crate) const OMISE_OF_CHARGE: Tables = Tables {
    events: "SELECT id, key, created_at, COALESCE(json_extract(data, '$.charge'), json_extract(data, '$.id'))
             FROM events
             WHERE json_extract(data, '$.id') = ?1 OR json_extract(data, '$.charge') = ?1
             ORDER BY seq LIMIT ?2",
    deliveries: OMISE_DELIVERIES,
    pages: "/dashboard/charges",
};

/// Omise's: the newest events, newest first (`?1` filters by key when not empty).
pub(crate) const OMISE_LATEST: Tables = Tables {
    events: "SELECT id, key, created_at, COALESCE(json_extract(data, '$.charge'), json_extract(data, '$.id'))
             FROM events WHERE ?1 = '' OR key = ?1
             ORDER BY seq DESC LIMIT ?2",
    deliveries: OMISE_DELIVERIES,
    pages: "/dashboard/charges",
};

const OMISE_DELIVERIES: &str =
    "SELECT id, uri, status, attempts, next_attempt_ms FROM webhook_deliveries
     WHERE event_id = ?1 ORDER BY created_at, rowid";

/// WooshPay's: the events about one PaymentIntent, oldest first.
pub(crate) const WOOSHPAY_OF_INTENT: Tables = Tables {
    events: "SELECT id, type, created / 1000, COALESCE(json_extract(body, '$.data.object.payment_intent'), json_extract(body, '$.data.object.id'))
             FROM wp_events
             WHERE json_extract(body, '$.data.object.id') = ?1
                OR json_extract(body, '$.data.object.payment_intent') = ?1
             ORDER BY seq LIMIT ?2",
    deliveries: WOOSHPAY_DELIVERIES,
    pages: "/dashboard/wooshpay/payment_intents",
};

const WOOSHPAY_DELIVERIES: &str =
    "SELECT d.id, json_extract(w.body, '$.url'), d.status, d.attempts, d.next_attempt_ms
     FROM wp_deliveries d JOIN wp_webhook_endpoints w ON w.id = d.endpoint_id
     WHERE d.event_id = ?1 ORDER BY d.created, d.rowid";

/// The events `tables` select with `selector`, at most `limit`, with their attempts.
pub(crate) fn events(
    db: &Connection,
    tables: &Tables,
    selector: &str,
    limit: i64,
) -> rusqlite::Result<Vec<EventRow>> {
    let mut events = db.prepare(tables.events)?;
    let mut deliveries = db.prepare(tables.deliveries)?;
    let mut attempts = db.prepare(
        "SELECT at_ms, url, response_status, excerpt, took_ms, next_attempt_ms
         FROM webhook_attempts WHERE delivery_id = ?1 ORDER BY seq",
    )?;
    let found = events
        .query_map(rusqlite::params![selector, limit], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut rows = Vec::with_capacity(found.len());
    for (id, key, created, about) in found {
        let sent = deliveries
            .query_map([&id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut lines = Vec::new();
        for (delivery, endpoint, status, tried, next_ms) in sent {
            let made = attempts
                .query_map([&delivery], |row| {
                    let status: Option<i64> = row.get(2)?;
                    let next: Option<i64> = row.get(5)?;
                    Ok(AttemptRow {
                        at: when_ms(row.get(0)?),
                        endpoint: row.get::<_, String>(1)?,
                        answer: status
                            .map_or("no answer".to_owned(), |code| format!("HTTP {code}")),
                        tone: if status.is_some_and(|code| (200..300).contains(&code)) {
                            "successful"
                        } else {
                            "failed"
                        },
                        excerpt: row.get(3)?,
                        took: format!("{} ms", row.get::<_, i64>(4)?),
                        next_retry: next.map_or("—".to_owned(), when_ms),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let given_up = status == "failed";
            let count = made.len();
            for (index, mut line) in made.into_iter().enumerate() {
                if line.endpoint.is_empty() {
                    line.endpoint.clone_from(&endpoint);
                }
                if given_up && index + 1 == count {
                    line.next_retry = "none: given up after three days".to_owned();
                }
                lines.push(line);
            }
            if tried == 0 && status == "pending" {
                lines.push(AttemptRow {
                    at: "—".to_owned(),
                    endpoint,
                    answer: "not attempted yet".to_owned(),
                    tone: "pending",
                    excerpt: String::new(),
                    took: "—".to_owned(),
                    next_retry: when_ms(next_ms),
                });
            }
        }
        let about = about.unwrap_or_default();
        rows.push(EventRow {
            id,
            key,
            created: when(paywasm_core::time::Timestamp(created)),
            about_page: format!("{}/{about}", tables.pages),
            about,
            waiting: "No webhook endpoint took this event when it was made.",
            attempts: lines,
        });
    }
    Ok(rows)
}
