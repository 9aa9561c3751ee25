//! The cashier view (`mode: "pos"`): the customer shows an Alipay or WeChat Pay code, the
//! cashier scans it (a USB/Bluetooth scanner types it and Enter), the merchant server charges
//! it, and the view waits for the customer to confirm in the app. Codes are recognised before
//! any request; one sale is charged at most once (an idempotency key per sale, kept across
//! repeats and retries, renewed only when the customer has to scan again).

mod camera;
pub mod words;

use crate::flow;
use crate::i18n::fill;
use crate::merchant::{self, PosSale};
use crate::pos_options::PosOptions;
use crate::WidgetError;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use paywasm_core::checkout::{Payment, Status};
use paywasm_core::pos::{recognize, CodeError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use words::{wallet, PosTexts};

/// Where the sale is.
#[derive(Debug, Clone, PartialEq)]
enum Sale {
    /// Waiting for a scan; with a message about the last one, if it was refused.
    Ready(Option<String>),
    /// The charge request is on its way.
    Charging,
    /// The customer confirms in the app.
    Waiting(Payment),
    /// The charge ended.
    Done(Payment),
    /// The shop could not be reached or refused.
    Error(String),
}

impl Sale {
    /// The root's `data-state`, which the CSS gives its colour and sign.
    fn state(&self) -> &'static str {
        match self {
            Sale::Ready(None) => "ready",
            Sale::Ready(Some(_)) => "refused",
            Sale::Charging => "charging",
            Sale::Waiting(_) => "waiting",
            Sale::Done(charge) => match charge.status {
                Status::Successful => "successful",
                Status::Expired => "expired",
                _ => "failed",
            },
            Sale::Error(_) => "error",
        }
    }
}

fn new_sale_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("sale-{}", js_sys::Date::now() as u64))
}

/// The cashier's view for one sale at a shop's counter: the cashier scans the code the
/// customer shows in Alipay or WeChat Pay (a scanner that types the digits and Enter, or the
/// camera), the merchant server charges it, and the view waits for the customer to confirm in
/// the app; then a refund, if the customer asks. In the cashier's language.
///
/// ## Usage
/// ```no_run
/// use leptos::prelude::*;
/// use paywasm::{Amount, Currency, PosCheckout, PosOptions};
///
/// #[component]
/// fn Till() -> impl IntoView {
///     let options = PosOptions::new(Amount(12_000), Currency::thb(), "/pos/charges", "/checkout/charges", "store_1", "till_2")
///         .check()
///         .expect("valid options");
///     view! { <PosCheckout options=options/> }
/// }
/// ```
#[component]
pub fn PosCheckout(
    /// Checked options ([`PosOptions::check`]).
    options: PosOptions,
) -> impl IntoView {
    let languages = crate::components::browser_languages();
    let texts: &'static PosTexts = words::for_language(crate::i18n::Language::choose(
        options.locale.as_deref(),
        languages.iter().map(String::as_str),
    ));
    let options = Arc::new(options);
    let sale = RwSignal::new(Sale::Ready(None));
    let sale_key = RwSignal::new(new_sale_key());
    let refund_note = RwSignal::new(None::<String>);
    let code_input = NodeRef::<html::Input>::new();
    let refund_input = NodeRef::<html::Input>::new();
    let video = NodeRef::<html::Video>::new();
    let camera_on = RwSignal::new(false);
    let amount_text = options.currency.display(options.amount);

    // Unmounted, the view stops asking for its charge.
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    let wait = {
        let options = options.clone();
        move |charge_id: String| {
            let options = options.clone();
            let alive = alive.clone();
            spawn_local(async move {
                let still_here = move || alive.load(Ordering::Relaxed);
                let result =
                    flow::wait_for_charge(&options.charge_url, &charge_id, still_here, |_| {})
                        .await;
                match result {
                    Ok(Some(charge)) => {
                        if charge.status != Status::Successful {
                            sale_key.set(new_sale_key());
                        }
                        sale.set(Sale::Done(charge));
                    }
                    Ok(None) => {}
                    Err(error) => sale.set(Sale::Error(error_text(texts, &error))),
                }
            });
        }
    };

    // Charges a scanned code, from the scanner field or the camera. Returns whether the code
    // was taken (a payment code, and no sale under way).
    let charge = {
        let options = options.clone();
        move |scanned: String| -> bool {
            // A second scan or a double Enter while a charge is under way, or after the sale is
            // paid, changes nothing.
            let current = sale.get_untracked();
            let paid =
                matches!(&current, Sale::Done(charge) if charge.status == Status::Successful);
            if paid || matches!(current, Sale::Charging | Sale::Waiting(_)) {
                return false;
            }
            let code = match recognize(&scanned) {
                Ok(code) => code,
                // A stray Enter on an empty field keeps the last result on screen.
                Err(CodeError::Empty) if !matches!(current, Sale::Ready(_)) => return false,
                Err(error) => {
                    sale.set(Sale::Ready(Some(texts.code_advice(&error).into())));
                    return false;
                }
            };
            if let Some(input) = code_input.get_untracked() {
                input.set_value("");
            }
            sale.set(Sale::Charging);
            let options = options.clone();
            let wait = wait.clone();
            let key = sale_key.get_untracked();
            spawn_local(async move {
                let request = PosSale {
                    amount: options.amount.0,
                    currency: options.currency.as_str(),
                    barcode: &code.digits,
                    store_id: &options.store_id,
                    store_name: options.store_name.as_deref(),
                    terminal_id: &options.terminal_id,
                };
                match merchant::pos_charge(&options.pos_url, &request, &key).await {
                    Ok(charge) if charge.status == Status::Pending => {
                        let id = charge.id.clone();
                        sale.set(Sale::Waiting(charge));
                        wait(id);
                    }
                    Ok(charge) => {
                        if charge.status != Status::Successful {
                            sale_key.set(new_sale_key());
                        }
                        sale.set(Sale::Done(charge));
                    }
                    // Kept key: a retry of this sale returns the same charge.
                    Err(WidgetError::Refused { message, .. }) => {
                        sale_key.set(new_sale_key());
                        sale.set(Sale::Error(message));
                    }
                    Err(WidgetError::InvalidResponse { .. }) => {
                        sale.set(Sale::Error(texts.not_understood.into()))
                    }
                    Err(_) => sale.set(Sale::Error(texts.unreachable.into())),
                }
            });
            true
        }
    };

    let submit = {
        let charge = charge.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let scanned = code_input
                .get_untracked()
                .map(|input| input.value())
                .unwrap_or_default();
            charge(scanned);
        }
    };

    let toggle_camera = move |_| {
        if camera_on.get_untracked() {
            camera_on.set(false);
            return;
        }
        let Some(video) = video.get_untracked() else {
            return;
        };
        camera_on.set(true);
        let charge = charge.clone();
        spawn_local(async move {
            let running = move || camera_on.get_untracked();
            if let Err(error) = camera::scan(video, running, charge).await {
                let advice = match error {
                    camera::CameraError::NotAllowed => texts.camera_not_allowed,
                    camera::CameraError::Unavailable => texts.camera_unavailable,
                };
                sale.set(Sale::Ready(Some(advice.into())));
            }
            camera_on.set(false);
        });
    };

    let cancel = {
        let options = options.clone();
        move |_| {
            let Sale::Waiting(charge) = sale.get_untracked() else {
                return;
            };
            let options = options.clone();
            spawn_local(async move {
                match merchant::pos_cancel(&options.pos_url, &charge.id).await {
                    Ok(charge) => {
                        sale_key.set(new_sale_key());
                        sale.set(Sale::Done(charge));
                    }
                    Err(error) => sale.set(Sale::Error(error_text(texts, &error))),
                }
            });
        }
    };

    let refund = {
        let options = options.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Sale::Done(charge) = sale.get_untracked() else {
                return;
            };
            let typed = refund_input
                .get_untracked()
                .map(|i| i.value())
                .unwrap_or_default();
            let Some(amount) = parse_amount(&typed, &options) else {
                refund_note.set(Some(texts.refund_hint.into()));
                return;
            };
            let options = options.clone();
            let key = format!("{}-refund-{}", charge.id, new_sale_key());
            spawn_local(async move {
                match merchant::pos_refund(&options.pos_url, &charge.id, amount, &key).await {
                    Ok(refund) => refund_note.set(Some(fill(
                        &fill(
                            texts.refunded,
                            &options
                                .currency
                                .display(paywasm_core::money::Amount(refund.amount)),
                        ),
                        &refund.id,
                    ))),
                    Err(error) => refund_note
                        .set(Some(fill(texts.refund_refused, &error_text(texts, &error)))),
                }
            });
        }
    };

    let status = {
        let amount_text = amount_text.clone();
        move || match sale.get() {
            Sale::Ready(None) => texts.ready.to_owned(),
            Sale::Ready(Some(advice)) => advice,
            Sale::Charging => texts.charging.into(),
            Sale::Waiting(charge) => fill(texts.waiting, wallet(&charge)),
            Sale::Done(charge) => match charge.status {
                Status::Successful => fill(&fill(texts.successful, &amount_text), wallet(&charge)),
                Status::Expired => texts.expired.into(),
                _ => fill(texts.failed, texts.failure_advice(charge.failure())),
            },
            Sale::Error(message) => message,
        }
    };

    let store = match &options.store_name {
        Some(name) => fill(
            &fill(&fill(texts.store_named, name), &options.store_id),
            &options.terminal_id,
        ),
        None => fill(&fill(texts.store, &options.store_id), &options.terminal_id),
    };
    let (title_before, title_after) = crate::i18n::around(texts.title);
    let scanning = move || match sale.get() {
        Sale::Ready(_) | Sale::Error(_) => true,
        Sale::Done(charge) => charge.status != Status::Successful,
        Sale::Charging | Sale::Waiting(_) => false,
    };
    // A scanner types where the focus is: whenever the scan field is offered (again after a
    // sale that did not pay), it takes the focus, so that the next code goes there (the
    // field's `autofocus` works only once per page).
    Effect::new(move || {
        if scanning() {
            if let Some(input) = code_input.get_untracked() {
                let _ = input.focus();
            }
        }
    });
    let waiting = move || matches!(sale.get(), Sale::Waiting(_));
    let paid = move || matches!(sale.get(), Sale::Done(ref c) if c.status == Status::Successful);

    view! {
        <section class="paywasm paywasm-pos" lang=texts.lang data-state=move || sale.get().state()>
            <h2 class="paywasm-title">
                {title_before}<span class="paywasm-total">{amount_text.clone()}</span>{title_after}
            </h2>
            <p class="paywasm-store">{store}</p>
            // Each part is made once and hidden while it does not apply (a `<Show>` each cost the
            // cashier's build about 2 KB): the scan field is emptied when a code is taken.
            <form class="paywasm-scan" hidden=move || !scanning() on:submit=submit.clone()>
                <label for="paywasm-code">{texts.code_label}</label>
                <input id="paywasm-code" node_ref=code_input inputmode="numeric" autocomplete="off" autofocus=true/>
                <button type="submit" class="paywasm-method">{texts.charge}</button>
            </form>
            {camera::available().then(|| view! {
                <button type="button" class="paywasm-again" hidden=move || !scanning() aria-pressed=move || camera_on.get().to_string() on:click=toggle_camera.clone()>
                    {move || if camera_on.get() { texts.camera_stop } else { texts.camera_start }}
                </button>
            })}
            <video class="paywasm-camera" node_ref=video aria-label=texts.camera muted=true playsinline=true hidden=move || !camera_on.get()></video>
            <button type="button" class="paywasm-again" hidden=move || !waiting() on:click=cancel.clone()>{texts.cancel}</button>
            <p class="paywasm-status" role="status" aria-live="polite">{status}</p>
            <form class="paywasm-refund" hidden=move || !paid() on:submit=refund.clone()>
                <label for="paywasm-refund-amount">{texts.refund_label}</label>
                <input id="paywasm-refund-amount" node_ref=refund_input inputmode="decimal" autocomplete="off"/>
                <button type="submit" class="paywasm-again">{texts.refund}</button>
                <p aria-live="polite">{move || refund_note.get().unwrap_or_default()}</p>
            </form>
        </section>
    }
}

/// What the cashier reads for an error of the shop's: its own message when it refused.
fn error_text(texts: &PosTexts, error: &WidgetError) -> String {
    match error {
        WidgetError::Refused { message, .. } => message.clone(),
        WidgetError::InvalidResponse { .. } => texts.not_understood.into(),
        _ => texts.unreachable.into(),
    }
}

/// "100.00" in the sale's currency, as the smallest unit.
fn parse_amount(text: &str, options: &PosOptions) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let exponent = options.currency.exponent() as usize;
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > exponent
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let units: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<exponent$}").parse().unwrap_or(0);
    let amount = units
        .checked_mul(10i64.pow(exponent as u32))?
        .checked_add(fraction)?;
    (amount > 0).then_some(amount)
}
