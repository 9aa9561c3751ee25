//! The widget's words. English today; every sentence a customer reads lives here so that
//! Thai (and more) is a table, not a hunt through the views.

use paywasm_core::money::{Amount, Currency};

/// Sentences in one language.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    /// Heading of the method list, before the amount.
    pub choose_prefix: &'static str,
    /// Accessible name of the method list.
    pub methods_label: &'static str,
    /// While the source and charge are being created, before the method's name.
    pub preparing: &'static str,
    /// While the browser leaves for the authorize page.
    pub redirecting: &'static str,
    /// While waiting for a QR payment.
    pub waiting_qr: &'static str,
    /// Under the QR.
    pub qr_instructions: &'static str,
    /// Before the amount in the QR's accessible name.
    pub qr_alt_prefix: &'static str,
    /// While the customer's return is being confirmed.
    pub confirming: &'static str,
    /// After several failed status requests.
    pub reconnecting: &'static str,
    /// The charge succeeded.
    pub successful: &'static str,
    /// The charge failed; before the reason.
    pub failed_prefix: &'static str,
    /// After the reason of a failure.
    pub failed_next: &'static str,
    /// The charge expired.
    pub expired: &'static str,
    /// Nothing can be offered for this amount.
    pub unavailable_prefix: &'static str,
    /// After the amount, when nothing can be offered.
    pub unavailable_next: &'static str,
    /// The payment could not be started; before the reason.
    pub start_failed_prefix: &'static str,
    /// Button: start again.
    pub try_again: &'static str,
    /// Button: a new QR after expiry.
    pub new_qr: &'static str,
}

/// English.
pub const EN: Texts = Texts {
    choose_prefix: "Choose how to pay",
    methods_label: "Payment method",
    preparing: "Preparing your payment with",
    redirecting: "Taking you to Alipay to approve the payment…",
    waiting_qr: "Waiting for your payment. Scan the QR code with your banking app.",
    qr_instructions: "Open your banking app, scan this QR code and confirm the payment. On a phone, take a screenshot and upload it in the app.",
    qr_alt_prefix: "PromptPay QR code to pay",
    confirming: "Confirming your payment…",
    reconnecting: "Connection lost. Reconnecting… Your payment is safe.",
    successful: "Payment successful. Thank you!",
    failed_prefix: "Payment failed:",
    failed_next: "You can try again or choose another method.",
    expired: "The payment expired before it was completed. You can start a new one.",
    unavailable_prefix: "No payment method here can take",
    unavailable_next: "Please contact the shop.",
    start_failed_prefix: "We could not start the payment.",
    try_again: "Try again",
    new_qr: "New QR code",
};

/// The sentences for `locale` (English for any locale not yet translated).
pub fn texts(_locale: &str) -> &'static Texts {
    &EN
}

/// An amount for people (`THB 1,290.00`).
pub fn amount(amount: Amount, currency: &Currency) -> String {
    currency.display(amount)
}
