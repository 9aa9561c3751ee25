//! The customer checkout: method buttons, the QR or the redirect, and the outcome, with one
//! `role="status"` live region that announces every step (DESIGN.md's accessibility contract).

use crate::flow::{self, Started};
use crate::i18n::{self, Texts};
use crate::options::Options;
use crate::WidgetError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use paywasm_core::method::{online_methods, SourceType};
use paywasm_core::objects::{ChargeStatus, CheckoutCharge};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Where the checkout is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The customer picks a method.
    Choosing,
    /// No method fits the amount and currency.
    Unavailable,
    /// Creating the source and the charge.
    Starting(SourceType),
    /// Leaving for the authorize page.
    Redirecting,
    /// Showing the QR and waiting for the payment.
    Waiting(CheckoutCharge),
    /// Back from a redirect, waiting for the charge to settle.
    Confirming,
    /// The charge ended.
    Done(CheckoutCharge),
    /// The payment could not be started or followed.
    Error(WidgetError),
}

fn status_text(texts: &Texts, options: &Options, phase: &Phase, reconnecting: bool) -> String {
    if reconnecting && matches!(phase, Phase::Waiting(_) | Phase::Confirming) {
        return texts.reconnecting.into();
    }
    match phase {
        Phase::Choosing => String::new(),
        Phase::Unavailable => format!(
            "{} {}. {}",
            texts.unavailable_prefix,
            i18n::amount(options.amount, &options.currency),
            texts.unavailable_next
        ),
        Phase::Starting(method) => format!("{} {}…", texts.preparing, method.method().display_name),
        Phase::Redirecting => texts.redirecting.into(),
        Phase::Waiting(_) => texts.waiting_qr.into(),
        Phase::Confirming => texts.confirming.into(),
        Phase::Done(charge) => match &charge.status {
            ChargeStatus::Successful => texts.successful.into(),
            ChargeStatus::Expired => texts.expired.into(),
            _ => {
                let reason = charge
                    .failure_message
                    .as_deref()
                    .unwrap_or("the payment was not completed");
                format!("{} {reason}. {}", texts.failed_prefix, texts.failed_next)
            }
        },
        Phase::Error(error) => format!("{} {error}", texts.start_failed_prefix),
    }
}

/// The checkout for one order (or, with `charge_id`, the wait for one charge after a
/// redirect).
#[component]
pub fn Checkout(
    /// The validated mount options.
    options: Options,
) -> impl IntoView {
    let options = Arc::new(options);
    let texts = i18n::texts(&options.locale);
    let methods: Vec<SourceType> =
        online_methods(options.amount, &options.currency, flow::current_platform())
            .map(|m| m.source_type)
            .filter(|t| {
                options
                    .methods
                    .as_ref()
                    .is_none_or(|allowed| allowed.contains(t))
            })
            .collect();
    let resuming = options.charge_id.is_some();
    let initial = if resuming {
        Phase::Confirming
    } else if methods.is_empty() {
        Phase::Unavailable
    } else {
        Phase::Choosing
    };
    let phase = RwSignal::new(initial);
    let reconnecting = RwSignal::new(false);
    let last_method = RwSignal::new(None::<SourceType>);
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }

    let wait = {
        let options = options.clone();
        let alive = alive.clone();
        move |charge_id: String| {
            let options = options.clone();
            let alive = alive.clone();
            spawn_local(async move {
                let still_here = {
                    let alive = alive.clone();
                    move || alive.load(Ordering::Relaxed)
                };
                let result = flow::wait_for_result(
                    &options.charge_url,
                    &charge_id,
                    still_here,
                    move |lost| reconnecting.set(lost),
                )
                .await;
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                reconnecting.set(false);
                match result {
                    Ok(Some(charge)) => phase.set(Phase::Done(charge)),
                    Ok(None) => {}
                    Err(error) => phase.set(Phase::Error(error)),
                }
            });
        }
    };

    let start = {
        let options = options.clone();
        let wait = wait.clone();
        move |method: SourceType| {
            last_method.set(Some(method));
            phase.set(Phase::Starting(method));
            let options = options.clone();
            let wait = wait.clone();
            spawn_local(async move {
                match flow::start(&options, method).await {
                    Ok(Started::Redirect(uri)) => {
                        phase.set(Phase::Redirecting);
                        let navigated = web_sys::window().map(|w| w.location().assign(&uri));
                        if !matches!(navigated, Some(Ok(()))) {
                            phase.set(Phase::Error(WidgetError::UnsafeRedirect));
                        }
                    }
                    Ok(Started::Wait(charge)) => {
                        let id = charge.id.clone();
                        phase.set(Phase::Waiting(charge));
                        wait(id);
                    }
                    Err(error) => phase.set(Phase::Error(error)),
                }
            });
        }
    };

    if let Some(charge_id) = options.charge_id.clone() {
        wait(charge_id);
    }

    let amount_text = i18n::amount(options.amount, &options.currency);
    let status = {
        let options = options.clone();
        move || status_text(texts, &options, &phase.get(), reconnecting.get())
    };
    let busy = move || matches!(phase.get(), Phase::Starting(_) | Phase::Redirecting);
    let choosing = move || {
        !resuming
            && matches!(
                phase.get(),
                Phase::Choosing | Phase::Starting(_) | Phase::Error(_)
            )
    };

    let method_buttons = {
        let start = start.clone();
        methods
            .iter()
            .map(|&method| {
                let start = start.clone();
                view! {
                    <button type="button" class="paywasm-method" disabled=busy on:click=move |_| start(method)>
                        {method.method().display_name}
                    </button>
                }
            })
            .collect_view()
    };

    let body = {
        let amount_text = amount_text.clone();
        let start = start.clone();
        move || match phase.get() {
            Phase::Waiting(charge) => {
                let qr = charge.source.scannable_code.map(|code| {
                    let alt = format!("{} {}", texts.qr_alt_prefix, amount_text);
                    view! {
                        <figure class="paywasm-qr">
                            <img src=code.image.download_uri alt=alt width="240" height="240"/>
                            <figcaption>{texts.qr_instructions}</figcaption>
                        </figure>
                    }
                });
                qr.into_any()
            }
            Phase::Done(charge) if charge.status != ChargeStatus::Successful && !resuming => {
                let start = start.clone();
                let expired = charge.status == ChargeStatus::Expired;
                let label = if expired {
                    texts.new_qr
                } else {
                    texts.try_again
                };
                let again = move |_| match last_method.get() {
                    Some(method) if expired => start(method),
                    _ => phase.set(Phase::Choosing),
                };
                view! { <button type="button" class="paywasm-again" on:click=again>{label}</button> }
                    .into_any()
            }
            _ => ().into_any(),
        }
    };

    view! {
        <section class="paywasm" lang=options.locale.clone()>
            <Show when=choosing>
                <h2 class="paywasm-title">{texts.choose_prefix} " " {amount_text.clone()}</h2>
                <div class="paywasm-methods" role="group" aria-label=texts.methods_label>
                    {method_buttons.clone()}
                </div>
            </Show>
            {body}
            <p class="paywasm-status" role="status" aria-live="polite">{status}</p>
        </section>
    }
}
