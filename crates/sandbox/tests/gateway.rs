//! The Omise-compatible gateway, as a merchant server and Omise.js use it, in-process (its
//! router called directly) except where a socket or the shop is what is tested:
//! sources and charges against the seeds, keys, the authorize page, test controls, lists,
//! events and webhook delivery, expiry, refunds, idempotency and backdating.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use paywasm_sandbox::config::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use support::{assert_error, assert_like_seed, eventually, fixture, keys, respond, send, Sandbox};

#[tokio::test]
async fn sources_have_every_field_of_the_seed_examples() {
    let sandbox = Sandbox::in_process().await;
    let source = sandbox.promptpay_source(400_000).await;
    // The keys of seed 000's source example (a superset of seed 002's).
    let mut seed_keys = [
        "object",
        "id",
        "livemode",
        "location",
        "amount",
        "barcode",
        "bank",
        "created_at",
        "currency",
        "email",
        "flow",
        "installment_term",
        "ip",
        "absorption_type",
        "name",
        "mobile_number",
        "phone_number",
        "platform_type",
        "scannable_code",
        "billing",
        "shipping",
        "items",
        "references",
        "provider_references",
        "store_id",
        "store_name",
        "terminal_id",
        "type",
        "zero_interest_installments",
        "charge_status",
        "receipt_amount",
        "discounts",
        "promotion_code",
    ]
    .map(String::from)
    .to_vec();
    seed_keys.sort();
    assert_eq!(keys(&source), seed_keys);
    assert!(source["id"].as_str().unwrap().starts_with("src_test_"));
    assert_eq!(source["flow"], "offline");
    assert_eq!(source["charge_status"], "unknown");
    assert_eq!(source["livemode"], false);
    assert_eq!(source["items"], json!([]));
}

/// Seeds 000 to 003's examples, each replayed as its seed's curl request: the source, then the
/// charge of a new source made the same way (or with its source inline, as seed 003 does).
/// The seeds' in-store charges are pending: here the customer's code decides (`barcodes.rs`),
/// so they are replayed with a code that stays pending (ending in `01`).
#[tokio::test]
async fn every_field_of_the_omise_seed_examples_is_answered_as_the_seed_shows() {
    let sandbox = Sandbox::in_process().await;
    let source = |form: Vec<(&'static str, &'static str)>| {
        let request = sandbox
            .public(reqwest::Method::POST, "/sources")
            .form(&form);
        async move {
            let (status, source) = send(request).await;
            assert_eq!(status, StatusCode::OK, "{source}");
            source
        }
    };
    let charge = |amount: &'static str,
                  currency: &'static str,
                  source: Value,
                  extra: &[(&'static str, &'static str)]| {
        let id = source["id"].as_str().unwrap().to_owned();
        let mut form = vec![
            ("amount", amount.to_owned()),
            ("currency", currency.to_owned()),
            ("source", id),
        ];
        form.extend(extra.iter().map(|(name, value)| (*name, value.to_string())));
        let request = sandbox
            .secret(reqwest::Method::POST, "/charges")
            .form(&form);
        async move {
            let (status, charge) = send(request).await;
            assert_eq!(status, StatusCode::OK, "{charge}");
            charge
        }
    };

    let alipay_cn = || {
        vec![
            ("amount", "150000"),
            ("currency", "SGD"),
            ("type", "alipay_cn"),
            ("platform_type", "WEB"),
        ]
    };
    assert_like_seed(
        &fixture("seed000/source_alipay_cn"),
        &source(alipay_cn()).await,
        "seed000 source",
    );
    let return_uri = [("return_uri", "https://example.com/orders/345678/complete")];
    let ours = charge("150000", "SGD", source(alipay_cn()).await, &return_uri).await;
    assert_like_seed(
        &fixture("seed000/charge_alipay_cn"),
        &ours,
        "seed000 charge",
    );

    let barcode_alipay = |barcode| {
        vec![
            ("amount", "400000"),
            ("currency", "THB"),
            ("type", "barcode_alipay"),
            ("barcode", barcode),
            ("store_id", "store_1234"),
            ("store_name", "Some Store"),
            ("terminal_id", "POS-01"),
        ]
    };
    let ours = source(barcode_alipay("1234567890")).await;
    assert_like_seed(
        &fixture("seed001/source_barcode_alipay"),
        &ours,
        "seed001 source",
    );
    let ours = charge(
        "400000",
        "THB",
        source(barcode_alipay("1234567801")).await,
        &[],
    )
    .await;
    let mut seed = fixture("seed001/charge_barcode_alipay");
    seed["source"]["barcode"] = json!("1234567801");
    assert_like_seed(&seed, &ours, "seed001 charge");

    let promptpay = || {
        vec![
            ("amount", "400000"),
            ("currency", "THB"),
            ("type", "promptpay"),
        ]
    };
    assert_like_seed(
        &fixture("seed002/source_promptpay"),
        &source(promptpay()).await,
        "seed002 source",
    );
    let ours = charge("400000", "THB", source(promptpay()).await, &[]).await;
    assert_like_seed(
        &fixture("seed002/charge_promptpay"),
        &ours,
        "seed002 charge",
    );

    let (status, ours) = sandbox
        .charge_form(&[
            ("amount", "150000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
            ("source[barcode]", "130991292552725001"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{ours}");
    let mut seed = fixture("seed003/charge_wechat_pay_upm");
    seed["source"]["barcode"] = json!("130991292552725001");
    assert_like_seed(&seed, &ours, "seed003 charge");
}

/// The account's methods: `GET /capability` with the public key (as a checkout asks it)
/// lists every method and its currencies by default; an account set up with some
/// (`--methods`) lists only those and refuses a source of any other, inline in a charge too.
#[tokio::test]
async fn the_account_has_the_methods_it_is_given_and_no_other() {
    let sandbox = Sandbox::in_process().await;
    let (status, every) = send(sandbox.public(reqwest::Method::GET, "/capability")).await;
    assert_eq!(status, StatusCode::OK, "{every}");
    assert_eq!(every["object"], "capability");
    let names = |capability: &Value| -> Vec<String> {
        capability["payment_methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|method| method["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // The checkout's methods, then Opn's others that the gateway serves (docs/methods.md).
    assert_eq!(
        names(&every),
        [
            "promptpay",
            "paynow",
            "alipay_cn",
            "barcode_alipay",
            "wechat_pay_upm",
            "truemoney_qr",
            "truemoney_jumpapp",
            "mobile_banking_kbank",
            "mobile_banking_scb",
            "mobile_banking_bay",
            "mobile_banking_bbl",
            "mobile_banking_ktb",
            "shopeepay_jumpapp",
            "wechat_pay",
            "paypay",
            "alipay_hk",
            "dana",
            "gcash",
            "kakaopay",
            "touch_n_go",
            "truemoney",
            "rabbit_linepay",
            "shopeepay",
            "grabpay",
            "duitnow_qr",
        ]
    );
    let grabpay = &every["payment_methods"][23];
    assert_eq!(grabpay["currencies"], json!(["SGD", "MYR"]));
    let alipay = &every["payment_methods"][2];
    assert_eq!(alipay["object"], "payment_method");
    assert_eq!(alipay["currencies"], json!(["SGD", "THB"]));

    let mut config = Config::for_tests();
    config.methods = vec![
        paywasm_core::method::SourceType::Paynow,
        paywasm_core::method::SourceType::Promptpay,
    ];
    let sandbox = Sandbox::in_process_with(config).await;
    let (_, some) = send(sandbox.secret(reqwest::Method::GET, "/capability")).await;
    assert_eq!(names(&some), ["promptpay", "paynow"]);
    let (status, refused) = send(sandbox.public(reqwest::Method::POST, "/sources").json(
        &json!({"type": "alipay_cn", "amount": 400_000, "currency": "THB", "platform_type": "WEB"}),
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_error(&refused, "bad_request");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("not enabled on this account"),
        "{refused}"
    );
    let (status, refused) = send(sandbox.secret(reqwest::Method::POST, "/charges").json(
        &json!({"amount": 400_000, "currency": "THB", "source": {"type": "alipay_cn", "platform_type": "WEB"}, "return_uri": "https://shop.example/return"}),
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_error(&refused, "bad_request");
    let source = sandbox.promptpay_source(400_000).await;
    assert_eq!(source["type"], "promptpay");
    // Without a key, nothing.
    let (status, _) = send(sandbox.gateway(reqwest::Method::GET, "/capability", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forms_and_json_create_the_same_source() {
    let sandbox = Sandbox::in_process().await;
    let (status, form) = send(sandbox.public(reqwest::Method::POST, "/sources").form(&[
        ("type", "alipay_cn"),
        ("amount", "150000"),
        ("currency", "sgd"),
        ("platform_type", "WEB"),
    ]))
    .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert_eq!(form["currency"], "SGD");
    assert_eq!(form["flow"], "app_redirect");
    assert_eq!(form["platform_type"], "WEB");
    assert_eq!(form["amount"], 150_000);
}

#[tokio::test]
async fn keys_are_checked_like_the_real_api() {
    let sandbox = Sandbox::in_process().await;
    let body = json!({"type": "promptpay", "amount": 400000, "currency": "THB"});
    let (status, error) = send(
        sandbox
            .gateway(reqwest::Method::POST, "/sources", None)
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    let (status, error) = send(
        sandbox
            .gateway(reqwest::Method::POST, "/sources", Some("pkey_test_wrong"))
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    // the public key may create sources and nothing else
    let source = sandbox.promptpay_source(400_000).await;
    let (status, error) = send(sandbox.public(reqwest::Method::POST, "/charges").form(&[
        ("amount", "400000"),
        ("currency", "THB"),
        ("source", source["id"].as_str().unwrap()),
    ]))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    let (status, _) = send(sandbox.public(reqwest::Method::GET, "/charges")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // the Omise-Version header is accepted
    let (status, _) = send(
        sandbox
            .public(reqwest::Method::POST, "/sources")
            .header("Omise-Version", "2017-11-02")
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_promptpay_charge_matches_seed_002_and_serves_its_qr() {
    let sandbox = Sandbox::in_process().await;
    let source = sandbox.promptpay_source(400_000).await;
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source", source["id"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["status"], "pending");
    assert_eq!(
        (
            charge["fee"].clone(),
            charge["fee_vat"].clone(),
            charge["net"].clone()
        ),
        (json!(6600), json!(462), json!(392938))
    );
    assert_eq!(
        charge["transaction_fees"],
        json!({"fee_flat": "0.0", "fee_rate": "1.65", "vat_rate": "7.0"})
    );
    assert_eq!(charge["source"]["charge_status"], "pending");
    assert_eq!(charge["refunds"]["object"], "list");
    assert_eq!(charge["authorize_uri"], Value::Null);
    let created = charge["created_at"].as_str().unwrap();
    let expires = charge["expires_at"].as_str().unwrap();
    let created = paywasm_core::time::Timestamp::parse(created).unwrap();
    assert_eq!(
        paywasm_core::time::Timestamp::parse(expires).unwrap(),
        created.plus_seconds(86_400)
    );

    let image = &charge["source"]["scannable_code"]["image"];
    assert_eq!(image["filename"], "qrcode.svg");
    let uri = image["download_uri"].as_str().unwrap();
    assert!(uri.starts_with(&sandbox.running.gateway_url));
    let response = respond(sandbox.http.get(uri)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
    // To a browser that takes brotli, the document travels compressed (a sixth of its size).
    let bytes = support::brotli_bytes(sandbox.http.get(uri)).await;
    assert!(
        bytes.len() * 3 < svg.len(),
        "{} of {}",
        bytes.len(),
        svg.len()
    );
    // a guessed token gets nothing
    let guessed = format!("{}0000000000000000", &uri[..uri.len() - 16]);
    assert_eq!(
        respond(sandbox.http.get(guessed)).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_charge_can_create_its_source_inline() {
    let sandbox = Sandbox::in_process().await;
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["source"]["type"], "promptpay");
    assert_eq!(charge["source"]["amount"], 400_000);
    let (status, charge) = send(sandbox.secret(reqwest::Method::POST, "/charges").json(&json!({
        "amount": 150000, "currency": "SGD", "return_uri": "https://example.com/orders/345678/complete",
        "source": {"type": "alipay_cn", "platform_type": "WEB"}
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(
        (charge["fee"].clone(), charge["net"].clone()),
        (json!(4350), json!(145650))
    );
    // every key of seed 000's charge example, no more
    let mut seed_keys = [
        "acquirer_reference_number",
        "amount",
        "approval_code",
        "authorize_uri",
        "authorized",
        "authorized_at",
        "branch",
        "can_perform_void",
        "capturable",
        "capture",
        "card",
        "created_at",
        "currency",
        "customer",
        "description",
        "device",
        "disputable",
        "dispute",
        "expired",
        "expired_at",
        "expires_at",
        "failure_code",
        "failure_message",
        "fee",
        "fee_vat",
        "funding_amount",
        "funding_currency",
        "id",
        "interest",
        "interest_vat",
        "ip",
        "link",
        "linked_account",
        "livemode",
        "location",
        "metadata",
        "net",
        "object",
        "paid",
        "paid_at",
        "partially_refundable",
        "platform_fee",
        "refundable",
        "refunded_amount",
        "refunds",
        "return_uri",
        "reversed",
        "reversed_at",
        "reversible",
        "schedule",
        "source",
        "status",
        "terminal",
        "transaction",
        "transaction_fees",
        "voided",
        "zero_interest_installments",
    ]
    .map(String::from)
    .to_vec();
    seed_keys.sort();
    assert_eq!(keys(&charge), seed_keys);
    assert_eq!(charge["source"]["platform_type"], "WEB");
}

#[tokio::test]
async fn bad_charges_are_refused_with_the_reason() {
    let sandbox = Sandbox::in_process().await;
    let source = sandbox.promptpay_source(400_000).await;
    let id = source["id"].as_str().unwrap();
    // (why it is refused, the form, the answer's status and code, words its message has)
    let refusals = [
        (
            "an amount other than the source's",
            vec![("amount", "300000"), ("currency", "THB"), ("source", id)],
            StatusCode::BAD_REQUEST,
            "invalid_charge",
            "",
        ),
        (
            "below PromptPay's minimum",
            vec![
                ("amount", "1999"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_amount",
            "2000",
        ),
        (
            "a method the gateway does not have",
            vec![
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "bitcoin"),
            ],
            StatusCode::BAD_REQUEST,
            "bad_request",
            "",
        ),
        (
            "a source that does not exist",
            vec![
                ("amount", "400000"),
                ("currency", "THB"),
                ("source", "src_test_nope"),
            ],
            StatusCode::NOT_FOUND,
            "not_found",
            "",
        ),
        (
            "an expiry in the past",
            vec![
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
                ("expires_at", "2020-07-01T15:00:00Z"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_charge",
            "",
        ),
    ];
    for (why, form, expected, code, words) in refusals {
        let (status, error) = sandbox.charge_form(&form).await;
        assert_eq!(status, expected, "{why}: {error}");
        assert_error(&error, code);
        assert!(
            error["message"].as_str().unwrap().contains(words),
            "{why}: {error}"
        );
    }
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, "/charges")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");

    // a source pays for one charge only
    let (status, _) = sandbox
        .charge_form(&[("amount", "400000"), ("currency", "THB"), ("source", id)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = sandbox
        .charge_form(&[("amount", "400000"), ("currency", "THB"), ("source", id)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
}

#[tokio::test]
async fn alipay_needs_a_safe_return_uri_and_is_decided_on_the_authorize_page() {
    let sandbox = Sandbox::in_process().await;
    let inline = |uri: Option<&'static str>| {
        let mut form = vec![
            ("amount", "150000"),
            ("currency", "THB"),
            ("source[type]", "alipay_cn"),
        ];
        if let Some(uri) = uri {
            form.push(("return_uri", uri));
        }
        form
    };
    let (status, error) = sandbox.charge_form(&inline(None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    let (status, error) = sandbox
        .charge_form(&inline(Some("http://shop.example/return")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");

    let (status, charge) = sandbox
        .charge_form(&inline(Some("https://shop.example/orders/1/complete")))
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    let authorize_uri = charge["authorize_uri"].as_str().unwrap();
    assert!(authorize_uri.starts_with(&format!(
        "{}/payments/pay2_test_",
        sandbox.running.gateway_url
    )));
    let page = sandbox.page(authorize_uri).await;
    assert!(
        page.contains(">Succeed</button>") && page.contains(">Fail</button>"),
        "{page}"
    );
    assert!(page.contains("THB 1,500.00"), "{page}");

    let decide = |decision: &'static str| {
        respond(
            sandbox
                .http
                .post(authorize_uri)
                .form(&[("decision", decision)]),
        )
    };
    let response = decide("succeed").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "https://shop.example/orders/1/complete"
    );
    // pressing Fail afterwards (back button) changes nothing
    let response = decide("fail").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, charge) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(charge["status"], "successful");
    assert_eq!(charge["paid"], true);
    assert!(charge["paid_at"].is_string());
    assert_eq!(charge["source"]["charge_status"], "successful");
}

#[tokio::test]
async fn test_controls_end_pending_charges_once() {
    let sandbox = Sandbox::in_process().await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let path = format!("/charges/{}", charge["id"].as_str().unwrap());
    let (status, failed) = send(
        sandbox
            .secret(reqwest::Method::POST, &format!("{path}/mark_as_failed"))
            .form(&[("failure_code", "payment_cancelled")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure_code"], "payment_cancelled");
    assert!(failed["failure_message"].is_string());
    let (status, error) =
        send(sandbox.secret(reqwest::Method::POST, &format!("{path}/mark_as_paid"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    let (status, error) =
        send(sandbox.public(reqwest::Method::POST, &format!("{path}/mark_as_paid"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");

    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let path = format!("/charges/{}", charge["id"].as_str().unwrap());
    let (status, expired) =
        send(sandbox.secret(reqwest::Method::POST, &format!("{path}/expire"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (expired["status"].clone(), expired["expired"].clone()),
        (json!("expired"), json!(true))
    );
    assert_eq!(expired["source"]["charge_status"], "expired");
    // the expired QR is closed
    let uri = expired["source"]["scannable_code"]["image"]["download_uri"]
        .as_str()
        .unwrap();
    assert_eq!(
        respond(sandbox.http.get(uri)).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn charges_are_listed_newest_first() {
    let sandbox = Sandbox::in_process().await;
    let mut ids = vec![];
    for _ in 0..3 {
        let (_, charge) = sandbox
            .charge_form(&[
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ])
            .await;
        ids.push(charge["id"].as_str().unwrap().to_owned());
    }
    let (status, list) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["object"], "list");
    assert_eq!(list["total"], 3);
    let listed: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    let (_, page) = send(sandbox.secret(
        reqwest::Method::GET,
        "/charges?limit=1&offset=1&order=chronological",
    ))
    .await;
    assert_eq!(page["data"][0]["id"], ids[1].as_str());
    let (status, error) = send(sandbox.secret(reqwest::Method::GET, "/charges?limit=1000")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
}

#[tokio::test]
async fn lists_take_parameters_from_a_json_body_on_get() {
    let sandbox = Sandbox::in_process().await;
    for _ in 0..3 {
        sandbox
            .charge_form(&[
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ])
            .await;
    }
    // omise-python sends list parameters as a JSON body on GET
    let (status, list) = send(
        sandbox
            .secret(reqwest::Method::GET, "/charges")
            .json(&json!({"limit": 2, "order": "chronological"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        (
            list["limit"].clone(),
            list["total"].clone(),
            list["data"].as_array().unwrap().len()
        ),
        (json!(2), json!(3), 2)
    );
    assert_eq!(list["order"], "chronological");
    let (_, none) =
        send(sandbox.secret(reqwest::Method::GET, "/charges?to=2000-01-01T00:00:00Z")).await;
    assert_eq!(none["total"], 0);
    let (status, error) =
        send(sandbox.secret(reqwest::Method::GET, "/charges?from=yesterday")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
}

#[tokio::test]
async fn changes_are_recorded_as_events_and_delivered_to_the_shop() {
    let sandbox = Sandbox::start().await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let id = charge["id"].as_str().unwrap().to_owned();
    send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{id}/mark_as_paid"),
    ))
    .await;
    let recorded = sandbox.events().await;
    let keys: Vec<&str> = recorded
        .iter()
        .filter(|e| e["data"]["id"] == id.as_str())
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["charge.create", "charge.complete"]);
    let complete = recorded
        .iter()
        .find(|e| e["key"] == "charge.complete")
        .unwrap();
    assert_eq!(complete["data"]["status"], "successful");
    assert!(complete["id"].as_str().unwrap().starts_with("evnt_test_"));
    let event_id = complete["id"].as_str().unwrap().to_owned();
    // delivered to the demo shop, which acknowledges
    eventually("the shop acknowledges the event", || async {
        let (_, event) =
            send(sandbox.secret(reqwest::Method::GET, &format!("/events/{event_id}"))).await;
        event["webhook_deliveries"][0]["delivery_status"] == "delivered"
            && event["webhook_deliveries"][0]["status"] == 200
    })
    .await;
    let (status, error) =
        send(sandbox.secret(reqwest::Method::GET, "/events/evnt_test_nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "not_found");
}

#[tokio::test]
async fn webhooks_are_signed_and_retried_until_acknowledged() {
    use axum::http::HeaderMap;
    use std::sync::{Arc, Mutex};
    // A merchant endpoint that fails twice, then acknowledges; it records what it was sent.
    let received: Arc<Mutex<Vec<(HeaderMap, String)>>> = Arc::default();
    let endpoint = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let received = received.clone();
            move |headers: HeaderMap, body: String| async move {
                let mut received = received.lock().unwrap();
                received.push((headers, body));
                if received.len() <= 2 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, endpoint).await });

    let sandbox = Sandbox::with_webhooks_to(vec![url]).await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    eventually("the third attempt is acknowledged", || async {
        let recorded = sandbox.events().await;
        recorded
            .first()
            .is_some_and(|e| e["webhook_deliveries"][0]["delivery_status"] == "delivered")
    })
    .await;
    let received = received.lock().unwrap().clone();
    assert_eq!(
        received.len(),
        3,
        "two failures, then the acknowledged attempt"
    );
    let key = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        paywasm_sandbox::config::DEFAULT_WEBHOOK_SECRET,
    )
    .unwrap();
    for (headers, body) in &received {
        let header = |name: &str| headers[name].to_str().unwrap().to_owned();
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap();
        paywasm_core::webhook::verify(
            &key,
            &header("omise-signature-timestamp"),
            &header("omise-signature"),
            body.as_bytes(),
            now,
        )
        .expect("every delivery is signed");
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (event["key"].as_str(), event["data"]["id"].as_str()),
            (Some("charge.create"), charge["id"].as_str())
        );
    }
}

/// A receiver whose answer breaks after its status line ("200 OK", then the connection closes
/// before the promised body) has not acknowledged the event: the delivery is tried again, and
/// the second, whole answer delivers it. (Before, the status line alone counted: the soak test
/// lost events that a fault broke this way before the shop had acted.)
#[tokio::test]
async fn an_answer_broken_after_its_status_line_is_not_an_acknowledgement() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    tokio::spawn({
        let attempts = attempts.clone();
        async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let attempt = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut request = vec![0; 64 * 1024];
                    let _ = stream.read(&mut request).await;
                    let answer: &[u8] = if attempt == 0 {
                        b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n{\"recei"
                    } else {
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"
                    };
                    let _ = stream.write_all(answer).await;
                    let _ = stream.shutdown().await;
                });
            }
        }
    });
    let sandbox = Sandbox::with_webhooks_to(vec![url]).await;
    sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    eventually("the event is delivered by a whole answer", || async {
        sandbox
            .events()
            .await
            .first()
            .is_some_and(|e| e["webhook_deliveries"][0]["delivery_status"] == "delivered")
    })
    .await;
    let recorded = sandbox.events().await;
    assert_eq!(
        recorded[0]["webhook_deliveries"][0]["attempts"], 2,
        "{recorded:?}"
    );
}

/// The point between a commit and its fsync, held open (`store::DiskGate`): an answer given there
/// would be lost with the machine's power although the caller was told. A change made by a
/// POST, and one made by a GET (an overdue charge expires as it is read), are each answered
/// only once the disk has them. (Before, a GET answered "expired" at once.)
#[tokio::test]
async fn no_answer_is_given_before_what_it_says_is_on_disk() {
    let data = std::env::temp_dir().join(format!("paywasm-durable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut config = Config::for_tests();
    config.data_dir = Some(data.clone());
    config.webhook_urls = vec![];
    let disk = config.disk.clone();
    let sandbox = std::sync::Arc::new(Sandbox::in_process_with(config).await);
    let held = |request: reqwest::RequestBuilder| tokio::spawn(send(request));
    let still_held = async |answer: &tokio::task::JoinHandle<(StatusCode, Value)>| {
        tokio::time::sleep(Duration::from_millis(500)).await;
        !answer.is_finished()
    };

    disk.close();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Three seconds: a request on a loaded machine may reach the handler a second late, and
    // an `expires_at` already past is refused.
    let soon = paywasm_core::time::Timestamp(i64::try_from(now).unwrap() + 3).to_string();
    let form = [
        ("amount", "400000"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
        ("expires_at", soon.as_str()),
    ];
    let created = held(
        sandbox
            .secret(reqwest::Method::POST, "/charges")
            .form(&form),
    );
    assert!(
        still_held(&created).await,
        "a new charge was answered before it was on disk"
    );
    // A file reflects no state: it never waits for another request's commit.
    let file = tokio::time::timeout(
        Duration::from_secs(2),
        respond(
            sandbox
                .http
                .get(sandbox.url("/wooshpay/assets/checkout.css")),
        ),
    )
    .await
    .expect("a static file is answered while a commit waits for the disk")
    .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    disk.open();
    let (status, charge) = created.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{charge}");

    // Past its expiry (whole seconds), by half a second. The disk is closed before the expiry
    // comes: whoever commits it, this read or the gateway's own sweep of expired charges (which
    // on a loaded machine may run first), waits for the disk, and so must the read's answer.
    let expires_at = std::time::UNIX_EPOCH + Duration::from_secs(now + 3);
    let until_expired = expires_at
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    tokio::time::sleep(until_expired.saturating_sub(Duration::from_millis(700))).await;
    disk.close();
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let path = format!("/charges/{}", charge["id"].as_str().unwrap());
    let read = held(sandbox.secret(reqwest::Method::GET, &path));
    assert!(
        still_held(&read).await,
        "the charge was answered expired before that was on disk"
    );
    disk.open();
    let (status, expired) = read.await.unwrap();
    assert_eq!(
        (status, &expired["status"]),
        (StatusCode::OK, &json!("expired"))
    );

    // With nothing left to write, a read is answered at once, held disk or not. The expiry's
    // webhook is delivered first: each attempt's outcome is a write of the gateway's.
    support::eventually("the expiry's webhook delivered", || async {
        sandbox.events().await.iter().all(|event| {
            event["webhook_deliveries"]
                .as_array()
                .is_some_and(|deliveries| {
                    deliveries
                        .iter()
                        .all(|delivery| delivery["delivery_status"] != "pending")
                })
        })
    })
    .await;
    disk.close();
    let (status, again) = tokio::time::timeout(
        Duration::from_secs(2),
        send(sandbox.secret(reqwest::Method::GET, &path)),
    )
    .await
    .expect("a read with nothing unsynced is answered");
    assert_eq!(
        (status, &again["status"]),
        (StatusCode::OK, &json!("expired"))
    );
    disk.open();
    let _ = std::fs::remove_dir_all(&data);
}

/// A data folder whose gateway database is not the gateway's (here a `webhook_deliveries`
/// table of another shape) is refused at start with the database's reason: before, building
/// the router panicked.
#[tokio::test]
async fn a_database_of_another_shape_is_refused_at_start_with_its_reason() {
    let data = std::env::temp_dir().join(format!("paywasm-foreign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    rusqlite::Connection::open(data.join("gateway.sqlite"))
        .unwrap()
        .execute_batch("CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY)")
        .unwrap();
    let mut config = Config::for_tests();
    config.data_dir = Some(data.clone());
    let refused = paywasm_sandbox::start(config)
        .await
        .err()
        .expect("start refuses");
    let reason = refused.to_string();
    assert!(reason.contains("next_attempt_ms"), "{reason}");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn pending_charges_expire_on_their_own_at_expires_at() {
    let sandbox = Sandbox::in_process().await;
    let soon = paywasm_core::time::Timestamp(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap()
            + 2,
    );
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
            ("expires_at", &soon.to_string()),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["expires_at"], soon.to_string());
    // nobody reads the charge: the gateway expires it and says so, with the key Omise
    // documents for a charge that ended (there is no charge.expire)
    eventually("a charge.complete event of the expired charge", || async {
        sandbox.events().await.iter().any(|e| {
            e["key"] == "charge.complete"
                && e["data"]["id"] == charge["id"]
                && e["data"]["status"] == "expired"
        })
    })
    .await;
    assert!(sandbox
        .events()
        .await
        .iter()
        .all(|e| e["key"] != "charge.expire"));
    let (_, expired) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["expired_at"], soon.to_string());
}

#[tokio::test]
async fn a_concurrent_payment_and_expiry_end_the_charge_exactly_once() {
    let sandbox = Sandbox::in_process().await;
    for _ in 0..10 {
        let (_, charge) = sandbox
            .charge_form(&[
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ])
            .await;
        let id = charge["id"].as_str().unwrap();
        let pay = send(sandbox.secret(
            reqwest::Method::POST,
            &format!("/charges/{id}/mark_as_paid"),
        ));
        let expire = send(sandbox.secret(reqwest::Method::POST, &format!("/charges/{id}/expire")));
        let ((paid, _), (expired, _)) = tokio::join!(pay, expire);
        assert!(
            paid.is_success() != expired.is_success(),
            "exactly one wins: {paid} {expired}"
        );
        let (_, now) = send(sandbox.secret(reqwest::Method::GET, &format!("/charges/{id}"))).await;
        let expected = if paid.is_success() {
            "successful"
        } else {
            "expired"
        };
        assert_eq!(now["status"], expected);
        let endings = sandbox
            .events()
            .await
            .iter()
            .filter(|e| e["data"]["id"] == id && e["key"] != "charge.create")
            .count();
        assert_eq!(endings, 1);
    }
}

#[tokio::test]
async fn refunds_follow_each_methods_rules_and_never_exceed_the_charge() {
    let sandbox = Sandbox::in_process().await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "barcode_alipay"),
            ("source[barcode]", "1234567890"),
        ])
        .await;
    let refunds = format!("/charges/{}/refunds", charge["id"].as_str().unwrap());
    let refund = |amount: &'static str| {
        send(
            sandbox
                .secret(reqwest::Method::POST, &refunds)
                .form(&[("amount", amount)]),
        )
    };
    let (status, first) = refund("100000").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (first["object"].as_str(), first["amount"].as_i64()),
        (Some("refund"), Some(100_000))
    );
    assert!(first["id"].as_str().unwrap().starts_with("rfnd_test_"));
    let (status, _) = refund("250000").await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = refund("50001").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_amount");
    let (_, now) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(now["refunded_amount"], 350_000);
    assert_eq!(now["refunds"]["total"], 2);
    assert_eq!(now["refundable"], true);
    let (_, list) = send(sandbox.secret(reqwest::Method::GET, &refunds)).await;
    assert_eq!(list["total"], 2);
    let (status, last) = refund("50000").await;
    assert_eq!(status, StatusCode::OK);
    let (_, shown) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("{refunds}/{}", last["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(shown, last);
    let (_, now) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(
        (now["refunded_amount"].clone(), now["refundable"].clone()),
        (json!(400_000), json!(false))
    );
    assert!(sandbox
        .events()
        .await
        .iter()
        .any(|e| e["key"] == "refund.create"));

    // PromptPay: never (seed 002); a pending charge: not yet
    let (_, promptpay) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let path = format!("/charges/{}/refunds", promptpay["id"].as_str().unwrap());
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, &path)
            .form(&[("amount", "100")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "failed_refund");
    send(sandbox.secret(
        reqwest::Method::POST,
        &format!(
            "/charges/{}/mark_as_paid",
            promptpay["id"].as_str().unwrap()
        ),
    ))
    .await;
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, &path)
            .form(&[("amount", "100")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("PromptPay"),
        "{error}"
    );
}

#[tokio::test]
async fn a_repeated_idempotent_request_returns_the_first_answer_and_creates_nothing() {
    let sandbox = Sandbox::in_process().await;
    let form = [
        ("amount", "400000"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
    ];
    let create = |key: &'static str, form: &[(&'static str, &'static str)]| {
        respond(
            sandbox
                .secret(reqwest::Method::POST, "/charges")
                .header("Idempotency-Key", key)
                .form(form),
        )
    };
    let first = create("order-42", &form).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    let again = create("order-42", &form).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let (_, list) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(list["total"], 1, "the retry created nothing");

    // the same key for another request is an error; another key is another charge
    let other = [
        ("amount", "500000"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
    ];
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, "/charges")
            .header("Idempotency-Key", "order-42")
            .form(&other),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&error, "idempotency_key_in_use");
    let fresh: Value = create("order-43", &form)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(fresh["id"], first["id"]);
    // refused requests are kept too: the answer does not change on retry
    let bad = [
        ("amount", "1"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
    ];
    let refused = create("order-44", &bad).await.unwrap().status();
    assert_eq!(refused, StatusCode::BAD_REQUEST);
    assert_eq!(
        create("order-44", &bad).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn hostile_input_gets_a_clear_error_never_a_server_error() {
    let sandbox = Sandbox::in_process().await;
    let huge = "a=".to_owned() + &"x".repeat(3 * 1024 * 1024);
    let bodies: Vec<(&str, String)> = vec![
        ("application/json", "{".into()),
        ("application/json", "[]".into()),
        ("application/json", "null".into()),
        ("application/json", r#"{"amount": 1e309, "currency": "THB", "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": -5, "currency": "THB", "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": 9223372036854775807, "currency": "THB", "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": "400000", "currency": ["THB"], "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": 400000, "currency": "THB", "type": {"x": 1}, "source": {"type": {"x": 1}}}"#.into()),
        ("application/x-www-form-urlencoded", "amount=%ZZ&currency=THB".into()),
        ("application/x-www-form-urlencoded", "source[[type]]=promptpay&amount=400000&currency=THB".into()),
        ("application/x-www-form-urlencoded", "amount=400000&currency=THB&source[type]=promptpay&expires_at=tomorrow".into()),
        ("application/x-www-form-urlencoded", "amount=400000&currency=THB&source=src_test_%00%01".into()),
        ("text/plain", huge),
    ];
    for path in [
        "/sources",
        "/charges",
        "/charges/chrg_test_x/refunds",
        "/charges/chrg_test_x/mark_as_failed",
    ] {
        for (content_type, body) in &bodies {
            let response = respond(
                sandbox
                    .secret(reqwest::Method::POST, path)
                    .header("content-type", *content_type)
                    .body(body.clone()),
            )
            .await
            .unwrap();
            let status = response.status();
            let error: Value = response.json().await.unwrap_or(Value::Null);
            assert!(
                status.is_client_error(),
                "{path} {} -> {status} {error}",
                &body[..body.len().min(80)]
            );
            assert_eq!(error["object"], "error", "{path}: {error}");
        }
    }
}

#[tokio::test]
async fn backdate_moves_only_ended_charges_and_only_by_sane_days() {
    let sandbox = Sandbox::in_process().await;
    let (_, paid) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
            ("source[barcode]", "134567890123456790"),
        ])
        .await;
    let path = format!("/charges/{}/backdate", paid["id"].as_str().unwrap());
    for days in ["0", "-1", "3651", "ten", ""] {
        let (status, error) = send(
            sandbox
                .secret(reqwest::Method::POST, &path)
                .form(&[("days", days)]),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "days={days}: {error}");
        assert_error(&error, "bad_request");
    }
    let (status, moved) = send(
        sandbox
            .secret(reqwest::Method::POST, &path)
            .form(&[("days", "91")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let day = |field: &str, charge: &Value| {
        paywasm_core::time::Timestamp::parse(charge[field].as_str().unwrap())
            .unwrap()
            .0
    };
    assert_eq!(day("paid_at", &paid) - day("paid_at", &moved), 91 * 86_400);
    assert_eq!(
        day("created_at", &paid) - day("created_at", &moved),
        91 * 86_400
    );

    let (_, pending) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
            ("source[barcode]", "134567890123456701"),
        ])
        .await;
    let (status, error) = send(
        sandbox
            .secret(
                reqwest::Method::POST,
                &format!("/charges/{}/backdate", pending["id"].as_str().unwrap()),
            )
            .form(&[("days", "1")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("pending"),
        "{error}"
    );
}

/// Seed 000: "Alipay payment charges can be voided within the next 00:15 (GMT+8) after the
/// charge was created". Before that moment a full refund voids the charge, and the charge's
/// `voided`, `can_perform_void` and `reversible` say so at each moment; after it, a refund is a
/// refund; a part of a charge is never voided; other methods are never voidable.
#[tokio::test]
async fn an_alipay_charge_is_voided_before_the_days_settlement_and_refunded_after_it() {
    let started = Sandbox::in_process().await;
    let sandbox = &started;
    let paid_alipay = || async {
        let charge = sandbox.alipay_cn_charge().await;
        assert_eq!(charge["can_perform_void"], false, "not before it is paid");
        let id = charge["id"].as_str().unwrap().to_owned();
        let (_, paid) = send(sandbox.secret(
            reqwest::Method::POST,
            &format!("/charges/{id}/mark_as_paid"),
        ))
        .await;
        paid
    };
    let read = |id: String| async move {
        send(sandbox.secret(reqwest::Method::GET, &format!("/charges/{id}")))
            .await
            .1
    };
    let refund = |id: String, amount: &'static str| async move {
        send(
            sandbox
                .secret(reqwest::Method::POST, &format!("/charges/{id}/refunds"))
                .form(&[("amount", amount)]),
        )
        .await
    };
    let id_of = |charge: &Value| charge["id"].as_str().unwrap().to_owned();

    // Paid today: voidable until 00:15 in China, and a full refund voids it.
    let today = paid_alipay().await;
    assert_eq!(
        (
            today["can_perform_void"].as_bool(),
            today["reversible"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let (status, voiding) = refund(id_of(&today), "150000").await;
    assert_eq!(status, StatusCode::OK, "{voiding}");
    assert_eq!(voiding["voided"], true);
    let voided = read(id_of(&today)).await;
    assert_eq!(voided["voided"], true);
    assert_eq!(voided["can_perform_void"], false);
    assert_eq!(voided["refundable"], false);

    // A part of today's charge is refunded, not voided, and the rest can no longer be voided.
    let partly = paid_alipay().await;
    let (_, part) = refund(id_of(&partly), "50000").await;
    assert_eq!(part["voided"], false);
    let partly = read(id_of(&partly)).await;
    assert_eq!(
        (
            partly["voided"].as_bool(),
            partly["can_perform_void"].as_bool()
        ),
        (Some(false), Some(false))
    );

    // Yesterday's charge is past its settlement: the fields say so on reading, and a full
    // refund is a refund.
    let yesterday = paid_alipay().await;
    send(
        sandbox
            .secret(
                reqwest::Method::POST,
                &format!("/charges/{}/backdate", id_of(&yesterday)),
            )
            .form(&[("days", "1")]),
    )
    .await;
    let yesterday = read(id_of(&yesterday)).await;
    assert_eq!(
        (
            yesterday["can_perform_void"].as_bool(),
            yesterday["reversible"].as_bool()
        ),
        (Some(false), Some(false))
    );
    let (_, refunded) = refund(id_of(&yesterday), "150000").await;
    assert_eq!(refunded["voided"], false);
    assert_eq!(read(id_of(&yesterday)).await["voided"], false);

    // In-store Alipay (seed 001) is never voidable.
    let (_, in_store) = sandbox
        .charge_form(&[
            ("amount", "40000"),
            ("currency", "THB"),
            ("source[type]", "barcode_alipay"),
            ("source[barcode]", "281234567890123400"),
            ("source[store_id]", "store_1"),
            ("source[terminal_id]", "POS-01"),
        ])
        .await;
    assert_eq!(in_store["status"], "successful", "{in_store}");
    assert_eq!(in_store["can_perform_void"], false);
    started.running.stop().await;
}

/// Seed 002: the QR's lifetime is the merchant's to set. The account's default
/// (`--promptpay-expiry`) applies to a PromptPay charge that names no `expires_at`; a charge may
/// still name any time up to the seed's 24 h; other methods keep their own default.
#[tokio::test]
async fn a_promptpay_qr_lives_as_long_as_the_accounts_default_unless_the_charge_says() {
    let mut config = Config::for_tests();
    config.promptpay_expiry = Duration::from_secs(5 * 60);
    let sandbox = Sandbox::in_process_with(config).await;
    let lifetime = support::lifetime_secs;
    let promptpay = |extra: Vec<(&'static str, String)>| {
        let mut form: Vec<(&str, String)> = vec![
            ("amount", "129000".into()),
            ("currency", "THB".into()),
            ("source[type]", "promptpay".into()),
        ];
        form.extend(extra);
        let sandbox = &sandbox;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            sandbox.charge_form(&form).await
        }
    };
    let (status, short) = promptpay(vec![]).await;
    assert_eq!(status, StatusCode::OK, "{short}");
    assert_eq!(lifetime(&short), 300);

    let in_twenty_hours = paywasm_core::time::Timestamp(
        paywasm_core::time::Timestamp::parse(short["created_at"].as_str().unwrap())
            .unwrap()
            .unix()
            + 20 * 3_600,
    );
    let (status, long) = promptpay(vec![("expires_at", in_twenty_hours.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{long}");
    assert_eq!(long["expires_at"], in_twenty_hours.to_string());

    let alipay = sandbox.alipay_cn_charge().await;
    assert_eq!(lifetime(&alipay), 7 * 86_400, "Alipay CN keeps its 7 days");
    sandbox.running.stop().await;
}

#[test]
fn the_promptpay_default_is_a_duration_from_a_second_to_a_day() {
    use clap::Parser;
    let parse =
        |value: &str| Config::try_parse_from(["paywasm-sandbox", "--promptpay-expiry", value]);
    assert_eq!(
        parse("5m").unwrap().promptpay_expiry,
        Duration::from_secs(300)
    );
    assert_eq!(
        parse("24h").unwrap().promptpay_expiry,
        Duration::from_secs(86_400)
    );
    for refused in ["25h", "0s", "soon"] {
        let error = parse(refused).unwrap_err().to_string();
        assert!(
            error.contains("PromptPay QR") || error.contains("duration"),
            "{refused}: {error}"
        );
    }
}

/// Seed 000: `alipay` "will be deprecated in favor of `alipay_cn`": a client still sending the
/// old name gets Alipay CN's source and flow, alone or inline in a charge.
#[tokio::test]
async fn the_deprecated_alipay_type_is_taken_for_alipay_cn() {
    let sandbox = Sandbox::in_process().await;
    let (status, source) = send(sandbox.public(reqwest::Method::POST, "/sources").form(&[
        ("type", "alipay"),
        ("amount", "150000"),
        ("currency", "SGD"),
        ("platform_type", "WEB"),
    ]))
    .await;
    assert_eq!(status, StatusCode::OK, "{source}");
    assert_eq!(
        (source["type"].as_str(), source["flow"].as_str()),
        (Some("alipay_cn"), Some("app_redirect"))
    );
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "150000"),
            ("currency", "SGD"),
            ("source[type]", "alipay"),
            ("return_uri", "https://example.com/orders/1/complete"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["source"]["type"], "alipay_cn");
    assert!(charge["authorize_uri"]
        .as_str()
        .unwrap()
        .contains("/authorize"));
    sandbox.running.stop().await;
}
