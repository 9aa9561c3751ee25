//! Charges: `POST /charges`, `GET /charges`, `GET /charges/:id`, `POST /charges/:id/expire`,
//! and the test controls `POST /charges/:id/mark_as_paid`, `/mark_as_failed` and `/backdate`.
//!
//! A charge is `pending` until it is paid, fails or expires; a terminal status never changes.
//! Expiry is applied whenever a pending charge past its `expires_at` is read.

use super::auth::SecretKey;
use super::error::ApiError;
use super::lists::{ListParams, Page};
use super::{now, GatewayState};
use crate::api::idempotency::Answer;
use crate::api::params::Params;
use crate::store::StoreError;
use axum::extract::{ConnectInfo, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::failure::ReportedFailure;
use paywasm_core::ids;
use paywasm_core::method::Flow;
use paywasm_core::method::{fees, GatewayOnly, SourceType};
use paywasm_core::money::Amount;
use paywasm_core::omise::objects::{
    Charge, ChargeStatus, Document, EventKey, List, PlatformFee, ScannableCode, TransactionFees,
};
use paywasm_core::test_codes::{self, TestOutcome};
use paywasm_core::time::Timestamp;
use paywasm_core::{paynow, promptpay};
use paywasm_store::Cached;
use rusqlite::OptionalExtension;
use std::net::SocketAddr;

/// The name the sandbox's PayNow QRs show in the customer's bank app.
const PAYNOW_MERCHANT_NAME: &str = "PAYWASM SANDBOX";

pub(crate) fn router() -> Router<GatewayState> {
    Router::new()
        .route("/charges", post(charges_create).get(charges_index))
        .route("/charges/{id}", get(charges_show))
        .route("/charges/{id}/expire", post(charges_expire))
        .route("/charges/{id}/mark_as_paid", post(charges_mark_as_paid))
        .route("/charges/{id}/mark_as_failed", post(charges_mark_as_failed))
        .route("/charges/{id}/backdate", post(charges_backdate))
        // A source's view carries its charge's status: served where charges are read (a due
        // expiry applied first), so that sources need not read charges.
        .route("/sources/{id}", get(sources_show))
}

/// How a pending charge ends.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// The customer paid.
    Paid,
    /// Declined, with a failure code (its message is the code's).
    Failed(ReportedFailure),
    /// Not paid in time, or expired on request.
    Expired,
}

const DAY: i64 = 86_400;

const TRUEMONEY_QR: SourceType = SourceType::GatewayOnly(GatewayOnly::TruemoneyQr);

/// Ends a pending charge. The caller has checked that it is pending.
pub(crate) fn settle(charge: &mut Charge, outcome: Outcome, at: Timestamp) {
    match outcome {
        Outcome::Paid => {
            charge.status = ChargeStatus::Successful;
            charge.paid = true;
            charge.paid_at = Some(at);
            charge.authorized = true;
            charge.authorized_at = Some(at);
            // As the refund API decides: PromptPay has none (seed 002), nor the methods whose
            // refunds Opn's pages cited here do not describe (PayNow's among them).
            let refundable = refund_window_secs(charge.source.source_type).is_some();
            charge.refundable = refundable;
            charge.partially_refundable = refundable;
            charge.transaction = Some(String::from(crate::ids::new::<ids::TransactionId>()));
            tell_void(charge, at);
        }
        Outcome::Failed(code) => {
            charge.status = ChargeStatus::Failed;
            charge.failure_message = Some(code.code().message().to_owned());
            charge.failure_code = Some(code);
        }
        Outcome::Expired => {
            charge.status = ChargeStatus::Expired;
            charge.expired = true;
            charge.expired_at = Some(at);
        }
    }
    charge.source.charge_status = charge.status.as_str().to_owned();
}

/// How long after payment a method's charges may be refunded; `None`: never (the charge says
/// so: `refundable: false`).
pub(crate) fn refund_window_secs(source_type: SourceType) -> Option<i64> {
    match source_type {
        // PayNow's refunds are not in the pages of Opn's that docs/methods.md cites: none,
        // until they are (a stray payment is then repaid by the merchant).
        SourceType::Promptpay | SourceType::Paynow => None,
        SourceType::WechatPayUpm => Some(90 * DAY),
        SourceType::BarcodeAlipay | SourceType::AlipayCn => Some(365 * DAY),
        // Opn's methods beyond the seeds: refunds are not in the pages docs/methods.md cites,
        // so none, as PayNow's.
        _ => None,
    }
}

/// Until when an Alipay CN charge can be voided (seed 000: "within the next 00:15 (GMT+8)
/// after the charge was created"): the first 00:15 in China's time (16:15 UTC) after its
/// creation, the day's settlement. `None` for the other methods, which are only refunded.
pub(crate) fn void_deadline(charge: &Charge) -> Option<Timestamp> {
    (charge.source.source_type == SourceType::AlipayCn)
        .then(|| next_settlement_after(charge.created_at))
}

/// The first 00:15 in GMT+8 (16:15 UTC) after `at`.
fn next_settlement_after(at: Timestamp) -> Timestamp {
    const CUTOFF_UTC: i64 = 16 * 3_600 + 15 * 60;
    let at = at.unix();
    let cutoff = at - at.rem_euclid(86_400) + CUTOFF_UTC;
    Timestamp(if cutoff > at { cutoff } else { cutoff + 86_400 })
}

/// Whether charge can be voided `at` that moment: a successful Alipay CN charge, nothing of
/// it refunded yet, before its [`void_deadline`].
pub(crate) fn voidable(charge: &Charge, at: Timestamp) -> bool {
    charge.status == ChargeStatus::Successful
        && !charge.voided
        && charge.refunded_amount.0 == 0
        && void_deadline(charge).is_some_and(|deadline| at < deadline)
}

/// Makes the charge's `can_perform_void` and `reversible` say what is true `at` that moment
/// (they change with the clock, not only with requests).
pub(crate) fn tell_void(charge: &mut Charge, at: Timestamp) {
    let voidable = voidable(charge, at);
    charge.can_perform_void = voidable;
    charge.reversible = voidable;
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
    row.get(0)
}

/// A stored charge, its void fields as they are now.
fn decode(body: &str) -> Result<Charge, ApiError> {
    let mut charge: Charge = serde_json::from_str(body).map_err(StoreError::from)?;
    tell_void(&mut charge, now());
    Ok(charge)
}

/// Writes a pending charge's new, terminal state, records its event (`charge.complete`,
/// however it ended, as the seeds tell merchants to listen for) and keeps the
/// answer to the request that asked for it, in one transaction. Returns false, writing
/// nothing, if the stored charge is no longer pending (another request ended it first): of a
/// concurrent payment and expiry exactly one wins.
fn commit_transition(
    state: &GatewayState,
    charge: &Charge,
    answer: &Answer,
) -> Result<bool, ApiError> {
    let body = serde_json::to_string(charge).map_err(StoreError::from)?;
    let data = serde_json::to_value(charge).map_err(StoreError::from)?;
    let endpoints = state.webhook_endpoints.clone();
    let changed = state.store.call(|db| {
        let tx = db.transaction()?;
        let changed = tx.execute_cached(
            "UPDATE charges SET status = ?2, body = ?3 WHERE id = ?1 AND status = 'pending'",
            rusqlite::params![&*charge.id, charge.status.as_str(), body],
        )?;
        if changed == 1 {
            super::events::record(&tx, EventKey::ChargeComplete, &data, &endpoints)?;
            answer.keep(&tx, &body)?;
        }
        tx.commit()?;
        Ok(changed == 1)
    })?;
    if changed {
        state.wake.notify_one();
        tracing::info!(charge = %charge.id, status = charge.status.as_str(), "charge completed");
    }
    Ok(changed)
}

/// Expires `charge` if it is pending past its `expires_at`.
fn expire_if_due(state: &GatewayState, charge: &mut Charge) -> Result<(), ApiError> {
    let now = now();
    if charge.status == ChargeStatus::Pending && charge.expires_at.is_some_and(|at| at <= now) {
        let at = charge.expires_at.unwrap_or(now);
        let mut expired = charge.clone();
        settle(&mut expired, Outcome::Expired, at);
        if commit_transition(state, &expired, &Answer::none())? {
            *charge = expired;
        } else {
            *charge = reload(state, &charge.id)?;
        }
    }
    Ok(())
}

fn reload(state: &GatewayState, id: &str) -> Result<Charge, ApiError> {
    let body = state
        .store
        .call(|db| {
            db.query_row_cached("SELECT body FROM charges WHERE id = ?1", [id], read_row)
                .optional()
        })?
        .ok_or_else(|| ApiError::NotFound(format!("charge {id} was not found")))?;
    decode(&body)
}

/// Expires every pending charge whose `expires_at` has passed (the background worker).
pub(crate) fn expire_due(state: &GatewayState) -> Result<(), ApiError> {
    let now = now().unix();
    let ids = state.store.call(|db| {
        let mut statement = db.prepare_cached(
            "SELECT id FROM charges WHERE status = 'pending' AND expires_at <= ?1 LIMIT 500",
        )?;
        let ids = statement
            .query_map([now], read_row)?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    })?;
    for id in ids {
        load(state, &id)?;
    }
    Ok(())
}

/// A charge by id, with expiry applied.
pub(crate) fn load(state: &GatewayState, id: &str) -> Result<Charge, ApiError> {
    let mut charge = reload(state, id)?;
    expire_if_due(state, &mut charge)?;
    Ok(charge)
}

/// A charge by the id in its `authorize_uri`, with expiry applied.
pub(crate) fn load_by_authorize_id(
    state: &GatewayState,
    authorize_id: &str,
) -> Result<Charge, ApiError> {
    let body = state
        .store
        .call(|db| {
            db.query_row_cached(
                "SELECT body FROM charges WHERE authorize_id = ?1",
                [authorize_id],
                read_row,
            )
            .optional()
        })?
        .ok_or_else(|| ApiError::NotFound("this payment page does not exist".into()))?;
    let mut charge = decode(&body)?;
    expire_if_due(state, &mut charge)?;
    Ok(charge)
}

/// The charge whose QR document is `document_id` with download `token` (whoever holds the QR's
/// link, as a phone that scanned it), with expiry applied, and its QR payload; `None` when
/// the link is not one of its documents.
pub(crate) fn load_by_document(
    state: &GatewayState,
    charge_id: &str,
    document_id: &str,
    token: &str,
) -> Result<Option<(Charge, String)>, ApiError> {
    let row = state.store.call(|db| {
        db.query_row_cached(
            "SELECT qr_payload, download_token, body FROM charges WHERE id = ?1",
            [charge_id],
            |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, String>(2)?,
                ))
            },
        )
        .optional()
    })?;
    let Some((Some(payload), Some(expected_token), body)) = row else {
        return Ok(None);
    };
    let mut charge = decode(&body)?;
    let document_matches = charge
        .source
        .scannable_code
        .as_ref()
        .is_some_and(|code| &*code.image.id == document_id);
    let token_matches: bool =
        subtle::ConstantTimeEq::ct_eq(token.as_bytes(), expected_token.as_bytes()).into();
    if !(document_matches && token_matches) {
        return Ok(None);
    }
    expire_if_due(state, &mut charge)?;
    Ok(Some((charge, payload)))
}

/// The QR payload of a charge's document, if the download token matches and the charge has
/// not expired.
pub(crate) fn qr_payload(
    state: &GatewayState,
    charge_id: &str,
    document_id: &str,
    token: &str,
) -> Result<Option<String>, ApiError> {
    let found = load_by_document(state, charge_id, document_id, token)?;
    // The gateway closes the QR when the charge expires (seed 002).
    Ok(found
        .filter(|(charge, _)| charge.status != ChargeStatus::Expired)
        .map(|(_, payload)| payload))
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `return_uri` must be HTTPS (seed 000); plain HTTP only to a loopback host, for local shops.
fn check_return_uri(uri: &str) -> Result<(), ApiError> {
    let refuse = || {
        ApiError::InvalidCharge(format!(
            "return_uri must be an HTTPS URL (plain HTTP only for localhost), got '{uri}'"
        ))
    };
    let (scheme, rest) = uri.split_once("://").ok_or_else(refuse)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_owned()
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace()) {
        return Err(refuse());
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        _ => Err(refuse()),
    }
}

struct NewCharge {
    charge: Charge,
    authorize_id: Option<String>,
    qr_payload: Option<String>,
    download_token: Option<String>,
}

fn build(state: &GatewayState, params: &Params, ip: String) -> Result<NewCharge, ApiError> {
    let amount = params
        .amount("amount")?
        .ok_or_else(|| ApiError::InvalidAmount("amount is required".into()))?;
    let currency = params.currency("currency")?;
    let created_at = now();

    let source = match (params.object("source"), params.str("source")) {
        (Some(mut inline), _) => {
            inline.set_default("amount", amount.0.into());
            inline.set_default("currency", currency.as_str().into());
            let source =
                super::sources::build(&inline, created_at, Some(ip.clone()), &state.account)?;
            super::sources::insert(state, &source, &Answer::none())?;
            source
        }
        (None, Ok(Some(id))) => {
            let (source, used_by) = super::sources::find(state, id)?;
            if used_by.is_some() {
                return Err(ApiError::InvalidCharge(format!(
                    "source {id} has already been used for a charge"
                )));
            }
            source
        }
        _ => {
            return Err(ApiError::InvalidCharge(
                "source is required: a source id or source[type]".into(),
            ))
        }
    };
    if source.amount != amount || source.currency != currency {
        return Err(ApiError::InvalidCharge(format!(
            "amount and currency must match the source's ({} {})",
            source.amount, source.currency
        )));
    }
    let method = source.source_type.method();

    let return_uri = params.str("return_uri")?.map(str::to_owned);
    if let Some(uri) = &return_uri {
        check_return_uri(uri)?;
    }
    // The customer leaves the merchant's page and comes back (app redirect, redirect).
    let sent_away = method.flow.sends_customer_away();
    if sent_away && return_uri.is_none() {
        return Err(ApiError::InvalidCharge(format!(
            "return_uri is required for {}",
            source.source_type
        )));
    }

    let latest_expiry = created_at.plus_seconds(method.default_expiry_secs);
    // PromptPay's default is the account's (seed 002: shorter than 24 h if the merchant says).
    let default_expiry = if source.source_type == SourceType::Promptpay {
        created_at.plus_seconds(state.promptpay_expiry_secs)
    } else {
        latest_expiry
    };
    let expires_at = match params.str("expires_at")? {
        None => default_expiry,
        Some(text) => {
            let at = Timestamp::parse(text).map_err(|e| ApiError::InvalidCharge(e.to_string()))?;
            if at <= created_at || at > latest_expiry {
                return Err(ApiError::InvalidCharge(format!(
                    "expires_at must be after now and at most {} hours after creation ({latest_expiry})",
                    method.default_expiry_secs / 3_600
                )));
            }
            at
        }
    };

    let id = crate::ids::new::<ids::ChargeId>();
    let vat_rate = method.vat_rate(&currency);
    let fee = fees(amount, method.fee_rate, vat_rate);
    let mut source = source;
    let zero_interest_installments = source.source_type == SourceType::BarcodeAlipay;
    source.charge_status = "pending".into();
    if source.source_type == SourceType::BarcodeAlipay {
        // Seed 001's in-store charge carries the provider's references.
        source.references = Some(serde_json::json!({
            "expires_at": expires_at,
            "device_id": null,
            "customer_amount": null,
            "customer_currency": null,
            "customer_exchange_rate": null,
            "omise_tax_id": null,
            "reference_number_1": null,
            "reference_number_2": null,
            "barcode": null,
            "payment_code": null,
            "va_code": null,
        }));
    }

    let mut authorize_id = None;
    let mut authorize_uri = None;
    // The test page where Succeed and Fail stand for the customer's app: where a sent-away
    // customer lands, and what the sandbox's TrueMoney QR encodes (TrueMoney's payload is not
    // published; a phone that scans it reaches the page).
    let pays_on_test_page = sent_away || source.source_type == TRUEMONEY_QR;
    if pays_on_test_page {
        let pay_id = String::from(crate::ids::new::<ids::PaymentId>());
        if sent_away {
            authorize_uri = Some(format!("{}?acs=false", test_page(state, &pay_id)));
        }
        authorize_id = Some(pay_id);
    }
    // What the charge's QR document shows: PromptPay's or PayNow's payment QR; for a WeChat
    // Pay charge the customer's scanned code, as seed 003's pending charge has a QR document
    // (named by an 18-digit number of the gateway's, not by the code).
    // The reference identifies the charge to the bank, like a gateway's bill payment.
    let reference = || -> String {
        crate::ids::tail(&id)
            .to_ascii_uppercase()
            .chars()
            .take(20)
            .collect()
    };
    let shown = match source.source_type {
        SourceType::Promptpay => {
            let target = promptpay::Target::BillPayment {
                biller_id: state.promptpay_biller_id.clone(),
                reference1: reference(),
                reference2: None,
            };
            Some((
                promptpay::payload(&target, Some(amount))?,
                "qrcode.svg".to_owned(),
            ))
        }
        SourceType::Paynow => {
            // The last day it may be paid, in Singapore (UTC+8): `YYYYMMDD`.
            let last_day: String = expires_at
                .plus_seconds(8 * 3_600)
                .to_string()
                .chars()
                .take(10)
                .filter(char::is_ascii_digit)
                .collect();
            let bill = paynow::Bill {
                uen: &state.paynow_uen,
                merchant_name: PAYNOW_MERCHANT_NAME,
                reference: &reference(),
                amount,
                expires_on: Some(&last_day),
            };
            Some((paynow::payload(&bill)?, "qrcode.svg".to_owned()))
        }
        TRUEMONEY_QR => authorize_id
            .as_deref()
            .map(|pay_id| (test_page(state, pay_id), "qrcode.svg".to_owned())),
        SourceType::WechatPayUpm => source.barcode.clone().map(|barcode| {
            let name = crate::ids::wechat_document_number();
            (barcode.clone(), format!("{name}.svg"))
        }),
        _ => None,
    };
    let (mut qr, mut download_token) = (None, None);
    if let Some((payload, filename)) = shown {
        let document_id = crate::ids::new::<ids::DocumentId>();
        let token = crate::ids::download_token();
        qr = Some(payload);
        let location = format!("/charges/{id}/documents/{document_id}");
        source.scannable_code = Some(ScannableCode {
            object: "barcode".into(),
            code_type: "qr".into(),
            image: Document {
                object: "document".into(),
                livemode: false,
                download_uri: format!("{}{location}/downloads/{token}", state.base_url),
                location,
                id: document_id,
                deleted: false,
                filename,
                kind: "qr".into(),
                created_at,
            },
        });
        download_token = Some(token);
    }

    let charge = Charge {
        object: "charge".into(),
        location: format!("/charges/{id}"),
        amount,
        acquirer_reference_number: None,
        net: fee.net,
        fee: fee.fee,
        fee_vat: fee.fee_vat,
        interest: Amount(0),
        interest_vat: Amount(0),
        funding_amount: amount,
        refunded_amount: Amount(0),
        transaction_fees: TransactionFees {
            fee_flat: "0.0".into(),
            fee_rate: method.fee_rate.to_string(),
            vat_rate: vat_rate.to_string(),
        },
        platform_fee: PlatformFee::default(),
        funding_currency: currency.clone(),
        currency,
        // The customer's address when the merchant passes it; the seeds' charges, made
        // without it, have none (the charge is made by the merchant's server, not the customer).
        ip: params.str("ip")?.map(str::to_owned),
        refunds: List {
            object: "list".into(),
            data: vec![],
            limit: 20,
            offset: 0,
            total: 0,
            location: Some(format!("/charges/{id}/refunds")),
            order: "chronological".into(),
            from: Timestamp::EPOCH,
            to: created_at,
        },
        link: None,
        description: params.str("description")?.map(str::to_owned),
        metadata: params.metadata("metadata")?,
        card: None,
        source,
        schedule: None,
        linked_account: None,
        customer: None,
        dispute: None,
        transaction: None,
        failure_code: None,
        failure_message: None,
        status: ChargeStatus::Pending,
        authorize_uri,
        return_uri,
        created_at,
        paid_at: None,
        authorized_at: None,
        expires_at: Some(expires_at),
        expired_at: None,
        reversed_at: None,
        // Each seed's charge as it shows it: true on Alipay in-store (seed 001), false on
        // PromptPay and WeChat Pay (seeds 002, 003).
        zero_interest_installments,
        branch: None,
        terminal: None,
        device: None,
        authorized: false,
        capturable: false,
        capture: true,
        disputable: false,
        livemode: false,
        refundable: false,
        partially_refundable: false,
        reversed: false,
        reversible: false,
        voided: false,
        paid: false,
        expired: false,
        can_perform_void: false,
        approval_code: None,
        id,
    };
    // In-store charges are decided at once by the customer's code (the published test codes),
    // unless it asks to wait for the customer in the app.
    let mut charge = charge;
    if let Some(barcode) = charge.source.barcode.clone() {
        let outcome = match test_codes::outcome(charge.source.source_type, &barcode) {
            Some(TestOutcome::Pays) => Some(Outcome::Paid),
            Some(TestOutcome::Fails(code)) => Some(Outcome::Failed(code.into())),
            Some(TestOutcome::Waits) | None => None,
        };
        if let Some(outcome) = outcome {
            settle(&mut charge, outcome, created_at);
        }
    }
    Ok(NewCharge {
        charge,
        authorize_id,
        qr_payload: qr,
        download_token,
    })
}

async fn charges_create(
    State(state): State<GatewayState>,
    _: SecretKey,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    answer: Answer,
    super::Body(params): super::Body,
) -> Result<Json<Charge>, ApiError> {
    let new = build(&state, &params, peer.ip().to_string())?;
    let charge = &new.charge;
    let body = serde_json::to_string(charge).map_err(StoreError::from)?;
    let data = serde_json::to_value(charge).map_err(StoreError::from)?;
    let endpoints = state.webhook_endpoints.clone();
    let claimed = state.store.call(|db| {
        let tx = db.transaction()?;
        // Claiming the source and inserting the charge together: two concurrent charges on
        // one source cannot both succeed.
        let claimed = tx.execute_cached(
            "UPDATE sources SET charge_id = ?1 WHERE id = ?2 AND charge_id IS NULL",
            rusqlite::params![&*charge.id, &*charge.source.id],
        )?;
        if claimed == 1 {
            tx.execute_cached(
                "INSERT INTO charges (id, created_at, status, expires_at, authorize_id, qr_payload, download_token, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    &*charge.id,
                    charge.created_at.unix(),
                    charge.status.as_str(),
                    charge.expires_at.map(Timestamp::unix),
                    new.authorize_id,
                    new.qr_payload,
                    new.download_token,
                    body
                ],
            )?;
            super::events::record(&tx, EventKey::ChargeCreate, &data, &endpoints)?;
            if charge.status.is_terminal() {
                super::events::record(&tx, EventKey::ChargeComplete, &data, &endpoints)?;
            }
            answer.keep(&tx, &body)?;
        }
        tx.commit()?;
        Ok(claimed == 1)
    })?;
    state.wake.notify_one();
    if !claimed {
        return Err(ApiError::InvalidCharge(format!(
            "source {} has already been used for a charge",
            charge.source.id
        )));
    }
    tracing::info!(charge = %charge.id, source = %charge.source.source_type, amount = %charge.amount, "charge created");
    Ok(Json(new.charge))
}

async fn charges_index(
    State(state): State<GatewayState>,
    _: SecretKey,
    params: ListParams,
) -> Result<Json<List<Charge>>, ApiError> {
    let page = Page::from_params(&params)?;
    let (ids, total) = state.store.call(|db| page.query_ids(db, "charges"))?;
    let data = ids
        .iter()
        .map(|id| load(&state, id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(page.list(data, total, "/charges")))
}

async fn charges_show(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Charge>, ApiError> {
    Ok(Json(load(&state, &id)?))
}

/// Ends a pending charge, refusing one that has already ended; `answer` keeps the ended charge
/// as the answer to the request that ended it.
pub(crate) fn finish(
    state: &GatewayState,
    mut charge: Charge,
    outcome: Outcome,
    answer: &Answer,
) -> Result<Charge, ApiError> {
    let not_pending = |charge: &Charge| {
        ApiError::InvalidCharge(format!(
            "charge {} is {}, not pending: its status can no longer change",
            charge.id,
            charge.status.as_str()
        ))
    };
    if charge.status != ChargeStatus::Pending {
        return Err(not_pending(&charge));
    }
    settle(&mut charge, outcome, now());
    if !commit_transition(state, &charge, answer)? {
        return Err(not_pending(&reload(state, &charge.id)?));
    }
    Ok(charge)
}

/// The address of the test page (**Succeed** / **Fail**, `pages::authorize`) of the charge whose
/// authorisation id is `pay_id`.
pub(crate) fn test_page(state: &GatewayState, pay_id: &str) -> String {
    format!("{}/payments/{pay_id}/authorize", state.base_url)
}

/// Expires pending offline charge `id` on the merchant's request (the API, the dashboard).
pub(crate) fn expire(state: &GatewayState, id: &str, answer: &Answer) -> Result<Charge, ApiError> {
    let charge = load(state, id)?;
    if charge.source.flow != Flow::Offline || charge.status != ChargeStatus::Pending {
        return Err(ApiError::FailedExpire(format!(
            "charge {id} cannot be expired: only pending offline charges can (it is {} {})",
            charge.status.as_str(),
            charge.source.source_type
        )));
    }
    finish(state, charge, Outcome::Expired, answer)
}

/// Test control: pending charge `id` declined with `failure_code` (default
/// `failed_processing`), as the customer's bank or wallet would (the API, the dashboard).
pub(crate) fn mark_as_failed(
    state: &GatewayState,
    id: &str,
    failure_code: Option<&str>,
    answer: &Answer,
) -> Result<Charge, ApiError> {
    let charge = load(state, id)?;
    let code = failure_code.unwrap_or("failed_processing");
    if !code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        || code.is_empty()
        || code.len() > 64
    {
        return Err(ApiError::BadRequest(
            "failure_code must be a code such as payment_rejected".into(),
        ));
    }
    let code = ReportedFailure::parse(code);
    finish(state, charge, Outcome::Failed(code), answer)
}

async fn charges_expire(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
    answer: Answer,
) -> Result<Json<Charge>, ApiError> {
    Ok(Json(expire(&state, &id, &answer)?))
}

async fn charges_mark_as_paid(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
    answer: Answer,
) -> Result<Json<Charge>, ApiError> {
    let charge = load(&state, &id)?;
    Ok(Json(finish(&state, charge, Outcome::Paid, &answer)?))
}

async fn charges_mark_as_failed(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
    answer: Answer,
    super::Body(params): super::Body,
) -> Result<Json<Charge>, ApiError> {
    let code = params.str("failure_code")?;
    Ok(Json(mark_as_failed(&state, &id, code, &answer)?))
}

/// Test control (sandbox only): moves an ended charge `days` back in time, as if it had been
/// created and paid that long ago, so that refund windows can be tested without waiting months.
async fn charges_backdate(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
    super::Body(params): super::Body,
) -> Result<Json<Charge>, ApiError> {
    let days = params
        .integer("days")
        .ok()
        .flatten()
        .filter(|days| (1..=3650).contains(days))
        .ok_or_else(|| ApiError::BadRequest("days must be a whole number from 1 to 3650".into()))?;
    let mut charge = load(&state, &id)?;
    if charge.status == ChargeStatus::Pending {
        return Err(ApiError::BadRequest(format!(
            "charge {id} is pending: only an ended charge can be moved back in time"
        )));
    }
    let shift = |at: &mut Timestamp| at.0 -= days * 86_400;
    shift(&mut charge.created_at);
    charge.paid_at.as_mut().map(shift);
    charge.authorized_at.as_mut().map(shift);
    charge.expired_at.as_mut().map(shift);
    charge.expires_at.as_mut().map(shift);
    let body = serde_json::to_string(&charge).map_err(StoreError::from)?;
    state.store.call(|db| {
        db.execute_cached(
            "UPDATE charges SET created_at = ?2, expires_at = ?3, body = ?4 WHERE id = ?1",
            rusqlite::params![
                &*charge.id,
                charge.created_at.unix(),
                charge.expires_at.map(|at| at.unix()),
                body
            ],
        )
    })?;
    Ok(Json(charge))
}

/// `GET /sources/{id}`: the source, with its charge's status as it is now.
async fn sources_show(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<paywasm_core::omise::objects::Source>, ApiError> {
    let (mut source, charge_id) = super::sources::find(&state, &id)?;
    if let Some(charge_id) = charge_id {
        source.charge_status = load(&state, &charge_id)?.status.as_str().to_owned();
    }
    Ok(Json(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alipay_charge_is_voidable_until_the_next_0015_in_china() {
        let at = |text: &str| Timestamp::parse(text).unwrap();
        let next = |text: &str| next_settlement_after(at(text)).to_string();
        assert_eq!(next("2026-12-05T00:00:00Z"), "2026-12-05T16:15:00Z");
        assert_eq!(next("2026-12-05T16:14:59Z"), "2026-12-05T16:15:00Z");
        // 00:15 in Shanghai exactly: that settlement has begun, the next one is a day later.
        assert_eq!(next("2026-12-05T16:15:00Z"), "2026-12-06T16:15:00Z");
        assert_eq!(next("2026-12-31T23:59:59Z"), "2027-01-01T16:15:00Z");
    }

    #[test]
    fn return_uris_must_be_https_except_on_loopback() {
        assert!(check_return_uri("https://example.com/orders/345678/complete").is_ok());
        assert!(check_return_uri("http://127.0.0.1:7071/return?order=1").is_ok());
        assert!(check_return_uri("http://localhost/return").is_ok());
        assert!(check_return_uri("http://[::1]:8080/return").is_ok());
        assert!(check_return_uri("http://example.com/return").is_err());
        assert!(check_return_uri("http://127.0.0.1.evil.com/").is_err());
        assert!(check_return_uri("http://user@127.0.0.1@evil.com/").is_err());
        assert!(check_return_uri("javascript:alert(1)").is_err());
        assert!(check_return_uri("https://").is_err());
        assert!(check_return_uri("ftp://example.com/").is_err());
    }
}
