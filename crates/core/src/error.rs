//! The one error type of the core.

use crate::money::{Amount, Currency};

/// Why a value from outside (a request, a user agent, an option) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The source type is not one the registry knows.
    #[error("unknown source type '{0}'")]
    UnknownSourceType(String),
    /// The currency is not a three-letter ISO 4217 code.
    #[error("'{0}' is not a currency code")]
    InvalidCurrency(String),
    /// The method does not take this currency.
    #[error("{method} does not accept {currency}; it accepts {accepted}")]
    CurrencyNotSupported {
        /// Display name of the method.
        method: &'static str,
        /// The refused currency.
        currency: Currency,
        /// The accepted currencies, comma-separated.
        accepted: String,
    },
    /// The amount is outside the method's limits for the currency.
    #[error("{method} amount must be between {min} and {max} {currency} (in the smallest unit), got {amount}")]
    AmountOutOfLimits {
        /// Display name of the method.
        method: &'static str,
        /// The refused amount.
        amount: Amount,
        /// The currency.
        currency: Currency,
        /// Smallest accepted amount.
        min: Amount,
        /// Largest accepted amount.
        max: Amount,
    },
    /// A timestamp that is not `YYYY-MM-DDTHH:MM:SS(.fff)Z` (or with a numeric offset).
    #[error("'{0}' is not an ISO 8601 timestamp such as 2024-09-18T05:06:29Z")]
    InvalidTimestamp(String),
    /// A PromptPay id that is not a Thai phone number, a 13-digit tax id or a 15-digit e-wallet id.
    #[error("'{0}' is not a PromptPay id (phone number, 13-digit tax id or 15-digit e-wallet id)")]
    InvalidPromptPayId(String),
    /// A field of a PayNow QR that SGQR does not allow (too long, or characters it forbids).
    #[error("a PayNow QR cannot carry '{value}' as its {field}")]
    InvalidPayNowField {
        /// Which field: `UEN`, `merchant name`, `reference`, `amount`, `expiry date`.
        field: &'static str,
        /// What was given.
        value: String,
    },
    /// A platform type other than `WEB`, `IOS`, `ANDROID`.
    #[error("platform_type must be WEB, IOS or ANDROID, got '{0}'")]
    InvalidPlatform(String),
}
