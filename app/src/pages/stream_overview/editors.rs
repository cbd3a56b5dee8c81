//! The inline editors of the Overview tab (O4, and per member in O6): tags, push URL and
//! timecode. Each shows its value with an Edit button (writers only); editing swaps the
//! value for a form with Save and Cancel, Escape cancels, and the keyboard focus goes to
//! the form and back to the Edit button. One editor is open at a time ([`Editing`]).
//!
//! Values are checked with `shared`'s rules as they are typed; the server's reasons are
//! shown next to the field they concern.

use super::{focus_later, Ctx, Editing};
use crate::api::{self, ApiError};
use crate::components::form_field::TextField;
use crate::components::submit_button::SaveCancel;
use crate::components::tag_input::TagInput;
use crate::paths;
use leptos::prelude::*;
use shared::model::{Stream, UpdateStream};
use shared::stream::{Tag, Tags, Timecode};
use shared::validate::PushUrl;
use uuid::Uuid;

/// "2 s", "500 ms", "1.5 s", "5 min": a timecode interval for people.
pub fn interval_label(ms: u32) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let tenths = (ms + 50) / 100;
        if tenths.is_multiple_of(10) {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        }
    }
}

/// The push URL a draft stands for: `None` clears it, else why it is refused.
pub fn push_url_of(draft: &str) -> Result<Option<PushUrl>, String> {
    if draft.trim().is_empty() {
        Ok(None)
    } else {
        PushUrl::parse(draft).map(Some)
    }
}

/// The timecode a draft stands for, or why not.
pub fn timecode_of(enabled: bool, interval: &str) -> Result<Timecode, String> {
    let ms: u32 = interval
        .trim()
        .parse()
        .map_err(|_| "must be a whole number of milliseconds".to_string())?;
    Timecode::new(enabled, ms)
}

/// The element id of an editor's Edit button (focus returns there).
fn edit_button_id(what: &str, member: Uuid) -> String {
    format!("edit-{what}-{member}")
}

/// Closes the editor and gives the focus back to its Edit button.
fn close(ctx: Ctx, button: String) {
    ctx.editing.set(None);
    focus_later(button);
}

/// The Edit button of a value, for writers.
fn edit_button(
    ctx: Ctx,
    opens: Editing,
    id: String,
    label: String,
    testid: &'static str,
    focus: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button button-secondary button-small"
            id=id
            aria-label=label
            data-testid=testid
            on:click=move |_| {
                ctx.editing.set(Some(opens));
                focus_later(focus.to_string());
            }
        >
            "Edit"
        </button>
    }
}

/// The reason of a refusal for `field`, else the whole message.
fn reason(e: &ApiError, field: &str) -> String {
    e.field(field).unwrap_or_else(|| e.message())
}

/// Tags of one stream (`member`): chips, or the tag editor.
#[component]
pub(super) fn TagsField(
    ctx: Ctx,
    member: Uuid,
    /// The streamname, naming the Edit button for screen readers.
    name: String,
    tags: Tags,
) -> impl IntoView {
    let open = move || ctx.editing.get() == Some(Editing::Tags(member));
    let button = edit_button_id("tags", member);
    move || {
        if open() {
            view! { <TagsEditor ctx member tags=tags.clone() button=button.clone() /> }.into_any()
        } else {
            let shown = if tags.is_empty() {
                view! { <span class="muted" data-testid="tags-none">"No tags"</span> }.into_any()
            } else {
                view! {
                    <ul class="chips" data-testid="tags-value">
                        {tags
                            .iter()
                            .map(|t| {
                                view! {
                                    <li class="chip chip-linked" data-testid="tag-chip">
                                        <a class="chip-link" href=paths::streams_tagged(t) data-testid="tag-link">
                                            {t.as_str().to_string()}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                {shown}
                {ctx
                    .writable()
                    .then(|| edit_button(
                        ctx,
                        Editing::Tags(member),
                        button.clone(),
                        format!("Edit tags of {name}"),
                        "tags-edit",
                        "tags-editor",
                    ))}
            }
            .into_any()
        }
    }
}

#[component]
fn TagsEditor(ctx: Ctx, member: Uuid, tags: Tags, button: String) -> impl IntoView {
    let draft = RwSignal::new(tags.as_slice().to_vec());
    let error = RwSignal::new(None::<String>);
    let save = Action::new_local({
        let button = button.clone();
        move |tags: &Tags| {
            let tags = tags.clone();
            let button = button.clone();
            async move {
                match api::set_tags(member, tags).await {
                    Ok(saved) => {
                        ctx.success("Tags saved");
                        close(ctx, button);
                        ctx.accept(saved);
                    }
                    Err(e) => error.set(Some(reason(&e, "tags"))),
                }
            }
        }
    });
    let pending = save.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let names: Vec<String> =
            draft.with_untracked(|d| d.iter().map(|t| t.as_str().to_string()).collect());
        match Tags::parse(&names) {
            Ok(tags) => {
                error.set(None);
                save.dispatch(tags);
            }
            Err(why) => error.set(Some(format!("Tags {why}."))),
        }
    };
    let cancel_button = button.clone();
    view! {
        <form
            class="inline-editor"
            novalidate=true
            data-testid="tags-editor"
            on:submit=on_submit
            on:keydown=move |ev| {
                if ev.key() == "Escape" && !ev.default_prevented() && !pending.get_untracked() {
                    ev.prevent_default();
                    close(ctx, button.clone());
                }
            }
        >
            <TagInput
                id="tags-editor"
                label="Tags"
                tags=draft
                on_add=Callback::new(move |t: Tag| draft.update(|d| d.push(t)))
                on_remove=Callback::new(move |t: Tag| draft.update(|d| d.retain(|x| *x != t)))
                max=Tags::MAX
                disabled=pending
                testid="tags"
            />
            <p class="hint">
                {format!(
                    "Enter adds a tag; up to {} per stream. Saving replaces the stream's tags.",
                    Tags::MAX,
                )}
            </p>
            <EditorFooter
                name="tags"
                pending
                failure=error
                on_cancel=Callback::new(move |()| close(ctx, cancel_button.clone()))
            />
        </form>
    }
}

/// Push URL of one stream (`member`): the URL, or its editor.
#[component]
pub(super) fn PushUrlField(
    ctx: Ctx,
    member: Uuid,
    name: String,
    push_url: Option<String>,
) -> impl IntoView {
    let open = move || ctx.editing.get() == Some(Editing::PushUrl(member));
    let button = edit_button_id("push-url", member);
    move || {
        if open() {
            view! { <PushUrlEditor ctx member push_url=push_url.clone() button=button.clone() /> }
                .into_any()
        } else {
            let shown = match push_url.clone() {
                Some(url) => view! { <code class="mono" data-testid="push-url-value">{url}</code> }
                    .into_any(),
                None => view! { <span class="muted" data-testid="push-url-value">"None"</span> }
                    .into_any(),
            };
            view! {
                {shown}
                {ctx
                    .writable()
                    .then(|| edit_button(
                        ctx,
                        Editing::PushUrl(member),
                        button.clone(),
                        format!("Edit push URL of {name}"),
                        "push-url-edit",
                        "push-url-field",
                    ))}
            }
            .into_any()
        }
    }
}

#[component]
fn PushUrlEditor(
    ctx: Ctx,
    member: Uuid,
    push_url: Option<String>,
    button: String,
) -> impl IntoView {
    let draft = RwSignal::new(push_url.unwrap_or_default());
    let refused = RwSignal::new(None::<(String, String)>);
    let failure = RwSignal::new(None::<String>);
    // The typed value's problem first; else the server's reason for exactly this value.
    let error = Signal::derive(move || {
        let text = draft.get();
        push_url_of(&text).err().or_else(|| {
            refused.with(|r| {
                r.as_ref()
                    .filter(|(v, _)| *v == text)
                    .map(|(_, why)| why.clone())
            })
        })
    });
    let save = Action::new_local({
        let button = button.clone();
        move |(text, url): &(String, Option<PushUrl>)| {
            let text = text.clone();
            let body = UpdateStream {
                push_url: Some(url.clone()),
                ..Default::default()
            };
            let button = button.clone();
            async move {
                match api::update_stream(member, body).await {
                    Ok(saved) => {
                        ctx.success(if saved.push_url.is_some() {
                            "Push URL saved"
                        } else {
                            "Push URL removed"
                        });
                        close(ctx, button);
                        ctx.accept(saved);
                    }
                    Err(e) => match e.field("push_url") {
                        Some(why) => refused.set(Some((text, why))),
                        None => failure.set(Some(e.message())),
                    },
                }
            }
        }
    });
    let pending = save.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let text = draft.get_untracked();
        if let Ok(url) = push_url_of(&text) {
            failure.set(None);
            save.dispatch((text, url));
        }
    };
    let cancel_button = button.clone();
    view! {
        <form
            class="inline-editor"
            novalidate=true
            data-testid="push-url-editor"
            on:submit=on_submit
            on:keydown=move |ev| {
                if ev.key() == "Escape" && !pending.get_untracked() {
                    ev.prevent_default();
                    close(ctx, button.clone());
                }
            }
        >
            <TextField
                id="push-url-field"
                label="Push URL"
                value=draft
                error=error
                autocomplete="off"
                testid="push-url-input"
            />
            <p class="hint">
                "An rtmp://, rtmps:// or srt:// address this stream is forwarded to. Leave it empty to stop forwarding."
            </p>
            <EditorFooter
                name="push-url"
                pending
                failure=failure
                blocked=Signal::derive(move || error.with(Option::is_some))
                on_cancel=Callback::new(move |()| close(ctx, cancel_button.clone()))
            />
        </form>
    }
}

/// Timecode of the group: on/off (the interval has its own row), or the editor of both.
#[component]
pub(super) fn TimecodeField(ctx: Ctx, stream: Stream) -> impl IntoView {
    let open = move || ctx.editing.get() == Some(Editing::Timecode);
    let timecode = stream.timecode;
    let button = edit_button_id("timecode", stream.id);
    move || {
        if open() {
            view! { <TimecodeEditor ctx member=stream.id timecode button=button.clone() /> }
                .into_any()
        } else {
            view! {
                <span data-testid="timecode-value">{if timecode.enabled { "On" } else { "Off" }}</span>
                {ctx
                    .writable()
                    .then(|| edit_button(
                        ctx,
                        Editing::Timecode,
                        button.clone(),
                        "Edit timecode".to_string(),
                        "timecode-edit",
                        "timecode-enabled",
                    ))}
            }
            .into_any()
        }
    }
}

#[component]
fn TimecodeEditor(ctx: Ctx, member: Uuid, timecode: Timecode, button: String) -> impl IntoView {
    let enabled = RwSignal::new(timecode.enabled);
    let interval = RwSignal::new(timecode.interval_ms.to_string());
    let failure = RwSignal::new(None::<String>);
    let error = Signal::derive(move || timecode_of(enabled.get(), &interval.get()).err());
    let save = Action::new_local({
        let button = button.clone();
        move |timecode: &Timecode| {
            let body = UpdateStream {
                timecode: Some(*timecode),
                ..Default::default()
            };
            let button = button.clone();
            async move {
                match api::update_stream(member, body).await {
                    Ok(saved) => {
                        ctx.success("Timecode saved");
                        close(ctx, button);
                        ctx.accept(saved);
                    }
                    Err(e) => failure.set(Some(reason(&e, "timecode"))),
                }
            }
        }
    });
    let pending = save.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if let Ok(timecode) = timecode_of(enabled.get_untracked(), &interval.get_untracked()) {
            failure.set(None);
            save.dispatch(timecode);
        }
    };
    let cancel_button = button.clone();
    view! {
        <form
            class="inline-editor"
            novalidate=true
            data-testid="timecode-editor"
            on:submit=on_submit
            on:keydown=move |ev| {
                if ev.key() == "Escape" && !pending.get_untracked() {
                    ev.prevent_default();
                    close(ctx, button.clone());
                }
            }
        >
            <label class="checkbox" for="timecode-enabled">
                <input
                    type="checkbox"
                    id="timecode-enabled"
                    data-testid="timecode-enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                "Insert timecode"
            </label>
            <TextField
                id="timecode-interval"
                label="Interval (milliseconds)"
                input_type="number"
                value=interval
                error=error
                testid="timecode-interval"
            />
            <p class="hint">
                {format!(
                    "Between {} and {} ms; the whole stream group uses it.",
                    Timecode::MIN_INTERVAL_MS,
                    Timecode::MAX_INTERVAL_MS,
                )}
            </p>
            <EditorFooter
                name="timecode"
                pending
                failure=failure
                blocked=Signal::derive(move || error.with(Option::is_some))
                on_cancel=Callback::new(move |()| close(ctx, cancel_button.clone()))
            />
        </form>
    }
}

/// The end of an inline editor: why the last save failed, then Save and Cancel.
#[component]
fn EditorFooter(
    /// What is edited (`tags`, `push-url`, `timecode`): the test ids start with it.
    name: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// The server's refusal of the last save.
    #[prop(into)]
    failure: Signal<Option<String>>,
    /// The draft cannot be saved as it is.
    #[prop(optional, into)]
    blocked: Signal<bool>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        {move || {
            failure
                .get()
                .map(|e| {
                    view! {
                        <p class="field-error" role="alert" data-testid=format!("{name}-save-error")>
                            {e}
                        </p>
                    }
                })
        }}
        <SaveCancel name pending blocked on_cancel />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_naturally() {
        assert_eq!(interval_label(500), "500 ms");
        assert_eq!(interval_label(999), "999 ms");
        assert_eq!(interval_label(1000), "1 s");
        assert_eq!(interval_label(1500), "1.5 s");
        assert_eq!(interval_label(2000), "2 s");
        assert_eq!(interval_label(2960), "3 s");
        assert_eq!(interval_label(90_000), "90 s");
        assert_eq!(interval_label(300_000), "5 min");
        assert_eq!(interval_label(3_600_000), "60 min");
    }

    #[test]
    fn push_url_drafts() {
        assert_eq!(push_url_of("  "), Ok(None));
        assert_eq!(
            push_url_of("rtmp://live.example.com/app/key")
                .map(|u| u.map(|u| u.as_str().to_string())),
            Ok(Some("rtmp://live.example.com/app/key".to_string()))
        );
        assert_eq!(
            push_url_of("http://example.com"),
            Err("must be an rtmp://, rtmps:// or srt:// URL with a host".to_string())
        );
    }

    #[test]
    fn timecode_drafts() {
        assert_eq!(timecode_of(true, "2000"), Timecode::new(true, 2000));
        assert_eq!(
            timecode_of(true, "abc"),
            Err("must be a whole number of milliseconds".to_string())
        );
        assert_eq!(
            timecode_of(false, "100"),
            Err("must be between 500 and 3600000 milliseconds".to_string())
        );
    }
}
