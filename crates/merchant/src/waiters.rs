//! Status requests held open until their charge changes (`?wait=N`), woken by webhooks.
//!
//! One watch channel per charge that someone is waiting on: a webhook wakes exactly that
//! charge's waiters, however many thousands wait on other charges.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// The registry of waiting requests.
#[derive(Clone, Default)]
pub struct Waiters(Arc<Mutex<HashMap<String, watch::Sender<u64>>>>);

/// One waiting request; leaving drops its registration.
pub struct Waiting {
    receiver: watch::Receiver<u64>,
    charge_id: String,
    waiters: Waiters,
}

impl Waiters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<u64>>> {
        // The map stays consistent under a panic (each operation is one insert or remove).
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a wait on `charge_id`, before its state is read so no change is missed.
    pub fn wait_on(&self, charge_id: &str) -> Waiting {
        let receiver = self
            .lock()
            .entry(charge_id.to_owned())
            .or_insert_with(|| watch::channel(0).0)
            .subscribe();
        Waiting {
            receiver,
            charge_id: charge_id.to_owned(),
            waiters: self.clone(),
        }
    }

    /// Wakes everyone waiting on `charge_id`.
    pub fn wake(&self, charge_id: &str) {
        if let Some(sender) = self.lock().get(charge_id) {
            sender.send_modify(|version| *version += 1);
        }
    }

    /// Wakes everyone waiting, on every charge: each re-reads its charge. For when changes may
    /// have been missed (the instances' shared wake-ups were interrupted, [`crate::postgres`]).
    pub fn wake_all(&self) {
        for sender in self.lock().values() {
            sender.send_modify(|version| *version += 1);
        }
    }

    /// Charges with someone waiting (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nobody waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Waiting {
    /// Resolves when the charge may have changed since the last call.
    pub async fn changed(&mut self) {
        if self.receiver.changed().await.is_err() {
            // The sender lives as long as a receiver is registered; never reached.
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let mut map = self.waiters.lock();
        // This waiting's own receiver is still alive here: it is the last one if the count is 1.
        if map
            .get(&self.charge_id)
            .is_some_and(|sender| sender.receiver_count() <= 1)
        {
            map.remove(&self.charge_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_wake_reaches_only_that_charges_waiters_and_leaving_cleans_up() {
        let waiters = Waiters::default();
        let mut paid = waiters.wait_on("chrg_a");
        let mut other = waiters.wait_on("chrg_b");
        assert_eq!(waiters.len(), 2);
        waiters.wake("chrg_a");
        tokio::time::timeout(Duration::from_secs(1), paid.changed())
            .await
            .expect("woken");
        assert!(
            tokio::time::timeout(Duration::from_millis(50), other.changed())
                .await
                .is_err()
        );
        drop(paid);
        drop(other);
        assert!(waiters.is_empty());
    }

    #[tokio::test]
    async fn a_change_before_the_wait_starts_is_not_lost() {
        let waiters = Waiters::default();
        let mut waiting = waiters.wait_on("chrg_a");
        waiters.wake("chrg_a");
        tokio::time::timeout(Duration::from_secs(1), waiting.changed())
            .await
            .expect("woken");
    }
}
