//! The widget in headless Chromium (wasm-bindgen-test): mounting, what it offers, what it
//! refuses, and where it is willing to send the customer.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

use paywasm::js_api::mount;
use paywasm::redirect::checked_authorize_uri;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn scratch() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    wasm_bindgen::JsCast::dyn_into(element).unwrap()
}

fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

const THB_ORDER: &str = r#"{"publicKey":"pkey_test_x","amount":129000,"currency":"THB",
  "gatewayUrl":"http://127.0.0.1:9","chargeUrl":"http://127.0.0.1:9/checkout/charges","order":"ord_1"}"#;

async fn tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

fn button_names(root: &web_sys::HtmlElement) -> Vec<String> {
    let buttons = root.query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .map(|b| b.text_content().unwrap_or_default())
        .collect()
}

fn status_text(root: &web_sys::HtmlElement) -> String {
    root.query_selector("[role=status]")
        .unwrap()
        .expect("a status region")
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn offers_the_methods_that_fit_a_thb_order() {
    let root = scratch();
    let checkout = mount(root.clone().into(), options(THB_ORDER)).unwrap();
    tick().await;
    assert_eq!(button_names(&root), ["PromptPay", "Alipay"]);
    assert!(root.text_content().unwrap().contains("THB 1,290.00"));
    checkout.unmount();
    tick().await;
    assert!(
        button_names(&root).is_empty(),
        "unmount removes the checkout"
    );
}

#[wasm_bindgen_test]
async fn a_merchant_may_restrict_the_methods() {
    let root = scratch();
    let json = THB_ORDER.replace("\"order\"", "\"methods\":[\"promptpay\"],\"order\"");
    mount(root.clone().into(), options(&json)).unwrap();
    tick().await;
    assert_eq!(button_names(&root), ["PromptPay"]);
}

#[wasm_bindgen_test]
async fn an_amount_no_method_takes_is_explained_not_a_dead_end() {
    let root = scratch();
    mount(
        root.clone().into(),
        options(&THB_ORDER.replace("129000", "100")),
    )
    .unwrap();
    tick().await;
    assert!(button_names(&root).is_empty());
    let status = status_text(&root);
    assert!(
        status.contains("THB 1.00") && status.contains("contact the shop"),
        "{status}"
    );
}

#[wasm_bindgen_test]
async fn a_secret_key_is_refused_before_anything_is_shown() {
    let root = scratch();
    let error = mount(
        root.clone().into(),
        options(&THB_ORDER.replace("pkey_test_x", "skey_test_x")),
    )
    .err()
    .expect("a secret key is refused");
    let message = js_sys::Error::from(JsValue::from(error)).message();
    assert!(String::from(message).contains("secret key"));
    tick().await;
    assert_eq!(root.child_element_count(), 0);
}

#[wasm_bindgen_test]
fn missing_or_wrong_options_name_the_problem() {
    for (json, expected) in [
        (THB_ORDER.replace("129000", "12.5"), "amount"),
        (THB_ORDER.replace("\"THB\"", "\"baht\""), "currency"),
        (THB_ORDER.replace("\"order\":\"ord_1\"", "\"x\":1"), "order"),
        (
            THB_ORDER
                .replace("\"promptpay\"", "\"bitcoin\"")
                .replace("\"order\"", "\"methods\":[\"bitcoin\"],\"order\""),
            "bitcoin",
        ),
        // fields of the wrong type are named, not silently ignored
        (
            THB_ORDER.replace("129000", "\"129000\""),
            "amount must be a number",
        ),
        (
            THB_ORDER.replace("\"ord_1\"", "42"),
            "order must be a string",
        ),
        (
            THB_ORDER.replace("\"order\"", "\"methods\":\"promptpay\",\"order\""),
            "methods must be an array",
        ),
        // WooshPay: its own key prefixes, and a client secret to resume
        (
            THB_ORDER
                .replace("pkey_test_x", "sk_test_x")
                .replace("{", "{\"gateway\":\"wooshpay\","),
            "secret key",
        ),
        (
            THB_ORDER
                .replace("pkey_test_x", "pk_test_x")
                .replace("{", "{\"gateway\":\"wooshpay\",\"chargeId\":\"pi_1\","),
            "clientSecret",
        ),
        (
            THB_ORDER.replace("{", "{\"gateway\":\"stripe\","),
            "gateway must be",
        ),
        // a callback that is not a function would never be called: refused, named
        (
            THB_ORDER.replace("{", "{\"onComplete\":\"showReceipt\","),
            "onComplete must be a function",
        ),
        (
            THB_ORDER.replace("{", "{\"onError\":{},"),
            "onError must be a function",
        ),
        (
            THB_ORDER.replace("{", "{\"mode\":\"till\","),
            "mode must be",
        ),
    ] {
        let error = mount(scratch().into(), options(&json))
            .err()
            .expect("refused");
        let message = String::from(js_sys::Error::from(JsValue::from(error)).message());
        assert!(
            message.contains(expected),
            "{message} should name {expected}"
        );
    }
}

#[wasm_bindgen_test]
fn redirects_only_to_the_gateways_pages() {
    let sandbox = "http://127.0.0.1:7070";
    assert!(checked_authorize_uri(
        "http://127.0.0.1:7070/payments/pay2_test_1/authorize",
        sandbox
    )
    .is_ok());
    for hostile in [
        "http://127.0.0.1:7071/payments/x", // another port is another origin
        "https://evil.example/payments/x",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/x",
        "http://127.0.0.1:7070@evil.example/",
    ] {
        assert!(
            checked_authorize_uri(hostile, sandbox).is_err(),
            "{hostile}"
        );
    }
    // plain HTTP only on loopback
    assert!(checked_authorize_uri(
        "http://gateway.example/payments/x",
        "http://gateway.example"
    )
    .is_err());
    assert!(checked_authorize_uri(
        "https://gateway.example/payments/x",
        "https://gateway.example"
    )
    .is_ok());
    // Omise's production API sends customers to its pay.omise.co pages
    let omise = "https://api.omise.co";
    assert!(checked_authorize_uri(
        "https://pay.omise.co/payments/pay2_test_611q9sxdm1xc48z8t6m/authorize?acs=false",
        omise
    )
    .is_ok());
    assert!(checked_authorize_uri("http://pay.omise.co/payments/x", omise).is_err());
    // WooshPay's production API hands customers to Alipay's pages (seed 004), and no others
    let wooshpay = "https://api.wooshpay.com";
    assert!(checked_authorize_uri(
        "https://open-sea.alipayplus.com/api/open/v1/ac/cashier/self/codevalue/checkout.htm?codeValue=281666",
        wooshpay
    )
    .is_ok());
    assert!(checked_authorize_uri("https://render.alipay.com/p/s/i/?scheme=x", wooshpay).is_ok());
    assert!(checked_authorize_uri("https://render.alipay.com.evil.example/", wooshpay).is_err());
    assert!(checked_authorize_uri("https://pay.omise.co/payments/x", wooshpay).is_err());
}

#[wasm_bindgen_test]
async fn the_merchant_hears_of_every_state_and_of_errors_with_their_code() {
    let root = scratch();
    let log = js_sys::Array::new();
    let options = options(THB_ORDER);
    let record = |prefix: &'static str| {
        let log = log.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |value: JsValue| {
            let text = js_sys::Reflect::get(&value, &"code".into())
                .ok()
                .and_then(|code| code.as_string())
                .or_else(|| value.as_string())
                .unwrap_or_default();
            log.push(&format!("{prefix}:{text}").into());
        })
        .into_js_value()
    };
    js_sys::Reflect::set(&options, &"onStateChange".into(), &record("state")).unwrap();
    js_sys::Reflect::set(&options, &"onError".into(), &record("error")).unwrap();
    mount(root.clone().into(), options).unwrap();
    tick().await;
    let promptpay: web_sys::HtmlElement =
        wasm_bindgen::JsCast::dyn_into(root.query_selector("button").unwrap().unwrap()).unwrap();
    promptpay.click();
    promptpay.click(); // a double click starts one payment
                       // nothing listens on port 9: the gateway cannot be reached
    for _ in 0..100 {
        if log
            .iter()
            .any(|entry| entry.as_string().unwrap().starts_with("error:"))
        {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let log: Vec<String> = log.iter().map(|entry| entry.as_string().unwrap()).collect();
    assert_eq!(
        log,
        [
            "state:choosing",
            "state:starting",
            "state:error",
            "error:network_error"
        ]
    );
    let status = status_text(&root);
    assert!(
        status.contains("could not reach the payment service"),
        "{status}"
    );
}

#[wasm_bindgen_test]
async fn speaks_the_merchants_language_choice() {
    let root = scratch();
    mount(
        root.clone().into(),
        options(&THB_ORDER.replace("\"order\"", "\"locale\":\"th\",\"order\"")),
    )
    .unwrap();
    tick().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("เลือกวิธีชำระเงิน"), "{text}");
    let section = root.query_selector("section").unwrap().unwrap();
    assert_eq!(section.get_attribute("lang").as_deref(), Some("th"));
}

#[wasm_bindgen_test]
fn the_merchants_language_wins_then_the_browsers_languages() {
    use paywasm::i18n::choose;
    assert_eq!(choose(Some("th"), ["en-US"]).lang, "th");
    assert_eq!(choose(None, ["fr-FR", "ja-JP", "en"]).lang, "ja");
    assert_eq!(choose(Some("xx"), ["zh-CN"]).lang, "zh-CN");
    assert_eq!(choose(None, ["zh-TW"]).lang, "en");
    assert_eq!(choose(None, []).lang, "en");
}
