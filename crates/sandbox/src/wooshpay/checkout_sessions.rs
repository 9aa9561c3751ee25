//! Checkout Sessions: `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/:id`,
//! `POST /v1/checkout/sessions/:id/expire`.
//!
//! Seed 004's conditions for Alipay: every line item in one currency, one-time items only.
//! A session owns a PaymentIntent (created with it, confirmed by the hosted page with the
//! customer's device); the session is `complete`/`paid` once that succeeds and `expired` (its
//! PaymentIntent canceled) after `expires_at`, 24 hours unless set earlier.

use super::auth::Secret;
use super::error::WpError;
use super::payment_intents::{self, Status};
use super::{check_url, list, new_id, now_ms, Body, WooshpayState};
use crate::api::idempotency::Answer;
use crate::api::params::Params;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::OptionalExtension;
use serde_json::{json, Value};

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new()
        .route("/v1/checkout/sessions", post(create))
        .route("/v1/checkout/sessions/{id}", get(retrieve))
        .route("/v1/checkout/sessions/{id}/expire", post(expire))
}

const DAY_MS: i64 = 86_400_000;

/// One line item from `line_items[i]`, as the seed's response shows it.
fn line_item(index: usize, item: &Value, created: i64) -> Result<(String, i64, Value), WpError> {
    let at = |field: &str| format!("line_items[{index}][{field}]");
    let item = Params::from_value(item.clone()).ok_or_else(|| {
        WpError::invalid(
            &format!("line_items[{index}]"),
            "each line item must be an object",
        )
    })?;
    if item.value("price").is_some() {
        return Err(WpError::invalid(
            &at("price"),
            "this sandbox has no stored prices: give price_data instead",
        ));
    }
    let price = item
        .object("price_data")
        .ok_or_else(|| WpError::missing(&at("price_data")))?;
    if price.value("recurring").is_some() {
        return Err(WpError::invalid(
            &at("price_data][recurring"),
            "Alipay takes one-time items only: remove recurring",
        ));
    }
    let currency = price
        .str("currency")?
        .ok_or_else(|| WpError::missing(&at("price_data][currency")))?
        .to_ascii_uppercase();
    if !super::CURRENCIES.contains(&currency.as_str()) {
        return Err(WpError::invalid(
            &at("price_data][currency"),
            format!("Alipay takes {}", super::CURRENCIES.join(", ")),
        ));
    }
    let unit_amount = price
        .integer("unit_amount")
        .ok()
        .flatten()
        .filter(|amount| *amount >= 1)
        .ok_or_else(|| {
            WpError::invalid(
                &at("price_data][unit_amount"),
                "unit_amount must be a positive integer in the smallest currency unit",
            )
        })?;
    let quantity = item
        .integer("quantity")
        .ok()
        .flatten()
        .filter(|quantity| (1..=999_999).contains(quantity))
        .ok_or_else(|| WpError::invalid(&at("quantity"), "quantity must be from 1 to 999999"))?;
    let total = unit_amount
        .checked_mul(quantity)
        .ok_or_else(|| WpError::invalid(&at("quantity"), "the line's total is too large"))?;
    let product = price
        .object("product_data")
        .ok_or_else(|| WpError::missing(&at("price_data][product_data")))?;
    let name = product
        .str("name")?
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| WpError::missing(&at("price_data][product_data][name")))?;
    let active = super::boolean("active", price.value("active"))?.unwrap_or(true);
    let json = json!({
        "id": new_id("li"),
        "object": "item",
        "currency": currency,
        "description": name,
        "price": {
            "id": new_id("price"),
            "object": "price",
            "created": created,
            "active": active,
            "currency": currency,
            "product": {
                "id": new_id("prod"),
                "object": "product",
                "created": created,
                "active": true,
                "name": name,
                "livemode": false,
                "updated": created,
            },
            "type": "one_time",
            "livemode": false,
            "unit_amount": unit_amount,
            "billing_scheme": "per_unit",
            "lookup_key": price.str("lookup_key")?,
        },
        "quantity": quantity,
        "amount_subtotal": total,
        "amount_total": total,
    });
    Ok((currency, total, json))
}

async fn create(
    State(state): State<WooshpayState>,
    _: Secret,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<Value>, WpError> {
    match params.str("mode")? {
        Some("payment") => {}
        Some(_) => {
            return Err(WpError::invalid(
                "mode",
                "mode must be payment: Alipay takes one-time payments only",
            ))
        }
        None => return Err(WpError::missing("mode")),
    }
    let success_url = params
        .str("success_url")?
        .ok_or_else(|| WpError::missing("success_url"))?
        .to_owned();
    check_url("success_url", &success_url)?;
    let cancel_url = params.str("cancel_url")?.map(str::to_owned);
    if let Some(url) = &cancel_url {
        check_url("cancel_url", url)?;
    }
    let items = list(params.value("line_items"))
        .filter(|items| !items.is_empty())
        .ok_or_else(|| WpError::missing("line_items"))?;
    if items.len() > 100 {
        return Err(WpError::invalid("line_items", "at most 100 line items"));
    }
    let created = now_ms();
    let mut lines = Vec::with_capacity(items.len());
    let mut currency: Option<String> = None;
    let mut total: i64 = 0;
    for (index, item) in items.iter().enumerate() {
        let (line_currency, line_total, line) = line_item(index, item, created)?;
        if currency.as_ref().is_some_and(|c| *c != line_currency) {
            return Err(WpError::invalid(
                "line_items",
                "all line items must be in one currency: create a Checkout Session per currency",
            ));
        }
        currency = Some(line_currency);
        total = total
            .checked_add(line_total)
            .ok_or_else(|| WpError::invalid("line_items", "the total is too large"))?;
        lines.push(line);
    }
    let currency = currency.unwrap_or_default();
    let expires_at = match params.integer("expires_at") {
        Ok(None) => created + DAY_MS,
        Ok(Some(at)) if at >= created + 30 * 60_000 && at <= created + DAY_MS => at,
        _ => {
            return Err(WpError::invalid(
                "expires_at",
                "expires_at must be epoch milliseconds from 30 minutes to 24 hours from now",
            ))
        }
    };
    // The session's PaymentIntent: confirmed later by the hosted page, for the customer's device.
    let mut intent_params = Params::default();
    if let Some(types) = params.value("payment_method_types") {
        intent_params.set_default("payment_method_types", types.clone());
    }
    let (intent, _) = payment_intents::build(&state, &intent_params, total, currency.clone())?;
    let id = new_id("cs");
    let session = json!({
        "id": id,
        "object": "checkout.session",
        "created": created,
        "currency": currency,
        "customer": "",
        "mode": "payment",
        "livemode": false,
        "status": "open",
        "url": format!("{}/wooshpay/pay/{id}?key={}", state.base_url, state.keys.public),
        "cancel_url": cancel_url,
        "line_items": { "object": "list", "data": lines },
        "payment_intent": intent.id,
        "payment_method_types": intent.payment_method_types,
        "payment_status": "unpaid",
        "success_url": success_url,
        "amount_subtotal": total,
        "amount_total": total,
        "billing_address_collection": "auto",
        "expires_at": expires_at,
        "payment_link": "",
        "client_secret": intent.client_secret,
        "metadata": params.metadata("metadata")?,
    });
    state.store.call(|db| {
        let tx = db.transaction()?;
        payment_intents::insert(&tx, &intent, None)?;
        tx.execute(
            "INSERT INTO wp_checkout_sessions (id, payment_intent, status, expires_at, body) VALUES (?1, ?2, 'open', ?3, ?4)",
            rusqlite::params![id, intent.id, expires_at, session.to_string()],
        )?;
        answer.keep(&tx, &session.to_string())?;
        tx.commit()
    })?;
    Ok(Json(session))
}

fn read(db: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<Value>> {
    let body: Option<String> = db
        .query_row(
            "SELECT body FROM wp_checkout_sessions WHERE id = ?1",
            [id],
            |row| row.get(0),
        )
        .optional()?;
    body.map(|body| crate::store::parsed(&body)).transpose()
}

/// Ends open session `session` as `status` (`complete` or `expired`) in `tx`, with its event.
fn end(tx: &rusqlite::Transaction<'_>, mut session: Value, status: &str) -> rusqlite::Result<()> {
    session["status"] = json!(status);
    if status == "complete" {
        session["payment_status"] = json!("paid");
    }
    let changed = tx.execute(
        "UPDATE wp_checkout_sessions SET status = ?2, body = ?3 WHERE id = ?1 AND status = 'open'",
        rusqlite::params![session["id"].as_str(), status, session.to_string()],
    )?;
    if changed == 1 {
        let kind = if status == "complete" {
            "checkout.session.completed"
        } else {
            "checkout.session.expired"
        };
        super::webhooks::record(tx, kind, &session)?;
    }
    Ok(())
}

/// In `tx`: completes the open session, if any, whose PaymentIntent `intent_id` just succeeded.
pub(crate) fn complete(tx: &rusqlite::Transaction<'_>, intent_id: &str) -> rusqlite::Result<()> {
    let id: Option<String> = tx
        .query_row(
            "SELECT id FROM wp_checkout_sessions WHERE payment_intent = ?1 AND status = 'open'",
            [intent_id],
            |row| row.get(0),
        )
        .optional()?;
    match id {
        Some(id) => match read(tx, &id)? {
            Some(session) => end(tx, session, "complete"),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

/// Expires open session `session` and cancels its PaymentIntent, in one transaction. A payment
/// under way (`processing`) or made first keeps the session open or completes it instead.
/// `answer`: where the merchant's expire request keeps the expired session, with the change.
fn expire_session(state: &WooshpayState, session: Value, answer: &Answer) -> Result<(), WpError> {
    let intent_id = session["payment_intent"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let id = session["id"].as_str().unwrap_or_default().to_owned();
    let end_and_keep = |tx: &rusqlite::Transaction<'_>| {
        end(tx, session, "expired")?;
        match read(tx, &id)? {
            Some(expired) => answer.keep(tx, &expired.to_string()),
            None => Ok(()),
        }
    };
    let intent = payment_intents::load(state, &intent_id)?;
    match intent.status {
        Status::Canceled => {
            state.store.call(|db| {
                let tx = db.transaction()?;
                end_and_keep(&tx)?;
                tx.commit()
            })?;
            state.wake.notify_one();
            Ok(())
        }
        Status::Succeeded | Status::Processing => Ok(()),
        _ => {
            let ended = payment_intents::cancel_intent_and(
                state,
                &intent_id,
                Some("abandoned".into()),
                &Answer::none(),
                end_and_keep,
            );
            match ended {
                // The customer's payment got there first.
                Ok(_) | Err(WpError::UnexpectedState { .. }) => Ok(()),
                Err(error) => Err(error),
            }
        }
    }
}

/// Loads a session, expiring it first if it is open past `expires_at`.
pub(crate) fn load(state: &WooshpayState, id: &str) -> Result<Value, WpError> {
    let session = state
        .store
        .call(|db| read(db, id))?
        .ok_or_else(|| WpError::NotFound(format!("No such checkout.session: '{id}'")))?;
    if session["status"] == "open" && session["expires_at"].as_i64().unwrap_or(0) <= now_ms() {
        expire_session(state, session, &Answer::none())?;
        return state
            .store
            .call(|db| read(db, id))?
            .ok_or_else(|| WpError::Internal(format!("session {id} vanished")));
    }
    Ok(session)
}

/// Expires every open session past `expires_at` (the background worker).
pub(crate) fn expire_due(state: &WooshpayState) -> Result<(), WpError> {
    let ids: Vec<String> = state.store.call(|db| {
        let mut statement = db.prepare(
            "SELECT id FROM wp_checkout_sessions WHERE status = 'open' AND expires_at <= ?1 LIMIT 100",
        )?;
        let rows = statement.query_map([now_ms()], |row| row.get(0))?;
        rows.collect()
    })?;
    for id in ids {
        load(state, &id)?;
    }
    Ok(())
}

async fn retrieve(
    State(state): State<WooshpayState>,
    _: Secret,
    Path(id): Path<String>,
) -> Result<Json<Value>, WpError> {
    load(&state, &id).map(Json)
}

async fn expire(
    State(state): State<WooshpayState>,
    _: Secret,
    Path(id): Path<String>,
    answer: Answer,
) -> Result<Json<Value>, WpError> {
    let session = load(&state, &id)?;
    if session["status"] != "open" {
        return Err(WpError::UnexpectedState {
            code: "checkout_session_unexpected_state",
            message: format!(
                "Only an open Checkout Session can be expired; this one is {}",
                session["status"].as_str().unwrap_or("")
            ),
        });
    }
    expire_session(&state, session, &answer)?;
    let session = load(&state, &id)?;
    if session["status"] != "expired" {
        return Err(WpError::UnexpectedState {
            code: "checkout_session_unexpected_state",
            message: "The customer is paying this Checkout Session: it cannot be expired now"
                .into(),
        });
    }
    Ok(Json(session))
}
