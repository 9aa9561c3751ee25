//! WooshPay's API objects (seed 004), field for field in the seed's order, then Stripe's usual
//! others: PaymentIntents, Checkout Sessions, refunds, webhook endpoints and events. The
//! sandbox writes them, the merchant's server reads them; statuses, reasons and event types
//! are open enums, so a value a newer gateway adds is kept, never refused.

use crate::ids::{
    CheckoutSessionId, LineItemId, PaymentIntentId, PaymentMethodId, PriceId, ProductId,
    WebhookEndpointId, WooshpayEventId, WooshpayRefundId,
};
use crate::money::{Amount, Currency};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

open_enum! {
    /// Where a PaymentIntent is: `requires_payment_method` -> `requires_confirmation` ->
    /// (confirm) `requires_action` -> `processing` -> `succeeded`; a failed attempt goes back
    /// to `requires_payment_method` with `last_payment_error`; `canceled` before `processing`.
    pub enum PaymentIntentStatus {
        /// No payment method yet, or the last attempt failed.
        RequiresPaymentMethod = "requires_payment_method",
        /// A payment method, not yet confirmed.
        RequiresConfirmation = "requires_confirmation",
        /// The customer must act at Alipay (`next_action`).
        RequiresAction = "requires_action",
        /// Alipay accepted the payment and is settling it.
        Processing = "processing",
        /// Paid.
        Succeeded = "succeeded",
        /// Cancelled by the merchant (or its Checkout Session expired).
        Canceled = "canceled",
    }
}

impl PaymentIntentStatus {
    /// Whether the customer has not paid yet, so the PaymentIntent can still be confirmed
    /// (a new attempt) or canceled.
    pub fn awaits_payment(&self) -> bool {
        matches!(
            self,
            Self::RequiresPaymentMethod | Self::RequiresConfirmation | Self::RequiresAction
        )
    }
}

open_enum! {
    /// The device the customer pays on, which decides Alipay's page.
    pub enum TerminalType {
        /// A desktop browser: Alipay's cashier page shows a QR code to scan with the app.
        Web = "WEB",
        /// A phone's browser: the customer is handed to the Alipay app.
        App = "APP",
    }
}

open_enum! {
    /// The phone's system, with `terminal_type: APP`.
    pub enum OsType {
        /// iPhone, iPad.
        Ios = "IOS",
        /// Android.
        Android = "ANDROID",
    }
}

open_enum! {
    /// Why the merchant canceled a PaymentIntent (`cancellation_reason`).
    pub enum CancellationReason {
        /// A second PaymentIntent for one order.
        Duplicate = "duplicate",
        /// Suspected fraud.
        Fraudulent = "fraudulent",
        /// The customer asked.
        RequestedByCustomer = "requested_by_customer",
        /// Nobody paid (also when its Checkout Session expired).
        Abandoned = "abandoned",
    }
}

open_enum! {
    /// What `next_action` asks of the customer.
    pub enum NextActionType {
        /// Go to `alipay_handle_redirect.url`.
        RedirectToUrl = "redirect_to_url",
    }
}

open_enum! {
    /// Why the last attempt at Alipay failed (`last_payment_error.code`): WooshPay's one
    /// failure-code enum, from which its message and the customer's sentence come.
    pub enum PaymentErrorCode {
        /// The customer's Alipay payment did not go through.
        PaymentAttemptFailed = "payment_intent_payment_attempt_failed",
    }
}

impl PaymentErrorCode {
    /// The gateway's sentence for it (`last_payment_error.message`).
    pub fn message(&self) -> &'static str {
        match self {
            Self::PaymentAttemptFailed => "The customer's Alipay payment failed. Ask them to try again or use another payment method.",
            Self::Unknown(_) => "The payment failed.",
        }
    }

    /// The checkout's failure code for it, whose sentence the customer reads in their language.
    pub fn failure_code(&self) -> crate::failure::FailureCode {
        match self {
            Self::PaymentAttemptFailed | Self::Unknown(_) => {
                crate::failure::FailureCode::PaymentRejected
            }
        }
    }
}

/// `next_action`: where the customer must go while the PaymentIntent `requires_action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextAction {
    /// `redirect_to_url`.
    #[serde(rename = "type")]
    pub kind: NextActionType,
    /// Alipay's page (a QR on the web, the app on phones).
    #[serde(default)]
    pub alipay_handle_redirect: Option<RedirectTo>,
}

/// `alipay_handle_redirect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedirectTo {
    /// Alipay's page.
    pub url: String,
}

/// `last_payment_error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentError {
    /// `invalid_request_error`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Why.
    pub code: PaymentErrorCode,
    /// A sentence for the merchant.
    #[serde(default)]
    pub message: String,
    /// The attempt's payment method.
    #[serde(default)]
    pub payment_method: Option<PaymentMethodRef>,
}

impl PaymentError {
    /// The error for `code` about attempt `payment_method`, with the code's message.
    pub fn new(code: PaymentErrorCode, payment_method: Option<PaymentMethodId>) -> Self {
        Self {
            kind: "invalid_request_error".into(),
            message: code.message().into(),
            code,
            payment_method: Some(PaymentMethodRef {
                id: payment_method,
                kind: "alipay".into(),
            }),
        }
    }
}

/// `last_payment_error.payment_method`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodRef {
    /// `pm_...`.
    pub id: Option<PaymentMethodId>,
    /// `alipay`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `payment_method_options`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodOptions {
    /// `alipay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alipay: Option<AlipayOptions>,
}

/// `payment_method_options.alipay`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlipayOptions {
    /// `WEB` or `APP`.
    pub terminal_type: TerminalType,
    /// `IOS` or `ANDROID`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_type: Option<OsType>,
    /// The customer's IP address, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
}

/// A PaymentIntent as the secret key reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentIntent {
    /// `pi_` and 19 digits.
    pub id: PaymentIntentId,
    /// `payment_intent`.
    pub object: String,
    /// Epoch milliseconds.
    pub created: i64,
    /// Upper-case code.
    pub currency: Currency,
    /// Smallest currency unit.
    pub amount: Amount,
    /// Where it is.
    pub status: PaymentIntentStatus,
    /// Always false in the sandbox.
    pub livemode: bool,
    /// Lets a browser read the client-safe fields with the publishable key.
    pub client_secret: String,
    /// While the customer must act.
    pub next_action: Option<NextAction>,
    /// `["alipay"]`.
    pub payment_method_types: Vec<String>,
    /// `automatic`.
    pub confirmation_method: String,
    /// The Alipay options it was created or last confirmed with.
    #[serde(default)]
    pub payment_method_options: PaymentMethodOptions,
    /// Where Alipay sends the customer back.
    pub return_url: Option<String>,
    /// `pm_...` of the current attempt.
    pub payment_method: Option<PaymentMethodId>,
    /// `automatic`.
    pub capture_method: String,
    /// What was paid.
    pub amount_received: Amount,
    /// Why the last attempt failed.
    pub last_payment_error: Option<PaymentError>,
    /// Epoch seconds, as Stripe's.
    pub canceled_at: Option<i64>,
    /// Why it was canceled.
    pub cancellation_reason: Option<CancellationReason>,
    /// The merchant's description.
    pub description: Option<String>,
    /// The merchant's key-value pairs.
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

open_enum! {
    /// Where a Checkout Session is.
    pub enum CheckoutSessionStatus {
        /// The customer can pay.
        Open = "open",
        /// Paid.
        Complete = "complete",
        /// Not paid by `expires_at`, or expired by the merchant.
        Expired = "expired",
    }
}

open_enum! {
    /// Whether a Checkout Session's payment is made.
    pub enum PaymentStatus {
        /// Paid.
        Paid = "paid",
        /// Not yet.
        Unpaid = "unpaid",
        /// Nothing to pay.
        NoPaymentRequired = "no_payment_required",
    }
}

/// A list, as Stripe writes one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// `list`.
    pub object: String,
    /// The list's own path, for lists served by themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether more items exist than `data` holds, for lists served by themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    /// The items.
    pub data: Vec<T>,
}

impl<T> List<T> {
    /// A list inside another object (`line_items`).
    pub fn inner(data: Vec<T>) -> Self {
        Self {
            object: "list".into(),
            url: None,
            has_more: None,
            data,
        }
    }

    /// A list served at `url`, whole.
    pub fn at(url: &str, data: Vec<T>) -> Self {
        Self {
            object: "list".into(),
            url: Some(url.into()),
            has_more: Some(false),
            data,
        }
    }
}

/// A Checkout Session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSession {
    /// `cs_` and 19 digits.
    pub id: CheckoutSessionId,
    /// `checkout.session`.
    pub object: String,
    /// Epoch milliseconds.
    pub created: i64,
    /// Upper-case code, every line item's.
    pub currency: Currency,
    /// Empty: no customer objects here.
    pub customer: String,
    /// `payment`.
    pub mode: String,
    /// Always false in the sandbox.
    pub livemode: bool,
    /// Where it is.
    pub status: CheckoutSessionStatus,
    /// The hosted payment page.
    pub url: String,
    /// Where the customer goes on cancelling.
    pub cancel_url: Option<String>,
    /// What is bought.
    pub line_items: List<LineItem>,
    /// The session's PaymentIntent.
    pub payment_intent: PaymentIntentId,
    /// `["alipay"]`.
    pub payment_method_types: Vec<String>,
    /// Whether it is paid.
    pub payment_status: PaymentStatus,
    /// Where the customer goes once paid.
    pub success_url: String,
    /// The items' sum.
    pub amount_subtotal: Amount,
    /// What is paid.
    pub amount_total: Amount,
    /// `auto`.
    pub billing_address_collection: String,
    /// Epoch milliseconds.
    pub expires_at: i64,
    /// Empty: no payment links here.
    pub payment_link: String,
    /// The PaymentIntent's client secret.
    pub client_secret: String,
    /// The merchant's key-value pairs.
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// A Checkout Session's line item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    /// `li_...`.
    pub id: LineItemId,
    /// `item`.
    pub object: String,
    /// Upper-case code.
    pub currency: Currency,
    /// The product's name.
    pub description: String,
    /// Its price.
    pub price: Price,
    /// How many.
    pub quantity: i64,
    /// `unit_amount * quantity`.
    pub amount_subtotal: Amount,
    /// What is paid for the line.
    pub amount_total: Amount,
}

/// A line item's price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// `price_...`.
    pub id: PriceId,
    /// `price`.
    pub object: String,
    /// Epoch milliseconds.
    pub created: i64,
    /// Whether it can be bought.
    pub active: bool,
    /// Upper-case code.
    pub currency: Currency,
    /// What is sold.
    pub product: Product,
    /// `one_time`: Alipay takes no recurring prices.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always false in the sandbox.
    pub livemode: bool,
    /// Smallest currency unit.
    pub unit_amount: Amount,
    /// `per_unit`.
    pub billing_scheme: String,
    /// The merchant's name for the price.
    pub lookup_key: Option<String>,
}

/// A price's product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// `prod_...`.
    pub id: ProductId,
    /// `product`.
    pub object: String,
    /// Epoch milliseconds.
    pub created: i64,
    /// Whether it is sold.
    pub active: bool,
    /// Its name.
    pub name: String,
    /// Always false in the sandbox.
    pub livemode: bool,
    /// Epoch milliseconds.
    pub updated: i64,
}

open_enum! {
    /// Where a refund is.
    pub enum RefundStatus {
        /// Under way.
        Pending = "pending",
        /// Returned to the customer.
        Succeeded = "succeeded",
        /// Could not be returned.
        Failed = "failed",
        /// Canceled before it was made.
        Canceled = "canceled",
    }
}

open_enum! {
    /// Why the merchant refunded.
    pub enum RefundReason {
        /// Paid twice.
        Duplicate = "duplicate",
        /// Suspected fraud.
        Fraudulent = "fraudulent",
        /// The customer asked.
        RequestedByCustomer = "requested_by_customer",
    }
}

/// A refund of a succeeded PaymentIntent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// `re_...`.
    pub id: WooshpayRefundId,
    /// `refund`.
    pub object: String,
    /// Smallest currency unit.
    pub amount: Amount,
    /// Upper-case code.
    pub currency: Currency,
    /// Epoch milliseconds.
    pub created: i64,
    /// What it refunds.
    pub payment_intent: PaymentIntentId,
    /// Why.
    pub reason: Option<RefundReason>,
    /// Where it is.
    pub status: RefundStatus,
    /// The merchant's key-value pairs.
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// A webhook endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    /// `we_...`.
    pub id: WebhookEndpointId,
    /// `webhook_endpoint`.
    pub object: String,
    /// Where events are POSTed.
    pub url: String,
    /// Event types sent there, or `*` for all.
    pub enabled_events: Vec<String>,
    /// `enabled`.
    pub status: String,
    /// Always false in the sandbox.
    pub livemode: bool,
    /// Epoch milliseconds.
    pub created: i64,
    /// What deliveries are signed with: shown when the endpoint is created, never listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookEndpoint {
    /// Whether events of `kind` are sent to it.
    pub fn wants(&self, kind: &EventType) -> bool {
        self.enabled_events
            .iter()
            .any(|enabled| enabled == "*" || enabled == kind.as_str())
    }
}

open_enum! {
    /// What an event says happened.
    pub enum EventType {
        /// A PaymentIntent was created.
        PaymentIntentCreated = "payment_intent.created",
        /// The customer must act at Alipay.
        PaymentIntentRequiresAction = "payment_intent.requires_action",
        /// Alipay accepted the payment and is settling it.
        PaymentIntentProcessing = "payment_intent.processing",
        /// Paid.
        PaymentIntentSucceeded = "payment_intent.succeeded",
        /// An attempt failed.
        PaymentIntentPaymentFailed = "payment_intent.payment_failed",
        /// Canceled.
        PaymentIntentCanceled = "payment_intent.canceled",
        /// A refund was made.
        RefundCreated = "refund.created",
        /// A Checkout Session was paid.
        CheckoutSessionCompleted = "checkout.session.completed",
        /// A Checkout Session expired.
        CheckoutSessionExpired = "checkout.session.expired",
    }
}

/// An event: what happened, with the object as it was then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_...`.
    pub id: WooshpayEventId,
    /// `event`.
    pub object: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Epoch milliseconds.
    pub created: i64,
    /// Always false in the sandbox.
    pub livemode: bool,
    /// The object.
    pub data: EventData,
}

/// `event.data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The object the event is about.
    pub object: EventObject,
}

/// The object of an event, by its `object` field.
#[derive(Debug, Clone, PartialEq)]
pub enum EventObject {
    /// `payment_intent`.
    PaymentIntent(Box<PaymentIntent>),
    /// `checkout.session`.
    CheckoutSession(Box<CheckoutSession>),
    /// `refund`.
    Refund(Box<Refund>),
    /// An object this version does not know, kept as it came.
    Unknown(Value),
}

impl From<PaymentIntent> for EventObject {
    fn from(intent: PaymentIntent) -> Self {
        EventObject::PaymentIntent(Box::new(intent))
    }
}

impl From<CheckoutSession> for EventObject {
    fn from(session: CheckoutSession) -> Self {
        EventObject::CheckoutSession(Box::new(session))
    }
}

impl From<Refund> for EventObject {
    fn from(refund: Refund) -> Self {
        EventObject::Refund(Box::new(refund))
    }
}

impl Serialize for EventObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            EventObject::PaymentIntent(intent) => intent.serialize(serializer),
            EventObject::CheckoutSession(session) => session.serialize(serializer),
            EventObject::Refund(refund) => refund.serialize(serializer),
            EventObject::Unknown(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for EventObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(deserializer)?;
        let typed = match value.get("object").and_then(Value::as_str) {
            Some("payment_intent") => serde_json::from_value(value).map(Self::PaymentIntent),
            Some("checkout.session") => serde_json::from_value(value).map(Self::CheckoutSession),
            Some("refund") => serde_json::from_value(value).map(Self::Refund),
            _ => Ok(Self::Unknown(value)),
        };
        typed.map_err(D::Error::custom)
    }
}

/// An error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorAnswer {
    /// The error.
    pub error: ErrorObject,
}

/// WooshPay's error object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// `invalid_request_error`, `authentication_error`, `rate_limit_error`, `api_error`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// `parameter_missing`, `resource_missing`, ...
    pub code: String,
    /// A sentence for the developer.
    pub message: String,
    /// The parameter at fault, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_keep_a_value_a_newer_gateway_adds() {
        let status: PaymentIntentStatus = serde_json::from_str("\"requires_capture\"").unwrap();
        assert_eq!(
            status,
            PaymentIntentStatus::Unknown("requires_capture".into())
        );
        assert!(!status.awaits_payment());
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            "\"requires_capture\""
        );
        for known in PaymentIntentStatus::KNOWN {
            assert_eq!(&PaymentIntentStatus::parse(known.as_str()), known);
        }
        for known in EventType::KNOWN {
            assert_eq!(&EventType::parse(known.as_str()), known);
        }
    }

    #[test]
    fn an_event_reads_its_object_by_the_object_field() {
        let refund = r#"{"id":"re_1","object":"refund","amount":5,"currency":"CNY","created":1,
            "payment_intent":"pi_1","reason":null,"status":"succeeded","metadata":{}}"#;
        let event: Event = serde_json::from_str(&format!(
            r#"{{"id":"evt_1","object":"event","type":"refund.created","created":1,"livemode":false,"data":{{"object":{refund}}}}}"#
        ))
        .unwrap();
        assert_eq!(event.kind, EventType::RefundCreated);
        let EventObject::Refund(read) = &event.data.object else {
            panic!("not a refund: {:?}", event.data.object);
        };
        assert_eq!(
            (read.amount, &read.status),
            (Amount(5), &RefundStatus::Succeeded)
        );
        let other: EventObject =
            serde_json::from_str(r#"{"object":"payout","id":"po_1"}"#).unwrap();
        assert!(matches!(other, EventObject::Unknown(_)));
        // A known kind that does not read as its type is an error, not an unknown object.
        assert!(serde_json::from_str::<EventObject>(r#"{"object":"refund"}"#).is_err());
    }
}
