//! The processes of a stream (`/streams/{id}/processes`): what Castboard runs for it while
//! it is live, each with its settings, where it stands and what it last produced.

use super::{AssetRef, Feature, Features, Transcoder, TranscoderState};
use crate::stream::{MotionClips, Processing, Profile, Recording, Replay, StreamState, Thumbnails};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

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

impl ProcessKind {
    /// How the dashboard names it.
    pub fn label(self) -> &'static str {
        match self {
            ProcessKind::Transcoding => "Transcoding",
            ProcessKind::Thumbnails => "Thumbnails",
            ProcessKind::MotionClips => "Motion clips",
            ProcessKind::Recording => "Recording",
            ProcessKind::Replay => "Live replay",
        }
    }

    /// The packages the organisation needs for it to run. Transcoding needs none here:
    /// a group's transcodes are only made with the `transcoding` package, and once made
    /// they run with their group.
    pub fn needs(self) -> &'static [Feature] {
        match self {
            ProcessKind::Transcoding => &[],
            ProcessKind::Thumbnails | ProcessKind::MotionClips | ProcessKind::Replay => {
                &[Feature::LiveProcessing]
            }
            ProcessKind::Recording => &[Feature::LiveProcessing, Feature::Vod],
        }
    }

    /// Whether an organisation with `features` has every package it needs.
    pub fn allowed(self, features: &Features) -> bool {
        self.needs().iter().all(|f| features.get(*f))
    }
}

impl fmt::Display for ProcessKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a process stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcessState {
    /// Switched off, not in the organisation's packages, or the stream cannot go live
    /// (ended, locked, deleted): `reason` says which.
    Off,
    /// Switched on and waiting: for the stream to go live, or for its first output.
    Waiting,
    /// Producing while the stream is live.
    Running,
    /// Its last attempt failed (`reason`); it is tried again while the stream is live.
    Failed,
}

impl ProcessState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessState::Off => "off",
            ProcessState::Waiting => "waiting",
            ProcessState::Running => "running",
            ProcessState::Failed => "failed",
        }
    }

    /// How the dashboard names it.
    pub fn label(self) -> &'static str {
        match self {
            ProcessState::Off => "Off",
            ProcessState::Waiting => "Waiting",
            ProcessState::Running => "Running",
            ProcessState::Failed => "Failed",
        }
    }
}

/// What the server saw of a process of a live stream: its runner's last report (or, for
/// transcoding, the transcoders').
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Started, nothing produced yet; with why it waits, if it does for a reason.
    Starting(Option<String>),
    Running,
    Failed(String),
}

impl Seen {
    /// A transcoder as the rule reads it (`None`: not started yet); a reason is named by
    /// `name` (a group's passthrough says which rendition).
    pub fn of_transcoder(t: Option<&Transcoder>, name: impl Fn(&str) -> String) -> Seen {
        let Some(t) = t else {
            return Seen::Starting(None);
        };
        match t.state {
            TranscoderState::Running => Seen::Running,
            TranscoderState::Starting => Seen::Starting(None),
            TranscoderState::Waiting => Seen::Starting(t.reason.as_deref().map(name)),
            TranscoderState::Failed => {
                Seen::Failed(name(t.reason.as_deref().unwrap_or("ffmpeg ended")))
            }
        }
    }

    /// Two processes seen as one (a group's transcoders): failed if either failed, else
    /// waiting with a reason if either has one, else starting if either is, else running.
    pub fn together(self, other: Seen) -> Seen {
        match (self, other) {
            (failed @ Seen::Failed(_), _) | (_, failed @ Seen::Failed(_)) => failed,
            (waiting @ Seen::Starting(Some(_)), _) | (_, waiting @ Seen::Starting(Some(_))) => {
                waiting
            }
            (Seen::Starting(None), _) | (_, Seen::Starting(None)) => Seen::Starting(None),
            (Seen::Running, Seen::Running) => Seen::Running,
        }
    }
}

/// The one rule of where a process stands: switched off first, then the organisation's
/// packages, then the stream's state; only a live stream's process is what its runner
/// saw (`None`: not looked at yet, so waiting).
pub fn process_state(
    kind: ProcessKind,
    enabled: bool,
    features: &Features,
    stream: StreamState,
    seen: Option<&Seen>,
) -> (ProcessState, Option<String>) {
    if !enabled {
        return (ProcessState::Off, None);
    }
    if let Some(missing) = kind.needs().iter().find(|f| !features.get(**f)) {
        return (
            ProcessState::Off,
            Some(format!(
                "Upgrade needed: the organisation does not have the {} package",
                missing.label()
            )),
        );
    }
    let waiting = |why: &str| (ProcessState::Waiting, Some(why.to_string()));
    let off = |why: &str| (ProcessState::Off, Some(why.to_string()));
    match stream {
        StreamState::Created => waiting("waiting for the stream to go live"),
        StreamState::Ended => off("the stream ended"),
        StreamState::Locked => off("the stream is locked"),
        StreamState::Deleted => off("the stream is deleted"),
        StreamState::Live => match seen {
            None => waiting("starting"),
            Some(Seen::Starting(why)) => waiting(why.as_deref().unwrap_or("starting")),
            Some(Seen::Running) => (ProcessState::Running, None),
            Some(Seen::Failed(why)) => (ProcessState::Failed, Some(why.clone())),
        },
    }
}

/// The settings of a transcoding: the renditions it makes (a transcode member's own
/// profile; for a passthrough, every transcode's of its group). `enabled` when there is
/// one at least.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscodingSettings {
    pub enabled: bool,
    pub profiles: Vec<Profile>,
}

/// A process's settings, shaped by its kind; those of live processing are the stream's
/// `processing` entries (and change with `PATCH /streams/{id}/processes/{kind}` or
/// `PATCH /streams/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ProcessSettings {
    Transcoding(TranscodingSettings),
    Thumbnails(Thumbnails),
    MotionClips(MotionClips),
    Recording(Recording),
    Replay(Replay),
}

impl ProcessSettings {
    /// Whether the process is switched on.
    pub fn enabled(&self) -> bool {
        match self {
            ProcessSettings::Transcoding(s) => s.enabled,
            ProcessSettings::Thumbnails(s) => s.enabled,
            ProcessSettings::MotionClips(s) => s.enabled,
            ProcessSettings::Recording(s) => s.enabled,
            ProcessSettings::Replay(s) => s.enabled,
        }
    }

    /// The settings of live process `kind` in `processing`; `None` for transcoding,
    /// which is not a processing setting.
    pub fn of(kind: ProcessKind, processing: &Processing) -> Option<ProcessSettings> {
        Some(match kind {
            ProcessKind::Transcoding => return None,
            ProcessKind::Thumbnails => ProcessSettings::Thumbnails(processing.thumbnails),
            ProcessKind::MotionClips => ProcessSettings::MotionClips(processing.motion_clips),
            ProcessKind::Recording => ProcessSettings::Recording(processing.recording),
            ProcessKind::Replay => ProcessSettings::Replay(processing.replay),
        })
    }

    /// Reads the settings of a process of `kind` (the kind tells the shapes apart).
    pub fn read(kind: ProcessKind, value: serde_json::Value) -> Result<ProcessSettings, String> {
        let e = |e: serde_json::Error| e.to_string();
        Ok(match kind {
            ProcessKind::Transcoding => {
                ProcessSettings::Transcoding(serde_json::from_value(value).map_err(e)?)
            }
            ProcessKind::Thumbnails => {
                ProcessSettings::Thumbnails(serde_json::from_value(value).map_err(e)?)
            }
            ProcessKind::MotionClips => {
                ProcessSettings::MotionClips(serde_json::from_value(value).map_err(e)?)
            }
            ProcessKind::Recording => {
                ProcessSettings::Recording(serde_json::from_value(value).map_err(e)?)
            }
            ProcessKind::Replay => {
                ProcessSettings::Replay(serde_json::from_value(value).map_err(e)?)
            }
        })
    }
}

/// One process of a stream: `GET /streams/{id}/processes` lists them in
/// [`ProcessKind::ALL`]'s order, `GET /streams/{id}/processes/{kind}` answers one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "ProcessWire")]
pub struct Process {
    pub kind: ProcessKind,
    /// Shaped by `kind`: `{enabled, profiles}` for transcoding, else the stream's
    /// `processing` entry of that name.
    pub settings: ProcessSettings,
    pub state: ProcessState,
    /// Why it is off (other than switched off), waiting or failed; `null` when running or
    /// switched off.
    pub reason: Option<String>,
    /// What it last produced: the latest thumbnail or motion clip, the newest recording
    /// (at its end), the newest replay session (at its start); `null` for transcoding
    /// and before the first.
    pub last_output: Option<AssetRef>,
    /// When it is next due to produce (thumbnails, motion clips, a split recording's
    /// next file) while it runs; `null` otherwise.
    pub next_run: Option<Timestamp>,
}

/// [`Process`] as it arrives: its settings read by its kind.
#[derive(Deserialize)]
struct ProcessWire {
    kind: ProcessKind,
    settings: serde_json::Value,
    state: ProcessState,
    reason: Option<String>,
    last_output: Option<AssetRef>,
    next_run: Option<Timestamp>,
}

impl TryFrom<ProcessWire> for Process {
    type Error = String;
    fn try_from(w: ProcessWire) -> Result<Process, String> {
        Ok(Process {
            settings: ProcessSettings::read(w.kind, w.settings)?,
            kind: w.kind,
            state: w.state,
            reason: w.reason,
            last_output: w.last_output,
            next_run: w.next_run,
        })
    }
}

/// Data of `stream.process_changed`: a process of a live stream changed state, reason or
/// next run (read it again with `GET /streams/{id}/processes/{kind}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessChanged {
    pub id: Uuid,
    pub streamgroup_id: Uuid,
    pub kind: ProcessKind,
    pub at: Timestamp,
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
    fn all_features() -> Features {
        let mut f = Features::default();
        for feature in Feature::ALL {
            f.set(feature, true);
        }
        f
    }

    #[test]
    fn a_process_stands_by_its_switch_then_the_packages_then_the_stream() {
        use StreamState::*;
        let all = all_features();
        let running = Some(&Seen::Running);
        let state = |enabled, features: &Features, stream, seen: Option<&Seen>| {
            process_state(ProcessKind::Recording, enabled, features, stream, seen)
        };
        assert_eq!(state(false, &all, Live, running), (ProcessState::Off, None));
        let mut no_vod = all;
        no_vod.set(Feature::Vod, false);
        assert_eq!(
            state(true, &no_vod, Live, running),
            (
                ProcessState::Off,
                Some("Upgrade needed: the organisation does not have the VOD package".into())
            )
        );
        assert_eq!(
            process_state(ProcessKind::Thumbnails, true, &no_vod, Live, running),
            (ProcessState::Running, None)
        );
        assert!(ProcessKind::Thumbnails.allowed(&no_vod));
        assert!(!ProcessKind::Recording.allowed(&no_vod));
        assert!(ProcessKind::Recording.allowed(&all));
        assert!(ProcessKind::Transcoding.allowed(&Features::default()));
        assert_eq!(
            process_state(
                ProcessKind::Transcoding,
                true,
                &Features::default(),
                Live,
                running
            ),
            (ProcessState::Running, None)
        );
        let reason = |r: &str| Some(r.to_string());
        assert_eq!(
            state(true, &all, Created, running),
            (
                ProcessState::Waiting,
                reason("waiting for the stream to go live")
            )
        );
        assert_eq!(
            state(true, &all, Ended, running),
            (ProcessState::Off, reason("the stream ended"))
        );
        assert_eq!(
            state(true, &all, Locked, None),
            (ProcessState::Off, reason("the stream is locked"))
        );
        assert_eq!(
            state(true, &all, Deleted, None),
            (ProcessState::Off, reason("the stream is deleted"))
        );
        assert_eq!(
            state(true, &all, Live, None),
            (ProcessState::Waiting, reason("starting"))
        );
        assert_eq!(
            state(
                true,
                &all,
                Live,
                Some(&Seen::Starting(reason(
                    "transcode capacity full (2 running)"
                )))
            ),
            (
                ProcessState::Waiting,
                reason("transcode capacity full (2 running)")
            )
        );
        assert_eq!(
            state(
                true,
                &all,
                Live,
                Some(&Seen::Failed("ffmpeg exited".into()))
            ),
            (ProcessState::Failed, reason("ffmpeg exited"))
        );
    }

    #[test]
    fn transcoders_read_as_one_failed_first_then_waiting_then_starting() {
        let t = |state, reason: Option<&str>| Transcoder {
            state,
            reason: reason.map(str::to_string),
            restarts: 0,
        };
        let name = |why: &str| format!("640×360: {why}");
        let running = t(TranscoderState::Running, None);
        let full = t(
            TranscoderState::Waiting,
            Some("transcode capacity full (1 running)"),
        );
        let died = t(TranscoderState::Failed, None);
        assert_eq!(Seen::of_transcoder(None, name), Seen::Starting(None));
        assert_eq!(Seen::of_transcoder(Some(&running), name), Seen::Running);
        assert_eq!(
            Seen::of_transcoder(Some(&full), name),
            Seen::Starting(Some("640×360: transcode capacity full (1 running)".into()))
        );
        assert_eq!(
            Seen::of_transcoder(Some(&died), name),
            Seen::Failed("640×360: ffmpeg ended".into())
        );
        let waiting = Seen::Starting(Some("full".into()));
        assert_eq!(Seen::Running.together(Seen::Running), Seen::Running);
        assert_eq!(
            Seen::Running.together(Seen::Starting(None)),
            Seen::Starting(None)
        );
        assert_eq!(Seen::Starting(None).together(waiting.clone()), waiting);
        assert_eq!(
            waiting.together(Seen::Failed("x".into())),
            Seen::Failed("x".into())
        );
    }

    #[test]
    fn a_process_reads_back_its_settings_by_its_kind() {
        let processing = Processing::default();
        let at = Timestamp::parse("2026-12-04T10:00:00.000Z").expect("a time");
        for kind in ProcessKind::ALL {
            let settings = ProcessSettings::of(kind, &processing).unwrap_or_else(|| {
                ProcessSettings::Transcoding(TranscodingSettings {
                    enabled: true,
                    profiles: Profile::preset("vtrans2-852x480x800x25")
                        .into_iter()
                        .collect(),
                })
            });
            let process = Process {
                kind,
                settings,
                state: ProcessState::Running,
                reason: None,
                last_output: Some(AssetRef {
                    url: "http://127.0.0.1/x".into(),
                    updated_at: at,
                }),
                next_run: Some(at),
            };
            let json = serde_json::to_value(&process).expect("serialised");
            assert_eq!(json["kind"], kind.as_str());
            assert_eq!(json["state"], "running");
            let back: Process = serde_json::from_value(json).expect("read back");
            assert_eq!(back, process);
        }
        let replay = serde_json::json!({
            "kind": "replay",
            "settings": {"enabled": true, "duration_s": null},
            "state": "off", "reason": null, "last_output": null, "next_run": null
        });
        let read: Process = serde_json::from_value(replay).expect("read");
        assert_eq!(
            read.settings,
            ProcessSettings::Replay(Replay {
                enabled: true,
                duration_s: None
            })
        );
        let wrong = serde_json::json!({
            "kind": "thumbnails",
            "settings": {"enabled": true},
            "state": "off", "reason": null, "last_output": null, "next_run": null
        });
        assert!(serde_json::from_value::<Process>(wrong).is_err());
    }
}
