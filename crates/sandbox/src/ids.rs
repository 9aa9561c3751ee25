//! Object ids in the gateway's style (`chrg_test_5vcd3j9c9r0p4ayml0d`).

use rand::Rng;

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// `{prefix}_test_` and 19 random base-36 characters.
pub fn new_id(prefix: &str) -> String {
    let mut rng = rand::rng();
    let tail: String = (0..19)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{prefix}_test_{tail}")
}

/// A secret for a download link: 16 upper-case hex digits, as the seeds' `download_uri`s end.
pub fn download_token() -> String {
    format!("{:016X}", rand::rng().random::<u64>())
}

/// A WeChat Pay QR document's name: 18 digits, as seed 003's pending charge names its
/// (`892904087869496945.svg`, not the customer's code).
pub fn wechat_document_number() -> String {
    let mut rng = rand::rng();
    format!(
        "{}{:017}",
        rng.random_range(1..10),
        rng.random_range(0..10u64.pow(17))
    )
}
