//! Live-processing settings (thumbnails, motion clips, recording, replay) and their patches.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Live-processing settings of one member stream (org feature `live_processing`;
/// recording also needs `vod`). Stored and answered whole; changed by [`ProcessingPatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Processing {
    pub thumbnails: Thumbnails,
    pub motion_clips: MotionClips,
    pub recording: Recording,
    pub replay: Replay,
}

/// A still image of the stream every `interval_s` seconds (10 to 3600).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thumbnails {
    pub enabled: bool,
    pub interval_s: u32,
}

/// A short clip every `interval_s` seconds (10 to 3600), `duration_s` long (1 to 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MotionClips {
    pub enabled: bool,
    pub interval_s: u32,
    pub duration_s: u32,
}

/// Recording to files; `duration_s` at least 1, or `null` for the whole stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recording {
    pub enabled: bool,
    pub duration_s: Option<u32>,
}

/// Live replay (rewind while live); `duration_s` at least 1, or `null` for the whole stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Replay {
    pub enabled: bool,
    pub duration_s: Option<u32>,
}

impl Default for Thumbnails {
    fn default() -> Self {
        Thumbnails {
            enabled: false,
            interval_s: 30,
        }
    }
}

impl Default for MotionClips {
    fn default() -> Self {
        MotionClips {
            enabled: false,
            interval_s: 60,
            duration_s: 5,
        }
    }
}

impl Processing {
    pub const INTERVAL_S: (u32, u32) = (10, 3600);
    pub const CLIP_DURATION_S: (u32, u32) = (1, 60);

    /// Applies `patch` per process (a given process replaces the fields it names; the
    /// others keep theirs) and checks every bound of the result. Errors are keyed by
    /// field path below `processing`, e.g. `thumbnails.interval_s`.
    pub fn apply(&self, patch: &ProcessingPatch) -> Result<Processing, BTreeMap<String, String>> {
        let mut p = *self;
        if let Some(t) = &patch.thumbnails {
            p.thumbnails.enabled = t.enabled.unwrap_or(p.thumbnails.enabled);
            p.thumbnails.interval_s = t.interval_s.unwrap_or(p.thumbnails.interval_s);
        }
        if let Some(m) = &patch.motion_clips {
            p.motion_clips.enabled = m.enabled.unwrap_or(p.motion_clips.enabled);
            p.motion_clips.interval_s = m.interval_s.unwrap_or(p.motion_clips.interval_s);
            p.motion_clips.duration_s = m.duration_s.unwrap_or(p.motion_clips.duration_s);
        }
        if let Some(r) = &patch.recording {
            p.recording.enabled = r.enabled.unwrap_or(p.recording.enabled);
            p.recording.duration_s = r.duration_s.unwrap_or(p.recording.duration_s);
        }
        if let Some(r) = &patch.replay {
            p.replay.enabled = r.enabled.unwrap_or(p.replay.enabled);
            p.replay.duration_s = r.duration_s.unwrap_or(p.replay.duration_s);
        }
        p.check().map(|()| p)
    }

    /// Every bound of every process.
    pub fn check(&self) -> Result<(), BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut within = |field: &str, value: u32, (lo, hi): (u32, u32)| {
            if !(lo..=hi).contains(&value) {
                errors.insert(
                    field.to_string(),
                    format!("must be between {lo} and {hi} seconds"),
                );
            }
        };
        within(
            "thumbnails.interval_s",
            self.thumbnails.interval_s,
            Self::INTERVAL_S,
        );
        within(
            "motion_clips.interval_s",
            self.motion_clips.interval_s,
            Self::INTERVAL_S,
        );
        within(
            "motion_clips.duration_s",
            self.motion_clips.duration_s,
            Self::CLIP_DURATION_S,
        );
        for (field, duration) in [
            ("recording.duration_s", self.recording.duration_s),
            ("replay.duration_s", self.replay.duration_s),
        ] {
            if duration == Some(0) {
                errors.insert(
                    field.to_string(),
                    "must be at least 1 second, or null for the whole stream".into(),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A change to processing settings: absent processes stay; within a given process,
/// absent fields keep their values (`duration_s: null` means "whole stream").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProcessingPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnails: Option<ThumbnailsPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion_clips: Option<MotionClipsPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<DurationPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<DurationPatch>,
}

impl ProcessingPatch {
    /// Whether the patch switches a process on (`enabled: true`), by process name.
    pub fn enables(&self) -> impl Iterator<Item = &'static str> + '_ {
        [
            (
                "thumbnails",
                self.thumbnails.as_ref().and_then(|t| t.enabled),
            ),
            (
                "motion_clips",
                self.motion_clips.as_ref().and_then(|t| t.enabled),
            ),
            ("recording", self.recording.as_ref().and_then(|t| t.enabled)),
            ("replay", self.replay.as_ref().and_then(|t| t.enabled)),
        ]
        .into_iter()
        .filter(|(_, on)| *on == Some(true))
        .map(|(name, _)| name)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ThumbnailsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Seconds between two thumbnails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 10, maximum = 3600))]
    pub interval_s: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MotionClipsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Seconds between the starts of two clips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 10, maximum = 3600))]
    pub interval_s: Option<u32>,
    /// Length of a clip in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub duration_s: Option<u32>,
}

/// Recording or replay change; `duration_s: null` sets "whole stream".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DurationPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::model::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, nullable, minimum = 1))]
    pub duration_s: Option<Option<u32>>,
}
