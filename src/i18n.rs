//! The widget's words: the sentences live in `paywasm_core::i18n` (the merchant server's first
//! view uses them too); here, what only the widget needs.

pub use paywasm_core::i18n::*;

use crate::WidgetError;

/// A widget error for the customer.
pub fn error_reason(texts: &Texts, error: &WidgetError) -> &'static str {
    match error {
        WidgetError::Network { .. } => texts.reasons.network,
        WidgetError::UnsafeRedirect => texts.reasons.unsafe_redirect,
        WidgetError::Refused { .. }
        | WidgetError::InvalidResponse { .. }
        | WidgetError::InvalidOptions(_) => texts.reasons.refused,
    }
}
