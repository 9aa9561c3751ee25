//! Faults between every pair of parties: a soak of simulated checkouts (every method:
//! PromptPay and Alipay online, Alipay and WeChat Pay in store, Alipay on WooshPay's
//! PaymentIntents) against the sandbox with a fifth
//! of the calls to the gateway and to the shop faulted (late, refused with 503, connection broken
//! before or after the server acted, answers trickled out), webhooks included. Each checkout is
//! driven as the widget and the customer's bank would drive it, retrying what failed; then every
//! checkout must end in its planned state for the customer, in the shop's order and at the
//! gateway, with one charge per checkout and every webhook event delivered and processed once.
//!
//! `cargo test -p paywasm-sandbox --test soak -- --nocapture` prints the figures;
//! `PAYWASM_SOAK_CHECKOUTS` (default 1000) and `PAYWASM_SOAK_FAULT_RATE` (default 0.2) change
//! the run.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use support::ShopUrl;

use paywasm_sandbox::config::Config;
use paywasm_sandbox::faults::Faults;
use reqwest::Client;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::soak::{self, ShopRecords, Soak};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_checkout_ends_right_with_a_fifth_of_all_calls_faulted() {
    soak_with_the_shop_on(None).await;
}

/// The same soak with the shop's orders and records in PostgreSQL, as several instances keep them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_checkout_ends_right_with_a_fifth_of_all_calls_faulted_on_postgresql() {
    soak_with_the_shop_on(Some(support::fresh_postgres_database().await)).await;
}

/// The soak, with the shop's records in `shop_database` (SQLite under the data folder without
/// one).
async fn soak_with_the_shop_on(shop_database: Option<String>) {
    let checkouts: usize = env_or("PAYWASM_SOAK_CHECKOUTS", 1000);
    let rate: f64 = env_or("PAYWASM_SOAK_FAULT_RATE", 0.2);
    let data = std::env::temp_dir().join(format!(
        "paywasm-soak-{}-{}",
        std::process::id(),
        shop_database.is_some()
    ));
    std::fs::create_dir_all(&data).unwrap();
    let gateway_faults = Faults::parse(&rate.to_string()).unwrap();
    let shop_faults = Faults::parse(&rate.to_string()).unwrap();
    let mut config = Config::for_tests();
    config.data_dir = Some(data.clone());
    config.shop_database = shop_database.clone();
    config.gateway_faults = Some(gateway_faults.clone());
    config.shop_faults = Some(shop_faults.clone());
    let running = paywasm_sandbox::start(config)
        .await
        .expect("sandbox starts");
    let soak = Arc::new(Soak {
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        gateway: running.gateway_url.clone(),
        shop: running.shop().to_owned(),
        public_key: running.public_key.clone(),
        secret_key: running.secret_key.clone(),
        wooshpay_public_key: running.wooshpay_public_key.clone(),
        wooshpay_secret_key: running.wooshpay_secret_key.clone(),
        retries: AtomicU64::new(0),
        staff: Default::default(),
    });

    let shop_records = match &shop_database {
        Some(url) => ShopRecords::postgres(url),
        None => ShopRecords::sqlite(&data),
    };
    let plans = soak::plans(checkouts);
    let started = Instant::now();
    let seen = soak::drive(&soak, &plans, 0, 32).await;
    let drove = started.elapsed();
    let verdict = soak::verify(
        &soak,
        &plans,
        &seen,
        &data,
        &shop_records,
        &Default::default(),
    )
    .await;

    let injected = |faults: &Faults| {
        faults
            .injected()
            .iter()
            .map(|(kind, count)| format!("{} {count}", kind.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "soak: {checkouts} checkouts in {:.1} s, fault rate {rate}, the shop on {}",
        drove.as_secs_f64(),
        if shop_database.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "  faults injected at the gateway: {} ({})",
        gateway_faults.total(),
        injected(&gateway_faults)
    );
    println!(
        "  faults injected at the shop: {} ({})",
        shop_faults.total(),
        injected(&shop_faults)
    );
    println!(
        "  calls made again by the simulated widget and bank: {}",
        soak.retries.load(Ordering::Relaxed)
    );
    verdict.print(checkouts);
    running.stop().await;
    let _ = std::fs::remove_dir_all(&data);

    assert!(gateway_faults.total() > 0 && shop_faults.total() > 0 || rate == 0.0);
    verdict.assert_all_right();
}
