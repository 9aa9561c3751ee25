//! UTC timestamps as the API writes them (`2024-09-18T05:06:29Z`).
//!
//! A few lines of civil-calendar arithmetic (Howard Hinnant's `days_from_civil`) instead of a
//! date crate: the widget only needs to read `expires_at`, and every kilobyte of wasm is paid by
//! every customer on a phone.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The Unix epoch, which the API uses as the `from` of unbounded lists.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// Seconds since the epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// This instant plus `seconds`.
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS`, with optional fractional seconds, then `Z` or `+HH:MM`.
    pub fn parse(text: &str) -> Result<Self, crate::Error> {
        let invalid = || crate::Error::InvalidTimestamp(text.to_owned());
        let b = text.trim().as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(invalid());
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(invalid());
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, crate::Error> {
            let part = &b[range];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
            } else {
                Err(invalid())
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(invalid());
        }
        let mut rest = &b[19..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(invalid());
            }
            rest = &rest[1 + digits..];
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err(invalid());
                }
                let [h1, h2, m1, m2] = digits.map(|d| i64::from(d - b'0'));
                let minutes = (h1 * 10 + h2) * 60 + m1 * 10 + m2;
                if *sign == b'+' {
                    minutes * 60
                } else {
                    -minutes * 60
                }
            }
            _ => return Err(invalid()),
        };
        let days = days_from_civil(year, month, day);
        Ok(Self(
            days * 86_400 + hour * 3_600 + minute * 60 + second - offset,
        ))
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / 3_600,
            secs % 3_600 / 60,
            secs % 60
        )
    }
}

impl TryFrom<String> for Timestamp {
    type Error = crate::Error;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Timestamp> for String {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_the_seed_timestamps() {
        // 2024-09-11T05:06:29Z from seed 000, and its expiry seven days later.
        let created = Timestamp::parse("2024-09-11T05:06:29Z").unwrap();
        assert_eq!(created.unix(), 1_726_031_189);
        assert_eq!(
            created.plus_seconds(7 * 86_400).to_string(),
            "2024-09-18T05:06:29Z"
        );
        assert_eq!(Timestamp::EPOCH.to_string(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn round_trips_across_leap_days_and_centuries() {
        for text in [
            "2000-02-29T23:59:59Z",
            "2100-03-01T00:00:00Z",
            "1999-12-31T12:00:00Z",
            "2026-11-22T02:07:05Z",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn accepts_fractions_and_offsets() {
        let utc = Timestamp::parse("2020-07-01T15:00:00Z").unwrap();
        assert_eq!(Timestamp::parse("2020-07-01T15:00:00.123Z").unwrap(), utc);
        assert_eq!(Timestamp::parse("2020-07-01T22:00:00+07:00").unwrap(), utc);
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for text in [
            "",
            "2020-07-01",
            "2020-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2020-07-01T15:00:00",
            "2020-07-01T15:00:00+0700",
            "2020-07-01T15:00:00.Z",
            "２０２０-07-01T15:00:00Z",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text} should be refused");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::Timestamp;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_instant_round_trips(seconds in -62_135_596_800i64..253_402_300_799) {
            let timestamp = Timestamp(seconds);
            prop_assert_eq!(Timestamp::parse(&timestamp.to_string()), Ok(timestamp));
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panicking(text in "\\PC{0,40}") {
            let _ = Timestamp::parse(&text);
        }
    }
}
