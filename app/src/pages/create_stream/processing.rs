//! The live-processing settings of one quality on the create form: thumbnails, motion
//! clips, recording and live replay, each switched on by a checkbox that reveals its
//! settings. Used once when the settings are synced across the group, else once per
//! quality.
//!
//! The editor only shows values and errors; [`super::draft`] decides what is valid.

use super::draft::{
    ProcessingDraft, CLIPS_DURATION, CLIPS_INTERVAL, RECORDING_DURATION, RECORDING_ENABLED,
    REPLAY_DURATION, THUMBNAILS_INTERVAL,
};
use crate::form::FieldErrors;
use leptos::prelude::*;
use shared::stream::Processing;

/// The inputs of one quality's settings, one signal per field (so typing re-renders
/// nothing but the field itself).
#[derive(Debug, Clone, Copy)]
pub struct ProcessingInputs {
    thumbnails: RwSignal<bool>,
    thumbnails_interval: RwSignal<String>,
    clips: RwSignal<bool>,
    clips_interval: RwSignal<String>,
    clips_duration: RwSignal<String>,
    recording: RwSignal<bool>,
    recording_whole: RwSignal<bool>,
    recording_duration: RwSignal<String>,
    replay: RwSignal<bool>,
    replay_whole: RwSignal<bool>,
    replay_duration: RwSignal<String>,
}

impl ProcessingInputs {
    /// Inputs holding the defaults of a new stream (everything off).
    pub fn new() -> Self {
        let d = ProcessingDraft::default();
        ProcessingInputs {
            thumbnails: RwSignal::new(d.thumbnails),
            thumbnails_interval: RwSignal::new(d.thumbnails_interval),
            clips: RwSignal::new(d.clips),
            clips_interval: RwSignal::new(d.clips_interval),
            clips_duration: RwSignal::new(d.clips_duration),
            recording: RwSignal::new(d.recording),
            recording_whole: RwSignal::new(d.recording_whole),
            recording_duration: RwSignal::new(d.recording_duration),
            replay: RwSignal::new(d.replay),
            replay_whole: RwSignal::new(d.replay_whole),
            replay_duration: RwSignal::new(d.replay_duration),
        }
    }

    /// Copies every value of `other` into these inputs (when the group switches from
    /// synced to per-quality settings, each quality starts from the synced ones).
    pub fn copy_from(&self, other: &ProcessingInputs) {
        self.thumbnails.set(other.thumbnails.get_untracked());
        self.thumbnails_interval
            .set(other.thumbnails_interval.get_untracked());
        self.clips.set(other.clips.get_untracked());
        self.clips_interval
            .set(other.clips_interval.get_untracked());
        self.clips_duration
            .set(other.clips_duration.get_untracked());
        self.recording.set(other.recording.get_untracked());
        self.recording_whole
            .set(other.recording_whole.get_untracked());
        self.recording_duration
            .set(other.recording_duration.get_untracked());
        self.replay.set(other.replay.get_untracked());
        self.replay_whole.set(other.replay_whole.get_untracked());
        self.replay_duration
            .set(other.replay_duration.get_untracked());
    }

    /// The current values (tracked).
    pub fn draft(&self) -> ProcessingDraft {
        ProcessingDraft {
            thumbnails: self.thumbnails.get(),
            thumbnails_interval: self.thumbnails_interval.get(),
            clips: self.clips.get(),
            clips_interval: self.clips_interval.get(),
            clips_duration: self.clips_duration.get(),
            recording: self.recording.get(),
            recording_whole: self.recording_whole.get(),
            recording_duration: self.recording_duration.get(),
            replay: self.replay.get(),
            replay_whole: self.replay_whole.get(),
            replay_duration: self.replay_duration.get(),
        }
    }
}

/// One quality's live-processing settings.
#[component]
pub fn ProcessingEditor(
    inputs: ProcessingInputs,
    /// Heading of the group of settings ("Every quality", "Passthrough", "1. Transcode").
    #[prop(into)]
    legend: Signal<String>,
    /// Makes the element ids unique on the page (`sync`, `q0`, `q3`, …).
    #[prop(into)]
    id_prefix: String,
    /// Errors of these settings, keyed below their prefix (`thumbnails.interval_s`).
    #[prop(into)]
    errors: Signal<FieldErrors>,
    /// Whether the organisation has VOD (recording needs it).
    vod: bool,
    /// `data-testid` prefix: `<testid>-thumbnails`, `<testid>-thumbnails-interval`, …
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let error =
        move |key: &'static str| Signal::derive(move || errors.with(|e| e.get(key).cloned()));
    let (lo, hi) = Processing::INTERVAL_S;
    let (clip_lo, clip_hi) = Processing::CLIP_DURATION_S;
    let p = id_prefix;
    let t = testid;
    let id_clips = format!("{p}-clips");
    let id_clips_duration = format!("{p}-clips-duration");
    let id_clips_interval = format!("{p}-clips-interval");
    let id_recording = format!("{p}-recording");
    let id_replay = format!("{p}-replay");
    let id_thumbnails = format!("{p}-thumbnails");
    let id_thumbnails_interval = format!("{p}-thumbnails-interval");
    let tid_clips = format!("{t}-clips");
    let tid_clips_duration = format!("{t}-clips-duration");
    let tid_clips_interval = format!("{t}-clips-interval");
    let tid_recording = format!("{t}-recording");
    let tid_replay = format!("{t}-replay");
    let tid_thumbnails = format!("{t}-thumbnails");
    let tid_thumbnails_interval = format!("{t}-thumbnails-interval");
    view! {
        <fieldset class="cs-processing" data-testid=t>
            <legend class="cs-processing-legend">{move || legend.get()}</legend>
            <div class="cs-processing-grid">
                <Process
                    id=id_thumbnails.clone()
                    label="Thumbnails"
                    description="A still image of the stream, refreshed at an interval."
                    on=inputs.thumbnails
                    testid=tid_thumbnails.clone()
                >
                    <NumberField
                        id=id_thumbnails_interval.clone()
                        label="Interval"
                        unit="seconds"
                        min=lo
                        max=hi
                        value=inputs.thumbnails_interval
                        error=error(THUMBNAILS_INTERVAL)
                        testid=tid_thumbnails_interval.clone()
                    />
                </Process>
                <Process
                    id=id_clips.clone()
                    label="Motion clips"
                    description="A short clip of the stream, made at an interval."
                    on=inputs.clips
                    testid=tid_clips.clone()
                >
                    <NumberField
                        id=id_clips_interval.clone()
                        label="Interval"
                        unit="seconds"
                        min=lo
                        max=hi
                        value=inputs.clips_interval
                        error=error(CLIPS_INTERVAL)
                        testid=tid_clips_interval.clone()
                    />
                    <NumberField
                        id=id_clips_duration.clone()
                        label="Clip length"
                        unit="seconds"
                        min=clip_lo
                        max=clip_hi
                        value=inputs.clips_duration
                        error=error(CLIPS_DURATION)
                        testid=tid_clips_duration.clone()
                    />
                </Process>
                <Process
                    id=id_recording.clone()
                    label="Recording"
                    description=if vod {
                        "Records the stream to files (VOD)."
                    } else {
                        "Needs the VOD package, which your organisation does not have."
                    }
                    on=inputs.recording
                    locked=!vod
                    error=error(RECORDING_ENABLED)
                    testid=tid_recording.clone()
                >
                    <Duration
                        id=id_recording.clone()
                        whole=inputs.recording_whole
                        value=inputs.recording_duration
                        error=error(RECORDING_DURATION)
                        testid=tid_recording.clone()
                    />
                </Process>
                <Process
                    id=id_replay.clone()
                    label="Live replay"
                    description="Lets viewers rewind while the stream is live."
                    on=inputs.replay
                    testid=tid_replay.clone()
                >
                    <Duration
                        id=id_replay.clone()
                        whole=inputs.replay_whole
                        value=inputs.replay_duration
                        error=error(REPLAY_DURATION)
                        testid=tid_replay.clone()
                    />
                </Process>
            </div>
        </fieldset>
    }
}

/// A process: its checkbox, what it does, and its settings once switched on.
#[component]
fn Process(
    id: String,
    label: &'static str,
    description: &'static str,
    on: RwSignal<bool>,
    /// The organisation lacks what the process needs: the checkbox cannot be ticked.
    #[prop(optional)]
    locked: bool,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    testid: String,
    children: ChildrenFn,
) -> impl IntoView {
    let described = format!("{id}-about");
    let error_id = format!("{id}-error");
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    view! {
        <div class="cs-process" class:cs-process-on=move || on.get()>
            <div class="cs-check">
                <input
                    type="checkbox"
                    id=id.clone()
                    class="cs-check-input"
                    aria-describedby=described.clone()
                    disabled=locked
                    data-testid=testid
                    prop:checked=move || on.get()
                    on:change=move |ev| on.set(event_target_checked(&ev))
                />
                <label class="cs-check-label" for=id.clone()>
                    {label}
                </label>
            </div>
            <p class="hint cs-process-about" id=described>
                {description}
            </p>
            <p class="field-error" id=error_id hidden=move || error.with(Option::is_none)>
                {label}
                " "
                {move || error.get()}
            </p>
            <Show when=move || on.get()>
                <div class="cs-process-settings">{children()}</div>
            </Show>
        </div>
    }
}

/// Recording or replay length: the whole stream, or a number of seconds.
#[component]
fn Duration(
    id: String,
    whole: RwSignal<bool>,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    testid: String,
) -> impl IntoView {
    let whole_id = format!("{id}-whole");
    view! {
        <div class="cs-check">
            <input
                type="checkbox"
                id=whole_id.clone()
                class="cs-check-input"
                data-testid=format!("{testid}-whole")
                prop:checked=move || whole.get()
                on:change=move |ev| whole.set(event_target_checked(&ev))
            />
            <label class="cs-check-label" for=whole_id>
                "Whole stream"
            </label>
        </div>
        <Show when=move || !whole.get()>
            <NumberField
                id=format!("{id}-duration")
                label="Duration"
                unit="seconds"
                min=1
                max=u32::MAX
                value
                error
                testid=format!("{testid}-duration")
            />
        </Show>
    }
}

/// A labelled number input with its unit and inline error, for ids made at run time.
#[component]
pub fn NumberField(
    id: String,
    label: &'static str,
    /// Shown after the input and in the hint ("seconds").
    unit: &'static str,
    min: u32,
    max: u32,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    testid: String,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let invalid = move || error.with(Option::is_some);
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if invalid() {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    let range = if max == u32::MAX {
        format!("At least {min} {unit}")
    } else {
        format!("{min} to {max} {unit}")
    };
    view! {
        <div class="field cs-number" class:field-invalid=invalid>
            <label class="field-label" for=id.clone()>
                {label}
            </label>
            <div class="cs-with-unit">
                <input
                    class="field-input cs-number-input"
                    type="number"
                    inputmode="numeric"
                    id=id.clone()
                    min=min
                    max=(max != u32::MAX).then_some(max)
                    step="1"
                    aria-invalid=move || if invalid() { "true" } else { "false" }
                    aria-describedby=described
                    data-testid=testid.clone()
                    bind:value=value
                />
                <span class="cs-unit" aria-hidden="true">
                    {unit}
                </span>
            </div>
            <p class="hint" id=hint_id>
                {range}
            </p>
            <p
                class="field-error"
                id=error_id
                data-testid=format!("{testid}-error")
                hidden=move || !invalid()
            >
                {label}
                " "
                {move || error.get()}
            </p>
        </div>
    }
}
