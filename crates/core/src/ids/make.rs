//! New ids in each type's form: random, and for WooshPay's time-ordered, so that a server
//! (the sandbox, a shop) makes them the way the APIs do.

use super::{Form, PrefixedId};
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
    let since = (now_ms() - 1_288_834_974_657).max(0);
    let low: i64 = rand::rng().random_range(0..1 << 22);
    format!("{prefix}_{}", (since << 22) | low)
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
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
