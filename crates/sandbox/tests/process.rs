//! Crash safety: the sandbox (gateway and shop in one process) as a process that dies during a soak,
//! killed with SIGKILL at random moments and crashing right after random commits
//! (`--crash-after-commits`), started again on the same data each time; and the same process
//! serving a sustained load with its memory measured.
//!
//! `cargo test -p paywasm-sandbox --test process -- --nocapture` prints the figures;
//! `PAYWASM_CRASH_CHECKOUTS` (default 300), `PAYWASM_CRASH_RATE` (crashes per commit, default
//! 0.01) and `PAYWASM_LOAD_SECS` (default 30; the documented long run is 300) change the runs.

#![allow(clippy::unwrap_used)]

mod support;

use reqwest::Client;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::soak::{self, ShopRecords, Soak};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The sandbox binary on fixed ports and a data folder, so that a restart finds both.
struct Sandbox {
    child: Child,
    ports: (u16, u16),
    data: PathBuf,
    args: Vec<String>,
}

impl Sandbox {
    fn spawn(ports: (u16, u16), data: &Path, args: &[&str]) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let child = Command::new(env!("CARGO_BIN_EXE_paywasm-sandbox"))
            .args(["--gateway", &format!("127.0.0.1:{}", ports.0)])
            .args(["--shop", &format!("127.0.0.1:{}", ports.1)])
            .arg("--data")
            .arg(data)
            .arg("--www")
            .arg(root.join("www"))
            .arg("--pkg")
            .arg(root.join("pkg"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            ports,
            data: data.to_owned(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn urls(&self) -> (String, String) {
        (
            format!("http://127.0.0.1:{}", self.ports.0),
            format!("http://127.0.0.1:{}", self.ports.1),
        )
    }

    /// Waits until it answers (the gateway, or the shop when it runs only the shop); false if
    /// it died first (a crash point fired while it started).
    async fn ready(&mut self) -> bool {
        let http = Client::new();
        let (gateway, shop) = self.urls();
        let probe = if self.args.iter().any(|arg| arg == "--gateway-url") {
            format!("{shop}/")
        } else {
            format!("{gateway}/charges")
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(&probe).send().await.is_err() {
            if self.crashed() {
                return false;
            }
            assert!(Instant::now() < deadline, "the sandbox did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// Starts it again until it answers; the number of times it crashed meanwhile.
    async fn restart_until_ready(&mut self) -> u32 {
        self.restart();
        self.crashes_until_ready().await
    }

    /// Waits until it answers, starting it again whenever it crashed first (a crash point can
    /// fire at start-up: registering the WooshPay webhook commits); the number of crashes.
    async fn crashes_until_ready(&mut self) -> u32 {
        let mut crashes = 0;
        while !self.ready().await {
            crashes += 1;
            // At 1% per commit, 50 crashes in a row mean something else: its ports are taken.
            assert!(crashes < 50, "the sandbox stops at every start");
            self.restart();
        }
        crashes
    }

    /// Whether the process ended by itself (a crash point fired).
    fn crashed(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn restart(&mut self) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        *self = Self::spawn(self.ports, &self.data.clone(), &args);
    }

    fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn soak_of(sandbox: &Sandbox) -> Arc<Soak> {
    let (gateway, shop) = sandbox.urls();
    Arc::new(Soak {
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        gateway,
        shop,
        public_key: paywasm_sandbox::config::DEFAULT_PUBLIC_KEY.into(),
        secret_key: paywasm_sandbox::config::DEFAULT_SECRET_KEY.into(),
        wooshpay_public_key: paywasm_sandbox::wooshpay::DEFAULT_PUBLIC_KEY.into(),
        wooshpay_secret_key: paywasm_sandbox::wooshpay::DEFAULT_SECRET_KEY.into(),
        retries: AtomicU64::new(0),
        staff: Default::default(),
    })
}

fn temp_data(name: &str) -> PathBuf {
    let data = std::env::temp_dir().join(format!("paywasm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_of_a_faulted_soak_nothing_acknowledged_is_lost() {
    crash_soak_with_the_shop_on(None).await;
}

/// The same, with the shop's orders and records in PostgreSQL (the store of several instances): the process dies
/// with its connections open, mid-transaction at times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_of_a_faulted_soak_nothing_acknowledged_is_lost_on_postgresql() {
    crash_soak_with_the_shop_on(Some(support::fresh_postgres_database().await)).await;
}

/// The crash soak, with the shop's records in `shop_database` (SQLite under the data folder
/// without one).
async fn crash_soak_with_the_shop_on(shop_database: Option<String>) {
    let checkouts: usize = env_or("PAYWASM_CRASH_CHECKOUTS", 300);
    let crash_rate: f64 = env_or("PAYWASM_CRASH_RATE", 0.01);
    let data = temp_data(if shop_database.is_some() {
        "crash-pg"
    } else {
        "crash"
    });
    let crash_rate_arg = crash_rate.to_string();
    let mut args = vec![
        "--gateway-faults",
        "0.2",
        "--shop-faults",
        "0.2",
        "--crash-after-commits",
        &crash_rate_arg,
    ];
    let shop_records = match &shop_database {
        Some(url) => {
            args.extend(["--shop-database", url]);
            ShopRecords::postgres(url)
        }
        None => ShopRecords::sqlite(&data),
    };
    let mut sandbox = Sandbox::spawn((free_port(), free_port()), &data, &args);
    let crashes_at_start = sandbox.crashes_until_ready().await;
    let soak = soak_of(&sandbox);
    let sandbox = Arc::new(tokio::sync::Mutex::new(sandbox));

    // The supervisor: starts the sandbox again at once whenever it crashed after a commit, and
    // SIGKILLs it every 0.5-2.5 s wherever it is.
    let done = Arc::new(AtomicBool::new(false));
    let supervisor = {
        let (sandbox, done) = (sandbox.clone(), done.clone());
        tokio::spawn(async move {
            let (mut kills, mut crashes) = (0u32, 0u32);
            let mut next_kill =
                Instant::now() + Duration::from_millis(rand::random_range(500..2500));
            while !done.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let mut sandbox = sandbox.lock().await;
                if sandbox.crashed() {
                    crashes += 1;
                } else if Instant::now() >= next_kill {
                    sandbox.kill();
                    kills += 1;
                    next_kill =
                        Instant::now() + Duration::from_millis(rand::random_range(500..2500));
                } else {
                    continue;
                }
                crashes += sandbox.restart_until_ready().await;
            }
            (kills, crashes)
        })
    };
    // Charges left to expire on their own during the run: the expiry worker must resume after
    // every start.
    let started = Instant::now();
    let (expiring, last_expiry) = soak.expiring_charges(40).await;
    let plans = soak::plans(checkouts);
    let seen = soak::drive(&soak, &plans, 0, 32).await;
    let drove = started.elapsed();
    // Past every expiry before the crashes stop.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let left = u64::try_from(last_expiry + 1 - now).unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(left)).await;
    done.store(true, Ordering::Relaxed);
    let (kills, crashes) = supervisor.await.unwrap();
    let crashes = crashes + crashes_at_start;
    // Verification reads through a process that no longer crashes.
    {
        let mut sandbox = sandbox.lock().await;
        sandbox.kill();
        sandbox
            .args
            .retain(|a| a != "--crash-after-commits" && *a != crash_rate_arg);
        sandbox.restart_until_ready().await;
    }
    let verdict = soak::verify(&soak, &plans, &seen, &data, &shop_records, &expiring).await;
    let expired = soak
        .list("/charges")
        .await
        .iter()
        .filter(|c| expiring.contains(c["id"].as_str().unwrap()) && c["status"] == "expired")
        .count();
    let announced = soak
        .list("/events")
        .await
        .iter()
        .filter(|event| {
            event["key"] == "charge.complete"
                && event["data"]["status"] == "expired"
                && expiring.contains(event["data"]["id"].as_str().unwrap_or(""))
                && event["webhook_deliveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|delivery| delivery["delivery_status"] == "delivered")
        })
        .count();

    println!(
        "crash safety (the shop on {}): {checkouts} checkouts in {:.1} s; the sandbox killed with SIGKILL {kills} times and crashed right after a commit {crashes} times, each time started again; a fifth of calls faulted",
        if shop_database.is_some() { "PostgreSQL" } else { "SQLite" },
        drove.as_secs_f64()
    );
    println!(
        "  calls made again by the simulated widget and bank: {}",
        soak.retries.load(Ordering::Relaxed)
    );
    verdict.print(checkouts);
    println!(
        "  charges left to expire on their own: {}, expired {expired}, their charge.complete webhooks delivered {announced}",
        expiring.len()
    );
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&data);
    assert_eq!(expired, expiring.len(), "charges that did not expire");
    assert_eq!(announced, expiring.len(), "expiries not announced");
    assert!(
        kills >= 3 && crashes >= 3,
        "the run was too short to kill the sandbox often: {kills} kills, {crashes} crashes"
    );
    verdict.assert_all_right();
}

/// The shop answers no one before its WooshPay webhook endpoint is registered: a PaymentIntent
/// made in its first instants would make events that reach no one, and a customer's payment
/// would never be confirmed by its webhook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shop_answers_only_once_its_wooshpay_webhook_is_registered() {
    let data = temp_data("registered");
    // Every gateway answer 100-800 ms late: the registration takes that long at least, and the
    // shop, reachable within milliseconds of its start, would answer first.
    let sandbox = Sandbox::spawn(
        (free_port(), free_port()),
        &data,
        &["--gateway-faults", "1:latency"],
    );
    let (_, shop) = sandbox.urls();
    let http = Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while http
        .get(format!("{shop}/no-such-page"))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the shop did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let endpoints: i64 = rusqlite::Connection::open(data.join("gateway.sqlite"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM wp_webhook_endpoints", [], |row| {
            row.get(0)
        })
        .unwrap();
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&data);
    assert_eq!(
        endpoints, 1,
        "the shop answered before its endpoint was registered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_load_keeps_every_checkout_right_and_memory_flat() {
    let seconds: u64 = env_or("PAYWASM_LOAD_SECS", 30);
    let data = temp_data("load");
    let mut sandbox = Sandbox::spawn((free_port(), free_port()), &data, &[]);
    assert!(sandbox.ready().await, "the sandbox did not start");
    let soak = soak_of(&sandbox);
    let started = Instant::now();
    let mut plans = Vec::new();
    let mut seen = Vec::new();
    let mut samples = vec![(0.0, sandbox.rss_kb())];
    // Rounds of 200 checkouts, 32 at a time, until the time is up; memory after each round.
    while started.elapsed() < Duration::from_secs(seconds) {
        let round = soak::plans(200);
        seen.extend(soak::drive(&soak, &round, plans.len(), 32).await);
        plans.extend(round);
        samples.push((started.elapsed().as_secs_f64(), sandbox.rss_kb()));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let verdict = soak::verify(
        &soak,
        &plans,
        &seen,
        &data,
        &ShopRecords::sqlite(&data),
        &Default::default(),
    )
    .await;

    // Flat: the second half of the run grows by less than a fifth of the first half's peak (the
    // first rounds fill SQLite's page cache and the allocator's pools).
    let half = samples.len() / 2;
    let first_peak = samples[..half.max(1)].iter().map(|s| s.1).max().unwrap();
    let last = samples.last().unwrap().1;
    println!(
        "load: {} checkouts in {elapsed:.0} s ({:.1} a second, about 10 requests each), 32 at a time",
        plans.len(),
        plans.len() as f64 / elapsed
    );
    println!(
        "  sandbox memory (RSS, KB) at {}",
        samples
            .iter()
            .map(|(t, kb)| format!("{t:.0} s: {kb}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    verdict.print(plans.len());
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&data);
    verdict.assert_all_right();
    assert!(
        samples.len() >= 3,
        "too short a run to judge memory: {samples:?}"
    );
    assert!(
        last <= first_peak + first_peak / 5,
        "memory grew: {first_peak} KB in the first half, {last} KB at the end"
    );
}

/// The demo shop as several instances beside one gateway, sharing one PostgreSQL
/// database: a gateway process, and shop-only processes (`--gateway-url`,
/// `--shop-database postgres://...`) on ports of their own.
struct Instances {
    gateway: Sandbox,
    shops: Vec<Sandbox>,
    database: String,
    data: PathBuf,
}

impl Instances {
    /// The gateway, sending its events to the instances at `webhook_ports`, and one shop
    /// instance on each of `shop_ports`, all public at the first one's address.
    async fn start(name: &str, shop_ports: &[u16], webhook_ports: &[u16]) -> Self {
        let database = support::fresh_postgres_database().await;
        let data = temp_data(name);
        let hooks: Vec<String> = webhook_ports
            .iter()
            .map(|port| format!("http://127.0.0.1:{port}/webhooks/omise"))
            .collect();
        // The gateway alone, as the README's example runs it.
        let mut args = vec!["--no-shop"];
        for hook in &hooks {
            args.extend(["--webhook-url", hook.as_str()]);
        }
        let mut gateway = Sandbox::spawn((free_port(), free_port()), &data.join("gateway"), &args);
        assert!(gateway.ready().await, "the gateway did not start");
        let gateway_url = gateway.urls().0;
        // Behind a load balancer the instances share one public address; here, the first's.
        let public_url = format!("http://127.0.0.1:{}", shop_ports[0]);
        let mut shops = Vec::new();
        for (n, port) in shop_ports.iter().enumerate() {
            let args = [
                "--gateway-url",
                gateway_url.as_str(),
                "--shop-database",
                database.as_str(),
                "--shop-public-url",
                public_url.as_str(),
            ];
            let mut shop = Sandbox::spawn((free_port(), *port), &data.join(n.to_string()), &args);
            assert!(shop.ready().await, "shop instance {n} did not start");
            shops.push(shop);
        }
        Self {
            gateway,
            shops,
            database,
            data,
        }
    }

    fn gateway_url(&self) -> String {
        self.gateway.urls().0
    }

    fn shop_url(&self, n: usize) -> String {
        self.shops[n].urls().1
    }

    /// A client of the gateway and the instances, as the soak's helpers drive them.
    fn soak(&self) -> Soak {
        let (gateway, shop) = (self.gateway_url(), self.shop_url(0));
        Soak {
            shop,
            gateway,
            ..Arc::into_inner(soak_of(&self.gateway)).unwrap()
        }
    }
}

impl Drop for Instances {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// A new order of the product on the instance at `shop` (its id), or an error if that
/// instance does not answer.
async fn order_on(http: &Client, shop: &str) -> Result<String, String> {
    let answer = http
        .get(format!("{shop}/"))
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = answer.status();
    let page = answer
        .text()
        .await
        .map_err(|e| format!("{status}, body cut: {e}"))?;
    let marker = "id=\"checkout-config\">";
    let config = page
        .split_once(marker)
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .and_then(|(config, _)| serde_json::from_str::<serde_json::Value>(config).ok());
    match config.as_ref().and_then(|c| c["widget"]["order"].as_str()) {
        Some(order) => Ok(order.to_owned()),
        None => Err(format!(
            "{status} without an order: {}",
            page.chars().take(300).collect::<String>()
        )),
    }
}

/// An order from the product page of `shop`, asked again for up to 10 s while the instance
/// does not give one (a loaded machine: an instance still warming up its pool answers 503 as
/// a browser's reload would find); then fails saying what the instance answered.
async fn order_from(http: &Client, shop: &str) -> String {
    let mut last = String::new();
    for _ in 0..20 {
        match order_on(http, shop).await {
            Ok(order) => return order,
            Err(why) => last = why,
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("{shop} gave no order: {last}")
}

/// A PromptPay source for the product, made with the public key as the widget makes it.
async fn promptpay_source(soak: &Soak) -> serde_json::Value {
    let (status, source) = soak::call(soak, || {
        soak.gateway(reqwest::Method::POST, "/sources", &soak.public_key)
            .json(&serde_json::json!({"type": "promptpay", "amount": 129_000, "currency": "THB"}))
    })
    .await;
    assert_eq!(status, 200, "{source}");
    source
}

/// The webhook that reaches instance A wakes the customer waiting on instance B, and B knows
/// the order is paid; a cashier signed in on A is signed in on B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_that_reaches_instance_a_wakes_the_customer_waiting_on_b() {
    let (port_a, port_b) = (free_port(), free_port());
    let instances = Instances::start("a-to-b", &[port_a, port_b], &[port_a]).await;
    let soak = instances.soak();
    let (a, b) = (instances.shop_url(0), instances.shop_url(1));
    let order = order_from(&soak.http, &b).await;
    let source = promptpay_source(&soak).await;
    // The order was opened on B; A charges it (they share the orders).
    let (status, charge) = soak::call(&soak, || {
        soak.http
            .post(format!("{a}/checkout/charges"))
            .json(&serde_json::json!({"source": source["id"], "order": order}))
    })
    .await;
    assert_eq!(status, 201, "{charge}");
    let id = charge["id"].as_str().unwrap().to_owned();
    let held = tokio::spawn({
        let request = soak.http.get(format!("{b}/checkout/charges/{id}?wait=20"));
        async move {
            request
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paid_at = Instant::now();
    soak.decide(&id, "mark_as_paid").await;
    let seen = held.await.unwrap();
    let reaction = paid_at.elapsed();
    println!("two shop processes on PostgreSQL: the customer waiting on B learned of the payment whose webhook reached A {reaction:?} after it");
    assert_eq!(seen["status"], "successful", "{seen}");
    assert!(reaction < Duration::from_secs(3), "{reaction:?}");
    assert_eq!(
        ShopRecords::postgres(&instances.database).paid(&id).await,
        Some(true)
    );

    let cookie = support::staff_cookie(&a).await;
    let till = |shop: &str| {
        soak.http
            .get(format!("{shop}/pos"))
            .header("Cookie", &cookie)
            .send()
    };
    assert_eq!(till(&b).await.unwrap().status(), 200, "signed in on B too");
}

/// A charge request whose answer from instance A was lost (A died after the gateway made the
/// charge) and that the customer makes again on B gets the same charge, not a refusal: both
/// instances send the gateway the same request under the order's key. They did not while each
/// made its return page from its own address (422 "this Idempotency-Key was used for a
/// different request", seen once in the kill test below).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charge_request_made_again_on_the_other_instance_gets_the_same_charge() {
    let (port_a, port_b) = (free_port(), free_port());
    let instances = Instances::start("again-on-b", &[port_a, port_b], &[port_a]).await;
    let soak = instances.soak();
    let (a, b) = (instances.shop_url(0), instances.shop_url(1));
    let order = order_from(&soak.http, &a).await;
    let source = promptpay_source(&soak).await;
    let body = serde_json::json!({"source": source["id"], "order": order});
    let mut charges = Vec::new();
    for shop in [&a, &b] {
        let (status, charge) = soak::call(&soak, || {
            soak.http
                .post(format!("{shop}/checkout/charges"))
                .json(&body)
        })
        .await;
        assert_eq!(status, 201, "{shop}: {charge}");
        charges.push(charge["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(charges[0], charges[1], "one charge for the order");
}

/// How a customer's checkout ended, and how it got there.
struct Customer {
    charge: String,
    seen: String,
    /// Requests made again on the other instance because the first did not answer.
    moved: u32,
}

/// A customer as the widget drives the checkout behind a load balancer: an order, a source,
/// the charge, then status requests held up to 10 s, until the charge ends. A request the
/// instance does not answer (it died) is made again on the other instance.
async fn customer(
    soak: Arc<Soak>,
    shops: [String; 2],
    home: usize,
    waiting: Arc<AtomicU64>,
) -> Customer {
    let mut at = home;
    let mut moved = 0;
    let order = loop {
        match order_on(&soak.http, &shops[at]).await {
            Ok(order) => break order,
            Err(_) => (at, moved) = (1 - at, moved + 1),
        }
    };
    let source = promptpay_source(&soak).await;
    let body = serde_json::json!({"source": source["id"], "order": order});
    let charge = loop {
        let answer = soak
            .http
            .post(format!("{}/checkout/charges", shops[at]))
            .json(&body)
            .send()
            .await;
        match answer {
            Ok(answer) if answer.status() == 201 => {
                break answer.json::<serde_json::Value>().await.unwrap()
            }
            Ok(answer) => panic!("{} {}", answer.status(), answer.text().await.unwrap()),
            Err(_) => (at, moved) = (1 - at, moved + 1),
        }
    };
    let id = charge["id"].as_str().unwrap().to_owned();
    waiting.fetch_add(1, Ordering::Relaxed);
    let seen = loop {
        let answer = soak
            .http
            .get(format!("{}/checkout/charges/{id}?wait=10", shops[at]))
            .send()
            .await;
        let charge = match answer {
            Ok(answer) => match answer.json::<serde_json::Value>().await {
                Ok(charge) => charge,
                Err(_) => {
                    (at, moved) = (1 - at, moved + 1);
                    continue;
                }
            },
            Err(_) => {
                (at, moved) = (1 - at, moved + 1);
                continue;
            }
        };
        if charge["status"] != "pending" {
            break charge["status"].as_str().unwrap().to_owned();
        }
    };
    Customer {
        charge: id,
        seen,
        moved,
    }
}

/// `kill -9` of one of two shop instances while customers wait on both. Every event
/// goes to both instances (as two webhook endpoints). The customers of the killed one make
/// their requests again on the other, as they would behind a load balancer; the killed one is
/// started again later and the gateway's redeliveries to it are answered. Every customer gets
/// the right outcome, no order is charged twice, every event is handled (once: the instances
/// share the record of handled events).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_two_shop_instances_killed_while_customers_wait_on_both() {
    let customers: usize = env_or("PAYWASM_INSTANCE_CUSTOMERS", 60);
    let (port_a, port_b) = (free_port(), free_port());
    let mut instances = Instances::start("kill-one", &[port_a, port_b], &[port_a, port_b]).await;
    let soak = Arc::new(instances.soak());
    let shops = [instances.shop_url(0), instances.shop_url(1)];
    let waiting = Arc::new(AtomicU64::new(0));
    let late: usize = customers / 3;
    let tasks: Vec<_> = (0..customers)
        .map(|n| {
            tokio::spawn(customer(
                soak.clone(),
                shops.clone(),
                n % 2,
                waiting.clone(),
            ))
        })
        .collect();
    let all_waiting = |count: usize| {
        let waiting = waiting.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(60);
            while waiting.load(Ordering::Relaxed) < count as u64 {
                assert!(Instant::now() < deadline, "the customers never all waited");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    all_waiting(customers).await;
    let charge_ids = |charges: Vec<serde_json::Value>| -> Vec<String> {
        charges
            .iter()
            .map(|charge| charge["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let charges = charge_ids(soak.list("/charges").await);
    assert_eq!(charges.len(), customers, "one charge per customer");
    // The bank decides each charge, two in three paid, the rest failed; instance A is killed
    // with SIGKILL halfway through, while half the customers wait on it and more arrive at
    // it, their pages and charges in flight (they finish on B: the same charge, never a
    // second one).
    let mut planned: HashMap<String, &str> = charges
        .iter()
        .enumerate()
        .map(|(n, id)| (id.clone(), if n % 3 == 2 { "failed" } else { "successful" }))
        .collect();
    let decide = |id: String, outcome: &'static str| {
        let soak = soak.clone();
        async move {
            let decision = if outcome == "failed" {
                "mark_as_failed"
            } else {
                "mark_as_paid"
            };
            soak.decide(&id, decision).await;
        }
    };
    let mut killed_at = None;
    let mut arriving = Vec::new();
    for (n, id) in charges.iter().enumerate() {
        if n == customers / 2 {
            arriving = (0..late)
                .map(|k| {
                    let (soak, shops, waiting) = (soak.clone(), shops.clone(), waiting.clone());
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(10 * k as u64)).await;
                        customer(soak, shops, 0, waiting).await
                    })
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(5 * late as u64)).await;
            instances.shops[0].kill();
            killed_at = Some(Instant::now());
        }
        decide(id.clone(), planned[id]).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Those who arrived around the kill are paid once they all wait.
    all_waiting(customers + late).await;
    let arrived: Vec<String> = charge_ids(soak.list("/charges").await)
        .into_iter()
        .filter(|id| !planned.contains_key(id))
        .collect();
    for id in &arrived {
        planned.insert(id.clone(), "successful");
        decide(id.clone(), "successful").await;
    }
    let mut seen = HashMap::new();
    let mut moved = (0, 0);
    for task in tasks.into_iter().chain(arriving) {
        let customer = task.await.unwrap();
        if customer.moved > 0 {
            moved = (moved.0 + 1, moved.1 + customer.moved);
        }
        seen.insert(customer.charge, customer.seen);
    }
    let all_answered = killed_at.unwrap().elapsed();
    // A is started again on its port: the gateway's redeliveries to it get their answers.
    instances.shops[0].restart();
    assert!(instances.shops[0].ready().await, "A did not start again");
    let deadline = Instant::now() + Duration::from_secs(120);
    let events = loop {
        let events = soak.list("/events").await;
        let undelivered = events
            .iter()
            .flat_map(|event| event["webhook_deliveries"].as_array().unwrap().clone())
            .filter(|delivery| delivery["delivery_status"] != "delivered")
            .count();
        if undelivered == 0 {
            break events;
        }
        assert!(
            Instant::now() < deadline,
            "{undelivered} deliveries never answered"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let refused_while_down = events
        .iter()
        .flat_map(|event| event["webhook_deliveries"].as_array().unwrap().clone())
        .filter(|delivery| delivery["attempts"].as_u64().unwrap_or(0) > 1)
        .count();

    let records = ShopRecords::postgres(&instances.database);
    let processed = records.processed().await;
    let unprocessed = events
        .iter()
        .filter(|event| !processed.contains(event["id"].as_str().unwrap()))
        .count();
    let gateway_charges = soak.list("/charges").await;
    let mut wrong_for_customer = 0;
    let mut wrong_at_gateway = 0;
    let mut wrong_in_shop = 0;
    for (id, outcome) in &planned {
        if seen.get(id).map(String::as_str) != Some(*outcome) {
            wrong_for_customer += 1;
        }
        let at_gateway = gateway_charges
            .iter()
            .find(|charge| charge["id"] == id.as_str())
            .unwrap();
        if at_gateway["status"] != *outcome {
            wrong_at_gateway += 1;
        }
        if records.paid(id).await != Some(*outcome == "successful") {
            wrong_in_shop += 1;
        }
    }
    println!(
        "two shop instances on PostgreSQL, A killed with SIGKILL halfway through the payments: {customers} customers waiting and {late} arriving at A around the kill; {} of them made requests again on the other instance ({} requests in all); every customer answered {:.1} s after the kill",
        moved.0,
        moved.1,
        all_answered.as_secs_f64()
    );
    println!(
        "  charges {} (one per customer), wrong for the customer {wrong_for_customer}, at the gateway {wrong_at_gateway}, in the shop's orders {wrong_in_shop}",
        gateway_charges.len()
    );
    println!(
        "  events {}, deliveries (to both instances) refused while A was down and delivered after its restart {refused_while_down}, events not handled {unprocessed}",
        events.len()
    );
    assert_eq!(
        gateway_charges.len(),
        customers + late,
        "an order charged twice"
    );
    assert_eq!(seen.len(), customers + late);
    assert_eq!(wrong_for_customer, 0);
    assert_eq!(wrong_at_gateway, 0);
    assert_eq!(wrong_in_shop, 0);
    assert_eq!(unprocessed, 0, "events lost");
    assert!(
        moved.0 > 0,
        "no customer was waiting on the killed instance: the test did not test"
    );
    assert!(
        refused_while_down > 0,
        "no delivery met the killed instance: the test did not test"
    );
}
