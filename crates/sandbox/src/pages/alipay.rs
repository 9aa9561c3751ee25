//! The test pages at a PaymentIntent's `next_action.alipay_handle_redirect.url`, standing in
//! for Alipay (seed 004's two subproducts):
//! - `GET /wooshpay/alipay/cashier?codeValue=...` (`terminal_type: WEB`): Alipay's desktop
//!   cashier, a real QR code of the code value that the customer would scan with the app; the
//!   buttons stand for what happens on the phone.
//! - `GET /wooshpay/alipay/app?codeValue=...` (`terminal_type: APP`): the Alipay app the phone
//!   was handed to, with Pay and Cancel.
//!
//! Both then return the customer to the `return_url` with `payment_intent`,
//! `payment_intent_client_secret` and `redirect_status` (as Stripe does).

use crate::wooshpay::decisions::{self, Decision};
use crate::wooshpay::error::WpError;
use crate::wooshpay::payment_intents::{self, PaymentIntent, Status};
use crate::wooshpay::{redirect_target, WooshpayState};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new()
        .route("/wooshpay/alipay/cashier", get(cashier))
        .route("/wooshpay/alipay/app", get(app))
        .route("/wooshpay/alipay/decide", post(decide))
}

#[derive(Debug, Deserialize)]
struct CodeQuery {
    #[serde(rename = "codeValue")]
    code_value: String,
}

/// A test page of Alipay's, in the look of the gateway's test pages.
#[derive(Template)]
#[template(path = "alipay.html")]
struct AlipayPage {
    title: &'static str,
    explanation: &'static str,
    amount: String,
    intent_id: String,
    status: String,
    /// The cashier's QR code (an SVG the gateway drew from the code value).
    qr: Option<String>,
    /// What the app asks the customer while they decide.
    question: Option<String>,
    code_value: String,
    /// The buttons: the decision and its label.
    choices: Vec<(&'static str, &'static str)>,
    /// What the page says of an attempt no longer waiting for the customer.
    said: Option<String>,
}

impl AlipayPage {
    /// The page of `intent`'s attempt `code_value`: `waiting` are the buttons while the
    /// customer decides; once decided, its status, and while Alipay settles (`processing`),
    /// the buttons that settle it.
    fn of(
        intent: &PaymentIntent,
        code_value: &str,
        (title, explanation): (&'static str, &'static str),
        waiting: &[(&'static str, &'static str)],
    ) -> Self {
        let (choices, said) = match intent.status {
            Status::RequiresAction => (waiting.to_vec(), None),
            Status::Processing => (
                vec![("succeed", "Settle: succeed"), ("fail", "Settle: fail")],
                Some("This payment is processing: Alipay settles it.".to_owned()),
            ),
            _ => (
                vec![],
                Some(format!("This payment is {}.", intent.status.as_str())),
            ),
        };
        Self {
            title,
            explanation,
            amount: intent.currency.display(intent.amount),
            intent_id: intent.id.to_string(),
            status: intent.status.as_str().to_owned(),
            qr: None,
            question: None,
            code_value: code_value.to_owned(),
            choices,
            said,
        }
    }

    fn into_response(self) -> Result<Response, WpError> {
        let html = self
            .render()
            .map_err(|error| WpError::Internal(error.to_string()))?;
        Ok((
            [
                (header::CACHE_CONTROL, "no-store"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' https: http:; frame-ancestors 'self'; base-uri 'none'",
                ),
            ],
            Html(html),
        )
            .into_response())
    }
}

const CASHIER: (&str, &str) = (
    "Scan with Alipay to pay",
    "In live mode this is Alipay's cashier: the customer scans the QR with the Alipay app. Here, in test mode, the buttons stand for what they do in the app after scanning.",
);
const APP: (&str, &str) = (
    "Alipay",
    "In live mode this is the Alipay app on the customer's phone. Here, in test mode, decide what they do in it.",
);

async fn cashier(
    State(state): State<WooshpayState>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, WpError> {
    let intent = payment_intents::load_by_code(&state, &query.code_value)?;
    let svg = paywasm_core::qr::svg(&query.code_value, 256)
        .map_err(|e| WpError::Internal(e.to_string()))?;
    // Inline in HTML: without the XML declaration.
    let qr = svg.find("<svg").map_or(svg.as_str(), |start| &svg[start..]);
    let mut view = AlipayPage::of(
        &intent,
        &query.code_value,
        CASHIER,
        &[
            ("succeed", "Succeed"),
            ("processing", "Processing"),
            ("fail", "Fail"),
        ],
    );
    if intent.status == Status::RequiresAction {
        view.qr = Some(qr.to_owned());
    }
    view.into_response()
}

async fn app(
    State(state): State<WooshpayState>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, WpError> {
    let intent = payment_intents::load_by_code(&state, &query.code_value)?;
    let mut view = AlipayPage::of(
        &intent,
        &query.code_value,
        APP,
        &[("succeed", "Pay"), ("fail", "Cancel")],
    );
    if intent.status == Status::RequiresAction {
        view.question = Some(format!("Pay {}?", view.amount));
    }
    view.into_response()
}

#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(rename = "codeValue")]
    code_value: String,
    decision: String,
}

async fn decide(
    State(state): State<WooshpayState>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WpError> {
    let decision = match form.decision.as_str() {
        "succeed" => Decision::Succeed,
        "processing" => Decision::Processing,
        "fail" => Decision::Fail,
        _ => {
            return Err(WpError::invalid(
                "decision",
                "decision must be succeed, processing or fail",
            ))
        }
    };
    // A second press (back button, double submit) finds the attempt decided and just returns.
    let intent = decisions::decide(&state, &form.code_value, decision)?;
    let back = intent
        .return_url
        .as_deref()
        .and_then(redirect_target)
        .filter(|_| intent.status != Status::Processing);
    match back {
        Some(url) => {
            let status = if intent.status == Status::Succeeded {
                "succeeded"
            } else {
                "failed"
            };
            let separator = if url.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!(
                "{url}{separator}payment_intent={}&payment_intent_client_secret={}&redirect_status={status}",
                intent.id, intent.client_secret
            ))
            .into_response())
        }
        None => AlipayPage::of(&intent, &form.code_value, APP, &[]).into_response(),
    }
}
