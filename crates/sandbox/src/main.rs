//! `paywasm-sandbox`: a local test-mode payment gateway (Omise-compatible API) and the demo
//! shop that uses it as a merchant would.
//!
//! ```text
//! paywasm-sandbox --gateway 127.0.0.1:7070 --shop 127.0.0.1:7071 \
//!     --public-key pkey_test_... --secret-key skey_test_... --data DIR
//! ```
//! Every flag can also come from the environment (`PAYWASM_GATEWAY_ADDR`, ...). When ready it
//! prints a short guide (the shop, the point of sale and its PIN, the WooshPay page, the
//! examples, the dashboard and the keys) ending with both URLs, and stops cleanly on SIGINT or
//! SIGTERM.
//!
//! `paywasm-sandbox conform --merchant URL --order REF --amount N` checks a merchant's server
//! against the widget's merchant contract instead ([`paywasm_sandbox::conform`]).

use clap::Parser;
use paywasm_sandbox::config::Config;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "paywasm_sandbox=info".into()),
        )
        .init();
    // A command of its own, not a flag of the gateway's: the gateway's flags keep their
    // meaning, and a sandbox started with no command is what it always was.
    if std::env::args().nth(1).as_deref() == Some("conform") {
        let args = paywasm_sandbox::conform::ConformArgs::parse_from(std::env::args().skip(1));
        let report = paywasm_sandbox::conform::run(&args).await;
        print!("{report}");
        return if report.passed() {
            std::process::ExitCode::SUCCESS
        } else {
            std::process::ExitCode::FAILURE
        };
    }
    let config = Config::parse();
    let running = match paywasm_sandbox::start(config).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("paywasm-sandbox: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    print!("{}", guide(&running));
    shutdown_signal().await;
    running.stop().await;
    println!("paywasm-sandbox stopped");
    std::process::ExitCode::SUCCESS
}

/// What `npm start` shows a developer: where each part is and how to get in, then the
/// addresses scripts read (`gateway:` and, last, `shop:`, printed once both are ready; with
/// `--no-shop`, `gateway:` last).
fn guide(running: &paywasm_sandbox::Running) -> String {
    let gateway = &running.gateway_url;
    let keys = format!(
        "  Keys  Omise     public {}  secret {}
        WooshPay  publishable {}  secret {}
",
        running.public_key,
        running.secret_key,
        running.wooshpay_public_key,
        running.wooshpay_secret_key,
    );
    let dashboard = format!(
        "  Test-mode dashboard                  {gateway}/dashboard
    (sign in with the secret key: pay, fail, expire or refund a charge;
     webhook attempts, requests, WooshPay's PaymentIntents)
"
    );
    let Some(shop) = &running.shop_url else {
        return format!(
            "paywasm sandbox, test mode (no money moves): the gateway alone (--no-shop)
{dashboard}{keys}gateway: {gateway}
"
        );
    };
    let pin = paywasm_sandbox::shop::staff::DEMO_PIN;
    format!(
        "paywasm sandbox, test mode (no money moves)
  Demo shop (PromptPay, Alipay)        {shop}/
  The same shop in Singapore (PayNow)  {shop}/sg
  In Malaysia (Touch 'n Go, GrabPay..) {shop}/my
  In Japan (PayPay)                    {shop}/jp
  The same shop on WooshPay (Alipay)   {shop}/wooshpay
  Point of sale (cashier, PIN {pin})    {shop}/pos
  Examples                             {shop}/examples/script-tag, /examples/omise-card,
                                       /examples/iframe, /examples/wooshpay-session
{dashboard}{keys}gateway: {gateway}
shop:    {shop}
"
    )
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
