//! The widget in headless Chromium (wasm-bindgen-test): mounting, what it offers, what it
//! refuses, and where it is willing to send the customer.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

use paywasm::js_api::mount;
use paywasm::redirect::checked_authorize_uri;
use wasm_bindgen::{JsCast, JsValue};
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

/// The names of the buttons the customer is offered: the checkout makes some once and keeps
/// them `hidden` while they do not apply.
fn button_names(root: &web_sys::HtmlElement) -> Vec<String> {
    let buttons = root.query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .filter_map(|b| b.dyn_into::<web_sys::Element>().ok())
        .filter(|b| matches!(b.closest("[hidden]"), Ok(None)))
        .map(|b| b.text_content().unwrap_or_default())
        .collect()
}

/// Mounting with `json` is refused, with a message that names `expected`.
fn assert_refused_naming(json: &str, expected: &str) {
    let error = mount(scratch().into(), options(json))
        .err()
        .expect("refused");
    let message = String::from(js_sys::Error::from(JsValue::from(error)).message());
    assert!(
        message.contains(expected),
        "{message} should name {expected}"
    );
}

#[cfg(not(feature = "wooshpay"))]
fn status_text(root: &web_sys::HtmlElement) -> String {
    root.query_selector("[role=status]")
        .unwrap()
        .expect("a status region")
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
#[cfg(not(feature = "wooshpay"))]
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
#[cfg(not(feature = "wooshpay"))]
async fn a_merchant_may_restrict_the_methods() {
    let root = scratch();
    let json = THB_ORDER.replace("\"order\"", "\"methods\":[\"promptpay\"],\"order\"");
    mount(root.clone().into(), options(&json)).unwrap();
    tick().await;
    assert_eq!(button_names(&root), ["PromptPay"]);
}

/// Opn's methods beyond the checkout's own are offered where the merchant names them, in the
/// checkout's order, when they fit the currency; never by default.
#[wasm_bindgen_test]
#[cfg(not(feature = "wooshpay"))]
async fn a_merchant_may_name_opn_s_other_methods() {
    let myr = THB_ORDER.replace("THB", "MYR").replace("129000", "18900");
    let root = scratch();
    let named = myr.replace(
        "\"order\"",
        r#""methods":["grabpay","touch_n_go","paypay","promptpay"],"order""#,
    );
    mount(root.clone().into(), options(&named)).unwrap();
    tick().await;
    assert_eq!(button_names(&root), ["Touch 'n Go eWallet", "GrabPay"]);
    let root = scratch();
    mount(root.clone().into(), options(&myr)).unwrap();
    tick().await;
    assert!(button_names(&root).is_empty());
    assert_refused_naming(
        &myr.replace("\"order\"", r#""methods":["grab_pay"],"order""#),
        "unknown payment method 'grab_pay'",
    );
}

/// Each of Opn's methods the checkout can offer has its mark in `paywasm-methods.css`, which a
/// page that names one links.
#[wasm_bindgen_test]
fn each_of_opn_s_other_methods_has_its_mark() {
    let marks = include_str!("../src/components/checkout/methods.css");
    let checkout_own = paywasm_core::method::SourceType::ALL;
    for method in paywasm_core::method::SourceType::served() {
        let offered = ["THB", "SGD", "MYR", "JPY"].iter().any(|currency| {
            method.method().offered_online(
                paywasm_core::money::Amount(10_000),
                &paywasm_core::money::Currency::parse(currency).unwrap(),
                paywasm_core::platform::PlatformType::Android,
            )
        });
        let rule = format!(
            r#"[data-method="{method}"] .paywasm-mark {{ background-image: url("data:image/svg+xml,<svg "#
        );
        assert_eq!(
            offered && !checkout_own.contains(&method),
            marks.contains(&rule),
            "{method}: a mark in methods.css exactly when the checkout offers it and paywasm.css has none"
        );
    }
}

#[wasm_bindgen_test]
#[cfg(not(feature = "wooshpay"))]
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
#[cfg(not(feature = "wooshpay"))]
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
        // WooshPay: its own key prefixes
        (
            THB_ORDER
                .replace("pkey_test_x", "sk_test_x")
                .replace("{", "{\"gateway\":\"wooshpay\","),
            "secret key",
        ),
        // a checkout on the gateway another build serves names the build to load
        (
            THB_ORDER
                .replace("pkey_test_x", "pk_test_x")
                .replace("{", "{\"gateway\":\"wooshpay\","),
            "paywasm_wooshpay.js",
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
        assert_refused_naming(&json, expected);
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
#[cfg(not(feature = "wooshpay"))]
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
#[cfg(not(feature = "wooshpay"))]
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
fn handed_words_are_spoken_for_their_language_only_and_a_broken_list_is_refused() {
    use paywasm::i18n::{choose, hand_over, Language, PhoneWords, Texts};
    // One sentence short, or one too many: nothing is taken.
    let thai = Language::Thai.words_text();
    let short = thai.split_once('\n').unwrap().1.to_owned();
    assert!(!hand_over(short));
    assert!(!hand_over(thai.clone() + "one more\n"));
    // A changed sentence shows that the handed words, not the built-in ones, are spoken.
    assert!(hand_over(thai.replace("ลองอีกครั้ง\n", "ลองใหม่\n")));
    assert_eq!(choose(Some("th"), []).try_again, "ลองใหม่");
    assert_eq!(Texts::WORDS + PhoneWords::WORDS, thai.lines().count());
    // Another language is not spoken with them.
    assert_eq!(choose(Some("ja"), []).lang, "ja");
    assert_eq!(
        choose(Some("ja"), []).try_again,
        Language::Japanese.texts().try_again
    );
    // The page's words as they are again, for the tests after this one.
    assert!(hand_over(thai.clone()));
    let spoken = choose(Some("th"), []);
    assert_eq!(spoken, Language::Thai.texts());
    // The same words again (a second mount) are the ones taken already, not kept twice.
    assert!(hand_over(thai));
    assert!(std::ptr::eq(choose(Some("th"), []), spoken));
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

#[wasm_bindgen_test]
async fn a_status_the_widget_does_not_know_keeps_the_customer_waiting() {
    use paywasm_core::checkout::{Payment, Status};
    let answers = std::cell::RefCell::new(vec!["successful", "authorizing"]);
    let asked = std::cell::Cell::new(0);
    let outcome = paywasm::flow::poll_until_done(
        || {
            asked.set(asked.get() + 1);
            let status = answers.borrow_mut().pop().unwrap_or("successful");
            let answer: Payment = charge_with_status(status);
            async move { Ok(answer) }
        },
        || true,
        |_| {},
    )
    .await
    .unwrap()
    .expect("an outcome");
    assert_eq!(outcome.status, Status::Successful);
    assert_eq!(asked.get(), 2, "a new server status is asked about again");
}

/// A pending PromptPay charge of the sandbox's shape, with `status`.
fn charge_with_status(status: &str) -> paywasm_core::checkout::Payment {
    let json = format!(
        r#"{{"id":"chrg_test_1","status":"{status}","amount":129000,"currency":"THB",
        "source":{{"type":"promptpay","flow":"offline"}}}}"#
    );
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(&json).unwrap()).unwrap()
}

/// Counts the page's live `visibilitychange` listeners and timers from now on (wrapping the
/// browser's own functions), so that a test can see what a wait leaves behind.
fn count_listeners_and_timers() -> js_sys::Function {
    js_sys::Function::new_no_args(
        r#"
        const live = { listeners: 0, timers: new Set() };
        const add = document.addEventListener, remove = document.removeEventListener;
        document.addEventListener = function (type, listener, options) {
          if (type === "visibilitychange") live.listeners++;
          return add.call(this, type, listener, options);
        };
        document.removeEventListener = function (type, listener, options) {
          if (type === "visibilitychange") live.listeners--;
          return remove.call(this, type, listener, options);
        };
        const set = window.setTimeout, clear = window.clearTimeout;
        window.setTimeout = function (callback, ms, ...rest) {
          const id = set.call(window, (...args) => { live.timers.delete(id); callback(...args); }, ms, ...rest);
          live.timers.add(id);
          return id;
        };
        window.clearTimeout = function (id) { live.timers.delete(id); return clear.call(window, id); };
        return () => {
          document.addEventListener = add; document.removeEventListener = remove;
          window.setTimeout = set; window.clearTimeout = clear;
          return [live.listeners, live.timers.size];
        };
        "#,
    )
}

#[wasm_bindgen_test]
async fn waiting_leaves_no_listener_or_timer_behind() {
    let stop: js_sys::Function = count_listeners_and_timers()
        .call0(&JsValue::NULL)
        .unwrap()
        .into();
    // Rounds of waiting that end by their timer...
    for _ in 0..20 {
        paywasm::browser::sleep_or_visibility_change(1).await;
    }
    // ...and one that ends when the customer comes back to the page, long before its timer.
    wasm_bindgen_futures::spawn_local(async {
        gloo_timers::future::TimeoutFuture::new(20).await;
        let event = web_sys::Event::new("visibilitychange").unwrap();
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .dispatch_event(&event)
            .unwrap();
    });
    paywasm::browser::sleep_or_visibility_change(600_000).await;
    gloo_timers::future::TimeoutFuture::new(30).await;
    let live = js_sys::Array::from(&stop.call0(&JsValue::NULL).unwrap());
    assert_eq!(
        live.get(0).as_f64(),
        Some(0.0),
        "visibilitychange listeners left"
    );
    assert_eq!(live.get(1).as_f64(), Some(0.0), "timers left");
}

#[wasm_bindgen_test]
#[cfg(feature = "wooshpay")]
async fn a_wooshpay_checkout_takes_its_methods_by_the_names_it_reports() {
    let root = scratch();
    let json = r#"{"gateway":"wooshpay","publicKey":"pk_test_x","amount":9900,"currency":"CNY",
      "gatewayUrl":"http://127.0.0.1:9","chargeUrl":"http://127.0.0.1:9/wooshpay/payment_intents",
      "order":"ord_1","methods":["alipay"]}"#;
    mount(root.clone().into(), options(json)).expect("WooshPay's alipay is accepted");
    tick().await;
    assert_eq!(button_names(&root), ["Alipay"]);
    let refused = mount(
        scratch().into(),
        options(&json.replace("[\"alipay\"]", "[\"promptpay\"]")),
    );
    assert!(refused.is_err(), "WooshPay has no PromptPay");
    for (json, expected) in [
        // resuming a PaymentIntent needs its client secret
        (json.replace("{", "{\"chargeId\":\"pi_1\","), "clientSecret"),
        // a checkout on the gateway another build serves names the build to load
        (THB_ORDER.to_owned(), "paywasm.js"),
    ] {
        assert_refused_naming(&json, expected);
    }
}

#[wasm_bindgen_test]
#[cfg(not(feature = "wooshpay"))]
async fn a_leptos_app_renders_the_checkout_from_rust() {
    use leptos::prelude::*;
    use paywasm::{Amount, Checkout, CheckoutOptions, Currency};
    let root = scratch();
    let options = CheckoutOptions::new(
        "pkey_test_x",
        Amount(129_000),
        Currency::thb(),
        "http://127.0.0.1:9/checkout/charges",
    )
    .gateway_url("http://127.0.0.1:9")
    .order("ord_1")
    .locale("ja")
    .check()
    .unwrap();
    let states = RwSignal::new(Vec::<&'static str>::new());
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Checkout
                options=options
                on_state_change=move |phase: paywasm::Phase| states.update(|s| s.push(phase.name()))
            />
        }
    });
    tick().await;
    tick().await;
    assert_eq!(button_names(&root), ["PromptPay", "Alipay"]);
    assert!(root.text_content().unwrap().contains("THB 1,290.00"));
    assert_eq!(states.get_untracked(), ["choosing"]);
    let secret = CheckoutOptions::new("skey_test_x", Amount(1), Currency::thb(), "/c")
        .order("ord_1")
        .check();
    assert!(
        matches!(secret, Err(paywasm::WidgetError::InvalidOptions(m)) if m.contains("secret key"))
    );
}
