//! The shop's client of the gateway API, with the secret key, and the repeating of failed
//! calls that it shares with the WooshPay client.

use super::error::ShopError;
use paywasm_core::objects::{Charge, ErrorObject, Source};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Attempts after the first when the gateway is unreachable, overloaded or the answer is lost.
const RETRIES: u32 = 5;

/// What one request to the gateway came to.
pub(crate) enum Attempt {
    /// No connection: the gateway never saw the request.
    Unreached(String),
    /// Sent, but no complete answer came back: the gateway may have acted.
    Lost(String),
    /// A complete answer.
    Answered {
        status: u16,
        retry_after: Option<u64>,
        body: axum::body::Bytes,
    },
}

impl Attempt {
    /// How long to wait before attempt `attempt + 1`: the gateway's `Retry-After` (at most 2 s),
    /// else 50 ms doubling, with jitter so that many waiting requests do not return together.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = match self {
            Attempt::Answered {
                retry_after: Some(seconds),
                ..
            } => Duration::from_secs((*seconds).min(2)),
            _ => Duration::from_millis(50 << attempt.min(5)),
        };
        base + Duration::from_millis(rand::random_range(0..50))
    }

    /// The answer's status and body, or the failure to get one as the shop's error.
    pub(crate) fn into_answer(self) -> Result<(u16, axum::body::Bytes), ShopError> {
        match self {
            Attempt::Unreached(error) => Err(ShopError::Gateway(format!(
                "the payment gateway could not be reached: {error}"
            ))),
            Attempt::Lost(error) => Err(ShopError::Gateway(format!(
                "the payment gateway's answer was lost: {error}"
            ))),
            Attempt::Answered { status, body, .. } => Ok((status, body)),
        }
    }

    fn into_result<T: DeserializeOwned>(self) -> Result<T, ShopError> {
        let (status, body) = self.into_answer()?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body).map_err(|error| {
                ShopError::Gateway(format!(
                    "the payment gateway's answer is not understood: {error}"
                ))
            });
        }
        match serde_json::from_slice::<ErrorObject>(&body) {
            Ok(error) if status == 404 => Err(ShopError::NotFound(error.message)),
            Ok(error) if status == 429 => Err(ShopError::Unavailable(error.message)),
            // The gateway's sentence reaches the cashier or customer as it is; its code is the
            // gateway's vocabulary, not theirs.
            Ok(error) if (400..500).contains(&status) => {
                Err(ShopError::Refused("payment_refused", error.message))
            }
            _ => Err(ShopError::Gateway(format!(
                "the payment gateway answered {status}"
            ))),
        }
    }
}

/// Sends `request`, repeating it while that is safe and useful; the last attempt. Safe to send
/// again: a read, or a write under an `Idempotency-Key` (the gateway answers a repeat with the
/// first answer). Anything else is sent again only when it surely never reached the gateway
/// (no connection) or the gateway refused it unread (429).
pub(crate) async fn send_repeating(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Attempt, ShopError> {
    let repeatable = request.method() == reqwest::Method::GET
        || request.headers().contains_key("idempotency-key");
    let mut attempt = 0;
    loop {
        let copy = request.try_clone().ok_or_else(|| {
            ShopError::Internal("a gateway request with a streamed body cannot be retried".into())
        })?;
        let outcome = attempt_once(http, copy).await;
        let again = match &outcome {
            Attempt::Answered { status, .. } if *status == 429 => true,
            Attempt::Answered { status, .. } if *status >= 500 => repeatable,
            Attempt::Unreached(_) => true,
            Attempt::Lost(_) => repeatable,
            Attempt::Answered { .. } => false,
        };
        attempt += 1;
        if !again || attempt > RETRIES {
            return Ok(outcome);
        }
        tokio::time::sleep(outcome.backoff(attempt)).await;
    }
}

async fn attempt_once(http: &reqwest::Client, request: reqwest::Request) -> Attempt {
    let response = match http.execute(request).await {
        Ok(response) => response,
        Err(error) if error.is_connect() => return Attempt::Unreached(error.to_string()),
        Err(error) => return Attempt::Lost(error.to_string()),
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    match response.bytes().await {
        Ok(body) => Attempt::Answered {
            status,
            retry_after,
            body,
        },
        Err(error) => Attempt::Lost(format!("the answer was cut off: {error}")),
    }
}

/// Calls the gateway as a merchant server does.
#[derive(Clone)]
pub struct GatewayClient {
    http: reqwest::Client,
    base_url: String,
    secret_key: String,
}

impl GatewayClient {
    /// A client of the gateway at `base_url`.
    pub fn new(base_url: String, secret_key: String) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            http,
            base_url,
            secret_key,
        })
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ShopError> {
        let request = request
            .basic_auth(&self.secret_key, Some(""))
            .header("Omise-Version", paywasm_core::policy::OMISE_VERSION)
            .build()
            .map_err(|error| {
                ShopError::Internal(format!("a gateway request did not build: {error}"))
            })?;
        send_repeating(&self.http, request).await?.into_result()
    }

    /// `GET /sources/:id`.
    pub async fn source(&self, id: &str) -> Result<Source, ShopError> {
        self.send(self.http.get(format!("{}/sources/{id}", self.base_url)))
            .await
    }

    /// `POST /sources` with the secret key (in-store sources carry the store and terminal),
    /// idempotent under `key`.
    pub async fn create_source_idempotent(
        &self,
        params: &[(&str, String)],
        key: &str,
    ) -> Result<Source, ShopError> {
        let request = self
            .http
            .post(format!("{}/sources", self.base_url))
            .form(params);
        self.send(request.header("Idempotency-Key", key)).await
    }

    /// `POST /charges`, idempotent under `key`: a retry after a lost answer never charges twice.
    pub async fn create_charge_idempotent(
        &self,
        params: &[(&str, String)],
        key: &str,
    ) -> Result<Charge, ShopError> {
        let request = self
            .http
            .post(format!("{}/charges", self.base_url))
            .form(params);
        self.send(request.header("Idempotency-Key", key)).await
    }

    /// `POST /charges/:id/expire`, under a key of its own: a retry after a lost answer gets the
    /// expired charge rather than "already expired".
    pub async fn expire(&self, id: &str) -> Result<Charge, ShopError> {
        let request = self
            .http
            .post(format!("{}/charges/{id}/expire", self.base_url));
        self.send(request.header("Idempotency-Key", format!("expire-{id}")))
            .await
    }

    /// `POST /charges/:id/refunds`, idempotent under `key`.
    pub async fn refund(
        &self,
        id: &str,
        amount: i64,
        key: &str,
    ) -> Result<serde_json::Value, ShopError> {
        let request = self
            .http
            .post(format!("{}/charges/{id}/refunds", self.base_url))
            .form(&[("amount", amount.to_string())]);
        self.send(request.header("Idempotency-Key", key)).await
    }

    /// `GET /charges/:id`.
    pub async fn charge(&self, id: &str) -> Result<Charge, ShopError> {
        self.send(self.http.get(format!("{}/charges/{id}", self.base_url)))
            .await
    }
}
