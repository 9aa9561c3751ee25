//! The Omise-compatible gateway (API version 2017-11-02) in test mode.
//!
//! Each resource module owns its routes, handlers and queries: [`capability`] (the account's
//! methods), [`sources`], [`charges`]
//! (with the test controls), [`documents`] (QR images), [`events`] and [`refunds`]. They are
//! merged in [`app`]; [`error`] is the API's error object; [`webhooks`] is the background
//! worker that delivers events and expires charges. The test-mode authorize page is in
//! [`crate::pages`].

pub mod auth;
pub mod barcodes;
pub mod capability;
pub mod charges;
pub mod documents;
pub mod error;
pub mod events;
pub mod lists;
pub mod refunds;
pub mod sources;
pub mod webhooks;

use crate::store::Store;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

use crate::api::credentials::Keys;

/// What every gateway handler shares.
#[derive(Clone)]
pub struct GatewayState {
    pub(crate) store: Store,
    pub(crate) keys: Keys,
    /// The gateway's own base URL, for `authorize_uri` and `download_uri`.
    pub(crate) base_url: String,
    /// The biller id the sandbox's PromptPay QRs pay to.
    pub(crate) promptpay_biller_id: String,
    /// The UEN the sandbox's PayNow QRs pay to.
    pub(crate) paynow_uen: String,
    /// How long a PromptPay QR lives when its charge names no `expires_at` (the account's
    /// default; the seed's 24 h unless set shorter).
    pub(crate) promptpay_expiry_secs: i64,
    /// Where events are POSTed.
    pub(crate) webhook_endpoints: Arc<Vec<String>>,
    /// The decoded webhook signing secret.
    pub(crate) webhook_key: Arc<Vec<u8>>,
    /// The client that delivers webhooks.
    pub(crate) http: reqwest::Client,
    /// Wakes the background worker when an event is recorded.
    pub(crate) wake: Arc<Notify>,
    /// The last requests both APIs answered, for the dashboard.
    pub(crate) requests: crate::api::request_log::RequestLog,
    /// The payment methods the account has.
    pub(crate) account: Arc<capability::Account>,
}

/// How the gateway delivers webhooks.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// Endpoint URLs.
    pub endpoints: Vec<String>,
    /// The signing key (the decoded secret).
    pub key: Vec<u8>,
}

impl GatewayState {
    /// State over `store`, answering with links under `base_url`: the gateway's schema is
    /// applied here, so no handler or worker can hold a state whose tables do not exist.
    pub fn new(
        store: Store,
        keys: Keys,
        base_url: String,
        webhooks: Webhooks,
    ) -> Result<Self, crate::StartError> {
        store.migrate(SCHEMA)?;
        store.migrate(crate::api::delivery::SCHEMA)?;
        crate::api::idempotency::abandon_claims_of_dead_processes(&store);
        // Webhooks go to the endpoint configured, never where it redirects to.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            store,
            keys,
            base_url,
            // A sandbox biller: a fictitious 13-digit tax id with the 2-digit suffix.
            promptpay_biller_id: "010555600000001".into(),
            // A sandbox business: a UEN of the registered-business form, fictitious.
            paynow_uen: "202600001P".into(),
            promptpay_expiry_secs: 24 * 3_600,
            webhook_endpoints: Arc::new(webhooks.endpoints),
            webhook_key: Arc::new(webhooks.key),
            http,
            wake: Arc::new(Notify::new()),
            requests: crate::api::request_log::RequestLog::default(),
            account: Arc::default(),
        })
    }
}

impl GatewayState {
    /// The account's payment methods (`--methods`): only `methods`, or every one when none
    /// is named.
    pub fn with_methods(mut self, methods: &[paywasm_core::method::SourceType]) -> Self {
        self.account = Arc::new(capability::Account::with_methods(methods));
        self
    }

    /// The account's default PromptPay QR lifetime (at most the seed's 24 h).
    pub fn with_promptpay_expiry(mut self, lifetime: Duration) -> Self {
        let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.promptpay_expiry_secs = secs.clamp(1, 24 * 3_600);
        self
    }
}

pub(crate) use crate::api::now;

/// A request's parameters (JSON or form), refused in this API's error shape.
pub(crate) struct Body(pub crate::api::params::Params);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Body {
    type Rejection = error::ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, error::ApiError> {
        crate::api::params::Params::read(request, state)
            .await
            .map(Body)
            .map_err(Into::into)
    }
}

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sources (
    id          TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    charge_id   TEXT,
    body        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS charges (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    status         TEXT NOT NULL,
    expires_at     INTEGER,
    authorize_id   TEXT UNIQUE,
    qr_payload     TEXT,
    download_token TEXT,
    body           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS charges_pending ON charges (status, expires_at);
CREATE TABLE IF NOT EXISTS events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    key         TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    data        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES events (id),
    uri              TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_ms  INTEGER NOT NULL,
    response_status  INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    charge_id   TEXT NOT NULL REFERENCES charges (id),
    created_at  INTEGER NOT NULL,
    body        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER,
    body         TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
CREATE INDEX IF NOT EXISTS deliveries_due ON webhook_deliveries (status, next_attempt_ms);
-- An event's deliveries, which every delivery reads (its event as the API shows it): without
-- it each read scanned every delivery ever made, holding the store.
CREATE INDEX IF NOT EXISTS deliveries_of_event ON webhook_deliveries (event_id);
";

/// The gateway's router. Browsers on any merchant origin may call it (Omise.js does, with
/// the public key), so CORS allows every origin; no cookies are involved.
pub fn app(state: GatewayState) -> Router {
    let cors = crate::api::cors::public_api(&["omise-version"]);
    Router::new()
        .merge(capability::router())
        .merge(sources::router())
        .merge(charges::router())
        .merge(documents::router())
        .merge(events::router())
        .merge(refunds::router())
        .fallback(|| async { error::ApiError::NotFound("no such API endpoint".into()) })
        .layer(axum::middleware::from_fn_with_state(
            (state.store.clone(), error::OmiseShape),
            crate::api::idempotency::layer::<error::OmiseShape>,
        ))
        .layer(cors)
        .with_state(state)
}
