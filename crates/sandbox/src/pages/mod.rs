//! The test-mode pages that stand in for what a real gateway shows the customer, beside the
//! two APIs they belong to: Omise's authorize page at a charge's `authorize_uri`
//! ([`authorize`]), the Alipay cashier and app at a PaymentIntent's `next_action`
//! ([`alipay`]), and WooshPay's hosted checkout at a Checkout Session's `url`
//! ([`wooshpay_checkout`]), and what a phone does with a PromptPay QR ([`simulate`]). Beside
//! them, the merchant's test-mode dashboard ([`dashboard`]).
//! They use their API's objects; no API imports them.

pub mod alipay;
pub mod authorize;
pub mod dashboard;
pub mod simulate;
pub mod wooshpay_checkout;

/// The Omise API's pages and the dashboard, over its state, to serve beside its router.
pub fn omise(state: crate::gateway::GatewayState) -> axum::Router {
    authorize::router()
        .merge(simulate::router())
        .merge(dashboard::router())
        .with_state(state)
}

/// WooshPay's pages, over its state, to serve beside its router.
pub fn wooshpay(state: crate::wooshpay::WooshpayState) -> axum::Router {
    alipay::router()
        .merge(wooshpay_checkout::router())
        .merge(dashboard::wooshpay_router())
        .with_state(state)
}
