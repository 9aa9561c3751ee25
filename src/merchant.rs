//! The merchant server, under DESIGN.md's contract: `POST {chargeUrl}` with the source and
//! the order, `GET {chargeUrl}/{id}?wait=N` for the charge's status, and the cashier's
//! `POST {posUrl}` endpoints.

use crate::http::{self, Outgoing, SHOP};
use crate::WidgetError;
use gloo_net::http::Request;
use paywasm_core::checkout::Payment;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Attempts at a request the shop answers the same when repeated, when the connection breaks
/// or the shop answers 5xx or 429.
const ATTEMPTS: u32 = 3;

/// `POST {url}` with the JSON `body`, made again while the answer is lost, late (past
/// [`http::ANSWER_DEADLINE_MS`]) or the shop is overloaded; the answer read as a `T`. Only for
/// requests the shop answers the same when repeated. `sent`: the answer to the same request,
/// which the page already sent, read as the first attempt's.
pub(crate) async fn post_repeating<T: DeserializeOwned>(
    url: &str,
    body: String,
    sent: Option<js_sys::Promise>,
) -> Result<T, WidgetError> {
    let answer = post_repeating_for_value(url, body, sent).await?;
    serde_wasm_bindgen::from_value(answer)
        .map_err(|_| WidgetError::InvalidResponse { party: SHOP.title })
}

async fn post_repeating_for_value(
    url: &str,
    body: String,
    mut sent: Option<js_sys::Promise>,
) -> Result<wasm_bindgen::JsValue, WidgetError> {
    let mut attempt = 1;
    loop {
        let request = Outgoing::new(Request::post(url))
            .json(&body)
            .already_sent(sent.take());
        let result = http::send_for_value(request, SHOP).await;
        let transient = match &result {
            Err(WidgetError::Network { .. } | WidgetError::InvalidResponse { .. }) => true,
            Err(WidgetError::Refused { status, .. }) => *status >= 500 || *status == 429,
            _ => false,
        };
        if !transient || attempt == ATTEMPTS {
            return result;
        }
        crate::browser::sleep(500 * attempt).await;
        attempt += 1;
    }
}

#[derive(Serialize)]
struct NewCharge<'a> {
    source: &'a str,
    order: &'a str,
}

/// Asks the merchant server to charge `order` with `source` (`sent`: the answer to the same
/// request, which the page's first view already sent). When the answer is lost the same
/// request is made again: a source pays for one charge only (the gateway refuses a second), so
/// a repeat can never charge twice, and the reference shop answers it with the first charge.
pub async fn create_charge(
    charge_url: &str,
    source: &str,
    order: &str,
    sent: Option<js_sys::Promise>,
) -> Result<Payment, WidgetError> {
    post_repeating(charge_url, http::json(&NewCharge { source, order })?, sent).await
}

/// Reads the charge; with `wait_secs` the server may hold the answer while it is pending.
/// The request is abandoned if no answer comes within the wait plus 15 s.
pub async fn charge(charge_url: &str, id: &str, wait_secs: u32) -> Result<Payment, WidgetError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let mut request = Request::get(&format!("{charge_url}/{id}"));
    if wait_secs > 0 {
        request = request.query([("wait", wait_secs.to_string())]);
    }
    let request = Outgoing::new(request).deadline((wait_secs + 15) * 1_000);
    http::send(request, SHOP).await
}

/// The sale the cashier view sends: the scanned code with the store and terminal.
#[derive(Serialize)]
pub struct PosSale<'a> {
    /// Smallest unit.
    pub amount: i64,
    /// Currency code.
    pub currency: &'a str,
    /// The scanned code's digits.
    pub barcode: &'a str,
    /// The store.
    pub store_id: &'a str,
    /// The store's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_name: Option<&'a str>,
    /// The terminal.
    pub terminal_id: &'a str,
}

/// `POST {pos_url}` with the sale, under the sale's idempotency key.
pub async fn pos_charge(
    pos_url: &str,
    sale: &PosSale<'_>,
    key: &str,
) -> Result<Payment, WidgetError> {
    let request = Request::post(pos_url).header("Idempotency-Key", key);
    http::send(Outgoing::new(request).json(&http::json(sale)?), SHOP).await
}

/// `POST {pos_url}/{id}/cancel`: expires the pending charge.
pub async fn pos_cancel(pos_url: &str, id: &str) -> Result<Payment, WidgetError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let request = Request::post(&format!("{pos_url}/{id}/cancel"));
    http::send(Outgoing::new(request), SHOP).await
}

/// What the widget needs of a refund.
#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    /// `rfnd_...`.
    pub id: String,
    /// Smallest unit.
    pub amount: i64,
}

#[derive(Serialize)]
struct NewRefund {
    amount: i64,
}

/// `POST {pos_url}/{id}/refunds` under an idempotency key.
pub async fn pos_refund(
    pos_url: &str,
    id: &str,
    amount: i64,
    key: &str,
) -> Result<Refund, WidgetError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let request = Request::post(&format!("{pos_url}/{id}/refunds")).header("Idempotency-Key", key);
    let body = http::json(&NewRefund { amount })?;
    http::send(Outgoing::new(request).json(&body), SHOP).await
}
