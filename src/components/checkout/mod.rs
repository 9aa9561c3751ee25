//! The customer checkout: method buttons, the QR or the redirect, and the outcome, with one
//! `role="status"` live region that announces every step (DESIGN.md's accessibility contract).

mod first_view;
#[cfg(feature = "methods")]
mod phone;
mod qr;
mod receipt;
mod state;

pub use first_view::take_over;
pub use state::Phase;

use crate::adapter::{Active, Adapter};
use crate::flow::{self, Started};
use crate::i18n::{self, fill, Texts};
use crate::options::Options;
use crate::WidgetError;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use paywasm_core::checkout::{Payment, Status};
use paywasm_core::failure::FailureCode;
use paywasm_core::method::{checkout_methods, Flow, SourceType};
use paywasm_core::platform::PlatformType;
use qr::{Countdown, QrPanel};
use receipt::Receipt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What the status region says.
fn status_text(
    texts: &Texts,
    options: &Options,
    phase: &Phase,
    reconnecting: bool,
    notice: Option<String>,
) -> String {
    if reconnecting && matches!(phase, Phase::Waiting(_) | Phase::Confirming) {
        return texts.reconnecting.into();
    }
    match phase {
        Phase::Choosing => String::new(),
        Phase::Unavailable => fill(
            texts.unavailable,
            &i18n::amount(options.amount, &options.currency),
        ),
        Phase::Starting(method) => fill(texts.preparing, method.method().display_name),
        Phase::Redirecting => texts.redirecting.into(),
        Phase::Waiting(charge) => {
            let waiting = fill(texts.waiting_qr, &i18n::qr_app(texts, qr_method_of(charge)));
            match notice {
                Some(notice) => format!("{waiting} {notice}"),
                None => waiting,
            }
        }
        Phase::Confirming => texts.confirming.into(),
        Phase::Done(charge) => match &charge.status {
            Status::Successful => texts.successful.into(),
            Status::Expired => texts.expired.into(),
            _ if charge.failure() == Some(FailureCode::PaymentCancelled) => texts.cancelled.into(),
            _ => fill(texts.failed, i18n::failure_reason(texts, charge.failure())),
        },
        Phase::Error(error) => fill(texts.start_failed, i18n::error_reason(texts, error)),
    }
}

/// The QR method of a waiting `charge` (a checkout may offer two, as PromptPay and TrueMoney QR
/// for baht), by its source; PromptPay for a charge of a method this build does not know.
fn qr_method_of(charge: &Payment) -> SourceType {
    Active::KIND
        .parse_method(&charge.source.source_type)
        .unwrap_or(SourceType::Promptpay)
}

/// Whether an account whose methods are `names` ([`crate::gateway::account_methods`]) takes
/// `method`.
#[cfg(feature = "omise")]
fn takes(names: &str, method: SourceType) -> bool {
    names.split(' ').any(|name| name == method.as_str())
}

/// The customer's checkout for one order: the methods that fit the amount, then the QR
/// (PromptPay) or the gateway's page (Alipay), and the wait for the outcome. With
/// [`Options::charge_id`] it only waits for that charge (a return page after a redirect).
///
/// ## Usage
/// ```no_run
/// use leptos::prelude::*;
/// use paywasm::{Amount, Checkout, CheckoutOptions, Currency};
///
/// #[component]
/// fn Pay() -> impl IntoView {
///     let options = CheckoutOptions::new("pkey_test_...", Amount(129_000), Currency::thb(), "/checkout/charges")
///         .order("ord_1")
///         .check()
///         .expect("valid options");
///     view! {
///         <Checkout
///             options=options
///             on_complete=move |charge: paywasm::Payment| leptos::logging::log!("{}", charge.status.as_str())
///         />
///     }
/// }
/// ```
#[component]
pub fn Checkout(
    /// Checked options ([`CheckoutOptions::check`](crate::CheckoutOptions::check)).
    options: Options,
    /// The charge ended: `successful`, `failed` or `expired`.
    #[prop(optional, into)]
    on_complete: Option<Callback<Payment>>,
    /// A payment could not be started or followed.
    #[prop(optional, into)]
    on_error: Option<Callback<WidgetError>>,
    /// The checkout moved to another phase ([`Phase::name`] is the state's name).
    #[prop(optional, into)]
    on_state_change: Option<Callback<Phase>>,
    /// Given, the checkout hands it the (checked) gateway page instead of navigating there
    /// itself: a hosted page in a frame asks its parent to navigate.
    #[prop(optional, into)]
    on_redirect: Option<Callback<String>>,
    /// A method the customer already chose (in a server-rendered first view): started at once.
    #[prop(optional)]
    chosen: Option<SourceType>,
    /// What the first view sent for it while the widget loaded (its source, its charge): the
    /// payment goes on with them.
    #[prop(optional)]
    sent: flow::Sent,
) -> impl IntoView {
    let options = Arc::new(options);
    let languages = crate::components::browser_languages();
    let texts: &'static Texts = i18n::choose(
        options.locale.as_deref(),
        languages.iter().map(String::as_str),
    );
    let platform = flow::current_platform();
    let methods = checkout_methods(
        Active::KIND,
        options.amount,
        &options.currency,
        platform,
        options.methods.as_deref(),
    );
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
    let notice = RwSignal::new(None::<String>);
    let countdown = Countdown::new();
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }

    // Tell the merchant about every change, after it (a callback may unmount the checkout),
    // and move the focus to an outcome that replaced what the customer was using.
    let status_ref = NodeRef::<html::P>::new();
    Effect::new(move |previous: Option<&'static str>| {
        let current = phase.get();
        let name = current.name();
        if previous == Some(name) {
            return name;
        }
        if previous.is_some() && current.moves_focus() {
            if let Some(status) = status_ref.get_untracked() {
                let _ = status.focus();
            }
        }
        spawn_local(async move {
            if let Some(callback) = on_state_change {
                callback.run(current.clone());
            }
            match current {
                Phase::Done(charge) => {
                    if let Some(callback) = on_complete {
                        callback.run(charge);
                    }
                }
                Phase::Error(error) => {
                    if let Some(callback) = on_error {
                        callback.run(error);
                    }
                }
                _ => {}
            }
        });
        name
    });

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
                let result = flow::follow(
                    options.clone(),
                    charge_id,
                    Box::new(still_here),
                    Box::new(move |lost| {
                        reconnecting.try_set(lost);
                    }),
                )
                .await;
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                reconnecting.set(false);
                notice.set(None);
                match result {
                    Ok(Some(charge)) => phase.set(Phase::Done(charge)),
                    Ok(None) => {}
                    Err(error) => phase.set(Phase::Error(error)),
                }
            });
        }
    };

    let amount_text = i18n::amount(options.amount, &options.currency);
    let start = {
        let options = options.clone();
        let wait = wait.clone();
        let alive = alive.clone();
        move |method: SourceType, sent: flow::Sent, phone_number: Option<String>| {
            // Two clicks in one frame, before the buttons are disabled, start one payment.
            if phase.get_untracked().is_busy() {
                return;
            }
            phase.set(Phase::Starting(method));
            let options = options.clone();
            let wait = wait.clone();
            let alive = alive.clone();
            spawn_local(async move {
                let started = flow::begin(options.clone(), method, phone_number, sent).await;
                if !alive.load(Ordering::Relaxed) {
                    return;
                }
                match started {
                    Ok(Started::Redirect(uri)) => {
                        phase.set(Phase::Redirecting);
                        if let Some(redirect) = on_redirect {
                            redirect.run(uri);
                            return;
                        }
                        let navigated = web_sys::window().map(|w| w.location().assign(&uri));
                        if !matches!(navigated, Some(Ok(()))) {
                            phase.set(Phase::Error(WidgetError::UnsafeRedirect));
                        }
                    }
                    Ok(Started::Wait(charge)) => {
                        let id = charge.id.clone();
                        let expires_at = charge.expires_at;
                        phase.set(Phase::Waiting(charge));
                        let shown = {
                            let id = id.clone();
                            move || {
                                phase.try_with_untracked(
                                    |now| matches!(now, Phase::Waiting(charge) if charge.id == id),
                                ) == Some(true)
                            }
                        };
                        countdown.start(expires_at, shown, notice, texts);
                        wait(id);
                    }
                    Err(error) => phase.set(Phase::Error(error)),
                }
            });
        }
    };

    // The account's methods, asked once (Opn's Capability API): the button of a method it does
    // not take is hidden when the answer comes (a page's server may have left it out already);
    // a tap before then is refused by the gateway, and told. Without an answer, every method
    // the checkout offers stays.
    // Their names, each followed by a space: a signal of a type the checkout has already costs
    // it less than a list.
    #[cfg(feature = "omise")]
    let account = RwSignal::new(None::<String>);
    #[cfg(feature = "omise")]
    if !resuming && !methods.is_empty() {
        let options = options.clone();
        let offered = methods.clone();
        let alive = alive.clone();
        spawn_local(async move {
            let taken = crate::gateway::account_methods(&options).await;
            // The checkout may have been unmounted meanwhile: its view is gone.
            if !alive.load(Ordering::Relaxed) {
                return;
            }
            let Some(taken) = taken else {
                return;
            };
            let none_left = !offered.iter().any(|method| takes(&taken, *method));
            account.try_set(Some(taken));
            if none_left && matches!(phase.try_get_untracked(), Some(Phase::Choosing)) {
                phase.try_set(Phase::Unavailable);
            }
        });
    }
    // A button hidden when the account said it does not take its method (only Opn's answers
    // say: the WooshPay build's buttons have no such attribute, which would cost it 0.2 KB).
    #[cfg(feature = "omise")]
    let hidden_unless_taken = move |method: SourceType| {
        leptos::attr::hidden(move || {
            account.with(|taken| taken.as_ref().is_some_and(|taken| !takes(taken, method)))
        })
    };
    #[cfg(not(feature = "omise"))]
    let hidden_unless_taken = |_| ();

    if let Some(charge_id) = options.charge_id.clone() {
        wait(charge_id);
    } else if let Some(method) = chosen
        // A method that needs the customer's number waits for them to give it.
        .filter(|method| methods.contains(method) && !method.needs_phone_number())
    {
        start(method, sent, None);
    }

    let (title_before, title_after) = i18n::around(texts.choose);
    let status = {
        let options = options.clone();
        move || {
            status_text(
                texts,
                &options,
                &phase.get(),
                reconnecting.get(),
                notice.get(),
            )
        }
    };
    let busy = move || phase.get().is_busy();
    // The method choice is made once and hidden while it is not offered, so that the buttons
    // are never made again (a customer's focus stays on the button they pressed).
    let not_choosing = move || {
        resuming
            || !matches!(
                phase.get(),
                Phase::Choosing | Phase::Starting(_) | Phase::Error(_)
            )
    };

    // In an app's own browser, the words under the choice say first how to get where payment
    // apps open, with a link to the phone's browser where the app lets a page ask for one. In
    // the paragraph that is there anyway: a paragraph of its own cost the widget 0.3 KB more.
    let (in_app, browser_link) = flow::in_app_browser(platform).unzip();
    let browser_link = browser_link.flatten();
    let no_link = browser_link.is_none();

    // A method whose page needs the customer's mobile number (TrueMoney Wallet) asks for it
    // first, in a form under the choice (only the build with Opn's other methods offers one).
    #[cfg(feature = "methods")]
    let asking_phone = RwSignal::new(false);
    let method_buttons = {
        let start = start.clone();
        methods
            .iter()
            .map(|&method| {
                let start = start.clone();
                let method_entry = method.method();
                let choose = move |event: web_sys::MouseEvent| {
                    // A method whose page needs the customer's mobile number (TrueMoney
                    // Wallet) asks for it first (only the build with Opn's other methods
                    // offers one).
                    #[cfg(feature = "methods")]
                    {
                        asking_phone.set(method.needs_phone_number());
                        if method.needs_phone_number() {
                            phone::focus_field(&event);
                            return;
                        }
                    }
                    let _ = event;
                    start(method, flow::Sent::default(), None);
                };
                view! {
                    <button {..hidden_unless_taken(method)} type="button" class="paywasm-method" data-method=method.as_str() disabled=busy on:click=choose>
                        <span class="paywasm-mark" inner_html=method_entry.mark></span>
                        <span class="paywasm-method-name">{method_entry.display_name}</span>
                    </button>
                }
            })
            .collect_view()
    };

    #[cfg(feature = "methods")]
    let phone_form = methods
        .iter()
        .copied()
        .find(|method| method.needs_phone_number())
        .map(|wallet| {
            let start = start.clone();
            phone::form(wallet, texts, asking_phone, not_choosing, move |number| {
                start(wallet, flow::Sent::default(), Some(number))
            })
        });
    #[cfg(not(feature = "methods"))]
    let phone_form = ();

    let simulate = options
        .public_key
        .offers_simulate(Active::KIND, &options.gateway_url);
    let waiting_charge = Memo::new(move |_| match phase.get() {
        Phase::Waiting(charge) => Some(charge),
        _ => None,
    });
    // The checkout's QR method, which its panel shows first: the first offline one it offers
    // (PromptPay when it offers none, as when it resumes a charge of another checkout).
    let qr_scheme = methods
        .iter()
        .copied()
        .find(|method| method.method().flow == Flow::Offline)
        .unwrap_or(SourceType::Promptpay);
    let panel = view! {
        <QrPanel
            charge=waiting_charge
            scheme=qr_scheme
            countdown=countdown
            texts=texts
            amount_text=amount_text.clone()
            merchant=options.merchant_name.clone()
            offer_save=platform != PlatformType::Web
            simulate=simulate
        />
    };

    let paid = Memo::new(move |_| match phase.get() {
        Phase::Done(charge) if charge.status == Status::Successful => Some(charge),
        _ => None,
    });
    let receipt = view! {
        <Receipt charge=paid texts=texts kind=Active::KIND merchant=options.merchant_name.clone()/>
    };

    // After the status, so that Tab from the announced outcome reaches the next step. The
    // unpaid charge itself, not whether it expired: a memo of the type the others already are
    // (each distinct memo type costs the widget about 1 KB).
    let unpaid = Memo::new(move |_| match phase.get() {
        Phase::Done(charge) if charge.status != Status::Successful && !resuming => Some(charge),
        _ => None,
    });
    let kind = Active::KIND;
    // An expired QR is made again with the method the customer chose (its charge's); any
    // other unpaid end goes back to the choice. Made once and hidden, as the other parts.
    let expired = move || {
        unpaid
            .get()
            .is_some_and(|charge| charge.status == Status::Expired)
    };
    let again = move |_| {
        let method = unpaid
            .get_untracked()
            .filter(|charge| charge.status == Status::Expired)
            .and_then(|charge| kind.parse_method(&charge.source.source_type))
            // A new source for it needs the customer's number again: back to the choice.
            .filter(|method| !method.needs_phone_number());
        match method {
            Some(method) => start(method, flow::Sent::default(), None),
            None => phase.set(Phase::Choosing),
        }
    };
    let again_label = move || {
        if expired() {
            texts.new_qr
        } else {
            texts.try_again
        }
        .to_owned()
    };

    view! {
        <section
            class="paywasm"
            lang=texts.lang
            data-theme=options.theme.attribute()
            // Owned, as the view's other reactive attributes are (one type: 0.4 KB less).
            data-state=move || phase.get().attribute().to_owned()
            aria-busy=move || busy().to_string()
        >
            <h2 class="paywasm-title" hidden=not_choosing>
                {title_before}<span class="paywasm-total">{amount_text.clone()}</span>{title_after}
            </h2>
            // A finger on a method fetches the payment's code while the tap ends (src/flow.rs).
            <div class="paywasm-methods" role="group" aria-label=texts.methods_label hidden=not_choosing on:pointerdown=|_| flow::prefetch()>
                {method_buttons}
            </div>
            {phone_form}
            <p class=i18n::under_choice_class(in_app) hidden=not_choosing>
                {i18n::under_choice(texts, in_app)}<a href=browser_link.unwrap_or_default() hidden=no_link>{texts.open_in_browser}</a>
            </p>
            {panel}
            <p class="paywasm-status" role="status" aria-live="polite" tabindex="-1" node_ref=status_ref>{status}</p>
            {receipt}
            <button type="button" class="paywasm-again" hidden=move || unpaid.get().is_none() on:click=again>{again_label}</button>
        </section>
    }
}
