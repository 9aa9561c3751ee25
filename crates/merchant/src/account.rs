//! The payment methods the merchant's account takes, as the gateway's Capability API lists
//! them (`GET /capability`), for the pages that offer methods: a page that offers only these
//! does not show a customer a method whose source the gateway would refuse.
//!
//! Asked with the secret key, kept for [`FRESH`], and never making a page wait longer than
//! [`LONGEST_WAIT`] for the gateway: a page can be asked for by anyone, as often as they like,
//! so however many pages are asked for, the gateway is asked at most once per [`FRESH`] (once
//! per [`RETRY`] while it fails), one ask at a time.

use crate::client::OmiseClient;
use paywasm_core::method::SourceType;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long an answer is used before the gateway is asked again.
pub const FRESH: Duration = Duration::from_secs(300);
/// How long after a failed ask the gateway is asked again.
pub const RETRY: Duration = Duration::from_secs(30);
/// The longest a page waits for the gateway's answer (then it offers what it knew).
pub const LONGEST_WAIT: Duration = Duration::from_secs(2);

/// The account's methods, asked of the gateway now and then.
pub struct AccountMethods {
    client: OmiseClient,
    known: Mutex<Known>,
}

#[derive(Default)]
struct Known {
    methods: Option<Arc<[SourceType]>>,
    ask_after: Option<Instant>,
}

impl AccountMethods {
    /// The methods of the account whose secret key `client` has.
    pub fn new(client: OmiseClient) -> Self {
        Self {
            client,
            known: Mutex::new(Known::default()),
        }
    }

    /// The source types the account takes (those this build knows), or `None` while the
    /// gateway has not said: a page then offers every method that fits the order, and the
    /// gateway refuses a source the account cannot take (the widget tells the customer).
    pub async fn get(&self) -> Option<Arc<[SourceType]>> {
        // Held while the gateway is asked: the pages asked for meanwhile wait for that one ask.
        let mut known = self.known.lock().await;
        if known.ask_after.is_some_and(|after| Instant::now() < after) {
            return known.methods.clone();
        }
        let asked = tokio::time::timeout(LONGEST_WAIT, self.client.account_methods()).await;
        let (methods, wait) = match asked {
            Ok(Ok(methods)) => (Some(methods.into()), FRESH),
            _ => (known.methods.take(), RETRY),
        };
        known.methods = methods;
        known.ask_after = Some(Instant::now() + wait);
        known.methods.clone()
    }
}
