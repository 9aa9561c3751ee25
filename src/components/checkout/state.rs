//! The checkout's phases.

use crate::WidgetError;
use paywasm_core::checkout::Payment;
use paywasm_core::method::SourceType;

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
    Waiting(Payment),
    /// Back from a redirect, waiting for the charge to settle.
    Confirming,
    /// The charge ended.
    Done(Payment),
    /// The payment could not be started or followed.
    Error(WidgetError),
}

impl Phase {
    /// The name `onStateChange` receives.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Choosing => "choosing",
            Phase::Unavailable => "unavailable",
            Phase::Starting(_) => "starting",
            Phase::Redirecting => "redirecting",
            Phase::Waiting(_) => "waiting",
            Phase::Confirming => "confirming",
            Phase::Done(charge) => match charge.status.as_str() {
                "successful" => "successful",
                "expired" => "expired",
                _ => "failed",
            },
            Phase::Error(_) => "error",
        }
    }

    /// The root's `data-state`, which the CSS styles: the name, and while starting the method
    /// too (`"starting promptpay"`), so that the chosen tile shows the progress. One attribute
    /// rather than two: each reactive attribute costs the widget about 0.5 KB.
    pub fn attribute(&self) -> &'static str {
        match self {
            Phase::Starting(SourceType::Promptpay) => "starting promptpay",
            Phase::Starting(SourceType::Paynow) => "starting paynow",
            Phase::Starting(SourceType::AlipayCn) => "starting alipay_cn",
            _ => self.name(),
        }
    }

    /// Whether a payment is under way, so another must not start.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            Phase::Starting(_) | Phase::Redirecting | Phase::Waiting(_) | Phase::Confirming
        )
    }

    /// Whether arriving here moves the keyboard focus to the status (an outcome or an error
    /// replaced what the customer was using).
    pub fn moves_focus(&self) -> bool {
        matches!(self, Phase::Done(_) | Phase::Error(_))
    }
}
