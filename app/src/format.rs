//! How values read wherever the dashboard shows them, the same everywhere: recorded
//! files' sizes and lengths (the VOD card and the Live Processing tab's recordings, so the
//! same file never shows two different sizes), bitrates (the list's rows and the
//! overview's health card), and timestamps in UTC with their relative time ("3 minutes
//! ago").
//!
//! Layer: the ground floor of the app; pure functions over `shared`'s and chrono's
//! values, no view and nothing of the app's.
//!
//! Integer arithmetic on purpose: formatting an `f64` (`{:.1}`) brings core's float
//! printing (Grisu/Dragon and their tables, about 17 KB) into the wasm.

use chrono::{DateTime, Datelike, Timelike, Utc};
use shared::Timestamp;

/// A byte count in decimal (SI) units, one decimal from kB on: 999 → "999 B",
/// 1500 → "1.5 kB", 4,800,000 → "4.8 MB". Halves round up; the unit steps up once the
/// rounded value would read 1000.0.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let tenths = |unit: u128| (u128::from(bytes) * 10 + unit / 2) / unit;
    let mut unit: u128 = 1000;
    let mut index = 0;
    while tenths(unit) >= 10_000 && index + 1 < UNITS.len() {
        unit *= 1000;
        index += 1;
    }
    let t = tenths(unit);
    format!("{}.{} {}", t / 10, t % 10, UNITS[index])
}

/// A recording's length as a clock: 45 → "0:45", 65 → "1:05", 3723 → "1:02:03".
pub fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A recording's length, or a dash when the media server did not report one.
pub fn length(seconds: Option<u32>) -> String {
    seconds.map_or_else(|| "—".to_string(), clock)
}

/// A count with thousands separated by commas: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A bitrate as the dashboard writes it everywhere (profiles too): "1,234 kbit/s".
pub fn kbps(kbit_per_s: u32) -> String {
    format!("{} kbit/s", thousands(u64::from(kbit_per_s)))
}

/// The first eight characters of an id, which is how lists show it (the whole id is one
/// copy away): `3f2a9c1b`. Eight hex digits tell 4 billion ids apart.
pub fn short_id(id: uuid::Uuid) -> String {
    let mut text = id.simple().to_string();
    text.truncate(8);
    text
}

/// `2026-11-25 10:00:00 UTC`.
///
/// Written out by hand rather than with chrono's `format("%Y-…")`: the strftime
/// interpreter is several kB of wasm that nothing else needs.
pub fn utc_text(ts: Timestamp) -> String {
    let dt = ts.as_datetime();
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        utc_date(ts),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// `2026-11-25`.
pub fn utc_date(ts: Timestamp) -> String {
    let dt = ts.as_datetime();
    format!("{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day())
}

/// How long ago (or how far ahead) `ts` is from `now`, in the largest whole unit.
pub fn relative(now: DateTime<Utc>, ts: Timestamp) -> String {
    let secs = (now - ts.as_datetime()).num_seconds();
    let (amount, future) = if secs < 0 {
        (-secs, true)
    } else {
        (secs, false)
    };
    if amount < 45 {
        return if future {
            "in a few seconds"
        } else {
            "just now"
        }
        .to_string();
    }
    let (n, unit) = match amount {
        a if a < 3_600 => ((a + 30) / 60, "minute"),
        a if a < 86_400 => ((a + 1_800) / 3_600, "hour"),
        a if a < 30 * 86_400 => ((a + 43_200) / 86_400, "day"),
        a if a < 365 * 86_400 => (a / (30 * 86_400), "month"),
        a => (a / (365 * 86_400), "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_the_first_eight_characters() {
        let id = uuid::Uuid::parse_str("3f2a9c1b-0d4e-4f67-8a9b-0c1d2e3f4a5b").expect("valid");
        assert_eq!(short_id(id), "3f2a9c1b");
        assert_eq!(short_id(uuid::Uuid::nil()), "00000000");
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(file_size(0), "0 B");
        assert_eq!(file_size(999), "999 B");
        assert_eq!(file_size(1000), "1.0 kB");
        assert_eq!(file_size(1049), "1.0 kB");
        assert_eq!(file_size(1050), "1.1 kB");
        assert_eq!(file_size(1150), "1.2 kB");
        assert_eq!(file_size(1_500_000), "1.5 MB");
        assert_eq!(file_size(4_800_000), "4.8 MB");
        assert_eq!(file_size(999_949), "999.9 kB");
        assert_eq!(file_size(999_950), "1.0 MB");
        assert_eq!(file_size(999_999), "1.0 MB");
        assert_eq!(file_size(2_345_678_901), "2.3 GB");
        assert_eq!(file_size(u64::MAX), "18446.7 PB");
    }

    #[test]
    fn lengths_read_like_a_clock() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(45), "0:45");
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(3600), "1:00:00");
        assert_eq!(clock(3723), "1:02:03");
        assert_eq!(length(Some(90)), "1:30");
        assert_eq!(length(None), "—");
    }

    #[test]
    fn bitrates_read_with_thousands_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(kbps(0), "0 kbit/s");
        assert_eq!(kbps(1234), "1,234 kbit/s");
    }

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("valid time")
    }

    fn now() -> DateTime<Utc> {
        at("2026-11-25T10:00:00Z").as_datetime()
    }

    #[test]
    fn utc_text_is_to_the_second() {
        assert_eq!(
            utc_text(at("2026-11-25T09:05:07.123Z")),
            "2026-11-25 09:05:07 UTC"
        );
        assert_eq!(utc_date(at("2026-11-25T23:59:59Z")), "2026-11-25");
    }

    #[test]
    fn relative_picks_the_largest_unit() {
        assert_eq!(relative(now(), at("2026-11-25T09:59:30Z")), "just now");
        assert_eq!(relative(now(), at("2026-11-25T09:59:00Z")), "1 minute ago");
        assert_eq!(relative(now(), at("2026-11-25T09:57:00Z")), "3 minutes ago");
        assert_eq!(relative(now(), at("2026-11-25T08:00:00Z")), "2 hours ago");
        assert_eq!(relative(now(), at("2026-11-24T10:00:00Z")), "1 day ago");
        assert_eq!(relative(now(), at("2026-09-25T10:00:00Z")), "2 months ago");
        assert_eq!(relative(now(), at("2024-11-25T10:00:00Z")), "2 years ago");
        assert_eq!(relative(now(), at("2026-11-26T10:00:00Z")), "in 1 day");
        assert_eq!(
            relative(now(), at("2026-11-25T10:00:10Z")),
            "in a few seconds"
        );
    }
}
