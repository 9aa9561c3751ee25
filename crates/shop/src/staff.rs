//! The demo shop's staff sign-in for the point of sale (the merchant library serves the
//! point of sale only behind the merchant's staff authentication, `paywasm_merchant::pos`).
//! Test mode: one demo PIN, shown on the sign-in page. A signed-in cashier holds an
//! `HttpOnly`, `SameSite=Strict` session cookie (`Secure` when the shop's address is HTTPS)
//! naming a session kept in the shop's database, signed with the shop's key (made once and
//! kept there: a restart does not sign the cashiers out, another instance knows them). A
//! session lasts a shift ([`SESSION_MS`]) and ends at sign-out. Wrong PINs are limited per
//! address and in all ([`PinTries`]): a 4-digit PIN cannot be guessed by trying.
//!
//! - `GET /pos/sign-in`: the form; `POST /pos/sign-in` (form `pin`, `next`): the cookie, then
//!   back to the point of sale; `POST /pos/sign-out`: the session ends.

use super::error::MerchantError;
use super::ShopState;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use paywasm_merchant::database::Database;
use serde::Deserialize;
use sha2::Sha256;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The demo's PIN: test mode only, and printed on the sign-in page.
pub const DEMO_PIN: &str = "2580";
/// The one demo cashier.
const DEMO_STAFF: &str = "demo-cashier";
const COOKIE: &str = "paywasm_staff";
/// How long a sign-in lasts: a shift (ms).
pub const SESSION_MS: i64 = 12 * 60 * 60 * 1_000;
/// Wrong PINs one address may enter per [`PIN_WINDOW`] ...
const PIN_TRIES_PER_ADDRESS: u32 = 5;
/// ... and all addresses together (10,000 PINs take more than two months to try).
const PIN_TRIES_IN_ALL: u32 = 50;
const PIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Wrong PINs entered lately, by address and in all (each instance counts its own).
#[derive(Default)]
pub struct PinTries {
    by_address: HashMap<IpAddr, (u32, Instant)>,
    in_all: (u32, Option<Instant>),
}

impl PinTries {
    /// Whether `address` may try a PIN now.
    fn admits(&mut self, address: IpAddr, now: Instant) -> bool {
        self.by_address
            .retain(|_, (_, since)| now.duration_since(*since) < PIN_WINDOW);
        if self
            .in_all
            .1
            .is_some_and(|since| now.duration_since(since) >= PIN_WINDOW)
        {
            self.in_all = (0, None);
        }
        let from_address = self.by_address.get(&address).map_or(0, |(tries, _)| *tries);
        from_address < PIN_TRIES_PER_ADDRESS && self.in_all.0 < PIN_TRIES_IN_ALL
    }

    /// Counts a wrong PIN from `address`.
    fn failed(&mut self, address: IpAddr, now: Instant) {
        let entry = self.by_address.entry(address).or_insert((0, now));
        entry.0 += 1;
        self.in_all.0 += 1;
        self.in_all.1.get_or_insert(now);
    }
}

/// Who is signed in at the point of sale, by their session cookie.
#[derive(Clone)]
pub struct ShopStaff {
    key: Arc<[u8; 32]>,
    database: Database,
    /// Whether the cookie is `Secure` (the shop is served over HTTPS).
    secure: bool,
    tries: Arc<Mutex<PinTries>>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

impl ShopStaff {
    /// The staff sessions of the shop whose database is `database`. The key is made by the
    /// first instance to start and read by every other, so that a cashier signed in on one
    /// instance is signed in on all.
    pub async fn open(database: &Database, secure: bool) -> Result<Self, MerchantError> {
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
        Ok(Self {
            key: Arc::new(key),
            database: database.clone(),
            secure,
            tries: Arc::default(),
        })
    }

    fn mac(&self, session: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(session.as_bytes());
        mac
    }

    /// Starts a session of `staff` lasting until `expires_ms`: its token.
    async fn start_session(&self, staff: &str, expires_ms: i64) -> Result<String, MerchantError> {
        let session = format!("{:032x}", rand::random::<u128>());
        self.database
            .execute(
                "INSERT INTO staff_sessions (id, staff, expires_ms) VALUES (?1, ?2, ?3)",
                "INSERT INTO shop_staff_sessions (id, staff, expires_ms) VALUES ($1, $2, $3)",
                &[(&session).into(), staff.into(), expires_ms.into()],
            )
            .await?;
        Ok(format!(
            "{session}.{}",
            hex::encode(self.mac(&session).finalize().into_bytes())
        ))
    }

    /// The session `token` names, if this shop signed it (checked before the database is
    /// asked: a forged cookie costs a hash, not a query).
    fn session(&self, token: &str) -> Option<String> {
        let (session, signature) = token.rsplit_once('.')?;
        let signature = hex::decode(signature).ok()?;
        self.mac(session)
            .verify_slice(&signature)
            .ok()
            .map(|()| session.to_owned())
    }

    /// The sessions a request's cookies name and this shop signed.
    fn sessions(&self, headers: &HeaderMap) -> Vec<String> {
        paywasm_merchant::cookies::values(headers, COOKIE)
            .filter_map(|token| self.session(token))
            .take(4)
            .collect()
    }

    /// The signed-in staff member of a request: from its cookie, a session not ended nor
    /// run out.
    pub async fn of(&self, headers: &HeaderMap) -> Result<Option<String>, MerchantError> {
        for session in self.sessions(headers) {
            let staff: Option<(String,)> = self
                .database
                .read_one(
                    "SELECT staff FROM staff_sessions WHERE id = ?1 AND expires_ms > ?2",
                    "SELECT staff FROM shop_staff_sessions WHERE id = $1 AND expires_ms > $2",
                    &[(&session).into(), now_ms().into()],
                )
                .await?;
            if let Some((staff,)) = staff {
                return Ok(Some(staff));
            }
        }
        Ok(None)
    }

    /// Ends the sessions a request's cookies name.
    async fn end_sessions(&self, headers: &HeaderMap) -> Result<(), MerchantError> {
        for session in self.sessions(headers) {
            self.database
                .execute(
                    "DELETE FROM staff_sessions WHERE id = ?1",
                    "DELETE FROM shop_staff_sessions WHERE id = $1",
                    &[(&session).into()],
                )
                .await?;
        }
        Ok(())
    }

    /// The session cookie carrying `token` (`None`: the cookie removed).
    fn cookie(&self, token: Option<&str>) -> Result<HeaderValue, MerchantError> {
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = match token {
            Some(token) => format!(
                "{COOKIE}={token}; Path=/pos; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
                SESSION_MS / 1_000
            ),
            None => format!("{COOKIE}=; Path=/pos; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
        };
        HeaderValue::from_str(&cookie).map_err(|error| MerchantError::Internal(error.to_string()))
    }
}

impl paywasm_merchant::pos::StaffAuth for ShopStaff {
    async fn staff(&self, headers: &HeaderMap) -> Result<Option<String>, MerchantError> {
        self.of(headers).await
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
    Query(query): Query<SignInQuery>,
) -> Result<Response, MerchantError> {
    page(next_page(query.next.as_deref()), "")
}

fn page(next: &str, problem: &str) -> Result<Response, MerchantError> {
    super::views::respond(&super::views::SignInPage {
        title: "Staff sign-in",
        next,
        pin: DEMO_PIN,
        problem,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignIn {
    pin: String,
    next: Option<String>,
}

/// `POST /pos/sign-in`.
pub(crate) async fn sign_in(
    State(state): State<ShopState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Result<Response, MerchantError> {
    paywasm_merchant::pos::refuse_cross_site(&headers)?;
    let next = next_page(form.next.as_deref());
    let now = Instant::now();
    let admitted = {
        let mut tries = state.staff.tries.lock().unwrap_or_else(|e| e.into_inner());
        let admitted = tries.admits(peer.ip(), now);
        if admitted && form.pin.trim() != DEMO_PIN {
            tries.failed(peer.ip(), now);
        }
        admitted
    };
    if !admitted {
        let mut response = page(
            next,
            "Too many wrong PINs. Wait 15 minutes, or ask the manager.",
        )?;
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(PIN_WINDOW.as_secs()));
        return Ok(response);
    }
    if form.pin.trim() != DEMO_PIN {
        let mut response = page(next, "That PIN is not right. Try again.")?;
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    let token = state
        .staff
        .start_session(DEMO_STAFF, now_ms() + SESSION_MS)
        .await?;
    let cookie = state.staff.cookie(Some(&token))?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response())
}

/// `POST /pos/sign-out`: the session ends here and on every instance.
pub(crate) async fn sign_out(
    State(state): State<ShopState>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    paywasm_merchant::pos::refuse_cross_site(&headers)?;
    state.staff.end_sessions(&headers).await?;
    let cookie = state.staff.cookie(None)?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/pos/sign-in")).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    async fn memory() -> Database {
        let database = Database::Sqlite(paywasm_store::Store::open(None, "shop").unwrap());
        database.migrate(crate::schema()).await.unwrap();
        database
    }

    fn with_cookie(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {COOKIE}={token}")).unwrap(),
        );
        headers
    }

    #[tokio::test]
    async fn only_sessions_this_shop_started_and_not_ended_are_accepted() {
        let staff = ShopStaff::open(&memory().await, false).await.unwrap();
        let token = staff
            .start_session("demo-cashier", now_ms() + SESSION_MS)
            .await
            .unwrap();
        assert_eq!(
            staff.of(&with_cookie(&token)).await.unwrap().as_deref(),
            Some("demo-cashier")
        );
        let other_shop = ShopStaff::open(&memory().await, false).await.unwrap();
        assert_eq!(other_shop.of(&with_cookie(&token)).await.unwrap(), None);
        let (session, _) = token.split_once('.').unwrap();
        let forged = format!("{session}.{}", "00".repeat(32));
        assert_eq!(staff.of(&with_cookie(&forged)).await.unwrap(), None);
        assert_eq!(staff.of(&with_cookie("demo-cashier")).await.unwrap(), None);
        // Before: a token was the staff member's name signed, valid for ever, with no way to
        // end it.
        staff.end_sessions(&with_cookie(&token)).await.unwrap();
        assert_eq!(staff.of(&with_cookie(&token)).await.unwrap(), None);
        let ran_out = staff
            .start_session("demo-cashier", now_ms() - 1)
            .await
            .unwrap();
        assert_eq!(staff.of(&with_cookie(&ran_out)).await.unwrap(), None);
    }

    #[test]
    fn the_cookie_is_secure_on_https_and_lasts_a_shift() {
        // Cookies are made without the database.
        let database = Database::Sqlite(paywasm_store::Store::open(None, "shop").unwrap());
        let staff = |secure| ShopStaff {
            key: Arc::new([7; 32]),
            database: database.clone(),
            secure,
            tries: Arc::default(),
        };
        let https = staff(true).cookie(Some("t")).unwrap();
        let https = https.to_str().unwrap();
        assert!(
            https.contains("; Secure") && https.contains("HttpOnly"),
            "{https}"
        );
        assert!(https.contains("Max-Age=43200"), "{https}");
        let http = staff(false).cookie(Some("t")).unwrap();
        assert!(!http.to_str().unwrap().contains("Secure"));
        let removed = staff(true).cookie(None).unwrap();
        assert!(removed.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn wrong_pins_are_limited_per_address_and_in_all() {
        let mut tries = PinTries::default();
        let (one, now) = (IpAddr::from([10, 0, 0, 1]), Instant::now());
        for _ in 0..PIN_TRIES_PER_ADDRESS {
            assert!(tries.admits(one, now));
            tries.failed(one, now);
        }
        assert!(!tries.admits(one, now), "a sixth try from one address");
        assert!(tries.admits(one, now + PIN_WINDOW), "after the window");
        let mut tries = PinTries::default();
        for n in 0..PIN_TRIES_IN_ALL {
            let address = IpAddr::from([10, 0, (n / 200) as u8, (n % 200) as u8]);
            assert!(tries.admits(address, now));
            tries.failed(address, now);
        }
        assert!(
            !tries.admits(IpAddr::from([10, 9, 9, 9]), now),
            "guessing from many addresses"
        );
    }

    #[tokio::test]
    async fn the_key_outlives_a_restart() {
        let dir = std::env::temp_dir().join(format!("paywasm-staff-{}", std::process::id()));
        let open = || Database::Sqlite(paywasm_store::Store::open(Some(&dir), "shop").unwrap());
        open().migrate(crate::schema()).await.unwrap();
        let token = ShopStaff::open(&open(), false)
            .await
            .unwrap()
            .start_session("demo-cashier", now_ms() + SESSION_MS)
            .await
            .unwrap();
        assert_eq!(
            ShopStaff::open(&open(), false)
                .await
                .unwrap()
                .of(&with_cookie(&token))
                .await
                .unwrap()
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
