//! Opn's QR and wallet methods beyond the checkout's own ([`SourceType::ALL`]): the gateway
//! serves them, and the checkout offers them where a merchant names them (its `methods`
//! option).
//!
//! They live apart, behind the `gateway-methods` feature, because everything in the registry
//! that the widget links is part of the checkout's first download: the sandbox, the merchant
//! library and the checkout's Omise build turn it on; the WooshPay and cashier builds, which
//! never offer them, leave their rows out. Their marks are not here: they are in the widget's
//! `paywasm-methods.css`, which only a page that offers one downloads. Each fact and its source
//! is in `docs/methods.md`.

use super::{Channel, Flow, Limit, Method, Rate, SourceType, DAY};
use crate::platform::PlatformType;
use serde::{Deserialize, Serialize};

/// A source type of Opn's beyond the checkout's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayOnly {
    /// TrueMoney QR: a QR the customer scans with the TrueMoney app (offline).
    TruemoneyQr,
    /// TrueMoney App Redirection: the TrueMoney app, or its QR on a desktop.
    TruemoneyJumpapp,
    /// K PLUS, Kasikornbank's app (phones only).
    MobileBankingKbank,
    /// SCB Easy, Siam Commercial Bank's app (phones only).
    MobileBankingScb,
    /// Krungsri's app, KMA (phones only).
    MobileBankingBay,
    /// Bangkok Bank's app, Bualuang mBanking (phones only).
    MobileBankingBbl,
    /// Krungthai's app, Krungthai NEXT (phones only).
    MobileBankingKtb,
    /// ShopeePay App Redirection.
    ShopeepayJumpapp,
    /// WeChat Pay App Redirection (online, not the in-store code of seed 003).
    WechatPay,
    /// PayPay (Japan): the app on phones, its QR on desktops.
    Paypay,
    /// AlipayHK, an Alipay+ wallet.
    AlipayHk,
    /// DANA, an Alipay+ wallet.
    Dana,
    /// GCash, an Alipay+ wallet.
    Gcash,
    /// KakaoPay, an Alipay+ wallet.
    Kakaopay,
    /// Touch 'n Go eWallet.
    TouchNGo,
    /// TrueMoney Wallet: the customer's phone number, then a one-time password (redirect).
    Truemoney,
    /// Rabbit LINE Pay (redirect).
    RabbitLinepay,
    /// ShopeePay's hosted page (redirect).
    Shopeepay,
    /// GrabPay (redirect).
    Grabpay,
    /// DuitNow QR: Opn's hosted page that shows the QR (redirect).
    DuitnowQr,
}

impl GatewayOnly {
    /// Every one, in the order of `docs/methods.md`.
    pub const ALL: [GatewayOnly; 20] = [
        GatewayOnly::TruemoneyQr,
        GatewayOnly::TruemoneyJumpapp,
        GatewayOnly::MobileBankingKbank,
        GatewayOnly::MobileBankingScb,
        GatewayOnly::MobileBankingBay,
        GatewayOnly::MobileBankingBbl,
        GatewayOnly::MobileBankingKtb,
        GatewayOnly::ShopeepayJumpapp,
        GatewayOnly::WechatPay,
        GatewayOnly::Paypay,
        GatewayOnly::AlipayHk,
        GatewayOnly::Dana,
        GatewayOnly::Gcash,
        GatewayOnly::Kakaopay,
        GatewayOnly::TouchNGo,
        GatewayOnly::Truemoney,
        GatewayOnly::RabbitLinepay,
        GatewayOnly::Shopeepay,
        GatewayOnly::Grabpay,
        GatewayOnly::DuitnowQr,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        self.method().0
    }

    /// Its registry entry.
    pub(super) fn entry(self) -> &'static Method {
        &self.method().1
    }

    /// How the customer authorises it.
    pub fn flow(self) -> Flow {
        self.entry().flow
    }

    /// Paid in a bank's app on the customer's phone: a source made for a desktop browser
    /// (`platform_type` `WEB`) is refused, and a checkout offers it on phones only.
    pub fn phones_only(self) -> bool {
        matches!(
            self,
            GatewayOnly::MobileBankingKbank
                | GatewayOnly::MobileBankingScb
                | GatewayOnly::MobileBankingBay
                | GatewayOnly::MobileBankingBbl
                | GatewayOnly::MobileBankingKtb
        )
    }

    /// Whether the page the customer is sent to shows a QR to scan with the app, on a customer's
    /// `platform`: DuitNow QR's and ShopeePay's hosted pages always (their pages say so), PayPay,
    /// TrueMoney, and Rabbit LINE Pay's on a desktop (`WEB`), where the app is on another device.
    pub fn page_shows_qr(self, platform: Option<PlatformType>) -> bool {
        match self {
            GatewayOnly::DuitnowQr | GatewayOnly::Shopeepay => true,
            GatewayOnly::Paypay | GatewayOnly::TruemoneyJumpapp | GatewayOnly::RabbitLinepay => {
                platform == Some(PlatformType::Web)
            }
            _ => false,
        }
    }

    /// The way of paying with the same wallet that suits a customer on `platform` better, when
    /// this one does not: ShopeePay's app hand-over on a phone (the app is there), its page with
    /// the QR on a desktop (the app is on another device). A checkout whose merchant names both
    /// offers one "ShopeePay" button: two of the same name would leave the customer guessing.
    pub fn gives_way_to(self, platform: PlatformType) -> Option<GatewayOnly> {
        match (self, platform) {
            (GatewayOnly::ShopeepayJumpapp, PlatformType::Web) => Some(GatewayOnly::Shopeepay),
            (GatewayOnly::Shopeepay, PlatformType::Ios | PlatformType::Android) => {
                Some(GatewayOnly::ShopeepayJumpapp)
            }
            _ => None,
        }
    }

    /// The source needs the customer's `phone_number` (TrueMoney Wallet sends the one-time
    /// password to it).
    pub fn needs_phone_number(self) -> bool {
        self == GatewayOnly::Truemoney
    }

    fn method(self) -> &'static (&'static str, Method) {
        &GATEWAY_ONLY[self as usize]
    }
}

/// `number` as a customer may type it (`081 234 5678`, `081-234-5678`), without its spaces and
/// dashes, if it is then a Thai mobile number as TrueMoney takes it ([`is_thai_mobile_number`]).
pub fn thai_mobile_number(number: &str) -> Option<String> {
    let number: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    is_thai_mobile_number(&number).then_some(number)
}

/// Whether `number` is a Thai mobile number as TrueMoney takes it: ten digits from `06`, `08`
/// or `09`, or the same nine after `+66`.
pub fn is_thai_mobile_number(number: &str) -> bool {
    let national = match number.strip_prefix("+66") {
        Some(rest) => rest,
        None => match number.strip_prefix('0') {
            Some(rest) => rest,
            None => return false,
        },
    };
    national.len() == 9
        && national.bytes().all(|b| b.is_ascii_digit())
        && matches!(national.as_bytes()[0], b'6' | b'8' | b'9')
}

// Opn's account-level charge limits (`../shared/REFERENCES.md`): each method's own are not in
// the pages of Opn's stored here; a method may be stricter (docs/methods.md).
const THB: Limit = Limit {
    currency: "THB",
    min: 2_000,
    max: 15_000_000,
};
const SGD: Limit = Limit {
    currency: "SGD",
    min: 100,
    max: 2_000_000,
};
const MYR: Limit = Limit {
    currency: "MYR",
    min: 100,
    max: 10_000_000,
};
const JPY: Limit = Limit {
    currency: "JPY",
    min: 100,
    max: 6_000_000,
};

const fn row(
    name: &'static str,
    source_type: GatewayOnly,
    display_name: &'static str,
    flow: Flow,
    limits: &'static [Limit],
) -> (&'static str, Method) {
    (
        name,
        Method {
            source_type: SourceType::GatewayOnly(source_type),
            display_name,
            // In the widget's paywasm-methods.css, downloaded only by a page that offers it.
            mark: "",
            flow,
            channel: Channel::Online,
            limits,
            // Opn's price for each is not in the pages stored here: PromptPay's rate.
            fee_rate: Rate::percent(1, 65),
            default_expiry_secs: DAY,
        },
    )
}

/// In the order of [`GatewayOnly`]'s variants (a test checks it).
static GATEWAY_ONLY: [(&str, Method); 20] = {
    use Flow::{AppRedirect, Offline, Redirect};
    use GatewayOnly as G;
    [
        row(
            "truemoney_qr",
            G::TruemoneyQr,
            "TrueMoney QR",
            Offline,
            &[THB],
        ),
        row(
            "truemoney_jumpapp",
            G::TruemoneyJumpapp,
            "TrueMoney",
            AppRedirect,
            &[THB],
        ),
        row(
            "mobile_banking_kbank",
            G::MobileBankingKbank,
            "K PLUS",
            AppRedirect,
            &[THB],
        ),
        row(
            "mobile_banking_scb",
            G::MobileBankingScb,
            "SCB Easy",
            AppRedirect,
            &[THB],
        ),
        row(
            "mobile_banking_bay",
            G::MobileBankingBay,
            "Krungsri (KMA)",
            AppRedirect,
            &[THB],
        ),
        row(
            "mobile_banking_bbl",
            G::MobileBankingBbl,
            "Bangkok Bank",
            AppRedirect,
            &[THB],
        ),
        row(
            "mobile_banking_ktb",
            G::MobileBankingKtb,
            "Krungthai NEXT",
            AppRedirect,
            &[THB],
        ),
        row(
            "shopeepay_jumpapp",
            G::ShopeepayJumpapp,
            "ShopeePay",
            AppRedirect,
            &[THB, SGD, MYR],
        ),
        row(
            "wechat_pay",
            G::WechatPay,
            "WeChat Pay",
            AppRedirect,
            &[THB],
        ),
        row("paypay", G::Paypay, "PayPay", AppRedirect, &[JPY]),
        row(
            "alipay_hk",
            G::AlipayHk,
            "AlipayHK",
            AppRedirect,
            &[THB, SGD],
        ),
        row("dana", G::Dana, "DANA", AppRedirect, &[THB, SGD]),
        row("gcash", G::Gcash, "GCash", AppRedirect, &[THB, SGD]),
        row(
            "kakaopay",
            G::Kakaopay,
            "KakaoPay",
            AppRedirect,
            &[THB, SGD],
        ),
        row(
            "touch_n_go",
            G::TouchNGo,
            "Touch 'n Go eWallet",
            AppRedirect,
            &[MYR],
        ),
        row(
            "truemoney",
            G::Truemoney,
            "TrueMoney Wallet",
            Redirect,
            &[THB],
        ),
        row(
            "rabbit_linepay",
            G::RabbitLinepay,
            "Rabbit LINE Pay",
            Redirect,
            &[THB],
        ),
        row(
            "shopeepay",
            G::Shopeepay,
            "ShopeePay",
            Redirect,
            &[THB, SGD, MYR],
        ),
        row("grabpay", G::Grabpay, "GrabPay", Redirect, &[SGD, MYR]),
        row("duitnow_qr", G::DuitnowQr, "DuitNow QR", Redirect, &[MYR]),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_is_its_variants_and_its_serde_name_is_its_api_name() {
        for method in GatewayOnly::ALL {
            assert_eq!(method.entry().source_type, SourceType::GatewayOnly(method));
            let json = serde_json::to_string(&SourceType::GatewayOnly(method)).unwrap();
            assert_eq!(json, format!("\"{}\"", method.as_str()));
            let back: SourceType = serde_json::from_str(&json).unwrap();
            assert_eq!(back, SourceType::GatewayOnly(method));
            assert_eq!(SourceType::parse(method.as_str()).unwrap(), back);
        }
        // The checkout's own still read as themselves.
        let promptpay: SourceType = serde_json::from_str("\"promptpay\"").unwrap();
        assert_eq!(promptpay, SourceType::Promptpay);
    }

    #[test]
    fn thai_mobile_numbers_are_ten_digits_or_plus_66() {
        for good in ["0812345678", "0912345678", "0612345678", "+66812345678"] {
            assert!(is_thai_mobile_number(good), "{good}");
        }
        for bad in [
            "",
            "081234567",
            "08123456789",
            "0212345678",
            "+6602123456",
            "+66 812345678",
            "66812345678",
            "08l2345678",
            "٠٨١٢٣٤٥٦٧٨",
        ] {
            assert!(!is_thai_mobile_number(bad), "{bad}");
        }
    }

    #[test]
    fn a_typed_number_loses_its_spaces_and_dashes_only() {
        assert_eq!(
            thai_mobile_number(" 081 234-5678 ").as_deref(),
            Some("0812345678")
        );
        assert_eq!(
            thai_mobile_number("+66 81 234 5678").as_deref(),
            Some("+66812345678")
        );
        assert_eq!(thai_mobile_number("(081) 234 5678"), None);
        assert_eq!(thai_mobile_number("081.234.5678"), None);
        assert_eq!(thai_mobile_number(""), None);
    }
}
