//! The create-stream form as plain values, and the `POST /streams` body it makes.
//!
//! The form keeps what people type (text, ticks) in a [`Draft`]; [`request`] turns it into
//! a [`CreateStream`] with `shared`'s own rules (tags, ladder, processing bounds, timecode,
//! push URL), or says what is wrong, field by field. Error keys are the field paths the
//! server uses in `error.fields` (`push_url`, `transcodes[1].bitrate_kbps`,
//! `processing.thumbnails.interval_s`, `transcodes[0].processing.replay.duration_s`, …),
//! so the form shows its own findings and the server's in the same places.
//!
//! Nothing here touches the DOM or the network, so it is tested on the host.

use crate::form::FieldErrors;
use shared::model::{CreateStream, Organisation, TranscodeSpec};
use shared::stream::{
    ladder_violation, DurationPatch, MotionClips, MotionClipsPatch, Processing, ProcessingPatch,
    Profile, Recording, Replay, Tag, Tags, Thumbnails, ThumbnailsPatch, Timecode,
};
use shared::validate::PushUrl;

/// Keys of [`ProcessingDraft`]'s fields, below a prefix (`processing.` or
/// `transcodes[i].processing.`); the same paths `Processing::check` uses.
pub const THUMBNAILS_INTERVAL: &str = "thumbnails.interval_s";
pub const CLIPS_INTERVAL: &str = "motion_clips.interval_s";
pub const CLIPS_DURATION: &str = "motion_clips.duration_s";
pub const RECORDING_ENABLED: &str = "recording.enabled";
pub const RECORDING_DURATION: &str = "recording.duration_s";
pub const REPLAY_DURATION: &str = "replay.duration_s";

/// Keys of the stream-wide fields.
pub const TAGS: &str = "tags";
pub const PUSH_URL: &str = "push_url";
pub const TIMECODE: &str = "timecode";
pub const TRANSCODES: &str = "transcodes";

/// Prefix of the synced (or passthrough) processing settings.
pub const PROCESSING_PREFIX: &str = "processing.";

/// Prefix of transcode `index`'s fields (0-based among transcodes).
pub fn transcode_prefix(index: usize) -> String {
    format!("transcodes[{index}].")
}

/// Prefix of transcode `index`'s own processing settings.
pub fn transcode_processing_prefix(index: usize) -> String {
    format!("transcodes[{index}].processing.")
}

/// The errors under `prefix`, with the prefix taken off.
pub fn below(errors: &FieldErrors, prefix: &str) -> FieldErrors {
    errors
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k.to_string(), v.clone())))
        .collect()
}

/// The live-processing settings of one quality as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingDraft {
    pub thumbnails: bool,
    pub thumbnails_interval: String,
    pub clips: bool,
    pub clips_interval: String,
    pub clips_duration: String,
    pub recording: bool,
    /// Record the whole stream (`duration_s: null`) rather than `recording_duration`.
    pub recording_whole: bool,
    pub recording_duration: String,
    pub replay: bool,
    pub replay_whole: bool,
    pub replay_duration: String,
}

/// What the duration fields hold before anyone types (one hour), for when "whole stream"
/// is switched off.
pub const DEFAULT_DURATION_S: u32 = 3600;

impl Default for ProcessingDraft {
    /// The server's defaults for a new stream: everything off, thumbnails every 30 s,
    /// clips of 5 s every 60 s, recording and replay of the whole stream.
    fn default() -> Self {
        let p = Processing::default();
        ProcessingDraft {
            thumbnails: p.thumbnails.enabled,
            thumbnails_interval: p.thumbnails.interval_s.to_string(),
            clips: p.motion_clips.enabled,
            clips_interval: p.motion_clips.interval_s.to_string(),
            clips_duration: p.motion_clips.duration_s.to_string(),
            recording: p.recording.enabled,
            recording_whole: p.recording.duration_s.is_none(),
            recording_duration: p
                .recording
                .duration_s
                .unwrap_or(DEFAULT_DURATION_S)
                .to_string(),
            replay: p.replay.enabled,
            replay_whole: p.replay.duration_s.is_none(),
            replay_duration: p
                .replay
                .duration_s
                .unwrap_or(DEFAULT_DURATION_S)
                .to_string(),
        }
    }
}

/// A whole number of seconds, or why not.
fn seconds(text: &str) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| "must be a whole number of seconds".to_string())
}

impl ProcessingDraft {
    /// The patch for a new stream: each switched-on process with its settings. Processes
    /// left off are left out (a new stream starts with every process off), and so are
    /// their settings' errors. Recording needs the VOD package (`vod`).
    pub fn to_patch(&self, vod: bool) -> Result<ProcessingPatch, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut number = |key: &str, on: bool, text: &str, fallback: u32| -> u32 {
            if !on {
                return fallback;
            }
            seconds(text).unwrap_or_else(|why| {
                errors.insert(key.to_string(), why);
                fallback
            })
        };
        let d = Processing::default();
        let thumbnails_interval = number(
            THUMBNAILS_INTERVAL,
            self.thumbnails,
            &self.thumbnails_interval,
            d.thumbnails.interval_s,
        );
        let clips_interval = number(
            CLIPS_INTERVAL,
            self.clips,
            &self.clips_interval,
            d.motion_clips.interval_s,
        );
        let clips_duration = number(
            CLIPS_DURATION,
            self.clips,
            &self.clips_duration,
            d.motion_clips.duration_s,
        );
        let recording_duration = (!self.recording_whole).then(|| {
            number(
                RECORDING_DURATION,
                self.recording,
                &self.recording_duration,
                DEFAULT_DURATION_S,
            )
        });
        let replay_duration = (!self.replay_whole).then(|| {
            number(
                REPLAY_DURATION,
                self.replay,
                &self.replay_duration,
                DEFAULT_DURATION_S,
            )
        });

        // The bounds are shared's; only switched-on processes are held to them.
        let candidate = Processing {
            thumbnails: Thumbnails {
                enabled: self.thumbnails,
                interval_s: thumbnails_interval,
            },
            motion_clips: MotionClips {
                enabled: self.clips,
                interval_s: clips_interval,
                duration_s: clips_duration,
            },
            recording: Recording {
                enabled: self.recording,
                duration_s: recording_duration,
            },
            replay: Replay {
                enabled: self.replay,
                duration_s: replay_duration,
            },
        };
        if let Err(bounds) = candidate.check() {
            for (key, why) in bounds {
                if self.is_on(&key) {
                    errors.entry(key).or_insert(why);
                }
            }
        }
        if self.recording && !vod {
            errors.insert(
                RECORDING_ENABLED.to_string(),
                "needs the VOD package".to_string(),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        Ok(ProcessingPatch {
            thumbnails: self.thumbnails.then_some(ThumbnailsPatch {
                enabled: Some(true),
                interval_s: Some(thumbnails_interval),
            }),
            motion_clips: self.clips.then_some(MotionClipsPatch {
                enabled: Some(true),
                interval_s: Some(clips_interval),
                duration_s: Some(clips_duration),
            }),
            recording: self.recording.then_some(DurationPatch {
                enabled: Some(true),
                duration_s: Some(recording_duration),
            }),
            replay: self.replay.then_some(DurationPatch {
                enabled: Some(true),
                duration_s: Some(replay_duration),
            }),
        })
    }

    /// Whether the process a field key belongs to is switched on.
    fn is_on(&self, key: &str) -> bool {
        match key.split('.').next() {
            Some("thumbnails") => self.thumbnails,
            Some("motion_clips") => self.clips,
            Some("recording") => self.recording,
            Some("replay") => self.replay,
            _ => true,
        }
    }
}

/// One transcode row: the preset picked, and its own processing (used when settings are
/// not synced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscodeDraft {
    /// A preset id (`vtrans2-852x480x800x25`); empty until one is picked.
    pub preset: String,
    pub processing: ProcessingDraft,
}

/// The whole form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Tags of the passthrough (already checked one by one by the tag input).
    pub tags: Vec<Tag>,
    /// Transcodes, highest bitrate first.
    pub transcodes: Vec<TranscodeDraft>,
    /// One processing setting for every quality (sent once, as `processing`), or one per
    /// quality (the passthrough's as `processing`, each transcode's with it).
    pub synced: bool,
    /// The synced settings, or the passthrough's.
    pub processing: ProcessingDraft,
    pub timecode: bool,
    pub timecode_interval: String,
    pub push_url: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            tags: Vec::new(),
            transcodes: Vec::new(),
            synced: true,
            processing: ProcessingDraft::default(),
            timecode: false,
            timecode_interval: Timecode::DEFAULT_INTERVAL_MS.to_string(),
            push_url: String::new(),
        }
    }
}

/// What the organisation lets this form do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub transcoding: bool,
    pub live_processing: bool,
    pub vod: bool,
    pub max_transcodes: usize,
}

impl Allowed {
    pub fn of(org: &Organisation) -> Self {
        Allowed {
            transcoding: org.features.transcoding,
            live_processing: org.features.live_processing,
            vod: org.features.vod,
            max_transcodes: org.limits.max_transcodes as usize,
        }
    }
}

/// The `POST /streams` body the form describes, or every reason it cannot be sent yet.
/// Sections the organisation lacks are left out whatever the draft holds.
pub fn request(draft: &Draft, allowed: &Allowed) -> Result<CreateStream, FieldErrors> {
    let mut errors = FieldErrors::new();

    let texts: Vec<&str> = draft.tags.iter().map(Tag::as_str).collect();
    let tags = Tags::parse(&texts).unwrap_or_else(|why| {
        errors.insert(TAGS.to_string(), why);
        Tags::default()
    });

    let timecode = if draft.timecode {
        let interval = draft
            .timecode_interval
            .trim()
            .parse::<u32>()
            .map_err(|_| "must be a whole number of milliseconds".to_string());
        match interval.and_then(|ms| Timecode::new(true, ms)) {
            Ok(timecode) => Some(timecode),
            Err(why) => {
                errors.insert(TIMECODE.to_string(), why);
                None
            }
        }
    } else {
        None
    };

    let push_url = if draft.push_url.trim().is_empty() {
        None
    } else {
        match PushUrl::parse(&draft.push_url) {
            Ok(url) => Some(url),
            Err(why) => {
                errors.insert(PUSH_URL.to_string(), why);
                None
            }
        }
    };

    let drafts: &[TranscodeDraft] = if allowed.transcoding {
        &draft.transcodes
    } else {
        &[]
    };
    if drafts.len() > allowed.max_transcodes {
        errors.insert(
            TRANSCODES.to_string(),
            format!(
                "may hold at most {} transcodes in your organisation",
                allowed.max_transcodes
            ),
        );
    }
    let profiles: Vec<Option<Profile>> = drafts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let profile = Profile::preset(&t.preset);
            if profile.is_none() {
                errors.insert(
                    format!("{}preset", transcode_prefix(i)),
                    "must be one of the listed profiles".to_string(),
                );
            }
            profile
        })
        .collect();
    if let Some((i, above)) = ladder_problem(&profiles) {
        errors.insert(
            format!("{}bitrate_kbps", transcode_prefix(i)),
            ladder_message(above),
        );
    }

    let mut processing = None;
    let mut own: Vec<Option<ProcessingPatch>> = vec![None; drafts.len()];
    if allowed.live_processing {
        match draft.processing.to_patch(allowed.vod) {
            Ok(patch) => processing = (patch != ProcessingPatch::default()).then_some(patch),
            Err(e) => add_below(&mut errors, PROCESSING_PREFIX, e),
        }
        if !draft.synced {
            for (i, t) in drafts.iter().enumerate() {
                // Sent even when empty: a transcode without its own settings would take
                // the passthrough's.
                match t.processing.to_patch(allowed.vod) {
                    Ok(patch) => own[i] = Some(patch),
                    Err(e) => add_below(&mut errors, &transcode_processing_prefix(i), e),
                }
            }
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let transcodes = profiles
        .into_iter()
        .zip(own)
        .map(|(profile, processing)| TranscodeSpec {
            preset: profile.map(|p| p.id),
            width: None,
            height: None,
            bitrate_kbps: None,
            framerate: None,
            tags: None,
            processing,
        })
        .collect();
    Ok(CreateStream {
        tags,
        transcodes,
        processing,
        timecode,
        push_url,
    })
}

/// Where the ladder rule breaks among the picked profiles: the row (0-based among
/// transcodes) and the bitrate of the picked row above it. Rows still without a profile
/// are skipped over.
fn ladder_problem(profiles: &[Option<Profile>]) -> Option<(usize, u32)> {
    let picked: Vec<(usize, u32)> = profiles
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().map(|p| (i, p.bitrate_kbps)))
        .collect();
    let bitrates: Vec<u32> = picked.iter().map(|(_, b)| *b).collect();
    let k = ladder_violation(&bitrates)?;
    let (row, _) = picked.get(k)?;
    let (_, above) = picked.get(k.checked_sub(1)?)?;
    Some((*row, *above))
}

/// The ladder rule broken, in the server's words.
pub fn ladder_message(above_kbps: u32) -> String {
    format!("must be lower than the bitrate of the quality above it ({above_kbps} kbit/s)")
}

fn add_below(errors: &mut FieldErrors, prefix: &str, found: FieldErrors) {
    errors.extend(found.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)));
}

/// The profile a new transcode row starts with: the first preset (they are listed from
/// the highest bitrate down) whose bitrate is below the row above it, so a new row keeps
/// the ladder valid; the lowest preset when none is.
pub fn suggested_preset(presets: &[Profile], above_kbps: Option<u32>) -> Option<String> {
    match above_kbps {
        None => presets.first(),
        Some(above) => presets
            .iter()
            .find(|p| p.bitrate_kbps < above)
            .or_else(|| presets.iter().min_by_key(|p| p.bitrate_kbps)),
    }
    .map(|p| p.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::stream::presets;

    const ALL: Allowed = Allowed {
        transcoding: true,
        live_processing: true,
        vod: true,
        max_transcodes: 3,
    };

    fn tag(s: &str) -> Tag {
        Tag::parse(s).expect("valid tag")
    }

    fn row(preset: &str) -> TranscodeDraft {
        TranscodeDraft {
            preset: preset.to_string(),
            processing: ProcessingDraft::default(),
        }
    }

    fn errors(pairs: &[(&str, &str)]) -> FieldErrors {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_untouched_form_asks_for_a_plain_single_stream() {
        let body = request(&Draft::default(), &ALL).expect("valid");
        assert_eq!(body, CreateStream::default());
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            serde_json::json!({"tags": [], "transcodes": []})
        );
    }

    #[test]
    fn tags_timecode_and_push_url_are_sent_as_typed() {
        let draft = Draft {
            tags: vec![tag("sport"), tag("event:final")],
            timecode: true,
            timecode_interval: " 1000 ".to_string(),
            push_url: "rtmp://push.example.com/app/key".to_string(),
            ..Draft::default()
        };
        let body = request(&draft, &ALL).expect("valid");
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            serde_json::json!({
                "tags": ["sport", "event:final"],
                "transcodes": [],
                "timecode": {"enabled": true, "interval_ms": 1000},
                "push_url": "rtmp://push.example.com/app/key"
            })
        );
    }

    #[test]
    fn bad_timecode_and_push_url_are_explained_with_shareds_words() {
        let draft = Draft {
            timecode: true,
            timecode_interval: "499".to_string(),
            push_url: "http://example.com".to_string(),
            ..Draft::default()
        };
        assert_eq!(
            request(&draft, &ALL),
            Err(errors(&[
                (
                    "push_url",
                    "must be an rtmp://, rtmps:// or srt:// URL with a host"
                ),
                ("timecode", "must be between 500 and 3600000 milliseconds"),
            ]))
        );
        let draft = Draft {
            timecode: true,
            timecode_interval: "2s".to_string(),
            ..Draft::default()
        };
        assert_eq!(
            request(&draft, &ALL),
            Err(errors(&[(
                "timecode",
                "must be a whole number of milliseconds"
            )]))
        );
        // Switched off, the interval is not looked at.
        let draft = Draft {
            timecode: false,
            timecode_interval: "2s".to_string(),
            ..Draft::default()
        };
        assert_eq!(request(&draft, &ALL).map(|b| b.timecode), Ok(None));
    }

    #[test]
    fn the_ladder_error_lands_on_the_offending_row() {
        let mut draft = Draft {
            transcodes: vec![
                row("vtrans2-852x480x800x25"),
                row("vtrans2-1280x720x1600x25"),
            ],
            ..Draft::default()
        };
        assert_eq!(
            request(&draft, &ALL),
            Err(errors(&[(
                "transcodes[1].bitrate_kbps",
                "must be lower than the bitrate of the quality above it (800 kbit/s)"
            )]))
        );
        // Equal bitrates break the rule too.
        draft.transcodes[1] = row("vtrans2-852x480x800x30");
        assert_eq!(
            request(&draft, &ALL).map_err(|e| e.keys().cloned().collect::<Vec<_>>()),
            Err(vec!["transcodes[1].bitrate_kbps".to_string()])
        );
        draft.transcodes[1] = row("vtrans2-640x360x400x25");
        let body = request(&draft, &ALL).expect("valid ladder");
        assert_eq!(
            serde_json::to_value(&body.transcodes).expect("serialises"),
            serde_json::json!([
                {"preset": "vtrans2-852x480x800x25"},
                {"preset": "vtrans2-640x360x400x25"}
            ])
        );
    }

    #[test]
    fn unpicked_rows_and_rows_past_the_limit_are_refused() {
        let draft = Draft {
            transcodes: vec![
                row("vtrans2-1280x720x1600x25"),
                row(""),
                row("vtrans2-1280x720x2000x25"),
            ],
            ..Draft::default()
        };
        assert_eq!(
            request(&draft, &ALL),
            Err(errors(&[
                ("transcodes[1].preset", "must be one of the listed profiles"),
                (
                    "transcodes[2].bitrate_kbps",
                    "must be lower than the bitrate of the quality above it (1600 kbit/s)"
                ),
            ]))
        );
        let one = Allowed {
            max_transcodes: 1,
            ..ALL
        };
        let draft = Draft {
            transcodes: vec![row("vtrans2-852x480x800x25"), row("vtrans2-640x360x400x25")],
            ..Draft::default()
        };
        assert_eq!(
            request(&draft, &one),
            Err(errors(&[(
                "transcodes",
                "may hold at most 1 transcodes in your organisation"
            )]))
        );
    }

    #[test]
    fn synced_processing_is_sent_once_at_the_top() {
        let mut draft = Draft {
            transcodes: vec![row("vtrans2-852x480x800x25")],
            ..Draft::default()
        };
        draft.processing.thumbnails = true;
        draft.processing.thumbnails_interval = "15".to_string();
        draft.processing.replay = true;
        // The transcode's own (unsynced) settings are ignored while synced.
        draft.transcodes[0].processing.clips = true;
        let body = request(&draft, &ALL).expect("valid");
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            serde_json::json!({
                "tags": [],
                "transcodes": [{"preset": "vtrans2-852x480x800x25"}],
                "processing": {
                    "thumbnails": {"enabled": true, "interval_s": 15},
                    "replay": {"enabled": true, "duration_s": null}
                }
            })
        );
    }

    #[test]
    fn per_quality_processing_gives_every_transcode_its_own() {
        let mut draft = Draft {
            transcodes: vec![row("vtrans2-852x480x800x25"), row("vtrans2-640x360x400x25")],
            synced: false,
            ..Draft::default()
        };
        draft.processing.recording = true;
        draft.processing.recording_whole = false;
        draft.processing.recording_duration = "600".to_string();
        draft.transcodes[0].processing.clips = true;
        let body = request(&draft, &ALL).expect("valid");
        assert_eq!(
            serde_json::to_value(&body).expect("serialises"),
            serde_json::json!({
                "tags": [],
                "transcodes": [
                    {
                        "preset": "vtrans2-852x480x800x25",
                        "processing": {
                            "motion_clips": {"enabled": true, "interval_s": 60, "duration_s": 5}
                        }
                    },
                    // Empty, so it does not take the passthrough's recording.
                    {"preset": "vtrans2-640x360x400x25", "processing": {}}
                ],
                "processing": {"recording": {"enabled": true, "duration_s": 600}}
            })
        );
    }

    #[test]
    fn processing_bounds_are_checked_only_for_processes_switched_on() {
        let mut p = ProcessingDraft {
            thumbnails_interval: "5".to_string(),
            clips_duration: "x".to_string(),
            ..ProcessingDraft::default()
        };
        assert_eq!(p.to_patch(true), Ok(ProcessingPatch::default()));
        p.thumbnails = true;
        p.clips = true;
        p.clips_interval = "3601".to_string();
        p.replay = true;
        p.replay_whole = false;
        p.replay_duration = "0".to_string();
        p.recording = true;
        assert_eq!(
            p.to_patch(false),
            Err(errors(&[
                (
                    "motion_clips.duration_s",
                    "must be a whole number of seconds"
                ),
                (
                    "motion_clips.interval_s",
                    "must be between 10 and 3600 seconds"
                ),
                ("recording.enabled", "needs the VOD package"),
                (
                    "replay.duration_s",
                    "must be at least 1 second, or null for the whole stream"
                ),
                (
                    "thumbnails.interval_s",
                    "must be between 10 and 3600 seconds"
                ),
            ]))
        );
    }

    #[test]
    fn errors_of_transcode_settings_carry_their_path() {
        let mut draft = Draft {
            transcodes: vec![row("vtrans2-852x480x800x25")],
            synced: false,
            ..Draft::default()
        };
        draft.transcodes[0].processing.thumbnails = true;
        draft.transcodes[0].processing.thumbnails_interval = "9".to_string();
        let found = request(&draft, &ALL).expect_err("interval too short");
        assert_eq!(
            found,
            errors(&[(
                "transcodes[0].processing.thumbnails.interval_s",
                "must be between 10 and 3600 seconds"
            )])
        );
        assert_eq!(
            below(&found, &transcode_processing_prefix(0)),
            errors(&[(
                "thumbnails.interval_s",
                "must be between 10 and 3600 seconds"
            )])
        );
        assert_eq!(below(&found, PROCESSING_PREFIX), FieldErrors::new());
    }

    #[test]
    fn sections_the_organisation_lacks_are_left_out() {
        let basic = Allowed {
            transcoding: false,
            live_processing: false,
            vod: false,
            max_transcodes: 3,
        };
        let mut draft = Draft {
            transcodes: vec![row("")],
            ..Draft::default()
        };
        draft.processing.thumbnails = true;
        assert_eq!(request(&draft, &basic), Ok(CreateStream::default()));
    }

    #[test]
    fn new_rows_start_below_the_row_above() {
        let all = presets();
        assert_eq!(
            suggested_preset(&all, None).as_deref(),
            Some("vtrans2-1280x720x2000x30")
        );
        assert_eq!(
            suggested_preset(&all, Some(2000)).as_deref(),
            Some("vtrans2-1280x720x1600x30")
        );
        assert_eq!(
            suggested_preset(&all, Some(800)).as_deref(),
            Some("vtrans2-852x480x640x30")
        );
        assert_eq!(
            suggested_preset(&all, Some(200)).as_deref(),
            Some("vtrans2-426x240x200x15")
        );
        assert_eq!(suggested_preset(&[], None), None);
    }
}
