//! The instance's budget of safety-net re-reads.
//!
//! While webhooks arrive, a waiting customer's copy that has grown old is re-read from the
//! gateway anyway, in case its delivery was lost. Each such read is a request on the
//! merchant's gateway account, whose rate is limited (past it the gateway answers 429; the
//! sandbox admits 200 a second per key by default) and which the merchant's charges and the
//! webhooks' own re-reads need more. Unbudgeted, 10,000 customers waiting at the QR cost the
//! account one read each a minute, about 170 a second, on top of the webhooks' (measured:
//! 17,351 such reads in the minute of the benchmark's payments, against 9,999 webhooks;
//! BENCHMARKS.md). So these re-reads are budgeted per instance, taken as they come due: a
//! few hundred waiting customers are each re-read every minute as before, ten
//! thousand less often. When webhooks stop, the re-reads are what tells customers they paid,
//! and they are not budgeted.

use std::sync::Mutex;
use std::time::Instant;

/// Safety-net re-reads an instance makes per second at most, in bursts of as many.
pub const SAFETY_NET_REREADS_PER_SEC: u32 = 10;

/// A token bucket of [`SAFETY_NET_REREADS_PER_SEC`].
#[derive(Debug)]
pub(crate) struct RereadBudget {
    /// Tokens left, and when they were counted.
    bucket: Mutex<(f64, Instant)>,
}

impl Default for RereadBudget {
    fn default() -> Self {
        Self {
            bucket: Mutex::new((f64::from(SAFETY_NET_REREADS_PER_SEC), Instant::now())),
        }
    }
}

impl RereadBudget {
    /// Takes one re-read at `now`; false when the budget is spent for now.
    pub(crate) fn take(&self, now: Instant) -> bool {
        let rate = f64::from(SAFETY_NET_REREADS_PER_SEC);
        let mut bucket = self
            .bucket
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (tokens, counted) = *bucket;
        let refilled =
            (tokens + now.saturating_duration_since(counted).as_secs_f64() * rate).min(rate);
        let taken = refilled >= 1.0;
        *bucket = (if taken { refilled - 1.0 } else { refilled }, now);
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::{RereadBudget, SAFETY_NET_REREADS_PER_SEC};
    use std::time::{Duration, Instant};

    #[test]
    fn a_burst_then_the_rate() {
        let budget = RereadBudget::default();
        let start = Instant::now();
        let burst = (0..100).filter(|_| budget.take(start)).count();
        assert_eq!(burst, SAFETY_NET_REREADS_PER_SEC as usize);
        assert!(!budget.take(start + Duration::from_millis(50)));
        // A tenth of a second later, one more.
        assert!(budget.take(start + Duration::from_millis(101)));
        assert!(!budget.take(start + Duration::from_millis(102)));
        // Idle for a minute: the burst again, no more.
        let later = start + Duration::from_secs(60);
        let burst = (0..100).filter(|_| budget.take(later)).count();
        assert_eq!(burst, SAFETY_NET_REREADS_PER_SEC as usize);
    }
}
