//! The options a merchant gives the checkout, as Rust types: a Leptos app builds
//! [`CheckoutOptions`] itself, `mount` reads them from JavaScript (`js_api`), and both are
//! checked by [`CheckoutOptions::check`], so that every mistake is reported to the developer
//! with the same words before a customer sees anything.

use crate::adapter::{Active, Adapter};
use crate::WidgetError;
use paywasm_core::method::SourceType;
use paywasm_core::money::{Amount, Currency};

use paywasm_core::policy::PublicKey;

pub(crate) mod checked;

pub use checked::{Gateway, Options, Theme};

/// The production gateway, used when no gateway URL is given (crates/core/policy.json).
pub const DEFAULT_GATEWAY_URL: &str = paywasm_core::policy::OMISE.url;
/// WooshPay's production API, used for [`Gateway::Wooshpay`] when no gateway URL is given.
pub const DEFAULT_WOOSHPAY_URL: &str = paywasm_core::policy::WOOSHPAY.url;

/// What a merchant configures a checkout with. Make it with [`CheckoutOptions::new`], set what
/// the order needs, and [`check`](CheckoutOptions::check) it.
///
/// ```
/// use paywasm::{Amount, CheckoutOptions, Currency};
///
/// let options = CheckoutOptions::new("pkey_test_5paywasm", Amount(129_000), Currency::thb(), "/checkout/charges")
///     .order("ord_1")
///     .merchant_name("My shop")
///     .check()
///     .expect("valid options");
/// assert_eq!(options.gateway_url, "https://api.omise.co");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutOptions {
    /// The merchant's public key (Omise `pkey_...`, WooshPay `pk_...`); never the secret key.
    pub public_key: String,
    /// What the customer pays, in the smallest unit (shown, and sent with the source; the
    /// merchant server charges its own order's amount).
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// The gateway's API.
    pub gateway: Gateway,
    /// The gateway's base URL; the gateway's production API when `None`.
    pub gateway_url: Option<String>,
    /// The merchant server's charge endpoint (DESIGN.md's merchant contract).
    pub charge_url: String,
    /// The merchant's order reference, which its server charges.
    pub order: Option<String>,
    /// Resume waiting for this charge or PaymentIntent (the return page after a redirect).
    pub charge_id: Option<String>,
    /// `en`, `th`, `ja` or `zh`; else the browser's languages.
    pub locale: Option<String>,
    /// Shown beside the QR ("Pay to ...").
    pub merchant_name: Option<String>,
    /// Offer only these methods, in the checkout's order: the checkout's own
    /// ([`SourceType::ALL`]) when not given. Opn's other methods (GrabPay, PayPay, ...) are
    /// offered only when named here, as Omise.js's `otherPaymentMethods` lists them.
    pub methods: Option<Vec<SourceType>>,
    /// The colours.
    pub theme: Theme,
}

impl CheckoutOptions {
    /// Options for a checkout of `amount` in `currency`, asking the merchant server at
    /// `charge_url`, on Omise's production API.
    pub fn new(
        public_key: impl Into<String>,
        amount: Amount,
        currency: Currency,
        charge_url: impl Into<String>,
    ) -> Self {
        Self {
            public_key: public_key.into(),
            amount,
            currency,
            gateway: Gateway::Omise,
            gateway_url: None,
            charge_url: charge_url.into(),
            order: None,
            charge_id: None,
            locale: None,
            merchant_name: None,
            methods: None,
            theme: Theme::Auto,
        }
    }

    /// The colours: light, dark, or the page's (`Theme::Auto`, the default).
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// The order the merchant server charges.
    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }

    /// The gateway's API.
    pub fn gateway(mut self, gateway: Gateway) -> Self {
        self.gateway = gateway;
        self
    }

    /// The gateway's base URL (the sandbox's, in tests).
    pub fn gateway_url(mut self, url: impl Into<String>) -> Self {
        self.gateway_url = Some(url.into());
        self
    }

    /// The merchant's name, shown beside the QR.
    pub fn merchant_name(mut self, name: impl Into<String>) -> Self {
        self.merchant_name = Some(name.into());
        self
    }

    /// The customer's language.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Offer only these methods (see [`CheckoutOptions::methods`](Self#structfield.methods)).
    pub fn methods(mut self, methods: impl IntoIterator<Item = SourceType>) -> Self {
        self.methods = Some(methods.into_iter().collect());
        self
    }

    /// Wait for this charge (a return page) instead of offering methods.
    pub fn resume(mut self, charge_id: impl Into<String>) -> Self {
        self.charge_id = Some(charge_id.into());
        self
    }

    /// Checks the options: a secret key, a missing order or a malformed URL is refused with a
    /// sentence that says what to give instead.
    pub fn check(self) -> Result<Options, WidgetError> {
        let public_key = check_public_key(&self.gateway, &self.public_key)?;
        if self.gateway.kind() != Active::KIND {
            return Err(invalid(Active::OTHERS_REFUSED));
        }
        if self.amount.0 <= 0 {
            return Err(invalid(AMOUNT_RULE));
        }
        let gateway_url = self
            .gateway_url
            .as_deref()
            .unwrap_or(self.gateway.default_url())
            .trim_end_matches('/')
            .to_owned();
        if web_sys::Url::new(&gateway_url).is_err() {
            return Err(invalid("gatewayUrl must be an absolute URL"));
        }
        if self.charge_url.is_empty() {
            return Err(invalid(CHARGE_URL_REQUIRED));
        }
        if self.order.is_none() && self.charge_id.is_none() {
            return Err(invalid(
                "order is required: your order reference, which your server charges",
            ));
        }
        if let Gateway::Wooshpay {
            client_secret: None,
        } = &self.gateway
        {
            if self.charge_id.is_some() {
                return Err(invalid(
                    "clientSecret is required with chargeId on WooshPay: the PaymentIntent's client_secret, from your server",
                ));
            }
        }
        Ok(Options {
            charge_url: self.charge_url.trim_end_matches('/').to_owned(),
            gateway_url,
            merchant_name: self.merchant_name.filter(|name| !name.trim().is_empty()),
            public_key,
            amount: self.amount,
            currency: self.currency,
            gateway: self.gateway,
            order: self.order,
            charge_id: self.charge_id,
            locale: self.locale,
            methods: self.methods,
            theme: self.theme,
        })
    }
}

/// `key` as this gateway's public key: a secret key, or anything but this gateway's public key,
/// is refused (the one rule: `paywasm_core::policy`).
pub(crate) fn check_public_key(gateway: &Gateway, key: &str) -> Result<PublicKey, WidgetError> {
    PublicKey::parse(gateway.kind(), key).map_err(|error| invalid(error.to_string()))
}

/// How an amount must be given (JavaScript passes a number).
pub(crate) const AMOUNT_RULE: &str =
    "amount must be a positive integer in the smallest currency unit (40000 is THB 400.00)";
/// A charge URL is needed.
pub(crate) const CHARGE_URL_REQUIRED: &str =
    "chargeUrl is required: your server's endpoint that creates the charge";

fn invalid(message: impl Into<String>) -> WidgetError {
    WidgetError::InvalidOptions(message.into())
}
