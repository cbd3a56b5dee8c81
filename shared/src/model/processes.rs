//! The processes of a stream (`/streams/{id}/processes`): what Castboard runs for it while
//! it is live, each with its settings, where it stands and what it last produced.

use serde::{Deserialize, Serialize};

/// The kinds of process a stream has, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcessKind {
    Transcoding,
    Thumbnails,
    MotionClips,
    Recording,
    Replay,
}

impl ProcessKind {
    pub const ALL: [ProcessKind; 5] = [
        ProcessKind::Transcoding,
        ProcessKind::Thumbnails,
        ProcessKind::MotionClips,
        ProcessKind::Recording,
        ProcessKind::Replay,
    ];

    /// Its name in the API (`motion_clips`), also its path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessKind::Transcoding => "transcoding",
            ProcessKind::Thumbnails => "thumbnails",
            ProcessKind::MotionClips => "motion_clips",
            ProcessKind::Recording => "recording",
            ProcessKind::Replay => "replay",
        }
    }

    /// The kind named `name`, if any.
    pub fn parse(name: &str) -> Option<ProcessKind> {
        ProcessKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_named_as_it_serialises_and_parses_back() {
        for kind in ProcessKind::ALL {
            let json = serde_json::to_string(&kind).expect("serialised");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(ProcessKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ProcessKind::parse("motion-clips"), None);
    }
}
