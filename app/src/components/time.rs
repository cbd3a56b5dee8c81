//! Timestamps as the product shows them: UTC, to the second, with the relative time
//! ("3 minutes ago") on hover and for screen readers in the `title`.

use chrono::{DateTime, Datelike, Timelike, Utc};
use leptos::prelude::*;
use shared::Timestamp;

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

/// A `<time>` element: UTC text, relative time in the tooltip.
#[component]
pub fn UtcTime(
    ts: Timestamp,
    /// Only the date (`2026-11-25`).
    #[prop(optional)]
    date_only: bool,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let text = if date_only {
        utc_date(ts)
    } else {
        utc_text(ts)
    };
    view! {
        <time
            class="utc-time"
            datetime=ts.to_string()
            title=relative(Utc::now(), ts)
            data-testid=testid
        >
            {text}
        </time>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
