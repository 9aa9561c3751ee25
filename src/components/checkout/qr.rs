//! The PromptPay QR with the amount, the merchant, a countdown to the charge's real
//! `expires_at`, and on phones a button that saves the QR as an image for the banking app.

use crate::i18n::{fill, Texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use paywasm_core::method::SourceType;
use paywasm_core::objects::CheckoutCharge;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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

/// The QR panel of a waiting PromptPay charge.
#[component]
pub fn QrPanel(
    /// The pending charge.
    charge: CheckoutCharge,
    /// The customer's language.
    texts: &'static Texts,
    /// The amount, formatted.
    amount_text: String,
    /// The merchant's name, if given.
    merchant: Option<String>,
    /// Whether to offer "Save QR code" (phones).
    offer_save: bool,
    /// Where countdown announcements go (read out by the status region).
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let expires_at_ms = charge.expires_at.map(|at| at.unix() as f64 * 1_000.0);
    let remaining = RwSignal::new(expires_at_ms.map(seconds_until));
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    if let Some(expires_at_ms) = expires_at_ms {
        spawn_local(async move {
            let mut announced = ANNOUNCE_AT_SECS
                .iter()
                .filter(|&&t| seconds_until(expires_at_ms) <= t)
                .count();
            loop {
                crate::browser::sleep(1_000).await;
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                let left = seconds_until(expires_at_ms);
                remaining.set(Some(left));
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

    let image_uri = charge
        .source
        .scannable_code
        .map(|code| code.image.download_uri);
    let alt = fill(texts.qr_alt, &amount_text);
    let save = {
        let image_uri = image_uri.clone();
        move |_| {
            if let Some(uri) = image_uri.clone() {
                spawn_local(async move {
                    if let Err(error) =
                        crate::browser::save_image_as_png(&uri, 720, "promptpay-qr.png").await
                    {
                        web_sys::console::error_2(
                            &"paywasm: could not save the QR code".into(),
                            &error,
                        );
                    }
                });
            }
        }
    };
    let save_button = offer_save.then(|| {
        view! { <button type="button" class="paywasm-save" on:click=save>{texts.save_qr}</button> }
    });
    // The time left as a bar, full when the QR appeared: a glance tells how long is left. Its
    // numbers are written as text, the one attribute type the view already uses (each type of
    // reactive attribute costs the widget about 0.5 KB).
    let total = remaining.get_untracked().unwrap_or(0).max(1);
    let promptpay = SourceType::Promptpay.method();
    view! {
        <div class="paywasm-qr">
            <p class="paywasm-scheme">
                <span class="paywasm-mark" inner_html=promptpay.mark></span>
                {promptpay.display_name}
            </p>
            {merchant.map(|name| view! { <p class="paywasm-merchant">{fill(texts.pay_to, &name)}</p> })}
            <p class="paywasm-amount">{amount_text.clone()}</p>
            // On a phone the customer cannot scan their own screen: saving comes first.
            {save_button}
            {image_uri.map(|uri| view! { <img src=uri alt=alt width="240" height="240"/> })}
            {expires_at_ms.map(|_| view! {
                <p class="paywasm-countdown">
                    {texts.time_left} " "
                    <span role="timer">{move || remaining.get().map(clock).unwrap_or_default()}</span>
                </p>
                <progress class="paywasm-time-bar" aria-hidden="true" max=total.to_string() value=move || remaining.get().unwrap_or(0).to_string()></progress>
            })}
            <p class="paywasm-hint">{texts.qr_instructions}</p>
        </div>
    }
}
