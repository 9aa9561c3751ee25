//! The shop's client of the gateway API, with the secret key.

use crate::error::ApiError;
use paywasm_core::objects::{Charge, ErrorObject, Source};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Calls the gateway as a merchant server does.
#[derive(Clone)]
pub struct GatewayClient {
    http: reqwest::Client,
    base_url: String,
    secret_key: String,
}

impl GatewayClient {
    /// A client of the gateway at `base_url`.
    pub fn new(base_url: String, secret_key: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .expect("a plain HTTP client builds");
        Self {
            http,
            base_url,
            secret_key,
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ApiError> {
        let response = request
            .basic_auth(&self.secret_key, Some(""))
            .header("Omise-Version", "2017-11-02")
            .send()
            .await
            .map_err(|error| {
                ApiError::BadGateway(format!("the payment gateway could not be reached: {error}"))
            })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| {
            ApiError::BadGateway(format!("the payment gateway's answer was cut off: {error}"))
        })?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|error| {
                ApiError::BadGateway(format!(
                    "the payment gateway's answer is not understood: {error}"
                ))
            });
        }
        match serde_json::from_slice::<ErrorObject>(&body) {
            Ok(error) if status.as_u16() == 404 => Err(ApiError::NotFound(error.message)),
            // The gateway's sentence reaches the cashier or customer as it is; its code is the
            // gateway's vocabulary, not theirs.
            Ok(error) if status.is_client_error() => {
                Err(ApiError::Unprocessable("payment_refused", error.message))
            }
            _ => Err(ApiError::BadGateway(format!(
                "the payment gateway answered {status}"
            ))),
        }
    }

    /// `GET /sources/:id`.
    pub async fn source(&self, id: &str) -> Result<Source, ApiError> {
        self.send(self.http.get(format!("{}/sources/{id}", self.base_url)))
            .await
    }

    /// `POST /charges` with form parameters, as omise-ruby sends them.
    pub async fn create_charge(&self, params: &[(&str, String)]) -> Result<Charge, ApiError> {
        self.send(
            self.http
                .post(format!("{}/charges", self.base_url))
                .form(params),
        )
        .await
    }

    /// `POST /sources` with the secret key (in-store sources carry the store and terminal),
    /// idempotent under `key`.
    pub async fn create_source_idempotent(
        &self,
        params: &[(&str, String)],
        key: &str,
    ) -> Result<Source, ApiError> {
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
    ) -> Result<Charge, ApiError> {
        let request = self
            .http
            .post(format!("{}/charges", self.base_url))
            .form(params);
        self.send(request.header("Idempotency-Key", key)).await
    }

    /// `POST /charges/:id/expire`.
    pub async fn expire(&self, id: &str) -> Result<Charge, ApiError> {
        self.send(
            self.http
                .post(format!("{}/charges/{id}/expire", self.base_url)),
        )
        .await
    }

    /// `POST /charges/:id/refunds`, idempotent under `key`.
    pub async fn refund(
        &self,
        id: &str,
        amount: i64,
        key: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let request = self
            .http
            .post(format!("{}/charges/{id}/refunds", self.base_url))
            .form(&[("amount", amount.to_string())]);
        self.send(request.header("Idempotency-Key", key)).await
    }

    /// `GET /charges/:id`.
    pub async fn charge(&self, id: &str) -> Result<Charge, ApiError> {
        self.send(self.http.get(format!("{}/charges/{id}", self.base_url)))
            .await
    }
}
