//! The dashboard's WooshPay section (`/dashboard/wooshpay`): PaymentIntents, Checkout
//! Sessions, refunds and webhook endpoints, newest first; a PaymentIntent's page with what the
//! test pages offer (**Succeed**, **Processing**, **Fail**, and **Settle** while it is
//! processing), **Refund**, and its events with every delivery attempt and **Resend**.
//!
//! Signed in as the rest of the dashboard is (its sessions are in the store both APIs share);
//! each action is a plain form, applied through the WooshPay API's own functions.

use super::deliveries::{self, EventRow};
use super::times::when_ms;
use super::views;
use super::{page, same_origin, signed_in, DashboardError, Done, EVENTS_LIMIT, LIST_LIMIT};
use crate::api::idempotency::Answer;
use crate::wooshpay::decisions::{self, Decision};
use crate::wooshpay::error::WpError;
use crate::wooshpay::payment_intents::{self, PaymentIntent, Status};
use crate::wooshpay::{refunds, webhooks, WooshpayState};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use paywasm_core::money::Amount;
use paywasm_core::wooshpay::objects::{CheckoutSession, Refund, WebhookEndpoint};
use rusqlite::OptionalExtension;
use serde::Deserialize;

/// The section's pages, with the dashboard's headers.
pub(crate) fn router() -> Router<WooshpayState> {
    super::with_dashboard_headers(
        Router::new()
            .route("/dashboard/wooshpay", get(overview))
            .route("/dashboard/wooshpay/payment_intents/{id}", get(intent_page))
            .route(
                "/dashboard/wooshpay/payment_intents/{id}/{action}",
                post(intent_action),
            )
            .route(
                "/dashboard/wooshpay/payment_intents/{id}/events/{event}/resend",
                post(event_resend),
            ),
    )
}

/// The WooshPay section's first page.
#[derive(Template)]
#[template(path = "dashboard/wooshpay.html")]
struct Overview {
    intents: Vec<IntentRow>,
    sessions: Vec<SessionRow>,
    refunds: Vec<RefundRow>,
    endpoints: Vec<EndpointRow>,
}

struct IntentRow {
    id: String,
    created: String,
    amount: String,
    status: String,
    terminal: String,
    order: String,
}

impl IntentRow {
    fn of(intent: &PaymentIntent) -> Self {
        Self {
            id: intent.id.to_string(),
            created: when_ms(intent.created),
            amount: intent.currency.display(intent.amount),
            status: intent.status.as_str().to_owned(),
            terminal: payment_intents::alipay_options(intent).map_or_else(
                || "—".to_owned(),
                |options| format!("Alipay {}", options.terminal_type.as_str()),
            ),
            order: intent
                .metadata
                .get("order_id")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("—")
                .to_owned(),
        }
    }
}

struct SessionRow {
    id: String,
    created: String,
    amount: String,
    status: String,
    payment_status: String,
    intent: String,
    expires: String,
}

struct RefundRow {
    id: String,
    created: String,
    intent: String,
    amount: String,
    status: String,
}

impl RefundRow {
    fn of(refund: &Refund) -> Self {
        Self {
            id: refund.id.to_string(),
            created: when_ms(refund.created),
            intent: refund.payment_intent.to_string(),
            amount: refund.currency.display(refund.amount),
            status: refund.status.as_str().to_owned(),
        }
    }
}

struct EndpointRow {
    id: String,
    url: String,
    events: String,
    status: String,
    created: String,
}

/// The bodies `sql` selects (newest first, at most `?1`), parsed.
fn newest<T: serde::de::DeserializeOwned>(
    state: &WooshpayState,
    sql: &str,
    limit: i64,
) -> Result<Vec<T>, DashboardError> {
    Ok(state.store.call(|db| {
        let mut statement = db.prepare(sql)?;
        let bodies = statement
            .query_map([limit], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        bodies
            .iter()
            .map(|body| crate::store::parsed(body))
            .collect()
    })?)
}

async fn overview(
    State(state): State<WooshpayState>,
    headers: HeaderMap,
) -> Result<Response, DashboardError> {
    signed_in(&state.store, &headers)?;
    // A session past its time is expired by the worker within a second; the page shows the
    // stored truth.
    let intents: Vec<PaymentIntent> = newest(
        &state,
        "SELECT body FROM wp_payment_intents ORDER BY seq DESC LIMIT ?1",
        LIST_LIMIT,
    )?;
    let sessions: Vec<CheckoutSession> = newest(
        &state,
        "SELECT body FROM wp_checkout_sessions ORDER BY seq DESC LIMIT ?1",
        LIST_LIMIT,
    )?;
    let refunds: Vec<Refund> = newest(
        &state,
        "SELECT body FROM wp_refunds ORDER BY seq DESC LIMIT ?1",
        LIST_LIMIT,
    )?;
    let endpoints: Vec<WebhookEndpoint> = newest(
        &state,
        "SELECT body FROM wp_webhook_endpoints ORDER BY seq DESC LIMIT ?1",
        LIST_LIMIT,
    )?;
    Ok(page(
        StatusCode::OK,
        &Overview {
            intents: intents.iter().map(IntentRow::of).collect(),
            sessions: sessions
                .iter()
                .map(|session| SessionRow {
                    id: session.id.to_string(),
                    created: when_ms(session.created),
                    amount: session.currency.display(session.amount_total),
                    status: session.status.as_str().to_owned(),
                    payment_status: session.payment_status.as_str().to_owned(),
                    intent: session.payment_intent.to_string(),
                    expires: when_ms(session.expires_at),
                })
                .collect(),
            refunds: refunds.iter().map(RefundRow::of).collect(),
            endpoints: endpoints
                .iter()
                .map(|endpoint| EndpointRow {
                    id: endpoint.id.to_string(),
                    url: endpoint.url.clone(),
                    events: endpoint.enabled_events.join(", "),
                    status: endpoint.status.clone(),
                    created: when_ms(endpoint.created),
                })
                .collect(),
        },
    ))
}

/// A PaymentIntent's page.
#[derive(Template)]
#[template(path = "dashboard/wooshpay_intent.html")]
struct IntentPage {
    intent: IntentRow,
    received: String,
    refunded: Option<String>,
    description: String,
    metadata: Vec<(String, String)>,
    last_error: Option<String>,
    /// The test page the customer is sent to, while the attempt waits for them.
    test_page: Option<String>,
    session: Option<String>,
    /// Waiting for the customer's decision at Alipay.
    waiting: bool,
    /// Accepted, settling.
    processing: bool,
    refundable: bool,
    currency: String,
    remaining: String,
    refunds: Vec<RefundRow>,
    events: Vec<EventRow>,
    /// Where **Resend** returns to: this page.
    back: &'static str,
    done: Option<&'static str>,
    problem: Option<String>,
}

async fn intent_page(
    State(state): State<WooshpayState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, DashboardError> {
    signed_in(&state.store, &headers)?;
    let done = done.done.as_deref().and_then(done_sentence);
    intent_view(&state, &id, done, None, StatusCode::OK)
}

fn done_sentence(done: &str) -> Option<&'static str> {
    match done {
        "succeeded" => Some("Succeeded. The merchant's webhook endpoints are told."),
        "processing" => Some("Processing: Alipay settles it next (Settle below)."),
        "failed" => Some(
            "Failed: the PaymentIntent waits for another payment method. The merchant's webhook endpoints are told.",
        ),
        other => views::done_sentence(other),
    }
}

fn intent_view(
    state: &WooshpayState,
    id: &str,
    done: Option<&'static str>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, DashboardError> {
    let intent = payment_intents::load(state, id)?;
    let (refunds, session, events) = state.store.call(|db| {
        let mut statement =
            db.prepare("SELECT body FROM wp_refunds WHERE payment_intent = ?1 ORDER BY seq")?;
        let refunds = statement
            .query_map([&*intent.id], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .iter()
            .map(|body| crate::store::parsed::<Refund>(body))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let session: Option<String> = db
            .query_row(
                "SELECT id FROM wp_checkout_sessions WHERE payment_intent = ?1",
                [&*intent.id],
                |row| row.get(0),
            )
            .optional()?;
        let events = deliveries::events(
            db,
            &deliveries::WOOSHPAY_OF_INTENT,
            &intent.id,
            EVENTS_LIMIT,
        )?;
        Ok((refunds, session, events))
    })?;
    let refunded: i64 = refunds.iter().map(|refund| refund.amount.0).sum();
    let remaining = intent.amount_received.0 - refunded;
    let currency = &intent.currency;
    let view = IntentPage {
        intent: IntentRow::of(&intent),
        received: currency.display(intent.amount_received),
        refunded: (refunded > 0).then(|| currency.display(Amount(refunded))),
        description: intent.description.clone().unwrap_or_else(|| "—".to_owned()),
        metadata: views::metadata_rows(&intent.metadata),
        last_error: intent
            .last_payment_error
            .as_ref()
            .map(|error| format!("{}: {}", error.code.as_str(), error.message)),
        test_page: intent
            .next_action
            .as_ref()
            .and_then(|action| action.alipay_handle_redirect.as_ref())
            .map(|to| to.url.clone()),
        session,
        waiting: intent.status == Status::RequiresAction,
        processing: intent.status == Status::Processing,
        refundable: intent.status == Status::Succeeded && remaining > 0,
        currency: currency.as_str().to_owned(),
        remaining: currency.format_decimal(Amount(remaining)),
        refunds: refunds.iter().map(RefundRow::of).collect(),
        events,
        back: "payment_intent",
        done,
        problem,
    };
    Ok(page(status, &view))
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    amount: Option<String>,
}

/// The Alipay attempt a PaymentIntent waits on, if any.
fn code_of(state: &WooshpayState, id: &str) -> Result<Option<String>, WpError> {
    Ok(state.store.call(|db| {
        db.query_row(
            "SELECT code_value FROM wp_payment_intents WHERE id = ?1",
            [id],
            |row| row.get::<_, Option<String>>(0),
        )
        .optional()
        .map(Option::flatten)
    })?)
}

async fn intent_action(
    State(state): State<WooshpayState>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Result<Response, DashboardError> {
    same_origin(&headers)?;
    signed_in(&state.store, &headers)?;
    let intent = payment_intents::load(&state, &id)?;
    let decision = match action.as_str() {
        "succeed" => Some(Decision::Succeed),
        "processing" => Some(Decision::Processing),
        "fail" => Some(Decision::Fail),
        "refunds" => None,
        _ => {
            return Err(DashboardError::Wooshpay(WpError::NotFound(format!(
                "The dashboard has no action {action:?}."
            ))))
        }
    };
    let outcome = match decision {
        Some(decision) => decide(&state, &intent, decision),
        None => refund(&state, &intent, form.amount.as_deref().unwrap_or_default()),
    };
    after_action(&state, &intent.id, outcome)
}

/// Where an action on PaymentIntent `id` leads: on success its page saying what was `done`;
/// refused, its page saying why (nothing changed); a missing one, the missing page.
fn after_action(
    state: &WooshpayState,
    id: &str,
    outcome: Result<&'static str, WpError>,
) -> Result<Response, DashboardError> {
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!(
            "/dashboard/wooshpay/payment_intents/{id}?done={done}"
        ))
        .into_response()),
        Err(missing @ WpError::NotFound(_)) => Err(missing.into()),
        Err(refused) => intent_view(
            state,
            id,
            None,
            Some(views::refusal_sentence(&refused)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// What the test pages' buttons do, for the attempt `intent` waits on.
fn decide(
    state: &WooshpayState,
    intent: &PaymentIntent,
    decision: Decision,
) -> Result<&'static str, WpError> {
    let allowed = match intent.status {
        Status::RequiresAction => true,
        Status::Processing => decision != Decision::Processing,
        _ => false,
    };
    let code = code_of(state, &intent.id)?
        .filter(|_| allowed)
        .ok_or_else(|| WpError::UnexpectedState {
            code: "payment_intent_unexpected_state",
            message: format!(
                "this PaymentIntent is {}: only one waiting for the customer (requires_action) or settling (processing) can be decided",
                intent.status.as_str()
            ),
        })?;
    let decided = decisions::decide(state, &code, decision)?;
    Ok(match decided.status {
        Status::Succeeded => "succeeded",
        Status::Processing => "processing",
        _ => "failed",
    })
}

fn refund(
    state: &WooshpayState,
    intent: &PaymentIntent,
    amount: &str,
) -> Result<&'static str, WpError> {
    let currency = &intent.currency;
    let amount = currency.parse_decimal(amount).ok_or_else(|| {
        WpError::invalid(
            "amount",
            format!(
                "write the amount to refund in {} with at most {} decimals, such as {}",
                currency.as_str(),
                currency.exponent(),
                currency.format_decimal(intent.amount_received),
            ),
        )
    })?;
    refunds::refund(
        state,
        &intent.id,
        Some(amount.0),
        None,
        serde_json::Map::new(),
        &Answer::none(),
    )?;
    Ok("refunded")
}

/// **Resend**: a WooshPay event about PaymentIntent `id`, delivered again.
async fn event_resend(
    State(state): State<WooshpayState>,
    headers: HeaderMap,
    Path((id, event)): Path<(String, String)>,
) -> Result<Response, DashboardError> {
    same_origin(&headers)?;
    signed_in(&state.store, &headers)?;
    let intent = payment_intents::load(&state, &id)?;
    let about_it = state.store.call(|db| {
        db.query_row(
            "SELECT 1 FROM wp_events WHERE id = ?1
               AND (json_extract(body, '$.data.object.id') = ?2
                    OR json_extract(body, '$.data.object.payment_intent') = ?2)",
            [event.as_str(), &*intent.id],
            |_| Ok(()),
        )
        .optional()
    })?;
    if about_it.is_none() {
        return Err(DashboardError::Wooshpay(WpError::NotFound(format!(
            "PaymentIntent {id} has no event {event:?}."
        ))));
    }
    let outcome = webhooks::resend(&state, &event).map(|_| "resent");
    after_action(&state, &intent.id, outcome)
}
