//! Reading and writing plain JavaScript objects field by field. The widget's options and the
//! servers' JSON answers (parsed by the browser's `JSON.parse`) are read through [`Obj`], and
//! request bodies are built with [`object`] and `JSON.stringify`: no serde machinery, no JSON
//! parser and no float formatting in the wasm, which every customer downloads.

use crate::WidgetError;
use js_sys::{Array, Reflect};
use paywasm_core::money::{Amount, Currency};
use paywasm_core::objects::{
    ChargeStatus, CheckoutCharge, CheckoutCode, CheckoutImage, CheckoutSource, Flow,
};
use paywasm_core::time::Timestamp;
use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript object, read one field at a time. A missing field, or one of another type, is
/// `None`: callers decide what is required.
#[derive(Debug, Clone)]
pub struct Obj(JsValue);

impl Obj {
    /// `value` if it is a (non-null) object.
    pub fn new(value: JsValue) -> Option<Self> {
        value.is_object().then_some(Self(value))
    }

    /// The object itself.
    pub fn value(&self) -> &JsValue {
        &self.0
    }

    /// A field as it is.
    pub fn get(&self, key: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// Whether the field is present and neither `undefined` nor `null`.
    pub fn has(&self, key: &str) -> bool {
        !self.get(key).is_undefined() && !self.get(key).is_null()
    }

    /// A string field.
    pub fn str(&self, key: &str) -> Option<String> {
        self.get(key).as_string()
    }

    /// A number field.
    pub fn num(&self, key: &str) -> Option<f64> {
        self.get(key).as_f64()
    }

    /// A whole-number field (JavaScript numbers up to 2^53).
    pub fn int(&self, key: &str) -> Option<i64> {
        self.num(key)
            .filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0)
            .map(|n| n as i64)
    }

    /// An object field.
    pub fn obj(&self, key: &str) -> Option<Obj> {
        Obj::new(self.get(key))
    }

    /// An array-of-strings field; `Err` if it is present but something else.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, WrongType> {
        let value = self.get(key);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let array = value.dyn_into::<Array>().map_err(|_| WrongType)?;
        array
            .iter()
            .map(|item| item.as_string().ok_or(WrongType))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// A field present with another type than asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongType;

/// A value read from a server's JSON answer.
pub trait FromJs: Sized {
    /// `None` if the answer does not have the shape.
    fn from_js(obj: &Obj) -> Option<Self>;
}

/// An object of `fields`; `undefined` values are left out.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        if !value.is_undefined() {
            let _ = Reflect::set(&object, &JsValue::from_str(key), value);
        }
    }
    object.into()
}

/// `fields` as a JSON text (a request body).
pub fn json(fields: &[(&str, JsValue)]) -> Result<String, WidgetError> {
    js_sys::JSON::stringify(&object(fields))
        .map(String::from)
        .map_err(|_| WidgetError::InvalidOptions("a value cannot be sent as JSON".into()))
}

/// An optional string as a field value (`undefined` when absent).
pub fn opt(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// An amount as a field value.
pub fn amount(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn flow(name: &str) -> Option<Flow> {
    match name {
        "app_redirect" => Some(Flow::AppRedirect),
        "offline" => Some(Flow::Offline),
        "redirect" => Some(Flow::Redirect),
        _ => None,
    }
}

fn flow_name(flow: Flow) -> &'static str {
    match flow {
        Flow::AppRedirect => "app_redirect",
        Flow::Offline => "offline",
        Flow::Redirect => "redirect",
    }
}

impl FromJs for CheckoutCharge {
    fn from_js(obj: &Obj) -> Option<Self> {
        let source = obj.obj("source")?;
        let scannable_code = source
            .obj("scannable_code")
            .and_then(|code| code.obj("image"))
            .and_then(|image| image.str("download_uri"))
            .map(|download_uri| CheckoutCode {
                image: CheckoutImage { download_uri },
            });
        Some(CheckoutCharge {
            id: obj.str("id")?,
            status: ChargeStatus::parse(&obj.str("status")?),
            amount: Amount(obj.int("amount")?),
            currency: Currency::parse(&obj.str("currency")?).ok()?,
            authorize_uri: obj.str("authorize_uri"),
            expires_at: match obj.str("expires_at") {
                Some(text) => Some(Timestamp::parse(&text).ok()?),
                None => None,
            },
            failure_code: obj.str("failure_code"),
            failure_message: obj.str("failure_message"),
            source: CheckoutSource {
                source_type: source.str("type")?,
                flow: flow(&source.str("flow")?)?,
                scannable_code,
            },
        })
    }
}

/// A charge as `onComplete` hands it to the merchant (the `CheckoutCharge` TypeScript type).
pub fn charge_to_js(charge: &CheckoutCharge) -> JsValue {
    let or_null = |value: Option<&str>| value.map_or(JsValue::NULL, JsValue::from_str);
    let code = charge
        .source
        .scannable_code
        .as_ref()
        .map_or(JsValue::NULL, |code| {
            object(&[(
                "image",
                object(&[("download_uri", code.image.download_uri.as_str().into())]),
            )])
        });
    object(&[
        ("id", charge.id.as_str().into()),
        ("status", charge.status.as_str().into()),
        ("amount", amount(charge.amount.0)),
        ("currency", charge.currency.as_str().into()),
        ("authorize_uri", or_null(charge.authorize_uri.as_deref())),
        (
            "expires_at",
            charge
                .expires_at
                .map_or(JsValue::NULL, |at| at.to_string().into()),
        ),
        ("failure_code", or_null(charge.failure_code.as_deref())),
        (
            "failure_message",
            or_null(charge.failure_message.as_deref()),
        ),
        (
            "source",
            object(&[
                ("type", charge.source.source_type.as_str().into()),
                ("flow", flow_name(charge.source.flow).into()),
                ("scannable_code", code),
            ]),
        ),
    ])
}

impl FromJs for paywasm_core::wooshpay::PaymentIntentView {
    fn from_js(obj: &Obj) -> Option<Self> {
        use paywasm_core::wooshpay::{NextAction, PaymentError, RedirectTo};
        let redirect = obj
            .obj("next_action")
            .and_then(|action| action.obj("alipay_handle_redirect"))
            .and_then(|to| to.str("url"));
        Some(Self {
            id: obj.str("id")?,
            status: obj.str("status")?,
            amount: obj.int("amount")?,
            currency: obj.str("currency")?,
            next_action: redirect.map(|url| NextAction {
                alipay_handle_redirect: Some(RedirectTo { url }),
            }),
            last_payment_error: obj.obj("last_payment_error").map(|error| PaymentError {
                message: error.str("message"),
            }),
        })
    }
}
