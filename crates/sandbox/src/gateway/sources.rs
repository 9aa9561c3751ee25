//! `POST /sources` and `GET /sources/:id`.

use super::auth::AnyKey;
use super::error::ApiError;
use super::{now, GatewayState};
use crate::api::idempotency::Answer;
use crate::api::params::Params;
use crate::store::StoreError;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::method::{gateway_only, SourceType};
use paywasm_core::omise::objects::Source;
use paywasm_core::platform::PlatformType;
use paywasm_core::time::Timestamp;
use paywasm_store::Cached;
use rusqlite::OptionalExtension;
use std::net::SocketAddr;

pub(crate) fn router() -> Router<GatewayState> {
    Router::new()
        .route("/sources", post(sources_create))
        .route("/sources/", post(sources_create))
}

/// Builds a source from request parameters, refusing unknown types, methods the `account`
/// does not have, currencies and amounts outside the method's limits.
pub(crate) fn build(
    params: &Params,
    created_at: Timestamp,
    ip: Option<String>,
    account: &super::capability::Account,
) -> Result<Source, ApiError> {
    let type_name = params.required_str("type")?;
    let source_type = match type_name {
        // Seed 000: `alipay` "will be deprecated in favor of `alipay_cn`". Until then the old
        // name is taken for the new one, with its flow; the source says `alipay_cn`.
        "alipay" => SourceType::AlipayCn,
        name => SourceType::parse(name).map_err(|_| {
            let supported: Vec<&str> = SourceType::served().map(|t| t.as_str()).collect();
            ApiError::BadRequest(format!(
                "type '{name}' is not supported; use one of {}",
                supported.join(", ")
            ))
        })?,
    };
    if !account.accepts(source_type) {
        return Err(ApiError::BadRequest(format!(
            "type '{type_name}' is not enabled on this account; GET /capability lists the ones that are"
        )));
    }
    let method = source_type.method();
    let amount = params
        .amount("amount")?
        .ok_or_else(|| ApiError::InvalidAmount("amount is required".into()))?;
    let currency = params.currency("currency")?;
    method.check(amount, &currency)?;
    let platform_type = params
        .str("platform_type")?
        .map(PlatformType::parse)
        .transpose()?;
    let phone_number = phone_number(params, source_type)?;
    if let SourceType::GatewayOnly(method) = source_type {
        if method.phones_only() && platform_type == Some(PlatformType::Web) {
            return Err(ApiError::BadRequest(format!(
                "{type_name} is paid in the bank's app on a phone: platform_type must be IOS or ANDROID"
            )));
        }
    }
    let barcode = params.str("barcode")?.map(str::to_owned);
    if matches!(
        source_type,
        SourceType::BarcodeAlipay | SourceType::WechatPayUpm
    ) {
        let code = barcode.as_deref().ok_or_else(|| {
            ApiError::BadRequest(format!("barcode is required for {source_type}"))
        })?;
        super::barcodes::check(code)?;
    }
    let id = crate::ids::new::<ids::SourceId>();
    Ok(Source {
        object: "source".into(),
        location: format!("/sources/{id}"),
        id,
        livemode: false,
        amount,
        barcode,
        bank: None,
        created_at,
        currency,
        email: None,
        flow: method.flow,
        installment_term: None,
        // As the seeds show it: the customer's address is kept for a payment the browser is
        // sent away for (seed 000), not for a QR or an in-store one (seeds 001, 002, 003).
        ip: ip.filter(|_| method.flow.sends_customer_away()),
        absorption_type: None,
        name: None,
        mobile_number: None,
        phone_number,
        platform_type,
        scannable_code: None,
        billing: None,
        shipping: None,
        items: vec![],
        references: None,
        provider_references: None,
        store_id: params.str("store_id")?.map(str::to_owned),
        store_name: params.str("store_name")?.map(str::to_owned),
        terminal_id: params.str("terminal_id")?.map(str::to_owned),
        source_type,
        zero_interest_installments: None,
        charge_status: "unknown".into(),
        receipt_amount: None,
        discounts: vec![],
        promotion_code: None,
    })
}

/// The customer's phone number, required by the methods that send it a one-time password
/// (TrueMoney Wallet: a Thai mobile number) and kept on no other source.
fn phone_number(params: &Params, source_type: SourceType) -> Result<Option<String>, ApiError> {
    let SourceType::GatewayOnly(method) = source_type else {
        return Ok(None);
    };
    if !method.needs_phone_number() {
        return Ok(None);
    }
    let number = params.str("phone_number")?.map(str::trim).unwrap_or("");
    if number.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "phone_number is required for {source_type}: the customer's TrueMoney number"
        )));
    }
    if !gateway_only::is_thai_mobile_number(number) {
        return Err(ApiError::BadRequest(format!(
            "phone_number '{number}' is not a Thai mobile number: 10 digits from 06, 08 or 09 (0812345678), or +66 and 9 digits"
        )));
    }
    Ok(Some(number.to_owned()))
}

/// Stores a new source; `answer` keeps it as the answer to the request that created it.
pub(crate) fn insert(
    state: &GatewayState,
    source: &Source,
    answer: &Answer,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(source).map_err(StoreError::from)?;
    state.store.call(|db| {
        let tx = db.transaction()?;
        tx.execute_cached(
            "INSERT INTO sources (id, created_at, body) VALUES (?1, ?2, ?3)",
            rusqlite::params![&*source.id, source.created_at.unix(), body],
        )?;
        answer.keep(&tx, &body)?;
        tx.commit()
    })?;
    Ok(())
}

/// A stored source and the charge that used it, if any.
pub(crate) fn find(state: &GatewayState, id: &str) -> Result<(Source, Option<String>), ApiError> {
    let row = state.store.call(|db| {
        db.query_row_cached(
            "SELECT body, charge_id FROM sources WHERE id = ?1",
            [id],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()
    })?;
    let (body, charge_id) =
        row.ok_or_else(|| ApiError::NotFound(format!("source {id} was not found")))?;
    let source = serde_json::from_str(&body).map_err(StoreError::from)?;
    Ok((source, charge_id))
}

async fn sources_create(
    State(state): State<GatewayState>,
    AnyKey(_): AnyKey,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    answer: Answer,
    super::Body(params): super::Body,
) -> Result<(StatusCode, Json<Source>), ApiError> {
    let source = build(&params, now(), Some(peer.ip().to_string()), &state.account)?;
    insert(&state, &source, &answer)?;
    Ok((StatusCode::OK, Json(source)))
}
