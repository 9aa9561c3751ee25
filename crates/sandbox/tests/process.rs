//! Issue 9: the sandbox (gateway and shop in one process) as a process that dies during a soak,
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
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::soak::{self, Soak};

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

    /// Waits until it answers; false if it died first (a crash point fired while it started).
    async fn ready(&mut self) -> bool {
        let http = Client::new();
        let (gateway, _) = self.urls();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{gateway}/charges")).send().await.is_err() {
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
    let checkouts: usize = env_or("PAYWASM_CRASH_CHECKOUTS", 300);
    let crash_rate: f64 = env_or("PAYWASM_CRASH_RATE", 0.01);
    let data = temp_data("crash");
    let crash_rate_arg = crash_rate.to_string();
    let args = [
        "--gateway-faults",
        "0.2",
        "--shop-faults",
        "0.2",
        "--crash-after-commits",
        &crash_rate_arg,
    ];
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
    let verdict = soak::verify(&soak, &plans, &seen, &data.join("shop.sqlite"), &expiring).await;
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
            event["key"] == "charge.expire"
                && expiring.contains(event["data"]["id"].as_str().unwrap_or(""))
                && event["webhook_deliveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|delivery| delivery["delivery_status"] == "delivered")
        })
        .count();

    println!(
        "crash safety: {checkouts} checkouts in {:.1} s; the sandbox killed with SIGKILL {kills} times and crashed right after a commit {crashes} times, each time started again; a fifth of calls faulted",
        drove.as_secs_f64()
    );
    println!(
        "  calls made again by the simulated widget and bank: {}",
        soak.retries.load(Ordering::Relaxed)
    );
    verdict.print(checkouts);
    println!(
        "  charges left to expire on their own: {}, expired {expired}, their charge.expire webhooks delivered {announced}",
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
        &data.join("shop.sqlite"),
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
