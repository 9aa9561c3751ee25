//! A merchant server's client of both gateway APIs, with the secret key: one [`ApiClient`] that sends,
//! repeats what is safe to repeat, and reads answers and error objects, over each API's own
//! key header and error object ([`ClientApi`]: [`Omise`], [`Wooshpay`]).

use crate::error::MerchantError;
use paywasm_core::method::SourceType;
use paywasm_core::omise::objects::{Charge, Refund, Source};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::marker::PhantomData;
use std::time::Duration;

/// Attempts after the first when the gateway is unreachable, overloaded or the answer is lost.
const RETRIES: u32 = 5;

/// What one request to the gateway came to.
enum Attempt {
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
    fn into_answer(self) -> Result<(u16, axum::body::Bytes), MerchantError> {
        match self {
            Attempt::Unreached(error) => Err(MerchantError::Gateway(format!(
                "the payment gateway could not be reached: {error}"
            ))),
            Attempt::Lost(error) => Err(MerchantError::Gateway(format!(
                "the payment gateway's answer was lost: {error}"
            ))),
            Attempt::Answered { status, body, .. } => Ok((status, body)),
        }
    }

    /// The answer as `T`, or its error object's sentence as the shop's error: a 2xx that does
    /// not read as `T` is the gateway's fault, never a default.
    fn into_result<A: ClientApi, T: DeserializeOwned>(self) -> Result<T, MerchantError> {
        let (status, body) = self.into_answer()?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body).map_err(|error| {
                MerchantError::Gateway(format!(
                    "the payment gateway's answer is not understood: {error}"
                ))
            });
        }
        match A::error_message(&body) {
            Some(message) if status == 404 => Err(MerchantError::NotFound(message)),
            Some(message) if status == 429 || status == 409 => {
                Err(MerchantError::Unavailable(message))
            }
            // The gateway's sentence reaches the cashier or customer as it is; its code is the
            // gateway's vocabulary, not theirs.
            Some(message) if (400..500).contains(&status) => {
                Err(MerchantError::Refused("payment_refused", message))
            }
            _ => Err(MerchantError::Gateway(format!(
                "the payment gateway answered {status}"
            ))),
        }
    }
}

/// Sends `request`, repeating it while that is safe and useful; the last attempt. Safe to send
/// again: a read, or a write under an `Idempotency-Key` (the gateway answers a repeat with the
/// first answer). Anything else is sent again only when it surely never reached the gateway
/// (no connection) or the gateway refused it unread (429).
async fn send_repeating(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Attempt, MerchantError> {
    let repeatable = request.method() == reqwest::Method::GET
        || request.headers().contains_key("idempotency-key");
    let mut attempt = 0;
    loop {
        let copy = request.try_clone().ok_or_else(|| {
            MerchantError::Internal(
                "a gateway request with a streamed body cannot be retried".into(),
            )
        })?;
        let outcome = attempt_once(http, copy).await;
        let again = match &outcome {
            Attempt::Answered { status, .. } if *status == 429 => true,
            Attempt::Answered { status, .. } if *status >= 500 => repeatable,
            // The first attempt under this key is still running at the gateway (the answer to
            // it was lost, or two requests met): its answer comes to a repeat once it is done.
            Attempt::Answered { status, .. } if *status == 409 => repeatable,
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

/// What differs between the two APIs for a merchant server: how the secret key is sent, and
/// the error object.
pub trait ClientApi: Send + Sync + 'static {
    /// `request` with the secret key (and the API's version header).
    fn authorize(request: reqwest::RequestBuilder, secret_key: &str) -> reqwest::RequestBuilder;
    /// The sentence of `body`, if it is this API's error object.
    fn error_message(body: &[u8]) -> Option<String>;
}

/// The Omise API: Basic with the key and no password, `Omise-Version`, `{object: "error"}`.
pub struct Omise;

impl ClientApi for Omise {
    fn authorize(request: reqwest::RequestBuilder, secret_key: &str) -> reqwest::RequestBuilder {
        request
            .basic_auth(secret_key, Some(""))
            .header("Omise-Version", paywasm_core::policy::OMISE_VERSION)
    }

    fn error_message(body: &[u8]) -> Option<String> {
        serde_json::from_slice::<paywasm_core::omise::objects::ErrorObject>(body)
            .ok()
            .map(|error| error.message)
    }
}

/// WooshPay's API: Bearer, `{error: {type, code, message}}`.
pub struct Wooshpay;

impl ClientApi for Wooshpay {
    fn authorize(request: reqwest::RequestBuilder, secret_key: &str) -> reqwest::RequestBuilder {
        request.bearer_auth(secret_key)
    }

    fn error_message(body: &[u8]) -> Option<String> {
        serde_json::from_slice::<paywasm_core::wooshpay::objects::ErrorAnswer>(body)
            .ok()
            .map(|answer| answer.error.message)
    }
}

/// Calls a gateway API as a merchant server does, with the secret key.
pub struct ApiClient<A> {
    http: reqwest::Client,
    base_url: String,
    secret_key: String,
    api: PhantomData<A>,
}

impl<A> Clone for ApiClient<A> {
    fn clone(&self) -> Self {
        Self {
            http: self.http.clone(),
            base_url: self.base_url.clone(),
            secret_key: self.secret_key.clone(),
            api: PhantomData,
        }
    }
}

/// A client of the Omise API.
pub type OmiseClient = ApiClient<Omise>;
/// A client of WooshPay's API.
pub type WooshpayClient = ApiClient<Wooshpay>;

impl<A: ClientApi> ApiClient<A> {
    /// A client of the API at `base_url`.
    pub fn new(base_url: String, secret_key: String) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            http,
            base_url,
            secret_key,
            api: PhantomData,
        })
    }

    /// A key of the merchant's for `purpose`, derived from the secret key: the same on every
    /// instance, and unknown to anyone without the secret key.
    pub(crate) fn derived_key(&self, purpose: &str) -> Vec<u8> {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(self.secret_key.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Sends `request` with the key, repeating it while that is safe ([`send_repeating`]), and
    /// reads the answer as `T`.
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, MerchantError> {
        let request = A::authorize(request, &self.secret_key)
            .build()
            .map_err(|error| {
                MerchantError::Internal(format!("a gateway request did not build: {error}"))
            })?;
        send_repeating(&self.http, request)
            .await?
            .into_result::<A, T>()
    }

    /// `GET path`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, MerchantError> {
        self.send(self.http.get(format!("{}{path}", self.base_url)))
            .await
    }

    /// `POST path` with a JSON body under `Idempotency-Key` `key`: the API answers a repeat
    /// of it with the first answer, so repeating after a lost answer never acts twice.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
        key: &str,
    ) -> Result<T, MerchantError> {
        let request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .json(body);
        self.send(request.header("Idempotency-Key", key)).await
    }

    /// `POST path` with a form body under `Idempotency-Key` `key` (as [`Self::post_json`]).
    pub async fn post_form<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
        key: &str,
    ) -> Result<T, MerchantError> {
        let request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .form(params);
        self.send(request.header("Idempotency-Key", key)).await
    }
}

impl OmiseClient {
    /// `GET /capability`: the source types the account takes, those this build knows (a
    /// method newer than this library is left out, as a page could not offer it).
    pub async fn account_methods(&self) -> Result<Vec<SourceType>, MerchantError> {
        #[derive(serde::Deserialize)]
        struct Capability {
            payment_methods: Vec<Named>,
        }
        #[derive(serde::Deserialize)]
        struct Named {
            name: String,
        }
        let capability: Capability = self.get("/capability").await?;
        Ok(capability
            .payment_methods
            .iter()
            .filter_map(|method| SourceType::parse(&method.name).ok())
            .collect())
    }

    /// `GET /sources/:id`.
    pub async fn source(&self, id: &str) -> Result<Source, MerchantError> {
        self.get(&format!("/sources/{id}")).await
    }

    /// `POST /sources` with the secret key (in-store sources carry the store and terminal),
    /// idempotent under `key`.
    pub async fn create_source_idempotent(
        &self,
        params: &[(&str, String)],
        key: &str,
    ) -> Result<Source, MerchantError> {
        self.post_form("/sources", params, key).await
    }

    /// `POST /charges`, idempotent under `key`: a retry after a lost answer never charges twice.
    pub async fn create_charge_idempotent(
        &self,
        params: &[(&str, String)],
        key: &str,
    ) -> Result<Charge, MerchantError> {
        self.post_form("/charges", params, key).await
    }

    /// `POST /charges/:id/expire`, under a key of its own: a retry after a lost answer gets the
    /// expired charge rather than "already expired".
    pub async fn expire(&self, id: &str) -> Result<Charge, MerchantError> {
        self.post_form(
            &format!("/charges/{id}/expire"),
            &[],
            &format!("expire-{id}"),
        )
        .await
    }

    /// `POST /charges/:id/refunds`, idempotent under `key`.
    pub async fn refund(&self, id: &str, amount: i64, key: &str) -> Result<Refund, MerchantError> {
        let params = [("amount", amount.to_string())];
        self.post_form(&format!("/charges/{id}/refunds"), &params, key)
            .await
    }

    /// `GET /charges/:id`.
    pub async fn charge(&self, id: &str) -> Result<Charge, MerchantError> {
        self.get(&format!("/charges/{id}")).await
    }
}
