//! A stream's state and the state machine that moves it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a stream is in its life. See docs/product.md, "Stream states".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum StreamState {
    /// Never live yet.
    Created,
    /// Ingest running.
    Live,
    /// Ingest stopped; can go live again.
    Ended,
    /// Ingest refused until unlocked.
    Locked,
    /// Soft-deleted: hidden from the default list, ingest refused, kept for audit.
    Deleted,
}

impl StreamState {
    pub const ALL: [StreamState; 5] = [
        StreamState::Created,
        StreamState::Live,
        StreamState::Ended,
        StreamState::Locked,
        StreamState::Deleted,
    ];
    /// What the list's "all" means: every state but deleted.
    pub const LISTED_BY_DEFAULT: [StreamState; 4] = [
        StreamState::Created,
        StreamState::Live,
        StreamState::Ended,
        StreamState::Locked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StreamState::Created => "created",
            StreamState::Live => "live",
            StreamState::Ended => "ended",
            StreamState::Locked => "locked",
            StreamState::Deleted => "deleted",
        }
    }
}

/// What can happen to a stream's state (docs/product.md, "Stream states").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamAction {
    /// The encoder starts publishing (ingest hook).
    Publish,
    /// The encoder stops (ingest hook).
    PublishDone,
    /// Stop & lock (admin): a live ingest is cut.
    Lock,
    /// Unlock (admin).
    Unlock,
    /// Soft delete (admin), of the whole group.
    Delete,
}

impl StreamState {
    /// The state after `action`, or `None` when the state machine refuses it.
    /// `ever_live` decides where unlock leads: `ended` if the stream was ever live,
    /// else `created`.
    pub fn after(self, action: StreamAction, ever_live: bool) -> Option<StreamState> {
        use StreamState::*;
        match (action, self) {
            (StreamAction::Publish, Created | Ended) => Some(Live),
            (StreamAction::PublishDone, Live) => Some(Ended),
            (StreamAction::Lock, Live | Created | Ended) => Some(Locked),
            (StreamAction::Unlock, Locked) => Some(if ever_live { Ended } else { Created }),
            (StreamAction::Delete, Created | Live | Ended | Locked) => Some(Deleted),
            _ => None,
        }
    }
}

impl StreamState {
    /// Whether an encoder (or a test source) may start publishing to a stream in this
    /// state: the media server's publish hook and the test-source route both ask this.
    pub fn may_publish(self) -> bool {
        self.after(StreamAction::Publish, false).is_some()
    }
}

impl fmt::Display for StreamState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StreamState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        StreamState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| "must be one of created, live, ended, locked, deleted".to_string())
    }
}

impl TryFrom<String> for StreamState {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}
