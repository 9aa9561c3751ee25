//! Every id and secret the sandbox makes, in one place: Omise's objects
//! (`chrg_test_5vcd3j9c9r0p4ayml0d`), ids outside test mode's objects (the shop's orders,
//! webhook deliveries: `ord_5vcd3j9c9r0p4ayml0d`), WooshPay's (`pi_1666729870215872512`), the
//! documents' download tokens and random secrets.

use paywasm_core::ids::{Form, PrefixedId};
use rand::Rng;

/// A new id of type `T`, in its form (`paywasm_core::ids`, where each type's prefix is).
pub fn new<T: PrefixedId>() -> T {
    let text = match T::FORM {
        Form::OmiseTest => new_id(T::PREFIX),
        Form::Plain => plain_id(T::PREFIX),
        Form::TimeOrdered => wooshpay_id(T::PREFIX),
    };
    T::from_made(text)
}

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// 19 random base-36 characters, the part of an Omise id after its prefix.
fn base36_tail() -> String {
    let mut rng = rand::rng();
    (0..19)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A test-mode Omise object's id: `{prefix}_test_` and 19 random base-36 characters.
fn new_id(prefix: &str) -> String {
    format!("{prefix}_test_{}", base36_tail())
}

/// An id of the same form without the test-mode mark: `{prefix}_` and 19 base-36 characters
/// (the shop's orders, the gateway's webhook deliveries).
fn plain_id(prefix: &str) -> String {
    format!("{prefix}_{}", base36_tail())
}

/// Whether `text` has the form of a [`Form::Plain`] id of type `T` made here: its prefix, `_`
/// and 19 base-36 characters.
pub fn has_plain_form<T: PrefixedId>(text: &str) -> bool {
    text.strip_prefix(T::PREFIX)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|tail| tail.len() == 19 && tail.bytes().all(|b| ALPHABET.contains(&b)))
}

/// The random part of an id made here (after `{prefix}_test_` or `{prefix}_`).
pub fn tail(id: &str) -> &str {
    match id.split_once("_test_") {
        Some((_, tail)) => tail,
        None => id.split_once('_').map_or(id, |(_, tail)| tail),
    }
}

/// An id in WooshPay's style: a prefix and a 19-digit, time-ordered number
/// (`pi_1666729870215872512`).
fn wooshpay_id(prefix: &str) -> String {
    // Milliseconds since 2010-11-04 in the high bits, 22 random bits below, as the seed's ids.
    let since = (crate::api::delivery::now_ms() - 1_288_834_974_657).max(0);
    let low: i64 = rand::rng().random_range(0..1 << 22);
    format!("{prefix}_{}", (since << 22) | low)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_forms_and_their_tails_read_back() {
        let charge = new_id("chrg");
        let tail_of_charge = charge.strip_prefix("chrg_test_").unwrap();
        assert_eq!(tail(&charge), tail_of_charge);
        assert_eq!(tail_of_charge.len(), 19);
        let order = plain_id("ord");
        assert!(
            order.starts_with("ord_") && !order.contains("_test_"),
            "{order}"
        );
        assert_eq!(tail(&order).len(), 19);
        let intent = wooshpay_id("pi");
        let digits = intent.strip_prefix("pi_").unwrap();
        assert!(
            digits.len() == 19 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{intent}"
        );
    }
}
