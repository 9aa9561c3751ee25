//! Where the widget is willing to send the customer: only to the configured gateway's own
//! origin, over HTTPS (plain HTTP only for a loopback test gateway). A charge is data from a
//! server; a compromised or confused one must not be able to send customers to a look-alike.

use crate::WidgetError;
use web_sys::Url;

fn is_loopback(hostname: &str) -> bool {
    hostname == "localhost"
        || hostname == "[::1]"
        || hostname.split('.').next() == Some("127")
            && hostname.split('.').count() == 4
            && hostname.split('.').all(|p| p.parse::<u8>().is_ok())
}

use paywasm_core::policy::GATEWAY_PAGES;

/// Origins of the pages a gateway sends customers to: its own, and for a production gateway
/// those `crates/core/policy.json` names (the list frame.js and the hosted page check too).
fn page_origins(gateway: &Url) -> Vec<String> {
    let origin = gateway.origin();
    let extra = GATEWAY_PAGES
        .iter()
        .find(|(known, _)| *known == origin)
        .map_or(&[][..], |(_, pages)| pages);
    std::iter::once(origin.clone())
        .chain(extra.iter().map(|page| page.to_string()))
        .collect()
}

/// `authorize_uri` as the browser will navigate to it, if it is on one of `gateway_url`'s
/// page origins.
pub fn checked_authorize_uri(
    authorize_uri: &str,
    gateway_url: &str,
) -> Result<String, WidgetError> {
    let target = Url::new(authorize_uri).map_err(|_| WidgetError::UnsafeRedirect)?;
    let gateway = Url::new(gateway_url).map_err(|_| WidgetError::UnsafeRedirect)?;
    let secure = match target.protocol().as_str() {
        "https:" => true,
        "http:" => is_loopback(&target.hostname()),
        _ => false,
    };
    if !secure
        || !page_origins(&gateway).contains(&target.origin())
        || !target.username().is_empty()
    {
        return Err(WidgetError::UnsafeRedirect);
    }
    Ok(target.href())
}
