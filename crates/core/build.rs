//! Reads policy.json, the one file of the values paywasm's JavaScript and Rust share (the
//! version, each gateway's API, key prefixes and API version, where each gateway may send a
//! customer), into Rust constants (`paywasm_core::policy`); the widget's build writes the same
//! file into its JavaScript (scripts/policy.mjs), so the two cannot drift apart. It is in this
//! crate's package, so the crate builds from its package alone.

use serde_json::Value;
use std::fmt::Write;

const POLICY: &str = "policy.json";

fn text<'a>(value: &'a Value, path: &str) -> &'a str {
    value
        .pointer(path)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("policy.json has a string at {path}"))
}

fn main() {
    println!("cargo::rerun-if-changed={POLICY}");
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(POLICY).expect("policy.json is in the crate's package"),
    )
    .expect("policy.json is JSON");
    let value = |name: &str| {
        policy
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("policy.json has {name}"))
    };
    let mut rust = String::from("// Written by crates/core/build.rs from policy.json.\n");
    let version = value("VERSION");
    let version = version.as_str().expect("VERSION is a string");
    writeln!(
        rust,
        "/// The package's version.\npub const VERSION: &str = {version:?};"
    )
    .expect("writing to a String");
    let gateways = value("GATEWAYS");
    for (name, key) in [("OMISE", "omise"), ("WOOSHPAY", "wooshpay")] {
        let at = |field: &str| format!("/{key}/{field}");
        let api_version = match gateways.pointer(&at("apiVersion")) {
            Some(Value::String(version)) => format!("Some({version:?})"),
            _ => "None".to_owned(),
        };
        writeln!(
            rust,
            "/// {key}'s production API, key prefixes and API version.\n\
             pub const {name}: GatewayPolicy = GatewayPolicy {{ url: {:?}, public_key_prefix: {:?}, secret_key_prefix: {:?}, api_version: {api_version} }};",
            text(&gateways, &at("url")),
            text(&gateways, &at("publicKey")),
            text(&gateways, &at("secretKey")),
        )
        .expect("writing to a String");
    }
    let pages = value("GATEWAY_PAGES");
    rust.push_str(
        "/// The origins each production gateway sends customers to besides its own.\n\
         pub const GATEWAY_PAGES: &[(&str, &[&str])] = &[\n",
    );
    for (gateway, origins) in pages.as_object().expect("GATEWAY_PAGES is an object") {
        let origins: Vec<&str> = origins
            .as_array()
            .expect("GATEWAY_PAGES lists origins")
            .iter()
            .map(|origin| origin.as_str().expect("an origin is a string"))
            .collect();
        writeln!(rust, "    ({gateway:?}, &{origins:?}),").expect("writing to a String");
    }
    rust.push_str("];\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("policy.rs");
    std::fs::write(out, rust).expect("OUT_DIR is writable");
}
