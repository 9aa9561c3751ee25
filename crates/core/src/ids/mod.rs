//! The prefixed ids of both APIs' objects, each a type whose prefix and form are written once,
//! here, and parsed here: servers make them ([`make::new`], feature `make-ids`), a merchant's
//! server checks what a browser sends (`SourceId::parse`).

#[cfg(feature = "make-ids")]
pub mod make;

use std::fmt;

/// How an id is written after its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Omise's test-mode objects: `{prefix}_test_` and 19 base-36 characters.
    OmiseTest,
    /// Ids outside the API's objects (orders, deliveries): `{prefix}_` and 19 base-36 characters.
    Plain,
    /// WooshPay's: `{prefix}_` and a 19-digit, time-ordered number.
    TimeOrdered,
}

/// An id type: its prefix and form.
pub trait PrefixedId: Sized + fmt::Display {
    /// What the id starts with, before `_`.
    const PREFIX: &'static str;
    /// How the rest is written.
    const FORM: Form;

    /// The id from text made for it (by the sandbox, in its form).
    fn from_made(text: String) -> Self;

    /// The id as text.
    fn as_str(&self) -> &str;

    /// `text` as this kind of id, if it is one: the prefix, `_`, then 1-64 letters, digits or
    /// `_` (live ids have no `_test_`, and other gateways' tails differ in length).
    fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(Self::PREFIX)?.strip_prefix('_')?;
        let fits = (1..=64).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        fits.then(|| Self::from_made(text.to_owned()))
    }
}

macro_rules! prefixed_ids {
    ($( $(#[$meta:meta])* $name:ident = $prefix:literal, $form:ident; )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl PrefixedId for $name {
            const PREFIX: &'static str = $prefix;
            const FORM: Form = Form::$form;

            fn from_made(text: String) -> Self {
                $name(text)
            }

            fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // An id is read as the text it is wherever text is asked for (SQL parameters, paths,
        // comparisons): the type says what it names, not how it is used.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    )+};
}

prefixed_ids! {
    /// An Omise charge (`chrg_test_...`).
    ChargeId = "chrg", OmiseTest;
    /// An Omise source (`src_test_...`).
    SourceId = "src", OmiseTest;
    /// An Omise refund (`rfnd_test_...`).
    RefundId = "rfnd", OmiseTest;
    /// An Omise transaction (`trxn_test_...`).
    TransactionId = "trxn", OmiseTest;
    /// An Omise event (`evnt_test_...`).
    EventId = "evnt", OmiseTest;
    /// An Omise document (`docu_test_...`).
    DocumentId = "docu", OmiseTest;
    /// The payment behind an authorize page (`pay2_test_...`).
    PaymentId = "pay2", OmiseTest;
    /// One webhook delivery of an Omise event (`whdl_...`).
    DeliveryId = "whdl", Plain;
    /// A shop's order (`ord_...`).
    OrderId = "ord", Plain;
    /// A WooshPay PaymentIntent (`pi_...`).
    PaymentIntentId = "pi", TimeOrdered;
    /// A PaymentIntent's attempt (`pm_...`).
    PaymentMethodId = "pm", TimeOrdered;
    /// A WooshPay Checkout Session (`cs_...`).
    CheckoutSessionId = "cs", TimeOrdered;
    /// A Checkout Session's line item (`li_...`).
    LineItemId = "li", TimeOrdered;
    /// A line item's price (`price_...`).
    PriceId = "price", TimeOrdered;
    /// A price's product (`prod_...`).
    ProductId = "prod", TimeOrdered;
    /// A WooshPay refund (`re_...`).
    WooshpayRefundId = "re", TimeOrdered;
    /// A WooshPay webhook endpoint (`we_...`).
    WebhookEndpointId = "we", TimeOrdered;
    /// A WooshPay event (`evt_...`).
    WooshpayEventId = "evt", TimeOrdered;
    /// One delivery of a WooshPay event (`whd_...`).
    WooshpayDeliveryId = "whd", TimeOrdered;
    /// A merchant server's name for one request (its `Idempotency-Key`, `shop_...`).
    RequestId = "shop", TimeOrdered;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_parses_only_with_its_own_prefix() {
        let source = SourceId::parse("src_test_5vcd3j9c9r0p4ayml0d").unwrap();
        assert_eq!(source.as_str(), "src_test_5vcd3j9c9r0p4ayml0d");
        assert_eq!(
            SourceId::parse("src_live_5vcd")
                .map(String::from)
                .as_deref(),
            Some("src_live_5vcd")
        );
        for wrong in [
            "chrg_test_5vcd",
            "src",
            "src_",
            "srcx_1",
            "src_a b",
            "src_<script>",
            "",
        ] {
            assert!(SourceId::parse(wrong).is_none(), "{wrong}");
        }
        assert!(SourceId::parse(&format!("src_{}", "a".repeat(65))).is_none());
        assert!(PaymentIntentId::parse("pi_1666729870215872512").is_some());
        assert!(PriceId::parse("pi_1").is_none() && PaymentIntentId::parse("price_1").is_none());
    }
}
