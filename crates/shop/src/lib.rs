//! `paywasm-shop`, the demo shop: the reference merchant server, built as a merchant's would be,
//! on `paywasm-merchant` and `paywasm-core` alone (the sandbox runs it beside its gateway). It
//! holds the secret key, sells one product in THB, and serves what DESIGN.md's merchant
//! contract names:
//!
//! - `GET /`: the product page, which mounts the widget for a new order;
//! - `POST /checkout/charges`, `GET /checkout/charges/:id?wait=N`, `POST /webhooks/omise`: the
//!   widget's contract on the Omise API, served by the merchant library
//!   (`paywasm_merchant::checkout`) over the shop's orders ([`checkout::ShopOrders`]);
//! - `GET /sg`, `POST /sg/checkout/charges`, `GET /sg/checkout/charges/:id`: the same in
//!   Singapore dollars ([`SINGAPORE`]: PayNow in PromptPay's place), and so under `/my` in
//!   ringgit ([`MALAYSIA`]: Touch 'n Go, ShopeePay, GrabPay, DuitNow QR) and under `/jp` in yen
//!   ([`JAPAN`]: PayPay);
//! - `GET /return?order=...`: where a method's page (Alipay's, GrabPay's, ...) sends the
//!   customer back;
//! - `/pos`: the cashier's page, behind the demo staff sign-in ([`staff`]); `/pos/charges*`:
//!   the point of sale's in-store charges, cancel and refunds, served by the merchant library
//!   (`paywasm_merchant::pos`) for the signed-in staff only;
//! - `/wooshpay*`, `/webhooks/wooshpay`: the same shop on WooshPay's API ([`wooshpay`]);
//! - `/assets/*` the shop's pages' files; the widget's own files (`/pkg/*`) are mounted beside
//!   it by whoever runs it, from wherever the widget is built.

pub mod checkout;
pub mod error;
mod examples;
mod pages;
pub mod staff;
mod views;
pub mod wooshpay;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;
use error::MerchantError;
use paywasm_core::method::{GatewayOnly, SourceType};
use paywasm_merchant::account::AccountMethods;
use paywasm_merchant::checkout::Checkout;
use paywasm_merchant::client::{OmiseClient, WooshpayClient};
use paywasm_merchant::database::{Database, Schema};
use paywasm_merchant::pos::PointOfSale;
use paywasm_merchant::records::Records;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// The one product the demo shop sells.
pub struct Product {
    /// Its name.
    pub name: &'static str,
    /// Price in satang.
    pub amount: i64,
    /// `THB`.
    pub currency: &'static str,
}

/// A hand-woven scarf at THB 1,290.00: within PromptPay's and Alipay's limits.
pub const PRODUCT: Product = Product {
    name: "Hand-woven silk scarf",
    amount: 129_000,
    currency: "THB",
};

/// Where the shop sells with Omise: each market has its product page, its price in its
/// currency, and its own checkout (the merchant library's, over the orders of its listing),
/// so that the methods offered are the market's (PromptPay in Thailand, PayNow in Singapore).
#[derive(Debug, Clone, Copy)]
pub struct Market {
    /// Where its pages and its checkout's endpoints are (`""`: the shop's root).
    pub path: &'static str,
    /// What its product page sells, at what price.
    pub listing: checkout::Listing,
    /// Where the order is shipped, as its page says.
    pub shipping: &'static str,
    /// The methods its page offers (the widget's `methods` option), where not the checkout's
    /// own: Opn's methods beyond those are offered only where a shop names them.
    pub offers: Option<&'static [SourceType]>,
}

/// Thailand: the scarf in baht.
pub const THAILAND: Market = Market {
    path: "",
    listing: checkout::Listing::product(),
    shipping: "Shipping in Thailand",
    offers: None,
};

/// Singapore: the scarf in Singapore dollars, within PayNow's and Alipay's limits.
pub const SINGAPORE: Market = Market {
    path: "/sg",
    listing: checkout::Listing {
        product: PRODUCT.name,
        amount: 5_200,
        currency: "SGD",
    },
    shipping: "Shipping to Singapore",
    offers: None,
};

/// Malaysia: the scarf in ringgit, paid with Malaysia's wallets and DuitNow QR (Opn's methods
/// beyond the checkout's own, which the page names). ShopeePay both ways: the checkout offers
/// its app on a phone and its page with the QR on a desktop.
pub const MALAYSIA: Market = Market {
    path: "/my",
    listing: checkout::Listing {
        product: PRODUCT.name,
        amount: 18_900,
        currency: "MYR",
    },
    shipping: "Shipping to Malaysia",
    offers: Some(&[
        SourceType::GatewayOnly(GatewayOnly::TouchNGo),
        SourceType::GatewayOnly(GatewayOnly::Shopeepay),
        SourceType::GatewayOnly(GatewayOnly::ShopeepayJumpapp),
        SourceType::GatewayOnly(GatewayOnly::Grabpay),
        SourceType::GatewayOnly(GatewayOnly::DuitnowQr),
    ]),
};

/// Japan: the scarf in yen (no minor unit), paid with PayPay.
pub const JAPAN: Market = Market {
    path: "/jp",
    listing: checkout::Listing {
        product: PRODUCT.name,
        amount: 6_200,
        currency: "JPY",
    },
    shipping: "Shipping to Japan",
    offers: Some(&[SourceType::GatewayOnly(GatewayOnly::Paypay)]),
};

/// Every market, [`THAILAND`] first (the shop's own, for any currency no market sells in).
pub static MARKETS: [Market; 4] = [THAILAND, SINGAPORE, MALAYSIA, JAPAN];

impl Market {
    /// The market whose currency is `currency` (Thailand's for any other).
    pub fn of_currency(currency: &str) -> &'static Market {
        MARKETS
            .iter()
            .find(|market| market.listing.currency == currency)
            .unwrap_or(&MARKETS[0])
    }
}

/// What the shop is started with.
pub struct ShopConfig {
    /// The shop's database: its orders and the merchant library's records (SQLite for one
    /// instance, PostgreSQL shared by several).
    pub database: Database,
    /// The shop's base URL as customers reach it (`return_uri`, the widget's charge URL): the
    /// same for every instance.
    pub shop_url: String,
    /// The gateway's base URL.
    pub gateway_url: String,
    /// The public key, handed to the widget.
    pub public_key: String,
    /// The secret key, which never leaves the server.
    pub secret_key: String,
    /// The webhook signing key (the decoded secret).
    pub webhook_key: Vec<u8>,
    /// WooshPay's publishable key, handed to the widget in WooshPay mode.
    pub wooshpay_public_key: String,
    /// WooshPay's secret key.
    pub wooshpay_secret_key: String,
    /// The assets of the shop's pages (`/assets`: style, scripts).
    pub www_dir: PathBuf,
    /// The built widget (its `integrity.json`; the sandbox serves its files).
    pub pkg_dir: PathBuf,
    /// The widget's version, as the CDN's paths name it (`pkg/package.json`).
    pub widget_version: String,
    /// The hosted page the shop frames (`pkg/hosted/`, on its own origin).
    pub hosted_page: String,
}

/// What the shop's handlers share.
#[derive(Clone)]
pub struct ShopState {
    pub(crate) database: Database,
    /// The widget's contract on the Omise API, over the shop's orders (the merchant library):
    /// Thailand's, which also answers the gateway's webhooks for every market.
    pub(crate) checkout: Arc<Checkout<OmiseClient, checkout::ShopOrders>>,
    /// The other markets' ([`MARKETS`] after Thailand's), over the same records, each under
    /// its market's path, in [`MARKETS`]' order.
    pub(crate) market_checkouts: Vec<Arc<Checkout<OmiseClient, checkout::ShopOrders>>>,
    /// The payment methods the account takes (the gateway's capability), which the product
    /// pages offer.
    pub(crate) account_methods: Arc<AccountMethods>,
    pub(crate) shop_url: String,
    pub(crate) gateway_url: String,
    pub(crate) public_key: String,
    pub(crate) www_dir: PathBuf,
    pub(crate) pkg_dir: PathBuf,
    pub(crate) widget_version: String,
    pub(crate) hosted_page: String,
    /// The point of sale, for the staff signed in ([`staff`]).
    pub(crate) pos: Arc<PointOfSale<checkout::ShopOrders, staff::ShopStaff>>,
    /// Who is signed in at the point of sale.
    pub(crate) staff: staff::ShopStaff,
    /// The widget's contract on WooshPay's API, over the shop's CNY orders.
    pub(crate) wooshpay: Arc<Checkout<WooshpayClient, checkout::ShopOrders>>,
    pub(crate) wooshpay_public_key: String,
}

/// The shop's versioned migrations (its orders, stray payments and staff sessions), one folder
/// per dialect; PostgreSQL's tables are prefixed `shop_`, as they share the database with the
/// library's records.
mod migrations {
    pub(super) mod sqlite {
        refinery::embed_migrations!("migrations/sqlite");
    }
    pub(super) mod postgres {
        refinery::embed_migrations!("migrations/postgres");
    }
}

/// The shop's tables and their history (`shop_migrations`).
pub fn schema() -> Schema {
    Schema {
        history: "shop_migrations",
        sqlite: migrations::sqlite::migrations::runner(),
        postgres: migrations::postgres::migrations::runner(),
    }
}

impl ShopState {
    /// The shop's state, with its schemas applied (no handler can meet a missing table).
    pub async fn new(config: ShopConfig) -> Result<Self, MerchantError> {
        let database = config.database;
        database.migrate(schema()).await?;
        let gateway = OmiseClient::new(config.gateway_url.clone(), config.secret_key)
            .map_err(client_error)?;
        let gateway_url = config.gateway_url.clone();
        let records = Records::open(database.clone()).await?;
        let orders = |currency, listing| checkout::ShopOrders {
            database: database.clone(),
            currency,
            listing,
        };
        let checkout = Checkout::new(
            orders(None, THAILAND.listing),
            records.clone(),
            gateway.clone(),
            vec![config.webhook_key.clone()],
            format!("{}/return", config.shop_url),
        );
        let account_methods = Arc::new(AccountMethods::new(gateway.clone()));
        let market_checkouts = MARKETS[1..]
            .iter()
            .map(|market| {
                Checkout::new(
                    orders(None, market.listing),
                    records.clone(),
                    gateway.clone(),
                    vec![config.webhook_key.clone()],
                    format!("{}/return", config.shop_url),
                )
            })
            .collect();
        let wooshpay = Checkout::new(
            orders(Some("CNY"), wooshpay::LISTING),
            records,
            WooshpayClient::new(config.gateway_url.clone(), config.wooshpay_secret_key)
                .map_err(client_error)?,
            // Its endpoint is registered through the API, its key kept in the records.
            Vec::new(),
            format!("{}/wooshpay/return", config.shop_url),
        );
        let staff =
            staff::ShopStaff::open(&database, config.shop_url.starts_with("https://")).await?;
        let pos = PointOfSale::new(checkout.clone(), staff.clone());
        Ok(Self {
            database,
            checkout,
            market_checkouts,
            pos,
            staff,
            account_methods,
            shop_url: config.shop_url,
            gateway_url,
            public_key: config.public_key,
            www_dir: config.www_dir,
            pkg_dir: config.pkg_dir,
            widget_version: config.widget_version,
            hosted_page: config.hosted_page,
            wooshpay,
            wooshpay_public_key: config.wooshpay_public_key,
        })
    }
}

/// Why a gateway client could not be made (the TLS backend would not start).
fn client_error(error: impl std::fmt::Display) -> MerchantError {
    MerchantError::Internal(format!("cannot make an HTTP client: {error}"))
}

impl ShopState {
    /// The widget's contract on the Omise API (its limits are set here).
    pub fn checkout(&self) -> &Checkout<OmiseClient, checkout::ShopOrders> {
        &self.checkout
    }

    /// Each market's contract on the Omise API ([`THAILAND`]'s first): what is set for the
    /// shop's checkout is set for each.
    pub fn checkouts(&self) -> impl Iterator<Item = &Checkout<OmiseClient, checkout::ShopOrders>> {
        std::iter::once(&self.checkout)
            .chain(&self.market_checkouts)
            .map(|checkout| &**checkout)
    }

    /// The widget's contract on WooshPay's API.
    pub fn wooshpay(&self) -> &Checkout<WooshpayClient, checkout::ShopOrders> {
        &self.wooshpay
    }

    /// The shop's database.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The integrity hash the build recorded for a published file (`pkg/integrity.json`),
    /// read at each call: a rebuilt widget is served with its own hashes without a restart.
    pub(crate) fn integrity(&self, file: &str) -> Option<String> {
        std::fs::read_to_string(self.pkg_dir.join("integrity.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|manifest| manifest["files"][file].as_str().map(str::to_owned))
    }
}

/// The hosted checkout runs on its own origin and calls the shop's charge endpoints (Omise's and
/// WooshPay's): those (and only those) accept requests from that one origin.
fn hosted_checkout_cors(hosted_page: &str) -> tower_http::cors::CorsLayer {
    use axum::http::{header, HeaderValue, Method};
    let origin = url::Url::parse(hosted_page)
        .ok()
        .and_then(|page| HeaderValue::from_str(&page.origin().ascii_serialization()).ok())
        .unwrap_or(HeaderValue::from_static("null"));
    tower_http::cors::CorsLayer::new()
        .allow_origin(origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
}

/// The shop's storefront: its product page and the assets of its pages, which tests observe
/// the rest through (the sandbox never faults them).
pub fn storefront(state: ShopState) -> Router {
    MARKETS
        .iter()
        .fold(Router::new(), |router, market| {
            router.route(
                if market.path.is_empty() {
                    "/"
                } else {
                    market.path
                },
                get(
                    move |State(state): State<ShopState>, headers: HeaderMap| async move {
                        pages::product_page(&state, &headers, market).await
                    },
                ),
            )
        })
        // A file's brotli or gzip copy beside it, if there is one, to a browser that accepts
        // it (the slow-network benchmark gives Adyen Web's files theirs, as the widget's have).
        .nest_service(
            "/assets",
            ServeDir::new(&state.www_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        // The pages, and the files without a copy, compressed as any shop's are: the page's
        // widget starts loading when its head has arrived.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// The rest of the shop's router: its other pages, the widget's merchant endpoints, the
/// cashier's, the webhook receivers and the widget's files.
pub fn app(state: ShopState) -> Router {
    let (checkout_browser, checkout_webhooks) = state.checkout.routes();
    // The other markets' take their charges and status requests under their paths; the
    // gateway's webhooks reach Thailand's, whose orders are every market's.
    let market_browsers = MARKETS[1..]
        .iter()
        .zip(&state.market_checkouts)
        .fold(checkout_browser, |router, (market, checkout)| {
            router.nest(market.path, checkout.routes().0)
        });
    let (wooshpay_browser, wooshpay_webhooks) = state.wooshpay.routes();
    Router::new()
        .route("/return", get(pages::return_page))
        .route("/examples/script-tag", get(examples::script_tag_example))
        .route("/examples/iframe", get(examples::iframe_example))
        .route(
            "/examples/omise-card",
            get(examples::omise_card_example).post(examples::omise_card_received),
        )
        .route("/wooshpay", get(wooshpay::product))
        .route("/wooshpay/return", get(wooshpay::return_page))
        .route("/wooshpay/sessions", post(wooshpay::sessions_create))
        .route(
            "/examples/wooshpay-session",
            get(examples::session_frame_start).post(examples::session_frame_example),
        )
        .route("/pos", get(pages::pos_page))
        .route(
            "/pos/sign-in",
            get(staff::sign_in_page).post(staff::sign_in),
        )
        .route("/pos/sign-out", post(staff::sign_out))
        // An unknown path (a wrong chargeUrl, an empty id) is told in the error shape the
        // widget reads, not with an empty body.
        .fallback(|| async {
            error::MerchantError::NotFound("no such page or endpoint at the shop".into())
        })
        .with_state(state.clone())
        .merge(
            market_browsers
                .merge(wooshpay_browser)
                .layer(hosted_checkout_cors(&state.hosted_page)),
        )
        .merge(checkout_webhooks)
        .merge(state.pos.routes())
        .merge(wooshpay_webhooks)
}

/// The demo shop's data outlives an upgrade: tables made before versioned migrations
/// (`tests/fixtures`) are taken over by them with every row intact, on SQLite and PostgreSQL.
#[cfg(test)]
mod upgrade_tests {
    use super::*;

    async fn every_row_is_intact(database: &Database) {
        let paid = checkout::find_order(database, "ord_fixture_paid")
            .await
            .unwrap()
            .unwrap();
        assert!(paid.paid);
        assert_eq!(paid.amount.0, 129_000);
        assert_eq!(paid.product, "Hand-woven silk scarf");
        let open = checkout::find_order(database, "ord_fixture_open")
            .await
            .unwrap()
            .unwrap();
        assert!(!open.paid);
        assert_eq!(open.currency.as_str(), "CNY");
        let stray: Option<(String, i64, String)> = database
            .read_one(
                "SELECT order_id, amount, refund_id FROM stray_payments WHERE charge_id = ?1",
                "SELECT order_id, amount, refund_id FROM shop_stray_payments WHERE charge_id = $1",
                &["chrg_test_fixture3".into()],
            )
            .await
            .unwrap();
        assert_eq!(
            stray,
            Some((
                "ord_fixture_paid".into(),
                129_000,
                "rfnd_test_fixture1".into()
            ))
        );
        let key: Option<(Vec<u8>,)> = database
            .read_one(
                "SELECT key FROM staff_key",
                "SELECT key FROM shop_staff_key",
                &[],
            )
            .await
            .unwrap();
        let kept = key.unwrap().0;
        assert_eq!(
            kept[..4],
            [0x00, 0x11, 0x22, 0x33],
            "the signed-in cashiers stay signed in"
        );
    }

    #[tokio::test]
    async fn sqlite_tables_made_before_migrations_are_upgraded_intact() {
        let store = paywasm_store::Store::open(None, "shop").unwrap();
        store
            .call(|db| db.execute_batch(include_str!("../tests/fixtures/shop-0.1.0.sqlite.sql")))
            .unwrap();
        let database = Database::Sqlite(store);
        database.migrate(schema()).await.unwrap();
        staff::ShopStaff::open(&database, false).await.unwrap();
        every_row_is_intact(&database).await;
    }

    #[tokio::test]
    async fn postgresql_tables_made_before_migrations_are_upgraded_intact() {
        let server = std::env::var("PAYWASM_TEST_POSTGRES").expect(
            "PAYWASM_TEST_POSTGRES names the test database: run `npm test`, or \
             `source scripts/postgres.sh` before cargo test",
        );
        let name = format!("shop_upgrade_{:016x}", rand::random::<u64>());
        Database::postgres(&server)
            .unwrap()
            .execute(
                &format!("CREATE DATABASE {name}"),
                &format!("CREATE DATABASE {name}"),
                &[],
            )
            .await
            .unwrap();
        let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
        let database = Database::postgres(&url).unwrap();
        for statement in include_str!("../tests/fixtures/shop-0.1.0.postgres.sql")
            .split(';')
            .map(|statement| {
                statement
                    .lines()
                    .filter(|line| !line.starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .filter(|statement| !statement.trim().is_empty())
        {
            database.execute("", &statement, &[]).await.unwrap();
        }
        database.migrate(schema()).await.unwrap();
        staff::ShopStaff::open(&database, false).await.unwrap();
        every_row_is_intact(&database).await;
    }
}
