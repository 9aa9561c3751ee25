//! The demo shop's staff sign-in for the point of sale (the merchant library serves the
//! point of sale only behind the merchant's staff authentication, `paywasm_merchant::pos`).
//! Test mode: one demo PIN, shown on the sign-in page. A signed-in cashier holds an
//! `HttpOnly`, `SameSite=Strict` session cookie signed with the shop's key, made once and kept
//! in its database (a restart does not sign the cashiers out).
//!
//! - `GET /pos/sign-in`: the form; `POST /pos/sign-in` (form `pin`, `next`): the cookie, then
//!   back to the point of sale.

use super::error::MerchantError;
use super::ShopState;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use paywasm_merchant::database::Database;
use serde::Deserialize;
use sha2::Sha256;
use std::sync::Arc;

/// The demo's PIN: test mode only, and printed on the sign-in page.
pub const DEMO_PIN: &str = "2580";
/// The one demo cashier.
const DEMO_STAFF: &str = "demo-cashier";
const COOKIE: &str = "paywasm_staff";

/// Who is signed in at the point of sale, by their session cookie.
#[derive(Clone)]
pub struct ShopStaff {
    key: Arc<[u8; 32]>,
}

impl ShopStaff {
    /// The staff sessions of the shop whose database is `database`. The key is made by the
    /// first instance to start and read by every other, so that a cashier signed in on one
    /// instance is signed in on all.
    pub async fn open(database: &Database) -> Result<Self, MerchantError> {
        database
            .migrate(
                "CREATE TABLE IF NOT EXISTS staff_key (
                    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
                    key        BLOB NOT NULL
                );",
                "CREATE TABLE IF NOT EXISTS shop_staff_key (
                    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
                    key        BYTEA NOT NULL
                );",
            )
            .await?;
        let made: [u8; 32] = rand::random();
        database
            .execute(
                "INSERT INTO staff_key (singleton, key) VALUES (1, ?1) ON CONFLICT DO NOTHING",
                "INSERT INTO shop_staff_key (singleton, key) VALUES (1, $1) ON CONFLICT DO NOTHING",
                &[made.as_slice().into()],
            )
            .await?;
        let kept: Option<(Vec<u8>,)> = database
            .read_one(
                "SELECT key FROM staff_key",
                "SELECT key FROM shop_staff_key",
                &[],
            )
            .await?;
        let key: [u8; 32] = kept
            .and_then(|(key,)| key.try_into().ok())
            .ok_or_else(|| MerchantError::Internal("the staff key is not kept".into()))?;
        Ok(Self { key: Arc::new(key) })
    }

    #[cfg(test)]
    fn with_random_key() -> Self {
        Self {
            key: Arc::new(rand::random()),
        }
    }

    fn mac(&self, staff: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(staff.as_bytes());
        mac
    }

    /// A session token for `staff`.
    fn token(&self, staff: &str) -> String {
        format!(
            "{staff}.{}",
            hex::encode(self.mac(staff).finalize().into_bytes())
        )
    }

    /// The staff member `token` was made for, if this shop made it.
    fn verify(&self, token: &str) -> Option<String> {
        let (staff, signature) = token.rsplit_once('.')?;
        let signature = hex::decode(signature).ok()?;
        self.mac(staff)
            .verify_slice(&signature)
            .ok()
            .map(|()| staff.to_owned())
    }

    /// The signed-in staff member of a request, from its cookie.
    pub fn of(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|cookie| cookie.trim().strip_prefix(&format!("{COOKIE}=")))
            .find_map(|token| self.verify(token))
    }
}

impl paywasm_merchant::pos::StaffAuth for ShopStaff {
    async fn staff(&self, headers: &HeaderMap) -> Result<Option<String>, MerchantError> {
        Ok(self.of(headers))
    }
}

/// Where to go after signing in: a page of the point of sale, nothing else.
fn next_page(next: Option<&str>) -> &str {
    next.filter(|next| *next == "/pos" || next.starts_with("/pos?"))
        .unwrap_or("/pos")
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInQuery {
    next: Option<String>,
}

/// `GET /pos/sign-in`.
pub(crate) async fn sign_in_page(
    State(state): State<ShopState>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, MerchantError> {
    page(&state, next_page(query.next.as_deref()), "")
}

fn page(state: &ShopState, next: &str, problem: &str) -> Result<Response, MerchantError> {
    super::pages::render_with(
        state,
        "pos-sign-in.html",
        "Staff sign-in",
        "",
        serde_json::Value::Null,
        &[
            ("NEXT", next.to_owned()),
            ("PIN", DEMO_PIN.to_owned()),
            ("PROBLEM", problem.to_owned()),
        ],
        "",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignIn {
    pin: String,
    next: Option<String>,
}

/// `POST /pos/sign-in`.
pub(crate) async fn sign_in(
    State(state): State<ShopState>,
    Form(form): Form<SignIn>,
) -> Result<Response, MerchantError> {
    let next = next_page(form.next.as_deref());
    if form.pin.trim() != DEMO_PIN {
        let mut response = page(&state, next, "That PIN is not right. Try again.")?;
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    let cookie = format!(
        "{COOKIE}={}; Path=/pos; HttpOnly; SameSite=Strict",
        state.staff.token(DEMO_STAFF)
    );
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|error| MerchantError::Internal(error.to_string()))?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_this_shop_made_are_accepted() {
        let staff = ShopStaff::with_random_key();
        let token = staff.token("demo-cashier");
        assert_eq!(staff.verify(&token).as_deref(), Some("demo-cashier"));
        assert_eq!(
            ShopStaff::with_random_key().verify(&token),
            None,
            "another shop's key"
        );
        let forged = token.replacen("demo-cashier", "manager", 1);
        assert_eq!(staff.verify(&forged), None);
        assert_eq!(staff.verify("demo-cashier"), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {COOKIE}={token}")).unwrap(),
        );
        assert_eq!(staff.of(&headers).as_deref(), Some("demo-cashier"));
    }

    #[tokio::test]
    async fn the_key_outlives_a_restart() {
        let dir = std::env::temp_dir().join(format!("paywasm-staff-{}", std::process::id()));
        let open = || Database::Sqlite(crate::store::Store::open(Some(&dir), "shop").unwrap());
        let token = ShopStaff::open(&open())
            .await
            .unwrap()
            .token("demo-cashier");
        assert_eq!(
            ShopStaff::open(&open())
                .await
                .unwrap()
                .verify(&token)
                .as_deref(),
            Some("demo-cashier")
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn signing_in_returns_only_to_the_point_of_sale() {
        assert_eq!(next_page(Some("/pos?amount=40000")), "/pos?amount=40000");
        assert_eq!(next_page(Some("https://evil.example/")), "/pos");
        assert_eq!(next_page(Some("/posx")), "/pos");
        assert_eq!(next_page(None), "/pos");
    }
}
