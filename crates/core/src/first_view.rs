//! The checkout's first view, rendered by the merchant's server into its page: the method
//! buttons are there as soon as the HTML is, instead of after the widget's script and
//! WebAssembly have loaded (time to interactive).
//!
//! The markup is the widget's own "choose a method" step (same elements, classes, roles and
//! names), plus:
//! - `data-paywasm-first-view` on the section, which `mount` looks for and replaces with the
//!   live widget;
//! - a small inline script ([`SCRIPT`]) that takes a click made before the widget runs: it
//!   marks the section `data-chosen="<source type>"`, shows the widget's "preparing" status and
//!   disables the buttons, exactly as the widget does when a method is chosen. `mount` then
//!   starts the chosen method at once, so the customer's first tap is never lost. If the widget
//!   has not started 15 s after such a tap (its script did not load), the status asks the
//!   customer to check the connection and reload.
//! - given the gateway and the public key ([`EarlySource`]), the script also makes the chosen
//!   method's source itself (`POST /sources`, as the widget would: same headers, same body),
//!   while the widget still downloads, and leaves the answer's promise on the section
//!   (`paywasmSource`); the widget reads that answer instead of asking again. A QR is then on
//!   screen one or two round trips sooner on a slow network. Only for methods whose source does
//!   not depend on the platform ([`SourceType::source_has_platform`]), which the server cannot
//!   know for certain. The merchant server still checks the source's amount and currency
//!   against the order before it charges it, as for any source a browser sends.
//! - given also the merchant server's charge endpoint and the order ([`EarlyCharge`]), the
//!   script then asks the merchant server for the charge (`POST {chargeUrl}` with the source and
//!   the order, as the widget would) and leaves that answer's promise on the section
//!   (`paywasmCharge`), which the widget reads instead of asking again; once the charge is
//!   there, its QR image (on the gateway's own pages only, as the widget checks) is fetched, so
//!   that the widget shows it without waiting for it. A second request for the same source, the
//!   widget's after a lost answer, cannot charge twice: the gateway charges a source once.
//! - given the address and hash of the widget's payment module ([`PaymentModule`]: the code a
//!   payment runs after the tap, a second WebAssembly module fetched when a payment starts), the
//!   script asks for it at the tap, as a preload the widget's own fetch of it then takes over:
//!   the widget's script, which would otherwise ask, runs only once the page has been parsed,
//!   some 100 ms later on a phone.
//!
//! A page with a Content Security Policy allows the script by its hash
//! (`'sha256-...'` of [`SCRIPT`]), as the demo shop does.

use crate::html::escape;
use crate::i18n::{self, Texts};
use crate::method::SourceType;
use crate::money::{Amount, Currency};
use crate::platform::InAppBrowser;
use crate::policy::{PublicKey, OMISE_VERSION};

/// The inline script that follows the first view: it takes a click made before the widget
/// has loaded (see the module's documentation).
pub const SCRIPT: &str = r#"(function(view){var status=view.querySelector("[role=status]");view.addEventListener("click",function(event){var button=event.target.closest("button[data-method]");if(!button||view.hasAttribute("data-chosen"))return;var source=button.getAttribute("data-source"),key=view.getAttribute("data-key");if(source&&key){view.paywasmSource=fetch(view.getAttribute("data-sources"),{method:"POST",headers:{Authorization:"Basic "+btoa(key+":"),"Omise-Version":view.getAttribute("data-version"),"Content-Type":"application/json"},body:source,signal:AbortSignal.timeout?AbortSignal.timeout(30000):undefined});view.paywasmSource.catch(function(){});var charges=view.getAttribute("data-charges");if(charges){view.paywasmCharge=view.paywasmSource.then(function(answer){return answer.ok?answer.clone().json():Promise.reject(answer.status)}).then(function(made){return fetch(charges,{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({source:made.id,order:view.getAttribute("data-order")}),signal:AbortSignal.timeout?AbortSignal.timeout(30000):undefined})});view.paywasmCharge.then(function(answer){return answer.ok&&answer.clone().json()}).then(function(charge){var code=charge&&charge.source&&charge.source.scannable_code,image=code&&code.image&&code.image.download_uri;if(typeof image=="string"&&image.indexOf(view.getAttribute("data-sources").slice(0,-7))==0)(view.paywasmQr=new Image).src=image}).catch(function(){})}}var module=view.getAttribute("data-payment-module");if(module){var link=document.createElement("link");link.rel="preload";link.as="fetch";link.crossOrigin="anonymous";link.integrity=view.getAttribute("data-payment-integrity");link.href=module;document.head.appendChild(link)}view.setAttribute("data-chosen",button.getAttribute("data-method"));view.setAttribute("data-state","starting "+button.getAttribute("data-method"));view.setAttribute("aria-busy","true");view.querySelectorAll("button").forEach(function(b){b.disabled=true});status.textContent=button.getAttribute("data-preparing");setTimeout(function(){if(view.isConnected)status.textContent=view.getAttribute("data-slow-start")},15000)})})(document.currentScript.previousElementSibling);"#;

/// Shown when a method was chosen in the first view and the widget has still not started 15 s
/// later (its script did not load). Only the server's page says it, so it is not in [`Texts`],
/// which the widget carries in its WebAssembly.
pub fn slow_start(texts: &Texts) -> &'static str {
    match texts.lang {
        "th" => "การเริ่มชำระเงินใช้เวลานานผิดปกติ โปรดตรวจสอบการเชื่อมต่อ แล้วโหลดหน้านี้ใหม่",
        "ja" => "お支払いの開始に時間がかかっています。接続を確認してから、ページを再読み込みしてください。",
        "zh-CN" => "支付启动时间过长。请检查网络连接，然后重新加载页面。",
        _ => "Your payment is taking long to start. Check your connection, then reload the page.",
    }
}

/// Where the first view makes the chosen method's source while the widget loads: Omise's
/// gateway (its sources API) and the page's public key, the ones the widget is mounted with.
#[derive(Debug, Clone, Copy)]
pub struct EarlySource<'a> {
    /// The gateway's API (`https://api.omise.co`, or the sandbox's).
    pub gateway_url: &'a str,
    /// The merchant's public key (a secret key cannot be one).
    pub public_key: &'a PublicKey,
    /// Where the first view then asks for the charge, if it does.
    pub charge: Option<EarlyCharge<'a>>,
}

/// Where the first view asks the merchant server to charge the source it made: the widget's
/// `chargeUrl` and `order`, the ones the widget is mounted with.
#[derive(Debug, Clone, Copy)]
pub struct EarlyCharge<'a> {
    /// The merchant server's charge endpoint (`/checkout/charges`).
    pub charge_url: &'a str,
    /// The order the charge pays.
    pub order: &'a str,
}

/// The widget build's payment module, as the build published it (`NAME_payment.wasm` and its
/// hash in `integrity.json`): the first view asks for it at the tap.
#[derive(Debug, Clone, Copy)]
pub struct PaymentModule<'a> {
    /// Its address, as the widget's loader asks for it (the same URL, so that the widget's
    /// fetch takes the preloaded answer).
    pub url: &'a str,
    /// Its Subresource Integrity hash (`sha384-...`), which the widget's fetch gives too: the
    /// HTML standard matches a preload to a fetch with the same one (Chromium ignores it on a
    /// preload and checks the fetch's; Firefox takes no preload for a fetch that has one, and
    /// downloads the module again unless its cache holds it).
    pub integrity: &'a str,
}

/// The first view of a checkout of `amount` offering `methods` (in the widget's order), in
/// the language of `texts`, followed by its [`SCRIPT`]; empty when no method is offered (the
/// widget then explains why, which needs no hurry). With `early`, a tap makes the method's
/// source at once (see the module's documentation). In an app's own browser (`in_app`, from the
/// request's `User-Agent`), the words under the choice begin with the widget's advice, without
/// its link to the phone's browser: only the browser knows the address the customer sees, so
/// the widget adds the link when it takes over. With `payment_module`, a tap asks for it.
pub fn html(
    texts: &Texts,
    amount: Amount,
    currency: &Currency,
    methods: &[SourceType],
    early: Option<EarlySource<'_>>,
    payment_module: Option<PaymentModule<'_>>,
    in_app: Option<InAppBrowser>,
) -> String {
    if methods.is_empty() {
        return String::new();
    }
    let buttons: String = methods
        .iter()
        .map(|method| {
            let entry = method.method();
            // The body of the widget's own `POST /sources` for this method.
            let source = match early {
                Some(_) if !method.source_has_platform() => format!(
                    r#" data-source="{}""#,
                    escape(
                        &serde_json::json!({
                            "type": method.as_str(),
                            "amount": amount.0,
                            "currency": currency.as_str(),
                        })
                        .to_string()
                    )
                ),
                _ => String::new(),
            };
            format!(
                concat!(
                    r#"<button type="button" class="paywasm-method" data-method="{}"{} data-preparing="{}">"#,
                    r#"<span class="paywasm-mark">{}</span><span class="paywasm-method-name">{}</span></button>"#,
                ),
                method.as_str(),
                source,
                escape(&i18n::fill(texts.preparing, entry.display_name)),
                entry.mark,
                escape(entry.display_name),
            )
        })
        .collect();
    let gateway = early
        .map(|early| {
            let charge = early
                .charge
                .map(|charge| {
                    format!(
                        r#" data-charges="{}" data-order="{}""#,
                        escape(charge.charge_url),
                        escape(charge.order),
                    )
                })
                .unwrap_or_default();
            format!(
                r#" data-sources="{}/sources" data-key="{}" data-version="{OMISE_VERSION}"{charge}"#,
                escape(early.gateway_url.trim_end_matches('/')),
                escape(early.public_key.as_str()),
            )
        })
        .unwrap_or_default();
    let module = payment_module
        .map(|module| {
            format!(
                r#" data-payment-module="{}" data-payment-integrity="{}""#,
                escape(module.url),
                escape(module.integrity),
            )
        })
        .unwrap_or_default();
    format!(
        concat!(
            r#"<section class="paywasm" lang="{lang}" data-state="choosing" aria-busy="false" data-paywasm-first-view data-slow-start="{slow}"{gateway}{module}>"#,
            r#"<h2 class="paywasm-title">{before}<span class="paywasm-total">{amount}</span>{after}</h2>"#,
            r#"<div class="paywasm-methods" role="group" aria-label="{label}">{buttons}</div>"#,
            r#"<p class="{next_class}">{next}</p>"#,
            r#"<p class="paywasm-status" role="status" aria-live="polite" tabindex="-1"></p>"#,
            "</section><script>{script}</script>",
        ),
        lang = texts.lang,
        gateway = gateway,
        module = module,
        slow = escape(slow_start(texts)),
        before = escape(i18n::around(texts.choose).0),
        amount = escape(&i18n::amount(amount, currency)),
        after = escape(i18n::around(texts.choose).1),
        label = escape(texts.methods_label),
        next_class = i18n::under_choice_class(in_app),
        next = escape(&i18n::under_choice(texts, in_app)),
        buttons = buttons,
        script = SCRIPT,
    )
}

/// The first view of a checkout that resumes a payment (the customer is back from the
/// wallet's page): the widget's "confirming" step, which its `mount` replaces with the live
/// checkout. It takes no tap, so it has no script.
pub fn confirming(texts: &Texts) -> String {
    format!(
        concat!(
            r#"<section class="paywasm" lang="{lang}" data-state="confirming" aria-busy="true" data-paywasm-first-view>"#,
            r#"<p class="paywasm-status" role="status" aria-live="polite" tabindex="-1">{status}</p>"#,
            "</section>",
        ),
        lang = texts.lang,
        status = escape(texts.confirming),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_each_method_with_what_the_widget_will_say_when_it_is_chosen() {
        let thb = Currency::parse("THB").expect("THB");
        let page = html(
            &i18n::EN,
            Amount(129_000),
            &thb,
            &[SourceType::Promptpay, SourceType::AlipayCn],
            None,
            None,
            None,
        );
        assert!(
            page.contains(r#"<h2 class="paywasm-title">Choose how to pay <span class="paywasm-total">THB 1,290.00</span></h2>"#),
            "{page}"
        );
        assert!(page.contains(r#"data-method="promptpay" data-preparing="Preparing your payment with PromptPay…"><span class="paywasm-mark"><svg "#), "{page}");
        assert!(
            page.contains(r#"<span class="paywasm-method-name">PromptPay</span></button>"#),
            "{page}"
        );
        assert!(page.contains(r#"data-method="alipay_cn""#), "{page}");
        assert!(
            page.contains(r#"role="group" aria-label="Payment method""#),
            "{page}"
        );
        assert!(
            page.ends_with(&format!("<script>{SCRIPT}</script>")),
            "{page}"
        );
    }

    #[test]
    fn given_the_gateway_and_the_shop_a_tap_makes_the_source_and_the_charge_the_widget_would() {
        let thb = Currency::parse("THB").expect("THB");
        let key = PublicKey::parse(
            crate::method::GatewayKind::Omise,
            "pkey_test_5paywasmsandbox0demo0",
        )
        .expect("a public key");
        let page = html(
            &i18n::EN,
            Amount(129_000),
            &thb,
            &[SourceType::Promptpay, SourceType::AlipayCn],
            Some(EarlySource {
                gateway_url: "https://api.example/",
                public_key: &key,
                charge: Some(EarlyCharge {
                    charge_url: "/checkout/charges",
                    order: "ord_1",
                }),
            }),
            None,
            None,
        );
        assert!(
            page.contains(r#" data-sources="https://api.example/sources" data-key="pkey_test_5paywasmsandbox0demo0" data-version="2017-11-02" data-charges="/checkout/charges" data-order="ord_1">"#),
            "{page}"
        );
        assert!(
            page.contains(r#"data-method="promptpay" data-source="{&quot;amount&quot;:129000,&quot;currency&quot;:&quot;THB&quot;,&quot;type&quot;:&quot;promptpay&quot;}" data-preparing="#),
            "{page}"
        );
        // Alipay's source names the platform, which only the browser knows for certain.
        assert!(
            page.contains(r#"data-method="alipay_cn" data-preparing="#),
            "{page}"
        );
    }

    #[test]
    fn given_the_payment_module_a_tap_asks_for_it_with_its_hash() {
        let thb = Currency::parse("THB").expect("THB");
        let page = html(
            &i18n::EN,
            Amount(129_000),
            &thb,
            &[SourceType::Promptpay],
            None,
            Some(PaymentModule {
                url: "/pkg/paywasm_payment.wasm",
                integrity: "sha384-abc+/=",
            }),
            None,
        );
        assert!(
            page.contains(r#" data-payment-module="/pkg/paywasm_payment.wasm" data-payment-integrity="sha384-abc+/=">"#),
            "{page}"
        );
        let without = html(
            &i18n::EN,
            Amount(100),
            &thb,
            &[SourceType::Promptpay],
            None,
            None,
            None,
        );
        assert!(!without.contains(" data-payment-module="), "{without}");
    }

    #[test]
    fn in_an_apps_browser_the_words_under_the_choice_begin_with_the_advice() {
        let thb = Currency::parse("THB").expect("THB");
        let methods = [SourceType::Promptpay];
        let page = html(
            &i18n::EN,
            Amount(100),
            &thb,
            &methods,
            None,
            None,
            Some(InAppBrowser::Line),
        );
        assert!(
            page.contains(r#"<p class="paywasm-next paywasm-in-app">Payment apps may not open from LINE: open this page in your browser (the app&#39;s menu), or save the QR code. Next, you scan"#),
            "{page}"
        );
        let elsewhere = html(&i18n::EN, Amount(100), &thb, &methods, None, None, None);
        assert!(
            elsewhere.contains(r#"<p class="paywasm-next">Next, you scan"#),
            "{elsewhere}"
        );
    }

    #[test]
    fn speaks_the_customers_language() {
        let thb = Currency::parse("THB").expect("THB");
        let page = html(
            &i18n::TH,
            Amount(100),
            &thb,
            &[SourceType::Promptpay],
            None,
            None,
            None,
        );
        assert!(page.contains(r#"lang="th""#));
        assert!(page.contains(slow_start(&i18n::TH)));
        assert!(slow_start(&i18n::TH).starts_with("การ"));
    }

    #[test]
    fn offers_nothing_when_no_method_can_be_used() {
        let thb = Currency::parse("THB").expect("THB");
        assert_eq!(
            html(&i18n::EN, Amount(100), &thb, &[], None, None, None),
            ""
        );
    }

    #[test]
    fn a_resumed_payment_is_confirmed_in_the_customers_language() {
        let page = confirming(&i18n::JA);
        assert!(
            page.contains(r#"lang="ja" data-state="confirming" aria-busy="true""#),
            "{page}"
        );
        assert!(
            page.contains(
                r#"role="status" aria-live="polite" tabindex="-1">お支払いを確認しています…</p>"#
            ),
            "{page}"
        );
        assert!(!page.contains("<script"), "{page}");
    }

    #[test]
    fn the_script_cannot_end_its_element_early() {
        assert!(!SCRIPT.contains("</"));
    }
}
