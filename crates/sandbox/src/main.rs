//! `paywasm-sandbox`: a local test-mode payment gateway (Omise-compatible API) and the demo
//! shop that uses it as a merchant would.
//!
//! ```text
//! paywasm-sandbox --gateway 127.0.0.1:7070 --shop 127.0.0.1:7071 \
//!     --public-key pkey_test_... --secret-key skey_test_... --data DIR
//! ```
//! Every flag can also come from the environment (`PAYWASM_GATEWAY_ADDR`, ...). It prints both
//! URLs when ready and stops cleanly on SIGINT or SIGTERM.

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
    let config = Config::parse();
    let running = match paywasm_sandbox::start(config).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("paywasm-sandbox: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "paywasm-sandbox test keys: public {} secret {}",
        running.public_key, running.secret_key
    );
    println!(
        "WooshPay test keys: publishable {} secret {}",
        running.wooshpay_public_key, running.wooshpay_secret_key
    );
    println!("gateway: {}", running.gateway_url);
    println!("shop:    {}", running.shop_url);
    shutdown_signal().await;
    running.stop().await;
    println!("paywasm-sandbox stopped");
    std::process::ExitCode::SUCCESS
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
