//! Request parameters from a JSON or a form-urlencoded body, read the same way.
//!
//! The official clients differ: omise-ruby posts forms (`source[type]=promptpay`), Omise.js and
//! omise-node post JSON, and forms carry every value as a string. Parameters are parsed into
//! one JSON object (form keys with brackets become nested objects) and read with typed getters
//! that accept `400000` and `"400000"` alike.

use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use paywasm_core::money::{Amount, Currency};
use serde_json::{Map, Value};

/// The parameters of a request.
#[derive(Debug, Clone, Default)]
pub struct Params(Map<String, Value>);

/// Why parameters cannot be read; each API answers it in its own error shape (`From`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// The body or a parameter is malformed (not a string, not an integer, ...).
    #[error("{0}")]
    Malformed(String),
    /// An amount that is not one.
    #[error("{0}")]
    InvalidAmount(String),
}

/// Bodies larger than this are refused while they are read, before parsing.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// The deepest a form key may nest (`metadata[a][b]` is 3): the APIs nest 2 deep at most, and
/// a nested value is dropped recursively, so a key nested thousands deep would overflow the
/// worker's stack (JSON bodies have serde_json's own limit of 128).
const MAX_NESTING: usize = 8;

impl Params {
    /// Reads a request's body (JSON or a form): each API's body extractor calls this and
    /// refuses in its own shape.
    pub async fn read<S: Send + Sync>(request: Request, _state: &S) -> Result<Self, ParamError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().contains("json"));
        // Read up to the limit and no further: a larger body is refused after 64 KB, not after
        // the 2 MB axum's own extractor would buffer first.
        let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| {
                ParamError::Malformed(format!(
                    "request body is larger than {MAX_BODY_BYTES} bytes, or was cut off"
                ))
            })?;
        Params::parse(&body, is_json)
    }

    /// Parses a body; `is_json` from its content type.
    pub fn parse(body: &[u8], is_json: bool) -> Result<Self, ParamError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        if is_json {
            return match serde_json::from_slice(body) {
                Ok(Value::Object(map)) => Ok(Self(map)),
                Ok(_) => Err(ParamError::Malformed(
                    "the JSON body must be an object".into(),
                )),
                Err(error) => Err(ParamError::Malformed(format!(
                    "the JSON body is malformed: {error}"
                ))),
            };
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|_| ParamError::Malformed("the form body is malformed".into()))?;
        let mut root = Map::new();
        for (key, value) in pairs {
            insert_bracketed(&mut root, &key, value)?;
        }
        Ok(Self(root))
    }

    /// A string parameter; absent and `null` are `None`.
    pub fn str(&self, key: &str) -> Result<Option<&str>, ParamError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.as_str())),
            Some(_) => Err(ParamError::Malformed(format!("{key} must be a string"))),
        }
    }

    /// A required string parameter.
    pub fn required_str(&self, key: &str) -> Result<&str, ParamError> {
        match self.str(key)? {
            Some(text) if !text.trim().is_empty() => Ok(text),
            _ => Err(ParamError::Malformed(format!("{key} is required"))),
        }
    }

    /// An amount: a positive integer in the smallest currency unit, as a number or a string.
    pub fn amount(&self, key: &str) -> Result<Option<Amount>, ParamError> {
        let invalid = || {
            ParamError::InvalidAmount(format!(
                "{key} must be a positive integer in the smallest currency unit"
            ))
        };
        let amount = match self.0.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(number)) => number.as_i64().ok_or_else(invalid)?,
            Some(Value::String(text)) => text.trim().parse::<i64>().map_err(|_| invalid())?,
            Some(_) => return Err(invalid()),
        };
        if amount <= 0 {
            return Err(invalid());
        }
        Ok(Some(Amount(amount)))
    }

    /// An integer, as a number or a string; `None` when absent.
    pub fn integer(&self, key: &str) -> Result<Option<i64>, ParamError> {
        let invalid = || ParamError::Malformed(format!("{key} must be an integer"));
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number.as_i64().map(Some).ok_or_else(invalid),
            Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| invalid()),
            Some(_) => Err(invalid()),
        }
    }

    /// Adds `other`'s parameters, replacing those of the same name.
    pub fn extend(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// A required currency code.
    pub fn currency(&self, key: &str) -> Result<Currency, ParamError> {
        Currency::parse(self.required_str(key)?)
            .map_err(|error| ParamError::Malformed(error.to_string()))
    }

    /// A nested object (`source[type]=...` or `"source": {...}`), if the parameter is one.
    pub fn object(&self, key: &str) -> Option<Params> {
        match self.0.get(key) {
            Some(Value::Object(map)) => Some(Params(map.clone())),
            _ => None,
        }
    }

    /// A nested object of string values (`metadata[...]`), or an empty one.
    pub fn metadata(&self, key: &str) -> Result<Map<String, Value>, ParamError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(_) => Err(ParamError::Malformed(format!("{key} must be an object"))),
        }
    }

    /// Sets a parameter unless it is present (a nested source inherits the charge's amount).
    pub fn set_default(&mut self, key: &str, value: Value) {
        self.0.entry(key.to_owned()).or_insert(value);
    }

    /// Parameters from a JSON value, if it is an object (an item of a list parameter).
    pub fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self(map)),
            _ => None,
        }
    }

    /// The raw value, if present.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }
}

/// Inserts `a[b][c]=value` as `{"a":{"b":{"c":value}}}`.
fn insert_bracketed(
    root: &mut Map<String, Value>,
    key: &str,
    value: String,
) -> Result<(), ParamError> {
    let malformed = || ParamError::Malformed(format!("parameter name '{key}' is malformed"));
    let (head, mut rest) = match key.find('[') {
        Some(open) => (&key[..open], &key[open..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return Err(malformed());
    }
    let mut path = vec![head];
    while !rest.is_empty() {
        let close = rest.find(']').ok_or_else(malformed)?;
        if !rest.starts_with('[') || close < 1 {
            return Err(malformed());
        }
        path.push(&rest[1..close]);
        rest = &rest[close + 1..];
        if path.len() > MAX_NESTING {
            return Err(ParamError::Malformed(format!(
                "parameter names nest at most {MAX_NESTING} deep"
            )));
        }
    }
    // `a[]=x` appends to a list (Stripe-style clients send lists so); `[]` only at the end.
    if path.last() == Some(&"") {
        path.pop();
        if path.contains(&"") {
            return Err(malformed());
        }
        let (last, parents) = path.split_last().ok_or_else(malformed)?;
        let mut node = root;
        for part in parents {
            let entry = node
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            node = entry.as_object_mut().ok_or_else(malformed)?;
        }
        let entry = node
            .entry(last.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        entry
            .as_array_mut()
            .ok_or_else(malformed)?
            .push(Value::String(value));
        return Ok(());
    }
    if path.contains(&"") {
        return Err(malformed());
    }
    let (last, parents) = path.split_last().ok_or_else(malformed)?;
    let mut node = root;
    for part in parents {
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        node = entry.as_object_mut().ok_or_else(malformed)?;
    }
    node.insert(last.to_string(), Value::String(value));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_nest_bracketed_keys_and_read_like_json() {
        let form = Params::parse(
            b"amount=400000&currency=thb&source%5Btype%5D=promptpay&metadata[order]=o1",
            false,
        )
        .unwrap();
        let json = Params::parse(
            br#"{"amount":400000,"currency":"thb","source":{"type":"promptpay"}}"#,
            true,
        )
        .unwrap();
        for params in [&form, &json] {
            assert_eq!(params.amount("amount").unwrap(), Some(Amount(400_000)));
            assert_eq!(params.currency("currency").unwrap().as_str(), "THB");
            assert_eq!(
                params.object("source").unwrap().str("type").unwrap(),
                Some("promptpay")
            );
        }
        assert_eq!(form.metadata("metadata").unwrap()["order"], "o1");
    }

    #[test]
    fn empty_brackets_append_to_a_list_and_only_at_the_end() {
        let form = Params::parse(b"types[]=alipay&types[]=promptpay&a[b][]=x", false).unwrap();
        assert_eq!(
            form.value("types").unwrap(),
            &serde_json::json!(["alipay", "promptpay"])
        );
        assert_eq!(form.value("a").unwrap(), &serde_json::json!({"b": ["x"]}));
        for malformed in ["a[][b]=x", "[]=x", "a[b]=1&a[b][]=2", "a[]=1&a[b]=2"] {
            assert!(
                Params::parse(malformed.as_bytes(), false).is_err(),
                "{malformed}"
            );
        }
    }

    #[test]
    fn malformed_input_is_a_clear_error() {
        assert!(Params::parse(b"[1]", true).is_err());
        assert!(Params::parse(b"{", true).is_err());
        assert!(Params::parse(b"a[b=1", false).is_err());
        assert!(Params::parse(b"[x]=1", false).is_err());
        assert!(Params::parse(b"a=1&a[b]=2", false).is_err());
        let params = Params::parse(b"amount=12.5", false).unwrap();
        assert!(matches!(
            params.amount("amount"),
            Err(ParamError::InvalidAmount(_))
        ));
        let params = Params::parse(b"amount=-1", false).unwrap();
        assert!(params.amount("amount").is_err());
    }

    #[test]
    fn a_key_nested_thousands_deep_is_refused_not_a_stack_overflow() {
        let deep = format!("a{}=1", "[b]".repeat(20_000));
        assert!(matches!(
            Params::parse(deep.as_bytes(), false),
            Err(ParamError::Malformed(message)) if message.contains("nest")
        ));
        let listed = format!("a{}[]=1", "[b]".repeat(20_000));
        assert!(Params::parse(listed.as_bytes(), false).is_err());
        let allowed = format!("a{}=1", "[b]".repeat(MAX_NESTING - 1));
        assert!(Params::parse(allowed.as_bytes(), false).is_ok());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_body_parses_or_is_a_bad_request(body in proptest::collection::vec(any::<u8>(), 0..300), json in any::<bool>()) {
            if let Ok(params) = Params::parse(&body, json) {
                for key in ["amount", "currency", "source", "type"] {
                    let _ = params.amount(key);
                    let _ = params.str(key);
                    let _ = params.integer(key);
                    let _ = params.object(key);
                }
            }
        }

        #[test]
        fn bracketed_form_keys_nest(outer in "[a-z_]{1,10}", inner in "[a-z_]{1,10}", value in "[a-zA-Z0-9 ]{0,20}") {
            let body = serde_urlencoded::to_string([(format!("{outer}[{inner}]"), value.clone())]).unwrap();
            let params = Params::parse(body.as_bytes(), false).unwrap();
            let nested = params.object(&outer).unwrap();
            prop_assert_eq!(nested.str(&inner).unwrap(), Some(value.as_str()));
        }

        #[test]
        fn amounts_read_the_same_from_forms_and_json(amount in 1i64..i64::MAX) {
            let form = Params::parse(format!("amount={amount}").as_bytes(), false).unwrap();
            let json = Params::parse(format!("{{\"amount\":{amount}}}").as_bytes(), true).unwrap();
            prop_assert_eq!(form.amount("amount").unwrap(), Some(Amount(amount)));
            prop_assert_eq!(json.amount("amount").unwrap(), Some(Amount(amount)));
        }
    }
}
