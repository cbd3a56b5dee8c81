//! The timecode setting of a stream group.

use crate::openapi::schema;
use serde::{Deserialize, Serialize};

/// Timecode insertion: on or off, every 500 ms to 1 hour (default 2 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TimecodeWire")]
pub struct Timecode {
    pub enabled: bool,
    pub interval_ms: u32,
}

impl Timecode {
    pub const MIN_INTERVAL_MS: u32 = 500;
    pub const MAX_INTERVAL_MS: u32 = 3_600_000;
    pub const DEFAULT_INTERVAL_MS: u32 = 2000;

    pub fn new(enabled: bool, interval_ms: u32) -> Result<Self, String> {
        if !(Self::MIN_INTERVAL_MS..=Self::MAX_INTERVAL_MS).contains(&interval_ms) {
            return Err(format!(
                "must be between {} and {} milliseconds",
                Self::MIN_INTERVAL_MS,
                Self::MAX_INTERVAL_MS
            ));
        }
        Ok(Timecode {
            enabled,
            interval_ms,
        })
    }
}

impl Default for Timecode {
    fn default() -> Self {
        Timecode {
            enabled: false,
            interval_ms: Self::DEFAULT_INTERVAL_MS,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimecodeWire {
    #[serde(default)]
    enabled: bool,
    #[serde(default = "default_interval")]
    interval_ms: u32,
}

// Written out because the wire form (`TimecodeWire`: defaults, no unknown fields) is not
// the type the derive would describe.
schema!(
    Timecode,
    crate::openapi::ObjectBuilder::new()
        .description(Some(
            "Timecode insertion; a missing field takes its default."
        ))
        .property(
            "enabled",
            crate::openapi::ObjectBuilder::new()
                .schema_type(crate::openapi::Type::Boolean)
                .default(Some(false.into())),
        )
        .property(
            "interval_ms",
            crate::openapi::bounded(Timecode::MIN_INTERVAL_MS, Timecode::MAX_INTERVAL_MS)
                .default(Some(Timecode::DEFAULT_INTERVAL_MS.into())),
        )
        .additional_properties(crate::openapi::closed())
);

fn default_interval() -> u32 {
    Timecode::DEFAULT_INTERVAL_MS
}

impl TryFrom<TimecodeWire> for Timecode {
    type Error = String;
    fn try_from(w: TimecodeWire) -> Result<Self, String> {
        Timecode::new(w.enabled, w.interval_ms).map_err(|e| format!("interval_ms {e}"))
    }
}
