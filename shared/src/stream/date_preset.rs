//! The list's date presets on `updated_at`, in UTC.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The list's date presets on `updated_at`, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum DatePreset {
    Today,
    Yesterday,
    /// ISO week: from Monday 00:00.
    ThisWeek,
    ThisMonth,
    /// The previous calendar month.
    PastMonth,
    /// The last 90 days. (Named here: serde's snake case would say `last3_months`.)
    #[serde(rename = "last_3_months")]
    Last3Months,
}

impl DatePreset {
    pub const ALL: [DatePreset; 6] = [
        DatePreset::Today,
        DatePreset::Yesterday,
        DatePreset::ThisWeek,
        DatePreset::ThisMonth,
        DatePreset::PastMonth,
        DatePreset::Last3Months,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DatePreset::Today => "today",
            DatePreset::Yesterday => "yesterday",
            DatePreset::ThisWeek => "this_week",
            DatePreset::ThisMonth => "this_month",
            DatePreset::PastMonth => "past_month",
            DatePreset::Last3Months => "last_3_months",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DatePreset::Today => "Today",
            DatePreset::Yesterday => "Yesterday",
            DatePreset::ThisWeek => "This week",
            DatePreset::ThisMonth => "This month",
            DatePreset::PastMonth => "Past month",
            DatePreset::Last3Months => "Last 3 months",
        }
    }

    /// The half-open range `[from, to)` this preset means at `now`.
    pub fn range(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let day = now.date_naive();
        let midnight =
            |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
        let first_of_month = |d: NaiveDate| d.with_day(1).unwrap_or(d);
        let far_future = midnight(day) + Duration::days(1);
        match self {
            DatePreset::Today => (midnight(day), far_future),
            DatePreset::Yesterday => (midnight(day) - Duration::days(1), midnight(day)),
            DatePreset::ThisWeek => {
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (midnight(monday), far_future)
            }
            DatePreset::ThisMonth => (midnight(first_of_month(day)), far_future),
            DatePreset::PastMonth => {
                let this_month = first_of_month(day);
                let last_month = first_of_month(this_month - Duration::days(1));
                (midnight(last_month), midnight(this_month))
            }
            DatePreset::Last3Months => (now - Duration::days(90), far_future),
        }
    }
}

impl FromStr for DatePreset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DatePreset::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                "must be one of today, yesterday, this_week, this_month, past_month, last_3_months"
                    .to_string()
            })
    }
}

impl TryFrom<String> for DatePreset {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}
