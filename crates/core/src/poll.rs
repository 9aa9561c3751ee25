//! When the widget asks the merchant server again while a charge is pending.
//!
//! The merchant server may hold a status request open until the charge changes (long poll,
//! `?wait=N`); then the next request can go at once and a payment is seen within a round trip.
//! A server that answers at once is asked gently: every 3 s in the first minute (the customer
//! is opening a banking app), then every 5 s, then every 10 s after five minutes. Errors back
//! off exponentially up to 30 s and reset on the next answer. One request is in flight at a
//! time: the caller waits for an answer before it asks for the next delay.

/// Seconds the widget asks the merchant server to hold a status request (`?wait=`).
pub const LONG_POLL_WAIT_SECS: u32 = 25;

/// What became of the last status request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The charge is still pending; the server took `held_ms` to answer.
    Pending {
        /// Time between sending the request and its answer.
        held_ms: u32,
    },
    /// No answer (network error) or a 5xx/429 answer.
    Failed,
}

/// The schedule's state for one waiting charge.
#[derive(Debug, Clone, Default)]
pub struct PollSchedule {
    consecutive_failures: u32,
}

/// An answer held this long shows the server long-polls: ask again at once.
const HELD_MEANS_LONG_POLL_MS: u32 = 1_000;

impl PollSchedule {
    /// A new schedule.
    pub fn new() -> Self {
        Self::default()
    }

    /// Milliseconds to wait before the next request, given the last answer and the time since
    /// the customer started waiting.
    pub fn next_delay_ms(&mut self, answer: Answer, waited_ms: u64) -> u32 {
        match answer {
            Answer::Pending { held_ms } => {
                self.consecutive_failures = 0;
                if held_ms >= HELD_MEANS_LONG_POLL_MS {
                    0
                } else if waited_ms < 60_000 {
                    3_000
                } else if waited_ms < 300_000 {
                    5_000
                } else {
                    10_000
                }
            }
            Answer::Failed => {
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                let exponent = self.consecutive_failures.min(6) - 1;
                (1_000u32 << exponent).min(30_000)
            }
        }
    }

    /// Failures in a row since the last answer: the widget tells the customer it is
    /// reconnecting after the first.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_polling_server_is_asked_again_at_once() {
        let mut schedule = PollSchedule::new();
        assert_eq!(
            schedule.next_delay_ms(Answer::Pending { held_ms: 25_000 }, 25_000),
            0
        );
    }

    #[test]
    fn a_server_that_answers_at_once_is_asked_gently_and_less_over_time() {
        let mut schedule = PollSchedule::new();
        let fast = Answer::Pending { held_ms: 40 };
        assert_eq!(schedule.next_delay_ms(fast, 0), 3_000);
        assert_eq!(schedule.next_delay_ms(fast, 59_000), 3_000);
        assert_eq!(schedule.next_delay_ms(fast, 61_000), 5_000);
        assert_eq!(schedule.next_delay_ms(fast, 301_000), 10_000);
        // never more than 20 requests a minute, far below Adyen's 30
        assert!(60_000 / schedule.next_delay_ms(fast, 0) <= 20);
    }

    #[test]
    fn failures_back_off_to_thirty_seconds_and_reset_on_an_answer() {
        let mut schedule = PollSchedule::new();
        let delays: Vec<u32> = (0..8)
            .map(|_| schedule.next_delay_ms(Answer::Failed, 0))
            .collect();
        assert_eq!(
            delays,
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(schedule.consecutive_failures(), 8);
        schedule.next_delay_ms(Answer::Pending { held_ms: 25_000 }, 0);
        assert_eq!(schedule.consecutive_failures(), 0);
        assert_eq!(schedule.next_delay_ms(Answer::Failed, 0), 1_000);
    }
}
