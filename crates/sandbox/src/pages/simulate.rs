//! **Simulate payment** (test mode): what a customer's phone does with a PromptPay QR, for a
//! developer without one. The page lives beside the QR's document
//! (`{download_uri}/simulate`): whoever holds the QR's link may decide its payment, as whoever
//! holds the QR may pay it. **Succeed** and **Fail**, as on the authorize page; the checkout
//! showing the QR learns the outcome as it would from the bank.

use crate::api::idempotency::Answer;
use crate::gateway::charges::{self, Outcome};
use crate::gateway::error::ApiError;
use crate::gateway::GatewayState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use paywasm_core::failure::FailureCode;
use paywasm_core::omise::objects::{Charge, ChargeStatus};
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

pub(crate) fn router() -> Router<GatewayState> {
    Router::new()
        .route(
            "/charges/{charge_id}/documents/{document_id}/downloads/{token}/simulate",
            get(simulate_show).post(simulate_decide),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'",
            ),
        ))
}

#[derive(Template)]
#[template(path = "simulate.html")]
struct SimulatePage {
    charge_id: String,
    amount: String,
    method: &'static str,
    status: String,
    pending: bool,
    outcome: Option<&'static str>,
}

fn page(charge: &Charge, outcome: Option<&'static str>) -> Response {
    let view = SimulatePage {
        charge_id: charge.id.to_string(),
        amount: charge.currency.display(charge.amount),
        method: charge.source.source_type.method().display_name,
        status: charge.status.as_str().to_owned(),
        pending: charge.status == ChargeStatus::Pending,
        outcome,
    };
    match view.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "the simulate page could not be written");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn charge_of(
    state: &GatewayState,
    (charge_id, document_id, token): &(String, String, String),
) -> Result<Charge, ApiError> {
    charges::load_by_document(state, charge_id, document_id, token)?
        .map(|(charge, _)| charge)
        .ok_or_else(|| ApiError::NotFound("this QR code does not exist".into()))
}

async fn simulate_show(
    State(state): State<GatewayState>,
    Path(document): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    Ok(page(&charge_of(&state, &document)?, None))
}

#[derive(Debug, Deserialize)]
struct Decision {
    #[serde(default)]
    decision: String,
}

fn failure_of(charge: &Charge) -> FailureCode {
    FailureCode::of_method(charge.source.source_type)
        .first()
        .copied()
        .unwrap_or(FailureCode::FailedProcessing)
}

async fn simulate_decide(
    State(state): State<GatewayState>,
    Path(document): Path<(String, String, String)>,
    Form(decision): Form<Decision>,
) -> Result<Response, ApiError> {
    let charge = charge_of(&state, &document)?;
    let (outcome, said) = match decision.decision.as_str() {
        "succeed" => (
            Outcome::Paid,
            "Paid. The checkout showing this QR says so now.",
        ),
        "fail" => (
            // The first of the codes the method's seed lists (PromptPay's: failed_processing).
            Outcome::Failed(failure_of(&charge).into()),
            "Declined. The checkout showing this QR says so now.",
        ),
        _ => {
            return Err(ApiError::BadRequest(
                "decision must be succeed or fail".into(),
            ))
        }
    };
    // A second press (back button, double submit) finds the charge decided: it is shown.
    if charge.status != ChargeStatus::Pending {
        return Ok(page(&charge, None));
    }
    let charge = charges::finish(&state, charge, outcome, &Answer::none())?;
    Ok(page(&charge, Some(said)))
}
