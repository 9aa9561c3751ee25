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
use super::{check_url, list, now_ms, Body, WooshpayState};
use crate::api::idempotency::Answer;
use crate::api::params::Params;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::wooshpay::objects::{
    CheckoutSession, CheckoutSessionStatus, EventType, LineItem, List, PaymentStatus, Price,
    Product,
};
use rusqlite::OptionalExtension;
use serde_json::Value;

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new()
        .route("/v1/checkout/sessions", post(create))
        .route("/v1/checkout/sessions/{id}", get(retrieve))
        .route("/v1/checkout/sessions/{id}/expire", post(expire))
}

const DAY_MS: i64 = 86_400_000;

/// One line item from `line_items[i]`, as the seed's response shows it.
fn line_item(index: usize, item: &Value, created: i64) -> Result<LineItem, WpError> {
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
        .ok_or_else(|| WpError::missing(&at("price_data][currency")))?;
    let currency = payment_intents::alipay_currency(&at("price_data][currency"), currency)?;
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
    Ok(LineItem {
        id: crate::ids::new::<ids::LineItemId>(),
        object: "item".into(),
        currency: currency.clone(),
        description: name.to_owned(),
        price: Price {
            id: crate::ids::new::<ids::PriceId>(),
            object: "price".into(),
            created,
            active,
            currency,
            product: Product {
                id: crate::ids::new::<ids::ProductId>(),
                object: "product".into(),
                created,
                active: true,
                name: name.to_owned(),
                livemode: false,
                updated: created,
            },
            kind: "one_time".into(),
            livemode: false,
            unit_amount: Amount(unit_amount),
            billing_scheme: "per_unit".into(),
            lookup_key: price.str("lookup_key")?.map(str::to_owned),
        },
        quantity,
        amount_subtotal: Amount(total),
        amount_total: Amount(total),
    })
}

async fn create(
    State(state): State<WooshpayState>,
    _: Secret,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<CheckoutSession>, WpError> {
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
    let mut currency: Option<Currency> = None;
    let mut total: i64 = 0;
    for (index, item) in items.iter().enumerate() {
        let line = line_item(index, item, created)?;
        if currency.as_ref().is_some_and(|c| *c != line.currency) {
            return Err(WpError::invalid(
                "line_items",
                "all line items must be in one currency: create a Checkout Session per currency",
            ));
        }
        currency = Some(line.currency.clone());
        total = total
            .checked_add(line.amount_total.0)
            .ok_or_else(|| WpError::invalid("line_items", "the total is too large"))?;
        lines.push(line);
    }
    let currency = currency.ok_or_else(|| WpError::missing("line_items"))?;
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
    let (intent, _) =
        payment_intents::build(&state, &intent_params, Amount(total), currency.clone())?;
    let id = crate::ids::new::<ids::CheckoutSessionId>();
    let session = CheckoutSession {
        url: format!(
            "{}/wooshpay/pay/{id}?key={}",
            state.base_url, state.keys.public
        ),
        id,
        object: "checkout.session".into(),
        created,
        currency,
        customer: String::new(),
        mode: "payment".into(),
        livemode: false,
        status: CheckoutSessionStatus::Open,
        cancel_url,
        line_items: List::inner(lines),
        payment_intent: intent.id.clone(),
        payment_method_types: intent.payment_method_types.clone(),
        payment_status: PaymentStatus::Unpaid,
        success_url,
        amount_subtotal: Amount(total),
        amount_total: Amount(total),
        billing_address_collection: "auto".into(),
        expires_at,
        payment_link: String::new(),
        client_secret: intent.client_secret.clone(),
        metadata: params.metadata("metadata")?,
    };
    let body = crate::store::json_text(&session)?;
    state.store.call(|db| {
        let tx = db.transaction()?;
        payment_intents::insert(&tx, &intent, None)?;
        tx.execute(
            "INSERT INTO wp_checkout_sessions (id, payment_intent, status, expires_at, body) VALUES (?1, ?2, 'open', ?3, ?4)",
            rusqlite::params![&*session.id, &*intent.id, expires_at, body],
        )?;
        answer.keep(&tx, &body)?;
        tx.commit()
    })?;
    Ok(Json(session))
}

fn read(db: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<CheckoutSession>> {
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
fn end(
    tx: &rusqlite::Transaction<'_>,
    mut session: CheckoutSession,
    status: CheckoutSessionStatus,
) -> rusqlite::Result<()> {
    let kind = if status == CheckoutSessionStatus::Complete {
        session.payment_status = PaymentStatus::Paid;
        EventType::CheckoutSessionCompleted
    } else {
        EventType::CheckoutSessionExpired
    };
    session.status = status;
    let changed = tx.execute(
        "UPDATE wp_checkout_sessions SET status = ?2, body = ?3 WHERE id = ?1 AND status = 'open'",
        rusqlite::params![
            &*session.id,
            session.status.as_str(),
            crate::store::json_text(&session)?
        ],
    )?;
    if changed == 1 {
        super::webhooks::record(tx, kind, session)?;
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
            Some(session) => end(tx, session, CheckoutSessionStatus::Complete),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

/// Expires open session `session` and cancels its PaymentIntent, in one transaction. A payment
/// under way (`processing`) or made first keeps the session open or completes it instead.
/// `answer`: where the merchant's expire request keeps the expired session, with the change.
fn expire_session(
    state: &WooshpayState,
    session: CheckoutSession,
    answer: &Answer,
) -> Result<(), WpError> {
    let intent_id = session.payment_intent.clone();
    let id = session.id.clone();
    let end_and_keep = |tx: &rusqlite::Transaction<'_>| {
        end(tx, session, CheckoutSessionStatus::Expired)?;
        match read(tx, &id)? {
            Some(expired) => answer.keep(tx, &crate::store::json_text(&expired)?),
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
                Some(payment_intents::CancellationReason::Abandoned),
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
pub(crate) fn load(state: &WooshpayState, id: &str) -> Result<CheckoutSession, WpError> {
    let session = state
        .store
        .call(|db| read(db, id))?
        .ok_or_else(|| WpError::NotFound(format!("No such checkout.session: '{id}'")))?;
    if session.status == CheckoutSessionStatus::Open && session.expires_at <= now_ms() {
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
) -> Result<Json<CheckoutSession>, WpError> {
    load(&state, &id).map(Json)
}

async fn expire(
    State(state): State<WooshpayState>,
    _: Secret,
    Path(id): Path<String>,
    answer: Answer,
) -> Result<Json<CheckoutSession>, WpError> {
    let session = load(&state, &id)?;
    if session.status != CheckoutSessionStatus::Open {
        return Err(WpError::UnexpectedState {
            code: "checkout_session_unexpected_state",
            message: format!(
                "Only an open Checkout Session can be expired; this one is {}",
                session.status
            ),
        });
    }
    expire_session(&state, session, &answer)?;
    let session = load(&state, &id)?;
    if session.status != CheckoutSessionStatus::Expired {
        return Err(WpError::UnexpectedState {
            code: "checkout_session_unexpected_state",
            message: "The customer is paying this Checkout Session: it cannot be expired now"
                .into(),
        });
    }
    Ok(Json(session))
}
