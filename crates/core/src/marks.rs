//! Each method's mark: a small SVG drawn for this project (no copied logo) in the method's
//! colour, shown beside its name on the checkout's tiles and the QR panel. Decorative: the
//! name beside it is the accessible name, so each mark is `aria-hidden`.

/// PromptPay: a QR code's corners, on PromptPay's navy.
pub const PROMPTPAY: &str = concat!(
    r##"<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">"##,
    r##"<rect width="32" height="32" rx="7" fill="#173f78"/>"##,
    r##"<g fill="none" stroke="#fff" stroke-width="2.2">"##,
    r##"<rect x="7" y="7" width="7" height="7" rx="1.5"/><rect x="18" y="7" width="7" height="7" rx="1.5"/>"##,
    r##"<rect x="7" y="18" width="7" height="7" rx="1.5"/></g>"##,
    r##"<path fill="#5ad2ea" d="M18 18h3v3h-3zM22 22h3v3h-3z"/><path fill="#fff" d="M22 18h3v3h-3zM18 22h3v3h-3z"/>"##,
    "</svg>",
);

/// Alipay: a phone with a check, for "approve in the app", on Alipay's blue.
pub const ALIPAY: &str = concat!(
    r##"<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">"##,
    r##"<rect width="32" height="32" rx="7" fill="#1677ff"/>"##,
    r##"<rect x="10" y="5.5" width="12" height="21" rx="2.5" fill="none" stroke="#fff" stroke-width="2.2"/>"##,
    r##"<path d="M12.8 16.2l2.4 2.4 4.2-4.6" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>"##,
    "</svg>",
);

/// WeChat Pay: a wallet, on WeChat Pay's green.
pub const WECHAT_PAY: &str = concat!(
    r##"<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">"##,
    r##"<rect width="32" height="32" rx="7" fill="#07a35a"/>"##,
    r##"<rect x="6" y="9" width="20" height="15" rx="3" fill="none" stroke="#fff" stroke-width="2.2"/>"##,
    r##"<path d="M19 16.5h7" stroke="#fff" stroke-width="2.2"/><circle cx="21.5" cy="16.5" r="1.7" fill="#fff"/>"##,
    "</svg>",
);

/// PayNow: a QR code's corner above an arrow of money sent now, on PayNow's purple.
pub const PAYNOW: &str = concat!(
    r##"<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">"##,
    r##"<rect width="32" height="32" rx="7" fill="#7b2a83"/>"##,
    r##"<rect x="7" y="7" width="7" height="7" rx="1.5" fill="none" stroke="#fff" stroke-width="2.2"/>"##,
    r##"<path d="M8 22h15m-4-4 4 4-4 4" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>"##,
    "</svg>",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_is_one_decorative_svg() {
        for mark in [PROMPTPAY, PAYNOW, ALIPAY, WECHAT_PAY] {
            assert!(
                mark.starts_with("<svg ") && mark.ends_with("</svg>"),
                "{mark}"
            );
            assert!(mark.contains(r#"aria-hidden="true""#), "{mark}");
            assert_eq!(mark.matches("<svg").count(), 1, "{mark}");
            assert!(!mark.contains("<script") && !mark.contains(" on"), "{mark}");
        }
    }
}
