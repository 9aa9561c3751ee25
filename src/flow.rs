//! The checkout's steps: start a payment with a method, then wait for its result.

use crate::options::Options;
use crate::{gateway, merchant, redirect, WidgetError};
use paywasm_core::method::SourceType;
use paywasm_core::objects::{CheckoutCharge, Flow, PlatformType};
use paywasm_core::platform::detect_platform;
use paywasm_core::poll::{Answer, PollSchedule, LONG_POLL_WAIT_SECS};

/// What a started payment asks of the widget next.
#[derive(Debug, Clone, PartialEq)]
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

/// Creates the source with the public key and asks the merchant server for the charge.
pub async fn start(options: &Options, method: SourceType) -> Result<Started, WidgetError> {
    let order = options.order.as_deref().ok_or_else(|| {
        WidgetError::InvalidOptions("order is required to start a payment".into())
    })?;
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
        Flow::Offline => Ok(Started::Wait(charge)),
    }
}

/// Asks the merchant server for the charge, one request at a time on [`PollSchedule`], until
/// it is no longer pending. `alive` is checked between requests (false once the widget is
/// unmounted: the wait then ends with `Ok(None)`); `reconnecting` is told whether requests
/// are failing, so the customer can be told. Nothing is asked while the page is hidden, and a
/// page that becomes visible asks at once.
pub async fn wait_for_result(
    charge_url: &str,
    charge_id: &str,
    alive: impl Fn() -> bool,
    reconnecting: impl Fn(bool),
) -> Result<Option<CheckoutCharge>, WidgetError> {
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
        let answer = merchant::charge(charge_url, charge_id, LONG_POLL_WAIT_SECS).await;
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
