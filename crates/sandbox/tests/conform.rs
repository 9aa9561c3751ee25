//! `paywasm-sandbox conform` against real servers: the demo shop holds every point of the
//! merchant contract; a server that skips its checks (takes any webhook, charges whatever it is
//! sent, never holds a reader) is told, point by point, what it does not do. The command line
//! itself prints the report and fails with the server.

#![allow(clippy::unwrap_used)] // a test whose server does not answer should stop there

mod support;

use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_sandbox::conform::{self, points, ConformArgs};
use serde_json::{json, Value};
use support::{Sandbox, ShopUrl};

fn args(sandbox: &Sandbox, merchant: &str, order: &Value) -> ConformArgs {
    ConformArgs {
        merchant: merchant.to_owned(),
        charge_url: None,
        webhook_url: None,
        order: order["order"].as_str().unwrap().to_owned(),
        redirect_order: order["redirect_order"].as_str().map(str::to_owned),
        amount: order["amount"].as_i64().unwrap(),
        currency: order["currency"].as_str().unwrap().to_owned(),
        gateway: sandbox.running.gateway_url.clone(),
        public_key: sandbox.running.public_key.clone(),
        secret_key: sandbox.running.secret_key.clone(),
        webhook_secret: paywasm_sandbox::config::Config::for_tests().webhook_secret,
    }
}

#[tokio::test]
async fn the_demo_shop_holds_every_point_of_the_merchant_contract() {
    let sandbox = Sandbox::start().await;
    let mut order = sandbox.shop_order().await;
    order["redirect_order"] = sandbox.shop_order().await["order"].clone();
    let report = conform::run(&args(&sandbox, sandbox.running.shop(), &order)).await;
    assert!(report.passed(), "{report}");
    assert_eq!(report.points.len(), 15, "{report}");
    assert!(report.point(points::REDIRECT).is_some(), "{report}");
    sandbox.running.stop().await;
}

/// A merchant server that answers every request as if all were well.
async fn careless_merchant() -> String {
    let charge = json!({
        "id": "chrg_test_careless", "status": "pending", "amount": 129000, "currency": "THB",
        "source": {"type": "promptpay", "flow": "offline",
            "scannable_code": {"image": {"download_uri": "http://127.0.0.1:9/qr"}}}
    });
    let created = charge.clone();
    let app = Router::new()
        .route(
            "/checkout/charges",
            post(move || async move { (axum::http::StatusCode::CREATED, Json(created)) }),
        )
        .route(
            "/checkout/charges/{id}",
            get(move || async move { Json(charge) }),
        )
        .route("/webhooks/omise", post(|| async { Json(json!({})) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn a_server_that_skips_the_contracts_checks_is_told_what_it_does_not_do() {
    let sandbox = Sandbox::start().await;
    let merchant = careless_merchant().await;
    let order = json!({"order": "ord_careless", "redirect_order": "ord_careless_too", "amount": 129_000, "currency": "THB"});
    let report = conform::run(&args(&sandbox, &merchant, &order)).await;
    assert!(!report.passed(), "{report}");
    let held = |name| report.point(name).map(|point| point.outcome.is_ok());
    // It answers like a charge, the same one each time, and can be read back...
    for name in [points::CHARGE, points::REPEAT, points::READ] {
        assert_eq!(held(name), Some(true), "{name}: {report}");
    }
    // ...but checks nothing it is sent, never holds a reader, and takes any webhook.
    for name in [
        points::MISMATCH,
        points::UNKNOWN_ORDER,
        points::MALFORMED,
        points::NOT_MINE,
        points::HELD,
        points::WOKEN,
        points::PAID,
        points::BAD_SIGNATURE,
        points::STALE,
        points::DUPLICATE,
        points::STILL_PAID,
        points::REDIRECT,
    ] {
        assert_eq!(held(name), Some(false), "{name}: {report}");
    }
    sandbox.running.stop().await;
}

/// The command line: the report on its output, and its exit status says whether every point
/// held.
#[tokio::test]
async fn the_command_prints_the_report_and_fails_with_the_server() {
    let sandbox = Sandbox::start().await;
    let merchant = careless_merchant().await;
    let binary = env!("CARGO_BIN_EXE_paywasm-sandbox");
    let (gateway, public_key) = (
        sandbox.running.gateway_url.clone(),
        sandbox.running.public_key.clone(),
    );
    // Run off the runtime's threads: the sandbox it checks against is served on them.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary)
            .args([
                "conform",
                "--merchant",
                &merchant,
                "--order",
                "ord_careless",
                "--amount",
                "129000",
                "--gateway",
                &gateway,
                "--public-key",
                &public_key,
            ])
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{printed}");
    assert!(
        printed.contains(&format!("FAIL  {}", points::BAD_SIGNATURE)),
        "{printed}"
    );
    assert!(printed.contains("3 of 14 points hold"), "{printed}");
    sandbox.running.stop().await;
}

/// A Singapore order: the check pays by PayNow and redirects by GrabPay, through the shop's
/// Singapore checkout; the shop holds every point there too.
#[tokio::test]
async fn the_demo_shops_singapore_checkout_holds_every_point_by_paynow_and_grabpay() {
    let sandbox = Sandbox::start().await;
    let shop = sandbox.running.shop();
    let mut order = sandbox.shop_order_at("/sg").await;
    order["redirect_order"] = sandbox.shop_order_at("/sg").await["order"].clone();
    assert_eq!(order["currency"], "SGD");
    let mut args = args(&sandbox, shop, &order);
    args.charge_url = Some(format!("{shop}/sg/checkout/charges"));
    let report = conform::run(&args).await;
    assert!(report.passed(), "{report}");
    assert_eq!(report.points.len(), 15, "{report}");
    // A currency without a QR method of the check's is refused with what it takes.
    let mut yen = args.clone();
    yen.currency = "JPY".into();
    let report = conform::run(&yen).await;
    let why = report
        .point(points::CHARGE)
        .unwrap()
        .outcome
        .clone()
        .unwrap_err();
    assert!(why.contains("PromptPay (THB) or PayNow (SGD)"), "{why}");
    sandbox.running.stop().await;
}
