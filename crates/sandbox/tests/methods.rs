//! Opn's QR and wallet methods beyond the seeds' four, at the gateway: each one's source and
//! charge as Opn documents its flow (`docs/methods.md`), paid and failed on the sandbox's test
//! page, refused when a request misses what the method needs.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{assert_error, respond, send, Sandbox};

/// Every method of Opn's that the gateway serves and the checkout does not draw yet: its type,
/// flow, and a currency and amount it takes (in the smallest unit).
const METHODS: [(&str, &str, &str, i64); 20] = [
    ("truemoney_qr", "offline", "THB", 50_000),
    ("truemoney_jumpapp", "app_redirect", "THB", 50_000),
    ("mobile_banking_kbank", "app_redirect", "THB", 50_000),
    ("mobile_banking_scb", "app_redirect", "THB", 50_000),
    ("mobile_banking_bay", "app_redirect", "THB", 50_000),
    ("mobile_banking_bbl", "app_redirect", "THB", 50_000),
    ("mobile_banking_ktb", "app_redirect", "THB", 50_000),
    ("shopeepay_jumpapp", "app_redirect", "MYR", 5_000),
    ("wechat_pay", "app_redirect", "THB", 50_000),
    ("paypay", "app_redirect", "JPY", 1_500),
    ("alipay_hk", "app_redirect", "SGD", 5_000),
    ("dana", "app_redirect", "SGD", 5_000),
    ("gcash", "app_redirect", "THB", 50_000),
    ("kakaopay", "app_redirect", "SGD", 5_000),
    ("touch_n_go", "app_redirect", "MYR", 5_000),
    ("truemoney", "redirect", "THB", 50_000),
    ("rabbit_linepay", "redirect", "THB", 50_000),
    ("shopeepay", "redirect", "SGD", 5_000),
    ("grabpay", "redirect", "MYR", 5_000),
    ("duitnow_qr", "redirect", "MYR", 5_000),
];

/// A source of `kind` made with the public key, as a checkout on a phone makes it.
async fn source(sandbox: &Sandbox, kind: &str, currency: &str, amount: i64) -> (StatusCode, Value) {
    let mut body =
        json!({"type": kind, "amount": amount, "currency": currency, "platform_type": "ANDROID"});
    if kind == "truemoney" {
        body["phone_number"] = json!("0812345678");
    }
    send(sandbox.public(Method::POST, "/sources").json(&body)).await
}

/// Each method, paid and failed: a source with its flow, a charge that sends the customer to
/// the test page and back to the merchant's `return_uri` (or, for the offline QR, shows the
/// QR of that page), Succeed paying it and Fail failing it with one of its codes.
#[tokio::test]
async fn every_method_is_charged_paid_and_failed_as_its_flow_says() {
    let sandbox = Sandbox::in_process().await;
    for (kind, flow, currency, amount) in METHODS {
        for decision in ["succeed", "fail"] {
            let (status, source) = source(&sandbox, kind, currency, amount).await;
            assert_eq!(status, StatusCode::OK, "{kind}: {source}");
            assert_eq!(source["type"], kind);
            assert_eq!(source["flow"], flow, "{kind}");
            // The customer's address is kept for a payment the browser is sent away for.
            assert_eq!(
                source["ip"].is_string(),
                flow != "offline",
                "{kind}: {source}"
            );
            let (status, charge) = send(sandbox.secret(Method::POST, "/charges").json(&json!({
                "amount": amount,
                "currency": currency,
                "source": source["id"],
                "return_uri": "https://shop.example/orders/7/complete",
            })))
            .await;
            assert_eq!(status, StatusCode::OK, "{kind}: {charge}");
            assert_eq!(charge["status"], "pending", "{kind}");
            assert_eq!(charge["source"]["type"], kind);
            let page = if flow == "offline" {
                // The QR of the test page; no page to send the customer to.
                assert_eq!(charge["authorize_uri"], Value::Null, "{kind}");
                let image = &charge["source"]["scannable_code"]["image"];
                let svg = sandbox.page(image["download_uri"].as_str().unwrap()).await;
                test_page_in_qr(&sandbox, &svg)
            } else {
                let uri = charge["authorize_uri"].as_str().unwrap();
                assert!(
                    uri.starts_with(&format!("{}/payments/", sandbox.running.gateway_url)),
                    "{kind}: {uri}"
                );
                uri.to_owned()
            };
            let shown = sandbox.page(&page).await;
            assert!(shown.contains(">Succeed</button>"), "{kind}: {shown}");
            // DuitNow QR's and ShopeePay's own pages show a QR for the app: this page's.
            let in_page = shown
                .find("<svg")
                .map(|start| &shown[start..start + shown[start..].find("</svg>").unwrap() + 6]);
            if ["duitnow_qr", "shopeepay"].contains(&kind) {
                let address = support::qr_text(in_page.expect("a QR on the page"));
                assert_eq!(page.split('?').next(), Some(address.as_str()), "{kind}");
            } else {
                assert!(in_page.is_none(), "{kind}: a phone's page shows no QR");
            }
            let answer = respond(sandbox.http.post(&page).form(&[("decision", decision)]))
                .await
                .unwrap();
            if flow == "offline" {
                assert_eq!(answer.status(), StatusCode::OK, "{kind}");
            } else {
                assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{kind}");
                assert_eq!(
                    answer.headers()["location"],
                    "https://shop.example/orders/7/complete"
                );
            }
            let (_, charge) = send(sandbox.secret(
                Method::GET,
                &format!("/charges/{}", charge["id"].as_str().unwrap()),
            ))
            .await;
            if decision == "succeed" {
                assert_eq!(charge["status"], "successful", "{kind}");
                assert_eq!(charge["paid"], true);
                // Their refunds are not in the pages cited: none, and the charge says so.
                assert_eq!(charge["refundable"], false, "{kind}");
            } else {
                assert_eq!(charge["status"], "failed", "{kind}");
                assert_eq!(charge["failure_code"], "payment_rejected", "{kind}");
            }
        }
    }
}

/// The test page a QR document's SVG encodes, read back from its image.
fn test_page_in_qr(sandbox: &Sandbox, svg: &str) -> String {
    let address = support::qr_text(svg);
    let prefix = format!("{}/payments/", sandbox.running.gateway_url);
    assert!(address.starts_with(&prefix), "{address}");
    address
}

/// PayPay's page on a desktop shows the QR the customer scans with the app on the phone; on
/// the phone itself, the app opens and there is none.
#[tokio::test]
async fn paypay_shows_its_qr_to_a_desktop_only() {
    let sandbox = Sandbox::in_process().await;
    for (platform, shows) in [("WEB", true), ("IOS", false)] {
        let (status, charge) = send(sandbox.secret(Method::POST, "/charges").json(&json!({
            "amount": 1_500, "currency": "JPY", "return_uri": "https://shop.example/orders/7",
            "source": {"type": "paypay", "platform_type": platform},
        })))
        .await;
        assert_eq!(status, StatusCode::OK, "{charge}");
        let page = sandbox
            .page(charge["authorize_uri"].as_str().unwrap())
            .await;
        assert_eq!(page.contains("<svg"), shows, "{platform}");
    }
}

/// Requests that miss what a method needs are refused with the gateway's error object and a
/// reason the merchant can act on.
#[tokio::test]
async fn what_a_method_needs_is_checked() {
    let sandbox = Sandbox::in_process().await;
    let refusals = [
        // TrueMoney Wallet: the customer's Thai mobile number.
        (
            json!({"type": "truemoney", "amount": 50_000, "currency": "THB"}),
            "bad_request",
            "phone_number is required",
        ),
        (
            json!({"type": "truemoney", "amount": 50_000, "currency": "THB", "phone_number": "021234567"}),
            "bad_request",
            "not a Thai mobile number",
        ),
        // A bank's app is on a phone.
        (
            json!({"type": "mobile_banking_scb", "amount": 50_000, "currency": "THB", "platform_type": "WEB"}),
            "bad_request",
            "IOS or ANDROID",
        ),
        // Currencies and amounts as each method's limits say.
        (
            json!({"type": "grabpay", "amount": 50_000, "currency": "THB"}),
            "invalid_charge",
            "SGD, MYR",
        ),
        (
            json!({"type": "paypay", "amount": 99, "currency": "JPY"}),
            "invalid_amount",
            "100",
        ),
    ];
    for (body, code, says) in refusals {
        let (status, error) = send(sandbox.public(Method::POST, "/sources").json(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {error}");
        assert_error(&error, code);
        assert!(error["message"].as_str().unwrap().contains(says), "{error}");
    }
    let (status, kept) = send(sandbox.public(Method::POST, "/sources").json(
        &json!({"type": "truemoney", "amount": 50_000, "currency": "THB", "phone_number": "+66812345678"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["phone_number"], "+66812345678");
    // A redirect needs somewhere to come back to.
    let (_, source) = source(&sandbox, "rabbit_linepay", "THB", 50_000).await;
    let (status, error) = send(
        sandbox
            .secret(Method::POST, "/charges")
            .json(&json!({"amount": 50_000, "currency": "THB", "source": source["id"]})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    assert!(
        error["message"].as_str().unwrap().contains("return_uri"),
        "{error}"
    );
}

/// A paid charge says whether it can be refunded as the refund API decides: a PayNow charge
/// (no refunds through the gateway) said `refundable: true` and then had every refund refused.
#[tokio::test]
async fn a_paid_charge_is_refundable_only_when_its_refunds_would_be_taken() {
    let sandbox = Sandbox::in_process().await;
    for (kind, currency, amount, refundable) in [
        ("paynow", "SGD", "5000", false),
        ("promptpay", "THB", "50000", false),
        ("alipay_cn", "THB", "50000", true),
    ] {
        let (status, charge) = sandbox
            .charge_form(&[
                ("amount", amount),
                ("currency", currency),
                ("source[type]", kind),
                ("return_uri", "https://shop.example/orders/7/complete"),
            ])
            .await;
        assert_eq!(status, StatusCode::OK, "{charge}");
        let path = format!("/charges/{}", charge["id"].as_str().unwrap());
        let (_, paid) = send(sandbox.secret(Method::POST, &format!("{path}/mark_as_paid"))).await;
        assert_eq!(paid["status"], "successful", "{kind}: {paid}");
        assert_eq!(paid["refundable"], refundable, "{kind}");
        assert_eq!(paid["partially_refundable"], refundable, "{kind}");
        let (status, refund) = send(
            sandbox
                .secret(Method::POST, &format!("{path}/refunds"))
                .form(&[("amount", "1000")]),
        )
        .await;
        assert_eq!(status.is_success(), refundable, "{kind}: {refund}");
    }
}
