//! The customer's platform from what a browser tells about itself.

use serde::{Deserialize, Serialize};

/// The customer's platform (`source.platform_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PlatformType {
    /// A desktop or other browser.
    Web,
    /// iPhone, iPad, iPod.
    Ios,
    /// An Android device.
    Android,
}

impl PlatformType {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformType::Web => "WEB",
            PlatformType::Ios => "IOS",
            PlatformType::Android => "ANDROID",
        }
    }

    /// Parses an API name; lower case is accepted.
    pub fn parse(name: &str) -> Result<Self, crate::Error> {
        match name.to_ascii_uppercase().as_str() {
            "WEB" => Ok(PlatformType::Web),
            "IOS" => Ok(PlatformType::Ios),
            "ANDROID" => Ok(PlatformType::Android),
            _ => Err(crate::Error::InvalidPlatform(name.to_owned())),
        }
    }
}

/// Whether `text` holds `needle`, for the short marks a user agent or a language tag is read
/// by. `str::contains` brings the Two-Way substring searcher, which the widget's wasm carries
/// for nothing else (with the templates' `{}`, `i18n::fill`: 0.6-0.8 KB gzip of each build);
/// comparing at each position is as fast for marks of a few bytes in a text of a few hundred.
pub(crate) fn holds(text: &str, needle: &str) -> bool {
    // `windows(0)` would panic: every text holds the empty mark.
    needle.is_empty()
        || text
            .as_bytes()
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
}

/// The platform to send as `platform_type`, from `navigator.userAgent` and
/// `navigator.maxTouchPoints`.
///
/// iPadOS 13+ in its default "desktop website" mode sends a Macintosh user agent; only the
/// touch points tell it apart from a Mac (Macs report 0). Alipay must then open the app, so
/// such an iPad is `IOS`.
pub fn detect_platform(user_agent: &str, max_touch_points: u32) -> PlatformType {
    let has = |needle: &str| holds(user_agent, needle);
    let apple_mobile = has("iPhone") || has("iPad") || has("iPod");
    let ipad_as_desktop = has("Macintosh") && max_touch_points > 1;
    if apple_mobile || ipad_as_desktop {
        PlatformType::Ios
    } else if has("Android") {
        PlatformType::Android
    } else {
        PlatformType::Web
    }
}

/// An app's own browser, where a page opens when a customer taps a link inside the app: a
/// payment app often cannot be opened from it (WeChat blocks Alipay's links; Facebook's and
/// Instagram's browsers on iPhones do not follow app links), and a download may go nowhere.
/// Recognised by the marks each app adds to its browser's user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InAppBrowser {
    /// LINE's browser (`Line/`).
    Line,
    /// Facebook's browser (`FBAN/`, `FBAV/`, `FB_IAB/`).
    Facebook,
    /// Instagram's browser (`Instagram `).
    Instagram,
    /// WeChat's browser (`MicroMessenger/`).
    WeChat,
}

impl InAppBrowser {
    /// The app whose browser `user_agent` is, if it is one.
    pub fn detect(user_agent: &str) -> Option<Self> {
        let has = |needle: &str| holds(user_agent, needle);
        // Instagram's browser is Facebook's company's: looked for first, by its own mark.
        if has("MicroMessenger/") {
            Some(InAppBrowser::WeChat)
        } else if has("Instagram ") {
            Some(InAppBrowser::Instagram)
        } else if has("FBAN/") || has("FBAV/") || has("FB_IAB/") {
            Some(InAppBrowser::Facebook)
        } else if has(" Line/") {
            Some(InAppBrowser::Line)
        } else {
            None
        }
    }

    /// The app's name, as customers know it.
    pub fn name(self) -> &'static str {
        match self {
            InAppBrowser::Line => "LINE",
            InAppBrowser::Facebook => "Facebook",
            InAppBrowser::Instagram => "Instagram",
            InAppBrowser::WeChat => "WeChat",
        }
    }

    /// A link that opens `page` (an `https://` address) in the phone's own browser, where the
    /// app lets a page ask for that: LINE opens in the default browser an address with
    /// `openExternalBrowser=1`; on Android, an `intent:` link with no app named lets the
    /// customer choose a browser. `None` where only the customer can (WeChat; Facebook and
    /// Instagram on an iPhone: its menu, "Open in browser").
    pub fn system_browser_link(self, page: &str, platform: PlatformType) -> Option<String> {
        let rest = page.strip_prefix("https://")?;
        match (self, platform) {
            (InAppBrowser::Line, _) => {
                let (address, fragment) = page
                    .split_once('#')
                    .map_or((page, None), |(a, f)| (a, Some(f)));
                let joiner = if address.contains('?') { '&' } else { '?' };
                let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
                Some(format!("{address}{joiner}openExternalBrowser=1{fragment}"))
            }
            (InAppBrowser::Facebook | InAppBrowser::Instagram, PlatformType::Android) => {
                let rest = rest.split('#').next().unwrap_or(rest);
                Some(format!("intent://{rest}#Intent;scheme=https;end"))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IPHONE_SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const IPHONE_WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2f) NetType/WIFI Language/zh_CN";
    const IPAD_MOBILE_MODE: &str = "Mozilla/5.0 (iPad; CPU OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1";
    const IPAD_DESKTOP_MODE: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
    const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36";
    const ANDROID_SAMSUNG: &str = "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36";
    const WINDOWS_CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    const MAC_SAFARI: &str = IPAD_DESKTOP_MODE;
    const LINUX_FIREFOX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";

    #[test]
    fn a_mark_is_found_anywhere_in_the_text_and_only_whole() {
        assert!(holds(IPHONE_SAFARI, "iPhone"));
        assert!(holds(LINUX_FIREFOX, "Firefox/125.0"));
        assert!(holds("Line/", "Line/"));
        assert!(!holds("Lin", "Line/"));
        assert!(!holds(ANDROID_CHROME, "iPhone"));
        assert!(holds("", ""));
        assert!(!holds("", "iPad"));
    }

    #[test]
    fn phones_and_tablets() {
        assert_eq!(detect_platform(IPHONE_SAFARI, 5), PlatformType::Ios);
        assert_eq!(detect_platform(IPHONE_WECHAT, 5), PlatformType::Ios);
        assert_eq!(detect_platform(IPAD_MOBILE_MODE, 5), PlatformType::Ios);
        assert_eq!(detect_platform(ANDROID_CHROME, 5), PlatformType::Android);
        assert_eq!(detect_platform(ANDROID_SAMSUNG, 10), PlatformType::Android);
    }

    #[test]
    fn an_ipad_in_desktop_mode_is_told_apart_from_a_mac_by_touch() {
        assert_eq!(detect_platform(IPAD_DESKTOP_MODE, 5), PlatformType::Ios);
        assert_eq!(detect_platform(MAC_SAFARI, 0), PlatformType::Web);
    }

    const LINE_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.3.0";
    const LINE_ANDROID: &str = "Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 Line/14.3.1/IAB";
    const FACEBOOK_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.38.108;FBBV/588711839;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/590347497]";
    const FACEBOOK_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/AP1A.240405.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/458.0.0.46.109;]";
    const INSTAGRAM_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 327.1.6.30.88 (iPhone14,5; iOS 17_4_1; en_US; en; scale=3.00; 1170x2532; 590219475)";
    const INSTAGRAM_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 Instagram 326.0.0.42.90 Android (34/14; 480dpi; 1080x2340; samsung; SM-S918B; dm3q; qcom; en_US; 585200000)";
    const WECHAT_ANDROID: &str = "Mozilla/5.0 (Linux; Android 13; V2219A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5235 MMWEBSDK/20230805 MMWEBID/2833 MicroMessenger/8.0.42.2460(0x28002A3B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

    #[test]
    fn the_apps_browsers_are_recognised_and_the_browsers_are_not() {
        use InAppBrowser::*;
        for (agent, app) in [
            (LINE_IPHONE, Some(Line)),
            (LINE_ANDROID, Some(Line)),
            (FACEBOOK_IPHONE, Some(Facebook)),
            (FACEBOOK_ANDROID, Some(Facebook)),
            (INSTAGRAM_IPHONE, Some(Instagram)),
            (INSTAGRAM_ANDROID, Some(Instagram)),
            (IPHONE_WECHAT, Some(WeChat)),
            (WECHAT_ANDROID, Some(WeChat)),
            (IPHONE_SAFARI, None),
            (ANDROID_CHROME, None),
            (ANDROID_SAMSUNG, None),
            (WINDOWS_CHROME, None),
            (LINUX_FIREFOX, None),
            ("", None),
        ] {
            assert_eq!(InAppBrowser::detect(agent), app, "{agent}");
        }
        // Still phones, to the gateway.
        assert_eq!(detect_platform(LINE_ANDROID, 5), PlatformType::Android);
        assert_eq!(detect_platform(INSTAGRAM_IPHONE, 5), PlatformType::Ios);
    }

    #[test]
    fn a_link_to_the_system_browser_where_the_app_allows_one() {
        let page = "https://shop.example/checkout?order=ord_1#pay";
        assert_eq!(
            InAppBrowser::Line
                .system_browser_link(page, PlatformType::Ios)
                .as_deref(),
            Some("https://shop.example/checkout?order=ord_1&openExternalBrowser=1#pay")
        );
        assert_eq!(
            InAppBrowser::Line
                .system_browser_link("https://shop.example/", PlatformType::Android)
                .as_deref(),
            Some("https://shop.example/?openExternalBrowser=1")
        );
        assert_eq!(
            InAppBrowser::Instagram
                .system_browser_link(page, PlatformType::Android)
                .as_deref(),
            Some("intent://shop.example/checkout?order=ord_1#Intent;scheme=https;end")
        );
        assert_eq!(
            InAppBrowser::Facebook.system_browser_link(page, PlatformType::Ios),
            None
        );
        assert_eq!(
            InAppBrowser::WeChat.system_browser_link(page, PlatformType::Android),
            None
        );
        // Only a secure page is handed to another browser.
        assert_eq!(
            InAppBrowser::Line.system_browser_link("http://shop.example/", PlatformType::Ios),
            None
        );
    }

    #[test]
    fn desktops_are_web_even_with_a_touch_screen() {
        assert_eq!(detect_platform(WINDOWS_CHROME, 0), PlatformType::Web);
        assert_eq!(detect_platform(WINDOWS_CHROME, 10), PlatformType::Web);
        assert_eq!(detect_platform(LINUX_FIREFOX, 0), PlatformType::Web);
        assert_eq!(detect_platform("", 0), PlatformType::Web);
    }
}
