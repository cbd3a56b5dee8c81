//! Streams, their groups, tags and assets: bodies of `/streams`, `/tags`, `/profiles`.

use super::{double_option, ProcessChanged, StreamHealth};
use crate::stream::{
    Processing, ProcessingPatch, Profile, StreamName, StreamState, Tags, TestSourceDuration,
    Timecode,
};
use crate::time::Timestamp;
use crate::validate::PushUrl;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

// One type for both shapes, so the dashboard reads list items and stream objects alike:
// the server builds list items with `assets: None`, and every answer of one stream with
// `assets: Some(..)` (`routes::streams::answer`). The document names the list item's
// shape `StreamItem` (below).
/// The stream object: the answer of `GET /streams/{id}` and of every other endpoint that
/// answers one stream (create, change, tags, lock, unlock, the profiles), always with
/// `assets`. A list item of `GET /streams` (`StreamItem`) is the same without `assets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stream {
    pub id: Uuid,
    pub name: StreamName,
    pub state: StreamState,
    /// The passthrough's id; equals `id` for the passthrough itself.
    pub streamgroup_id: Uuid,
    /// 0 = passthrough (the ingest quality), 1..n = transcodes.
    pub index: u32,
    /// The transcode's output; `null` for the passthrough.
    pub profile: Option<Profile>,
    pub tags: Tags,
    pub push_url: Option<String>,
    pub timecode: Timecode,
    pub processing: Processing,
    pub created_at: Timestamp,
    /// Last change of anything about the stream (settings, tags, state).
    pub updated_at: Timestamp,
    pub ingest: Ingest,
    pub playout: Playout,
    /// Whether playback needs a token (mirrors the organisation's `secure` feature).
    pub secure: bool,
    /// The whole group, passthrough first (`[itself]` for a single stream).
    pub members: Vec<Member>,
    /// A transcode's transcoder while its group is live; `null` for the passthrough, a
    /// group that is not live, and a server without a media server.
    #[serde(default)]
    pub transcoder: Option<Transcoder>,
    /// The ingest's health while the stream is live, read from the media server every
    /// second; `null` otherwise (and without Castboard's own media server).
    #[serde(default)]
    pub health: Option<StreamHealth>,
    // Never in the stream object, so `StreamItem` alone documents it.
    /// In grouped lists: how many playouts the group has (members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub playouts: Option<u32>,
    // Never in the stream object (it has `assets.thumbnail`), so `StreamItem` alone
    // documents it.
    /// In lists: the stream's latest thumbnail, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub thumbnail: Option<AssetRef>,
    // `None` only in list items; the document states the stream object's.
    /// The files and sessions the stream's processes produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Assets, required = true))]
    pub assets: Option<Assets>,
}

/// A list item of `GET /streams` as the OpenAPI document states it: every field of the
/// stream object ([`Stream`]) but `assets`, and in grouped mode `playouts`. The list
/// answers [`Stream`] values built without assets, so this type only names their shape
/// in the document (built from [`Stream`]'s schema, so the two cannot drift) and is never
/// built itself.
#[cfg(feature = "openapi")]
pub struct StreamItem;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for StreamItem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use crate::openapi::{format, KnownFormat, ObjectBuilder, Type};
        use utoipa::openapi::schema::Schema;
        use utoipa::openapi::RefOr;
        let mut schema = <Stream as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(item)) = &mut schema {
            item.description = Some(
                "A list item of `GET /streams`: every field of the stream object but \
                 `assets`; in grouped mode also `playouts`; `thumbnail` when the stream \
                 has one."
                    .into(),
            );
            item.properties.remove("assets");
            item.required.retain(|field| field != "assets");
            item.properties.insert(
                "playouts".into(),
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(format(KnownFormat::Int32))
                    .minimum(Some(1))
                    .description(Some(
                        "In grouped mode (the default, an exact search too): how many \
                         playouts the group has (its members); absent in individual mode.",
                    ))
                    .into(),
            );
            item.properties.insert(
                "thumbnail".into(),
                utoipa::openapi::Ref::from_schema_name("AssetRef").into(),
            );
        }
        schema
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for StreamItem {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <Stream as utoipa::ToSchema>::schemas(schemas);
    }
}

/// One member of a group, as listed inside a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: Uuid,
    pub name: StreamName,
    pub state: StreamState,
    pub streamgroup_id: Uuid,
    pub index: u32,
    pub profile: Option<Profile>,
    pub tags: Tags,
    pub push_url: Option<String>,
    pub processing: Processing,
    /// As the stream object's `transcoder`.
    #[serde(default)]
    pub transcoder: Option<Transcoder>,
}

/// The transcoder of a transcode member: the ffmpeg Castboard runs while the group is
/// live, making the member's rendition from the passthrough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transcoder {
    pub state: TranscoderState,
    /// Why it waits (`transcode capacity full (2 running)`) or failed (how ffmpeg ended
    /// and its last error line); `null` when starting or running.
    pub reason: Option<String>,
    /// How often it has been restarted since the group went live (or the profile
    /// changed).
    pub restarts: u32,
}

/// Where a transcoder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TranscoderState {
    /// Waiting for a place: the server's transcode capacity is full; it starts when one
    /// frees.
    Waiting,
    /// ffmpeg runs and the media server has not yet accepted its rendition.
    Starting,
    /// The media server takes its rendition.
    Running,
    /// ffmpeg ended; it is restarted after a pause (1 s, doubling to 30 s).
    Failed,
}

impl TranscoderState {
    pub fn as_str(self) -> &'static str {
        match self {
            TranscoderState::Waiting => "waiting",
            TranscoderState::Starting => "starting",
            TranscoderState::Running => "running",
            TranscoderState::Failed => "failed",
        }
    }
}

/// Where an encoder sends the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ingest {
    /// RTMP application URL; the streamname is the stream key.
    pub rtmp_url: String,
    pub streamname: StreamName,
    /// Last sign of life from a running ingest (publish or update_publish).
    pub last_seen_at: Option<Timestamp>,
    /// Set when the stream was locked while live: the media server must cut the ingest.
    pub cut_requested_at: Option<Timestamp>,
}

/// Where viewers watch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playout {
    /// The shareable watch page.
    pub live_url: String,
    /// The player page made for an iframe.
    pub embed_url: String,
    pub hls_url: String,
}

/// Files and sessions the processes produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assets {
    /// Newest session first.
    pub recordings: Vec<RecordingAsset>,
    pub replays: Vec<ReplaySession>,
    pub thumbnail: Option<AssetRef>,
    pub motion_clip: Option<AssetRef>,
}

/// One recorded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordingAsset {
    pub session_start: Timestamp,
    pub file_name: String,
    pub size_bytes: u64,
    pub url: String,
    pub duration_s: Option<u32>,
}

/// One live-replay session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplaySession {
    pub session_start: Timestamp,
    pub hls_url: String,
    pub replay_url: String,
    pub clip_url: String,
}

/// The latest thumbnail or motion clip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetRef {
    pub url: String,
    pub updated_at: Timestamp,
}

/// A transcode profile given by preset id (`{"preset": "vtrans2-852x480x800x25"}`) or in
/// full (`{"width", "height", "bitrate_kbps", "framerate"}`); `POST` and `PATCH` of
/// `/streams/{group_id}/profiles` take this body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// A preset's id (see `GET /profiles/presets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = preset_ids))]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 16, maximum = 7680))]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 16, maximum = 4320))]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 50, maximum = 50000))]
    pub bitrate_kbps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 120))]
    pub framerate: Option<u32>,
}

/// The ids of [`crate::stream::presets`], the only values `preset` takes.
#[cfg(feature = "openapi")]
fn preset_ids() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(crate::stream::presets().into_iter().map(|p| p.id)))
        .build()
}

impl ProfileSpec {
    /// The profile meant, or why not (field → reason).
    pub fn resolve(&self) -> Result<Profile, BTreeMap<String, String>> {
        let custom = [
            ("width", self.width),
            ("height", self.height),
            ("bitrate_kbps", self.bitrate_kbps),
            ("framerate", self.framerate),
        ];
        if let Some(id) = &self.preset {
            if custom.iter().any(|(_, v)| v.is_some()) {
                return Err(BTreeMap::from([(
                    "preset".to_string(),
                    "give either a preset or width, height, bitrate_kbps and framerate, not both"
                        .to_string(),
                )]));
            }
            return Profile::preset(id).ok_or_else(|| {
                BTreeMap::from([(
                    "preset".to_string(),
                    "is not a known preset (see GET /profiles/presets)".to_string(),
                )])
            });
        }
        let missing: BTreeMap<String, String> = custom
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| (k.to_string(), "is required (or give a preset)".to_string()))
            .collect();
        match (self.width, self.height, self.bitrate_kbps, self.framerate) {
            (Some(w), Some(h), Some(b), Some(f)) => Profile::custom(w, h, b, f),
            _ => Err(missing),
        }
    }
}

/// A transcode to create with the stream: its profile, and optionally its own tags and
/// processing. The profile fields repeat [`ProfileSpec`]'s rather than `#[serde(flatten)]`
/// it, because serde cannot refuse unknown fields through a flatten, and a misspelt
/// field here must be a 422, not a silently default transcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TranscodeSpec {
    /// A preset's id (see `GET /profiles/presets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = preset_ids))]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 16, maximum = 7680))]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 16, maximum = 4320))]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 50, maximum = 50000))]
    pub bitrate_kbps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 120))]
    pub framerate: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<ProcessingPatch>,
}

impl TranscodeSpec {
    /// The profile part.
    pub fn profile(&self) -> ProfileSpec {
        ProfileSpec {
            preset: self.preset.clone(),
            width: self.width,
            height: self.height,
            bitrate_kbps: self.bitrate_kbps,
            framerate: self.framerate,
        }
    }
}

/// `POST /streams`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateStream {
    /// Tags of the passthrough.
    #[serde(default)]
    pub tags: Tags,
    /// Transcodes, highest bitrate first.
    #[serde(default)]
    pub transcodes: Vec<TranscodeSpec>,
    /// Processing of the passthrough, and of every transcode that gives none of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<ProcessingPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode: Option<Timecode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_url: Option<PushUrl>,
}

/// `PATCH /streams/{id}`: absent fields stay; `push_url: null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateStream {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PushUrl>, nullable))]
    pub push_url: Option<Option<PushUrl>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode: Option<Timecode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<ProcessingPatch>,
    /// Copy the resulting processing settings to every member of the group.
    #[serde(default)]
    pub sync_processing_to_group: bool,
}

/// `PUT /streams/{id}/tags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetTags {
    pub tags: Tags,
}

/// `POST /streams/{id}/test-source`; the body may also be left out, or be `null`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartTestSource {
    /// Seconds to publish (1 to 600); 60 when not given.
    #[serde(default)]
    pub duration_s: TestSourceDuration,
}

/// A running test source (`POST` and `GET /streams/{id}/test-source`): Castboard
/// publishes a test pattern with a tone to the group's passthrough until `until`. The
/// stream's state follows the media server's hooks (live once the publish is accepted,
/// ended when it stops).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSource {
    /// The passthrough published to (the group's id, whichever member was asked).
    pub stream_id: Uuid,
    /// Its streamname, the stream key of the publish.
    pub streamname: StreamName,
    /// Seconds it publishes; `null` for one that runs until the server stops (the demo's).
    pub duration_s: Option<u32>,
    /// When it stops by itself; `null` as for `duration_s`.
    pub until: Option<Timestamp>,
}

/// A tag with the number of (not deleted) streams carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCount {
    pub tag: String,
    pub count: u64,
}

/// `GET /profiles/presets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Presets {
    pub items: Vec<Profile>,
}

/// Event types of `GET /events` (the SSE `event:` field).
pub mod event_types {
    pub const CREATED: &str = "stream.created";
    pub const UPDATED: &str = "stream.updated";
    pub const STATE_CHANGED: &str = "stream.state_changed";
    pub const DELETED: &str = "stream.deleted";
    pub const TRANSCODER_CHANGED: &str = "stream.transcoder_changed";
    pub const HEALTH: &str = "stream.health";
    pub const PROCESS_CHANGED: &str = "stream.process_changed";
}

/// Data of `stream.created` and `stream.updated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamChanged {
    pub id: Uuid,
    pub name: StreamName,
    pub streamgroup_id: Uuid,
    pub at: Timestamp,
}

/// Data of `stream.state_changed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateChanged {
    pub id: Uuid,
    pub name: StreamName,
    pub streamgroup_id: Uuid,
    pub from: StreamState,
    pub to: StreamState,
    pub at: Timestamp,
}

/// Data of `stream.deleted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamDeleted {
    pub id: Uuid,
    pub name: StreamName,
    pub at: Timestamp,
}

/// Data of `stream.transcoder_changed`: the member's `transcoder` as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscoderChanged {
    pub id: Uuid,
    pub name: StreamName,
    pub streamgroup_id: Uuid,
    pub transcoder: Option<Transcoder>,
    pub at: Timestamp,
}

/// Data of `stream.health`: a live stream's `health` as the latest reading has it (at
/// most one a second per stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthChanged {
    pub id: Uuid,
    pub name: StreamName,
    pub streamgroup_id: Uuid,
    pub health: StreamHealth,
}

/// One event of `GET /events`: the server writes its SSE `event:` type ([`Self::kind`])
/// and `data:` JSON ([`Self::data`]), the dashboard reads them back ([`Self::parse`]).
/// A new kind of event is a new variant here, and the compiler shows both sides every
/// place that must handle it.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A stream (a new group's passthrough, or a profile added to a group) exists.
    Created(StreamChanged),
    /// Settings, tags or profiles of a stream changed.
    Updated(StreamChanged),
    /// A stream moved from one state to another (one event per member of a group).
    StateChanged(StateChanged),
    /// A stream was deleted (soft) or a profile removed.
    Deleted(StreamDeleted),
    /// A transcode's transcoder changed state (waiting, starting, running, failed, or
    /// stopped: `null`).
    TranscoderChanged(TranscoderChanged),
    /// A live stream's ingest health, every second while it is live (boxed: it is much
    /// larger than the other kinds).
    Health(Box<HealthChanged>),
    /// A process of a stream (a runner of live processing) changed state, reason or next
    /// run.
    ProcessChanged(ProcessChanged),
}

impl StreamEvent {
    /// Every SSE `event:` type there is.
    pub const KINDS: [&'static str; 7] = [
        event_types::CREATED,
        event_types::UPDATED,
        event_types::STATE_CHANGED,
        event_types::DELETED,
        event_types::TRANSCODER_CHANGED,
        event_types::HEALTH,
        event_types::PROCESS_CHANGED,
    ];

    /// The SSE `event:` type.
    pub fn kind(&self) -> &'static str {
        match self {
            StreamEvent::Created(_) => event_types::CREATED,
            StreamEvent::Updated(_) => event_types::UPDATED,
            StreamEvent::StateChanged(_) => event_types::STATE_CHANGED,
            StreamEvent::Deleted(_) => event_types::DELETED,
            StreamEvent::TranscoderChanged(_) => event_types::TRANSCODER_CHANGED,
            StreamEvent::Health(_) => event_types::HEALTH,
            StreamEvent::ProcessChanged(_) => event_types::PROCESS_CHANGED,
        }
    }

    /// The SSE `data:` JSON.
    pub fn data(&self) -> String {
        let json = match self {
            StreamEvent::Created(d) | StreamEvent::Updated(d) => serde_json::to_string(d),
            StreamEvent::StateChanged(d) => serde_json::to_string(d),
            StreamEvent::Deleted(d) => serde_json::to_string(d),
            StreamEvent::TranscoderChanged(d) => serde_json::to_string(d),
            StreamEvent::Health(d) => serde_json::to_string(d),
            StreamEvent::ProcessChanged(d) => serde_json::to_string(d),
        };
        // Plain structs of strings and numbers always serialise.
        json.unwrap_or_default()
    }

    /// Reads one SSE message back from its `event:` type and `data:` JSON.
    pub fn parse(kind: &str, data: &str) -> Result<StreamEvent, String> {
        fn json<T: serde::de::DeserializeOwned>(data: &str) -> Result<T, String> {
            serde_json::from_str(data).map_err(|e| e.to_string())
        }
        match kind {
            event_types::CREATED => json(data).map(StreamEvent::Created),
            event_types::UPDATED => json(data).map(StreamEvent::Updated),
            event_types::STATE_CHANGED => json(data).map(StreamEvent::StateChanged),
            event_types::DELETED => json(data).map(StreamEvent::Deleted),
            event_types::TRANSCODER_CHANGED => json(data).map(StreamEvent::TranscoderChanged),
            event_types::HEALTH => json(data).map(|d| StreamEvent::Health(Box::new(d))),
            event_types::PROCESS_CHANGED => json(data).map(StreamEvent::ProcessChanged),
            other => Err(format!("unknown event type \u{201c}{other}\u{201d}")),
        }
    }
}

#[cfg(test)]
mod event_tests {
    use super::*;
    use crate::model::ProcessKind;

    #[test]
    fn every_event_reads_back_as_it_was_written() {
        let name = StreamName::parse("Ab3xY-k9PqZ").expect("a streamname");
        let at = Timestamp::parse("2026-12-03T12:00:00.000Z").expect("a time");
        let id = Uuid::from_u128(7);
        let changed = StreamChanged {
            id,
            name: name.clone(),
            streamgroup_id: id,
            at,
        };
        let events = [
            StreamEvent::Created(changed.clone()),
            StreamEvent::Updated(changed),
            StreamEvent::StateChanged(StateChanged {
                id,
                name: name.clone(),
                streamgroup_id: id,
                from: StreamState::Created,
                to: StreamState::Live,
                at,
            }),
            StreamEvent::Deleted(StreamDeleted {
                id,
                name: name.clone(),
                at,
            }),
            StreamEvent::TranscoderChanged(TranscoderChanged {
                id,
                name: name.clone(),
                streamgroup_id: id,
                transcoder: Some(Transcoder {
                    state: TranscoderState::Failed,
                    reason: Some("ffmpeg exited (exit status: 1): Connection refused".into()),
                    restarts: 2,
                }),
                at,
            }),
            StreamEvent::Health(Box::new(HealthChanged {
                id,
                name,
                streamgroup_id: id,
                health: StreamHealth::example(),
            })),
            StreamEvent::ProcessChanged(ProcessChanged {
                id,
                streamgroup_id: id,
                kind: ProcessKind::MotionClips,
                at,
            }),
        ];
        let kinds: Vec<&str> = events.iter().map(StreamEvent::kind).collect();
        assert_eq!(kinds, StreamEvent::KINDS);
        for e in events {
            assert_eq!(StreamEvent::parse(e.kind(), &e.data()), Ok(e.clone()));
        }
        assert_eq!(
            StreamEvent::StateChanged(StateChanged {
                id,
                name: StreamName::parse("Ab3xY-k9PqZ").expect("a streamname"),
                streamgroup_id: id,
                from: StreamState::Live,
                to: StreamState::Ended,
                at,
            })
            .data(),
            format!("{{\"id\":\"{id}\",\"name\":\"Ab3xY-k9PqZ\",\"streamgroup_id\":\"{id}\",\"from\":\"live\",\"to\":\"ended\",\"at\":\"2026-12-03T12:00:00.000Z\"}}")
        );
        assert_eq!(
            StreamEvent::TranscoderChanged(TranscoderChanged {
                id,
                name: StreamName::parse("Ab3xY-k9PqZ").expect("a streamname"),
                streamgroup_id: id,
                transcoder: Some(Transcoder {
                    state: TranscoderState::Waiting,
                    reason: Some("transcode capacity full (1 running)".into()),
                    restarts: 0,
                }),
                at,
            })
            .data(),
            format!("{{\"id\":\"{id}\",\"name\":\"Ab3xY-k9PqZ\",\"streamgroup_id\":\"{id}\",\"transcoder\":{{\"state\":\"waiting\",\"reason\":\"transcode capacity full (1 running)\",\"restarts\":0}},\"at\":\"2026-12-03T12:00:00.000Z\"}}")
        );
        assert!(StreamEvent::parse("stream.renamed", "{}").is_err());
        assert!(StreamEvent::parse(event_types::DELETED, "not json").is_err());
    }
}
