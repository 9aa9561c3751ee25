//! The options a merchant mounts the widget with, checked once at mount time so that every
//! mistake is reported to the developer before a customer sees anything.

use crate::js::Obj;
use crate::WidgetError;
use paywasm_core::method::SourceType;
use paywasm_core::money::{Amount, Currency};
use wasm_bindgen::JsValue;

/// The production gateway, used when `gatewayUrl` is not given.
pub const DEFAULT_GATEWAY_URL: &str = "https://api.omise.co";
/// WooshPay's production API, used when `gateway` is `"wooshpay"` and `gatewayUrl` is not given.
pub const DEFAULT_WOOSHPAY_URL: &str = "https://api.wooshpay.com";

pub use paywasm_core::method::GatewayKind;

/// Options as JavaScript passes them (camelCase), before validation.
#[derive(Debug, Default)]
struct RawOptions {
    public_key: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    gateway_url: Option<String>,
    charge_url: Option<String>,
    order: Option<String>,
    charge_id: Option<String>,
    locale: Option<String>,
    methods: Option<Vec<String>>,
    merchant_name: Option<String>,
    gateway: Option<String>,
    client_secret: Option<String>,
}

/// Validated options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The merchant's public key (`pkey_...`).
    pub public_key: String,
    /// What the customer pays, in the smallest unit (shown, and sent with the source; the
    /// merchant server charges its own order's amount).
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// The gateway's base URL, without a trailing slash.
    pub gateway_url: String,
    /// The merchant server's charge endpoint (DESIGN.md's merchant contract).
    pub charge_url: String,
    /// The merchant's order reference.
    pub order: Option<String>,
    /// Resume waiting for this charge (the return page after a redirect).
    pub charge_id: Option<String>,
    /// The merchant's language choice (`en`, `th`, `ja`, `zh`); else the browser's languages.
    pub locale: Option<String>,
    /// Shown beside the QR ("Pay to ...").
    pub merchant_name: Option<String>,
    /// The methods the merchant allows, if restricted.
    pub methods: Option<Vec<SourceType>>,
    /// The gateway's API.
    pub gateway: GatewayKind,
    /// WooshPay: the PaymentIntent's client secret, to resume waiting for `charge_id`.
    pub client_secret: Option<String>,
}

fn invalid(message: impl Into<String>) -> WidgetError {
    WidgetError::InvalidOptions(message.into())
}

impl Options {
    /// Reads and checks the options object passed to `mount`.
    pub fn from_js(value: JsValue) -> Result<Self, WidgetError> {
        let options = Obj::new(value).ok_or_else(|| invalid("options must be an object"))?;
        // A field of the wrong type is named, not ignored.
        let text = |key: &str| -> Result<Option<String>, WidgetError> {
            match options.get(key) {
                value if value.is_undefined() || value.is_null() => Ok(None),
                value => value
                    .as_string()
                    .map(Some)
                    .ok_or_else(|| invalid(format!("{key} must be a string"))),
            }
        };
        let amount = match options.get("amount") {
            value if value.is_undefined() || value.is_null() => None,
            value => Some(value.as_f64().ok_or_else(|| {
                invalid("amount must be a number (an integer in the smallest currency unit)")
            })?),
        };
        Self::validate(RawOptions {
            public_key: text("publicKey")?,
            amount,
            currency: text("currency")?,
            gateway_url: text("gatewayUrl")?,
            charge_url: text("chargeUrl")?,
            order: text("order")?,
            charge_id: text("chargeId")?,
            locale: text("locale")?,
            methods: options
                .strings("methods")
                .map_err(|_| invalid("methods must be an array of method names"))?,
            merchant_name: text("merchantName")?,
            gateway: text("gateway")?,
            client_secret: text("clientSecret")?,
        })
    }

    fn validate(raw: RawOptions) -> Result<Self, WidgetError> {
        let gateway = match raw.gateway.as_deref() {
            None | Some("omise") => GatewayKind::Omise,
            Some("wooshpay") => GatewayKind::Wooshpay,
            Some(_) => return Err(invalid("gateway must be \"omise\" or \"wooshpay\"")),
        };
        let public_key = raw.public_key.unwrap_or_default();
        let (secret_prefix, public_prefix) = match gateway {
            GatewayKind::Omise => ("skey_", "pkey_"),
            GatewayKind::Wooshpay => ("sk_", "pk_"),
        };
        if public_key.starts_with(secret_prefix) || public_key.starts_with("skey_") {
            return Err(invalid(format!(
                "publicKey is a secret key ({secret_prefix}...). Never put the secret key in a web page: use the public key ({public_prefix}...) here and keep the secret key on your server.",
            )));
        }
        if !public_key.starts_with(public_prefix) {
            return Err(invalid(format!(
                "publicKey must be your public key ({public_prefix}...)"
            )));
        }
        let amount = raw.amount.ok_or_else(|| {
            invalid("amount is required (an integer in the smallest currency unit)")
        })?;
        if amount.fract() != 0.0 || amount <= 0.0 || amount > 9_007_199_254_740_991.0 {
            return Err(invalid("amount must be a positive integer in the smallest currency unit (40000 is THB 400.00)"));
        }
        let currency = Currency::parse(raw.currency.as_deref().unwrap_or(""))
            .map_err(|_| invalid("currency must be a three-letter code such as THB"))?;
        let gateway_url = raw.gateway_url.unwrap_or_else(|| {
            match gateway {
                GatewayKind::Omise => DEFAULT_GATEWAY_URL,
                GatewayKind::Wooshpay => DEFAULT_WOOSHPAY_URL,
            }
            .into()
        });
        let gateway_url = gateway_url.trim_end_matches('/').to_owned();
        if web_sys::Url::new(&gateway_url).is_err() {
            return Err(invalid("gatewayUrl must be an absolute URL"));
        }
        let charge_url = raw
            .charge_url
            .ok_or_else(|| {
                invalid("chargeUrl is required: your server's endpoint that creates the charge")
            })?
            .trim_end_matches('/')
            .to_owned();
        if raw.order.is_none() && raw.charge_id.is_none() {
            return Err(invalid(
                "order is required: your order reference, which your server charges",
            ));
        }
        if gateway == GatewayKind::Wooshpay
            && raw.charge_id.is_some()
            && raw.client_secret.is_none()
        {
            return Err(invalid(
                "clientSecret is required with chargeId on WooshPay: the PaymentIntent's client_secret, from your server",
            ));
        }
        let methods = raw
            .methods
            .map(|names| {
                names
                    .iter()
                    .map(|name| {
                        SourceType::parse(name).map_err(|e| invalid(format!("methods: {e}")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(Self {
            public_key,
            amount: Amount(amount as i64),
            currency,
            gateway_url,
            charge_url,
            order: raw.order,
            charge_id: raw.charge_id,
            locale: raw.locale,
            merchant_name: raw.merchant_name.filter(|name| !name.trim().is_empty()),
            methods,
            gateway,
            client_secret: raw.client_secret,
        })
    }
}
