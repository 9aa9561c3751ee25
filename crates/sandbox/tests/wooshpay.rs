//! The WooshPay-compatible API (seed 004), in-process: the seed's exact request bodies
//! replayed, their responses checked field by field, then each PaymentIntent and Checkout
//! Session path to success, failure and cancel through the test Alipay pages.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{
    assert_like_seed, assert_wooshpay_error, eventually, fixture, respond, send, Sandbox,
};

#[tokio::test]
async fn the_seeds_payment_intents_are_answered_as_the_seed_shows() {
    let sandbox = Sandbox::in_process().await;
    for (name, page) in [
        ("web", "/wooshpay/alipay/cashier?"),
        ("app", "/wooshpay/alipay/app?"),
    ] {
        let request = fixture(&format!("seed004/payment_intent_{name}_request"));
        let intent = sandbox.create_intent(&request).await;
        assert_like_seed(
            &fixture(&format!("seed004/payment_intent_{name}_response")),
            &intent,
            name,
        );
        let url = intent["next_action"]["alipay_handle_redirect"]["url"]
            .as_str()
            .unwrap();
        assert!(url.starts_with(&sandbox.url(page)), "{url}");
    }
}

#[tokio::test]
async fn the_seeds_checkout_session_is_answered_as_the_seed_shows() {
    let sandbox = Sandbox::in_process().await;
    let (status, session) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/checkout/sessions")
            .json(&fixture("seed004/checkout_session_request")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_like_seed(
        &fixture("seed004/checkout_session_response"),
        &session,
        "session",
    );
    let id = session["id"].as_str().unwrap();
    assert!(session["url"]
        .as_str()
        .unwrap()
        .starts_with(&sandbox.url(&format!("/wooshpay/pay/{id}?key=pk_test_"))));
    let intent = sandbox
        .intent(session["payment_intent"].as_str().unwrap())
        .await;
    assert_eq!(
        (&intent["amount"], &intent["currency"], &intent["status"]),
        (
            &json!(100000),
            &json!("CNY"),
            &json!("requires_payment_method")
        )
    );
    let (_, again) =
        send(sandbox.wooshpay_secret(Method::GET, &format!("/v1/checkout/sessions/{id}"))).await;
    assert_eq!(again, session);

    // The merchant expires it: the session and its PaymentIntent end.
    let (status, expired) =
        send(sandbox.wooshpay_secret(Method::POST, &format!("/v1/checkout/sessions/{id}/expire")))
            .await;
    assert_eq!(status, StatusCode::OK, "{expired}");
    assert_eq!(expired["status"], "expired");
    let intent = sandbox
        .intent(session["payment_intent"].as_str().unwrap())
        .await;
    assert_eq!(intent["status"], "canceled");
    let (status, error) =
        send(sandbox.wooshpay_secret(Method::POST, &format!("/v1/checkout/sessions/{id}/expire")))
            .await;
    assert_wooshpay_error(
        status,
        &error,
        StatusCode::BAD_REQUEST,
        "checkout_session_unexpected_state",
    );
}

#[tokio::test]
async fn checkout_sessions_take_one_currency_and_one_time_items_only() {
    let sandbox = Sandbox::in_process().await;
    let item = |currency: &str| json!({"price_data": {"currency": currency, "unit_amount": 500, "product_data": {"name": "tea"}}, "quantity": 2});
    let base = json!({"mode": "payment", "success_url": "https://shop.example/done", "payment_method_types": ["alipay"]});
    let with = |patch: Value| {
        let mut body = base.clone();
        body.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        body
    };
    let (status, two) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/checkout/sessions")
            .json(&with(json!({"line_items": [item("HKD"), item("HKD")]}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{two}");
    assert_eq!(
        (&two["amount_total"], &two["currency"]),
        (&json!(2000), &json!("HKD"))
    );
    for (body, param) in [
        (
            json!({"line_items": [item("HKD"), item("USD")]}),
            "line_items",
        ),
        (
            json!({"line_items": [{"price_data": {"currency": "CNY", "unit_amount": 500, "product_data": {"name": "box"}, "recurring": {"interval": "month"}}, "quantity": 1}]}),
            "line_items[0][price_data][recurring]",
        ),
        (json!({"line_items": []}), "line_items"),
        (
            json!({"line_items": [item("THB")]}),
            "line_items[0][price_data][currency]",
        ),
        (
            json!({"line_items": [item("CNY")], "mode": "subscription"}),
            "mode",
        ),
        (
            json!({"line_items": [item("CNY")], "success_url": "javascript:alert(1)"}),
            "success_url",
        ),
    ] {
        let (status, error) = send(
            sandbox
                .wooshpay_secret(Method::POST, "/v1/checkout/sessions")
                .json(&with(body.clone())),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {error}");
        assert_eq!(error["error"]["param"], param, "{error}");
        assert_eq!(error["error"]["type"], "invalid_request_error");
    }
}

#[tokio::test]
async fn a_web_payment_succeeds_returns_the_customer_and_is_refunded_in_parts() {
    let sandbox = Sandbox::in_process().await;
    let intent = sandbox
        .create_intent(&fixture("seed004/payment_intent_web_request"))
        .await;
    let id = intent["id"].as_str().unwrap();
    let secret = intent["client_secret"].as_str().unwrap();

    // The browser polls with the publishable key and the client secret: client-safe fields only.
    let (status, seen) = send(sandbox.wooshpay_public(
        Method::GET,
        &format!("/v1/payment_intents/{id}?client_secret={secret}"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["status"], "requires_action");
    assert!(seen.get("metadata").is_none() && seen.get("payment_method_options").is_none());
    for query in ["", "?client_secret=pi_wrong_secret_x"] {
        let (status, error) =
            send(sandbox.wooshpay_public(Method::GET, &format!("/v1/payment_intents/{id}{query}")))
                .await;
        assert_wooshpay_error(status, &error, StatusCode::NOT_FOUND, "resource_missing");
    }

    let back = sandbox.pay_at_alipay(&intent, "succeed").await.unwrap();
    assert_eq!(
        back,
        format!("https://wooshpay.com?payment_intent={id}&payment_intent_client_secret={secret}&redirect_status=succeeded")
    );
    let paid = sandbox.intent(id).await;
    assert_eq!(
        (
            &paid["status"],
            &paid["amount_received"],
            &paid["next_action"]
        ),
        (&json!("succeeded"), &json!(20), &Value::Null)
    );
    // A second press of the button changes nothing.
    let again = sandbox.pay_at_alipay(&intent, "fail").await;
    assert!(again.unwrap().ends_with("redirect_status=succeeded"));

    let refund = |amount: Option<i64>| {
        let mut body = json!({"payment_intent": id});
        if let Some(amount) = amount {
            body["amount"] = json!(amount);
        }
        send(
            sandbox
                .wooshpay_secret(Method::POST, "/v1/refunds")
                .json(&body),
        )
    };
    let (status, first) = refund(Some(5)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (
            &first["object"],
            &first["amount"],
            &first["status"],
            &first["currency"]
        ),
        (
            &json!("refund"),
            &json!(5),
            &json!("succeeded"),
            &json!("CNY")
        )
    );
    let (status, _) = refund(Some(10)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = refund(Some(6)).await;
    assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, "amount_too_large");
    let (status, rest) = refund(None).await;
    assert_eq!((status, &rest["amount"]), (StatusCode::OK, &json!(5)));
    let (status, error) = refund(None).await;
    assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, "amount_too_large");
    let (_, list) =
        send(sandbox.wooshpay_secret(Method::GET, &format!("/v1/refunds?payment_intent={id}")))
            .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 3);
    let (_, shown) = send(sandbox.wooshpay_secret(
        Method::GET,
        &format!("/v1/refunds/{}", first["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(shown, first);
}

#[tokio::test]
async fn an_app_payment_that_fails_can_be_retried_or_canceled() {
    let sandbox = Sandbox::in_process().await;
    let intent = sandbox
        .create_intent(&fixture("seed004/payment_intent_app_request"))
        .await;
    let id = intent["id"].as_str().unwrap();
    let back = sandbox.pay_at_alipay(&intent, "fail").await.unwrap();
    assert!(back.ends_with("redirect_status=failed"), "{back}");
    let failed = sandbox.intent(id).await;
    assert_eq!(failed["status"], "requires_payment_method");
    assert_eq!(
        failed["last_payment_error"]["code"],
        "payment_intent_payment_attempt_failed"
    );
    // The customer tries again: a new attempt, a new Alipay code.
    let (status, retried) = send(
        sandbox
            .wooshpay_secret(Method::POST, &format!("/v1/payment_intents/{id}/confirm"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["status"], "requires_action");
    assert_ne!(retried["next_action"], intent["next_action"]);
    assert_eq!(retried["last_payment_error"], Value::Null);
    // The old code is dead.
    let old = intent["next_action"]["alipay_handle_redirect"]["url"]
        .as_str()
        .unwrap();
    assert_eq!(
        respond(sandbox.http.get(old)).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // A reason the API does not know is refused, naming the ones it does, and changes nothing.
    let (status, error) = send(
        sandbox
            .wooshpay_secret(Method::POST, &format!("/v1/payment_intents/{id}/cancel"))
            .json(&json!({"cancellation_reason": "changed_my_mind"})),
    )
    .await;
    assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, "parameter_invalid");
    assert_eq!(error["error"]["param"], "cancellation_reason", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("requested_by_customer or abandoned")),
        "{error}"
    );
    let (_, unchanged) =
        send(sandbox.wooshpay_secret(Method::GET, &format!("/v1/payment_intents/{id}"))).await;
    assert_eq!(unchanged["status"], "requires_action", "{unchanged}");

    let (status, canceled) = send(
        sandbox
            .wooshpay_secret(Method::POST, &format!("/v1/payment_intents/{id}/cancel"))
            .json(&json!({"cancellation_reason": "requested_by_customer"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{canceled}");
    assert_eq!(
        (&canceled["status"], &canceled["next_action"]),
        (&json!("canceled"), &Value::Null)
    );
    let (status, error) =
        send(sandbox.wooshpay_secret(Method::POST, &format!("/v1/payment_intents/{id}/cancel")))
            .await;
    assert_wooshpay_error(
        status,
        &error,
        StatusCode::BAD_REQUEST,
        "payment_intent_unexpected_state",
    );
    let (status, error) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/refunds")
            .json(&json!({"payment_intent": id})),
    )
    .await;
    assert_wooshpay_error(
        status,
        &error,
        StatusCode::BAD_REQUEST,
        "charge_not_refundable",
    );
    // The customer's late press on the canceled attempt changes nothing.
    assert!(sandbox
        .pay_at_alipay(&retried, "succeed")
        .await
        .unwrap()
        .ends_with("redirect_status=failed"));
    assert_eq!(sandbox.intent(id).await["status"], "canceled");
}

#[tokio::test]
async fn processing_then_succeeded_and_no_cancel_while_processing() {
    let sandbox = Sandbox::in_process().await;
    let intent = sandbox
        .create_intent(&fixture("seed004/payment_intent_web_request"))
        .await;
    let id = intent["id"].as_str().unwrap();
    assert_eq!(sandbox.pay_at_alipay(&intent, "processing").await, None);
    assert_eq!(sandbox.intent(id).await["status"], "processing");
    let (status, error) =
        send(sandbox.wooshpay_secret(Method::POST, &format!("/v1/payment_intents/{id}/cancel")))
            .await;
    assert_wooshpay_error(
        status,
        &error,
        StatusCode::BAD_REQUEST,
        "payment_intent_unexpected_state",
    );
    let back = sandbox.pay_at_alipay(&intent, "succeed").await.unwrap();
    assert!(back.ends_with("redirect_status=succeeded"));
    assert_eq!(sandbox.intent(id).await["status"], "succeeded");
}

#[tokio::test]
async fn forms_and_basic_auth_work_like_json_and_bearer() {
    let sandbox = Sandbox::in_process().await;
    let (status, intent) = send(
        sandbox
            .http
            .post(sandbox.url("/v1/payment_intents"))
            .basic_auth(&sandbox.running.wooshpay_secret_key, Some(""))
            .form(&[
                ("amount", "20"),
                ("currency", "cny"),
                ("confirm", "true"),
                ("payment_method_types[]", "alipay"),
                ("payment_method_data[type]", "alipay"),
                ("payment_method_options[alipay][terminal_type]", "APP"),
                ("payment_method_options[alipay][os_type]", "ANDROID"),
                ("return_url", "http://127.0.0.1:7071/return"),
            ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{intent}");
    assert_eq!(
        (
            &intent["currency"],
            &intent["status"],
            &intent["payment_method_types"]
        ),
        (&json!("CNY"), &json!("requires_action"), &json!(["alipay"]))
    );
    assert_eq!(
        intent["payment_method_options"]["alipay"],
        json!({"terminal_type": "APP", "os_type": "ANDROID"})
    );
}

#[tokio::test]
async fn bad_requests_get_wooshpays_error_object() {
    let sandbox = Sandbox::in_process().await;
    let good = fixture("seed004/payment_intent_web_request");
    let with = |pointer: &str, value: Value| {
        let mut body = good.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        body
    };
    let cases = [
        (with("/amount", json!(0)), "amount_too_small"),
        (with("/amount", json!("twenty")), "parameter_invalid"),
        (with("/currency", json!("THB")), "parameter_invalid"),
        (
            with("/payment_method_types", json!(["card"])),
            "parameter_invalid",
        ),
        (
            with("/payment_method_data/type", json!("wechat")),
            "parameter_invalid",
        ),
        (
            with("/payment_method_options/alipay/terminal_type", json!("TV")),
            "parameter_invalid",
        ),
        (
            with(
                "/payment_method_options/alipay/client_ip",
                json!("<script>"),
            ),
            "parameter_invalid",
        ),
        (
            with("/return_url", json!("javascript:alert(1)")),
            "parameter_invalid",
        ),
        (with("/return_url", Value::Null), "parameter_missing"),
    ];
    for (body, code) in cases {
        let (status, error) = send(
            sandbox
                .wooshpay_secret(Method::POST, "/v1/payment_intents")
                .json(&body),
        )
        .await;
        assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, code);
    }
    let (status, error) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/payment_intents")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, "parameter_invalid");

    // Keys: none, the Omise key, the publishable key where the secret one is needed.
    let create = || {
        sandbox
            .http
            .post(sandbox.url("/v1/payment_intents"))
            .json(&good)
    };
    let (status, error) = send(create()).await;
    assert_wooshpay_error(status, &error, StatusCode::UNAUTHORIZED, "api_key_invalid");
    let (status, error) = send(create().bearer_auth(&sandbox.running.secret_key)).await;
    assert_wooshpay_error(status, &error, StatusCode::UNAUTHORIZED, "api_key_invalid");
    let (status, error) = send(create().bearer_auth(&sandbox.running.wooshpay_public_key)).await;
    assert_wooshpay_error(status, &error, StatusCode::UNAUTHORIZED, "api_key_invalid");

    let (status, error) =
        send(sandbox.wooshpay_secret(Method::GET, "/v1/payment_intents/pi_404")).await;
    assert_wooshpay_error(status, &error, StatusCode::NOT_FOUND, "resource_missing");
    let (status, error) = send(sandbox.wooshpay_secret(Method::GET, "/v1/nothing/here")).await;
    assert_wooshpay_error(status, &error, StatusCode::NOT_FOUND, "resource_missing");
}

/// A webhook endpoint on loopback that refuses its first delivery (to prove retries) and
/// records the others: (signature header, raw body).
async fn webhook_receiver() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
) {
    use axum::http::{HeaderMap, StatusCode as Status};
    use std::sync::{Arc, Mutex};
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let refused_first = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let sink = sink.clone();
            let refused_first = refused_first.clone();
            async move {
                if !refused_first.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    return Status::SERVICE_UNAVAILABLE;
                }
                let signature = headers
                    .get("wooshpay-signature")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                sink.lock().unwrap().push((signature, body));
                Status::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test]
async fn events_are_signed_delivered_until_acknowledged_and_filtered_by_type() {
    let sandbox = Sandbox::in_process().await;
    let (url, received) = webhook_receiver().await;
    let (status, endpoint) = send(sandbox.wooshpay_secret(Method::POST, "/v1/webhook_endpoints").json(
        &json!({"url": url, "enabled_events": ["payment_intent.succeeded", "checkout.session.expired", "refund.created"]}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{endpoint}");
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let (status, error) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/webhook_endpoints")
            .json(&json!({"url": url, "enabled_events": ["charge.nothing"]})),
    )
    .await;
    assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, "parameter_invalid");

    let intent = sandbox
        .create_intent(&fixture("seed004/payment_intent_web_request"))
        .await;
    sandbox.pay_at_alipay(&intent, "succeed").await;
    send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/refunds")
            .json(&json!({"payment_intent": intent["id"], "amount": 5})),
    )
    .await;
    let (_, session) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/checkout/sessions")
            .json(&fixture("seed004/checkout_session_request")),
    )
    .await;
    let session_id = session["id"].as_str().unwrap();
    send(sandbox.wooshpay_secret(
        Method::POST,
        &format!("/v1/checkout/sessions/{session_id}/expire"),
    ))
    .await;

    // The first delivery was refused: it is retried after a second.
    eventually("three deliveries", || async {
        received.lock().unwrap().len() >= 3
    })
    .await;
    let received = received.lock().unwrap().clone();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut types = Vec::new();
    for (signature, body) in &received {
        paywasm_core::webhook::wooshpay::verify(&secret, signature, body.as_bytes(), now)
            .unwrap_or_else(|e| panic!("{e}: {signature}"));
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["object"], "event");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        types.push(event["type"].as_str().unwrap().to_owned());
        if event["type"] == "payment_intent.succeeded" {
            assert_eq!(event["data"]["object"]["id"], intent["id"]);
            assert_eq!(event["data"]["object"]["status"], "succeeded");
        }
    }
    types.sort();
    assert_eq!(
        types,
        [
            "checkout.session.expired",
            "payment_intent.succeeded",
            "refund.created"
        ],
        "only the enabled types, each once"
    );
}

/// An idempotency key belongs to the account key, not to how the header spells it: the same
/// secret key sent as Bearer and then as HTTP Basic (both of which WooshPay accepts) replays
/// the one PaymentIntent (two were made before: the scope was the raw header).
#[tokio::test]
async fn one_idempotency_key_is_one_request_whether_the_key_came_as_bearer_or_basic() {
    let sandbox = Sandbox::in_process().await;
    let body = fixture("seed004/payment_intent_web_request");
    let url = sandbox.url("/v1/payment_intents");
    let key = &sandbox.running.wooshpay_secret_key;
    let bearer = sandbox
        .http
        .post(&url)
        .bearer_auth(key)
        .header("Idempotency-Key", "order-2002")
        .json(&body);
    let (status, first) = send(bearer).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let basic = respond(
        sandbox
            .http
            .post(&url)
            .basic_auth(key, Some(""))
            .header("Idempotency-Key", "order-2002")
            .json(&body),
    )
    .await
    .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);
    assert_eq!(basic.headers()["idempotent-replayed"], "true");
    let again: Value = basic.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
}

#[tokio::test]
async fn an_idempotency_key_makes_a_repeated_post_the_same_and_names_misuse_in_wooshpays_shape() {
    let sandbox = Sandbox::in_process().await;
    let body = fixture("seed004/payment_intent_web_request");
    let create = |key: &str, body: &Value| {
        sandbox
            .wooshpay_secret(Method::POST, "/v1/payment_intents")
            .header("Idempotency-Key", key)
            .json(body)
    };
    // The same request twice: one PaymentIntent, the second answer marked as a replay.
    let first = respond(create("order-1001", &body)).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    let again = respond(create("order-1001", &body)).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first);

    // The same key for another request: refused as WooshPay refuses, nothing made.
    let mut other = body.clone();
    other["amount"] = json!(first["amount"].as_i64().unwrap() + 1);
    let (status, error) = send(create("order-1001", &other)).await;
    assert_wooshpay_error(
        status,
        &error,
        StatusCode::BAD_REQUEST,
        "idempotency_key_in_use",
    );
    assert_eq!(error["error"]["type"], "idempotency_error");

    // A repeated refund refunds once; a repeated cancel answers the canceled PaymentIntent.
    let id = first["id"].as_str().unwrap();
    sandbox.pay_at_alipay(&first, "succeed").await;
    let refund = |key: &str| {
        sandbox
            .wooshpay_secret(Method::POST, "/v1/refunds")
            .header("Idempotency-Key", key)
            .json(&json!({"payment_intent": id, "amount": 5}))
    };
    let (status, refunded) = send(refund("refund-1")).await;
    assert_eq!(status, StatusCode::OK, "{refunded}");
    let (status, repeated) = send(refund("refund-1")).await;
    assert_eq!((status, &repeated), (StatusCode::OK, &refunded));
    let (_, refunds) =
        send(sandbox.wooshpay_secret(Method::GET, &format!("/v1/refunds?payment_intent={id}")))
            .await;
    assert_eq!(refunds["data"].as_array().unwrap().len(), 1, "{refunds}");

    let second = sandbox.create_intent(&body).await;
    let cancel = || {
        sandbox
            .wooshpay_secret(
                Method::POST,
                &format!(
                    "/v1/payment_intents/{}/cancel",
                    second["id"].as_str().unwrap()
                ),
            )
            .header("Idempotency-Key", "cancel-1")
            .json(&json!({}))
    };
    let (status, canceled) = send(cancel()).await;
    assert_eq!(
        (status, &canceled["status"]),
        (StatusCode::OK, &json!("canceled"))
    );
    let (status, repeated) = send(cancel()).await;
    assert_eq!((status, &repeated), (StatusCode::OK, &canceled));

    // A key that is not one: named, in WooshPay's shape.
    let (status, error) = send(create("", &body)).await;
    assert_wooshpay_error(status, &error, StatusCode::BAD_REQUEST, "parameter_invalid");
}

/// Before: the gateway's webhook client followed redirects, so an endpoint registered with the
/// API could point deliveries anywhere the gateway can reach (a merchant's private network).
/// A redirect now counts as a failed delivery, and is not followed.
#[tokio::test]
async fn webhook_deliveries_do_not_follow_redirects() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let sandbox = Sandbox::in_process().await;
    let reached = Arc::new(AtomicUsize::new(0));
    let counter = reached.clone();
    let inside = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            "reached"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let private = format!("http://{}/internal", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, inside).await });
    let redirected = Arc::new(AtomicUsize::new(0));
    let asked = redirected.clone();
    let outside = axum::Router::new().fallback(move || {
        let (private, asked) = (private.clone(), asked.clone());
        async move {
            asked.fetch_add(1, Ordering::SeqCst);
            axum::response::Redirect::temporary(&private)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, outside).await });
    let (status, endpoint) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/webhook_endpoints")
            .json(&json!({"url": url, "enabled_events": ["*"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{endpoint}");
    let intent = sandbox
        .create_intent(&fixture("seed004/payment_intent_web_request"))
        .await;
    sandbox.pay_at_alipay(&intent, "succeed").await;
    eventually("a delivery to the endpoint", || async {
        redirected.load(Ordering::SeqCst) >= 1
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}
