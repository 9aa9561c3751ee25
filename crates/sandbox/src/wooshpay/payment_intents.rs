//! PaymentIntents: `POST /v1/payment_intents`, `GET /v1/payment_intents/:id` (secret key, or
//! the publishable key with `client_secret`), `POST /v1/payment_intents/:id/confirm` and
//! `/cancel`.
//!
//! Status machine: `requires_payment_method` -> `requires_confirmation` -> (confirm)
//! `requires_action` (the customer is at Alipay) -> `processing` -> `succeeded`; a failed attempt
//! goes back to `requires_payment_method` with `last_payment_error`; `canceled` from any state
//! before `processing`. `succeeded` and `canceled` never change.

use super::auth::{AnyKey, Secret};
use super::error::WpError;
use super::{boolean, check_url, list, now_ms, random_alphanumeric, Body, WooshpayState};
use crate::api::idempotency::Answer;
use crate::api::params::Params;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::platform::PlatformType;
use paywasm_store::Cached;
use rusqlite::OptionalExtension;
use serde_json::{Map, Value};
use std::collections::HashMap;

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new()
        .route("/v1/payment_intents", post(create))
        .route("/v1/payment_intents/{id}", get(retrieve))
        .route("/v1/payment_intents/{id}/confirm", post(confirm))
        .route("/v1/payment_intents/{id}/cancel", post(cancel))
}

use paywasm_core::wooshpay::objects::EventType;
pub use paywasm_core::wooshpay::objects::{
    AlipayOptions, CancellationReason, NextAction, NextActionType, OsType, PaymentError,
    PaymentErrorCode, PaymentIntent, PaymentIntentStatus as Status, PaymentMethodOptions,
    RedirectTo, TerminalType,
};

/// The fields a browser may read with the publishable key and the client secret (as Stripe
/// allows): no metadata, no customer IP.
const CLIENT_SAFE: [&str; 16] = [
    "id",
    "object",
    "created",
    "currency",
    "amount",
    "status",
    "livemode",
    "client_secret",
    "next_action",
    "payment_method_types",
    "confirmation_method",
    "return_url",
    "payment_method",
    "capture_method",
    "last_payment_error",
    "canceled_at",
];

/// The client-safe view of `intent`.
pub fn client_view(intent: &PaymentIntent) -> Result<Value, serde_json::Error> {
    let full = serde_json::to_value(intent)?;
    let mut safe = Map::new();
    for key in CLIENT_SAFE {
        safe.insert(key.into(), full.get(key).cloned().unwrap_or(Value::Null));
    }
    Ok(Value::Object(safe))
}

/// The Alipay options `intent` was created or last confirmed with.
pub(crate) fn alipay_options(intent: &PaymentIntent) -> Option<&AlipayOptions> {
    intent.payment_method_options.alipay.as_ref()
}

/// Reads `payment_method_types`, `payment_method_data` and `payment_method_options`: only
/// Alipay is offered here. Returns the Alipay options (terminal type `WEB` unless given).
fn read_payment_method(params: &Params) -> Result<(Vec<String>, bool, AlipayOptions), WpError> {
    let types = match params.value("payment_method_types") {
        None | Some(Value::Null) => vec!["alipay".to_owned()],
        value => list(value)
            .and_then(|items| {
                items
                    .into_iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            })
            .filter(|types| !types.is_empty())
            .ok_or_else(|| {
                WpError::invalid(
                    "payment_method_types",
                    "payment_method_types must be a list such as [\"alipay\"]",
                )
            })?,
    };
    if let Some(other) = types.iter().find(|t| t.as_str() != "alipay") {
        return Err(WpError::invalid(
            "payment_method_types",
            format!("the payment method type {other} is not available: this account offers alipay"),
        ));
    }
    let data = params.object("payment_method_data");
    if let Some(data) = &data {
        match data.str("type")? {
            Some("alipay") => {}
            Some(other) => {
                return Err(WpError::invalid(
                    "payment_method_data[type]",
                    format!("payment_method_data[type] {other} is not available: use alipay"),
                ))
            }
            None => return Err(WpError::missing("payment_method_data[type]")),
        }
    }
    let alipay = params
        .object("payment_method_options")
        .and_then(|options| options.object("alipay"))
        .unwrap_or_default();
    let terminal_type = match alipay.str("terminal_type")?.map(TerminalType::parse) {
        None => TerminalType::Web,
        Some(TerminalType::Unknown(_)) => return Err(WpError::invalid(
            "payment_method_options[alipay][terminal_type]",
            "terminal_type must be WEB (desktop browser: QR code) or APP (phone: the Alipay app)",
        )),
        Some(known) => known,
    };
    let os_type = match alipay.str("os_type")?.map(OsType::parse) {
        None => None,
        Some(OsType::Unknown(_)) => {
            return Err(WpError::invalid(
                "payment_method_options[alipay][os_type]",
                "os_type must be IOS or ANDROID",
            ))
        }
        known => known,
    };
    let client_ip = match alipay.str("client_ip")? {
        None => None,
        Some(ip) if ip.parse::<std::net::IpAddr>().is_ok() => Some(ip.to_owned()),
        Some(_) => {
            return Err(WpError::invalid(
                "payment_method_options[alipay][client_ip]",
                "client_ip must be an IPv4 or IPv6 address",
            ))
        }
    };
    Ok((
        types,
        data.is_some(),
        AlipayOptions {
            terminal_type,
            os_type,
            client_ip,
        },
    ))
}

/// Reads `amount` and `currency` as seed 004 allows them (at least 0.01).
pub(crate) fn read_money(params: &Params) -> Result<(Amount, Currency), WpError> {
    let amount = params
        .integer("amount")
        .map_err(|_| {
            WpError::invalid(
                "amount",
                "amount must be an integer in the smallest currency unit",
            )
        })?
        .ok_or_else(|| WpError::missing("amount"))?;
    if amount < 1 {
        return Err(WpError::param(
            "amount_too_small",
            "amount",
            "amount must be at least 1 (0.01 CNY)",
        ));
    }
    if amount > 99_999_999_999 {
        return Err(WpError::param(
            "amount_too_large",
            "amount",
            "amount is too large",
        ));
    }
    let currency = params
        .str("currency")?
        .ok_or_else(|| WpError::missing("currency"))?;
    Ok((Amount(amount), alipay_currency("currency", currency)?))
}

/// `code` as one of the currencies Alipay takes through WooshPay, in any case; refused as
/// parameter `param` otherwise.
pub(crate) fn alipay_currency(param: &str, code: &str) -> Result<Currency, WpError> {
    Currency::parse(code)
        .ok()
        .filter(|currency| super::CURRENCIES.contains(&currency.as_str()))
        .ok_or_else(|| {
            WpError::invalid(
                param,
                format!("Alipay takes {}", super::CURRENCIES.join(", ")),
            )
        })
}

/// Sends the customer to Alipay: a new code value and `next_action` for the terminal type.
fn start_attempt(state: &WooshpayState, intent: &mut PaymentIntent) -> String {
    let code_value = format!("2816{}", random_alphanumeric(32));
    let page = match alipay_options(intent).map(|o| &o.terminal_type) {
        Some(TerminalType::App) => "app",
        _ => "cashier",
    };
    intent.status = Status::RequiresAction;
    intent.last_payment_error = None;
    intent.payment_method = Some(crate::ids::new::<ids::PaymentMethodId>());
    intent.next_action = Some(NextAction {
        kind: NextActionType::RedirectToUrl,
        alipay_handle_redirect: Some(RedirectTo {
            url: format!(
                "{}/wooshpay/alipay/{page}?codeValue={code_value}",
                state.base_url
            ),
        }),
    });
    code_value
}

/// Inserts a new PaymentIntent with its `created` (and `requires_action`) events.
pub(crate) fn insert(
    tx: &rusqlite::Transaction<'_>,
    intent: &PaymentIntent,
    code_value: Option<&str>,
) -> rusqlite::Result<()> {
    super::webhooks::record(tx, EventType::PaymentIntentCreated, intent.clone())?;
    if intent.status == Status::RequiresAction {
        super::webhooks::record(tx, EventType::PaymentIntentRequiresAction, intent.clone())?;
    }
    tx.execute_cached(
        "INSERT INTO wp_payment_intents (id, created, status, code_value, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![
            &*intent.id,
            intent.created,
            intent.status.as_str(),
            code_value,
            crate::store::json_text(intent)?
        ],
    )?;
    Ok(())
}

/// Builds a PaymentIntent from a create request's parameters (also used by Checkout Sessions).
pub(crate) fn build(
    state: &WooshpayState,
    params: &Params,
    amount: Amount,
    currency: Currency,
) -> Result<(PaymentIntent, Option<String>), WpError> {
    let (types, has_method, alipay) = read_payment_method(params)?;
    let confirm = boolean("confirm", params.value("confirm"))?.unwrap_or(false);
    let return_url = params.str("return_url")?.map(str::to_owned);
    if let Some(url) = &return_url {
        check_url("return_url", url)?;
    }
    if confirm && return_url.is_none() {
        return Err(WpError::param(
            "parameter_missing",
            "return_url",
            "return_url is required to confirm: Alipay sends the customer back there",
        ));
    }
    let id = crate::ids::new::<ids::PaymentIntentId>();
    let mut intent = PaymentIntent {
        client_secret: format!("{id}_secret_{}", random_alphanumeric(24)),
        id,
        object: "payment_intent".into(),
        created: now_ms(),
        currency,
        amount,
        status: if has_method {
            Status::RequiresConfirmation
        } else {
            Status::RequiresPaymentMethod
        },
        livemode: false,
        next_action: None,
        payment_method_types: types,
        confirmation_method: "automatic".into(),
        payment_method_options: PaymentMethodOptions {
            alipay: Some(alipay),
        },
        return_url,
        payment_method: None,
        capture_method: "automatic".into(),
        amount_received: Amount(0),
        last_payment_error: None,
        canceled_at: None,
        cancellation_reason: None,
        description: params.str("description")?.map(str::to_owned),
        metadata: params.metadata("metadata")?,
    };
    let code_value = confirm.then(|| start_attempt(state, &mut intent));
    Ok((intent, code_value))
}

async fn create(
    State(state): State<WooshpayState>,
    _: Secret,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<PaymentIntent>, WpError> {
    let (amount, currency) = read_money(&params)?;
    let (intent, code_value) = build(&state, &params, amount, currency)?;
    let body = serde_json::to_string(&intent).map_err(|e| WpError::Internal(e.to_string()))?;
    state.store.call(|db| {
        let tx = db.transaction()?;
        insert(&tx, &intent, code_value.as_deref())?;
        answer.keep(&tx, &body)?;
        tx.commit()
    })?;
    state.wake.notify_one();
    Ok(Json(intent))
}

/// Loads a PaymentIntent by id.
pub(crate) fn load(state: &WooshpayState, id: &str) -> Result<PaymentIntent, WpError> {
    let body: Option<String> = state.store.call(|db| {
        db.query_row_cached(
            "SELECT body FROM wp_payment_intents WHERE id = ?1",
            [id],
            |row| row.get(0),
        )
        .optional()
    })?;
    let body = body.ok_or_else(|| WpError::NotFound(format!("No such payment_intent: '{id}'")))?;
    serde_json::from_str(&body).map_err(|e| WpError::Internal(e.to_string()))
}

/// Loads the PaymentIntent whose current Alipay attempt is `code_value`.
pub(crate) fn load_by_code(
    state: &WooshpayState,
    code_value: &str,
) -> Result<PaymentIntent, WpError> {
    let id: Option<String> = state.store.call(|db| {
        db.query_row_cached(
            "SELECT id FROM wp_payment_intents WHERE code_value = ?1",
            [code_value],
            |row| row.get(0),
        )
        .optional()
    })?;
    let id = id.ok_or_else(|| WpError::NotFound("This Alipay code is not known".into()))?;
    load(state, &id)
}

/// Writes `intent` if it is still in `expected` state (a concurrent change wins otherwise),
/// records `event` about it, keeps it as the `answer` to the request that changed it, and runs
/// `also`, all in the same transaction; `code_value` replaces the Alipay code when a new
/// attempt starts.
pub(crate) fn save_if(
    state: &WooshpayState,
    intent: &PaymentIntent,
    expected: Status,
    code_value: Option<&str>,
    event: Option<EventType>,
    answer: &Answer,
    also: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
) -> Result<bool, WpError> {
    let body = crate::store::json_text(intent)?;
    let changed = state.store.call(|db| {
        let tx = db.transaction()?;
        let changed = tx.execute_cached(
            "UPDATE wp_payment_intents SET status = ?3, body = ?4, code_value = COALESCE(?5, code_value)
             WHERE id = ?1 AND status = ?2",
            rusqlite::params![
                &*intent.id,
                expected.as_str(),
                intent.status.as_str(),
                body,
                code_value
            ],
        )?;
        if changed == 1 {
            if let Some(kind) = event {
                super::webhooks::record(&tx, kind, intent.clone())?;
            }
            answer.keep(&tx, &body)?;
            also(&tx)?;
        }
        tx.commit()?;
        Ok(changed == 1)
    })?;
    if changed {
        state.wake.notify_one();
    }
    Ok(changed)
}

fn unexpected(intent: &PaymentIntent, action: &str) -> WpError {
    WpError::UnexpectedState {
        code: "payment_intent_unexpected_state",
        message: format!(
            "You cannot {action} this PaymentIntent because it has a status of {}",
            intent.status.as_str()
        ),
    }
}

async fn retrieve(
    State(state): State<WooshpayState>,
    key: AnyKey,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, WpError> {
    let intent = load(&state, &id)?;
    match key {
        AnyKey::Secret => Ok(Json(serde_json::to_value(&intent)?)),
        AnyKey::Publishable => {
            let given = query.get("client_secret").map(String::as_str).unwrap_or("");
            let matches: bool =
                subtle::ConstantTimeEq::ct_eq(given.as_bytes(), intent.client_secret.as_bytes())
                    .into();
            if !matches {
                // The same answer as for an unknown id: the key alone reveals nothing.
                return Err(WpError::NotFound(format!("No such payment_intent: '{id}'")));
            }
            Ok(Json(client_view(&intent)?))
        }
    }
}

async fn confirm(
    State(state): State<WooshpayState>,
    _: Secret,
    Path(id): Path<String>,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<PaymentIntent>, WpError> {
    let alipay = if params.value("payment_method_options").is_some()
        || params.value("payment_method_data").is_some()
    {
        Some(read_payment_method(&params)?.2)
    } else {
        None
    };
    let return_url = params.str("return_url")?.map(str::to_owned);
    if let Some(url) = &return_url {
        check_url("return_url", url)?;
    }
    confirm_with(&state, &id, alipay, return_url, &answer).map(Json)
}

/// Confirms for the customer's device (the hosted checkout page), back to `return_url`.
pub(crate) fn confirm_for(
    state: &WooshpayState,
    id: &str,
    device: PlatformType,
    return_url: &str,
) -> Result<PaymentIntent, WpError> {
    let (terminal_type, os_type) = paywasm_core::wooshpay::terminal(device);
    let alipay = AlipayOptions {
        terminal_type,
        os_type,
        client_ip: None,
    };
    confirm_with(
        state,
        id,
        Some(alipay),
        Some(return_url.to_owned()),
        &Answer::none(),
    )
}

/// Starts a new Alipay attempt, with new Alipay options and `return_url` if given: from
/// `requires_payment_method`, `requires_confirmation`, or `requires_action` (the previous
/// attempt's code stops working).
fn confirm_with(
    state: &WooshpayState,
    id: &str,
    alipay: Option<AlipayOptions>,
    return_url: Option<String>,
    answer: &Answer,
) -> Result<PaymentIntent, WpError> {
    let mut intent = load(state, id)?;
    let before = intent.status.clone();
    if !before.awaits_payment() {
        return Err(unexpected(&intent, "confirm"));
    }
    if alipay.is_some() {
        intent.payment_method_options.alipay = alipay;
    }
    if return_url.is_some() {
        intent.return_url = return_url;
    }
    if intent.return_url.is_none() {
        return Err(WpError::missing("return_url"));
    }
    let code_value = start_attempt(state, &mut intent);
    let event = Some(EventType::PaymentIntentRequiresAction);
    if !save_if(
        state,
        &intent,
        before,
        Some(&code_value),
        event,
        answer,
        |_| Ok(()),
    )? {
        return Err(unexpected(&load(state, id)?, "confirm"));
    }
    Ok(intent)
}

async fn cancel(
    State(state): State<WooshpayState>,
    _: Secret,
    Path(id): Path<String>,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<PaymentIntent>, WpError> {
    let reason = super::enum_param::<CancellationReason>(&params, "cancellation_reason")?;
    cancel_intent_and(&state, &id, reason, &answer, |_| Ok(())).map(Json)
}

/// Cancels a PaymentIntent that has not reached `processing`, keeping it as the `answer` and
/// running `also` in the same transaction.
pub(crate) fn cancel_intent_and(
    state: &WooshpayState,
    id: &str,
    reason: Option<CancellationReason>,
    answer: &Answer,
    also: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
) -> Result<PaymentIntent, WpError> {
    let mut intent = load(state, id)?;
    let before = intent.status.clone();
    if !before.awaits_payment() {
        return Err(unexpected(&intent, "cancel"));
    }
    intent.status = Status::Canceled;
    intent.next_action = None;
    intent.canceled_at = Some(now_ms() / 1000);
    intent.cancellation_reason = reason;
    let event = Some(EventType::PaymentIntentCanceled);
    if !save_if(state, &intent, before, None, event, answer, also)? {
        return Err(unexpected(&load(state, id)?, "cancel"));
    }
    Ok(intent)
}
