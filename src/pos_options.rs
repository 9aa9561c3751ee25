//! Options of the cashier view (`mode: "pos"`): no public key is involved, since the merchant
//! server charges the scanned code with its secret key.

use crate::js::Obj;
use crate::WidgetError;
use paywasm_core::money::{Amount, Currency};
use wasm_bindgen::JsValue;

/// Options as JavaScript passes them (camelCase), before validation.
#[derive(Debug, Default)]
struct RawPosOptions {
    amount: Option<f64>,
    currency: Option<String>,
    pos_url: Option<String>,
    charge_url: Option<String>,
    store_id: Option<String>,
    store_name: Option<String>,
    terminal_id: Option<String>,
}

/// Validated cashier options.
#[derive(Debug, Clone, PartialEq)]
pub struct PosOptions {
    /// The sale's amount, smallest unit.
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// The merchant server's POS endpoint (`POST {posUrl}`, `/{id}/cancel`, `/{id}/refunds`).
    pub pos_url: String,
    /// The charge status endpoint (`GET {chargeUrl}/{id}?wait=N`).
    pub charge_url: String,
    /// The store.
    pub store_id: String,
    /// The store's name.
    pub store_name: Option<String>,
    /// The terminal.
    pub terminal_id: String,
}

fn invalid(message: &str) -> WidgetError {
    WidgetError::InvalidOptions(message.into())
}

impl PosOptions {
    /// Reads and checks the options object of a cashier view.
    pub fn from_js(value: JsValue) -> Result<Self, WidgetError> {
        let options = Obj::new(value).ok_or_else(|| invalid("options must be an object"))?;
        let text = |key: &str| -> Result<Option<String>, WidgetError> {
            match options.get(key) {
                value if value.is_undefined() || value.is_null() => Ok(None),
                value => value
                    .as_string()
                    .map(Some)
                    .ok_or_else(|| invalid(&format!("{key} must be a string"))),
            }
        };
        let raw = RawPosOptions {
            amount: match options.get("amount") {
                value if value.is_undefined() || value.is_null() => None,
                value => Some(value.as_f64().ok_or_else(|| {
                    invalid("amount must be a number (an integer in the smallest currency unit)")
                })?),
            },
            currency: text("currency")?,
            pos_url: text("posUrl")?,
            charge_url: text("chargeUrl")?,
            store_id: text("storeId")?,
            store_name: text("storeName")?,
            terminal_id: text("terminalId")?,
        };
        let amount = raw.amount.ok_or_else(|| invalid("amount is required"))?;
        if amount.fract() != 0.0 || amount <= 0.0 || amount > 9_007_199_254_740_991.0 {
            return Err(invalid(
                "amount must be a positive integer in the smallest currency unit",
            ));
        }
        let required = |value: Option<String>, message: &str| {
            value
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| invalid(message))
        };
        Ok(Self {
            amount: Amount(amount as i64),
            currency: Currency::parse(raw.currency.as_deref().unwrap_or(""))
                .map_err(|_| invalid("currency must be a code such as THB"))?,
            pos_url: required(
                raw.pos_url,
                "posUrl is required: your server's POS charge endpoint",
            )?
            .trim_end_matches('/')
            .to_owned(),
            charge_url: required(
                raw.charge_url,
                "chargeUrl is required: your server's charge status endpoint",
            )?
            .trim_end_matches('/')
            .to_owned(),
            store_id: required(raw.store_id, "storeId is required")?,
            store_name: raw.store_name,
            terminal_id: required(raw.terminal_id, "terminalId is required")?,
        })
    }
}
