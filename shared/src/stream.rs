//! Streams: states, names, tags, profiles, processing settings and the listing
//! vocabulary, as validated types shared by the API and the dashboard.

use crate::openapi::schema;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

/// A streamname: the organisation hash, a dash and 5 letters or digits
/// (`HX26g-NRbx9`); case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamName(String);

impl StreamName {
    pub const SUFFIX_LEN: usize = 5;
    /// What `parse` accepts, as a regular expression.
    pub const PATTERN: &'static str = "^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$";

    pub fn parse(s: &str) -> Result<Self, String> {
        let b = s.as_bytes();
        let ok = b.len() == 11
            && b[5] == b'-'
            && b[..5].iter().chain(&b[6..]).all(u8::is_ascii_alphanumeric);
        if ok {
            Ok(StreamName(s.to_string()))
        } else {
            Err(
                "must be a streamname like AbC12-xYz89 (5 letters or digits, a dash, 5 more)"
                    .into(),
            )
        }
    }

    /// The organisation hash part.
    pub fn org_hash(&self) -> &str {
        &self.0[..5]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

schema!(
    StreamName,
    crate::openapi::string(
        "A streamname: the organisation hash, a dash and 5 letters or digits; case-sensitive."
    )
    .pattern(Some(StreamName::PATTERN))
    .examples(["HX26g-NRbx9"])
);

impl TryFrom<String> for StreamName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        StreamName::parse(&s)
    }
}

impl From<StreamName> for String {
    fn from(n: StreamName) -> String {
        n.0
    }
}

/// What the search field holds: an exact stream id or streamname.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamLookup {
    /// A UUID as typed (ids are lowercase, so an uppercase one finds nothing).
    Id(String),
    Name(StreamName),
}

impl StreamLookup {
    /// What `parse` accepts, as a regular expression: a UUID (any case) or a streamname.
    pub const PATTERN: &'static str = "^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9]{5}-[A-Za-z0-9]{5})$";

    pub fn parse(q: &str) -> Result<Self, String> {
        let is_uuid = q.len() == 36
            && q.char_indices().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        if is_uuid {
            return Ok(StreamLookup::Id(q.to_string()));
        }
        StreamName::parse(q)
            .map(StreamLookup::Name)
            .map_err(|_| "must be a stream id (UUID) or a streamname like AbC12-xYz89".to_string())
    }
}

schema!(
    StreamLookup,
    crate::openapi::string(
        "An exact stream id (ids are lowercase, so an uppercase one finds nothing) or streamname."
    )
    .pattern(Some(StreamLookup::PATTERN))
);

/// One tag: trimmed, 1 to 64 characters (Unicode), no control characters;
/// case-sensitive; `key:value` and `a/b` are fine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

impl Tag {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(s: &str) -> Result<Self, String> {
        crate::validate::parse_label(s, Self::MAX_CHARS).map(Tag)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

schema!(
    Tag,
    crate::openapi::label(
        "One tag: one line, case-sensitive; surrounding white space is trimmed. `key:value` and \
     `a/b` are fine.",
        Tag::MAX_CHARS,
    )
);

impl TryFrom<String> for Tag {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Tag::parse(&s)
    }
}

impl From<Tag> for String {
    fn from(t: Tag) -> String {
        t.0
    }
}

/// A stream's tag list: at most 32 tags, duplicates collapsed to the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Tags(Vec<Tag>);

impl Tags {
    pub const MAX: usize = 32;

    /// Parses each tag; the error names the first bad one by position.
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        let mut tags: Vec<Tag> = Vec::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            let tag = Tag::parse(s.as_ref()).map_err(|e| format!("tag {} {e}", i + 1))?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > Self::MAX {
            return Err(format!("must hold at most {} tags", Self::MAX));
        }
        Ok(Tags(tags))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_slice(&self) -> &[Tag] {
        &self.0
    }
}

schema!(
    Tags,
    crate::openapi::list_of::<Tag>(
        "A stream's tags; duplicates collapse to the first, so the bound counts distinct tags.",
        0,
        Tags::MAX,
    ),
    [Tag]
);

impl TryFrom<Vec<String>> for Tags {
    type Error = String;
    fn try_from(v: Vec<String>) -> Result<Self, String> {
        Tags::parse(&v)
    }
}

impl From<Tags> for Vec<String> {
    fn from(t: Tags) -> Vec<String> {
        t.0.into_iter().map(String::from).collect()
    }
}

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

/// A transcode's output: resolution, bitrate and frame rate, with its profile id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// `vtrans2-<width>x<height>x<kbps>x<fps>`.
    pub id: String,
    pub width: u32,
    pub height: u32,
    pub bitrate_kbps: u32,
    pub framerate: u32,
}

impl Profile {
    pub const WIDTH: (u32, u32) = (16, 7680);
    pub const HEIGHT: (u32, u32) = (16, 4320);
    pub const BITRATE_KBPS: (u32, u32) = (50, 50_000);
    pub const FRAMERATE: (u32, u32) = (1, 120);

    /// A custom profile; every field within its bounds.
    pub fn custom(
        width: u32,
        height: u32,
        bitrate_kbps: u32,
        framerate: u32,
    ) -> Result<Self, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        for (name, value, (lo, hi)) in [
            ("width", width, Self::WIDTH),
            ("height", height, Self::HEIGHT),
            ("bitrate_kbps", bitrate_kbps, Self::BITRATE_KBPS),
            ("framerate", framerate, Self::FRAMERATE),
        ] {
            if !(lo..=hi).contains(&value) {
                errors.insert(name.to_string(), format!("must be between {lo} and {hi}"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Profile {
            id: format!("vtrans2-{width}x{height}x{bitrate_kbps}x{framerate}"),
            width,
            height,
            bitrate_kbps,
            framerate,
        })
    }

    /// One of [`presets`] by id.
    pub fn preset(id: &str) -> Option<Profile> {
        presets().into_iter().find(|p| p.id == id)
    }

    /// "852×480 · 800 kbit/s · 25 fps".
    pub fn label(&self) -> String {
        format!(
            "{}×{} · {} kbit/s · {} fps",
            self.width, self.height, self.bitrate_kbps, self.framerate
        )
    }
}

/// The transcoding profiles offered by name: nanoStream's `vtrans2-` ladder.
pub fn presets() -> Vec<Profile> {
    const LADDER: [(u32, u32, u32, u32); 16] = [
        (1280, 720, 2000, 30),
        (1280, 720, 2000, 25),
        (1280, 720, 1600, 30),
        (1280, 720, 1600, 25),
        (1280, 720, 1200, 30),
        (1280, 720, 1200, 25),
        (1280, 720, 1000, 30),
        (1280, 720, 1000, 25),
        (852, 480, 800, 30),
        (852, 480, 800, 25),
        (852, 480, 640, 30),
        (852, 480, 640, 25),
        (640, 360, 400, 25),
        (640, 360, 300, 15),
        (480, 270, 250, 15),
        (426, 240, 200, 15),
    ];
    LADDER
        .iter()
        .map(|&(w, h, b, f)| Profile {
            id: format!("vtrans2-{w}x{h}x{b}x{f}"),
            width: w,
            height: h,
            bitrate_kbps: b,
            framerate: f,
        })
        .collect()
}

/// The ladder rule: transcode bitrates strictly decrease with the index. Returns the
/// position (0-based among transcodes) of the first profile breaking it.
pub fn ladder_violation(bitrates: &[u32]) -> Option<usize> {
    bitrates
        .windows(2)
        .position(|w| w[1] >= w[0])
        .map(|i| i + 1)
}

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

/// Rows per page of the stream list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PerPage(u32);

impl PerPage {
    pub const ALLOWED: [u32; 4] = [25, 50, 100, 150];

    pub fn new(n: u32) -> Result<Self, String> {
        if Self::ALLOWED.contains(&n) {
            Ok(PerPage(n))
        } else {
            Err("must be one of 25, 50, 100, 150".into())
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

schema!(
    PerPage,
    crate::openapi::ObjectBuilder::new()
        .schema_type(crate::openapi::Type::Integer)
        .description(Some("Rows per page."))
        .enum_values(Some(PerPage::ALLOWED))
        .default(Some(PerPage::default().get().into()))
);

impl Default for PerPage {
    fn default() -> Self {
        PerPage(25)
    }
}

impl TryFrom<u32> for PerPage {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, String> {
        PerPage::new(n)
    }
}

impl From<PerPage> for u32 {
    fn from(p: PerPage) -> u32 {
        p.0
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn date_presets_on_a_wednesday() {
        let now = at("2026-11-25T13:45:00Z"); // a Wednesday
        let r = |p: DatePreset| {
            let (a, b) = p.range(now);
            (
                Timestamp::from(a).to_string(),
                Timestamp::from(b).to_string(),
            )
        };
        let tomorrow = "2026-11-26T00:00:00.000Z".to_string();
        assert_eq!(
            r(DatePreset::Today),
            ("2026-11-25T00:00:00.000Z".into(), tomorrow.clone())
        );
        assert_eq!(
            r(DatePreset::Yesterday),
            (
                "2026-11-24T00:00:00.000Z".into(),
                "2026-11-25T00:00:00.000Z".into()
            )
        );
        assert_eq!(
            r(DatePreset::ThisWeek),
            ("2026-11-23T00:00:00.000Z".into(), tomorrow.clone())
        );
        assert_eq!(
            r(DatePreset::ThisMonth),
            ("2026-11-01T00:00:00.000Z".into(), tomorrow.clone())
        );
        assert_eq!(
            r(DatePreset::PastMonth),
            (
                "2026-10-01T00:00:00.000Z".into(),
                "2026-11-01T00:00:00.000Z".into()
            )
        );
        assert_eq!(
            r(DatePreset::Last3Months),
            ("2026-08-27T13:45:00.000Z".into(), tomorrow)
        );
    }

    #[test]
    fn date_presets_at_year_and_week_edges() {
        let monday = at("2027-01-04T00:00:00Z");
        assert_eq!(DatePreset::ThisWeek.range(monday).0, monday);
        let new_year = at("2027-01-01T08:00:00Z"); // a Friday
        assert_eq!(
            DatePreset::PastMonth.range(new_year),
            (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        );
        assert_eq!(
            DatePreset::ThisWeek.range(new_year).0,
            at("2026-12-28T00:00:00Z")
        );
        assert_eq!(
            DatePreset::Yesterday.range(new_year),
            (at("2026-12-31T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn the_state_machine_allows_exactly_the_table() {
        use StreamAction::*;
        use StreamState::*;
        let allowed = [
            (Created, Publish, Live),
            (Ended, Publish, Live),
            (Live, PublishDone, Ended),
            (Live, Lock, Locked),
            (Created, Lock, Locked),
            (Ended, Lock, Locked),
            (Created, Delete, Deleted),
            (Live, Delete, Deleted),
            (Ended, Delete, Deleted),
            (Locked, Delete, Deleted),
        ];
        for from in StreamState::ALL {
            for action in [Publish, PublishDone, Lock, Unlock, Delete] {
                let expected = if action == Unlock {
                    (from == Locked).then_some(Ended)
                } else {
                    allowed
                        .iter()
                        .find(|(f, a, _)| *f == from && *a == action)
                        .map(|(_, _, to)| *to)
                };
                assert_eq!(from.after(action, true), expected, "{from} {action:?}");
            }
        }
        assert_eq!(Locked.after(Unlock, false), Some(Created));
    }

    #[test]
    fn lookups() {
        assert_eq!(
            StreamLookup::parse("7c1e2b3a-0000-4000-8000-00000000abcd"),
            Ok(StreamLookup::Id(
                "7c1e2b3a-0000-4000-8000-00000000abcd".into()
            ))
        );
        assert_eq!(
            StreamLookup::parse("7C1E2B3A-0000-4000-8000-00000000ABCD"),
            Ok(StreamLookup::Id(
                "7C1E2B3A-0000-4000-8000-00000000ABCD".into()
            ))
        );
        assert!(matches!(
            StreamLookup::parse("HX26g-NRbx9"),
            Ok(StreamLookup::Name(_))
        ));
        for bad in [
            "",
            "HX26g",
            "HX26g-NRbx",
            "HX26g_NRbx9",
            "HX26g-NRbx9 ",
            "7c1e2b3a00004000800000000000abcd",
        ] {
            assert!(StreamLookup::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags_trim_collapse_and_bound() {
        let t = Tags::parse(&[" sport ", "sport", "news", "a/b", "k:v"]).expect("valid");
        let v: Vec<String> = t.into();
        assert_eq!(v, vec!["sport", "news", "a/b", "k:v"]);
        assert_eq!(
            Tags::parse(&["ok", "  "]),
            Err("tag 2 must not be empty".into())
        );
        let many: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();
        assert_eq!(Tags::parse(&many), Err("must hold at most 32 tags".into()));
        assert!(Tags::parse(&many[..32]).is_ok());
        // 33 entries that collapse to 32 are fine.
        let mut dup = many[..32].to_vec();
        dup.push("t0".into());
        assert_eq!(Tags::parse(&dup).map(|t| t.len()), Ok(32));
        assert!(Tag::parse(&"é".repeat(64)).is_ok());
        assert!(Tag::parse(&"é".repeat(65)).is_err());
    }

    #[test]
    fn timecode_bounds_and_defaults() {
        assert!(Timecode::new(true, 499).is_err());
        assert!(Timecode::new(true, 500).is_ok());
        assert!(Timecode::new(true, 3_600_000).is_ok());
        assert!(Timecode::new(true, 3_600_001).is_err());
        let t: Timecode = serde_json::from_str(r#"{"enabled": true}"#).expect("valid");
        assert_eq!(
            t,
            Timecode {
                enabled: true,
                interval_ms: 2000
            }
        );
        let e =
            serde_json::from_str::<Timecode>(r#"{"interval_ms": 100}"#).map_err(|e| e.to_string());
        assert_eq!(
            e,
            Err("interval_ms must be between 500 and 3600000 milliseconds".into())
        );
    }

    #[test]
    fn profiles_and_ladder() {
        assert_eq!(
            Profile::preset("vtrans2-852x480x800x25").map(|p| p.bitrate_kbps),
            Some(800)
        );
        assert!(Profile::preset("vtrans2-1x1x1x1").is_none());
        assert_eq!(
            Profile::custom(640, 360, 400, 25).map(|p| p.id),
            Ok("vtrans2-640x360x400x25".into())
        );
        let e = Profile::custom(8, 360, 60_000, 25).expect_err("out of bounds");
        assert_eq!(e.keys().collect::<Vec<_>>(), vec!["bitrate_kbps", "width"]);
        assert_eq!(ladder_violation(&[1600, 800, 400]), None);
        assert_eq!(ladder_violation(&[1600, 1600]), Some(1));
        assert_eq!(ladder_violation(&[800, 400, 600]), Some(2));
        assert_eq!(ladder_violation(&[]), None);
        assert!(presets().iter().all(|p| Profile::custom(
            p.width,
            p.height,
            p.bitrate_kbps,
            p.framerate
        )
        .as_ref()
            == Ok(p)));
    }

    #[test]
    fn processing_patches_merge_per_process() {
        let base = Processing::default();
        let patch: ProcessingPatch = serde_json::from_str(
            r#"{"thumbnails": {"enabled": true}, "recording": {"duration_s": 600}}"#,
        )
        .expect("valid");
        let p = base.apply(&patch).expect("in bounds");
        assert_eq!(
            p.thumbnails,
            Thumbnails {
                enabled: true,
                interval_s: 30
            }
        );
        assert_eq!(
            p.recording,
            Recording {
                enabled: false,
                duration_s: Some(600)
            }
        );
        assert_eq!(p.motion_clips, MotionClips::default());
        let back: ProcessingPatch =
            serde_json::from_str(r#"{"recording": {"duration_s": null}}"#).expect("valid");
        assert_eq!(p.apply(&back).map(|q| q.recording.duration_s), Ok(None));
        assert_eq!(patch.enables().collect::<Vec<_>>(), vec!["thumbnails"]);
    }

    #[test]
    fn processing_bounds_on_both_sides() {
        let p = |json: &str| {
            let patch: ProcessingPatch = serde_json::from_str(json).expect("parses");
            Processing::default().apply(&patch)
        };
        assert!(p(r#"{"thumbnails": {"interval_s": 10}}"#).is_ok());
        assert!(p(r#"{"thumbnails": {"interval_s": 3600}}"#).is_ok());
        let e = p(r#"{"thumbnails": {"interval_s": 9}, "motion_clips": {"duration_s": 61}, "replay": {"duration_s": 0}}"#)
            .expect_err("out of bounds");
        assert_eq!(
            e,
            BTreeMap::from([
                (
                    "motion_clips.duration_s".to_string(),
                    "must be between 1 and 60 seconds".to_string()
                ),
                (
                    "replay.duration_s".to_string(),
                    "must be at least 1 second, or null for the whole stream".to_string()
                ),
                (
                    "thumbnails.interval_s".to_string(),
                    "must be between 10 and 3600 seconds".to_string()
                ),
            ])
        );
        assert!(p(r#"{"motion_clips": {"interval_s": 3601}}"#).is_err());
        assert!(p(r#"{"motion_clips": {"duration_s": 1, "interval_s": 10}}"#).is_ok());
        assert!(serde_json::from_str::<ProcessingPatch>(r#"{"thumbs": {}}"#).is_err());
    }

    #[test]
    fn date_presets_are_written_as_they_are_read() {
        for d in DatePreset::ALL {
            let json = serde_json::to_value(d).expect("serialises");
            assert_eq!(json, serde_json::Value::from(d.as_str()));
            assert_eq!(serde_json::from_value::<DatePreset>(json).ok(), Some(d));
        }
    }

    #[test]
    fn per_page_values() {
        for n in [25, 50, 100, 150] {
            assert_eq!(PerPage::new(n).map(PerPage::get), Ok(n));
        }
        for n in [0, 10, 24, 26, 200] {
            assert!(PerPage::new(n).is_err());
        }
    }

    #[test]
    fn only_created_and_ended_streams_may_be_published_to() {
        use StreamState::*;
        let may: Vec<StreamState> = [Created, Live, Ended, Locked, Deleted]
            .into_iter()
            .filter(|s| s.may_publish())
            .collect();
        assert_eq!(may, vec![Created, Ended]);
    }

    #[test]
    fn test_source_durations_are_one_second_to_ten_minutes() {
        for n in [1, 60, 600] {
            assert_eq!(
                TestSourceDuration::new(n).map(TestSourceDuration::secs),
                Ok(n)
            );
        }
        for n in [0, 601, u32::MAX] {
            assert_eq!(
                TestSourceDuration::new(n),
                Err("must be between 1 and 600 seconds".to_string())
            );
        }
        assert_eq!(TestSourceDuration::default().secs(), 60);
        let absent: TestSourceDuration = serde_json::from_str("60").expect("a duration");
        assert_eq!(absent, TestSourceDuration::default());
        assert!(serde_json::from_str::<TestSourceDuration>("0").is_err());
    }

    proptest! {
        #[test]
        fn streamnames_are_exactly_five_dash_five(s in "\\PC{0,14}") {
            let b = s.as_bytes();
            let expected = b.len() == 11 && b[5] == b'-' && b.iter().enumerate().all(|(i, c)| i == 5 || c.is_ascii_alphanumeric());
            prop_assert_eq!(StreamName::parse(&s).is_ok(), expected);
        }

        #[test]
        fn the_streamname_pattern_is_parse(s in "[A-Za-z0-9_-]{0,3}|[A-Za-z0-9é_-]{4,6}-?[A-Za-z0-9é_-]{4,6}") {
            let pattern = regex::Regex::new(StreamName::PATTERN).expect("valid");
            prop_assert_eq!(pattern.is_match(&s), StreamName::parse(&s).is_ok());
        }

        #[test]
        fn the_lookup_pattern_is_parse(s in "[0-9a-fA-Fg-]{36}|[0-9a-f]{8}-[0-9a-fA-F]{4}-[0-9a-f-]{4}-[0-9A-F]{4}-[0-9a-f]{11,13}|[A-Za-z0-9_-]{11}") {
            let pattern = regex::Regex::new(StreamLookup::PATTERN).expect("valid");
            prop_assert_eq!(pattern.is_match(&s), StreamLookup::parse(&s).is_ok());
        }

        #[test]
        fn generated_streamnames_parse(h in "[A-Za-z0-9]{5}", n in "[A-Za-z0-9]{5}") {
            let name = StreamName::parse(&format!("{h}-{n}")).expect("valid");
            prop_assert_eq!(name.org_hash(), h.as_str());
        }

        #[test]
        fn tags_are_trimmed_and_bounded(s in "\\PC{0,80}") {
            let t = s.trim();
            let n = t.chars().count();
            match Tag::parse(&s) {
                Ok(tag) => {
                    prop_assert_eq!(tag.as_str(), t);
                    prop_assert!((1..=64).contains(&n));
                }
                Err(_) => prop_assert!(n == 0 || n > 64 || t.chars().any(char::is_control)),
            }
        }

        #[test]
        fn tag_lists_keep_first_occurrences_in_order(v in proptest::collection::vec("[a-c]{1,2}", 0..40)) {
            if let Ok(tags) = Tags::parse(&v) {
                let out: Vec<String> = tags.into();
                let mut seen = Vec::new();
                for s in &v {
                    if !seen.contains(s) {
                        seen.push(s.clone());
                    }
                }
                prop_assert_eq!(out, seen);
            }
        }

        #[test]
        fn timecode_accepts_exactly_its_range(ms in 0u32..4_000_000) {
            prop_assert_eq!(Timecode::new(false, ms).is_ok(), (500..=3_600_000).contains(&ms));
        }

        #[test]
        fn date_ranges_are_nonempty_and_hold_now_when_current(secs in 1_600_000_000i64..2_000_000_000) {
            let now = Utc.timestamp_opt(secs, 0).single().expect("in range");
            for p in DatePreset::ALL {
                let (from, to) = p.range(now);
                prop_assert!(from < to);
                let current = !matches!(p, DatePreset::Yesterday | DatePreset::PastMonth);
                prop_assert_eq!(from <= now && now < to, current, "{:?}", p);
            }
        }

        #[test]
        fn ladder_violation_finds_the_first_non_decrease(v in proptest::collection::vec(1u32..5000, 0..6)) {
            match ladder_violation(&v) {
                None => prop_assert!(v.windows(2).all(|w| w[1] < w[0])),
                Some(i) => {
                    prop_assert!(v[i] >= v[i - 1]);
                    prop_assert!(v[..i].windows(2).all(|w| w[1] < w[0]));
                }
            }
        }
    }
}
