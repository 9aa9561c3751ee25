//! Omise's API objects, field for field as the seed documents show them
//! (API version 2017-11-02). Fields the sandbox never fills are kept, as `null`, so that
//! clients written against the real gateway find every key they expect.

use crate::ids::{ChargeId, DocumentId, RefundId, SourceId};
use crate::method::SourceType;
use crate::money::{Amount, Currency};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A source's flow and a customer's platform, as the method registry and platform detection
/// define them, under the objects' names.
pub use crate::method::Flow;
pub use crate::platform::PlatformType;

/// A charge's status: the checkout's statuses are Omise's, name for name.
pub use crate::checkout::Status as ChargeStatus;

open_enum! {
    /// What an event announces (its `key`), as Omise's webhooks documentation names them.
    pub enum EventKey {
        /// A charge was created.
        ChargeCreate = "charge.create",
        /// A pending charge ended: paid, failed or expired (Omise lists no `charge.expire`).
        ChargeComplete = "charge.complete",
        /// A refund was made.
        RefundCreate = "refund.create",
    }
}

/// A document the gateway serves, such as the PromptPay QR image (`scannable_code.image`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Always `"document"`.
    pub object: String,
    /// Always `false` in the sandbox.
    pub livemode: bool,
    /// `docu_test_...`.
    pub id: DocumentId,
    /// Whether the document was deleted.
    pub deleted: bool,
    /// `qrcode.svg`.
    pub filename: String,
    /// The document's API path.
    pub location: String,
    /// `qr`.
    pub kind: String,
    /// Where the image can be downloaded without credentials.
    pub download_uri: String,
    /// When it was made.
    pub created_at: Timestamp,
}

/// A code the customer scans (`source.scannable_code`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScannableCode {
    /// Always `"barcode"`.
    pub object: String,
    /// `qr`.
    #[serde(rename = "type")]
    pub code_type: String,
    /// The image.
    pub image: Document,
}

/// A payment source (`POST /sources`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Always `"source"`.
    pub object: String,
    /// `src_test_...`.
    pub id: SourceId,
    /// Always `false` in the sandbox.
    pub livemode: bool,
    /// `/sources/{id}`.
    pub location: String,
    /// In the smallest currency unit.
    pub amount: Amount,
    /// The customer's payment code, for in-store methods.
    pub barcode: Option<String>,
    /// Unused by the seed methods.
    pub bank: Option<Value>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Currency code.
    pub currency: Currency,
    /// Unused by the seed methods.
    pub email: Option<String>,
    /// How the customer authorises it.
    pub flow: Flow,
    /// Unused by the seed methods.
    pub installment_term: Option<i64>,
    /// The IP address the source was created from.
    pub ip: Option<String>,
    /// Unused by the seed methods.
    pub absorption_type: Option<String>,
    /// Unused by the seed methods.
    pub name: Option<String>,
    /// Unused by the seed methods.
    pub mobile_number: Option<String>,
    /// Unused by the seed methods.
    pub phone_number: Option<String>,
    /// The customer's platform, where given.
    pub platform_type: Option<PlatformType>,
    /// The QR to show, once a charge exists (PromptPay).
    pub scannable_code: Option<ScannableCode>,
    /// Unused by the seed methods.
    pub billing: Option<Value>,
    /// Unused by the seed methods.
    pub shipping: Option<Value>,
    /// Line items.
    pub items: Vec<Value>,
    /// Payment references, where the method has them.
    pub references: Option<Value>,
    /// The provider's references.
    pub provider_references: Option<Value>,
    /// In-store: the store.
    pub store_id: Option<String>,
    /// In-store: the store's name.
    pub store_name: Option<String>,
    /// In-store: the terminal.
    pub terminal_id: Option<String>,
    /// The method.
    #[serde(rename = "type")]
    pub source_type: SourceType,
    /// Unused by the seed methods.
    pub zero_interest_installments: Option<bool>,
    /// `unknown` until charged, then the charge's status.
    pub charge_status: String,
    /// Unused by the seed methods.
    pub receipt_amount: Option<Amount>,
    /// Discounts.
    pub discounts: Vec<Value>,
    /// Unused by the seed methods.
    pub promotion_code: Option<String>,
}

/// A list object (`{"object": "list", ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// Always `"list"`.
    pub object: String,
    /// The items of this page.
    pub data: Vec<T>,
    /// Page size.
    pub limit: u32,
    /// Items skipped.
    pub offset: u32,
    /// Items in all pages.
    pub total: u32,
    /// The list's API path.
    pub location: Option<String>,
    /// `chronological` or `reverse_chronological`.
    pub order: String,
    /// Lower bound of `created_at`.
    pub from: Timestamp,
    /// Upper bound of `created_at`.
    pub to: Timestamp,
}

/// `transaction_fees` of a charge, rates as decimal strings in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionFees {
    /// A flat fee.
    pub fee_flat: String,
    /// Percent of the amount.
    pub fee_rate: String,
    /// Percent of the fee.
    pub vat_rate: String,
}

/// `platform_fee` of a charge (platform partners only: always nulls here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlatformFee {
    /// Fixed part.
    pub fixed: Option<Amount>,
    /// Amount.
    pub amount: Option<Amount>,
    /// Percentage.
    pub percentage: Option<String>,
}

/// A refund of a charge (`POST /charges/:id/refunds`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// Always `"refund"`.
    pub object: String,
    /// `rfnd_test_...`.
    pub id: RefundId,
    /// `/charges/{charge}/refunds/{id}`.
    pub location: String,
    /// Always `false` in the sandbox.
    pub livemode: bool,
    /// In the smallest currency unit.
    pub amount: Amount,
    /// The charge's currency.
    pub currency: Currency,
    /// What is taken back from the merchant's funding.
    pub funding_amount: Amount,
    /// The funding currency.
    pub funding_currency: Currency,
    /// The refunded charge's id.
    pub charge: ChargeId,
    /// The refund's transaction.
    pub transaction: String,
    /// `closed` once refunded.
    pub status: String,
    /// Voided.
    pub voided: bool,
    /// The merchant's metadata.
    pub metadata: serde_json::Map<String, Value>,
    /// Creation time.
    pub created_at: Timestamp,
}

/// A charge (`POST /charges`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    /// Always `"charge"`.
    pub object: String,
    /// `chrg_test_...`.
    pub id: ChargeId,
    /// `/charges/{id}`.
    pub location: String,
    /// In the smallest currency unit.
    pub amount: Amount,
    /// Unused by the seed methods.
    pub acquirer_reference_number: Option<String>,
    /// `amount - fee - fee_vat`.
    pub net: Amount,
    /// The gateway's fee.
    pub fee: Amount,
    /// VAT on the fee.
    pub fee_vat: Amount,
    /// Installment interest (0).
    pub interest: Amount,
    /// VAT on interest (0).
    pub interest_vat: Amount,
    /// What the merchant is funded.
    pub funding_amount: Amount,
    /// Sum of refunds.
    pub refunded_amount: Amount,
    /// Fee rates.
    pub transaction_fees: TransactionFees,
    /// Platform partner fee.
    pub platform_fee: PlatformFee,
    /// Currency code.
    pub currency: Currency,
    /// Funding currency code.
    pub funding_currency: Currency,
    /// The customer's IP address.
    pub ip: Option<String>,
    /// Refunds (a list object).
    pub refunds: List<Refund>,
    /// Payment link.
    pub link: Option<String>,
    /// The merchant's description.
    pub description: Option<String>,
    /// The merchant's metadata.
    pub metadata: serde_json::Map<String, Value>,
    /// Card (never, for these methods).
    pub card: Option<Value>,
    /// The source.
    pub source: Source,
    /// Schedule.
    pub schedule: Option<String>,
    /// Linked account.
    pub linked_account: Option<String>,
    /// Customer.
    pub customer: Option<String>,
    /// Dispute.
    pub dispute: Option<Value>,
    /// Transaction.
    pub transaction: Option<String>,
    /// Why it failed.
    pub failure_code: Option<crate::failure::ReportedFailure>,
    /// A sentence for people about why it failed.
    pub failure_message: Option<String>,
    /// Status.
    pub status: ChargeStatus,
    /// Where to send the customer (`app_redirect`).
    pub authorize_uri: Option<String>,
    /// Where the customer comes back to.
    pub return_uri: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// When it was paid.
    pub paid_at: Option<Timestamp>,
    /// When it was authorised.
    pub authorized_at: Option<Timestamp>,
    /// When a pending charge expires.
    pub expires_at: Option<Timestamp>,
    /// When it expired.
    pub expired_at: Option<Timestamp>,
    /// When it was reversed.
    pub reversed_at: Option<Timestamp>,
    /// Unused.
    pub zero_interest_installments: bool,
    /// In-store: branch.
    pub branch: Option<Value>,
    /// In-store: terminal.
    pub terminal: Option<Value>,
    /// In-store: device.
    pub device: Option<Value>,
    /// Authorised.
    pub authorized: bool,
    /// Capturable.
    pub capturable: bool,
    /// Captured on authorisation.
    pub capture: bool,
    /// Disputable.
    pub disputable: bool,
    /// Always `false` in the sandbox.
    pub livemode: bool,
    /// Whether a refund is possible now.
    pub refundable: bool,
    /// Whether a partial refund is possible now.
    pub partially_refundable: bool,
    /// Reversed.
    pub reversed: bool,
    /// Reversible.
    pub reversible: bool,
    /// Voided.
    pub voided: bool,
    /// Paid.
    pub paid: bool,
    /// Expired.
    pub expired: bool,
    /// Void possible now.
    pub can_perform_void: bool,
    /// Approval code.
    pub approval_code: Option<String>,
}

/// The gateway's error object: `{"object":"error","location":...,"code":...,"message":...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// Always `"error"`.
    pub object: String,
    /// Documentation of the code.
    pub location: String,
    /// A stable machine-readable code (`authentication_failure`, `invalid_charge`, ...).
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl ErrorObject {
    /// An error object with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            object: "error".into(),
            location: format!("https://www.omise.co/api-errors#{}", code.replace('_', "-")),
            code: code.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_types_use_the_api_spelling() {
        assert_eq!(serde_json::to_value(PlatformType::Ios).unwrap(), "IOS");
        assert_eq!(
            PlatformType::parse("android").unwrap(),
            PlatformType::Android
        );
        assert!(PlatformType::parse("MAC").is_err());
    }
}
