//! The test-mode authorize page at a charge's `authorize_uri`: where the real gateway would
//! show Alipay, the sandbox shows the charge and two buttons, **Succeed** and **Fail**, then
//! sends the customer to the charge's `return_uri`.

use crate::api::idempotency::Answer;
use crate::gateway::charges::{self, Outcome};
use crate::gateway::error::ApiError;
use crate::gateway::GatewayState;
use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use paywasm_core::html::escape;
use paywasm_core::objects::{Charge, ChargeStatus};
use serde::Deserialize;

pub(crate) fn router() -> Router<GatewayState> {
    Router::new().route(
        "/payments/{pay_id}/authorize",
        get(authorize_show).post(authorize_decide),
    )
}

fn page(charge: &Charge, pay_id: &str) -> String {
    let amount = charge.currency.format_decimal(charge.amount);
    let decided = match &charge.status {
        ChargeStatus::Pending => String::new(),
        status => format!(
            "<p role=\"status\">This payment is already {}.</p>",
            escape(status.as_str())
        ),
    };
    let buttons = if charge.status == ChargeStatus::Pending {
        format!(
            r#"<form method="post" action="/payments/{id}/authorize">
  <button type="submit" name="decision" value="succeed">Succeed</button>
  <button type="submit" name="decision" value="fail">Fail</button>
</form>"#,
            id = escape(pay_id)
        )
    } else {
        String::new()
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test payment: {method}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
button{{font:inherit;padding:.6rem 1.4rem;margin-right:.5rem;border-radius:.4rem;border:1px solid #888;cursor:pointer}}
.note{{color:#555;font-size:.9rem}}</style></head>
<body><main>
<h1>Test payment</h1>
<p class="note">paywasm sandbox, test mode: no money moves. In live mode the customer authorises this payment with {method}.</p>
<dl><dt>Amount</dt><dd>{amount} {currency}</dd><dt>Method</dt><dd>{method}</dd><dt>Charge</dt><dd>{charge_id}</dd></dl>
{decided}
{buttons}
</main></body></html>"#,
        method = escape(charge.source.source_type.method().display_name),
        currency = escape(charge.currency.as_str()),
        charge_id = escape(&charge.id),
    )
}

async fn authorize_show(
    State(state): State<GatewayState>,
    Path(pay_id): Path<String>,
) -> Result<Response, ApiError> {
    let charge = charges::load_by_authorize_id(&state, &pay_id)?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Html(page(&charge, &pay_id)),
    )
        .into_response())
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
        "fail" => Outcome::Failed {
            code: "payment_rejected".into(),
            message: charges::failure_message("payment_rejected").into(),
        },
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
    match &charge.return_uri {
        Some(uri) => Ok(Redirect::to(uri).into_response()),
        None => Ok(Html(page(&charge, &pay_id)).into_response()),
    }
}
