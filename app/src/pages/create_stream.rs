//! `/streams/new`: the create-stream form (docs/product.md, "Pages").
//!
//! Tags, transcodes (an ABR group, up to the organisation's limit, picked from the
//! presets), live-processing settings synced across the group or per quality, timecode
//! and an optional push URL. Everything is checked with `shared`'s rules as people type
//! (see [`draft`]); the server's `fields` land next to the same fields. Sections the
//! organisation lacks show "Upgrade needed"; read-only users get an explanation instead
//! of the form. A created stream opens its instructions page.

mod draft;
mod processing;
mod transcodes;

use crate::api::{self, ApiError};
use crate::components::alert::Alert;
use crate::components::form_field::TextField;
use crate::components::notice::UpgradeNeeded;
use crate::components::submit_button::SubmitButton;
use crate::components::tag_input::TagInput;
use crate::components::toast::use_toasts;
use crate::form::{FieldErrors, FormErrors};
use crate::paths;
use crate::session::use_me;
use draft::{
    below, request, transcode_processing_prefix, Allowed, Draft, TranscodeDraft, PROCESSING_PREFIX,
    PUSH_URL, TAGS, TIMECODE,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use processing::{NumberField, ProcessingEditor, ProcessingInputs};
use shared::model::{CreateStream, Feature, Me, Organisation};
use shared::stream::{Tag, Tags, Timecode};
use transcodes::{row_title, TranscodeRow, TranscodesSection};

#[component]
pub fn CreateStreamPage() -> impl IntoView {
    let me = use_me();
    let body = match me {
        Some(me) if me.can_write() => {
            view! { <CreateForm organisation=me.organisation /> }.into_any()
        }
        Some(me) => view! { <ReadOnly me /> }.into_any(),
        // The signed-in layout renders pages only once the caller has loaded.
        None => ().into_any(),
    };
    view! {
        <div class="page-header">
            <h1 class="page-title">"Create stream"</h1>
            <p class="muted">
                "A new stream, or a stream group with transcodes. You get the ingest details right after."
            </p>
        </div>
        {body}
    }
}

/// What a read-only user sees instead of the form.
#[component]
fn ReadOnly(me: Me) -> impl IntoView {
    let role = me.role().map(|r| r.label()).unwrap_or("Read only");
    view! {
        <div class="notice create-read-only" data-testid="create-read-only">
            <p class="notice-title">"You cannot create streams"</p>
            <p class="notice-text">
                {format!(
                    "Your role ({role}) can look at streams but not create or change them. Ask an admin of your organisation for the User role.",
                )}
            </p>
            <p class="notice-text">
                <a href=paths::STREAMS data-testid="create-read-only-streams">
                    "Go to the stream list"
                </a>
            </p>
        </div>
    }
}

/// The form for a caller who may create streams.
#[component]
fn CreateForm(organisation: Organisation) -> impl IntoView {
    let allowed = Allowed::of(&organisation);
    let toasts = use_toasts();
    let navigate = use_navigate();

    // The inputs.
    let tags = RwSignal::new(Vec::<Tag>::new());
    let rows = RwSignal::new(Vec::<TranscodeRow>::new());
    let synced = RwSignal::new(true);
    let shared_processing = ProcessingInputs::new();
    let timecode_on = RwSignal::new(false);
    let timecode_interval = RwSignal::new(Timecode::DEFAULT_INTERVAL_MS.to_string());
    let push_url = RwSignal::new(String::new());

    let draft = Memo::new(move |_| Draft {
        tags: tags.get(),
        transcodes: rows.with(|rs| {
            rs.iter()
                .map(|r| TranscodeDraft {
                    preset: r.preset.get(),
                    processing: r.processing.draft(),
                })
                .collect()
        }),
        synced: synced.get(),
        processing: shared_processing.draft(),
        timecode: timecode_on.get(),
        timecode_interval: timecode_interval.get(),
        push_url: push_url.get(),
    });
    let checked = Memo::new(move |_| request(&draft.get(), &allowed));

    let create = Action::new_local(|body: &CreateStream| api::create_stream(body.clone()));
    let pending = create.pending();
    // The body of the last attempt: the server's field errors hold while it is unchanged.
    let sent = RwSignal::new(None::<CreateStream>);
    let tried = RwSignal::new(false);

    let refusal = Signal::derive(move || {
        let failure = create.value().with(|v| v.clone().and_then(Result::err));
        let body = sent.get()?;
        let unchanged = checked.with(|c| c.as_ref().ok() == Some(&body));
        failure.filter(|_| unchanged)
    });
    let form = FormErrors::new(
        Signal::derive(move || checked.with(|c| c.clone().err().unwrap_or_default())),
        refusal,
    );
    let errors = Memo::new(move |_| form.all());
    let field = move |key: &'static str| form.field(key);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if pending.get_untracked() {
            return;
        }
        if let Ok(body) = checked.get_untracked() {
            sent.set(Some(body.clone()));
            create.dispatch(body);
        }
    };

    Effect::new(move || {
        let created = create.value().with(|v| match v {
            Some(Ok(stream)) => Some((stream.id, stream.name.as_str().to_string())),
            _ => None,
        });
        if let Some((id, name)) = created {
            if let Some(toasts) = toasts {
                toasts.success(format!("Stream {name} created"));
            }
            navigate(&paths::instructions_path(id), Default::default());
        }
    });

    // One alert: the server's refusal, or (after a submit) that fields need a fix.
    let alert = move || {
        if pending.get() {
            return None;
        }
        let failure: Option<ApiError> = create.value().with(|v| v.clone().and_then(Result::err));
        let still_sent =
            failure.is_some() && checked.with(|c| c.as_ref().ok().cloned()) == sent.get();
        if let (Some(e), true) = (failure, still_sent) {
            return Some(view! { <Alert message=e.message() testid="create-error" /> }.into_any());
        }
        (tried.get() && checked.with(Result::is_err)).then(|| {
            view! {
                <Alert
                    message="Some fields need a fix before the stream can be created: see the messages next to them."
                    testid="create-invalid"
                />
            }
            .into_any()
        })
    };

    let member_count = move || rows.with(Vec::len) + 1;

    view! {
        <form class="create-form" novalidate=true on:submit=on_submit data-testid="create-form">
            <section class="card create-section" aria-labelledby="create-tags-heading">
                <h2 id="create-tags-heading" class="card-title">
                    "Tags"
                </h2>
                <TagInput
                    id="create-tags"
                    label="Add tags"
                    tags=tags
                    on_add=Callback::new(move |t: Tag| tags.update(|ts| ts.push(t)))
                    on_remove=Callback::new(move |t: Tag| tags.update(|ts| ts.retain(|x| *x != t)))
                    max=Tags::MAX
                    disabled=pending
                    testid="create-tags"
                />
                <p class="hint">
                    {format!(
                        "Up to {} tags, to find and filter streams later (e.g. sport or event:final). Enter adds a tag.",
                        Tags::MAX,
                    )}
                </p>
                <ServerFieldError label="Tags" error=field(TAGS) testid="create-tags-server-error" />
            </section>

            <section class="card create-section" aria-labelledby="create-transcodes-heading">
                <h2 id="create-transcodes-heading" class="card-title">
                    "Transcodes (ABR)"
                </h2>
                {if allowed.transcoding {
                    view! { <TranscodesSection rows max=allowed.max_transcodes errors /> }.into_any()
                } else {
                    view! { <UpgradeNeeded feature=Feature::Transcoding /> }.into_any()
                }}
            </section>

            <section class="card create-section" aria-labelledby="create-processing-heading">
                <h2 id="create-processing-heading" class="card-title">
                    "Live processing"
                </h2>
                {if allowed.live_processing {
                    view! {
                        <ProcessingSection
                            rows
                            synced
                            shared_processing
                            member_count=Signal::derive(member_count)
                            errors
                            vod=allowed.vod
                        />
                    }
                    .into_any()
                } else {
                    view! { <UpgradeNeeded feature=Feature::LiveProcessing /> }.into_any()
                }}
            </section>

            <section class="card create-section" aria-labelledby="create-more-heading">
                <h2 id="create-more-heading" class="card-title">
                    "Timecode and push"
                </h2>
                <div class="create-fields">
                    <div class="field">
                        <div class="cs-check">
                            <input
                                type="checkbox"
                                id="create-timecode"
                                class="cs-check-input"
                                aria-describedby="create-timecode-about"
                                data-testid="create-timecode"
                                prop:checked=move || timecode_on.get()
                                on:change=move |ev| timecode_on.set(event_target_checked(&ev))
                            />
                            <label class="cs-check-label" for="create-timecode">
                                "Insert timecode"
                            </label>
                        </div>
                        <p class="hint" id="create-timecode-about">
                            "Puts the time into the stream at an interval, to line up players and measure latency. 1000 to 5000 ms is recommended."
                        </p>
                    </div>
                    <Show when=move || timecode_on.get()>
                        <NumberField
                            id="create-timecode-interval".to_string()
                            label="Timecode interval"
                            unit="ms"
                            min=Timecode::MIN_INTERVAL_MS
                            max=Timecode::MAX_INTERVAL_MS
                            value=timecode_interval
                            error=field(TIMECODE)
                            testid="create-timecode-interval".to_string()
                        />
                    </Show>
                    <div class="create-push">
                        <TextField
                            id="create-push-url"
                            label="Push URL"
                            input_type="url"
                            value=push_url
                            error=field(PUSH_URL)
                            testid="create-push-url"
                        />
                        <p class="hint">
                            "Optional: Castboard forwards the stream to this rtmp://, rtmps:// or srt:// address (e.g. a social platform)."
                        </p>
                    </div>
                </div>
            </section>

            <div class="alert-slot" data-testid="create-alert-slot">
                {alert}
            </div>
            <div class="button-row create-actions">
                <SubmitButton pending label="Create stream" busy_label="Creating…" testid="create-submit" />
                <a class="button button-secondary" href=paths::STREAMS data-testid="create-cancel">
                    "Cancel"
                </a>
            </div>
        </form>
    }
}

/// A server reason for a field that shows its own checks elsewhere (tags).
#[component]
fn ServerFieldError(
    label: &'static str,
    error: Signal<Option<String>>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <p class="field-error" data-testid=testid hidden=move || error.with(Option::is_none)>
            {label}
            " "
            {move || error.get()}
        </p>
    }
}

/// Live processing: synced across every quality, or one set of settings per quality.
#[component]
fn ProcessingSection(
    rows: RwSignal<Vec<TranscodeRow>>,
    synced: RwSignal<bool>,
    shared_processing: ProcessingInputs,
    member_count: Signal<usize>,
    errors: Memo<FieldErrors>,
    vod: bool,
) -> impl IntoView {
    let is_group = move || member_count.get() > 1;
    let top_errors = Signal::derive(move || errors.with(|e| below(e, PROCESSING_PREFIX)));
    let top_legend = Signal::derive(move || {
        if !is_group() {
            "This stream".to_string()
        } else if synced.get() {
            format!("Every quality ({} playouts)", member_count.get())
        } else {
            "Passthrough (the quality you send)".to_string()
        }
    });
    view! {
        <p class="hint cs-intro">
            "Thumbnails, motion clips, recording and live replay are made while the stream is live. Changes apply at the next ingest."
        </p>
        <Show when=is_group>
            <fieldset class="cs-sync-choice" data-testid="processing-mode">
                <legend class="field-label">"Settings for the qualities of the group"</legend>
                <div class="cs-check">
                    <input
                        type="radio"
                        id="processing-synced"
                        name="processing-mode"
                        class="cs-check-input"
                        data-testid="processing-synced"
                        prop:checked=move || synced.get()
                        on:change=move |_| synced.set(true)
                    />
                    <label class="cs-check-label" for="processing-synced">
                        "Synced across all qualities"
                    </label>
                </div>
                <div class="cs-check">
                    <input
                        type="radio"
                        id="processing-per-quality"
                        name="processing-mode"
                        class="cs-check-input"
                        data-testid="processing-per-quality"
                        prop:checked=move || !synced.get()
                        on:change=move |_| {
                            // Each quality starts from the settings synced so far.
                            rows.with_untracked(|rs| {
                                rs.iter().for_each(|r| r.processing.copy_from(&shared_processing))
                            });
                            synced.set(false);
                        }
                    />
                    <label class="cs-check-label" for="processing-per-quality">
                        "Separate settings per quality"
                    </label>
                </div>
            </fieldset>
        </Show>
        <div class="cs-processing-editors">
            <ProcessingEditor
                inputs=shared_processing
                legend=top_legend
                id_prefix="processing-top"
                errors=top_errors
                vod
                testid="processing-top"
            />
            <Show when=move || is_group() && !synced.get()>
                <For
                    each=move || rows.get()
                    key=|r| r.key
                    children=move |row| {
                        let key = row.key;
                        let position = Memo::new(move |_| {
                            rows.with(|rs| rs.iter().position(|r| r.key == key)).unwrap_or_default()
                        });
                        let legend = Signal::derive(move || row_title(position.get(), &row.preset.get()));
                        let own = Signal::derive(move || {
                            errors.with(|e| below(e, &transcode_processing_prefix(position.get())))
                        });
                        view! {
                            <ProcessingEditor
                                inputs=row.processing
                                legend
                                id_prefix=format!("processing-t{key}")
                                errors=own
                                vod
                                testid="processing-transcode"
                            />
                        }
                    }
                />
            </Show>
        </div>
    }
}
