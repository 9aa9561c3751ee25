//! Benchmark: N customers waiting, spread over two instances that share a
//! PostgreSQL database, each woken by a change committed on a third connection (as a webhook
//! on either instance would commit it); beside it, in the same run, the baseline: the same
//! customers on one instance woken in-process. Prints the wake-up latency (from the start of
//! the commit to the waiter running) and the memory each waiting customer costs, as the JSON
//! rows `scripts/bench.mjs` tabulates.
//!
//!   source scripts/postgres.sh && cargo run --release -p paywasm-merchant --features postgres --example wakeups -- 10000

#![allow(clippy::unwrap_used)] // a benchmark that cannot reach its database should stop there

use paywasm_merchant::postgres::{listen, notify_changed};
use paywasm_merchant::waiters::Waiters;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Resident memory of this process, in bytes.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn percentile(sorted: &[Duration], share: f64) -> f64 {
    let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1_000.0
}

/// Starts one waiting customer per charge on the instance `pick` names; each reports, when
/// woken, the time since its charge's commit began (`began`, indexed by charge).
fn wait_all(
    instances: &[Waiters],
    count: usize,
    began: &Arc<Vec<std::sync::OnceLock<Instant>>>,
) -> mpsc::UnboundedReceiver<Duration> {
    let (woken, reports) = mpsc::unbounded_channel();
    for index in 0..count {
        let mut waiting =
            instances[index % instances.len()].wait_on(&format!("chrg_bench_{index}"));
        let (woken, began) = (woken.clone(), began.clone());
        tokio::spawn(async move {
            waiting.changed().await;
            let start = began[index].get().copied().unwrap_or_else(Instant::now);
            let _ = woken.send(start.elapsed());
        });
    }
    reports
}

async fn collect(mut reports: mpsc::UnboundedReceiver<Duration>, count: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(count);
    while latencies.len() < count {
        match tokio::time::timeout(Duration::from_secs(30), reports.recv()).await {
            Ok(Some(latency)) => latencies.push(latency),
            _ => break,
        }
    }
    latencies.sort();
    latencies
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let url = std::env::var("PAYWASM_TEST_POSTGRES")
        .expect("PAYWASM_TEST_POSTGRES: source scripts/postgres.sh first");

    // Baseline: one instance, woken in-process, one charge after another.
    let single = Waiters::default();
    let began: Arc<Vec<_>> = Arc::new((0..count).map(|_| std::sync::OnceLock::new()).collect());
    let before = resident_bytes();
    let reports = wait_all(std::slice::from_ref(&single), count, &began);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let per_customer = resident_bytes().saturating_sub(before) / count as u64;
    for index in 0..count {
        let _ = began[index].set(Instant::now());
        single.wake(&format!("chrg_bench_{index}"));
    }
    let baseline = collect(reports, count).await;

    // Two instances on PostgreSQL; 16 connections commit the changes, as webhooks arriving
    // at either instance would.
    let (a, b) = (Waiters::default(), Waiters::default());
    let _listening_a = listen(&url, a.clone()).await.unwrap();
    let _listening_b = listen(&url, b.clone()).await.unwrap();
    let began: Arc<Vec<_>> = Arc::new((0..count).map(|_| std::sync::OnceLock::new()).collect());
    let reports = wait_all(&[a, b], count, &began);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let mut committers = tokio::task::JoinSet::new();
    const COMMITTERS: usize = 16;
    for committer in 0..COMMITTERS {
        let (url, began) = (url.clone(), began.clone());
        committers.spawn(async move {
            let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            for index in (committer..count).step_by(COMMITTERS) {
                let transaction = client.transaction().await.unwrap();
                notify_changed(&transaction, &format!("chrg_bench_{index}"))
                    .await
                    .unwrap();
                let _ = began[index].set(Instant::now());
                transaction.commit().await.unwrap();
            }
        });
    }
    while committers.join_next().await.is_some() {}
    let committed_per_s = count as f64 / started.elapsed().as_secs_f64();
    let shared = collect(reports, count).await;

    eprintln!(
        "{count} waiting: in-process p95 {:.2} ms; PostgreSQL p50 {:.1} p95 {:.1} p99 {:.1} ms, {} of {count} woken, {committed_per_s:.0} commits/s; {per_customer} B per waiting customer",
        percentile(&baseline, 0.95),
        percentile(&shared, 0.5),
        percentile(&shared, 0.95),
        percentile(&shared, 0.99),
        shared.len(),
    );
    let row = |name: String, value: String, target: &str, baseline: String| {
        println!(
            "{}",
            serde_json::json!({ "name": name, "value": value, "unit": "", "target": target, "baseline": baseline })
        );
    };
    row(
        format!("wake-up, {count} waiting over 2 instances on PostgreSQL (commit to waiter)"),
        format!(
            "p95 {:.1} ms (p50 {:.1}, p99 {:.1}; {} of {count} woken)",
            percentile(&shared, 0.95),
            percentile(&shared, 0.5),
            percentile(&shared, 0.99),
            shared.len()
        ),
        "p95 < 300 ms",
        format!(
            "1 instance, in-process: p95 {:.2} ms",
            percentile(&baseline, 0.95)
        ),
    );
    row(
        "memory per waiting customer (its waiter task; the held HTTP request not included)".into(),
        format!("{per_customer} B"),
        "measured",
        String::new(),
    );
}
