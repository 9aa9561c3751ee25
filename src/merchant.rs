//! The merchant server, under DESIGN.md's contract: `POST {chargeUrl}` with the source and
//! the order, `GET {chargeUrl}/{id}?wait=N` for the charge's status.

use crate::http::Request;
use crate::js;
use crate::WidgetError;
use paywasm_core::objects::CheckoutCharge;
use wasm_bindgen::JsValue;

const SHOP: &str = "the shop";
const SHOP_TITLE: &str = "The shop";

/// Attempts at a request the shop answers the same when repeated, when the connection breaks
/// or the shop answers 5xx or 429.
const ATTEMPTS: u32 = 3;

/// `POST {url}` with the JSON `body`, made again while the answer is lost or the shop is
/// overloaded; the answer read as a `T`. Only for requests the shop answers the same when
/// repeated.
async fn post_repeating<T: js::FromJs>(url: &str, body: String) -> Result<T, WidgetError> {
    let answer = post_repeating_for_object(url, body).await?;
    T::from_js(&answer).ok_or(WidgetError::InvalidResponse { party: SHOP_TITLE })
}

async fn post_repeating_for_object(url: &str, body: String) -> Result<js::Obj, WidgetError> {
    let mut attempt = 1;
    loop {
        let request = Request::post(url)
            .header("Content-Type", "application/json")
            .body(body.clone());
        let result = crate::http::send_for_object(request, SHOP, SHOP_TITLE).await;
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

/// Asks the merchant server to charge `order` with `source`. When the answer is lost the same
/// request is made again: a source pays for one charge only (the gateway refuses a second), so
/// a repeat can never charge twice, and the reference shop answers it with the first charge.
pub async fn create_charge(
    charge_url: &str,
    source: &str,
    order: &str,
) -> Result<CheckoutCharge, WidgetError> {
    let body = js::json(&[("source", source.into()), ("order", order.into())])?;
    post_repeating(charge_url, body).await
}

/// WooshPay: asks the merchant server to create and confirm a PaymentIntent for `order`, for
/// the customer's terminal (`WEB`: Alipay's QR page; `APP`: the Alipay app). The request is
/// named (`request`, new for each call), so that the shop answers a repeat after a lost answer
/// with the same PaymentIntent.
pub async fn create_payment_intent(
    charge_url: &str,
    order: &str,
    terminal_type: &str,
    os_type: Option<&str>,
) -> Result<paywasm_core::wooshpay::PaymentIntentView, WidgetError> {
    // A random number: JSON.stringify writes it, so no formatting code comes into the wasm.
    let request_name = JsValue::from_f64(js_sys::Math::random());
    let body = js::json(&[
        ("order", order.into()),
        ("terminal_type", terminal_type.into()),
        ("os_type", js::opt(os_type)),
        ("request", request_name),
    ])?;
    post_repeating(charge_url, body).await
}

/// Reads the charge; with `wait_secs` the server may hold the answer while it is pending.
/// The request is abandoned if no answer comes within the wait plus 15 s.
pub async fn charge(
    charge_url: &str,
    id: &str,
    wait_secs: u32,
) -> Result<CheckoutCharge, WidgetError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let url = if wait_secs > 0 {
        format!("{charge_url}/{id}?wait={wait_secs}")
    } else {
        format!("{charge_url}/{id}")
    };
    let controller = web_sys::AbortController::new().ok();
    let request = Request::get(&url).abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    let _deadline = controller.map(|controller| {
        gloo_timers::callback::Timeout::new((wait_secs + 15) * 1_000, move || controller.abort())
    });
    crate::http::send(request, SHOP, SHOP_TITLE).await
}

/// The sale the cashier view sends: the scanned code with the store and terminal.
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
    pub store_name: Option<&'a str>,
    /// The terminal.
    pub terminal_id: &'a str,
}

/// `POST {pos_url}` with the sale, under the sale's idempotency key.
pub async fn pos_charge(
    pos_url: &str,
    sale: &PosSale<'_>,
    key: &str,
) -> Result<CheckoutCharge, WidgetError> {
    let request = Request::post(pos_url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(js::json(&[
            ("amount", js::amount(sale.amount)),
            ("currency", sale.currency.into()),
            ("barcode", sale.barcode.into()),
            ("store_id", sale.store_id.into()),
            ("store_name", js::opt(sale.store_name)),
            ("terminal_id", sale.terminal_id.into()),
        ])?);
    crate::http::send(request, SHOP, SHOP_TITLE).await
}

/// `POST {pos_url}/{id}/cancel`: expires the pending charge.
pub async fn pos_cancel(pos_url: &str, id: &str) -> Result<CheckoutCharge, WidgetError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let request = Request::post(&format!("{pos_url}/{id}/cancel"));
    crate::http::send(request, SHOP, SHOP_TITLE).await
}

/// What the widget needs of a refund.
#[derive(Debug, Clone)]
pub struct Refund {
    /// `rfnd_...`.
    pub id: String,
    /// Smallest unit.
    pub amount: i64,
}

impl js::FromJs for Refund {
    fn from_js(obj: &js::Obj) -> Option<Self> {
        Some(Self {
            id: obj.str("id")?,
            amount: obj.int("amount")?,
        })
    }
}

/// `POST {pos_url}/{id}/refunds` under an idempotency key.
pub async fn pos_refund(
    pos_url: &str,
    id: &str,
    amount: i64,
    key: &str,
) -> Result<Refund, WidgetError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let request = Request::post(&format!("{pos_url}/{id}/refunds"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(js::json(&[("amount", js::amount(amount))])?);
    crate::http::send(request, SHOP, SHOP_TITLE).await
}
