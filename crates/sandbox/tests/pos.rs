//! In-store "B scan C" payments over real HTTP: the gateway's test barcodes and the
//! shop's point of sale, one charge per sale.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use support::ShopUrl;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{assert_error, assert_shop_error, send, Sandbox};

#[tokio::test]
async fn in_store_charges_are_decided_by_test_barcodes() {
    let sandbox = Sandbox::start().await;
    // seed 001: source with the store, then the charge
    let (status, source) = send(sandbox.secret(reqwest::Method::POST, "/sources").form(&[
        ("type", "barcode_alipay"),
        ("amount", "400000"),
        ("currency", "THB"),
        ("barcode", "1234567890"),
        ("store_id", "store_1234"),
        ("store_name", "Some Store"),
        ("terminal_id", "POS-01"),
    ]))
    .await;
    assert_eq!(status, StatusCode::OK, "{source}");
    assert_eq!(
        (source["store_id"].as_str(), source["terminal_id"].as_str()),
        (Some("store_1234"), Some("POS-01"))
    );
    let (_, paid) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source", source["id"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(paid["status"], "successful", "{paid}");
    assert_eq!(
        paid["source"]["references"]["expires_at"],
        paid["expires_at"]
    );
    assert_eq!(
        (paid["fee"].clone(), paid["fee_vat"].clone()),
        (json!(6600), json!(462))
    );

    // seed 003: WeChat Pay in one call; each failure code by its barcode
    let sandbox = &sandbox;
    let wechat = |barcode: &'static str| async move {
        sandbox
            .charge_form(&[
                ("amount", "20000"),
                ("currency", "THB"),
                ("source[type]", "wechat_pay_upm"),
                ("source[barcode]", barcode),
            ])
            .await
    };
    for (barcode, code) in [
        ("134567890123456711", "payment_expired"),
        ("134567890123456712", "payment_rejected"),
        ("134567890123456713", "invalid_account"),
        ("134567890123456714", "insufficient_fund"),
        ("134567890123456715", "failed_processing"),
    ] {
        let (_, failed) = wechat(barcode).await;
        assert_eq!(
            (failed["status"].as_str(), failed["failure_code"].as_str()),
            (Some("failed"), Some(code))
        );
    }
    let (_, pending) = wechat("134567890123456701").await;
    assert_eq!(pending["status"], "pending");
    // Seed 003: the pending charge shows the scanned code as a QR document, named by 18
    // digits of the gateway's: the QR of the code itself (not a payment QR).
    let code = &pending["source"]["scannable_code"];
    assert_eq!(
        (&code["object"], &code["type"]),
        (&json!("barcode"), &json!("qr")),
        "{pending}"
    );
    assert_eq!(code["image"]["object"], "document");
    assert_eq!(code["image"]["kind"], "qr");
    let filename = code["image"]["filename"].as_str().unwrap();
    let name = filename.strip_suffix(".svg").unwrap();
    assert!(
        name.len() == 18
            && name.bytes().all(|b| b.is_ascii_digit())
            && name != "134567890123456701",
        "{filename}"
    );
    assert!(code["image"]["id"]
        .as_str()
        .unwrap()
        .starts_with("docu_test_"));
    let svg = sandbox
        .http
        .get(code["image"]["download_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), StatusCode::OK);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        svg.text().await.unwrap(),
        paywasm_core::qr::svg("134567890123456701", 256).unwrap()
    );
    let (status, expired) = send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{}/expire", pending["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(expired["status"], "expired");

    let (status, error) = wechat("not-a-code").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
    let (status, error) = sandbox
        .charge_form(&[
            ("amount", "20000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("barcode"),
        "{error}"
    );
}

#[tokio::test]
async fn the_point_of_sale_charges_a_scanned_code_once_per_sale() {
    let sandbox = Sandbox::start().await;
    let staff = support::staff_cookie(sandbox.running.shop()).await;
    let pos = |key: Option<&'static str>, body: Value| {
        let mut request = sandbox
            .http
            .post(format!("{}/pos/charges", sandbox.running.shop()))
            .header("Cookie", &staff)
            .json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        send(request)
    };
    let sale = |barcode: &str| json!({"amount": 40000, "currency": "THB", "barcode": barcode, "store_id": "store_1234", "store_name": "Some Store", "terminal_id": "POS-01"});

    // Alipay (seed 001): paid at once with the sandbox's test code
    let (status, paid) = pos(Some("sale-1"), sale("281234567890123490")).await;
    assert_eq!(status, StatusCode::CREATED, "{paid}");
    assert_eq!(
        (paid["status"].as_str(), paid["source"]["type"].as_str()),
        (Some("successful"), Some("barcode_alipay"))
    );
    // a second scan, a double Enter, a retry: the same charge, nothing new at the gateway
    let (status, again) = pos(Some("sale-1"), sale("281234567890123490")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], paid["id"]);
    let (_, charges) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(charges["total"], 1);
    let (_, gateway_charge) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", paid["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(
        (
            gateway_charge["source"]["store_id"].as_str(),
            gateway_charge["source"]["terminal_id"].as_str()
        ),
        (Some("store_1234"), Some("POS-01"))
    );
    let (status, error) = pos(Some("sale-1"), sale("281234567890123401")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_shop_error(&error, "idempotency_key_in_use");

    // refused before any request: no key, a product barcode
    let (status, error) = pos(None, sale("281234567890123490")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_shop_error(&error, "bad_request");
    let (status, error) = pos(Some("sale-2"), sale("8850999320014")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not an Alipay or WeChat Pay"),
        "{error}"
    );
    let (_, charges) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(charges["total"], 1);

    // WeChat Pay (seed 003): waits for the customer; the cashier cancels
    let (_, pending) = pos(Some("sale-3"), sale("134567890123456701")).await;
    assert_eq!(
        (
            pending["status"].as_str(),
            pending["source"]["type"].as_str()
        ),
        (Some("pending"), Some("wechat_pay_upm"))
    );
    let id = pending["id"].as_str().unwrap();
    let (status, cancelled) = send(
        sandbox
            .http
            .post(format!(
                "{}/pos/charges/{id}/cancel",
                sandbox.running.shop()
            ))
            .header("Cookie", &staff),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "expired");
    let (_, failed) = pos(Some("sale-4"), sale("134567890123456714")).await;
    assert_eq!(
        (failed["status"].as_str(), failed["failure_code"].as_str()),
        (Some("failed"), Some("insufficient_fund"))
    );

    // refunds through the shop, within the charge
    let refunds = format!(
        "{}/pos/charges/{}/refunds",
        sandbox.running.shop(),
        paid["id"].as_str().unwrap()
    );
    let refund = |key: &'static str, amount: i64| {
        send(
            sandbox
                .http
                .post(&refunds)
                .header("Cookie", &staff)
                .header("Idempotency-Key", key)
                .json(&json!({"amount": amount})),
        )
    };
    let (status, first) = refund("refund-1", 10000).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, repeated) = refund("refund-1", 10000).await;
    assert_eq!(
        repeated["id"], first["id"],
        "a repeated refund request refunds once"
    );
    let (status, error) = refund("refund-2", 30001).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error["message"].as_str().unwrap().contains("at most 30000"),
        "{error}"
    );
}

/// Only the shop's staff may charge: the point of sale's endpoints refuse a request without a
/// signed-in cashier (the library serves them only behind the shop's staff authentication),
/// the cashier's page sends a visitor to the sign-in first, and a wrong PIN signs no one in.
#[tokio::test]
async fn the_point_of_sale_is_for_signed_in_staff_only() {
    let sandbox = Sandbox::start().await;
    let shop = sandbox.running.shop();
    let sale = json!({"amount": 40000, "currency": "THB", "barcode": "281234567890123490", "store_id": "store_1234", "terminal_id": "POS-01"});
    for (path, body) in [
        ("/pos/charges", sale.clone()),
        ("/pos/charges/chrg_test_any/cancel", json!({})),
        ("/pos/charges/chrg_test_any/refunds", json!({"amount": 100})),
    ] {
        let (status, error) = send(
            sandbox
                .http
                .post(format!("{shop}{path}"))
                .header("Idempotency-Key", "sale-without-staff")
                .header("Cookie", "paywasm_staff=demo-cashier.00ff")
                .json(&body),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {error}");
        assert_shop_error(&error, "authentication_failure");
    }
    let (_, charges) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(charges["total"], 0, "nothing reached the gateway");

    let page = sandbox
        .http
        .get(format!("{shop}/pos?amount=12000"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()["location"],
        "/pos/sign-in?next=%2Fpos%3Famount%3D12000"
    );
    let wrong = sandbox
        .http
        .post(format!("{shop}/pos/sign-in"))
        .form(&[("pin", "0000"), ("next", "/pos")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().get("set-cookie").is_none());

    let staff = support::staff_cookie(shop).await;
    let page = sandbox
        .http
        .get(format!("{shop}/pos?amount=12000"))
        .header("Cookie", &staff)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

/// Before: a cashier's token never ended (no sign-out, no expiry), another site's page could
/// make a signed-in cashier's browser cancel a sale (only `SameSite` stood in the way), and
/// the 4-digit PIN could be tried without limit.
#[tokio::test]
async fn a_staff_session_ends_at_sign_out_and_the_pin_cannot_be_guessed() {
    let sandbox = Sandbox::start().await;
    let shop = sandbox.running.shop();
    let staff = support::staff_cookie(shop).await;
    let pos_page = || {
        sandbox
            .http
            .get(format!("{shop}/pos"))
            .header("Cookie", &staff)
            .send()
    };
    assert_eq!(pos_page().await.unwrap().status(), StatusCode::OK);

    // A request another site's page made: refused before anything is read.
    let (status, error) = send(
        sandbox
            .http
            .post(format!("{shop}/pos/charges/chrg_test_any/cancel"))
            .header("Cookie", &staff)
            .header("Sec-Fetch-Site", "cross-site")
            .header("Origin", "https://evil.example"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{error}");
    assert_shop_error(&error, "forbidden");
    let (status, _) = send(
        sandbox
            .http
            .post(format!("{shop}/pos/charges/chrg_test_any/cancel"))
            .header("Cookie", &staff)
            .header("Origin", "https://evil.example"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an older browser's Origin alone"
    );

    // Signed out: the same cookie, kept by someone, no longer signs anyone in.
    let out = sandbox
        .http
        .post(format!("{shop}/pos/sign-out"))
        .header("Cookie", &staff)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(out.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(pos_page().await.unwrap().status(), StatusCode::SEE_OTHER);
    let (status, _) = send(
        sandbox
            .http
            .post(format!("{shop}/pos/charges/chrg_test_any/cancel"))
            .header("Cookie", &staff),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Five wrong PINs, then not even the right one is taken for 15 minutes.
    let sign_in = |pin: &'static str| {
        sandbox
            .http
            .post(format!("{shop}/pos/sign-in"))
            .form(&[("pin", pin), ("next", "/pos")])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            sign_in("1111").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = sign_in(paywasm_sandbox::shop::staff::DEMO_PIN)
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().get("set-cookie").is_none());
    assert_eq!(refused.headers()["retry-after"], "900");
}
