//! The hosted checkout page at a Checkout Session's `url` (`/wooshpay/pay/:id?key=pk_...`):
//! the items and the total; on a desktop the Alipay QR code to scan with the phone, on a phone
//! a button that hands over to the Alipay app (seed 004: "Checkout will automatically generate
//! a QR code or redirect to Alipay App based on their device"). The page polls the session and
//! sends the customer to `success_url` once paid; `cancel_url` is a link away.
//!
//! The device is read from the User-Agent; the page's script corrects iPads that present
//! themselves as Macs (`?device=IOS`). In an iframe (`?origin=` names the parent) the page
//! speaks protocol "paywasm" v1 with that origin only, as the Omise hosted page does, and asks
//! the parent to navigate instead of navigating itself.

use crate::wooshpay::error::WpError;
use crate::wooshpay::payment_intents::{self, PaymentIntent, Status};
use crate::wooshpay::{checkout_sessions, redirect_target, WooshpayState};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::platform::detect_platform;
use paywasm_core::platform::PlatformType;
use paywasm_core::wooshpay::objects::CheckoutSessionStatus;
use rusqlite::OptionalExtension;
use serde::Deserialize;
use serde_json::{json, Value};
use tower_http::services::ServeDir;

/// Any merchant may frame it; scripts and styles are the page's own files.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'";

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new()
        .route("/wooshpay/pay/{id}", get(show))
        .route("/wooshpay/pay/{id}/status", get(status))
        .route("/wooshpay/pay/{id}/alipay", post(pay_in_app))
}

/// The page's script and styles (`www/gateway/wooshpay/`), from the gateway's folder.
pub fn assets(gateway_www: &std::path::Path) -> Router {
    Router::new().nest_service(
        "/wooshpay/assets",
        ServeDir::new(gateway_www.join("wooshpay")),
    )
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    key: Option<String>,
    device: Option<String>,
    origin: Option<String>,
}

fn check_key(state: &WooshpayState, key: Option<&str>, id: &str) -> Result<(), WpError> {
    let given = key.unwrap_or_default();
    if subtle::ConstantTimeEq::ct_eq(given.as_bytes(), state.keys.public.as_bytes()).into() {
        Ok(())
    } else {
        Err(WpError::NotFound(format!(
            "No such checkout.session: '{id}'"
        )))
    }
}

fn device(headers: &HeaderMap, asked: Option<&str>) -> PlatformType {
    match asked {
        Some("IOS") => PlatformType::Ios,
        Some("ANDROID") => PlatformType::Android,
        Some("WEB") => PlatformType::Web,
        _ => detect_platform(
            headers
                .get(header::USER_AGENT)
                .and_then(|ua| ua.to_str().ok())
                .unwrap_or(""),
            0,
        ),
    }
}

fn page_url(state: &WooshpayState, id: &str) -> String {
    format!(
        "{}/wooshpay/pay/{id}?key={}",
        state.base_url, state.keys.public
    )
}

/// Starts an Alipay attempt for `device` unless one for that device is under way; returns the
/// PaymentIntent and the attempt's code value.
fn attempt(
    state: &WooshpayState,
    session_id: &str,
    intent: PaymentIntent,
    device: PlatformType,
) -> Result<(PaymentIntent, Option<String>), WpError> {
    let (terminal, _) = paywasm_core::wooshpay::terminal(device);
    if intent.status == Status::RequiresAction
        && payment_intents::alipay_options(&intent).map(|o| &o.terminal_type) == Some(&terminal)
    {
        let code: Option<String> = state.store.call(|db| {
            db.query_row(
                "SELECT code_value FROM wp_payment_intents WHERE id = ?1",
                [&*intent.id],
                |row| row.get(0),
            )
            .optional()
            .map(Option::flatten)
        })?;
        return Ok((intent, code));
    }
    let intent =
        payment_intents::confirm_for(state, &intent.id, device, &page_url(state, session_id))?;
    let code: Option<String> = state.store.call(|db| {
        db.query_row(
            "SELECT code_value FROM wp_payment_intents WHERE id = ?1",
            [&*intent.id],
            |row| row.get(0),
        )
    })?;
    Ok((intent, code))
}

/// The page, written by askama (which escapes what it shows; the QR is the gateway's SVG).
#[derive(askama::Template)]
#[template(path = "wooshpay_checkout.html")]
struct CheckoutPage {
    id: String,
    key: String,
    success: String,
    device: &'static str,
    items: Vec<ItemRow>,
    total: String,
    paid: bool,
    expired: bool,
    /// The Alipay QR code to scan, on a desktop while the session is open.
    qr: Option<String>,
    /// The last attempt failed: the page offers another.
    failed: bool,
    cancel: Option<String>,
}

/// One line item as the page lists it.
struct ItemRow {
    description: String,
    quantity: i64,
    total: String,
}

fn html_page(page: &CheckoutPage) -> Result<Response, WpError> {
    let html = askama::Template::render(page).map_err(|e| WpError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(html),
    )
        .into_response())
}

async fn show(
    State(state): State<WooshpayState>,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WpError> {
    check_key(&state, query.key.as_deref(), &id)?;
    let session = checkout_sessions::load(&state, &id)?;
    let framed = query.origin.as_deref().is_some();
    let success = redirect_target(&session.success_url);
    let cancel = session.cancel_url.as_deref().and_then(redirect_target);
    if session.status == CheckoutSessionStatus::Complete && !framed {
        if let Some(url) = &success {
            return Ok(Redirect::to(url).into_response());
        }
    }
    let items = session
        .line_items
        .data
        .iter()
        .map(|item| ItemRow {
            description: item.description.clone(),
            quantity: item.quantity,
            total: session.currency.display(item.amount_total),
        })
        .collect();
    let device = device(&headers, query.device.as_deref());
    let mut page = CheckoutPage {
        id: id.clone(),
        key: state.keys.public.clone(),
        success: success.unwrap_or_default(),
        device: device.as_str(),
        items,
        total: session.currency.display(session.amount_total),
        paid: session.status == CheckoutSessionStatus::Complete,
        expired: session.status == CheckoutSessionStatus::Expired,
        qr: None,
        failed: false,
        cancel,
    };
    if session.status == CheckoutSessionStatus::Open {
        let intent = payment_intents::load(&state, &session.payment_intent)?;
        page.failed =
            intent.last_payment_error.is_some() && intent.status == Status::RequiresPaymentMethod;
        if device == PlatformType::Web && !page.failed {
            let (_, code) = attempt(&state, &id, intent, device)?;
            let svg = paywasm_core::qr::svg(code.as_deref().unwrap_or_default(), 240)
                .map_err(|e| WpError::Internal(e.to_string()))?;
            // Inline in HTML: without the XML declaration.
            page.qr = Some(
                svg.find("<svg")
                    .map_or(svg.as_str(), |start| &svg[start..])
                    .to_owned(),
            );
        }
    }
    html_page(&page)
}

#[derive(Debug, Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

/// What the page's script polls: the session's state and where to go next.
async fn status(
    State(state): State<WooshpayState>,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Result<Json<Value>, WpError> {
    check_key(&state, query.key.as_deref(), &id)?;
    let session = checkout_sessions::load(&state, &id)?;
    let intent = payment_intents::load(&state, &session.payment_intent)?;
    Ok(Json(json!({
        "id": session.id,
        "status": session.status,
        "payment_status": session.payment_status,
        "attempt_failed": intent.status == Status::RequiresPaymentMethod && intent.last_payment_error.is_some(),
        "success_url": redirect_target(&session.success_url),
        "cancel_url": session.cancel_url.as_deref().and_then(redirect_target),
    })))
}

#[derive(Debug, Deserialize)]
struct PayForm {
    device: String,
}

/// The phone's "Pay with Alipay" (and any "Try again"): a new attempt for the device, then
/// the hand-over to Alipay.
async fn pay_in_app(
    State(state): State<WooshpayState>,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
    headers: HeaderMap,
    Form(form): Form<PayForm>,
) -> Result<Response, WpError> {
    // In an iframe the page's script asks for the URL, and the parent navigates to it.
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let go = |url: String| {
        if wants_json {
            Json(json!({ "url": url })).into_response()
        } else {
            Redirect::to(&url).into_response()
        }
    };
    check_key(&state, query.key.as_deref(), &id)?;
    let session = checkout_sessions::load(&state, &id)?;
    if session.status != CheckoutSessionStatus::Open {
        return Ok(go(page_url(&state, &id)));
    }
    let device = match form.device.as_str() {
        "IOS" => PlatformType::Ios,
        "ANDROID" => PlatformType::Android,
        _ => PlatformType::Web,
    };
    let intent = payment_intents::load(&state, &session.payment_intent)?;
    // "Try again" on a desktop starts a new QR attempt and shows it.
    if intent.status == Status::RequiresPaymentMethod && device == PlatformType::Web {
        attempt(&state, &id, intent, device)?;
        return Ok(go(page_url(&state, &id)));
    }
    let (intent, _) = attempt(&state, &id, intent, device)?;
    let url = intent
        .next_action
        .and_then(|action| action.alipay_handle_redirect)
        .map(|to| to.url);
    Ok(go(url.unwrap_or_else(|| page_url(&state, &id))))
}
