//! The edit form of one live process of one quality: switch it on or off and change its
//! interval or duration, checked as typed against the bounds of `shared::stream::Processing`;
//! optionally copied to every quality of the group. It builds the
//! [`ProcessingPatch`]; the tab sends it.

use super::Process;
use crate::api::ApiError;
use crate::components::submit_button::SubmitButton;
use crate::form::{FieldErrors, FormErrors};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::stream::{
    DurationPatch, MotionClipsPatch, Processing, ProcessingPatch, ThumbnailsPatch,
};
use std::collections::BTreeMap;

/// The `id` of the form's first control, focused when the form opens.
pub(crate) const FIRST_INPUT_ID: &str = "lp-enabled";

/// The form's values as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProcessDraft {
    pub enabled: bool,
    /// Seconds between thumbnails or clips.
    pub interval: String,
    /// Seconds: a clip's length, or the recording / replay limit.
    pub duration: String,
    /// Recording / replay: the whole stream instead of `duration`.
    pub whole_stream: bool,
}

impl ProcessDraft {
    /// The current settings of `process`.
    pub fn of(process: Process, p: &Processing) -> Self {
        let (enabled, interval, duration) = match process {
            Process::Thumbnails => (p.thumbnails.enabled, Some(p.thumbnails.interval_s), None),
            Process::MotionClips => (
                p.motion_clips.enabled,
                Some(p.motion_clips.interval_s),
                Some(p.motion_clips.duration_s),
            ),
            Process::Replay => (p.replay.enabled, None, p.replay.duration_s),
            Process::Recording => (p.recording.enabled, None, p.recording.duration_s),
        };
        let whole_stream =
            matches!(process, Process::Replay | Process::Recording) && duration.is_none();
        ProcessDraft {
            enabled,
            interval: interval.map(|n| n.to_string()).unwrap_or_default(),
            duration: duration.map(|n| n.to_string()).unwrap_or_default(),
            whole_stream,
        }
    }

    /// The change to send, or why not, keyed `interval` / `duration`.
    pub fn patch(
        &self,
        process: Process,
    ) -> Result<ProcessingPatch, BTreeMap<&'static str, String>> {
        let mut errors = BTreeMap::new();
        let mut seconds = |key: &'static str, text: &str, bounds: (u32, u32)| {
            parse_seconds(text, bounds)
                .map_err(|why| {
                    errors.insert(key, why);
                })
                .ok()
        };
        let enabled = Some(self.enabled);
        let patch = match process {
            Process::Thumbnails => {
                let interval = seconds("interval", &self.interval, Processing::INTERVAL_S);
                ProcessingPatch {
                    thumbnails: Some(ThumbnailsPatch {
                        enabled,
                        interval_s: interval,
                    }),
                    ..ProcessingPatch::default()
                }
            }
            Process::MotionClips => {
                let interval = seconds("interval", &self.interval, Processing::INTERVAL_S);
                let duration = seconds("duration", &self.duration, Processing::CLIP_DURATION_S);
                ProcessingPatch {
                    motion_clips: Some(MotionClipsPatch {
                        enabled,
                        interval_s: interval,
                        duration_s: duration,
                    }),
                    ..ProcessingPatch::default()
                }
            }
            Process::Replay | Process::Recording => {
                let duration = if self.whole_stream {
                    Some(None)
                } else {
                    seconds("duration", &self.duration, (1, u32::MAX)).map(Some)
                };
                let change = Some(DurationPatch {
                    enabled,
                    duration_s: duration,
                });
                if process == Process::Replay {
                    ProcessingPatch {
                        replay: change,
                        ..ProcessingPatch::default()
                    }
                } else {
                    ProcessingPatch {
                        recording: change,
                        ..ProcessingPatch::default()
                    }
                }
            }
        };
        if errors.is_empty() {
            Ok(patch)
        } else {
            Err(errors)
        }
    }
}

/// Whole seconds within `lo..=hi` (`hi` = `u32::MAX`: no upper bound), with a reason
/// that completes "<field> …".
pub(crate) fn parse_seconds(text: &str, (lo, hi): (u32, u32)) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("is required".to_string());
    }
    let out_of_range = || {
        if hi == u32::MAX {
            let unit = if lo == 1 { "second" } else { "seconds" };
            format!("must be at least {lo} {unit}")
        } else {
            format!("must be between {lo} and {hi} seconds")
        }
    };
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must be a whole number of seconds".to_string());
    }
    match t.parse::<u32>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(out_of_range()),
    }
}

/// The form for `process` of one quality.
#[component]
pub fn ProcessForm(
    process: Process,
    /// The quality's settings when the form opened.
    initial: Processing,
    /// The group has more than one quality: offer to copy the settings to all of them.
    group_size: usize,
    /// The organisation has VOD (recording needs it).
    vod: bool,
    /// Sends the change; `true` copies the result to every quality.
    on_save: Callback<(ProcessingPatch, bool)>,
    on_cancel: Callback<()>,
    #[prop(into)] saving: Signal<bool>,
    /// The server's refusal of the last save.
    #[prop(into)]
    refusal: Signal<Option<ApiError>>,
) -> impl IntoView {
    let draft = RwSignal::new(ProcessDraft::of(process, &initial));
    let sync = RwSignal::new(false);
    let checked = Memo::new(move |_| draft.with(|d| d.patch(process)));
    let errors = FormErrors::new(
        Signal::derive(move || {
            checked.with(|c| {
                c.as_ref().err().map_or_else(FieldErrors::new, |e| {
                    e.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
                })
            })
        }),
        refusal,
    );
    // The server names a value by its process and unit (`processing.thumbnails.interval_s`).
    let error_for = move |key: &'static str| {
        errors.field_named(key, [format!("processing.{}.{key}_s", process.api_name())])
    };
    // Recording cannot be switched on without VOD (switching it off stays possible).
    let locked_off = process == Process::Recording && !vod && !initial.recording.enabled;

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        if let Ok(patch) = checked.get_untracked() {
            on_save.run((patch, sync.get_untracked()));
        }
    };

    let interval_field = matches!(process, Process::Thumbnails | Process::MotionClips).then(|| {
        view! {
            <SecondsField
                id="lp-interval"
                label="Interval in seconds"
                name="Interval"
                hint=format!(
                    "Time between two {}: {} to {} seconds.",
                    if process == Process::Thumbnails { "thumbnails" } else { "clips" },
                    Processing::INTERVAL_S.0,
                    Processing::INTERVAL_S.1,
                )
                value=Signal::derive(move || draft.with(|d| d.interval.clone()))
                on_input=Callback::new(move |v: String| draft.update(|d| d.interval = v))
                error=error_for("interval")
                disabled=Signal::stored(false)
            />
        }
    });
    let duration_field = match process {
        Process::Thumbnails => None,
        Process::MotionClips => Some(
            view! {
                <SecondsField
                    id="lp-duration"
                    label="Clip duration in seconds"
                    name="Duration"
                    hint=format!(
                        "Length of each clip: {} to {} seconds.",
                        Processing::CLIP_DURATION_S.0,
                        Processing::CLIP_DURATION_S.1,
                    )
                    value=Signal::derive(move || draft.with(|d| d.duration.clone()))
                    on_input=Callback::new(move |v: String| draft.update(|d| d.duration = v))
                    error=error_for("duration")
                    disabled=Signal::stored(false)
                />
            }
            .into_any(),
        ),
        Process::Replay | Process::Recording => Some(
            view! {
                <fieldset class="snip-fieldset lp-duration-choice">
                    <legend class="field-label">"Duration"</legend>
                    <label class="snip-choice">
                        <input
                            type="radio"
                            name="lp-duration-mode"
                            data-testid="lp-whole-stream"
                            prop:checked=move || draft.with(|d| d.whole_stream)
                            on:change=move |_| draft.update(|d| d.whole_stream = true)
                        />
                        <span class="snip-choice-title">"The whole stream"</span>
                    </label>
                    <label class="snip-choice">
                        <input
                            type="radio"
                            name="lp-duration-mode"
                            data-testid="lp-limited"
                            prop:checked=move || draft.with(|d| !d.whole_stream)
                            on:change=move |_| draft.update(|d| d.whole_stream = false)
                        />
                        <span class="snip-choice-title">"A fixed duration"</span>
                    </label>
                    <SecondsField
                        id="lp-duration"
                        label="Duration in seconds"
                        name="Duration"
                        hint="At least 1 second.".to_string()
                        value=Signal::derive(move || draft.with(|d| d.duration.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|d| d.duration = v))
                        error=Signal::derive(move || {
                            if draft.with(|d| d.whole_stream) { None } else { error_for("duration").get() }
                        })
                        disabled=Signal::derive(move || draft.with(|d| d.whole_stream))
                    />
                </fieldset>
            }
            .into_any(),
        ),
    };

    view! {
        <form class="form lp-form" novalidate=true on:submit=on_submit data-testid="lp-form">
            <label class="snip-check">
                <input
                    type="checkbox"
                    id=FIRST_INPUT_ID
                    data-testid="lp-enabled"
                    disabled=locked_off
                    prop:checked=move || draft.with(|d| d.enabled)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        draft.update(|d| d.enabled = on);
                    }
                />
                <span>
                    <span class="snip-choice-title">{format!("{} enabled", process.label())}</span>
                    {locked_off
                        .then(|| {
                            view! {
                                <span class="hint">
                                    "Recording needs the VOD package, which your organisation does not have."
                                </span>
                            }
                        })}
                </span>
            </label>
            {interval_field}
            {duration_field}
            {(group_size > 1)
                .then(|| {
                    view! {
                        <label class="snip-check">
                            <input
                                type="checkbox"
                                data-testid="lp-sync"
                                prop:checked=move || sync.get()
                                on:change=move |ev| sync.set(event_target_checked(&ev))
                            />
                            <span>
                                <span class="snip-choice-title">"Apply to every quality of the group"</span>
                                <span class="hint">
                                    {format!(
                                        "Copies all processing settings of this quality to the other {} qualities.",
                                        group_size - 1,
                                    )}
                                </span>
                            </span>
                        </label>
                    }
                })}
            <p class="hint">"Changed settings take effect at the next ingest."</p>
            <div class="button-row">
                <SubmitButton
                    pending=saving
                    label="Save settings"
                    busy_label="Saving…"
                    blocked=Signal::derive(move || checked.with(Result::is_err))
                    testid="lp-save"
                />
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid="lp-cancel"
                    disabled=move || saving.get()
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// A number of seconds, with its hint and the reason it is refused.
#[component]
fn SecondsField(
    id: &'static str,
    label: &'static str,
    /// How the error sentence names the field.
    name: &'static str,
    hint: String,
    value: Signal<String>,
    on_input: Callback<String>,
    error: Signal<Option<String>>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if error.with(Option::is_some) {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="field lp-seconds" class:field-invalid=move || error.with(Option::is_some)>
            <label class="field-label" for=id>
                {label}
            </label>
            <input
                class="field-input"
                id=id
                type="number"
                inputmode="numeric"
                min="1"
                step="1"
                data-testid=id
                disabled=move || disabled.get()
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
            <p class="hint" id=hint_id>
                {hint}
            </p>
            <p
                class="field-error"
                id=error_id
                data-testid=format!("{id}-error")
                hidden=move || error.with(Option::is_none)
            >
                {move || error.get().map(|e| format!("{name} {e}"))}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_checked_against_their_bounds() {
        assert_eq!(parse_seconds("60", Processing::INTERVAL_S), Ok(60));
        assert_eq!(parse_seconds(" 10 ", Processing::INTERVAL_S), Ok(10));
        assert_eq!(parse_seconds("3600", Processing::INTERVAL_S), Ok(3600));
        assert_eq!(
            parse_seconds("5", Processing::INTERVAL_S),
            Err("must be between 10 and 3600 seconds".to_string())
        );
        assert_eq!(
            parse_seconds("3601", Processing::INTERVAL_S),
            Err("must be between 10 and 3600 seconds".to_string())
        );
        assert_eq!(
            parse_seconds("99999999999", Processing::INTERVAL_S),
            Err("must be between 10 and 3600 seconds".to_string())
        );
        assert_eq!(
            parse_seconds("", Processing::INTERVAL_S),
            Err("is required".to_string())
        );
        assert_eq!(
            parse_seconds("1.5", Processing::CLIP_DURATION_S),
            Err("must be a whole number of seconds".to_string())
        );
        assert_eq!(
            parse_seconds("-1", (1, u32::MAX)),
            Err("must be a whole number of seconds".to_string())
        );
        assert_eq!(
            parse_seconds("0", (1, u32::MAX)),
            Err("must be at least 1 second".to_string())
        );
        assert_eq!(parse_seconds("86400", (1, u32::MAX)), Ok(86_400));
    }

    #[test]
    fn drafts_start_from_the_current_settings() {
        let mut p = Processing::default();
        p.motion_clips.enabled = true;
        p.recording.duration_s = Some(600);
        assert_eq!(
            ProcessDraft::of(Process::Thumbnails, &p),
            ProcessDraft {
                enabled: false,
                interval: "30".into(),
                duration: String::new(),
                whole_stream: false
            }
        );
        assert_eq!(
            ProcessDraft::of(Process::MotionClips, &p),
            ProcessDraft {
                enabled: true,
                interval: "60".into(),
                duration: "5".into(),
                whole_stream: false
            }
        );
        assert_eq!(
            ProcessDraft::of(Process::Replay, &p),
            ProcessDraft {
                enabled: false,
                interval: String::new(),
                duration: String::new(),
                whole_stream: true
            }
        );
        assert_eq!(
            ProcessDraft::of(Process::Recording, &p),
            ProcessDraft {
                enabled: false,
                interval: String::new(),
                duration: "600".into(),
                whole_stream: false
            }
        );
    }

    #[test]
    fn drafts_become_patches_of_their_process_only() {
        let thumbs = ProcessDraft {
            enabled: true,
            interval: "60".into(),
            duration: String::new(),
            whole_stream: false,
        };
        assert_eq!(
            serde_json::to_value(thumbs.patch(Process::Thumbnails).expect("valid"))
                .expect("serialises"),
            serde_json::json!({"thumbnails": {"enabled": true, "interval_s": 60}})
        );
        let clips = ProcessDraft {
            enabled: false,
            interval: "20".into(),
            duration: "3".into(),
            whole_stream: false,
        };
        assert_eq!(
            serde_json::to_value(clips.patch(Process::MotionClips).expect("valid"))
                .expect("serialises"),
            serde_json::json!({"motion_clips": {"enabled": false, "interval_s": 20, "duration_s": 3}})
        );
        let whole = ProcessDraft {
            enabled: true,
            interval: String::new(),
            duration: "abc".into(),
            whole_stream: true,
        };
        assert_eq!(
            serde_json::to_value(whole.patch(Process::Replay).expect("valid")).expect("serialises"),
            serde_json::json!({"replay": {"enabled": true, "duration_s": null}})
        );
        let limited = ProcessDraft {
            whole_stream: false,
            duration: "120".into(),
            ..whole
        };
        assert_eq!(
            serde_json::to_value(limited.patch(Process::Recording).expect("valid"))
                .expect("serialises"),
            serde_json::json!({"recording": {"enabled": true, "duration_s": 120}})
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        let bad = ProcessDraft {
            enabled: true,
            interval: "5".into(),
            duration: "61".into(),
            whole_stream: false,
        };
        assert_eq!(
            bad.patch(Process::MotionClips),
            Err(BTreeMap::from([
                ("duration", "must be between 1 and 60 seconds".to_string()),
                (
                    "interval",
                    "must be between 10 and 3600 seconds".to_string()
                ),
            ]))
        );
        assert_eq!(
            bad.patch(Process::Thumbnails),
            Err(BTreeMap::from([(
                "interval",
                "must be between 10 and 3600 seconds".to_string()
            )]))
        );
        let zero = ProcessDraft {
            duration: "0".into(),
            ..bad
        };
        assert_eq!(
            zero.patch(Process::Replay),
            Err(BTreeMap::from([(
                "duration",
                "must be at least 1 second".to_string()
            )]))
        );
    }
}
