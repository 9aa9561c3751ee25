//! Command line and environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::faults::Faults;

/// Default test public key: fixed, so the demo and the docs can name it.
pub const DEFAULT_PUBLIC_KEY: &str = "pkey_test_5paywasmsandbox0demo0";
/// Default test secret key.
pub const DEFAULT_SECRET_KEY: &str = "skey_test_5paywasmsandbox0demo0";
/// Requests per second per key by default: far above what a checkout or a test sends, low
/// enough that a runaway client meets 429 as it would at the real gateway.
pub const DEFAULT_RATE_LIMIT: u32 = 200;
/// Default webhook signing secret, base64 as the dashboard shows it ("paywasm-sandbox-webhook-secret").
pub const DEFAULT_WEBHOOK_SECRET: &str = "cGF5d2FzbS1zYW5kYm94LXdlYmhvb2stc2VjcmV0";

/// How to run the sandbox.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "paywasm-sandbox",
    version,
    about = "A local test-mode payment gateway with a demo shop"
)]
pub struct Config {
    /// Address of the gateway API and its test pages.
    #[arg(
        long = "gateway",
        env = "PAYWASM_GATEWAY_ADDR",
        default_value = "127.0.0.1:7070"
    )]
    pub gateway_addr: SocketAddr,
    /// Address of the demo shop (the reference merchant server).
    #[arg(
        long = "shop",
        env = "PAYWASM_SHOP_ADDR",
        default_value = "127.0.0.1:7071"
    )]
    pub shop_addr: SocketAddr,
    /// Test public key (`pkey_test_...`): may only create sources.
    #[arg(long, env = "PAYWASM_PUBLIC_KEY", default_value = DEFAULT_PUBLIC_KEY)]
    pub public_key: String,
    /// Test secret key (`skey_test_...`): everything else.
    #[arg(long, env = "PAYWASM_SECRET_KEY", default_value = DEFAULT_SECRET_KEY)]
    pub secret_key: String,
    /// WooshPay test publishable key (`pk_test_...`): reads a PaymentIntent with its client secret.
    #[arg(long, env = "PAYWASM_WOOSHPAY_PUBLIC_KEY", default_value = crate::wooshpay::DEFAULT_PUBLIC_KEY)]
    pub wooshpay_public_key: String,
    /// WooshPay test secret key (`sk_test_...`).
    #[arg(long, env = "PAYWASM_WOOSHPAY_SECRET_KEY", default_value = crate::wooshpay::DEFAULT_SECRET_KEY)]
    pub wooshpay_secret_key: String,
    /// Folder for the gateway's and the shop's databases; without it they live in memory and
    /// are gone when the sandbox stops.
    #[arg(long = "data", env = "PAYWASM_DATA")]
    pub data_dir: Option<PathBuf>,
    /// The demo shop's database: a `postgres://` URL, shared by every shop instance that names
    /// it (orders, charge copies, webhook dedupe, wake-ups across instances); without it,
    /// SQLite under `--data`.
    #[arg(long, env = "PAYWASM_SHOP_DATABASE")]
    pub shop_database: Option<String>,
    /// Connections each shop instance keeps to `--shop-database` at most (the instances' sum
    /// must fit the server's `max_connections`).
    #[arg(long, env = "PAYWASM_SHOP_DATABASE_POOL", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub shop_database_pool: u16,
    /// An address of the merchant's own proxy (load balancer) in front of the demo shop
    /// (repeat the flag, or comma-separate in the environment): requests from it name the
    /// customer's address in `X-Forwarded-For` (WooshPay's PaymentIntents carry it, and each
    /// customer's share of held status requests is counted by it).
    #[arg(
        long = "shop-trusted-proxy",
        env = "PAYWASM_SHOP_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub shop_trusted_proxies: Vec<std::net::IpAddr>,
    /// The most status requests (`GET /checkout/charges/:id?wait=N`) the demo shop holds at
    /// once; past it, one is answered at once with what the shop knows (the widget asks again).
    #[arg(long, env = "PAYWASM_SHOP_MAX_HELD", default_value_t = paywasm_merchant::checkout::MAX_HELD)]
    pub shop_max_held: usize,
    /// The most status requests of one customer (one address) the demo shop holds at once.
    #[arg(long, env = "PAYWASM_SHOP_MAX_HELD_PER_CUSTOMER", default_value_t = paywasm_merchant::checkout::MAX_HELD_PER_CUSTOMER)]
    pub shop_max_held_per_customer: usize,
    /// The address customers reach the demo shop at, when it is not the one it listens on
    /// (instances behind a load balancer or a proxy): its pages, the gateway's return pages and
    /// the WooshPay webhook endpoint are made from it. Instances sharing a database must name
    /// the same one: a charge request repeated on another instance after a lost answer is the
    /// same request to the gateway only if its `return_uri` is. Default: the shop's own
    /// address.
    #[arg(long, env = "PAYWASM_SHOP_PUBLIC_URL", value_parser = parse_http_url)]
    pub shop_public_url: Option<String>,
    /// Run only the demo shop, against the gateway at this URL (another paywasm-sandbox), so
    /// that several shop instances can run beside one gateway; without it, the gateway runs
    /// here too.
    #[arg(long, env = "PAYWASM_GATEWAY_URL", value_parser = parse_http_url)]
    pub gateway_url: Option<String>,
    /// The payment methods the test account has (source types, comma-separated:
    /// `promptpay,paynow`); `GET /capability` lists them and a source of any other is refused.
    /// Every method by default.
    #[arg(long, env = "PAYWASM_METHODS", value_delimiter = ',', value_parser = parse_method)]
    pub methods: Vec<paywasm_core::method::SourceType>,
    /// How long a PromptPay QR can be paid when the charge names no `expires_at` (the
    /// account's default, as a merchant sets it at Opn): `5m`, `90s`, `2h`; at most 24 h, the
    /// seed's limit and the default.
    #[arg(long, env = "PAYWASM_PROMPTPAY_EXPIRY", value_parser = parse_promptpay_expiry, default_value = "24h")]
    pub promptpay_expiry: std::time::Duration,
    /// Run only the gateway, without the demo shop: for a merchant's own server against the
    /// sandbox (its webhooks go to `--webhook-url`, nowhere without one).
    #[arg(long, env = "PAYWASM_NO_SHOP", conflicts_with = "gateway_url")]
    pub no_shop: bool,
    /// Webhook endpoints the gateway POSTs events to (repeat the flag, or comma-separate in the
    /// environment). Without any, the demo shop's `/webhooks/omise`.
    #[arg(
        long = "webhook-url",
        env = "PAYWASM_WEBHOOK_URLS",
        value_delimiter = ','
    )]
    pub webhook_urls: Vec<String>,
    /// The webhook signing secret (base64); the signature key is its decoded bytes.
    #[arg(long, env = "PAYWASM_WEBHOOK_SECRET", default_value = DEFAULT_WEBHOOK_SECRET)]
    pub webhook_secret: String,
    /// Folder of the pages' files, a folder per server: `shop/` (the demo shop's style and
    /// scripts, at its `/assets`), `gateway/` (the dashboard's and the test pages'), `hosted/`
    /// (the hosted checkout page, copied into the widget's build).
    #[arg(
        long = "www",
        alias = "www-dir",
        env = "PAYWASM_WWW",
        default_value = "www"
    )]
    pub www_dir: PathBuf,
    /// Folder of the built widget (wasm-bindgen output).
    #[arg(
        long = "pkg",
        alias = "pkg-dir",
        env = "PAYWASM_PKG",
        default_value = "pkg"
    )]
    pub pkg_dir: PathBuf,
    /// Where the demo shop's hosted-checkout example frames the hosted page (`pkg/hosted/`
    /// served by any static server); the shop's charge endpoints accept CORS requests from its
    /// origin. Default: the copy the gateway serves, `{gateway}/pkg/hosted/`.
    #[arg(long, env = "PAYWASM_HOSTED_PAGE")]
    pub hosted_page: Option<String>,
    /// Requests per second per key the gateway admits (bursts of twice that); beyond, 429.
    /// 0: no limit.
    #[arg(long, env = "PAYWASM_RATE_LIMIT", default_value_t = DEFAULT_RATE_LIMIT)]
    pub rate_limit: u32,
    /// Faults injected in front of the gateway: `RATE[:KIND,...]` (see `faults`), e.g. `0.2`.
    #[arg(long, env = "PAYWASM_GATEWAY_FAULTS", value_parser = Faults::parse)]
    pub gateway_faults: Option<Faults>,
    /// Faults injected in front of the shop (what the widget calls, where webhooks arrive).
    #[arg(long, env = "PAYWASM_SHOP_FAULTS", value_parser = Faults::parse)]
    pub shop_faults: Option<Faults>,
    /// Crash testing: after each database commit, the process aborts with this probability,
    /// right after the write and before anyone is answered (see `store`). Restart it on the
    /// same `--data` and nothing acknowledged may be lost. 0 or absent: never.
    #[arg(long, env = "PAYWASM_CRASH_AFTER_COMMITS", value_parser = parse_probability)]
    pub crash_after_commits: Option<f64>,
    /// Tests of durability: the disk's confirmation of each fsync, held while the gate is
    /// closed (not a flag: a test holds the gate).
    #[arg(skip)]
    pub disk: crate::store::DiskGate,
}

/// A source type the account has, by its API name.
fn parse_method(name: &str) -> Result<paywasm_core::method::SourceType, String> {
    paywasm_core::method::SourceType::parse(name.trim()).map_err(|_| {
        let known: Vec<&str> = paywasm_core::method::SourceType::served()
            .map(|method| method.as_str())
            .collect();
        format!(
            "not a payment method: use source types, of {}",
            known.join(", ")
        )
    })
}

/// A PromptPay QR lifetime: a duration people write, from a second to 24 hours.
fn parse_promptpay_expiry(text: &str) -> Result<std::time::Duration, String> {
    let lifetime = humantime::parse_duration(text)
        .map_err(|error| format!("{error}: write a duration such as 5m, 90s or 2h"))?;
    if lifetime < std::time::Duration::from_secs(1)
        || lifetime > std::time::Duration::from_secs(24 * 3_600)
    {
        return Err("a PromptPay QR lives from 1s to 24h (the seed's limit)".into());
    }
    Ok(lifetime)
}

fn parse_http_url(text: &str) -> Result<String, String> {
    url::Url::parse(text)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
        .map(|_| text.trim_end_matches('/').to_owned())
        .ok_or_else(|| format!("{text:?} is not an http:// or https:// URL"))
}

fn parse_probability(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("{text:?} is not a probability between 0 and 1"))
}

impl Config {
    /// A configuration for tests: both servers on free loopback ports, data in memory.
    pub fn for_tests() -> Self {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        Self {
            gateway_addr: loopback,
            shop_addr: loopback,
            public_key: DEFAULT_PUBLIC_KEY.into(),
            secret_key: DEFAULT_SECRET_KEY.into(),
            wooshpay_public_key: crate::wooshpay::DEFAULT_PUBLIC_KEY.into(),
            wooshpay_secret_key: crate::wooshpay::DEFAULT_SECRET_KEY.into(),
            data_dir: None,
            shop_database: None,
            shop_database_pool: 16,
            shop_public_url: None,
            shop_max_held: paywasm_merchant::checkout::MAX_HELD,
            shop_max_held_per_customer: paywasm_merchant::checkout::MAX_HELD_PER_CUSTOMER,
            shop_trusted_proxies: Vec::new(),
            gateway_url: None,
            no_shop: false,
            promptpay_expiry: std::time::Duration::from_secs(24 * 3_600),
            methods: vec![],
            webhook_urls: vec![],
            webhook_secret: DEFAULT_WEBHOOK_SECRET.into(),
            www_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../www")),
            pkg_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../pkg")),
            hosted_page: None,
            rate_limit: DEFAULT_RATE_LIMIT,
            gateway_faults: None,
            shop_faults: None,
            crash_after_commits: None,
            disk: crate::store::DiskGate::default(),
        }
    }
}
