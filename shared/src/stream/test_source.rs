//! How long a test source publishes.

use crate::openapi::schema;
use serde::{Deserialize, Serialize};

/// How long a test source publishes, in seconds: 1 to 600, 60 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct TestSourceDuration(u32);

impl TestSourceDuration {
    pub const MIN: u32 = 1;
    /// Ten minutes: a test, not a channel (the server runs only a few at once).
    pub const MAX: u32 = 600;
    pub const DEFAULT: u32 = 60;

    pub fn new(secs: u32) -> Result<Self, String> {
        if (Self::MIN..=Self::MAX).contains(&secs) {
            Ok(TestSourceDuration(secs))
        } else {
            Err(format!(
                "must be between {} and {} seconds",
                Self::MIN,
                Self::MAX
            ))
        }
    }

    pub fn secs(self) -> u32 {
        self.0
    }
}

schema!(
    TestSourceDuration,
    crate::openapi::bounded(TestSourceDuration::MIN, TestSourceDuration::MAX)
        .description(Some("Seconds the test source publishes."))
        .default(Some(TestSourceDuration::DEFAULT.into()))
);

impl Default for TestSourceDuration {
    fn default() -> Self {
        TestSourceDuration(Self::DEFAULT)
    }
}

impl TryFrom<u32> for TestSourceDuration {
    type Error = String;
    fn try_from(secs: u32) -> Result<Self, String> {
        TestSourceDuration::new(secs)
    }
}

impl From<TestSourceDuration> for u32 {
    fn from(d: TestSourceDuration) -> u32 {
        d.0
    }
}
