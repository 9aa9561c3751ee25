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

/// Origins of the pages a gateway sends customers to: its own; for Omise's production API
/// (`api.omise.co`) its payment pages' host, `pay.omise.co`; for WooshPay's, Alipay's cashier
/// and app hand-over hosts, as the seeds' URLs show.
fn page_origins(gateway: &Url) -> Vec<String> {
    let mut origins = vec![gateway.origin()];
    match gateway.origin().as_str() {
        "https://api.omise.co" => origins.push("https://pay.omise.co".into()),
        "https://api.wooshpay.com" => origins.extend([
            "https://open-sea.alipayplus.com".into(),
            "https://render.alipay.com".into(),
        ]),
        _ => {}
    }
    origins
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
