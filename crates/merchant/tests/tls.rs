//! The gateways' production APIs are HTTPS: both clients open a TLS session with an `https://`
//! gateway (before, the library was built without TLS and could not reach one at all). A local
//! listener reads the first bytes the client sends: a TLS handshake record (0x16, version 3.x),
//! not an HTTP request.

#![allow(clippy::unwrap_used)] // a test that cannot bind a port should stop there

use paywasm_merchant::client::{OmiseClient, WooshpayClient};
use tokio::io::AsyncReadExt;

/// The first bytes of the connection a client makes to `https://127.0.0.1:<port>`, made by
/// `call`.
async fn first_bytes<F: std::future::Future>(call: impl FnOnce(String) -> F) -> [u8; 3] {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let read = tokio::spawn(async move {
        let (mut connection, _) = listener.accept().await.unwrap();
        let mut first = [0; 3];
        connection.read_exact(&mut first).await.unwrap();
        first
    });
    let calling = call(url);
    tokio::select! {
        first = read => first.unwrap(),
        _ = calling => panic!("the client gave up before it sent anything"),
    }
}

fn is_tls_handshake(first: [u8; 3]) -> bool {
    first[0] == 0x16 && first[1] == 0x03
}

#[tokio::test]
async fn the_omise_client_speaks_tls_to_an_https_gateway() {
    let first = first_bytes(|url| async move {
        let client = OmiseClient::new(url, "skey_test_x".into()).unwrap();
        client.charge("chrg_test_x").await
    })
    .await;
    assert!(is_tls_handshake(first), "{first:?}");
}

#[tokio::test]
async fn the_wooshpay_client_speaks_tls_to_an_https_gateway() {
    let first = first_bytes(|url| async move {
        let client = WooshpayClient::new(url, "sk_test_x".into()).unwrap();
        client
            .get::<serde_json::Value>("/v1/payment_intents/pi_x")
            .await
    })
    .await;
    assert!(is_tls_handshake(first), "{first:?}");
}
