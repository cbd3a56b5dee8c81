//! Timestamps on the wire: RFC 3339, UTC, always with milliseconds and a `Z`
//! (`2026-11-25T10:00:00.000Z`), so clients can compare them as strings too.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in time with millisecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = DateTime, example = "2026-11-25T10:00:00.000Z")
)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// From milliseconds since the Unix epoch (how the store keeps time); `None` when
    /// out of chrono's range.
    pub fn from_millis(ms: i64) -> Option<Self> {
        Utc.timestamp_millis_opt(ms).single().map(Timestamp)
    }

    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0.timestamp_millis()
    }

    pub fn as_datetime(self) -> DateTime<Utc> {
        self.0
    }

    /// Parses RFC 3339 with any offset; keeps millisecond precision.
    pub fn parse(s: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(s)
            .map_err(|_| "must be an RFC 3339 date-time such as 2026-11-25T10:00:00Z".to_string())
            .and_then(|dt| {
                Timestamp::from_millis(dt.timestamp_millis())
                    .ok_or_else(|| "is out of range".to_string())
            })
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(dt: DateTime<Utc>) -> Self {
        // Truncate to milliseconds so a value survives a round trip through the store.
        Timestamp::from_millis(dt.timestamp_millis()).unwrap_or(Timestamp(dt))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_millis_and_z() {
        let t = Timestamp::from_millis(1_764_064_800_123).expect("in range");
        assert_eq!(t.to_string(), "2025-11-25T10:00:00.123Z");
        assert_eq!(
            serde_json::to_string(&t).expect("serialises"),
            "\"2025-11-25T10:00:00.123Z\""
        );
    }

    #[test]
    fn parses_offsets_into_utc() {
        let t = Timestamp::parse("2025-11-25T11:00:00+01:00").expect("valid");
        assert_eq!(t.to_string(), "2025-11-25T10:00:00.000Z");
        assert!(Timestamp::parse("2025-11-25 10:00").is_err());
    }
}
