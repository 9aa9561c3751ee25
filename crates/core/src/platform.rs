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

/// The platform to send as `platform_type`, from `navigator.userAgent` and
/// `navigator.maxTouchPoints`.
///
/// iPadOS 13+ in its default "desktop website" mode sends a Macintosh user agent; only the
/// touch points tell it apart from a Mac (Macs report 0). Alipay must then open the app, so
/// such an iPad is `IOS`.
pub fn detect_platform(user_agent: &str, max_touch_points: u32) -> PlatformType {
    let has = |needle: &str| user_agent.contains(needle);
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

    #[test]
    fn desktops_are_web_even_with_a_touch_screen() {
        assert_eq!(detect_platform(WINDOWS_CHROME, 0), PlatformType::Web);
        assert_eq!(detect_platform(WINDOWS_CHROME, 10), PlatformType::Web);
        assert_eq!(detect_platform(LINUX_FIREFOX, 0), PlatformType::Web);
        assert_eq!(detect_platform("", 0), PlatformType::Web);
    }
}
