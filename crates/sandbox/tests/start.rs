//! What `npm start` prints: a developer's guide to the running sandbox, whose every address
//! answers, ending with the two lines scripts read.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The sandbox started with `args` on free ports, and what it printed up to the line starting
/// with `last` (it is ready then).
fn started(args: &[&str], last: &str) -> (std::process::Child, Vec<String>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_paywasm-sandbox"))
        .args(["--gateway", "127.0.0.1:0"])
        .args(args)
        .arg("--www")
        .arg(root.join("www"))
        .arg("--pkg")
        .arg(root.join("pkg"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.starts_with(last);
        lines.push(line);
        if done {
            break;
        }
    }
    (child, lines)
}

#[tokio::test]
async fn the_start_up_guide_names_each_part_and_how_to_get_in_and_every_address_answers() {
    let (mut child, lines) = started(&["--shop", "127.0.0.1:0"], "shop:");
    let guide = lines.join("\n");
    for named in [
        "test mode (no money moves)",
        "Point of sale (cashier, PIN 2580)",
        "Test-mode dashboard",
        "sign in with the secret key",
        "public pkey_test_5paywasmsandbox0demo0",
        "secret skey_test_5paywasmsandbox0demo0",
        "publishable pk_test_paywasm0sandbox0wooshpay",
        "/examples/wooshpay-session",
    ] {
        assert!(guide.contains(named), "{named:?} in\n{guide}");
    }
    assert!(lines[lines.len() - 2].starts_with("gateway: http://127.0.0.1:"));

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The guide's addresses are pages; the last two lines name the servers for scripts.
    let pages = lines[..lines.len() - 2].join("\n");
    let addresses: Vec<&str> = pages
        .split_whitespace()
        .filter(|word| word.starts_with("http://"))
        .map(|word| word.trim_end_matches(','))
        .collect();
    assert!(addresses.len() >= 5, "{addresses:?}");
    for address in addresses {
        let status = http.get(address).send().await.unwrap().status();
        assert!(
            status.is_success() || status.is_redirection(),
            "{address}: {status}"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `--no-shop`: the gateway alone, for a merchant's own server; its guide says so and ends with
/// the gateway's address, and the gateway serves charges and their webhooks to the merchant's
/// endpoint only.
#[tokio::test]
async fn the_gateway_runs_alone_with_no_shop() {
    let mut config = paywasm_sandbox::config::Config::for_tests();
    config.no_shop = true;
    let running = paywasm_sandbox::start(config).await.unwrap();
    assert_eq!(running.shop_url, None);
    let http = reqwest::Client::new();
    let charge: serde_json::Value = http
        .post(format!("{}/charges", running.gateway_url))
        .basic_auth(&running.secret_key, Some(""))
        .form(&[
            ("amount", "129000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(charge["status"], "pending", "{charge}");
    running.stop().await;

    let (mut child, lines) = started(&["--no-shop"], "gateway:");
    let guide = lines.join("\n");
    assert!(guide.contains("the gateway alone (--no-shop)"), "{guide}");
    assert!(
        guide.contains("/dashboard") && !guide.contains("Demo shop"),
        "{guide}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // Nothing is left to run with both the shop's gateway elsewhere and no shop.
    let refused = Command::new(env!("CARGO_BIN_EXE_paywasm-sandbox"))
        .args(["--no-shop", "--gateway-url", "http://127.0.0.1:7070"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot be used with"));
}
