//! The test-mode dashboard (`/dashboard`), as Omise's dashboard is in test mode: the charges
//! the gateway made (newest first, filtered, followed live while open), each charge's page with
//! what the seeds' test mode offers (**Mark as paid**, **Mark as failed** with its method's
//! failure codes, **Expire**, **Refund**), its events and their webhook deliveries.
//!
//! Signed in with the sandbox's secret key (never the public key): a session of 12 hours in a
//! `HttpOnly`, `SameSite=Strict` cookie (`Secure` on HTTPS), ended by **Sign out**. An
//! address that tried five wrong keys in a minute waits out the minute, whatever it sends. Every action
//! is a plain form (it works without JavaScript) taken from the dashboard's own pages only; a
//! refused one says why on the page and changes nothing. Pages are askama templates
//! (`templates/dashboard/`), which escape what they show.

mod deliveries;
mod times;
mod views;
mod wooshpay;

pub(crate) use wooshpay::router as wooshpay_router;

use crate::api::idempotency::Answer;
use crate::gateway::error::ApiError;
use crate::gateway::{charges, events, now, refunds, GatewayState};
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Extension;
use axum::Router;
use rusqlite::OptionalExtension;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The session cookie's name.
const COOKIE: &str = "paywasm_dashboard";
/// How long a sign-in lasts.
const SESSION_SECS: i64 = 12 * 3_600;
/// The most charges a list shows.
const LIST_LIMIT: i64 = 100;
/// The most events a page shows.
const EVENTS_LIMIT: i64 = 50;

/// The dashboard's tables, in the gateway's store.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS dashboard_sessions (
    token_hash  TEXT PRIMARY KEY,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dashboard_sign_in_failures (
    client  TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dashboard_sign_in_failures_of ON dashboard_sign_in_failures (client, at);
";

/// Wrong keys one address may try per [`FAILURE_WINDOW_SECS`] before sign-in waits: enough
/// for typing mistakes, too few to guess a key.
const FAILURES_ALLOWED: i64 = 5;
const FAILURE_WINDOW_SECS: i64 = 60;

/// The dashboard's style and script (`www/gateway/dashboard`), from the gateway's folder.
pub fn assets(gateway_www: &std::path::Path) -> Router {
    Router::new().nest_service(
        "/dashboard/assets",
        ServeDir::new(gateway_www.join("dashboard")),
    )
}

/// The dashboard's pages.
pub(crate) fn router() -> Router<GatewayState> {
    with_dashboard_headers(
        Router::new()
            .route(
                "/dashboard",
                get(|| async { Redirect::to("/dashboard/charges") }),
            )
            .route("/dashboard/sign-in", get(sign_in_form).post(sign_in))
            .route("/dashboard/sign-out", post(sign_out))
            .route("/dashboard/charges", get(charges_list))
            .route("/dashboard/charges/{id}", get(charge_page))
            .route("/dashboard/events", get(events_page))
            .route("/dashboard/requests", get(requests_page))
            .route("/dashboard/charges/{id}/{action}", post(charge_action))
            .route(
                "/dashboard/charges/{id}/events/{event}/resend",
                post(event_resend),
            ),
    )
}

/// The dashboard's headers on `router`'s pages: its own files only, framed by no one, never
/// cached (they show the account's data).
fn with_dashboard_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// What a dashboard request may end in: a page, or a refusal shown as one.
enum DashboardError {
    /// Not signed in: to the sign-in form.
    SignedOut,
    /// A form posted from another site.
    CrossSite,
    /// What the gateway refused or could not do, with its sentence.
    Api(ApiError),
    /// What the WooshPay API refused or could not do.
    Wooshpay(crate::wooshpay::error::WpError),
    /// A page that could not be written.
    Template(askama::Error),
}

impl From<ApiError> for DashboardError {
    fn from(error: ApiError) -> Self {
        DashboardError::Api(error)
    }
}

impl From<crate::store::StoreError> for DashboardError {
    fn from(error: crate::store::StoreError) -> Self {
        DashboardError::Api(error.into())
    }
}

impl From<crate::wooshpay::error::WpError> for DashboardError {
    fn from(error: crate::wooshpay::error::WpError) -> Self {
        DashboardError::Wooshpay(error)
    }
}

impl From<askama::Error> for DashboardError {
    fn from(error: askama::Error) -> Self {
        DashboardError::Template(error)
    }
}

impl IntoResponse for DashboardError {
    fn into_response(self) -> Response {
        match self {
            DashboardError::SignedOut => Redirect::to("/dashboard/sign-in").into_response(),
            DashboardError::CrossSite => (
                StatusCode::FORBIDDEN,
                "The dashboard takes forms from its own pages only.",
            )
                .into_response(),
            DashboardError::Api(ApiError::NotFound(problem)) => {
                page(StatusCode::NOT_FOUND, &views::Missing { problem })
            }
            DashboardError::Api(error) => error.into_response(),
            DashboardError::Wooshpay(crate::wooshpay::error::WpError::NotFound(problem)) => {
                page(StatusCode::NOT_FOUND, &views::Missing { problem })
            }
            DashboardError::Wooshpay(error) => error.into_response(),
            DashboardError::Template(error) => {
                tracing::error!(%error, "a dashboard page could not be written");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The page could not be written.",
                )
                    .into_response()
            }
        }
    }
}

/// `template` as an HTML answer with `status`.
fn page(status: StatusCode, template: &impl askama::Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => DashboardError::Template(error).into_response(),
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session tokens a request's cookies carry.
fn tokens(headers: &HeaderMap) -> Vec<String> {
    crate::api::cookie_values(headers, COOKIE)
        .filter(|token| token.len() == 32)
        .map(str::to_owned)
        .take(4)
        .collect()
}

/// Refuses a request from no signed-in session (sessions are kept in the gateway's `store`,
/// which both APIs share).
fn signed_in(store: &crate::store::Store, headers: &HeaderMap) -> Result<(), DashboardError> {
    let at = now().unix();
    for token in tokens(headers) {
        let hash = token_hash(&token);
        let found = store.call(|db| {
            db.query_row(
                "SELECT 1 FROM dashboard_sessions WHERE token_hash = ?1 AND expires_at > ?2",
                rusqlite::params![hash, at],
                |_| Ok(()),
            )
            .optional()
        })?;
        if found.is_some() {
            return Ok(());
        }
    }
    Err(DashboardError::SignedOut)
}

/// Refuses a form another site made the browser send: only the dashboard's own pages (or the
/// person typing the address) may act.
fn same_origin(headers: &HeaderMap) -> Result<(), DashboardError> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let forged = match (text("sec-fetch-site"), text("origin")) {
        (Some(site), _) => !matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => origin
            .split_once("://")
            .is_none_or(|(_, authority)| Some(authority) != text("host")),
        (None, None) => false,
    };
    if forged {
        Err(DashboardError::CrossSite)
    } else {
        Ok(())
    }
}

/// The session cookie carrying `token` (`None`: the cookie removed).
fn cookie(state: &GatewayState, token: Option<&str>) -> HeaderValue {
    let secure = if state.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let (value, age) = token.map_or(("", 0), |token| (token, SESSION_SECS));
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/dashboard; Max-Age={age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("paywasm_dashboard=; Max-Age=0"))
}

async fn sign_in_form() -> Response {
    page(StatusCode::OK, &views::SignIn { problem: None })
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    #[serde(default)]
    key: String,
}

/// The address a sign-in comes from, as the socket saw it (none when driven without one).
fn client_of(connected: Option<Extension<ConnectInfo<SocketAddr>>>) -> String {
    connected.map_or_else(String::new, |Extension(ConnectInfo(address))| {
        address.ip().to_string()
    })
}

/// Seconds until `client` may try a key again, if it tried too many wrong ones lately.
fn sign_in_wait(
    state: &GatewayState,
    client: &str,
    at: i64,
) -> Result<Option<i64>, DashboardError> {
    let (failures, oldest): (i64, Option<i64>) = state.store.call(|db| {
        db.query_row(
            "SELECT COUNT(*), MIN(at) FROM dashboard_sign_in_failures WHERE client = ?1 AND at > ?2",
            rusqlite::params![client, at - FAILURE_WINDOW_SECS],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
    })?;
    Ok((failures >= FAILURES_ALLOWED).then(|| {
        oldest
            .map_or(FAILURE_WINDOW_SECS, |oldest| {
                oldest + FAILURE_WINDOW_SECS - at
            })
            .max(1)
    }))
}

async fn sign_in(
    State(state): State<GatewayState>,
    connected: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, DashboardError> {
    same_origin(&headers)?;
    let client = client_of(connected);
    let at = now().unix();
    if let Some(wait) = sign_in_wait(&state, &client, at)? {
        let mut answer = page(
            StatusCode::TOO_MANY_REQUESTS,
            &views::SignIn {
                problem: Some(format!(
                    "Too many wrong keys from this address: try again in {wait} s. npm start prints the secret key (skey_test_…)."
                )),
            },
        );
        if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
            answer.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(answer);
    }
    let key = form.key.trim();
    let matches = |known: &str| -> bool {
        subtle::ConstantTimeEq::ct_eq(key.as_bytes(), known.as_bytes()).into()
    };
    if !matches(&state.keys.secret) {
        let problem = if matches(&state.keys.public) {
            "That is the public key, which the browser may see: the dashboard takes the secret key (skey_test_…)."
        } else if key.is_empty() {
            "Enter the secret key of this sandbox (skey_test_…): npm start prints it."
        } else {
            "That is not the secret key of this sandbox. npm start prints it (skey_test_…)."
        };
        state.store.call(|db| {
            db.execute(
                "DELETE FROM dashboard_sign_in_failures WHERE at <= ?1",
                [at - FAILURE_WINDOW_SECS],
            )?;
            db.execute(
                "INSERT INTO dashboard_sign_in_failures (client, at) VALUES (?1, ?2)",
                rusqlite::params![client, at],
            )
        })?;
        return Ok(page(
            StatusCode::UNAUTHORIZED,
            &views::SignIn {
                problem: Some(problem.to_owned()),
            },
        ));
    }
    let token = format!("{:032x}", rand::random::<u128>());
    let hash = token_hash(&token);
    state.store.call(|db| {
        db.execute(
            "DELETE FROM dashboard_sessions WHERE expires_at <= ?1",
            [at],
        )?;
        db.execute(
            "INSERT INTO dashboard_sessions (token_hash, expires_at) VALUES (?1, ?2)",
            rusqlite::params![hash, at + SESSION_SECS],
        )
    })?;
    Ok((
        [(header::SET_COOKIE, cookie(&state, Some(&token)))],
        Redirect::to("/dashboard/charges"),
    )
        .into_response())
}

async fn sign_out(
    State(state): State<GatewayState>,
    headers: HeaderMap,
) -> Result<Response, DashboardError> {
    same_origin(&headers)?;
    for token in tokens(&headers) {
        let hash = token_hash(&token);
        state.store.call(|db| {
            db.execute(
                "DELETE FROM dashboard_sessions WHERE token_hash = ?1",
                [hash],
            )
        })?;
    }
    Ok((
        [(header::SET_COOKIE, cookie(&state, None))],
        Redirect::to("/dashboard/sign-in"),
    )
        .into_response())
}

/// The charges list's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filter {
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) method: String,
    #[serde(default)]
    pub(crate) q: String,
}

async fn charges_list(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
) -> Result<Response, DashboardError> {
    signed_in(&state.store, &headers)?;
    let mut problem = None;
    let status = match filter.status.as_str() {
        "" => None,
        known if views::STATUSES.contains(&known) => Some(known.to_owned()),
        _ => {
            problem = Some("That status is not one a charge has: showing every status.".to_owned());
            None
        }
    };
    let method = match filter.method.as_str() {
        "" => None,
        known if views::methods().iter().any(|(name, _)| *name == known) => Some(known.to_owned()),
        _ => {
            problem =
                Some("That method is not one the sandbox offers: showing every method.".to_owned());
            None
        }
    };
    let search = filter.q.trim().chars().take(100).collect::<String>();
    let ids = state.store.call(|db| {
        let mut statement = db.prepare(
            "SELECT id FROM charges
             WHERE (?1 IS NULL OR status = ?1)
               AND (?2 IS NULL OR json_extract(body, '$.source.type') = ?2)
               AND (?3 = '' OR id = ?3 OR json_extract(body, '$.metadata.order_id') = ?3)
             ORDER BY seq DESC LIMIT ?4",
        )?;
        let ids = statement
            .query_map(
                rusqlite::params![status, method, search, LIST_LIMIT],
                |row| row.get::<_, String>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    })?;
    // Read through the API's own loader, which applies a due expiry first.
    let rows = ids
        .iter()
        .map(|id| charges::load(&state, id).map(|charge| views::Row::of(&charge)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page(
        StatusCode::OK,
        &views::Charges {
            rows,
            filter,
            problem,
            statuses: views::STATUSES,
            methods: views::methods(),
        },
    ))
}

#[derive(Debug, Deserialize)]
struct Done {
    done: Option<String>,
}

async fn charge_page(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, DashboardError> {
    signed_in(&state.store, &headers)?;
    let done = done.done.as_deref().and_then(views::done_sentence);
    charge_view(&state, &id, done, None, StatusCode::OK)
}

/// Charge `id`'s page, saying `done` or `problem`.
fn charge_view(
    state: &GatewayState,
    id: &str,
    done: Option<&str>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, DashboardError> {
    let charge = charges::load(state, id)?;
    let events = state.store.call(|db| {
        deliveries::events(db, &deliveries::OMISE_OF_CHARGE, &charge.id, EVENTS_LIMIT)
    })?;
    Ok(page(
        status,
        &views::ChargePage::of(&charge, events, done.map(str::to_owned), problem),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    failure_code: Option<String>,
    amount: Option<String>,
}

async fn charge_action(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Result<Response, DashboardError> {
    same_origin(&headers)?;
    signed_in(&state.store, &headers)?;
    let done = match action.as_str() {
        "mark_as_paid" => charges::load(&state, &id)
            .and_then(|charge| {
                charges::finish(&state, charge, charges::Outcome::Paid, &Answer::none())
            })
            .map(|_| "paid"),
        "mark_as_failed" => {
            let code = form.failure_code.as_deref().filter(|code| {
                paywasm_core::failure::FailureCode::parse(code)
                    != paywasm_core::failure::FailureCode::Unknown
            });
            match code {
                Some(code) => charges::mark_as_failed(&state, &id, Some(code), &Answer::none())
                    .map(|_| "failed"),
                None => Err(ApiError::BadRequest(
                    "choose a failure code from the list".into(),
                )),
            }
        }
        "expire" => charges::expire(&state, &id, &Answer::none()).map(|_| "expired"),
        "refunds" => {
            let charge = charges::load(&state, &id)?;
            let amount = form.amount.as_deref().unwrap_or_default();
            match charge.currency.parse_decimal(amount) {
                Some(amount) => {
                    refunds::create(&state, &id, amount, serde_json::Map::new(), &Answer::none())
                        .map(|_| "refunded")
                }
                None => Err(ApiError::InvalidAmount(format!(
                    "write the amount to refund in {} with at most {} decimals, such as {}",
                    charge.currency.as_str(),
                    charge.currency.exponent(),
                    charge.currency.format_decimal(charge.amount),
                ))),
            }
        }
        _ => {
            return Err(DashboardError::Api(ApiError::NotFound(format!(
                "The dashboard has no action {action:?}."
            ))))
        }
    };
    match done {
        Ok(done) => {
            Ok(Redirect::to(&format!("/dashboard/charges/{id}?done={done}")).into_response())
        }
        Err(missing @ ApiError::NotFound(_)) => Err(missing.into()),
        Err(refused) => charge_view(
            &state,
            &id,
            None,
            Some(views::refusal_sentence(&refused)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
struct EventsFilter {
    #[serde(default)]
    key: String,
    done: Option<String>,
}

/// The newest events (of one key, if chosen), each with its delivery attempts.
async fn events_page(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(filter): Query<EventsFilter>,
) -> Result<Response, DashboardError> {
    signed_in(&state.store, &headers)?;
    let keys = state.store.call(|db| {
        let mut statement = db.prepare("SELECT DISTINCT key FROM events ORDER BY key")?;
        let keys = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(keys)
    })?;
    let (key, problem) = if filter.key.is_empty() || keys.contains(&filter.key) {
        (filter.key, None)
    } else {
        (
            String::new(),
            Some("No event has that key yet: showing every event."),
        )
    };
    let events = state
        .store
        .call(|db| deliveries::events(db, &deliveries::OMISE_LATEST, &key, EVENTS_LIMIT))?;
    Ok(page(
        StatusCode::OK,
        &views::Events {
            events,
            back: "events",
            keys,
            key,
            done: filter.done.as_deref().and_then(views::done_sentence),
            problem,
        },
    ))
}

/// The Requests page's filters, as its form sends them.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RequestsFilter {
    /// `Omise` or `WooshPay`; any other value shows both.
    #[serde(default)]
    pub(crate) api: String,
    /// `on`: only what was refused (4xx and 5xx).
    #[serde(default)]
    pub(crate) refused: String,
}

/// The last requests both APIs answered, newest first.
async fn requests_page(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(filter): Query<RequestsFilter>,
) -> Result<Response, DashboardError> {
    signed_in(&state.store, &headers)?;
    let problem = match filter.api.as_str() {
        "" | "Omise" | "WooshPay" => None,
        _ => Some("That is not one of the gateway's APIs (Omise, WooshPay): showing both."),
    };
    let rows = state
        .requests
        .newest_first()
        .into_iter()
        .filter(|logged| {
            !matches!(filter.api.as_str(), "Omise" | "WooshPay") || logged.api == filter.api
        })
        .filter(|logged| filter.refused.is_empty() || logged.status >= 400)
        .map(views::RequestRow::of)
        .collect();
    Ok(page(
        StatusCode::OK,
        &views::Requests {
            rows,
            filter,
            problem,
            capacity: crate::api::request_log::CAPACITY,
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ResendForm {
    /// `events` to return to the events page; otherwise the charge's page.
    #[serde(default)]
    back: String,
}

/// **Resend**: the event, about charge `id`, delivered again to the webhook endpoints.
async fn event_resend(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path((id, event)): Path<(String, String)>,
    Form(form): Form<ResendForm>,
) -> Result<Response, DashboardError> {
    same_origin(&headers)?;
    signed_in(&state.store, &headers)?;
    let charge = charges::load(&state, &id)?;
    let about_it = state.store.call(|db| {
        db.query_row(
            "SELECT 1 FROM events WHERE id = ?1
               AND (json_extract(data, '$.id') = ?2 OR json_extract(data, '$.charge') = ?2)",
            [event.as_str(), &charge.id],
            |_| Ok(()),
        )
        .optional()
    })?;
    if about_it.is_none() {
        return Err(DashboardError::Api(ApiError::NotFound(format!(
            "Charge {id} has no event {event:?}."
        ))));
    }
    match events::resend(&state, &event) {
        Ok(_) if form.back == "events" => {
            Ok(Redirect::to("/dashboard/events?done=resent").into_response())
        }
        Ok(_) => Ok(
            Redirect::to(&format!("/dashboard/charges/{}?done=resent", charge.id)).into_response(),
        ),
        Err(missing @ ApiError::NotFound(_)) => Err(missing.into()),
        Err(refused) => charge_view(
            &state,
            &charge.id,
            None,
            Some(views::refusal_sentence(&refused)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
