//! The instance's budgets of re-reads of waiting customers' charges.
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
//! thousand less often.
//!
//! When no webhook has come for a while, the re-reads are what tells customers they paid, and
//! each waiting charge is re-read every 10 s: 1,000 reads a second at 10,000 waiting, five
//! times what the account admits, so that its 429s would refuse the merchant's new charges
//! too. A quiet spell looks the same as stopped webhooks (one run of the benchmark, its
//! customers arriving evenly, cost 17,002 such reads; 2,086 with the budget), so these
//! re-reads have a budget of their own, larger: a few hundred waiting customers are still
//! re-read every 10 s, ten thousand about every three minutes, and the account keeps room for
//! the charges.

use std::sync::Mutex;
use std::time::Instant;

/// Safety-net re-reads (webhooks arrive) an instance makes per second at most, in bursts of
/// as many.
pub const SAFETY_NET_REREADS_PER_SEC: u32 = 10;
/// Re-reads while webhooks are silent an instance makes per second at most, in bursts of as
/// many: a quarter of the sandbox's default rate limit per key, so that two instances leave
/// half of it to the merchant's charges.
pub const SILENT_REREADS_PER_SEC: u32 = 50;

/// The instance's two budgets.
#[derive(Debug)]
pub(crate) struct Rereads {
    /// For copies grown old while webhooks arrive.
    pub(crate) safety_net: RereadBudget,
    /// For copies re-read because no webhook has come for a while.
    pub(crate) silent: RereadBudget,
}

impl Default for Rereads {
    fn default() -> Self {
        Self {
            safety_net: RereadBudget::per_sec(SAFETY_NET_REREADS_PER_SEC),
            silent: RereadBudget::per_sec(SILENT_REREADS_PER_SEC),
        }
    }
}

/// A token bucket: `rate` re-reads a second, in bursts of as many.
#[derive(Debug)]
pub(crate) struct RereadBudget {
    rate: f64,
    /// Tokens left, and when they were counted.
    bucket: Mutex<(f64, Instant)>,
}

impl RereadBudget {
    /// A full budget of `rate` re-reads a second.
    pub(crate) fn per_sec(rate: u32) -> Self {
        let rate = f64::from(rate);
        Self {
            rate,
            bucket: Mutex::new((rate, Instant::now())),
        }
    }

    /// Takes one re-read at `now`; false when the budget is spent for now.
    pub(crate) fn take(&self, now: Instant) -> bool {
        let rate = self.rate;
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
        let budget = RereadBudget::per_sec(SAFETY_NET_REREADS_PER_SEC);
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
