//! Reads `GATEWAY_PAGES` from `js/policy.js`, the one list of where each gateway may send a
//! customer, into Rust (`src/redirect.rs`), so that the widget and the JavaScript around it
//! (frame.js, the hosted page) cannot drift apart.

use std::collections::BTreeMap;
use std::fmt::Write;

const POLICY: &str = "js/policy.js";
const MARK: &str = "export const GATEWAY_PAGES = /* JSON */";

fn main() {
    println!("cargo::rerun-if-changed={POLICY}");
    let policy = std::fs::read_to_string(POLICY).expect("js/policy.js is in the repository");
    let start = policy
        .find(MARK)
        .expect("js/policy.js declares GATEWAY_PAGES")
        + MARK.len();
    let end = start
        + policy[start..]
            .find("};")
            .expect("GATEWAY_PAGES ends with };")
        + 1;
    let pages: BTreeMap<String, Vec<String>> = serde_json::from_str(&policy[start..end])
        .expect("GATEWAY_PAGES in js/policy.js is a JSON object of arrays of origins");
    let mut rust = String::from(
        "/// Origins each production gateway sends customers to besides its own (js/policy.js).\n\
         const GATEWAY_PAGES: &[(&str, &[&str])] = &[\n",
    );
    for (gateway, origins) in &pages {
        writeln!(rust, "    ({gateway:?}, &{origins:?}),").expect("writing to a String");
    }
    rust.push_str("];\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("gateway_pages.rs");
    std::fs::write(out, rust).expect("OUT_DIR is writable");
}
