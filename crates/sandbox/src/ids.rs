//! Every id and secret the sandbox makes, in one place: the objects' ids, made in their forms by
//! `paywasm_core::ids::make` (Omise's `chrg_test_5vcd3j9c9r0p4ayml0d`, the deliveries'
//! `whdl_5vcd3j9c9r0p4ayml0d`, WooshPay's `pi_1666729870215872512`), and here the documents'
//! download tokens and random secrets.

pub use paywasm_core::ids::make::{has_plain_form, new, tail};
use rand::Rng;

/// `n` random letters and digits (client secrets, code values).
pub fn random_alphanumeric(n: usize) -> String {
    const LETTERS_AND_DIGITS: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(LETTERS_AND_DIGITS[rng.random_range(0..LETTERS_AND_DIGITS.len())]))
        .collect()
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
