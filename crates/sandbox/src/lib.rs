//! `paywasm-sandbox`: the test-mode gateway and the demo shop, as a library so that tests can
//! start them on free ports ([`start`]) or drive the gateway without a socket ([`in_process`]).
//!
//! - the two APIs, neither importing the other: [`gateway`], the Omise-compatible API
//!   (sources, charges, test controls, the QR documents); [`wooshpay`], the WooshPay API
//!   (PaymentIntents, Checkout Sessions, refunds, webhooks);
//! - [`api`]: the layer under both, each piece written once with the API as a parameter
//!   (keys, CORS, request parsing, idempotency, rate limits, refusals in each API's error
//!   shape, webhook delivery); beside it [`faults`] and [`ids`];
//! - [`pages`]: the test-mode pages a customer sees instead of a real gateway's (Omise's
//!   authorize page, Alipay's cashier and app, WooshPay's hosted checkout);
//! - [`shop`] (the `paywasm-shop` crate, built on the merchant library alone): the demo shop,
//!   the reference merchant server, run beside the gateway ([`demo_shop`]: the shape the
//!   shared layers answer in, in front of it);
//! - [`store`] (the `paywasm-store` crate): the SQL storage behind both servers; [`cdn`]: the widget's files.

pub mod api;
pub mod cdn;
pub mod config;
pub mod conform;
pub mod demo_shop;
pub mod faults;
pub mod gateway;
pub mod ids;
pub mod pages;
pub mod wooshpay;

/// The sandbox's storage is the embedded store its parties share with the merchant library.
pub use paywasm_store as store;

/// The demo shop, a merchant's server of its own crate, which the sandbox runs beside the gateway.
pub use paywasm_shop as shop;

use axum::serve::ListenerExt;
use config::Config;
use gateway::error::OmiseShape;
use paywasm_core::method::GatewayKind;
use paywasm_core::policy::{PublicKey, SecretKey};
use paywasm_merchant::database::{Database, PostgresOptions};
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// An address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// A database could not be opened.
    #[error("cannot open the database: {0}")]
    Store(#[from] store::StoreError),
    /// The keys are not test keys.
    #[error("{0}")]
    Keys(String),
    /// The demo shop could not start (its schema, its records, its gateway clients).
    #[error("cannot start the demo shop: {}", .0.detail())]
    Shop(paywasm_merchant::MerchantError),
    /// The demo shop's records (the merchant library's) could not be opened.
    #[error("cannot open the shop's records: {}", .0.detail())]
    Records(#[from] paywasm_merchant::MerchantError),
    /// An HTTP client (webhooks, the shop's gateway calls) could not be made.
    #[error("cannot make an HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// Registers the demo shop's WooshPay webhook endpoint, trying up to `attempts` times 100 ms
/// apart; whether it is registered.
async fn register_wooshpay_webhook(shop_state: &shop::ShopState, attempts: u32) -> bool {
    for _ in 0..attempts {
        match shop::wooshpay::register_webhook(shop_state).await {
            Ok(()) => return true,
            Err(error) => tracing::warn!(%error, "cannot register the WooshPay webhook yet"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// A running sandbox.
pub struct Running {
    /// `http://127.0.0.1:7070`.
    pub gateway_url: String,
    /// `http://127.0.0.1:7071`; `None` with `--no-shop`.
    pub shop_url: Option<String>,
    /// The public key in use.
    pub public_key: String,
    /// The secret key in use.
    pub secret_key: String,
    /// The WooshPay publishable key in use.
    pub wooshpay_public_key: String,
    /// The WooshPay secret key in use.
    pub wooshpay_secret_key: String,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
}

impl Running {
    fn of(
        config: Config,
        gateway_url: String,
        shop_url: Option<String>,
        stop: watch::Sender<bool>,
        servers: Vec<JoinHandle<()>>,
    ) -> Self {
        Self {
            gateway_url,
            shop_url,
            public_key: config.public_key,
            secret_key: config.secret_key,
            wooshpay_public_key: config.wooshpay_public_key,
            wooshpay_secret_key: config.wooshpay_secret_key,
            stop,
            servers,
        }
    }

    /// Stops both servers, letting requests in flight finish.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for server in self.servers {
            let _ = server.await;
        }
    }
}

/// Pending connections the kernel queues per listener (capped by `net.core.somaxconn`): with
/// the default 128, a burst of customers arriving together saw connect timeouts
/// (`scripts/bench-reaction.mjs`, 10,000 waiting customers).
const LISTEN_BACKLOG: u32 = 4096;

async fn bind(addr: SocketAddr) -> Result<(TcpListener, String), StartError> {
    let bind = || -> std::io::Result<TcpListener> {
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(LISTEN_BACKLOG)
    };
    let listener = bind().map_err(|source| StartError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok((listener, format!("http://{local}")))
}

fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        };
        // Without TCP_NODELAY, a response written in two pieces on a kept-alive connection
        // waits for the client's delayed ACK (40 ms on Linux): the widget's script, fetched
        // on the page's connection, arrived 40 ms late (BENCHMARKS.md).
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::warn!(%error, "could not set TCP_NODELAY");
            }
        });
        if let Err(error) = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        {
            tracing::error!(%error, "server stopped");
        }
    })
}

/// What the sandbox puts around each router, outermost first: injected faults (which may
/// strike before anything runs, or after the handler acted), the framework's refusals in the
/// router's error shape, answers held until their commit is durable, and the rate limit.
/// Each router names its own `shape`: no error's shape is chosen from a request's URL.
struct Layers<'a> {
    /// The server's SQLite store, whose group commit answers wait for (none on PostgreSQL,
    /// whose commits are durable when they return).
    store: Option<&'a store::Store>,
    limit: Option<&'a api::rate_limit::RateLimit>,
    faults: Option<&'a faults::Faults>,
}

impl Layers<'_> {
    fn around<S: api::ErrorShape>(&self, router: axum::Router, shape: S) -> axum::Router {
        use axum::middleware::from_fn_with_state;
        let router = match self.limit {
            Some(limit) => router.layer(from_fn_with_state(
                (limit.clone(), shape),
                api::rate_limit::limit::<S>,
            )),
            None => router,
        };
        let router = match self.store {
            Some(store) => router.layer(from_fn_with_state(store.clone(), store::durable_answers)),
            None => router,
        };
        let router = router.layer(from_fn_with_state(
            shape,
            api::refusals::plain_refusals_as_error_objects::<S>,
        ));
        match self.faults {
            Some(faults) => router.layer(from_fn_with_state(
                (faults.clone(), shape),
                faults::inject::<S>,
            )),
            None => router,
        }
    }
}

/// Starts the gateway's two APIs (with their pages and the widget's files) and their webhook
/// workers; its URL and its tasks. Events go to `--webhook-url`, by default the shop's
/// `/webhooks/omise` at `shop_url` (none without a shop).
async fn start_gateway(
    config: &Config,
    shop_url: Option<&str>,
    webhook_key: &[u8],
    stopped: &watch::Receiver<bool>,
) -> Result<(String, Vec<JoinHandle<()>>), StartError> {
    let (gateway_listener, gateway_url) = bind(config.gateway_addr).await?;
    let webhook_urls = match (config.webhook_urls.is_empty(), shop_url) {
        (true, Some(shop_url)) => vec![format!("{shop_url}/webhooks/omise")],
        _ => config.webhook_urls.clone(),
    };
    let (gateway_router, mut tasks) =
        gateway(config, &gateway_url, webhook_urls, webhook_key, stopped)?;
    tasks.push(serve(gateway_listener, gateway_router, stopped.clone()));
    Ok((gateway_url, tasks))
}

/// The gateway at `gateway_url`, its events sent to `webhook_urls`: its router and its
/// webhook workers, already running.
fn gateway(
    config: &Config,
    gateway_url: &str,
    webhook_urls: Vec<String>,
    webhook_key: &[u8],
    stopped: &watch::Receiver<bool>,
) -> Result<(axum::Router, Vec<JoinHandle<()>>), StartError> {
    let gateway_url = gateway_url.to_owned();
    let gateway_store =
        store::Store::open_behind(config.data_dir.as_deref(), "gateway", config.disk.clone())?;
    let gateway_state = gateway::GatewayState::new(
        gateway_store,
        api::credentials::Keys {
            public: config.public_key.clone(),
            secret: config.secret_key.clone(),
        },
        gateway_url.clone(),
        gateway::Webhooks {
            endpoints: webhook_urls,
            key: webhook_key.to_vec(),
        },
    )?
    .with_promptpay_expiry(config.promptpay_expiry)
    .with_methods(&config.methods);
    gateway_state.store.migrate(pages::dashboard::SCHEMA)?;
    let wooshpay_state = wooshpay::WooshpayState::new(
        gateway_state.store.clone(),
        api::credentials::Keys {
            public: config.wooshpay_public_key.clone(),
            secret: config.wooshpay_secret_key.clone(),
        },
        gateway_url.clone(),
    )?;
    // Each API's router (with its pages) carries the rate limit in its own error shape; the
    // widget's files and the pages' assets carry no key and are not limited, and the gateway's
    // host answers for them in Omise's shape.
    let account_keys = vec![
        api::credentials::Keys {
            public: config.public_key.clone(),
            secret: config.secret_key.clone(),
        },
        api::credentials::Keys {
            public: config.wooshpay_public_key.clone(),
            secret: config.wooshpay_secret_key.clone(),
        },
    ];
    let limit = api::rate_limit::RateLimit::new(config.rate_limit, account_keys.clone());
    let gateway_layers = Layers {
        store: Some(&gateway_state.store),
        limit: limit.as_ref(),
        faults: config.gateway_faults.as_ref(),
    };
    // Files reflect no state: they neither count against a key nor wait for a commit.
    let gateway_files = Layers {
        limit: None,
        store: None,
        ..gateway_layers
    };
    let omise = gateway::app(gateway_state.clone()).merge(pages::omise(gateway_state.clone()));
    let wooshpay =
        wooshpay::app(wooshpay_state.clone()).merge(pages::wooshpay(wooshpay_state.clone()));
    let gateway_www = config.www_dir.join("gateway");
    let files = pages::wooshpay_checkout::assets(&gateway_www)
        .merge(pages::dashboard::assets(&gateway_www))
        .merge(cdn::router(&config.pkg_dir));
    // Outermost, so that the Requests page shows what a caller received (a fault or a 429 too).
    let logged = |api: &'static str| {
        axum::middleware::from_fn_with_state(
            api::request_log::Logging {
                log: gateway_state.requests.clone(),
                api,
                keys: std::sync::Arc::new(account_keys.clone()),
            },
            api::request_log::record,
        )
    };
    let gateway_router = gateway_layers
        .around(omise, OmiseShape)
        .layer(logged("Omise"))
        .merge(
            gateway_layers
                .around(wooshpay, wooshpay::error::WooshpayShape)
                .layer(logged("WooshPay")),
        )
        .merge(gateway_files.around(files, OmiseShape));
    Ok((
        gateway_router,
        vec![
            tokio::spawn(gateway::webhooks::run(gateway_state, stopped.clone())),
            tokio::spawn(wooshpay::worker::run(wooshpay_state, stopped.clone())),
        ],
    ))
}

/// The gateway of `config` without a socket: its router, which the caller hands requests to
/// itself (`tower::ServiceExt::oneshot`, with the peer's [`axum::extract::ConnectInfo`] in
/// the request's extensions), and the sandbox it belongs to, its address `gateway_url` (the
/// origin of the URLs it writes, which names no host). Its webhook workers run, sending events
/// to `--webhook-url` only: there is no shop.
pub async fn in_process(
    config: Config,
    gateway_url: &str,
) -> Result<(Running, axum::Router), StartError> {
    let webhook_key = checked_keys(&config)?;
    let (stop, stopped) = watch::channel(false);
    let (router, tasks) = gateway(
        &config,
        gateway_url,
        config.webhook_urls.clone(),
        &webhook_key,
        &stopped,
    )?;
    let running = Running::of(config, gateway_url.to_owned(), None, stop, tasks);
    Ok((running, router))
}

/// The webhook signing key of `config`, once its keys are known to be each gateway's test keys.
fn checked_keys(config: &Config) -> Result<Vec<u8>, StartError> {
    // Each gateway's own keys (paywasm_core::policy), test-mode ones only.
    let keys = [
        (GatewayKind::Omise, &config.public_key, &config.secret_key),
        (
            GatewayKind::Wooshpay,
            &config.wooshpay_public_key,
            &config.wooshpay_secret_key,
        ),
    ];
    for (gateway, public, secret) in keys {
        let public =
            PublicKey::parse(gateway, public).map_err(|e| StartError::Keys(e.to_string()))?;
        let secret =
            SecretKey::parse(gateway, secret).map_err(|e| StartError::Keys(e.to_string()))?;
        let prefixes = gateway.policy();
        if !secret.is_test(gateway) || !public.is_test(gateway) {
            return Err(StartError::Keys(format!(
                "the sandbox takes only test keys: {}test_... and {}test_...",
                prefixes.public_key_prefix, prefixes.secret_key_prefix
            )));
        }
    }
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(config.webhook_secret.trim())
        .map_err(|_| StartError::Keys("the webhook secret must be base64".into()))
}

/// Starts the gateway (unless `--gateway-url` names one elsewhere) and the shop.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let webhook_key = checked_keys(&config)?;
    let (stop, stopped) = watch::channel(false);
    let mut servers = Vec::new();
    if config.no_shop {
        let (gateway_url, gateway_servers) =
            start_gateway(&config, None, &webhook_key, &stopped).await?;
        servers.extend(gateway_servers);
        return Ok(Running::of(config, gateway_url, None, stop, servers));
    }
    // The shop's listener first: the gateway's default webhook endpoint is on it.
    let (shop_listener, shop_url) = bind(config.shop_addr).await?;
    let gateway_url = match &config.gateway_url {
        // Only the shop runs here, against a gateway elsewhere (several shop instances
        // beside one gateway).
        Some(url) => url.clone(),
        None => {
            let (gateway_url, gateway_servers) =
                start_gateway(&config, Some(&shop_url), &webhook_key, &stopped).await?;
            servers.extend(gateway_servers);
            gateway_url
        }
    };
    // PostgreSQL when named (shared with other instances), else SQLite under --data (or in
    // memory), its fsyncs behind the tests' disk gate.
    let shop_database = match config.shop_database.as_deref() {
        Some(url) => Database::postgres_with(
            url,
            PostgresOptions {
                pool_size: usize::from(config.shop_database_pool),
                ..PostgresOptions::default()
            },
        )?,
        None => Database::Sqlite(store::Store::open_behind(
            config.data_dir.as_deref(),
            "shop",
            config.disk.clone(),
        )?),
    };
    if config.shop_database.is_some() && config.shop_public_url.is_none() {
        tracing::warn!(
            "--shop-database without --shop-public-url: if other instances share this \
             database, each makes its return pages from its own address, and a charge request \
             repeated on another instance is refused by the gateway as a different request"
        );
    }
    let shop_state = shop::ShopState::new(shop::ShopConfig {
        database: shop_database,
        shop_url: config
            .shop_public_url
            .clone()
            .unwrap_or_else(|| shop_url.clone()),
        gateway_url: gateway_url.clone(),
        public_key: config.public_key.clone(),
        secret_key: config.secret_key.clone(),
        webhook_key,
        wooshpay_public_key: config.wooshpay_public_key.clone(),
        wooshpay_secret_key: config.wooshpay_secret_key.clone(),
        www_dir: config.www_dir.join("shop"),
        pkg_dir: config.pkg_dir.clone(),
        widget_version: cdn::widget_version(&config.pkg_dir).unwrap_or_default(),
        hosted_page: config
            .hosted_page
            .clone()
            .unwrap_or_else(|| format!("{gateway_url}/pkg/hosted/")),
    })
    .await
    .map_err(StartError::Shop)?;
    for checkout in shop_state.checkouts() {
        checkout.limit_held(config.shop_max_held);
        checkout.limit_held_per_customer(config.shop_max_held_per_customer);
        checkout.trust_proxies(config.shop_trusted_proxies.clone());
    }
    shop_state
        .wooshpay()
        .trust_proxies(config.shop_trusted_proxies.clone());
    // The shop's storefront (its product page and assets) is never faulted: it is how tests
    // observe.
    let shop_layers = Layers {
        store: shop_state.database().sqlite(),
        limit: None,
        faults: config.shop_faults.as_ref(),
    };
    let storefront = Layers {
        faults: None,
        ..shop_layers
    };
    // The shop serves the widget's files as a merchant hosting them would, from the sandbox's
    // build of them.
    let shop_router = shop_layers
        .around(
            shop::app(shop_state.clone()).merge(cdn::router(&config.pkg_dir)),
            demo_shop::ShopShape,
        )
        .merge(storefront.around(shop::storefront(shop_state.clone()), demo_shop::ShopShape));
    // The gateway is serving: the shop registers its WooshPay webhook endpoint through it
    // before the shop serves anyone. An event made before the endpoint exists reaches no one
    // (as on WooshPay itself), so a payment made in the shop's first instants would never be
    // confirmed by its webhook (the soak test lost the first PaymentIntent's events when the
    // shop answered while the registration was on its way). A customer who comes meanwhile
    // waits in the listener's backlog. Under injected faults it may take a few attempts; if it
    // cannot succeed soon, it goes on trying in the background rather than keep the shop shut.
    if !register_wooshpay_webhook(&shop_state, 50).await {
        servers.push(tokio::spawn(async move {
            register_wooshpay_webhook(&shop_state, u32::MAX).await;
        }));
    }
    servers.push(serve(shop_listener, shop_router, stopped));
    // Armed only now: a crash while the schema applies would only ever test the start.
    if let Some(rate) = config.crash_after_commits {
        store::crash_after_commits(rate);
    }
    Ok(Running::of(
        config,
        gateway_url,
        Some(shop_url),
        stop,
        servers,
    ))
}
