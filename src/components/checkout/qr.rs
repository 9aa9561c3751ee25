//! The QR of an offline method (PromptPay, PayNow, TrueMoney QR) with the amount, the merchant, a countdown
//! to the charge's real `expires_at`, and on phones a button that saves the QR as an image for
//! the banking app.

use crate::i18n::{self, fill, Texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use paywasm_core::checkout::Payment;
use paywasm_core::method::SourceType;
use paywasm_core::time::Timestamp;

/// Remaining seconds at which the countdown is announced (not every second).
const ANNOUNCE_AT_SECS: [i64; 5] = [600, 300, 120, 60, 30];

fn clock(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (hours, minutes, secs) = (seconds / 3_600, seconds % 3_600 / 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes:02}:{secs:02}")
    }
}

fn seconds_until(expires_at_ms: f64) -> i64 {
    ((expires_at_ms - js_sys::Date::now()) / 1_000.0)
        .ceil()
        .max(0.0) as i64
}

/// The time left to pay the waiting charge, for its countdown and time bar: the seconds left,
/// and the seconds there were when its QR appeared (the bar's full length). `None`: no
/// deadline to show.
#[derive(Clone, Copy)]
pub struct Countdown {
    left: RwSignal<Option<i64>>,
    total: RwSignal<Option<i64>>,
}

impl Countdown {
    pub fn new() -> Self {
        Self {
            left: RwSignal::new(None),
            total: RwSignal::new(None),
        }
    }

    /// Counts down to `expires_at` each second while `shown()` (the charge is still the one
    /// waiting, and the checkout still mounted), announcing the marks of [`ANNOUNCE_AT_SECS`]
    /// through `notice` (read out by the status region).
    pub fn start(
        self,
        expires_at: Option<Timestamp>,
        shown: impl Fn() -> bool + 'static,
        notice: RwSignal<Option<String>>,
        texts: &'static Texts,
    ) {
        let Some(expires_at_ms) = expires_at.map(|at| at.unix() as f64 * 1_000.0) else {
            self.left.set(None);
            return;
        };
        let left = seconds_until(expires_at_ms);
        self.total.set(Some(left.max(1)));
        self.left.set(Some(left));
        spawn_local(async move {
            let mut announced = ANNOUNCE_AT_SECS.iter().filter(|&&t| left <= t).count();
            loop {
                crate::browser::sleep(1_000).await;
                if !shown() {
                    return;
                }
                let left = seconds_until(expires_at_ms);
                self.left.set(Some(left));
                let due = ANNOUNCE_AT_SECS.iter().filter(|&&t| left <= t).count();
                if due > announced && left > 0 {
                    announced = due;
                    let text = if left >= 60 {
                        fill(texts.minutes_left, &((left + 59) / 60).to_string())
                    } else {
                        fill(texts.seconds_left, &left.to_string())
                    };
                    notice.set(Some(text));
                }
                if left == 0 {
                    return;
                }
            }
        });
    }
}

/// The QR panel, made once and hidden while no QR charge waits (made and dropped at each
/// charge, its build, rebuild and removal code cost the widget several KB).
#[component]
pub fn QrPanel(
    /// The waiting charge, if any.
    charge: Memo<Option<Payment>>,
    /// The method it shows first: the checkout's QR method (PromptPay for baht, PayNow for
    /// Singapore dollars). The panel names the waiting charge's own (a build with Opn's other methods may wait for another QR method's charge).
    scheme: SourceType,
    /// Its time left.
    countdown: Countdown,
    /// The customer's language.
    texts: &'static Texts,
    /// The amount, formatted.
    amount_text: String,
    /// The merchant's name, if given.
    merchant: Option<String>,
    /// Whether to offer "Save QR code" (phones).
    offer_save: bool,
    /// Test mode against the sandbox: link to its Simulate payment page, beside the QR.
    simulate: bool,
) -> impl IntoView {
    let image_uri = move || {
        charge
            .get()
            .and_then(|charge| charge.source.scannable_code)
            .map(|code| code.image.download_uri)
    };
    // The method the panel names and explains: its scheme's. With Opn's other methods the
    // waiting charge's own, which may be another QR method of the currency (TrueMoney QR beside
    // PromptPay); the other builds have one QR method per currency, and write it once.
    // For Opn's other methods the mark is paywasm-methods.css's rule for the method named by
    // `data-method`, as on its button; the registry's drawing for the checkout's own (the
    // other builds' panels need no `data-method`).
    #[cfg(feature = "methods")]
    let (data_method, mark, name, alt, advice) = {
        let method =
            move || charge.with(|charge| charge.as_ref().map_or(scheme, super::qr_method_of));
        let amount_text = amount_text.clone();
        (
            leptos::attr::custom::custom_attribute("data-method", move || method().as_str()),
            move || method().method().mark,
            move || method().method().display_name,
            move || qr_alt(texts, method().method().display_name, &amount_text),
            move || fill(texts.qr_instructions, &i18n::qr_app(texts, method())),
        )
    };
    #[cfg(not(feature = "methods"))]
    let (data_method, mark, name, alt, advice) = {
        let entry = scheme.method();
        (
            (),
            entry.mark,
            entry.display_name,
            qr_alt(texts, entry.display_name, &amount_text),
            fill(texts.qr_instructions, &i18n::qr_app(texts, scheme)),
        )
    };
    let save = move |_| {
        let Some(charge) = charge.get_untracked() else {
            return;
        };
        if let Some(uri) = image_uri() {
            // promptpay-qr.png, paynow-qr.png, truemoney-qr.png.
            let method = super::qr_method_of(&charge).as_str();
            let saved_as = format!("{}-qr.png", method.strip_suffix("_qr").unwrap_or(method));
            spawn_local(async move {
                if let Err(error) = crate::browser::save_image_as_png(&uri, 720, &saved_as).await {
                    web_sys::console::error_2(
                        &"paywasm: could not save the QR code".into(),
                        &error,
                    );
                }
            });
        }
    };
    let save_button = offer_save.then(|| {
        view! { <button type="button" class="paywasm-save" on:click=save>{texts.save_qr}</button> }
    });
    // The time left as a bar, full when the QR appeared: a glance tells how long is left. Its
    // numbers are written as text, the one attribute type the view already uses (each type of
    // reactive attribute costs the widget about 0.5 KB).
    let Countdown { left, total } = countdown;
    let no_deadline = move || left.get().is_none();
    // For developers, in English as the gateway's test pages are: it pays the QR as a phone
    // would, in a new tab, so that this checkout keeps waiting and announces the outcome.
    let simulate_link = simulate.then(|| {
        view! {
            <p class="paywasm-test-mode">
                "Test mode. "
                <a href=move || image_uri().map(|uri| uri + "/simulate").unwrap_or_default() target="_blank" rel="noopener">"Simulate payment"</a>
            </p>
        }
    });
    view! {
        <div class="paywasm-qr" hidden=move || charge.get().is_none()>
            <p {..data_method} class="paywasm-scheme">
                <span class="paywasm-mark" inner_html=mark></span>
                {name}
            </p>
            {merchant.map(|name| view! { <p class="paywasm-merchant">{fill(texts.pay_to, &name)}</p> })}
            <p class="paywasm-amount">{amount_text}</p>
            // On a phone the customer cannot scan their own screen: saving comes first.
            {save_button}
            <img src=move || image_uri().unwrap_or_default() alt=alt width="240" height="240"/>
            <p class="paywasm-countdown" hidden=no_deadline>
                {texts.time_left} " "
                <span role="timer">{move || left.get().map(clock).unwrap_or_default()}</span>
            </p>
            <progress class="paywasm-time-bar" aria-hidden="true" hidden=no_deadline max=move || total.get().unwrap_or(1).to_string() value=move || left.get().unwrap_or(0).to_string()></progress>
            <p class="paywasm-hint">{advice}</p>
            {simulate_link}
        </div>
    }
}

/// The QR's accessible name: "TrueMoney QR code to pay ...", not "TrueMoney QR QR code".
fn qr_alt(texts: &Texts, method: &str, amount_text: &str) -> String {
    fill(
        &fill(texts.qr_alt, method.strip_suffix(" QR").unwrap_or(method)),
        amount_text,
    )
}
