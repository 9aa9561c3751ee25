//! The merchant server, under DESIGN.md's contract: `POST {chargeUrl}` with the source and
//! the order, `GET {chargeUrl}/{id}?wait=N` for the charge's status.

use crate::WidgetError;
use gloo_net::http::Request;
use paywasm_core::objects::CheckoutCharge;
use serde::Serialize;

#[derive(Serialize)]
struct NewCharge<'a> {
    source: &'a str,
    order: &'a str,
}

const SHOP: &str = "the shop";
const SHOP_TITLE: &str = "The shop";

/// Asks the merchant server to charge `order` with `source`.
pub async fn create_charge(
    charge_url: &str,
    source: &str,
    order: &str,
) -> Result<CheckoutCharge, WidgetError> {
    let body = crate::http::json_body(&NewCharge { source, order })?;
    let request = Request::post(charge_url)
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(|_| WidgetError::Network { party: SHOP })?;
    crate::http::send(request, SHOP, SHOP_TITLE).await
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
    let request = Request::get(&url)
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .build()
        .map_err(|_| WidgetError::Network { party: SHOP })?;
    let _deadline = controller.map(|controller| {
        gloo_timers::callback::Timeout::new((wait_secs + 15) * 1_000, move || controller.abort())
    });
    crate::http::send(request, SHOP, SHOP_TITLE).await
}
