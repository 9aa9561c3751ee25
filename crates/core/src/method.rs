//! The payment method registry: for each source type, its flow, currencies, limits and fees,
//! as the seed documents give them. The sandbox validates against it and the widget offers
//! only the methods that fit; one table keeps them in agreement.

use crate::money::{Amount, Currency};
use crate::platform::PlatformType;
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "gateway-methods")]
pub mod gateway_only;
#[cfg(feature = "gateway-methods")]
pub use gateway_only::GatewayOnly;

/// How the customer authorises a source (`source.flow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// The customer is sent to `authorize_uri` and comes back to `return_uri`.
    AppRedirect,
    /// The customer pays elsewhere (scans a QR, shows a code); the merchant waits.
    Offline,
    /// A plain redirect flow (internet banking); not used by the seed methods.
    Redirect,
}

impl Flow {
    /// Whether the customer leaves the merchant's page to pay and comes back to `return_uri`
    /// (app redirect, redirect), rather than paying elsewhere while the page waits (offline).
    pub fn sends_customer_away(self) -> bool {
        self != Flow::Offline
    }
}

/// A source type (`source.type`). Non-exhaustive: servers built with the `gateway-methods`
/// feature know Opn's other methods too (`gateway_only::GatewayOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SourceType {
    /// Alipay CN, online, web and app (seed 000).
    AlipayCn,
    /// Alipay in-store: the cashier scans the customer's code (seed 001).
    BarcodeAlipay,
    /// PromptPay Thai QR (seed 002).
    Promptpay,
    /// PayNow, Singapore's QR (SGQR) paid from a bank app (`docs/methods.md`).
    Paynow,
    /// WeChat Pay user-presented mode, the cashier scans the customer's code (seed 003).
    WechatPayUpm,
    /// One of Opn's methods beyond the checkout's own, offered where a merchant names it; on
    /// the wire, its own name.
    #[cfg(feature = "gateway-methods")]
    #[serde(untagged)]
    GatewayOnly(gateway_only::GatewayOnly),
}

impl SourceType {
    /// Every type the checkout offers, in its order.
    pub const ALL: [SourceType; 5] = [
        SourceType::Promptpay,
        SourceType::Paynow,
        SourceType::AlipayCn,
        SourceType::BarcodeAlipay,
        SourceType::WechatPayUpm,
    ];

    /// The API name (`alipay_cn`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::AlipayCn => "alipay_cn",
            SourceType::BarcodeAlipay => "barcode_alipay",
            SourceType::Promptpay => "promptpay",
            SourceType::Paynow => "paynow",
            SourceType::WechatPayUpm => "wechat_pay_upm",
            #[cfg(feature = "gateway-methods")]
            SourceType::GatewayOnly(method) => method.as_str(),
        }
    }

    /// Every type this build knows: the checkout's, then (with `gateway-methods`) the ones
    /// only the gateway serves.
    pub fn served() -> impl Iterator<Item = SourceType> {
        let checkout = Self::ALL.into_iter();
        #[cfg(feature = "gateway-methods")]
        let checkout = checkout.chain(
            gateway_only::GatewayOnly::ALL
                .into_iter()
                .map(SourceType::GatewayOnly),
        );
        checkout
    }

    /// Parses an API name.
    pub fn parse(name: &str) -> Result<Self, crate::Error> {
        Self::served()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| crate::Error::UnknownSourceType(name.to_owned()))
    }

    /// Whether its source says the customer's platform (`platform_type`): Alipay CN's
    /// authorize page opens the provider's app on a phone, and so do the pages of Opn's other
    /// methods that send the customer away (a bank's app refuses a desktop's source; PayPay's
    /// page shows a QR there instead). Every other checkout method's source is the same on
    /// every platform (type, amount, currency), so a page can make it before it knows the
    /// platform (`first_view`).
    pub fn source_has_platform(self) -> bool {
        match self {
            SourceType::AlipayCn => true,
            #[cfg(feature = "gateway-methods")]
            SourceType::GatewayOnly(method) => method.flow().sends_customer_away(),
            _ => false,
        }
    }

    /// The way of paying with the same wallet that suits a customer on `platform` better
    /// ([`GatewayOnly::gives_way_to`]: ShopeePay's app on a phone, its QR page on a desktop).
    pub fn gives_way_to(self, platform: PlatformType) -> Option<SourceType> {
        match self {
            #[cfg(feature = "gateway-methods")]
            SourceType::GatewayOnly(method) => {
                method.gives_way_to(platform).map(SourceType::GatewayOnly)
            }
            _ => {
                let _ = platform;
                None
            }
        }
    }

    /// Whether its source needs the customer's `phone_number` (TrueMoney Wallet's page sends a
    /// one-time password to it): the checkout asks for it first.
    pub fn needs_phone_number(self) -> bool {
        match self {
            #[cfg(feature = "gateway-methods")]
            SourceType::GatewayOnly(method) => method.needs_phone_number(),
            _ => false,
        }
    }

    /// The wallet whose own app pays a QR of this type (TrueMoney QR's, drawn by the
    /// gateway); `None` for a bank's QR standard (PromptPay, PayNow), paid in any bank's app.
    pub fn qr_wallet(self) -> Option<&'static str> {
        match self {
            #[cfg(feature = "gateway-methods")]
            SourceType::GatewayOnly(gateway_only::GatewayOnly::TruemoneyQr) => Some("TrueMoney"),
            _ => None,
        }
    }

    /// This type's entry in the registry.
    pub fn method(self) -> &'static Method {
        #[cfg(feature = "gateway-methods")]
        if let SourceType::GatewayOnly(method) = self {
            return method.entry();
        }
        METHODS
            .iter()
            .find(|m| m.source_type == self)
            .expect("every source type has a registry entry")
    }
}

impl fmt::Display for SourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a method is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The customer pays on the merchant's web page.
    Online,
    /// The cashier scans the customer's code at a point of sale.
    InStore,
}

/// Accepted amounts for one currency, in the smallest unit, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The currency.
    pub currency: &'static str,
    /// Smallest amount.
    pub min: i64,
    /// Largest amount.
    pub max: i64,
}

/// One payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The source type.
    pub source_type: SourceType,
    /// The name shown to customers and used as the button's accessible name.
    pub display_name: &'static str,
    /// Its mark, an SVG ([`crate::marks`]).
    pub mark: &'static str,
    /// How the customer authorises the payment.
    pub flow: Flow,
    /// Online or in-store.
    pub channel: Channel,
    /// Currencies with their limits.
    pub limits: &'static [Limit],
    /// The gateway's fee (the seed examples' 1.65%).
    pub fee_rate: Rate,
    /// Seconds from creation until a pending charge expires by default.
    pub default_expiry_secs: i64,
}

const DAY: i64 = 86_400;

/// The registry, from the seeds' limit tables and example charges, and for the methods the
/// seeds do not name, from Opn's documentation (each fact with its source in
/// `docs/methods.md`).
pub static METHODS: [Method; 5] = [
    Method {
        source_type: SourceType::Promptpay,
        display_name: "PromptPay",
        mark: crate::marks::PROMPTPAY,
        flow: Flow::Offline,
        channel: Channel::Online,
        limits: &[Limit {
            currency: "THB",
            min: 2_000,
            max: 15_000_000,
        }],
        fee_rate: Rate::percent(1, 65),
        default_expiry_secs: DAY,
    },
    Method {
        source_type: SourceType::Paynow,
        display_name: "PayNow",
        mark: crate::marks::PAYNOW,
        flow: Flow::Offline,
        channel: Channel::Online,
        // Opn's charge limits for a Singapore account (a method's own are not published).
        limits: &[Limit {
            currency: "SGD",
            min: 100,
            max: 2_000_000,
        }],
        fee_rate: Rate::percent(1, 65),
        default_expiry_secs: DAY,
    },
    Method {
        source_type: SourceType::AlipayCn,
        display_name: "Alipay",
        mark: crate::marks::ALIPAY,
        flow: Flow::AppRedirect,
        channel: Channel::Online,
        limits: &[
            Limit {
                currency: "SGD",
                min: 100,
                max: 2_000_000,
            },
            Limit {
                currency: "THB",
                min: 2_000,
                max: 15_000_000,
            },
        ],
        fee_rate: Rate::percent(2, 90),
        default_expiry_secs: 7 * DAY,
    },
    Method {
        source_type: SourceType::BarcodeAlipay,
        display_name: "Alipay",
        mark: crate::marks::ALIPAY,
        flow: Flow::Offline,
        channel: Channel::InStore,
        limits: &[Limit {
            currency: "THB",
            min: 2_000,
            max: 100_000_000,
        }],
        fee_rate: Rate::percent(1, 65),
        default_expiry_secs: DAY,
    },
    Method {
        source_type: SourceType::WechatPayUpm,
        display_name: "WeChat Pay",
        mark: crate::marks::WECHAT_PAY,
        flow: Flow::Offline,
        channel: Channel::InStore,
        limits: &[Limit {
            currency: "THB",
            min: 2_000,
            max: 15_000_000,
        }],
        fee_rate: Rate::percent(1, 65),
        default_expiry_secs: DAY,
    },
];

impl Method {
    /// Refuses a currency the method does not take or an amount outside its limits.
    pub fn check(&self, amount: Amount, currency: &Currency) -> Result<(), crate::Error> {
        let limit = self
            .limits
            .iter()
            .find(|l| l.currency == currency.as_str())
            .ok_or_else(|| crate::Error::CurrencyNotSupported {
                method: self.display_name,
                currency: currency.clone(),
                accepted: self
                    .limits
                    .iter()
                    .map(|l| l.currency)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        if amount.0 < limit.min || amount.0 > limit.max {
            return Err(crate::Error::AmountOutOfLimits {
                method: self.display_name,
                amount,
                currency: currency.clone(),
                min: Amount(limit.min),
                max: Amount(limit.max),
            });
        }
        Ok(())
    }

    /// Whether the widget may offer this method to a customer on `platform`: an online method
    /// that takes the amount and that works on this platform (a
    /// bank's app is on the customer's phone). In-store methods are never offered online.
    pub fn offered_online(
        &self,
        amount: Amount,
        currency: &Currency,
        platform: PlatformType,
    ) -> bool {
        #[cfg(feature = "gateway-methods")]
        if let SourceType::GatewayOnly(method) = self.source_type {
            if method.phones_only() && platform == PlatformType::Web {
                return false;
            }
        }
        // Only Opn's other methods depend on the platform, and a build may leave them out.
        let _ = platform;
        self.channel == Channel::Online && self.check(amount, currency).is_ok()
    }

    /// VAT on the fee in percent: Thailand charges 7% (seed 001, 002); the Singapore example
    /// of seed 000 shows none.
    pub fn vat_rate(&self, currency: &Currency) -> Rate {
        if currency.as_str() == "THB" {
            Rate::percent(7, 0)
        } else {
            Rate::percent(0, 0)
        }
    }
}

/// Which gateway's API a checkout speaks. The customer's journey is the same; the widget has
/// an adapter for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayKind {
    /// Omise (seeds 000-003): sources with the public key, charges by the merchant server.
    Omise,
    /// WooshPay (seed 004): PaymentIntents created by the merchant server, read by the browser
    /// with the publishable key and the client secret.
    Wooshpay,
}

impl GatewayKind {
    /// What this gateway calls `method`: the name a merchant restricts a checkout's methods
    /// with, and the `source.type` the widget reports for a payment with it. WooshPay's Alipay
    /// is `alipay` (seed 004's `payment_method_types`); Omise's are its source types.
    pub fn method_name(self, method: SourceType) -> &'static str {
        match (self, method) {
            (GatewayKind::Wooshpay, SourceType::AlipayCn) => "alipay",
            _ => method.as_str(),
        }
    }

    /// The method this gateway calls `name`, if it has one by that name (on Omise, with
    /// `gateway-methods`, Opn's other methods too).
    pub fn parse_method(self, name: &str) -> Option<SourceType> {
        match self {
            GatewayKind::Omise => SourceType::parse(name).ok(),
            GatewayKind::Wooshpay => {
                (self.method_name(SourceType::AlipayCn) == name).then_some(SourceType::AlipayCn)
            }
        }
    }
}

/// The methods a checkout offers, in the order it shows them. The widget and a server that
/// renders the checkout's first view both ask here, so that the buttons a customer sees before
/// the widget loads are the ones it keeps.
///
/// `chosen` is the merchant's choice (the widget's `methods` option): only those are offered,
/// and only through it are Opn's methods beyond the checkout's own ([`SourceType::ALL`])
/// offered, as Omise.js's `otherPaymentMethods` lists them. Without it, the checkout's own.
// Inlined into the widget's `mount`: 75 bytes less of gzip-compressed wasm than a call.
#[inline]
pub fn checkout_methods(
    gateway: GatewayKind,
    amount: Amount,
    currency: &Currency,
    platform: PlatformType,
    chosen: Option<&[SourceType]>,
) -> Vec<SourceType> {
    match gateway {
        GatewayKind::Omise => online_methods(amount, currency, platform)
            .map(|method| method.source_type)
            .filter(|method| match chosen {
                // One button per wallet: of two ways the merchant names with one name, the
                // one for this platform (the two take the same currencies and amounts).
                Some(chosen) => {
                    chosen.contains(method)
                        && method
                            .gives_way_to(platform)
                            .is_none_or(|better| !chosen.contains(&better))
                }
                None => SourceType::ALL.contains(method),
            })
            .collect(),
        // WooshPay's Alipay: the same customer journey as Omise's Alipay CN (app redirect).
        GatewayKind::Wooshpay => wooshpay_accepts(amount, currency)
            .then_some(SourceType::AlipayCn)
            .into_iter()
            .filter(|method| chosen.is_none_or(|chosen| chosen.contains(method)))
            .collect(),
    }
}

/// The online methods the widget may offer for this amount, currency and platform: the
/// checkout's own, then (with `gateway-methods`) Opn's others that it can drive.
pub fn online_methods(
    amount: Amount,
    currency: &Currency,
    platform: PlatformType,
) -> impl Iterator<Item = &'static Method> + '_ {
    SourceType::served()
        .map(SourceType::method)
        .filter(move |m| m.offered_online(amount, currency, platform))
}

/// Fees of a charge: `fee` is the rate applied to the amount, `fee_vat` the VAT rate applied to
/// the fee, each rounded half up to the smallest unit, and `net` what remains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// The gateway's fee.
    pub fee: Amount,
    /// VAT on the fee.
    pub fee_vat: Amount,
    /// `amount - fee - fee_vat`.
    pub net: Amount,
}

/// A rate in percent with at most two decimals (a fee, VAT), kept in hundredths of a percent:
/// written on the wire as the seeds write it (`"1.65"`, `"2.9"`, `"7.0"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    basis_points: i64,
}

impl Rate {
    /// `whole.hundredths` percent: `Rate::percent(1, 65)` is 1.65%.
    pub const fn percent(whole: i64, hundredths: i64) -> Self {
        Self {
            basis_points: whole * 100 + hundredths,
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, hundredths) = (self.basis_points / 100, self.basis_points % 100);
        if hundredths % 10 == 0 {
            write!(f, "{whole}.{}", hundredths / 10)
        } else {
            write!(f, "{whole}.{hundredths:02}")
        }
    }
}

/// `value * bp / 10_000`, rounded half up.
fn apply_basis_points(value: i64, bp: i64) -> i64 {
    (value * bp + 5_000).div_euclid(10_000)
}

/// The fees the gateway takes from `amount` (the seed examples add up this way: 400000 THB at
/// 1.65% gives fee 6600, VAT 462, net 392938).
pub fn fees(amount: Amount, fee_rate: Rate, vat_rate: Rate) -> Fees {
    let fee = apply_basis_points(amount.0, fee_rate.basis_points);
    let fee_vat = apply_basis_points(fee, vat_rate.basis_points);
    Fees {
        fee: Amount(fee),
        fee_vat: Amount(fee_vat),
        net: Amount(amount.0 - fee - fee_vat),
    }
}

/// The currencies seed 004 lists for WooshPay's Alipay.
pub const WOOSHPAY_CURRENCIES: [&str; 5] = ["CNY", "GBP", "USD", "EUR", "HKD"];

/// Whether WooshPay's Alipay takes `amount` in `currency` (at least 0.01, no maximum).
pub fn wooshpay_accepts(amount: Amount, currency: &Currency) -> bool {
    amount.0 >= 1 && WOOSHPAY_CURRENCIES.contains(&currency.as_str())
}

#[cfg(test)]
mod tests {
    /// A page links the marks of Opn's other methods (`paywasm-methods.css`) when its `methods`
    /// option names one that is not the checkout's own: `policy.json`'s names of these.
    #[test]
    fn the_javascript_knows_the_checkout_s_own_methods() {
        let policy: serde_json::Value =
            serde_json::from_str(include_str!("../policy.json")).expect("policy.json is JSON");
        let written: Vec<&str> = policy["CHECKOUT_METHODS"]
            .as_array()
            .expect("CHECKOUT_METHODS")
            .iter()
            .map(|name| name.as_str().unwrap_or_default())
            .collect();
        assert_eq!(written, SourceType::ALL.map(SourceType::as_str));
    }

    /// OmiseCard (js/omise-card.js) offers the online methods of `policy.json`, which must be
    /// this registry's: the same methods in the same order, names, currencies and limits; the
    /// checkout's own, then Opn's others (its `otherPaymentMethods` takes every one).
    #[test]
    fn the_javascript_knows_the_registry_s_online_methods() {
        let policy: serde_json::Value =
            serde_json::from_str(include_str!("../policy.json")).expect("policy.json is JSON");
        let written = policy["ONLINE_METHODS"].as_array().expect("ONLINE_METHODS");
        let registry: Vec<&Method> = SourceType::served()
            .map(SourceType::method)
            .filter(|method| method.channel == Channel::Online)
            .collect();
        // A build without Opn's other methods checks the checkout's own, which come first.
        #[cfg(not(feature = "gateway-methods"))]
        let written = &written[..registry.len()];
        assert_eq!(
            written
                .iter()
                .map(|entry| entry["type"].as_str().unwrap_or_default())
                .collect::<Vec<_>>(),
            registry
                .iter()
                .map(|method| method.source_type.as_str())
                .collect::<Vec<_>>()
        );
        for (entry, method) in written.iter().zip(registry) {
            assert_eq!(entry["name"], method.display_name);
            // OmiseCard's dialog asks no phone number: it knows which methods need one.
            assert_eq!(
                entry["phone_number"].as_bool().unwrap_or(false),
                method.source_type.needs_phone_number(),
                "{}",
                method.source_type
            );
            // The dialog offers on each platform what the checkout offers there: the Thai banks'
            // apps on phones only, one button per wallet named both ways.
            let (currency, amount) = method
                .limits
                .first()
                .map(|limit| (Currency::parse(limit.currency), Amount(limit.min)))
                .expect("an online method takes some currency");
            let currency = currency.expect("a registry currency is a code");
            let offered_on = |platform| method.offered_online(amount, &currency, platform);
            assert_eq!(
                entry["phones_only"].as_bool().unwrap_or(false),
                !offered_on(PlatformType::Web) && offered_on(PlatformType::Ios),
                "{}",
                method.source_type
            );
            // Its source says the platform (the dialog sends `platform_type`, as the checkout).
            assert_eq!(
                entry["names_platform"].as_bool().unwrap_or(false),
                method.source_type.source_has_platform(),
                "{}",
                method.source_type
            );
            for platform in [PlatformType::Web, PlatformType::Ios, PlatformType::Android] {
                assert_eq!(
                    entry["gives_way_to"][platform.as_str()].as_str(),
                    method
                        .source_type
                        .gives_way_to(platform)
                        .map(SourceType::as_str),
                    "{} on {platform:?}",
                    method.source_type
                );
            }
            let limits: Vec<(String, i64, i64)> = entry["limits"]
                .as_object()
                .expect("limits by currency")
                .iter()
                .map(|(currency, range)| {
                    (
                        currency.clone(),
                        range[0].as_i64().unwrap_or(-1),
                        range[1].as_i64().unwrap_or(-1),
                    )
                })
                .collect();
            let mut expected: Vec<(String, i64, i64)> = method
                .limits
                .iter()
                .map(|limit| (limit.currency.to_owned(), limit.min, limit.max))
                .collect();
            // The JSON object's keys are read in their sorted order.
            expected.sort();
            assert_eq!(limits, expected, "{}", method.source_type);
        }
    }

    use super::*;

    #[test]
    fn each_gateway_names_its_methods_as_it_reports_them() {
        assert_eq!(
            GatewayKind::Wooshpay.parse_method("alipay"),
            Some(SourceType::AlipayCn)
        );
        assert_eq!(GatewayKind::Wooshpay.parse_method("promptpay"), None);
        assert_eq!(GatewayKind::Wooshpay.parse_method("alipay_cn"), None);
        assert_eq!(
            GatewayKind::Omise.parse_method("alipay_cn"),
            Some(SourceType::AlipayCn)
        );
        assert_eq!(GatewayKind::Omise.parse_method("alipay"), None);
        for gateway in [GatewayKind::Omise, GatewayKind::Wooshpay] {
            for method in checkout_methods(
                gateway,
                Amount(10_000),
                &Currency::parse(if gateway == GatewayKind::Omise {
                    "THB"
                } else {
                    "CNY"
                })
                .unwrap(),
                PlatformType::Web,
                None,
            ) {
                assert_eq!(
                    gateway.parse_method(gateway.method_name(method)),
                    Some(method)
                );
            }
        }
    }

    #[test]
    fn seed_fee_examples_add_up() {
        // seed 002: PromptPay 4,000.00 THB
        let f = fees(Amount(400_000), Rate::percent(1, 65), Rate::percent(7, 0));
        assert_eq!((f.fee.0, f.fee_vat.0, f.net.0), (6_600, 462, 392_938));
        // seed 000: Alipay CN 1,500.00 SGD
        let f = fees(Amount(150_000), Rate::percent(2, 90), Rate::percent(0, 0));
        assert_eq!((f.fee.0, f.fee_vat.0, f.net.0), (4_350, 0, 145_650));
    }

    #[test]
    fn rates_are_written_as_the_seeds_write_them() {
        let written = [(1, 65), (2, 90), (7, 0), (0, 0), (3, 5)]
            .map(|(whole, hundredths)| Rate::percent(whole, hundredths).to_string());
        assert_eq!(written, ["1.65", "2.9", "7.0", "0.0", "3.05"]);
    }

    #[test]
    fn limits_follow_the_seeds() {
        let thb = Currency::thb();
        let promptpay = SourceType::Promptpay.method();
        assert!(promptpay.check(Amount(2_000), &thb).is_ok());
        assert!(promptpay.check(Amount(15_000_000), &thb).is_ok());
        let err = promptpay.check(Amount(1_999), &thb).unwrap_err();
        assert!(
            err.to_string().contains("between 2000 and 15000000"),
            "{err}"
        );
        let sgd = Currency::parse("SGD").unwrap();
        assert!(promptpay.check(Amount(5_000), &sgd).is_err());
        assert!(SourceType::AlipayCn
            .method()
            .check(Amount(100), &sgd)
            .is_ok());
        assert!(SourceType::BarcodeAlipay
            .method()
            .check(Amount(100_000_000), &thb)
            .is_ok());
    }

    #[test]
    fn a_checkout_offers_what_its_gateway_takes() {
        let thb = Currency::thb();
        let cny = Currency::parse("CNY").unwrap();
        let offered = |gateway, amount, currency| {
            checkout_methods(gateway, Amount(amount), currency, PlatformType::Web, None)
        };
        assert!(offered(GatewayKind::Omise, 10_000, &thb).contains(&SourceType::Promptpay));
        assert_eq!(
            offered(GatewayKind::Wooshpay, 10_000, &cny),
            [SourceType::AlipayCn]
        );
        // WooshPay's Alipay does not take baht; PromptPay is Omise's.
        assert_eq!(offered(GatewayKind::Wooshpay, 10_000, &thb), []);
        assert_eq!(offered(GatewayKind::Wooshpay, 0, &cny), []);
    }

    #[test]
    fn a_checkout_offers_its_own_methods_that_fit_amount_and_currency() {
        let names = |amount, currency: &str| {
            checkout_methods(
                GatewayKind::Omise,
                Amount(amount),
                &Currency::parse(currency).unwrap(),
                PlatformType::Web,
                None,
            )
            .into_iter()
            .map(|m| m.method().display_name)
            .collect::<Vec<_>>()
        };
        assert_eq!(names(400_000, "THB"), ["PromptPay", "Alipay"]);
        assert_eq!(names(500, "SGD"), ["PayNow", "Alipay"]);
        assert!(names(100, "THB").is_empty());
        assert!(names(400_000, "USD").is_empty());
    }

    /// Opn's other methods are offered only where the merchant names them, in the checkout's
    /// order whatever the merchant's, when they fit the amount, the currency and the platform.
    #[cfg(feature = "gateway-methods")]
    #[test]
    fn opn_s_other_methods_are_offered_where_the_merchant_names_them() {
        use gateway_only::GatewayOnly as G;
        let offered = |amount, currency: &str, platform, chosen: &[&str]| {
            let chosen: Vec<SourceType> = chosen
                .iter()
                .map(|name| GatewayKind::Omise.parse_method(name).expect(name))
                .collect();
            checkout_methods(
                GatewayKind::Omise,
                Amount(amount),
                &Currency::parse(currency).unwrap(),
                platform,
                Some(&chosen),
            )
            .into_iter()
            .map(SourceType::as_str)
            .collect::<Vec<_>>()
        };
        let myr = [
            "touch_n_go",
            "grabpay",
            "duitnow_qr",
            "shopeepay",
            "promptpay",
        ];
        assert_eq!(
            offered(10_000, "MYR", PlatformType::Web, &myr),
            ["touch_n_go", "shopeepay", "grabpay", "duitnow_qr"]
        );
        assert_eq!(
            offered(10_000, "JPY", PlatformType::Ios, &["paypay"]),
            ["paypay"]
        );
        // Below the account's smallest charge, nothing.
        assert!(offered(99, "MYR", PlatformType::Web, &myr).is_empty());
        // A bank's app is on the customer's phone.
        let banks = ["promptpay", "mobile_banking_kbank", "mobile_banking_scb"];
        assert_eq!(
            offered(10_000, "THB", PlatformType::Web, &banks),
            ["promptpay"]
        );
        assert_eq!(offered(10_000, "THB", PlatformType::Android, &banks), banks);
        // TrueMoney QR beside PromptPay: two QR methods for baht, each its own QR.
        assert_eq!(
            offered(
                10_000,
                "THB",
                PlatformType::Web,
                &["truemoney_qr", "promptpay"]
            ),
            ["promptpay", "truemoney_qr"]
        );
        // ShopeePay named both ways: one button, the app's on a phone, its QR page on a
        // desktop; named one way, that one everywhere.
        let shopeepay = ["shopeepay", "shopeepay_jumpapp", "grabpay"];
        assert_eq!(
            offered(10_000, "MYR", PlatformType::Web, &shopeepay),
            ["shopeepay", "grabpay"]
        );
        for phone in [PlatformType::Ios, PlatformType::Android] {
            assert_eq!(
                offered(10_000, "MYR", phone, &shopeepay),
                ["shopeepay_jumpapp", "grabpay"]
            );
            assert_eq!(offered(10_000, "MYR", phone, &["shopeepay"]), ["shopeepay"]);
        }
        assert_eq!(
            offered(10_000, "MYR", PlatformType::Web, &["shopeepay_jumpapp"]),
            ["shopeepay_jumpapp"]
        );
        // TrueMoney Wallet, whose page needs the customer's phone number: the checkout asks.
        assert_eq!(
            offered(10_000, "THB", PlatformType::Ios, &["truemoney"]),
            ["truemoney"]
        );
        assert!(SourceType::GatewayOnly(G::Truemoney).needs_phone_number());
        assert!(!SourceType::Promptpay.needs_phone_number());
        // Without the merchant's choice, the checkout's own only.
        assert_eq!(
            checkout_methods(
                GatewayKind::Omise,
                Amount(10_000),
                &Currency::parse("MYR").unwrap(),
                PlatformType::Web,
                None
            ),
            []
        );
        // Their sources say the platform, whose page differs by it.
        assert!(SourceType::GatewayOnly(G::Paypay).source_has_platform());
        assert!(!SourceType::GatewayOnly(G::TruemoneyQr).source_has_platform());
    }

    #[test]
    fn each_currency_has_one_qr_method_at_most() {
        // The checkout's QR panel shows the one its currency has (PromptPay, PayNow).
        let qr_methods = |currency: &str| {
            METHODS
                .iter()
                .filter(|m| m.flow == Flow::Offline && m.channel == Channel::Online)
                .filter(|m| m.limits.iter().any(|l| l.currency == currency))
                .count()
        };
        for currency in METHODS.iter().flat_map(|m| m.limits).map(|l| l.currency) {
            assert!(qr_methods(currency) <= 1, "{currency}");
        }
        assert_eq!(qr_methods("SGD"), 1);
    }

    #[test]
    fn source_types_parse_their_api_names_only() {
        for t in SourceType::ALL {
            assert_eq!(SourceType::parse(t.as_str()).unwrap(), t);
        }
        assert!(SourceType::parse("alipay").is_err());
    }
}
