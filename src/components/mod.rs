//! The widget's views. One folder per component: its view, its state and its CSS.

#[cfg(feature = "checkout")]
pub mod checkout;
#[cfg(feature = "pos")]
pub mod pos;

/// The customer's languages, as the browser lists them (both views choose their words by them,
/// after the merchant's `locale`).
pub(crate) fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|languages| languages.iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default()
}
