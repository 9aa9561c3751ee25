//! The sandbox binary killed with SIGKILL and started again on the same `--data`: nothing it
//! acknowledged is lost, and pending work (expiry, webhook retries) resumes.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use support::eventually;

const SECRET: &str = "skey_test_5paywasmsandbox0demo0";

struct Process {
    child: Child,
    gateway: String,
}

fn start(data: &std::path::Path) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paywasm-sandbox"))
        .args([
            "--gateway",
            "127.0.0.1:0",
            "--shop",
            "127.0.0.1:0",
            "--data",
        ])
        .arg(data)
        // nobody listens there: deliveries stay pending and are retried
        .args(["--webhook-url", "http://127.0.0.1:9/hook"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let gateway = lines
        .by_ref()
        .map(Result::unwrap)
        .find_map(|line| line.strip_prefix("gateway: ").map(str::to_owned))
        .expect("the sandbox prints its gateway URL");
    // keep reading stdout so the child never blocks on a full pipe
    std::thread::spawn(move || lines.for_each(drop));
    Process { child, gateway }
}

async fn call(method: reqwest::Method, url: String, form: &[(&str, &str)]) -> Value {
    reqwest::Client::new()
        .request(method, url)
        .basic_auth(SECRET, Some(""))
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_killed_sandbox_restarts_with_everything_it_acknowledged() {
    let data = std::env::temp_dir().join(format!("paywasm-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);

    let mut first = start(&data);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expires_at = paywasm_core::time::Timestamp(now + 3).to_string();
    let pending = call(
        reqwest::Method::POST,
        format!("{}/charges", first.gateway),
        &[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
            ("expires_at", &expires_at),
        ],
    )
    .await;
    assert_eq!(pending["status"], "pending", "{pending}");
    let paid = call(
        reqwest::Method::POST,
        format!("{}/charges", first.gateway),
        &[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "barcode_alipay"),
            ("source[barcode]", "1234567890"),
        ],
    )
    .await;
    assert_eq!(paid["status"], "successful");
    first.child.kill().unwrap(); // SIGKILL: no clean shutdown
    first.child.wait().unwrap();

    let mut second = start(&data);
    let read = |id: &str| {
        call(
            reqwest::Method::GET,
            format!("{}/charges/{id}", second.gateway),
            &[],
        )
    };
    assert_eq!(
        read(paid["id"].as_str().unwrap()).await["status"],
        "successful"
    );
    // expiry resumes on its own after the restart
    let events = || async {
        let events = call(
            reqwest::Method::GET,
            format!("{}/events?limit=100", second.gateway),
            &[],
        )
        .await;
        events["data"].as_array().unwrap().clone()
    };
    eventually("the charge to expire after the restart", || async {
        events().await.iter().any(|e| {
            e["key"] == "charge.complete"
                && e["data"]["id"] == pending["id"]
                && e["data"]["status"] == "expired"
        })
    })
    .await;
    // events from before the kill are still there, and their deliveries are still being retried
    let created = events()
        .await
        .into_iter()
        .find(|e| e["key"] == "charge.create" && e["data"]["id"] == pending["id"])
        .unwrap();
    let delivery = &created["webhook_deliveries"][0];
    assert_eq!(delivery["delivery_status"], "pending");
    assert!(delivery["attempts"].as_i64().unwrap() >= 1, "{delivery}");
    second.child.kill().unwrap();
    second.child.wait().unwrap();
    std::fs::remove_dir_all(&data).unwrap();
}
