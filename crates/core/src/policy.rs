//! What paywasm's Rust and JavaScript share, read from `policy.json` at build time (the one
//! file of them, which the widget's JavaScript is built from too; `build.rs`): the version,
//! each gateway's production API, key prefixes and API version, and where each gateway may
//! send a customer. On them, the merchant's keys as types:
//! which gateway's, public or secret, by one prefix rule.

use crate::method::GatewayKind;

/// A gateway's production API, its key prefixes and its API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayPolicy {
    /// The production API's base URL: the widget's default `gatewayUrl`.
    pub url: &'static str,
    /// What a public key starts with (`pkey_`, `pk_`).
    pub public_key_prefix: &'static str,
    /// What a secret key starts with (`skey_`, `sk_`).
    pub secret_key_prefix: &'static str,
    /// The API version each request names (Omise's `Omise-Version`).
    pub api_version: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/policy.rs"));

/// Omise's API version (`Omise-Version`), the one the seeds document.
pub const OMISE_VERSION: &str = match OMISE.api_version {
    Some(version) => version,
    None => panic!("policy.json names Omise's apiVersion"),
};

impl GatewayKind {
    /// This gateway's production API and key prefixes.
    pub fn policy(self) -> &'static GatewayPolicy {
        match self {
            GatewayKind::Omise => &OMISE,
            GatewayKind::Wooshpay => &WOOSHPAY,
        }
    }
}

/// Why a key cannot be used as a public key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A secret key, of either gateway: it must never reach a browser.
    #[error("publicKey is a secret key ({secret_prefix}...). Never put the secret key in a web page: use the public key ({public_prefix}...) here and keep the secret key on your server.")]
    Secret {
        /// The secret key's gateway's secret prefix.
        secret_prefix: &'static str,
        /// That gateway's public prefix.
        public_prefix: &'static str,
    },
    /// Not this gateway's public key.
    #[error("publicKey must be your public key ({public_prefix}...)")]
    NotPublic {
        /// This gateway's public prefix.
        public_prefix: &'static str,
    },
    /// Not this gateway's secret key (a merchant server's configuration).
    #[error("the secret key must be your secret key ({secret_prefix}...)")]
    NotSecret {
        /// This gateway's secret prefix.
        secret_prefix: &'static str,
    },
}

/// The gateway whose secret key `key` is, if it is one: the rule every entry point applies
/// before it uses a key (the JavaScript's is `secretKeyRefusal` in js/policy.js).
pub fn secret_key_gateway(key: &str) -> Option<&'static GatewayPolicy> {
    [&OMISE, &WOOSHPAY]
        .into_iter()
        .find(|gateway| key.starts_with(gateway.secret_key_prefix))
}

/// Whether `key`, which starts with `prefix`, is a test-mode key: `test_` follows the prefix.
fn is_test(key: &str, prefix: &str) -> bool {
    key.strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with("test_"))
}

/// A merchant's public key for one gateway: never a secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(String);

impl PublicKey {
    /// `key` as `gateway`'s public key; a secret key of either gateway, or another gateway's
    /// key, is refused with what to give instead.
    pub fn parse(gateway: GatewayKind, key: &str) -> Result<Self, KeyError> {
        if let Some(secret) = secret_key_gateway(key) {
            return Err(KeyError::Secret {
                secret_prefix: secret.secret_key_prefix,
                public_prefix: secret.public_key_prefix,
            });
        }
        let public_prefix = gateway.policy().public_key_prefix;
        if !key.starts_with(public_prefix) {
            return Err(KeyError::NotPublic { public_prefix });
        }
        Ok(Self(key.to_owned()))
    }

    /// The key as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is a test-mode key (`pkey_test_`, `pk_test_`).
    pub fn is_test(&self, gateway: GatewayKind) -> bool {
        is_test(&self.0, gateway.policy().public_key_prefix)
    }

    /// Whether a checkout with this key, on `gateway` at `gateway_url` (without a trailing
    /// slash, as the checkout's options keep it), offers the sandbox's
    /// Simulate payment page beside a QR: a test key against another server than the
    /// gateway's own (the sandbox; Omise's API has no such page, and a live key never sees it).
    pub fn offers_simulate(&self, gateway: GatewayKind, gateway_url: &str) -> bool {
        self.is_test(gateway) && gateway_url != gateway.policy().url
    }
}

/// A merchant's secret key for one gateway: for its server, never a browser.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// `key` as `gateway`'s secret key.
    pub fn parse(gateway: GatewayKind, key: &str) -> Result<Self, KeyError> {
        let secret_prefix = gateway.policy().secret_key_prefix;
        if !key.starts_with(secret_prefix) {
            return Err(KeyError::NotSecret { secret_prefix });
        }
        Ok(Self(key.to_owned()))
    }

    /// The key as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is a test-mode key (`skey_test_`, `sk_test_`).
    pub fn is_test(&self, gateway: GatewayKind) -> bool {
        is_test(&self.0, gateway.policy().secret_key_prefix)
    }
}

/// Its prefix only: a secret key is never written to a log.
impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix_and_mode = self.0.get(..self.0.len().min(10)).unwrap_or("");
        write!(f, "SecretKey({prefix_and_mode}...)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulate_payment_is_offered_with_a_test_key_against_the_sandbox_only() {
        let test = PublicKey::parse(GatewayKind::Omise, "pkey_test_5paywasmsandbox0demo0").unwrap();
        let live = PublicKey::parse(GatewayKind::Omise, "pkey_5paywasmlive000000000").unwrap();
        let sandbox = "http://127.0.0.1:7070";
        assert!(test.offers_simulate(GatewayKind::Omise, sandbox));
        assert!(!test.offers_simulate(GatewayKind::Omise, "https://api.omise.co"));
        assert!(!live.offers_simulate(GatewayKind::Omise, sandbox));
    }

    #[test]
    fn the_policy_is_read_from_its_file() {
        let policy = include_str!("../policy.json");
        for gateway in [GatewayKind::Omise, GatewayKind::Wooshpay] {
            let read = gateway.policy();
            for value in [read.url, read.public_key_prefix, read.secret_key_prefix] {
                assert!(policy.contains(&format!("\"{value}\"")), "{value}");
            }
        }
        assert_eq!(OMISE_VERSION, "2017-11-02");
        assert!(policy.contains(&format!("\"VERSION\": \"{VERSION}\"")));
        // One version for everything released together (README, "Versions").
        assert_eq!(VERSION, env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_secret_key_of_either_gateway_is_never_a_public_key() {
        for gateway in [GatewayKind::Omise, GatewayKind::Wooshpay] {
            assert_eq!(
                PublicKey::parse(gateway, "skey_test_5xyz"),
                Err(KeyError::Secret {
                    secret_prefix: "skey_",
                    public_prefix: "pkey_"
                })
            );
            assert_eq!(
                PublicKey::parse(gateway, "sk_test_5xyz"),
                Err(KeyError::Secret {
                    secret_prefix: "sk_",
                    public_prefix: "pk_"
                })
            );
        }
        assert_eq!(
            PublicKey::parse(GatewayKind::Wooshpay, "pkey_test_1"),
            Err(KeyError::NotPublic {
                public_prefix: "pk_"
            })
        );
        assert_eq!(
            PublicKey::parse(GatewayKind::Omise, "pkey_test_1").map(|key| key.as_str().to_owned()),
            Ok("pkey_test_1".to_owned())
        );
        assert!(secret_key_gateway("pk_test_1").is_none());
        let secret = SecretKey::parse(GatewayKind::Wooshpay, "sk_test_abcdefghij").unwrap();
        assert!(secret.is_test(GatewayKind::Wooshpay));
        assert!(!format!("{secret:?}").contains("abcdefghij"));
        assert_eq!(
            SecretKey::parse(GatewayKind::Omise, "pkey_test_1"),
            Err(KeyError::NotSecret {
                secret_prefix: "skey_"
            })
        );
    }
}
