//! What both servers do for every request, over real HTTP: CORS for browsers on other
//! origins, rate limits in each API's error shape, kept-alive connections answered at once,
//! and the widget's files served as a CDN serves them.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use support::ShopUrl;

use paywasm_sandbox::config::Config;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::{assert_error, send, Sandbox};

/// Both APIs' CORS (one layer, `api::cors`): a browser on a merchant's origin may call each
/// with its public key and the API's own headers.
#[tokio::test]
async fn browsers_on_other_origins_may_call_both_apis() {
    let sandbox = Sandbox::start().await;
    let cases = [
        (
            "/sources",
            "POST",
            "authorization,content-type,omise-version,idempotency-key",
        ),
        (
            "/v1/payment_intents/pi_1",
            "GET",
            "authorization,content-type",
        ),
        (
            "/v1/payment_intents",
            "POST",
            "authorization,content-type,idempotency-key",
        ),
    ];
    for (path, method, headers) in cases {
        let response = sandbox
            .http
            .request(reqwest::Method::OPTIONS, sandbox.url(path))
            .header("Origin", "http://127.0.0.1:7071")
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "*",
            "{path}"
        );
        let allowed = response.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        for header in headers.split(',') {
            assert!(
                allowed.contains(header),
                "{path}: {header} not in {allowed}"
            );
        }
    }
}

#[tokio::test]
async fn a_key_beyond_its_rate_gets_429_in_the_error_shape_of_its_api() {
    let mut config = Config::for_tests();
    config.rate_limit = 5; // 5 per second, bursts of 10
    let running = paywasm_sandbox::start(config).await.unwrap();
    let http = Client::new();
    let charges = format!("{}/charges/chrg_test_none", running.gateway_url);
    let get = |key: &str| http.get(&charges).basic_auth(key, Some(""));
    for _ in 0..10 {
        let (status, body) = send(get(&running.secret_key)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let response = get(&running.secret_key).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.unwrap();
    assert_error(&body, "too_many_requests");
    // Another key has its own allowance.
    let (status, _) = send(get(&running.public_key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // WooshPay's API answers in its own shape.
    let intents = format!("{}/v1/payment_intents", running.gateway_url);
    for _ in 0..10 {
        send(http.get(&intents).bearer_auth(&running.wooshpay_secret_key)).await;
    }
    let (status, body) = send(http.get(&intents).bearer_auth(&running.wooshpay_secret_key)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "rate_limit", "{body}");
    // A second later the key is admitted again.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (status, _) = send(get(&running.secret_key)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    running.stop().await;
}

/// An injected 503 (`--gateway-faults`, `--shop-faults`) is told in the error shape of the
/// party called, as every other refusal is: Omise's on its API, WooshPay's on its own (before,
/// Omise's everywhere), the shop's on the shop's; the shop's product page is never faulted.
#[tokio::test]
async fn an_injected_503_comes_in_the_error_shape_of_the_api_called() {
    let mut config = Config::for_tests();
    let at_gateway = paywasm_sandbox::faults::Faults::parse("0:error").unwrap();
    let at_shop = paywasm_sandbox::faults::Faults::parse("0:error").unwrap();
    config.gateway_faults = Some(at_gateway.clone());
    config.shop_faults = Some(at_shop.clone());
    let running = paywasm_sandbox::start(config).await.unwrap();
    at_gateway.set_rate(1.0);
    at_shop.set_rate(1.0);
    let http = Client::new();
    let unavailable = |response: &reqwest::Response| {
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["retry-after"], "1");
    };
    let omise = http
        .get(format!("{}/charges/chrg_test_none", running.gateway_url))
        .basic_auth(&running.secret_key, Some(""))
        .send()
        .await
        .unwrap();
    unavailable(&omise);
    assert_error(&omise.json().await.unwrap(), "service_unavailable");
    let wooshpay = http
        .get(format!("{}/v1/payment_intents", running.gateway_url))
        .bearer_auth(&running.wooshpay_secret_key)
        .send()
        .await
        .unwrap();
    unavailable(&wooshpay);
    let body: Value = wooshpay.json().await.unwrap();
    assert_eq!(body["error"]["type"], "api_error", "{body}");
    assert_eq!(body["error"]["code"], "service_unavailable", "{body}");
    let shop = http
        .get(format!(
            "{}/checkout/charges/chrg_test_none",
            running.shop()
        ))
        .send()
        .await
        .unwrap();
    unavailable(&shop);
    let body: Value = shop.json().await.unwrap();
    support::assert_shop_error(&body, "service_unavailable");
    let product = http.get(running.shop()).send().await.unwrap();
    assert_eq!(product.status(), StatusCode::OK);
    running.stop().await;
}

/// The published widget and its hosted page carry no key: a page's files are never rate
/// limited, however many customers behind one address load them (the exemption named
/// `/hosted/`, where the hosted page was before it moved into `/pkg/`).
#[tokio::test]
async fn the_widgets_files_are_not_rate_limited() {
    let pkg = std::env::temp_dir().join(format!("paywasm-pkg-limit-{}", std::process::id()));
    std::fs::create_dir_all(pkg.join("hosted")).unwrap();
    std::fs::write(pkg.join("package.json"), r#"{ "version": "1.0.0" }"#).unwrap();
    std::fs::write(pkg.join("hosted").join("index.html"), "<!doctype html>").unwrap();
    let mut config = Config {
        pkg_dir: pkg.clone(),
        ..Config::for_tests()
    };
    config.rate_limit = 1; // 1 per second, bursts of 2
    let running = paywasm_sandbox::start(config).await.unwrap();
    let http = Client::new();
    for _ in 0..10 {
        let response = http
            .get(format!("{}/pkg/hosted/", running.gateway_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    // The API beside it is limited.
    let charges = format!("{}/charges/chrg_test_none", running.gateway_url);
    let mut limited = false;
    for _ in 0..4 {
        let response = http
            .get(&charges)
            .basic_auth(&running.secret_key, Some(""))
            .send()
            .await
            .unwrap();
        limited |= response.status() == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited);
    running.stop().await;
    let _ = std::fs::remove_dir_all(pkg);
}

/// Reads one HTTP/1.1 answer with a `content-length` from `stream`.
async fn read_answer(stream: &mut tokio::io::BufReader<tokio::net::TcpStream>) -> usize {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    length
}

/// A browser fetches a page's scripts on the connection that brought the page. Without
/// TCP_NODELAY on the servers' sockets, an answer written in two pieces (head, then file) on
/// such a kept-alive connection waited for the browser's delayed ACK: 40 ms on Linux for each
/// script, measured as 40 ms more time to interactive (BENCHMARKS.md).
#[tokio::test]
async fn answers_on_a_kept_alive_connection_are_not_held_back() {
    use tokio::io::AsyncWriteExt;
    let sandbox = Sandbox::start().await;
    let mut times = Vec::new();
    // Several connections to each server: whether Linux delays an ACK varies by connection
    // and over time.
    let servers = [sandbox.running.shop(), &sandbox.running.gateway_url];
    for url in servers.into_iter().cycle().take(8) {
        let address = url.trim_start_matches("http://");
        let path = if url == sandbox.running.shop() {
            "/assets/shop.css"
        } else {
            "/wooshpay/assets/checkout.css"
        };
        let request = format!("GET {path} HTTP/1.1\r\nhost: {address}\r\n\r\n");
        let mut stream =
            tokio::io::BufReader::new(tokio::net::TcpStream::connect(address).await.unwrap());
        // Past the start of the connection, where Linux still acknowledges at once.
        for _ in 0..4 {
            stream
                .get_mut()
                .write_all(request.as_bytes())
                .await
                .unwrap();
            assert!(read_answer(&mut stream).await > 0, "{path} has a body");
        }
        for _ in 0..5 {
            let asked = Instant::now();
            stream
                .get_mut()
                .write_all(request.as_bytes())
                .await
                .unwrap();
            read_answer(&mut stream).await;
            times.push(asked.elapsed());
        }
    }
    // A held-back answer waits out the 40 ms delayed ACK; a file from a local server takes
    // well under a millisecond, and a busy machine may slow one or two, not a tenth of them.
    let held_back = times
        .iter()
        .filter(|time| **time >= Duration::from_millis(30))
        .count();
    assert!(
        held_back < times.len() / 10,
        "{held_back} of {} answers on kept-alive connections took 30 ms or more: {times:?}",
        times.len()
    );
    sandbox.running.stop().await;
}

/// `gzip -9 -n` of the test's eight-byte wasm header (`\0asm\x01\0\0\0`).
const GZIP_OF_THE_WASM: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x63, 0x48, 0x2c, 0xce, 0x65, 0x64,
    0x60, 0x60, 0x00, 0x00, 0xce, 0x33, 0x4b, 0x1c, 0x08, 0x00, 0x00, 0x00,
];
/// The same wasm, brotli 11 (`scripts/precompress.mjs`).
const BROTLI_OF_THE_WASM: &[u8] = &[
    0x8b, 0x03, 0x80, 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x03,
];

/// The widget's files answer as a CDN must for a page on another origin (README: "From a
/// CDN"), on the gateway and on the shop: CORS for modules, wasm and stylesheets, the wasm's
/// media type, a year's immutable caching for the versioned path and revalidation for the
/// unversioned one, the build's brotli or gzip copy to a browser that accepts it, and the
/// hosted page with its policy.
#[tokio::test]
async fn the_widget_is_served_as_a_cdn_serves_it_from_both_servers() {
    let pkg = std::env::temp_dir().join(format!("paywasm-pkg-{}", std::process::id()));
    std::fs::create_dir_all(pkg.join("hosted")).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{ "name": "paywasm", "version": "9.8.7" }"#,
    )
    .unwrap();
    std::fs::write(pkg.join("paywasm_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("paywasm_bg.wasm.gz"), GZIP_OF_THE_WASM).unwrap();
    std::fs::write(pkg.join("paywasm_bg.wasm.br"), BROTLI_OF_THE_WASM).unwrap();
    std::fs::write(pkg.join("embed.js"), "/* embed */").unwrap();
    std::fs::write(pkg.join("hosted").join("index.html"), "<!doctype html>").unwrap();
    let config = Config {
        pkg_dir: pkg.clone(),
        ..Config::for_tests()
    };
    let running = paywasm_sandbox::start(config)
        .await
        .expect("sandbox starts");
    let http = Client::new();
    for server in [&running.gateway_url, running.shop()] {
        for (path, cache, media_type) in [
            (
                "/pkg/9.8.7/paywasm_bg.wasm",
                "public, max-age=31536000, immutable",
                "application/wasm",
            ),
            (
                "/pkg/9.8.7/embed.js",
                "public, max-age=31536000, immutable",
                "text/javascript",
            ),
            ("/pkg/embed.js", "no-cache", "text/javascript"),
            ("/pkg/hosted/", "no-cache", "text/html"),
        ] {
            let response = http
                .get(format!("{server}{path}"))
                .header("origin", "https://merchant.example")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{server}{path}");
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map_or(String::new(), |value| value.to_str().unwrap().to_owned())
            };
            assert_eq!(header("cache-control"), cache, "{server}{path}");
            assert!(
                header("content-type").starts_with(media_type),
                "{server}{path}"
            );
            assert_eq!(header("access-control-allow-origin"), "*", "{server}{path}");
            assert_eq!(header("cross-origin-resource-policy"), "cross-origin");
            assert_eq!(header("x-content-type-options"), "nosniff");
            assert_eq!(header("vary"), "accept-encoding", "{server}{path}");
            let policy = header("content-security-policy");
            if path.contains("/hosted/") {
                assert!(
                    policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
                    "{policy}"
                );
            } else {
                assert!(policy.is_empty(), "{path}: {policy}");
            }
        }
        // To a browser that accepts brotli (every current one: Chromium asks for it even on
        // plain HTTP), the build's brotli copy of a file, as the file's type; to one that
        // accepts only gzip, the gzip copy.
        for (accepts, encoding, copy) in [
            ("gzip, deflate, br, zstd", "br", BROTLI_OF_THE_WASM),
            ("gzip, deflate", "gzip", GZIP_OF_THE_WASM),
        ] {
            let compressed = http
                .get(format!("{server}/pkg/9.8.7/paywasm_bg.wasm"))
                .header("accept-encoding", accepts)
                .send()
                .await
                .unwrap();
            assert_eq!(
                compressed.headers()["content-encoding"],
                encoding,
                "{accepts}"
            );
            assert_eq!(compressed.headers()["content-type"], "application/wasm");
            assert_eq!(&compressed.bytes().await.unwrap()[..], copy, "{accepts}");
        }
        // Another version than the package's is not served under its name.
        let other = http
            .get(format!("{server}/pkg/0.0.1/embed.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND);
    }
    std::fs::remove_dir_all(pkg).unwrap();
}

/// The sandbox is test mode only: each gateway's own test keys (the policy's prefixes), never a
/// live key, a secret key in a public key's place, or the other gateway's key.
#[tokio::test]
async fn the_sandbox_starts_only_with_each_gateways_test_keys() {
    type Set = fn(&mut Config, &str);
    let cases: [(Set, &str, &str); 5] = [
        (|c, k| c.secret_key = k.into(), "skey_live_5x", "test keys"),
        (|c, k| c.public_key = k.into(), "skey_test_5x", "secret key"),
        (|c, k| c.public_key = k.into(), "pk_test_5x", "pkey_"),
        (
            |c, k| c.wooshpay_secret_key = k.into(),
            "skey_test_5x",
            "sk_",
        ),
        (
            |c, k| c.wooshpay_public_key = k.into(),
            "pk_live_5x",
            "test keys",
        ),
    ];
    for (set, key, said) in cases {
        let mut config = Config::for_tests();
        set(&mut config, key);
        let refused = paywasm_sandbox::start(config).await.err();
        let message = refused.map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains(said), "{key}: {message:?}");
    }
}
