//! Options of the cashier's view: no public key is involved, since the merchant server charges
//! the scanned code with its secret key. A Leptos app builds [`PosOptions`]; `mount` with
//! `mode: "pos"` reads them from JavaScript (`js_api`); both are checked by
//! [`PosOptions::check`].

use crate::WidgetError;
use paywasm_core::money::{Amount, Currency};

/// The cashier's view for one sale.
///
/// ```
/// use paywasm::{Amount, Currency, PosOptions};
///
/// let options = PosOptions::new(Amount(12_000), Currency::thb(), "/pos/charges", "/checkout/charges", "store_1", "till_2")
///     .store_name("Silom")
///     .locale("th")
///     .check()
///     .expect("valid options");
/// assert_eq!(options.terminal_id, "till_2");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PosOptions {
    /// The sale's amount, smallest unit.
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// The merchant server's POS endpoint (`POST {posUrl}`, `/{id}/cancel`, `/{id}/refunds`).
    pub pos_url: String,
    /// The charge status endpoint (`GET {chargeUrl}/{id}?wait=N`).
    pub charge_url: String,
    /// The store.
    pub store_id: String,
    /// The store's name.
    pub store_name: Option<String>,
    /// The terminal.
    pub terminal_id: String,
    /// `en`, `th`, `ja` or `zh`; else the browser's languages.
    pub locale: Option<String>,
}

impl PosOptions {
    /// A sale of `amount` in `currency` at one store's terminal.
    pub fn new(
        amount: Amount,
        currency: Currency,
        pos_url: impl Into<String>,
        charge_url: impl Into<String>,
        store_id: impl Into<String>,
        terminal_id: impl Into<String>,
    ) -> Self {
        Self {
            amount,
            currency,
            pos_url: pos_url.into(),
            charge_url: charge_url.into(),
            store_id: store_id.into(),
            store_name: None,
            terminal_id: terminal_id.into(),
            locale: None,
        }
    }

    /// The store's name, shown to the cashier.
    pub fn store_name(mut self, name: impl Into<String>) -> Self {
        self.store_name = Some(name.into());
        self
    }

    /// The cashier's language.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Checks the options; each mistake is named.
    pub fn check(self) -> Result<Self, WidgetError> {
        if self.amount.0 <= 0 {
            return Err(invalid(
                "amount must be a positive integer in the smallest currency unit",
            ));
        }
        let required = |value: String, message: &str| {
            if value.trim().is_empty() {
                Err(invalid(message))
            } else {
                Ok(value)
            }
        };
        Ok(Self {
            pos_url: required(
                self.pos_url,
                "posUrl is required: your server's POS charge endpoint",
            )?
            .trim_end_matches('/')
            .to_owned(),
            charge_url: required(
                self.charge_url,
                "chargeUrl is required: your server's charge status endpoint",
            )?
            .trim_end_matches('/')
            .to_owned(),
            store_id: required(self.store_id, "storeId is required")?,
            terminal_id: required(self.terminal_id, "terminalId is required")?,
            store_name: self.store_name.filter(|name| !name.trim().is_empty()),
            ..self
        })
    }
}

fn invalid(message: &str) -> WidgetError {
    WidgetError::InvalidOptions(message.into())
}
