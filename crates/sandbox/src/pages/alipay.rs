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

use crate::wooshpay::error::WpError;
use crate::wooshpay::payment_intents::{self, Decision, PaymentIntent, Status};
use crate::wooshpay::{redirect_target, WooshpayState};
use axum::extract::{Form, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use paywasm_core::html::escape;
use paywasm_core::money::{Amount, Currency};
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

fn amount(intent: &PaymentIntent) -> String {
    Currency::parse(&intent.currency)
        .map(|currency| currency.display(Amount(intent.amount)))
        .unwrap_or_else(|_| format!("{} {}", intent.currency, intent.amount))
}

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}
button{{font:inherit;padding:.6rem 1.4rem;margin:.25rem .5rem .25rem 0;border-radius:.4rem;border:1px solid #888;cursor:pointer}}
.qr svg{{width:16rem;height:16rem}} .note{{color:#555;font-size:.9rem}}</style></head>
<body><main>{body}</main></body></html>"#,
        title = escape(title),
    );
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self' https: http:; frame-ancestors 'self'",
            ),
        ],
        Html(html),
    )
        .into_response()
}

/// The page's actions once the attempt is no longer waiting for the customer: its status, and
/// while Alipay settles (`processing`), the buttons that settle it.
fn decided(intent: &PaymentIntent, code_value: &str) -> Option<String> {
    (intent.status != Status::RequiresAction).then(|| {
        let settle = if intent.status == Status::Processing {
            buttons(
                code_value,
                &[("succeed", "Settle: succeed"), ("fail", "Settle: fail")],
            )
        } else {
            String::new()
        };
        format!(
            r#"<p role="status">This payment is {}.</p>{settle}"#,
            escape(intent.status.as_str())
        )
    })
}

fn buttons(code_value: &str, choices: &[(&str, &str)]) -> String {
    let buttons: String = choices
        .iter()
        .map(|(value, label)| {
            format!(r#"<button type="submit" name="decision" value="{value}">{label}</button>"#)
        })
        .collect();
    format!(
        r#"<form method="post" action="/wooshpay/alipay/decide"><input type="hidden" name="codeValue" value="{}">{buttons}</form>"#,
        escape(code_value)
    )
}

async fn cashier(
    State(state): State<WooshpayState>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, WpError> {
    let intent = payment_intents::load_by_code(&state, &query.code_value)?;
    let svg = paywasm_core::qr::svg(&query.code_value, 256)
        .map_err(|e| WpError::Internal(e.to_string()))?;
    // Inline in HTML: without the XML declaration.
    let qr = svg.find("<svg").map_or(svg.as_str(), |start| &svg[start..]);
    let actions = decided(&intent, &query.code_value).unwrap_or_else(|| {
        buttons(
            &query.code_value,
            &[
                ("succeed", "Succeed"),
                ("processing", "Processing"),
                ("fail", "Fail"),
            ],
        )
    });
    Ok(page(
        "Alipay: scan to pay",
        &format!(
            r#"<h1>Scan with Alipay to pay</h1>
<p class="note">paywasm sandbox, test mode: this page stands in for Alipay's cashier. The buttons stand for what the customer does in the app after scanning.</p>
<p><strong>{amount}</strong></p>
<div class="qr" role="img" aria-label="Alipay QR code">{qr}</div>
{actions}"#,
            amount = escape(&amount(&intent)),
        ),
    ))
}

async fn app(
    State(state): State<WooshpayState>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, WpError> {
    let intent = payment_intents::load_by_code(&state, &query.code_value)?;
    let actions = decided(&intent, &query.code_value)
        .unwrap_or_else(|| buttons(&query.code_value, &[("succeed", "Pay"), ("fail", "Cancel")]));
    Ok(page(
        "Alipay",
        &format!(
            r#"<h1>Alipay</h1>
<p class="note">paywasm sandbox, test mode: this page stands in for the Alipay app on the customer's phone.</p>
<p>Pay <strong>{amount}</strong>?</p>
{actions}"#,
            amount = escape(&amount(&intent)),
        ),
    ))
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
    let intent = payment_intents::decide(&state, &form.code_value, decision)?;
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
        None => Ok(page(
            "Alipay",
            &format!(
                r#"<h1>Alipay</h1>{}"#,
                decided(&intent, &form.code_value).unwrap_or_default(),
            ),
        )),
    }
}
