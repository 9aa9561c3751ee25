//! The test-mode authorize page at a charge's `authorize_uri`: where the real gateway would
//! show Alipay (or another wallet's or bank's page or app), the sandbox shows the charge and
//! two buttons, **Succeed** and **Fail**, then sends the customer to the charge's
//! `return_uri`. The sandbox's TrueMoney QR encodes this page too: the phone that scans it
//! stands for the TrueMoney app.

use crate::api::idempotency::Answer;
use crate::gateway::charges::{self, Outcome};
use crate::gateway::error::ApiError;
use crate::gateway::GatewayState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use paywasm_core::failure::FailureCode;
use paywasm_core::method::SourceType;
use paywasm_core::omise::objects::{Charge, ChargeStatus};
use serde::Deserialize;

pub(crate) fn router() -> Router<GatewayState> {
    Router::new().route(
        "/payments/{pay_id}/authorize",
        get(authorize_show).post(authorize_decide),
    )
}

/// The page, in the look of the gateway's test pages.
#[derive(Template)]
#[template(path = "authorize.html")]
struct AuthorizePage<'a> {
    pay_id: &'a str,
    charge_id: &'a str,
    amount: String,
    method: &'static str,
    status: &'a str,
    pending: bool,
    /// The customer goes back to the shop after deciding (not from an offline QR's page).
    returns: bool,
    /// The QR the method's own page shows (to scan with the app on a phone), as an SVG of this
    /// page's address: a phone that scans it reaches the buttons.
    qr: Option<String>,
}

fn page(state: &GatewayState, charge: &Charge, pay_id: &str) -> Response {
    let source = &charge.source;
    let shows_qr = match source.source_type {
        SourceType::GatewayOnly(method) => method.page_shows_qr(source.platform_type),
        _ => false,
    };
    let qr = shows_qr
        .then(|| paywasm_core::qr::svg(&charges::test_page(state, pay_id), 200).ok())
        .flatten();
    let view = AuthorizePage {
        qr,
        pay_id,
        charge_id: &charge.id,
        amount: charge.currency.display(charge.amount),
        method: charge.source.source_type.method().display_name,
        status: charge.status.as_str(),
        pending: charge.status == ChargeStatus::Pending,
        returns: charge.source.flow.sends_customer_away(),
    };
    match view.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "the authorize page could not be written");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn authorize_show(
    State(state): State<GatewayState>,
    Path(pay_id): Path<String>,
) -> Result<Response, ApiError> {
    let charge = charges::load_by_authorize_id(&state, &pay_id)?;
    Ok(page(&state, &charge, &pay_id))
}

#[derive(Debug, Deserialize)]
struct Decision {
    decision: String,
}

async fn authorize_decide(
    State(state): State<GatewayState>,
    Path(pay_id): Path<String>,
    Form(decision): Form<Decision>,
) -> Result<Response, ApiError> {
    let charge = charges::load_by_authorize_id(&state, &pay_id)?;
    let outcome = match decision.decision.as_str() {
        "succeed" => Outcome::Paid,
        "fail" => Outcome::Failed(FailureCode::PaymentRejected.into()),
        _ => {
            return Err(ApiError::BadRequest(
                "decision must be succeed or fail".into(),
            ))
        }
    };
    // A second press (back button, double submit) finds the charge decided: it just returns.
    let charge = if charge.status == ChargeStatus::Pending {
        charges::finish(&state, charge, outcome, &Answer::none())?
    } else {
        charge
    };
    // The customer sent here comes back to the merchant; a phone that scanned an offline QR
    // stays on the page, which now says how the charge ended.
    match &charge.return_uri {
        Some(uri) if charge.source.flow.sends_customer_away() => {
            Ok(Redirect::to(uri).into_response())
        }
        _ => Ok(page(&state, &charge, &pay_id)),
    }
}
