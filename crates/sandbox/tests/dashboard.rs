//! The test-mode dashboard and Simulate payment, in-process, as a browser without JavaScript
//! uses them: the dashboard signed in with the secret key only, each action a plain form, a
//! refused action said on the page with nothing changed, forms from other sites refused; a QR's
//! payment decided by whoever holds its link.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::{respond, send, Sandbox};

const SECRET: &str = "skey_test_5paywasmsandbox0demo0";
const PUBLIC: &str = "pkey_test_5paywasmsandbox0demo0";

/// A signed-in browser: the dashboard's cookie.
async fn sign_in(sandbox: &Sandbox) -> String {
    let answer = respond(
        sandbox
            .http
            .post(sandbox.url("/dashboard/sign-in"))
            .form(&[("key", SECRET)]),
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/dashboard/charges");
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_owned()
}

/// `GET path` as the signed-in browser: its status and text.
async fn page(sandbox: &Sandbox, cookie: &str, path: &str) -> (StatusCode, String) {
    let answer = respond(sandbox.http.get(sandbox.url(path)).header("cookie", cookie))
        .await
        .unwrap();
    (answer.status(), answer.text().await.unwrap())
}

/// A form posted from the dashboard's own page: its status, where it leads and its text.
async fn post(
    sandbox: &Sandbox,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let answer = respond(
        sandbox
            .http
            .post(sandbox.url(path))
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .form(form),
    )
    .await
    .unwrap();
    let location = answer
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (answer.status(), location, answer.text().await.unwrap())
}

/// A webhook endpoint on a free port answering its `n`th delivery (from 0) with `answer(n)`:
/// its URL and how many deliveries it has received.
async fn endpoint(
    answer: fn(usize) -> (StatusCode, &'static str),
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || async move { answer(counted.fetch_add(1, Ordering::SeqCst)) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    (url, calls)
}

async fn promptpay_charge(sandbox: &Sandbox, order: &str) -> Value {
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "129000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
            ("metadata[order_id]", order),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    charge
}

async fn charge(sandbox: &Sandbox, id: &str) -> Value {
    send(sandbox.secret(Method::GET, &format!("/charges/{id}")))
        .await
        .1
}

#[tokio::test]
async fn the_dashboard_signs_in_with_the_secret_key_only_and_signs_out() {
    let sandbox = Sandbox::in_process().await;
    let signed_out = respond(sandbox.http.get(sandbox.url("/dashboard/charges")))
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_out.headers()["location"], "/dashboard/sign-in");

    for (key, says) in [
        (PUBLIC, "That is the public key"),
        (
            "skey_test_somebodyelse000000000",
            "not the secret key of this sandbox",
        ),
        ("", "Enter the secret key of this sandbox"),
    ] {
        let answer = respond(
            sandbox
                .http
                .post(sandbox.url("/dashboard/sign-in"))
                .form(&[("key", key)]),
        )
        .await
        .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
        assert!(answer.headers().get("set-cookie").is_none());
        assert!(answer.text().await.unwrap().contains(says), "{key:?}");
    }

    let cookie = sign_in(&sandbox).await;
    let (status, list) = page(&sandbox, &cookie, "/dashboard/charges").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Test mode"));
    // A forged or stale cookie is no session.
    let (_, forged) = page(
        &sandbox,
        "paywasm_dashboard=00000000000000000000000000000000",
        "/dashboard/charges",
    )
    .await;
    assert!(forged.is_empty(), "a redirect, not the list");

    let (status, location, _) = post(&sandbox, &cookie, "/dashboard/sign-out", &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/dashboard/sign-in")
    );
    let (status, _) = page(&sandbox, &cookie, "/dashboard/charges").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the session ended with sign-out"
    );
    sandbox.running.stop().await;
}

#[tokio::test]
async fn each_action_works_from_a_plain_form_and_a_refused_one_says_why_and_changes_nothing() {
    let sandbox = Sandbox::in_process().await;
    let cookie = sign_in(&sandbox).await;
    let paid = promptpay_charge(&sandbox, "ord_paid").await;
    let failed = promptpay_charge(&sandbox, "ord_failed").await;
    let expired = promptpay_charge(&sandbox, "ord_expired").await;
    let id = |charge: &Value| charge["id"].as_str().unwrap().to_owned();

    // The charge's page: its order, its QR, its method's failure codes (seed 002's).
    let (status, shown) = page(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{}", id(&paid)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.contains("ord_paid") && shown.contains("alt=\"QR code of"));
    for code in [
        "failed_processing",
        "insufficient_balance",
        "payment_cancelled",
    ] {
        assert!(
            shown.contains(&format!("<option value=\"{code}\">")),
            "{code}"
        );
    }
    assert!(
        !shown.contains("<option value=\"timeout\">"),
        "not a PromptPay code"
    );

    let action = |charge: &Value, name: &str| format!("/dashboard/charges/{}/{name}", id(charge));
    let (status, location, _) = post(&sandbox, &cookie, &action(&paid, "mark_as_paid"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!("/dashboard/charges/{}?done=paid", id(&paid))
    );
    assert_eq!(charge(&sandbox, &id(&paid)).await["status"], "successful");
    let (_, done) = page(&sandbox, &cookie, &location).await;
    assert!(done.contains("Marked as paid.") && done.contains("charge.complete"));

    // Refused, with the reason on the page; the charge stays as it was.
    let (status, _, refused) = post(
        &sandbox,
        &cookie,
        &action(&paid, "mark_as_failed"),
        &[("failure_code", "payment_cancelled")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("role=\"alert\">Refused: charge") && refused.contains("not pending"),
        "{refused}"
    );
    assert_eq!(charge(&sandbox, &id(&paid)).await["status"], "successful");
    let (status, _, refused) = post(
        &sandbox,
        &cookie,
        &action(&paid, "refunds"),
        &[("amount", "100.00")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("PromptPay charges cannot be refunded"),
        "{refused}"
    );

    let (status, _, refused) = post(
        &sandbox,
        &cookie,
        &action(&failed, "mark_as_failed"),
        &[("failure_code", "<script>")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Refused: choose a failure code from the list."));
    assert!(!refused.contains("<script>"));
    assert_eq!(charge(&sandbox, &id(&failed)).await["status"], "pending");
    let (status, _, _) = post(
        &sandbox,
        &cookie,
        &action(&failed, "mark_as_failed"),
        &[("failure_code", "insufficient_balance")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let failed = charge(&sandbox, &id(&failed)).await;
    assert_eq!(
        (failed["status"].as_str(), failed["failure_code"].as_str()),
        (Some("failed"), Some("insufficient_balance"))
    );

    // A form another site made the browser send does nothing.
    let forged = respond(
        sandbox
            .http
            .post(sandbox.url(&action(&expired, "expire")))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site")
            .form(&[("from", "elsewhere")]),
    )
    .await
    .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(charge(&sandbox, &id(&expired)).await["status"], "pending");
    let (status, _, _) = post(&sandbox, &cookie, &action(&expired, "expire"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(charge(&sandbox, &id(&expired)).await["status"], "expired");

    // An action the dashboard does not have, on a charge that does not exist.
    let (status, _, missing) = post(
        &sandbox,
        &cookie,
        "/dashboard/charges/chrg_test_nosuchcharge0000000/mark_as_paid",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("was not found"));
    let (status, _, _) = post(&sandbox, &cookie, &action(&expired, "delete"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sandbox.running.stop().await;
}

#[tokio::test]
async fn an_alipay_charge_is_refunded_in_part_from_the_dashboard_within_what_remains() {
    let sandbox = Sandbox::in_process().await;
    let cookie = sign_in(&sandbox).await;
    let charge_made = sandbox.alipay_cn_charge().await;
    let id = charge_made["id"].as_str().unwrap().to_owned();
    let refunds = format!("/dashboard/charges/{id}/refunds");
    let (status, _, _) = post(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{id}/mark_as_paid"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, shown) = page(&sandbox, &cookie, &format!("/dashboard/charges/{id}")).await;
    assert!(shown.contains("value=\"1500.00\""), "what remains, offered");

    for bad in ["abc", "-5", "12.345", ""] {
        let (status, _, refused) = post(&sandbox, &cookie, &refunds, &[("amount", bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(
            refused.contains("Refused: write the amount to refund in SGD"),
            "{bad:?}"
        );
    }
    let (status, _, refused) = post(&sandbox, &cookie, &refunds, &[("amount", "1,500.01")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("at most 150000"), "{refused}");
    assert_eq!(charge(&sandbox, &id).await["refunded_amount"], 0);

    let (status, location, _) = post(&sandbox, &cookie, &refunds, &[("amount", "200.50")]).await;
    assert_eq!(
        (status, location.ends_with("?done=refunded")),
        (StatusCode::SEE_OTHER, true)
    );
    assert_eq!(charge(&sandbox, &id).await["refunded_amount"], 20_050);
    let (_, shown) = page(&sandbox, &cookie, &location).await;
    assert!(
        shown.contains("Refunded.")
            && shown.contains("SGD 200.50")
            && shown.contains("value=\"1299.50\"")
    );
    sandbox.running.stop().await;
}

#[tokio::test]
async fn the_list_is_newest_first_and_filters_by_status_method_charge_or_order() {
    let sandbox = Sandbox::in_process().await;
    let cookie = sign_in(&sandbox).await;
    let first = promptpay_charge(&sandbox, "ord_first").await;
    let second = promptpay_charge(&sandbox, "ord_second").await;
    send(sandbox.secret(
        Method::POST,
        &format!("/charges/{}/mark_as_paid", first["id"].as_str().unwrap()),
    ))
    .await;

    let (_, all) = page(&sandbox, &cookie, "/dashboard/charges").await;
    let at = |text: &str| all.find(text).unwrap();
    assert!(at("ord_second") < at("ord_first"), "newest first");
    let (_, paid) = page(&sandbox, &cookie, "/dashboard/charges?status=successful").await;
    assert!(paid.contains("ord_first") && !paid.contains("ord_second"));
    let (_, by_order) = page(&sandbox, &cookie, "/dashboard/charges?q=ord_second").await;
    assert!(by_order.contains(second["id"].as_str().unwrap()) && !by_order.contains("ord_first"));
    let (_, by_id) = page(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges?q={}", first["id"].as_str().unwrap()),
    )
    .await;
    assert!(by_id.contains("ord_first") && !by_id.contains("ord_second"));
    let (_, wechat) = page(
        &sandbox,
        &cookie,
        "/dashboard/charges?method=wechat_pay_upm",
    )
    .await;
    assert!(wechat.contains("No charge matches."));
    let (status, odd) = page(
        &sandbox,
        &cookie,
        "/dashboard/charges?status=%3Cb%3E&method=cash",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(odd.contains("showing every method") && odd.contains("ord_first"));
    sandbox.running.stop().await;
}

/// Simulate payment: whoever holds a PromptPay QR's link may decide its payment in test mode,
/// as a phone that scanned it would; the link's token is the key.
#[tokio::test]
async fn whoever_holds_a_qrs_link_may_simulate_its_payment_and_no_one_else() {
    let sandbox = Sandbox::in_process().await;
    let declined = promptpay_charge(&sandbox, "ord_declined").await;
    let paid = promptpay_charge(&sandbox, "ord_simulated").await;
    let simulate = |charge: &Value| {
        format!(
            "{}/simulate",
            charge["source"]["scannable_code"]["image"]["download_uri"]
                .as_str()
                .unwrap()
        )
    };
    let shown = respond(sandbox.http.get(simulate(&declined)))
        .await
        .unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("Simulate payment") && shown.contains("THB 1,290.00"));
    assert!(shown.contains(">Succeed</button>") && shown.contains(">Fail</button>"));

    let forged = simulate(&declined).replace("/downloads/", "/downloads/0");
    let refused = respond(sandbox.http.post(&forged).form(&[("decision", "succeed")]))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        charge(&sandbox, declined["id"].as_str().unwrap()).await["status"],
        "pending"
    );
    let odd = respond(
        sandbox
            .http
            .post(simulate(&declined))
            .form(&[("decision", "maybe")]),
    )
    .await
    .unwrap();
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);

    let decided = respond(
        sandbox
            .http
            .post(simulate(&declined))
            .form(&[("decision", "fail")]),
    )
    .await
    .unwrap();
    assert!(decided.text().await.unwrap().contains("Declined."));
    let after = charge(&sandbox, declined["id"].as_str().unwrap()).await;
    assert_eq!(
        (after["status"].as_str(), after["failure_code"].as_str()),
        (Some("failed"), Some("failed_processing"))
    );
    let again = respond(
        sandbox
            .http
            .post(simulate(&declined))
            .form(&[("decision", "succeed")]),
    )
    .await
    .unwrap();
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("This payment is already failed."));
    assert_eq!(
        charge(&sandbox, declined["id"].as_str().unwrap()).await["status"],
        "failed"
    );

    respond(
        sandbox
            .http
            .post(simulate(&paid))
            .form(&[("decision", "succeed")]),
    )
    .await
    .unwrap();
    assert_eq!(
        charge(&sandbox, paid["id"].as_str().unwrap()).await["status"],
        "successful"
    );
    sandbox.running.stop().await;
}

/// **Resend**: an event about a charge is delivered again, as a new delivery with its own
/// retries; an event of another charge, or a gateway with no endpoint, is refused on the page.
#[tokio::test]
async fn an_event_is_sent_again_to_the_webhook_endpoint_on_resend() {
    let sandbox = Sandbox::start().await;
    let cookie = sign_in(&sandbox).await;
    let paid = promptpay_charge(&sandbox, "ord_resend").await;
    let other = promptpay_charge(&sandbox, "ord_other").await;
    let id = paid["id"].as_str().unwrap().to_owned();
    post(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{id}/mark_as_paid"),
        &[],
    )
    .await;
    let completed = sandbox
        .events()
        .await
        .into_iter()
        .find(|event| event["key"] == "charge.complete" && event["data"]["id"] == id.as_str())
        .unwrap();
    let event = completed["id"].as_str().unwrap().to_owned();
    let deliveries = |event: String| {
        let sandbox = &sandbox;
        async move {
            send(sandbox.secret(Method::GET, &format!("/events/{event}")))
                .await
                .1["webhook_deliveries"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    assert_eq!(deliveries(event.clone()).await.len(), 1);

    let (status, location, _) = post(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{id}/events/{event}/resend"),
        &[],
    )
    .await;
    assert_eq!(
        (status, location),
        (
            StatusCode::SEE_OTHER,
            format!("/dashboard/charges/{id}?done=resent")
        )
    );
    support::eventually("the second delivery to arrive", || {
        let event = event.clone();
        let deliveries = &deliveries;
        async move {
            let sent = deliveries(event).await;
            sent.len() == 2 && sent.iter().all(|delivery| delivery["status"] == 200)
        }
    })
    .await;

    // Another charge's event is not this page's to resend.
    let other_id = other["id"].as_str().unwrap();
    let (status, _, _) = post(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{other_id}/events/{event}/resend"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(deliveries(event.clone()).await.len(), 2);
    sandbox.running.stop().await;

    // The gateway alone, with no webhook endpoint.
    let silent = Sandbox::in_process().await;
    let cookie = sign_in(&silent).await;
    let charge = promptpay_charge(&silent, "ord_nowhere").await;
    let id = charge["id"].as_str().unwrap();
    let created = silent
        .events()
        .await
        .into_iter()
        .find(|e| e["data"]["id"] == id)
        .unwrap();
    let (status, _, page) = post(
        &silent,
        &cookie,
        &format!(
            "/dashboard/charges/{id}/events/{}/resend",
            created["id"].as_str().unwrap()
        ),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no webhook endpoint to send to"), "{page}");
    silent.running.stop().await;
}

/// **Events and webhooks**: every delivery attempt is on the page, with the endpoint, its
/// answer's status and the start of its body (escaped), how long it took and the next retry;
/// the events page filters by key and says so when a key is unknown.
#[tokio::test]
async fn every_delivery_attempt_is_shown_with_the_endpoints_answer() {
    use std::sync::atomic::Ordering;
    // An endpoint that is busy once, then acknowledges.
    let (url, calls) = endpoint(|n| {
        if n == 0 {
            (StatusCode::SERVICE_UNAVAILABLE, "<b>busy</b>: try later")
        } else {
            (StatusCode::OK, "thanks")
        }
    })
    .await;
    let sandbox = Sandbox::with_webhooks_to(vec![url.clone()]).await;
    let cookie = sign_in(&sandbox).await;
    let charge = promptpay_charge(&sandbox, "ord_attempts").await;
    let id = charge["id"].as_str().unwrap();
    support::eventually("the retry to be acknowledged", || async {
        calls.load(Ordering::SeqCst) >= 2
            && sandbox.events().await[0]["webhook_deliveries"][0]["delivery_status"] == "delivered"
    })
    .await;

    for path in [
        format!("/dashboard/charges/{id}"),
        "/dashboard/events".to_owned(),
    ] {
        let (status, html) = page(&sandbox, &cookie, &path).await;
        assert_eq!(status, StatusCode::OK);
        let busy = html.find("HTTP 503").expect("the first attempt");
        let acknowledged = html.find("HTTP 200").expect("the retry");
        assert!(busy < acknowledged, "attempts oldest first: {html}");
        assert!(
            html.contains("&#60;b&#62;busy&#60;/b&#62;: try later"),
            "{html}"
        );
        assert!(!html.contains("<b>busy</b>"), "the answer is escaped");
        assert!(html.contains("thanks") && html.contains(&url), "{html}");
        assert!(html.contains(">charge.create <code>evnt_test_"), "{html}");
    }
    post(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{id}/mark_as_paid"),
        &[],
    )
    .await;
    let (_, html) = page(&sandbox, &cookie, "/dashboard/events?key=charge.complete").await;
    assert!(html.contains(">charge.complete <code>"), "{html}");
    assert!(
        !html.contains(">charge.create <code>"),
        "filtered by key: {html}"
    );
    let (_, html) = page(&sandbox, &cookie, "/dashboard/events?key=%3Cnope%3E").await;
    assert!(html.contains("No event has that key yet"), "{html}");
    assert!(html.contains(">charge.create <code>"), "{html}");

    // Resend from the events page returns to it.
    let event = sandbox.events().await[0]["id"].as_str().unwrap().to_owned();
    let (status, location, _) = post(
        &sandbox,
        &cookie,
        &format!("/dashboard/charges/{id}/events/{event}/resend"),
        &[("back", "events")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/dashboard/events?done=resent")
    );
    sandbox.running.stop().await;
}

/// **Requests**: what each API answered, with the kind of key, the status, the
/// `Idempotency-Key` and the start of the body; every key and secret masked, in the body and
/// in the query; the dashboard's own pages not listed; filtered by API and by refusal.
#[tokio::test]
async fn the_last_requests_are_listed_with_every_secret_masked() {
    let sandbox = Sandbox::in_process().await;
    let cookie = sign_in(&sandbox).await;
    let (status, charge) = send(
        sandbox
            .secret(Method::POST, "/charges")
            .header("Idempotency-Key", "order-4711-attempt-1")
            .form(&[
                ("amount", "129000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
                ("metadata[api_key]", "hunter2"),
                ("metadata[note]", SECRET),
            ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    let intent = sandbox
        .create_intent(&support::fixture("seed004/payment_intent_web_request"))
        .await;
    let client_secret = intent["client_secret"].as_str().unwrap();
    let (status, _) = send(sandbox.wooshpay_public(
        Method::GET,
        &format!(
            "/v1/payment_intents/{}?client_secret={client_secret}",
            intent["id"].as_str().unwrap()
        ),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(sandbox.gateway(Method::GET, "/charges", Some("skey_test_wrong"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, html) = page(&sandbox, &cookie, "/dashboard/requests").await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Omise <code>POST /charges</code>",
        "order-4711-attempt-1",
        "metadata[api_key]=•••",
        "metadata[note]=skey_test_•••",
        "source[type]=promptpay",
        "WooshPay <code>GET /v1/payment_intents/",
        "client_secret=•••",
        "public key",
        "unknown key",
        ">401<",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    for hidden in [SECRET, "hunter2", client_secret, "/dashboard/sign-in"] {
        assert!(!html.contains(hidden), "{hidden} shown in {html}");
    }
    let newest = html.find("/charges</code>").unwrap();
    let oldest = html.find("POST /charges</code>").unwrap();
    assert!(newest < oldest, "newest first");

    let (_, refused) = page(&sandbox, &cookie, "/dashboard/requests?refused=on").await;
    assert!(
        refused.contains(">401<") && !refused.contains("POST /charges"),
        "{refused}"
    );
    let (_, wooshpay) = page(&sandbox, &cookie, "/dashboard/requests?api=WooshPay").await;
    assert!(wooshpay.contains("/v1/payment_intents") && !wooshpay.contains("Omise <code>"));
    let (_, unknown) = page(&sandbox, &cookie, "/dashboard/requests?api=Stripe").await;
    assert!(
        unknown.contains("That is not one of the gateway"),
        "{unknown}"
    );
    assert!(unknown.contains("Omise <code>") && unknown.contains("WooshPay <code>"));
    // Signed out, the page is not shown.
    let answer = respond(sandbox.http.get(sandbox.url("/dashboard/requests")))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    sandbox.running.stop().await;
}

/// Guessing the key: after five wrong keys in a minute, an address waits out the minute,
/// even with the right key, and the page says how long.
#[tokio::test]
async fn sign_in_waits_after_five_wrong_keys() {
    let sandbox = Sandbox::in_process().await;
    let try_key = |key: &'static str| {
        let sandbox = &sandbox;
        async move {
            let answer = respond(
                sandbox
                    .http
                    .post(sandbox.url("/dashboard/sign-in"))
                    .form(&[("key", key)]),
            )
            .await
            .unwrap();
            let wait = answer
                .headers()
                .get("retry-after")
                .map(|value| value.to_str().unwrap().parse::<u64>().unwrap());
            (answer.status(), wait, answer.text().await.unwrap())
        }
    };
    for _ in 0..5 {
        let (status, wait, _) = try_key("skey_test_guess").await;
        assert_eq!((status, wait), (StatusCode::UNAUTHORIZED, None));
    }
    let (status, wait, page) = try_key(SECRET).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        wait.is_some_and(|secs| (1..=60).contains(&secs)),
        "{wait:?}"
    );
    assert!(
        page.contains("Too many wrong keys from this address: try again in"),
        "{page}"
    );
    sandbox.running.stop().await;
}

/// **WooshPay**: the section lists PaymentIntents, Checkout Sessions, refunds and endpoints; a
/// PaymentIntent's page decides its Alipay attempt as the test pages do (Processing, then
/// Settle), refuses what its state does not allow with nothing changed, refunds by amount,
/// and shows its events' delivery attempts with Resend.
#[tokio::test]
async fn a_wooshpay_payment_is_decided_refunded_and_resent_from_the_dashboard() {
    use std::sync::atomic::Ordering;
    let (url, received) = endpoint(|_| (StatusCode::OK, "received")).await;
    let mut config = paywasm_sandbox::config::Config::for_tests();
    config.no_shop = true;
    let sandbox = Sandbox::in_process_with(config).await;
    let (status, _) = send(
        sandbox
            .wooshpay_secret(Method::POST, "/v1/webhook_endpoints")
            .json(&serde_json::json!({"url": url, "enabled_events": ["*"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let cookie = sign_in(&sandbox).await;
    let intent = sandbox
        .create_intent(&support::fixture("seed004/payment_intent_web_request"))
        .await;
    let id = intent["id"].as_str().unwrap();
    let base = format!("/dashboard/wooshpay/payment_intents/{id}");

    let (status, html) = page(&sandbox, &cookie, "/dashboard/wooshpay").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!(r#"<a href="{base}">{id}</a>"#)),
        "{html}"
    );
    assert!(html.contains("CNY 0.20") && html.contains(&url), "{html}");

    let (_, html) = page(&sandbox, &cookie, &base).await;
    for button in [">Succeed<", ">Processing<", ">Fail<"] {
        assert!(html.contains(button), "{button} in {html}");
    }
    let (status, location, _) = post(&sandbox, &cookie, &format!("{base}/processing"), &[]).await;
    assert_eq!(
        (status, location),
        (StatusCode::SEE_OTHER, format!("{base}?done=processing"))
    );
    assert_eq!(sandbox.intent(id).await["status"], "processing");
    let (_, html) = page(&sandbox, &cookie, &format!("{base}?done=processing")).await;
    assert!(
        html.contains(">Settle: succeed<") && html.contains(">Settle: fail<"),
        "{html}"
    );
    post(&sandbox, &cookie, &format!("{base}/succeed"), &[]).await;
    assert_eq!(sandbox.intent(id).await["status"], "succeeded");

    // Refused: nothing changes, and the page says why.
    let (status, _, html) = post(&sandbox, &cookie, &format!("{base}/fail"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Refused: this PaymentIntent is succeeded"),
        "{html}"
    );
    assert_eq!(sandbox.intent(id).await["status"], "succeeded");
    let (status, _, html) = post(
        &sandbox,
        &cookie,
        &format!("{base}/refunds"),
        &[("amount", "ten")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("write the amount to refund in CNY"), "{html}");
    let (status, _, html) = post(
        &sandbox,
        &cookie,
        &format!("{base}/refunds"),
        &[("amount", "0.21")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("at most 20, what remains to refund"),
        "{html}"
    );
    let (status, location, _) = post(
        &sandbox,
        &cookie,
        &format!("{base}/refunds"),
        &[("amount", "0.05")],
    )
    .await;
    assert_eq!(
        (status, location),
        (StatusCode::SEE_OTHER, format!("{base}?done=refunded"))
    );
    let (_, refunds) =
        send(sandbox.wooshpay_secret(Method::GET, &format!("/v1/refunds?payment_intent={id}")))
            .await;
    let amounts: Vec<&Value> = refunds["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["amount"])
        .collect();
    assert_eq!(amounts, [&Value::from(5)], "one refund of 5 fen");

    // Each event's attempts, and Resend.
    support::eventually("every event to be delivered", || async {
        let (_, html) = page(&sandbox, &cookie, &base).await;
        html.contains(">payment_intent.succeeded <code>")
            && html.contains(">refund.created <code>")
            && !html.contains("not attempted yet")
    })
    .await;
    let (_, html) = page(&sandbox, &cookie, &base).await;
    assert!(html.contains(">payment_intent.processing <code>") && html.contains("HTTP 200"));
    assert!(html.contains("<code>received</code>"), "{html}");
    let resend = html
        .split(&format!(r#"action="{base}/events/"#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let before = received.load(Ordering::SeqCst);
    let (status, location, _) =
        post(&sandbox, &cookie, &format!("{base}/events/{resend}"), &[]).await;
    assert_eq!(
        (status, location),
        (StatusCode::SEE_OTHER, format!("{base}?done=resent"))
    );
    support::eventually("the event to arrive again", || async {
        received.load(Ordering::SeqCst) > before
    })
    .await;
    sandbox.running.stop().await;
}
