//! Status requests held open until their charge changes (`?wait=N`), woken by webhooks.
//!
//! One watch channel per charge that someone is waiting on: a webhook wakes exactly that
//! charge's waiters, however many thousands wait on other charges.
//!
//! Each channel also keeps the charge's copy last read from the records, valid until the next
//! wake-up of that charge: a customer who asks again at the end of a hold (every 20-25 s, at
//! 10,000 waiting 400 times a second) is answered without a read of the records, which a
//! change on any instance invalidates through the same wake-up that tells its waiters. A copy
//! is kept at most [`KEPT_FOR`], so that a wake-up lost without notice (a listener's
//! connection dead and not yet known to be) delays the news by one more hold at most.

use paywasm_core::checkout::Payment;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::time::Instant;

/// How long a kept copy may answer: longer than a hold (at most 30 s, cut by up to a fifth), so
/// that the customer's next request finds it.
pub const KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(32);

/// The registry of waiting requests.
#[derive(Clone, Default)]
pub struct Waiters(Arc<Mutex<HashMap<String, Channel>>>);

/// A charge's wake-ups (their count is the channel's value) and the copy kept for it.
struct Channel {
    wakes: watch::Sender<u64>,
    kept: Option<Kept>,
}

/// A copy of a charge and its `refreshed_ms`, read when the charge's wake-ups numbered
/// `wakes`, at `read_at`.
struct Kept {
    wakes: u64,
    read_at: Instant,
    copy: (Payment, i64),
}

impl Channel {
    /// The kept copy if it still holds: read since the charge's last wake-up, less than
    /// [`KEPT_FOR`] ago. The one rule for a copy's validity: a wake-up leaves the stale copy in
    /// place (it is overwritten by the next read, or forgotten with the channel), so that no
    /// path can forget to drop it.
    fn copy(&self) -> Option<&(Payment, i64)> {
        self.kept
            .as_ref()
            .filter(|kept| kept.wakes == *self.wakes.borrow() && kept.read_at.elapsed() < KEPT_FOR)
            .map(|kept| &kept.copy)
    }
}

/// One waiting request; leaving drops its registration.
pub struct Waiting {
    receiver: watch::Receiver<u64>,
    charge_id: String,
    waiters: Waiters,
}

impl Waiters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Channel>> {
        // The map stays consistent under a panic (each operation is one insert or remove).
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a wait on `charge_id`, before its state is read so no change is missed.
    pub fn wait_on(&self, charge_id: &str) -> Waiting {
        let mut map = self.lock();
        if map.len() >= SWEEP_ABOVE && map.len().is_power_of_two() {
            forget_unwatched(&mut map);
        }
        let receiver = map
            .entry(charge_id.to_owned())
            .or_insert_with(|| Channel {
                wakes: watch::channel(0).0,
                kept: None,
            })
            .wakes
            .subscribe();
        Waiting {
            receiver,
            charge_id: charge_id.to_owned(),
            waiters: self.clone(),
        }
    }

    /// Wakes everyone waiting on `charge_id` (its copy changed: a kept one no longer holds).
    pub fn wake(&self, charge_id: &str) {
        if let Some(channel) = self.lock().get(charge_id) {
            channel.wakes.send_modify(|wakes| *wakes += 1);
        }
    }

    /// Wakes everyone waiting, on every charge: each re-reads its charge. For when changes may
    /// have been missed (the instances' shared wake-ups were interrupted, [`crate::postgres`]).
    pub fn wake_all(&self) {
        for channel in self.lock().values() {
            channel.wakes.send_modify(|wakes| *wakes += 1);
        }
    }

    /// Charges with someone waiting (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock()
            .values()
            .filter(|channel| channel.wakes.receiver_count() > 0)
            .count()
    }

    /// Whether nobody waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Past this many charges, registering a wait now and then (at each power of two) forgets the
/// charges nobody waits on whose copy no longer holds: the copies of customers who left.
const SWEEP_ABOVE: usize = 1_024;

fn forget_unwatched(map: &mut HashMap<String, Channel>) {
    map.retain(|_, channel| channel.wakes.receiver_count() > 0 || channel.copy().is_some());
}

impl Waiting {
    /// Resolves when the charge may have changed since the last call.
    pub async fn changed(&mut self) {
        if self.receiver.changed().await.is_err() {
            // The sender lives as long as a receiver is registered; never reached.
            std::future::pending::<()>().await;
        }
    }

    /// The charge's wake-ups so far: taken before a read of its copy, given back to
    /// [`Self::keep`] with what the read found.
    pub fn wakes(&self) -> u64 {
        *self.receiver.borrow()
    }

    /// The copy kept for the charge (and its `refreshed_ms`), if one was read since its last
    /// wake-up, less than [`KEPT_FOR`] ago.
    pub fn kept(&self) -> Option<(Payment, i64)> {
        self.waiters.lock().get(&self.charge_id)?.copy().cloned()
    }

    /// Keeps `copy`, read after [`Self::wakes`] said `wakes`, unless the charge was woken since
    /// (the read may have missed that change).
    pub fn keep(&self, wakes: u64, copy: &(Payment, i64)) {
        let mut map = self.waiters.lock();
        if let Some(channel) = map.get_mut(&self.charge_id) {
            if *channel.wakes.borrow() == wakes {
                channel.kept = Some(Kept {
                    wakes,
                    read_at: Instant::now(),
                    copy: copy.clone(),
                });
            }
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let mut map = self.waiters.lock();
        // This waiting's own receiver is still alive here: it is the last one if the count is 1.
        // A charge with a copy that holds stays, for the customer's next request.
        if map
            .get(&self.charge_id)
            .is_some_and(|channel| channel.wakes.receiver_count() <= 1 && channel.copy().is_none())
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

    /// A copy of charge `chrg_a` whose `refreshed_ms` says which committed change it shows.
    fn copy(change: i64) -> (Payment, i64) {
        let payment = serde_json::from_value(serde_json::json!({
            "id": "chrg_a", "status": "pending", "amount": 129000, "currency": "THB",
            "authorize_uri": null, "expires_at": null, "paid_at": null,
            "failure_code": null, "failure_message": null,
            "source": {"type": "promptpay", "flow": "offline", "scannable_code": null}
        }))
        .unwrap();
        (payment, change)
    }

    #[tokio::test]
    async fn the_next_request_finds_the_copy_until_the_charge_changes() {
        let waiters = Waiters::default();
        let first = waiters.wait_on("chrg_a");
        assert!(first.kept().is_none());
        first.keep(first.wakes(), &copy(1));
        drop(first);
        // The customer's next request, after the hold: no read needed.
        let again = waiters.wait_on("chrg_a");
        assert_eq!(again.kept().map(|(_, change)| change), Some(1));
        waiters.wake("chrg_a");
        assert!(again.kept().is_none(), "a change invalidates the copy");
        again.keep(again.wakes(), &copy(2));
        waiters.wake_all();
        assert!(again.kept().is_none(), "so does a wake-up of every charge");
    }

    #[tokio::test(start_paused = true)]
    async fn a_copy_answers_for_a_hold_and_no_longer() {
        let waiters = Waiters::default();
        let waiting = waiters.wait_on("chrg_a");
        waiting.keep(waiting.wakes(), &copy(1));
        tokio::time::advance(Duration::from_secs(25)).await;
        assert!(
            waiting.kept().is_some(),
            "the next request of a 25 s hold finds it"
        );
        tokio::time::advance(KEPT_FOR).await;
        assert!(waiting.kept().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn the_copies_of_customers_who_left_are_forgotten() {
        let waiters = Waiters::default();
        for n in 0..SWEEP_ABOVE {
            let waiting = waiters.wait_on(&format!("chrg_{n}"));
            waiting.keep(waiting.wakes(), &copy(1));
        }
        assert_eq!(waiters.0.lock().unwrap().len(), SWEEP_ABOVE);
        assert!(waiters.is_empty(), "kept, but nobody waits");
        tokio::time::advance(KEPT_FOR).await;
        let _next = waiters.wait_on("chrg_new");
        assert_eq!(waiters.0.lock().unwrap().len(), 1);
    }

    /// Every order of two customers' reads (wake-ups counted, the records read, the copy kept)
    /// and two changes (each committed, then its wake-up): whenever a copy is found kept, it
    /// shows every change whose wake-up has come. (A change whose wake-up is still on its way
    /// may be missed, as a read of the records just before its commit misses it.)
    #[tokio::test]
    async fn a_kept_copy_never_hides_a_change_that_was_announced() {
        #[derive(Clone, Copy, PartialEq)]
        enum Step {
            CountWakes,
            ReadRecords,
            Keep,
            Commit,
            Wake,
        }
        const READ: [Step; 3] = [Step::CountWakes, Step::ReadRecords, Step::Keep];
        const CHANGES: [Step; 4] = [Step::Commit, Step::Wake, Step::Commit, Step::Wake];
        // Each interleaving: which sequence each step comes from (0, 1: the customers; 2: the
        // changes), in order.
        fn interleavings(left: [usize; 3], prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            if left == [0; 3] {
                out.push(prefix.clone());
            }
            for who in 0..3 {
                if left[who] > 0 {
                    let mut rest = left;
                    rest[who] -= 1;
                    prefix.push(who);
                    interleavings(rest, prefix, out);
                    prefix.pop();
                }
            }
        }
        let mut orders = Vec::new();
        interleavings([3, 3, 4], &mut Vec::new(), &mut orders);
        assert_eq!(orders.len(), 4_200);
        for order in orders {
            let waiters = Waiters::default();
            let customers = [waiters.wait_on("chrg_a"), waiters.wait_on("chrg_a")];
            let (mut committed, mut announced) = (0_i64, 0_i64);
            let mut done = [0_usize; 3];
            let mut counted = [0_u64; 2];
            let mut read = [0_i64; 2];
            for who in order {
                let step = if who == 2 {
                    CHANGES[done[2]]
                } else {
                    READ[done[who]]
                };
                done[who] += 1;
                match step {
                    Step::CountWakes => counted[who] = customers[who].wakes(),
                    Step::ReadRecords => read[who] = committed,
                    Step::Keep => customers[who].keep(counted[who], &copy(read[who])),
                    Step::Commit => committed += 1,
                    Step::Wake => {
                        announced += 1;
                        waiters.wake("chrg_a");
                    }
                }
                for customer in &customers {
                    if let Some((_, shows)) = customer.kept() {
                        assert!(
                            shows >= announced,
                            "a copy of change {shows} after change {announced} was announced"
                        );
                    }
                }
            }
        }
    }
}
