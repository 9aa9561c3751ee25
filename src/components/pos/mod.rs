//! The cashier view (`mode: "pos"`): the customer shows an Alipay or WeChat Pay code, the
//! cashier scans it (a USB/Bluetooth scanner types it and Enter), the merchant server charges
//! it, and the view waits for the customer to confirm in the app. Codes are recognised before
//! any request; one sale is charged at most once (an idempotency key per sale, kept across
//! repeats and retries, renewed only when the customer has to scan again).

mod camera;

use crate::flow;
use crate::merchant::{self, PosSale};
use crate::pos_options::PosOptions;
use crate::WidgetError;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use paywasm_core::objects::{ChargeStatus, CheckoutCharge};
use paywasm_core::pos::{recognize, CodeError};
use std::sync::Arc;

/// Where the sale is.
#[derive(Debug, Clone, PartialEq)]
enum Sale {
    /// Waiting for a scan; with a message about the last one, if it was refused.
    Ready(Option<String>),
    /// The charge request is on its way.
    Charging,
    /// The customer confirms in the app.
    Waiting(CheckoutCharge),
    /// The charge ended.
    Done(CheckoutCharge),
    /// The shop could not be reached or refused.
    Error(String),
}

fn new_sale_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("sale-{}", js_sys::Date::now() as u64))
}

fn wallet(charge: &CheckoutCharge) -> &'static str {
    if charge.source.source_type == "wechat_pay_upm" {
        "WeChat Pay"
    } else {
        "Alipay"
    }
}

/// What the cashier reads, and what to do next, for a failed charge.
fn failure_advice(code: Option<&str>) -> &'static str {
    match code.unwrap_or("") {
        "payment_cancelled" => {
            "The customer cancelled in the app. Scan again if they want to retry."
        }
        "timeout" | "payment_expired" => {
            "The customer did not confirm in time. Ask them to show a new code and scan again."
        }
        "insufficient_balance" | "insufficient_fund" => {
            "The customer's balance is insufficient. Ask for another payment method."
        }
        "payment_rejected" => "The wallet rejected the payment. Ask for another payment method.",
        "invalid_account" => {
            "The customer's account cannot make this payment. Ask for another payment method."
        }
        _ => "The payment could not be processed. Scan again, or ask for another payment method.",
    }
}

fn code_advice(error: &CodeError) -> &'static str {
    match error {
        CodeError::Empty => "Scan the customer's payment code.",
        CodeError::NotDigits | CodeError::UnknownWallet => {
            "This is not an Alipay or WeChat Pay payment code. Ask the customer to open the payment code in the app and scan again."
        }
    }
}

/// The cashier view for one sale.
#[component]
pub fn PosCheckout(
    /// The validated options.
    options: PosOptions,
) -> impl IntoView {
    let options = Arc::new(options);
    let sale = RwSignal::new(Sale::Ready(None));
    let sale_key = RwSignal::new(new_sale_key());
    let refund_note = RwSignal::new(None::<String>);
    let code_input = NodeRef::<html::Input>::new();
    let refund_input = NodeRef::<html::Input>::new();
    let video = NodeRef::<html::Video>::new();
    let camera_on = RwSignal::new(false);
    let amount_text = options.currency.display(options.amount);

    let wait = {
        let options = options.clone();
        move |charge_id: String| {
            let options = options.clone();
            spawn_local(async move {
                let result =
                    flow::wait_for_charge(&options.charge_url, &charge_id, || true, |_| {}).await;
                match result {
                    Ok(Some(charge)) => {
                        if charge.status != ChargeStatus::Successful {
                            sale_key.set(new_sale_key());
                        }
                        sale.set(Sale::Done(charge));
                    }
                    Ok(None) => {}
                    Err(error) => sale.set(Sale::Error(error.to_string())),
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
                matches!(&current, Sale::Done(charge) if charge.status == ChargeStatus::Successful);
            if paid || matches!(current, Sale::Charging | Sale::Waiting(_)) {
                return false;
            }
            let code = match recognize(&scanned) {
                Ok(code) => code,
                // A stray Enter on an empty field keeps the last result on screen.
                Err(CodeError::Empty) if !matches!(current, Sale::Ready(_)) => return false,
                Err(error) => {
                    sale.set(Sale::Ready(Some(code_advice(&error).into())));
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
                    Ok(charge) if charge.status == ChargeStatus::Pending => {
                        let id = charge.id.clone();
                        sale.set(Sale::Waiting(charge));
                        wait(id);
                    }
                    Ok(charge) => {
                        if charge.status != ChargeStatus::Successful {
                            sale_key.set(new_sale_key());
                        }
                        sale.set(Sale::Done(charge));
                    }
                    // Kept key: a retry of this sale returns the same charge.
                    Err(WidgetError::Refused { message, .. }) => {
                        sale_key.set(new_sale_key());
                        sale.set(Sale::Error(message));
                    }
                    Err(error) => sale.set(Sale::Error(format!(
                        "{error} Scan again to retry; the customer will not be charged twice."
                    ))),
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
                sale.set(Sale::Ready(Some(error.to_string())));
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
                    Err(error) => sale.set(Sale::Error(error.to_string())),
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
                refund_note.set(Some("Enter the amount to refund, such as 100.00.".into()));
                return;
            };
            let options = options.clone();
            let key = format!("{}-refund-{}", charge.id, new_sale_key());
            spawn_local(async move {
                match merchant::pos_refund(&options.pos_url, &charge.id, amount, &key).await {
                    Ok(refund) => refund_note.set(Some(format!(
                        "Refunded {} ({}).",
                        options
                            .currency
                            .display(paywasm_core::money::Amount(refund.amount)),
                        refund.id
                    ))),
                    Err(error) => refund_note.set(Some(format!("Refund refused: {error}"))),
                }
            });
        }
    };

    let status = {
        let amount_text = amount_text.clone();
        move || {
            match sale.get() {
            Sale::Ready(None) => "Scan the customer's Alipay or WeChat Pay payment code.".to_owned(),
            Sale::Ready(Some(advice)) => advice,
            Sale::Charging => "Charging…".into(),
            Sale::Waiting(charge) => format!("Waiting for the customer to confirm in {}…", wallet(&charge)),
            Sale::Done(charge) => match charge.status {
                ChargeStatus::Successful => format!("Payment successful: {amount_text} with {}.", wallet(&charge)),
                ChargeStatus::Expired => "Cancelled: the charge expired and the customer will not pay. Scan again or ask for another method.".into(),
                _ => format!("Payment failed. {}", failure_advice(charge.failure_code.as_deref())),
            },
            Sale::Error(message) => message,
        }
        }
    };

    let store = match &options.store_name {
        Some(name) => format!(
            "{name} ({}) · Terminal {}",
            options.store_id, options.terminal_id
        ),
        None => format!(
            "Store {} · Terminal {}",
            options.store_id, options.terminal_id
        ),
    };
    let scanning = move || match sale.get() {
        Sale::Ready(_) | Sale::Error(_) => true,
        Sale::Done(charge) => charge.status != ChargeStatus::Successful,
        Sale::Charging | Sale::Waiting(_) => false,
    };
    let waiting = move || matches!(sale.get(), Sale::Waiting(_));
    let paid =
        move || matches!(sale.get(), Sale::Done(ref c) if c.status == ChargeStatus::Successful);

    view! {
        <section class="paywasm paywasm-pos" lang="en">
            <h2 class="paywasm-title">{format!("Charge {amount_text}")}</h2>
            <p class="paywasm-hint">{store}</p>
            <Show when=scanning>
                <form class="paywasm-scan" on:submit=submit.clone()>
                    <label for="paywasm-code">"Customer's payment code"</label>
                    <input id="paywasm-code" node_ref=code_input inputmode="numeric" autocomplete="off" autofocus=true/>
                    <button type="submit" class="paywasm-method">"Charge"</button>
                </form>
                {camera::available().then(|| view! {
                    <button type="button" class="paywasm-again" aria-pressed=move || camera_on.get().to_string() on:click=toggle_camera.clone()>
                        {move || if camera_on.get() { "Stop camera" } else { "Scan with camera" }}
                    </button>
                })}
            </Show>
            <video class="paywasm-camera" node_ref=video aria-label="Camera" muted=true playsinline=true hidden=move || !camera_on.get()></video>
            <Show when=waiting>
                <button type="button" class="paywasm-again" on:click=cancel.clone()>"Cancel payment"</button>
            </Show>
            <p class="paywasm-status" role="status" aria-live="polite">{status}</p>
            <Show when=paid>
                <form class="paywasm-refund" on:submit=refund.clone()>
                    <label for="paywasm-refund-amount">"Refund amount"</label>
                    <input id="paywasm-refund-amount" node_ref=refund_input inputmode="decimal" autocomplete="off"/>
                    <button type="submit" class="paywasm-again">"Refund"</button>
                    <p aria-live="polite">{move || refund_note.get().unwrap_or_default()}</p>
                </form>
            </Show>
        </section>
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
