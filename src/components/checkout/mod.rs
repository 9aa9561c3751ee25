//! The customer checkout: method buttons, the QR or the redirect, and the outcome, with one
//! `role="status"` live region that announces every step (DESIGN.md's accessibility contract).
//!
//! Written with web-sys calls, not Leptos (the cashier's view still is): Leptos's reactive graph
//! and view types were 36 KB gzip of the checkout's 92, against a 60 KB target for everything
//! a checkout page downloads (BENCHMARKS.md). The view is small enough to keep by hand: a few
//! persistent nodes, and a QR panel and a "try again" button made and removed as the phase
//! changes (`view.rs`).

mod first_view;
mod state;
mod view;

pub use first_view::take_over;
pub use state::Phase;
pub use view::mount;

use crate::i18n::{self, fill, Texts};
use crate::options::Options;
use paywasm_core::objects::ChargeStatus;

/// What the status region says.
pub(crate) fn status_text(
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
        Phase::Waiting(_) => match notice {
            Some(notice) => format!("{} {notice}", texts.waiting_qr),
            None => texts.waiting_qr.into(),
        },
        Phase::Confirming => texts.confirming.into(),
        Phase::Done(charge) => match &charge.status {
            ChargeStatus::Successful => texts.successful.into(),
            ChargeStatus::Expired => texts.expired.into(),
            _ if charge.failure_code.as_deref() == Some("payment_cancelled") => {
                texts.cancelled.into()
            }
            _ => fill(
                texts.failed,
                i18n::failure_reason(texts, charge.failure_code.as_deref()),
            ),
        },
        Phase::Error(error) => fill(texts.start_failed, i18n::error_reason(texts, error)),
    }
}
