//! The checkout's steps: start a payment with a method, then wait for its result. One flow
//! for both gateways; what differs lives in one adapter each:
//! - Omise: a source with the public key, the charge by the merchant server
//!   (`POST {chargeUrl}`), the charge's status long-polled from the merchant server.
//! - WooshPay: the merchant server creates and confirms a PaymentIntent for the customer's
//!   platform (`POST {chargeUrl}`), the customer follows `next_action` to Alipay, and the
//!   browser polls the PaymentIntent at the gateway with the publishable key and client secret.

use crate::options::{Gateway, Options};
use crate::{gateway, merchant, redirect, WidgetError};
use paywasm_core::method::SourceType;
use paywasm_core::objects::{CheckoutCharge, Flow, PlatformType};
use paywasm_core::platform::detect_platform;
use paywasm_core::poll::{Answer, PollSchedule, LONG_POLL_WAIT_SECS};

/// What a started payment asks of the widget next.
#[derive(Debug, Clone, PartialEq)]
// Made once per payment and matched at once: boxing the charge would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Started {
    /// Send the customer to this (checked) authorize page.
    Redirect(String),
    /// Show the charge's QR and wait.
    Wait(CheckoutCharge),
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

/// Starts a payment with `method` through the merchant server.
pub async fn start(options: &Options, method: SourceType) -> Result<Started, WidgetError> {
    let order = options.order.as_deref().ok_or_else(|| {
        WidgetError::InvalidOptions("order is required to start a payment".into())
    })?;
    match options.gateway {
        Gateway::Omise => start_omise(options, method, order).await,
        #[cfg(feature = "wooshpay")]
        Gateway::Wooshpay { .. } => start_wooshpay(options, order).await,
        #[cfg(not(feature = "wooshpay"))]
        Gateway::Wooshpay { .. } => Err(crate::options::wooshpay_not_built()),
    }
}

#[cfg(feature = "wooshpay")]
async fn start_wooshpay(options: &Options, order: &str) -> Result<Started, WidgetError> {
    let (terminal_type, os_type) = paywasm_core::wooshpay::terminal_names(current_platform());
    let intent =
        merchant::create_payment_intent(&options.charge_url, order, terminal_type, os_type).await?;
    let url = intent
        .redirect_url()
        .ok_or(WidgetError::InvalidResponse { party: "The shop" })?;
    Ok(Started::Redirect(redirect::checked_authorize_uri(
        url,
        &options.gateway_url,
    )?))
}

/// Creates the source with the public key and asks the merchant server for the charge.
async fn start_omise(
    options: &Options,
    method: SourceType,
    order: &str,
) -> Result<Started, WidgetError> {
    let source = gateway::create_source(options, method, current_platform()).await?;
    let charge = merchant::create_charge(&options.charge_url, &source.id, order).await?;
    match charge.source.flow {
        Flow::AppRedirect | Flow::Redirect => {
            let uri = charge
                .authorize_uri
                .as_deref()
                .ok_or(WidgetError::InvalidResponse { party: "The shop" })?;
            Ok(Started::Redirect(redirect::checked_authorize_uri(
                uri,
                &options.gateway_url,
            )?))
        }
        Flow::Offline => {
            // The QR decides where the customer's money goes: its image comes from the
            // gateway's own pages, as a redirect would.
            if let Some(code) = &charge.source.scannable_code {
                redirect::checked_authorize_uri(&code.image.download_uri, &options.gateway_url)?;
            }
            Ok(Started::Wait(charge))
        }
    }
}

/// Waits for the payment `id` of the checkout to end, through its gateway's adapter (see
/// [`poll_until_done`]).
pub async fn wait_for_result(
    options: &Options,
    id: &str,
    alive: impl Fn() -> bool,
    reconnecting: impl Fn(bool),
) -> Result<Option<CheckoutCharge>, WidgetError> {
    match &options.gateway {
        Gateway::Omise => wait_for_charge(&options.charge_url, id, alive, reconnecting).await,
        #[cfg(not(feature = "wooshpay"))]
        Gateway::Wooshpay { .. } => Err(crate::options::wooshpay_not_built()),
        #[cfg(feature = "wooshpay")]
        Gateway::Wooshpay { client_secret } => {
            let secret = client_secret.as_deref().unwrap_or_default();
            poll_until_done(
                || gateway::payment_intent(options, id, secret),
                alive,
                reconnecting,
            )
            .await
        }
    }
}

/// Waits for an Omise charge, long-polling the merchant server (`GET {charge_url}/{id}?wait=N`).
pub async fn wait_for_charge(
    charge_url: &str,
    charge_id: &str,
    alive: impl Fn() -> bool,
    reconnecting: impl Fn(bool),
) -> Result<Option<CheckoutCharge>, WidgetError> {
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
) -> Result<Option<CheckoutCharge>, WidgetError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<CheckoutCharge, WidgetError>>,
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
