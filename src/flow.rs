//! The checkout's steps, written once for every gateway: start a payment with a method, go
//! where the payment says (the gateway's page, or its QR while waiting), then wait for its
//! result. What a gateway does differently is its adapter's (`src/adapter`, one per build).

pub use crate::adapter::Sent;
use crate::adapter::{Active, Adapter};
use crate::options::Options;
use crate::{merchant, redirect, WidgetError};
use paywasm_core::checkout::{NextStep, Payment};
use paywasm_core::method::SourceType;
use paywasm_core::platform::{detect_platform, InAppBrowser, PlatformType};
use paywasm_core::poll::{Answer, PollSchedule, LONG_POLL_WAIT_SECS};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a started payment asks of the widget next.
#[derive(Debug, Clone, PartialEq)]
// Made once per payment and matched at once: boxing the payment would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Started {
    /// Send the customer to this (checked) authorize page.
    Redirect(String),
    /// Show the payment (its QR, where it has one) and wait.
    Wait(Payment),
}

/// The customer's platform, from this browser.
pub fn current_platform() -> PlatformType {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return PlatformType::Web;
    };
    let user_agent = navigator.user_agent().unwrap_or_default();
    let touch_points = u32::try_from(navigator.max_touch_points()).unwrap_or(0);
    detect_platform(&user_agent, touch_points)
}

/// The app whose own browser shows the checkout (LINE, Facebook, Instagram, WeChat), where a
/// payment app may not open; and a link that opens the page in the phone's browser, where
/// the app lets a page ask for one. No link from within a frame: the page to open is the
/// merchant's, which a framed checkout cannot read.
pub fn in_app_browser(platform: PlatformType) -> Option<(InAppBrowser, Option<String>)> {
    let window = web_sys::window()?;
    let app = InAppBrowser::detect(&window.navigator().user_agent().ok()?)?;
    let framed = window.top().ok().flatten().is_none_or(|top| top != window);
    let link = match framed {
        true => None,
        false => window
            .location()
            .href()
            .ok()
            .and_then(|page| app.system_browser_link(&page, platform)),
    };
    Some((app, link))
}

/// Starts a payment with `method` through the merchant server (with the customer's
/// `phone_number` where the method needs it), and says where it goes next; `sent` is what the
/// page's first view already asked for.
pub async fn start(
    options: &Options,
    method: SourceType,
    phone_number: Option<&str>,
    sent: Sent,
) -> Result<Started, WidgetError> {
    let order = options.order.as_deref().ok_or_else(|| {
        WidgetError::InvalidOptions("order is required to start a payment".into())
    })?;
    let payment = Active::start(
        options,
        order,
        method,
        current_platform(),
        phone_number,
        sent,
    )
    .await?;
    match payment.next_step() {
        NextStep::Redirect(uri) => Ok(Started::Redirect(redirect::checked_authorize_uri(
            uri,
            &options.gateway_url,
        )?)),
        NextStep::ShowQr(image) => {
            // The QR decides where the customer's money goes: its image comes from the
            // gateway's own pages, as a redirect would.
            redirect::checked_authorize_uri(image, &options.gateway_url)?;
            Ok(Started::Wait(payment))
        }
        NextStep::Wait | NextStep::Done => Ok(Started::Wait(payment)),
        NextStep::Missing => Err(WidgetError::InvalidResponse { party: "The shop" }),
    }
}

/// Waits for the payment `id` of the checkout to end, reading it through this build's
/// adapter (see [`poll_until_done`]).
pub async fn wait_for_result(
    options: &Options,
    id: &str,
    alive: impl Fn() -> bool,
    reconnecting: impl Fn(bool),
) -> Result<Option<Payment>, WidgetError> {
    poll_until_done(|| Active::read(options, id), alive, reconnecting).await
}

/// Waits for a payment, long-polling the merchant server (`GET {charge_url}/{id}?wait=N`).
pub async fn wait_for_charge(
    charge_url: &str,
    charge_id: &str,
    alive: impl Fn() -> bool,
    reconnecting: impl Fn(bool),
) -> Result<Option<Payment>, WidgetError> {
    poll_until_done(
        || merchant::charge(charge_url, charge_id, LONG_POLL_WAIT_SECS),
        alive,
        reconnecting,
    )
    .await
}

/// Asks `fetch` for the payment, one request at a time on [`PollSchedule`], until it is no
/// longer pending. `alive` is checked between requests (false once the widget is unmounted:
/// the wait then ends with `Ok(None)`); `reconnecting` is told whether requests are failing,
/// so the customer can be told. Nothing is asked while the page is hidden, and a page that
/// becomes visible asks at once. A server that holds the request (long poll) is asked again
/// at once; one that answers at once is asked every few seconds.
pub async fn poll_until_done<F, Fut>(
    fetch: F,
    alive: impl Fn() -> bool,
    reconnecting: impl Fn(bool),
) -> Result<Option<Payment>, WidgetError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Payment, WidgetError>>,
{
    let started = js_sys::Date::now();
    let mut schedule = PollSchedule::new();
    loop {
        if !alive() {
            return Ok(None);
        }
        crate::browser::until_visible().await;
        if !alive() {
            return Ok(None);
        }
        let sent = js_sys::Date::now();
        let answer = fetch().await;
        if !alive() {
            return Ok(None);
        }
        let now = js_sys::Date::now();
        let waited_ms = (now - started).max(0.0) as u64;
        let delay = match answer {
            Ok(charge) if charge.status.is_terminal() => return Ok(Some(charge)),
            Ok(_) => {
                reconnecting(false);
                schedule.next_delay_ms(
                    Answer::Pending {
                        held_ms: (now - sent).max(0.0) as u32,
                    },
                    waited_ms,
                )
            }
            // A refusal other than overload will not change by asking again.
            Err(WidgetError::Refused { status, .. })
                if (400..500).contains(&status) && status != 429 && status != 408 =>
            {
                return Err(answer
                    .err()
                    .unwrap_or(WidgetError::Network { party: "the shop" }));
            }
            Err(_) => {
                let delay = schedule.next_delay_ms(Answer::Failed, waited_ms);
                reconnecting(schedule.consecutive_failures() >= 2);
                delay
            }
        };
        if delay > 0 {
            crate::browser::sleep_or_visibility_change(delay).await;
        }
    }
}

/// A payment's answer, to come.
pub type Pending<T> = Pin<Box<dyn Future<Output = Result<T, WidgetError>>>>;

// The payment's code after the tap, [`start`] and [`wait_for_result`] with all that only they
// reach (reading the gateway's and the shop's answers, the wait), is a second module of the
// JavaScript builds (feature `split`: scripts/build-widget.sh cuts the wasm at the two functions
// below): the browser fetches it when a payment starts or is followed, so a page that is never
// tapped does not download it. A module that could not be fetched is a network error, told to
// the customer as any other, and fetched again at the next try. Without the feature (a Leptos
// app, the tests) they are plain calls.

/// [`start`], taking what it borrows (a split function's future outlives its call).
#[cfg_attr(
    feature = "split",
    wasm_split_helpers::wasm_split(
        payment,
        fallible,
        preload(#[doc(hidden)] load_payment),
        return_wrapper(let pending = _; { pending.await } -> Result<Started, WidgetError>)
    )
)]
pub fn begin(
    options: Arc<Options>,
    method: SourceType,
    phone_number: Option<String>,
    sent: Sent,
) -> Pending<Started> {
    Box::pin(async move { start(&options, method, phone_number.as_deref(), sent).await })
}

/// Fetches the payment's module now, when a finger touches a method (well before the tap
/// ends), so that the tap does not wait for it; a failure is left for the tap to meet and tell.
pub fn prefetch() {
    #[cfg(feature = "split")]
    leptos::task::spawn_local(async {
        let _ = load_payment().await;
    });
}

/// [`wait_for_result`], taking what it borrows.
#[cfg_attr(
    feature = "split",
    wasm_split_helpers::wasm_split(payment, fallible, return_wrapper(let pending = _; { pending.await } -> Result<Option<Payment>, WidgetError>))
)]
pub fn follow(
    options: Arc<Options>,
    id: String,
    alive: Box<dyn Fn() -> bool>,
    reconnecting: Box<dyn Fn(bool)>,
) -> Pending<Option<Payment>> {
    Box::pin(async move { wait_for_result(&options, &id, alive, reconnecting).await })
}
