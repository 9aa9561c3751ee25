//! The options once checked, which the checkout runs on: what the gateway adapters read,
//! kept apart from the checking ([`super::CheckoutOptions::check`]), which asks the adapter
//! which gateway this build carries.

use paywasm_core::method::{GatewayKind, SourceType};
use paywasm_core::money::{Amount, Currency};
use paywasm_core::policy::PublicKey;

/// The gateway a checkout pays through, with what only that gateway needs. A build of the
/// widget pays through one (the crate's `wooshpay` feature builds WooshPay's checkout, its
/// absence Omise's), and [`CheckoutOptions::check`](super::CheckoutOptions::check) refuses the other, saying which to load.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Gateway {
    /// Omise (seeds 000-003): sources with the public key, charges by the merchant server.
    #[default]
    Omise,
    /// WooshPay (seed 004): PaymentIntents made by the merchant server.
    Wooshpay {
        /// The PaymentIntent's `client_secret`, to resume waiting for it (with
        /// [`CheckoutOptions::charge_id`](super::CheckoutOptions::charge_id)); the browser reads it with the publishable key.
        client_secret: Option<String>,
    },
}

impl Gateway {
    /// Which API this is.
    pub fn kind(&self) -> GatewayKind {
        match self {
            Gateway::Omise => GatewayKind::Omise,
            Gateway::Wooshpay { .. } => GatewayKind::Wooshpay,
        }
    }

    /// The production API's base URL.
    pub fn default_url(&self) -> &'static str {
        self.kind().policy().url
    }
}

/// The checkout's colours. `Auto` follows the page it is on: the page's own `color-scheme`
/// (a page that declares none is light), and only for a page that offers both (`light dark`)
/// the customer's system setting, so a light shop never gets a dark box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the page's `color-scheme` (the default).
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The `data-theme` attribute that fixes the colours; none for `Auto`.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::Auto => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// Checked options, from [`CheckoutOptions::check`](super::CheckoutOptions::check): what the [`Checkout`] component runs on.
///
/// [`Checkout`]: crate::components::checkout::Checkout
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The merchant's public key.
    pub public_key: PublicKey,
    /// What the customer pays, in the smallest unit.
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// The gateway, with its own data.
    pub gateway: Gateway,
    /// The gateway's base URL, without a trailing slash.
    pub gateway_url: String,
    /// The merchant server's charge endpoint, without a trailing slash.
    pub charge_url: String,
    /// The merchant's order reference.
    pub order: Option<String>,
    /// Resume waiting for this charge.
    pub charge_id: Option<String>,
    /// The merchant's language choice.
    pub locale: Option<String>,
    /// Shown beside the QR; never blank.
    pub merchant_name: Option<String>,
    /// The methods the merchant names, if any (Opn's beyond the checkout's own are offered only
    /// when named).
    pub methods: Option<Vec<SourceType>>,
    /// The colours.
    pub theme: Theme,
}
