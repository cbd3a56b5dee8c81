//! O6 adaptive bitrate: the group's members (the passthrough and each transcode, with
//! their own push URL and tags) and their transcoding profiles — add (within the
//! organisation's `max_transcodes`), edit, remove.
//!
//! The ladder rule (transcode bitrates strictly decrease with the index) is explained in
//! the form and checked with `shared::stream::ladder_violation` before anything is sent;
//! the server checks it again and its reasons are shown next to the field.

use super::editors::{PushUrlField, TagsField};
use super::{focus_later, quality_label, Ctx, Editing};
use crate::api::{self, ApiError};
use crate::components::alert::Alert;
use crate::components::dialog::ConfirmDialog;
use crate::components::form_field::SelectBox;
use crate::components::form_field::TextField;
use crate::components::menu::{MenuItem, OverflowMenu};
use crate::components::notice::UpgradeNeeded;
use crate::components::submit_button::SubmitButton;
use crate::form::FormErrors;
use crate::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::model::{Feature, Member, ProfileSpec, Stream, Transcoder, TranscoderState};
use shared::stream::{ladder_violation, presets, Profile};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Why a transcode of `bitrate` kbit/s cannot take `position` among the `others` (the
/// group's other transcodes, highest first), or `None` when the ladder holds.
pub fn ladder_problem(others: &[u32], position: usize, bitrate: u32) -> Option<String> {
    let pos = position.min(others.len());
    let mut rates = others.to_vec();
    rates.insert(pos, bitrate);
    let broken = ladder_violation(&rates)?;
    let rule = "bitrates go down from one transcode to the next";
    Some(if broken == pos {
        format!(
            "Bitrate must be lower than {} kbit/s, the bitrate of transcode {pos} above it: {rule}.",
            rates[pos - 1]
        )
    } else if broken == pos + 1 {
        format!(
            "Bitrate must be higher than {} kbit/s, the bitrate of transcode {} below it: {rule}.",
            rates[pos + 1],
            pos + 2
        )
    } else {
        format!(
            "The other transcodes of this group break the ladder rule ({rule}); fix them first."
        )
    })
}

/// The ladder rule as it applies to a transcode at `position` among `others`.
pub fn ladder_hint(others: &[u32], position: usize) -> String {
    let above = position.checked_sub(1).and_then(|i| others.get(i));
    let below = others.get(position);
    let rule = "Transcodes go from the highest bitrate to the lowest";
    match (above, below) {
        (None, None) => format!("{rule}; as the only transcode, this one may have any bitrate."),
        (Some(a), None) => format!("{rule}: this one must stay below {a} kbit/s."),
        (None, Some(b)) => format!("{rule}: this one must stay above {b} kbit/s."),
        (Some(a), Some(b)) => {
            format!("{rule}: this one must stay above {b} and below {a} kbit/s.")
        }
    }
}

/// How a profile is given in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Preset,
    Custom,
}

/// The custom fields' names, as the API keys its reasons.
const FIELDS: [&str; 4] = ["width", "height", "bitrate_kbps", "framerate"];

/// The profile a draft stands for, or why not (field → reason, API field names).
pub fn draft_profile(
    mode: Mode,
    preset: &str,
    custom: [&str; 4],
) -> Result<Profile, BTreeMap<String, String>> {
    match mode {
        Mode::Preset => Profile::preset(preset).ok_or_else(|| {
            BTreeMap::from([(
                "preset".to_string(),
                "must be one of the presets".to_string(),
            )])
        }),
        Mode::Custom => {
            let mut errors = BTreeMap::new();
            let mut values = [0_u32; 4];
            for (i, text) in custom.iter().enumerate() {
                match text.trim().parse::<u32>() {
                    Ok(v) => values[i] = v,
                    Err(_) => {
                        errors.insert(FIELDS[i].to_string(), "must be a whole number".to_string());
                    }
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let [w, h, b, f] = values;
            Profile::custom(w, h, b, f)
        }
    }
}

/// The request body for a resolved draft.
fn spec_of(mode: Mode, profile: &Profile) -> ProfileSpec {
    match mode {
        Mode::Preset => ProfileSpec {
            preset: Some(profile.id.clone()),
            ..Default::default()
        },
        Mode::Custom => ProfileSpec {
            preset: None,
            width: Some(profile.width),
            height: Some(profile.height),
            bitrate_kbps: Some(profile.bitrate_kbps),
            framerate: Some(profile.framerate),
        },
    }
}

fn transcode_rates(stream: &Stream, except: Option<Uuid>) -> Vec<u32> {
    stream
        .members
        .iter()
        .filter(|m| Some(m.id) != except)
        .filter_map(|m| m.profile.as_ref().map(|p| p.bitrate_kbps))
        .collect()
}

const ADD_BUTTON_ID: &str = "add-profile";

fn edit_profile_button_id(member: Uuid) -> String {
    format!("edit-profile-{member}")
}

/// The ABR card: the members and the profile controls. Drawn from one snapshot of the
/// stream; the overview draws it again when the stream changes.
/// How a transcode's transcoder reads in its card: what it does now and, when it waits or
/// failed, why (`None` for the passthrough). `transcoder` is `None` while the group is
/// not live (nothing runs) or without a media server.
pub fn transcoder_text(index: u32, transcoder: Option<&Transcoder>) -> Option<String> {
    if index == 0 {
        return None;
    }
    let Some(t) = transcoder else {
        return Some("Runs while the stream is live".to_string());
    };
    let reason = t.reason.as_deref().unwrap_or("no reason given");
    let restarted = match t.restarts {
        0 => String::new(),
        1 => " · restarted once".to_string(),
        n => format!(" · restarted {n} times"),
    };
    Some(match t.state {
        TranscoderState::Waiting => format!("Waiting: {reason}"),
        TranscoderState::Starting => format!("Starting{restarted}"),
        TranscoderState::Running => format!("Running{restarted}"),
        TranscoderState::Failed => format!("Failed: {reason}; restarting{restarted}"),
    })
}

#[component]
pub(super) fn AbrSection(ctx: Ctx, stream: Stream, on_remove: Callback<Member>) -> impl IntoView {
    let features = ctx.features();
    let writable = ctx.writable();
    let transcodes = stream.members.iter().filter(|m| m.index > 0).count();
    let max = ctx.max_transcodes();
    let grouped = stream.members.len() > 1;

    let intro = if grouped {
        format!(
            "{} playouts: the passthrough (the quality you send) and {transcodes} transcode{}, highest bitrate first. The player switches between them by the viewer's bandwidth.",
            stream.members.len(),
            if transcodes == 1 { "" } else { "s" },
        )
    } else {
        "Single stream: viewers get the quality you send. Add a transcoding profile to offer lower qualities too; the player then switches between them by the viewer's bandwidth.".to_string()
    };

    let add_controls = if !features.transcoding {
        Some(view! { <UpgradeNeeded feature=Feature::Transcoding /> }.into_any())
    } else if !writable {
        None
    } else if transcodes >= max {
        Some(
            view! {
                <div class="abr-add">
                    <button
                        type="button"
                        class="button button-secondary"
                        id=ADD_BUTTON_ID
                        disabled=true
                        aria-describedby="add-profile-limit"
                        data-testid="add-profile"
                    >
                        "Add profile"
                    </button>
                    <p class="hint" id="add-profile-limit" data-testid="add-profile-limit">
                        {format!(
                            "This group has {transcodes} transcode{}, the most your organisation allows ({max}). Remove one to add another.",
                            if transcodes == 1 { "" } else { "s" },
                        )}
                    </p>
                </div>
            }
            .into_any(),
        )
    } else {
        let others = transcode_rates(&stream, None);
        let position = others.len();
        let group = stream.streamgroup_id;
        Some(
            (move || {
                if ctx.editing.get() == Some(Editing::AddProfile) {
                    view! { <ProfileForm ctx group others=others.clone() position member=None /> }
                        .into_any()
                } else {
                    view! {
                        <div class="abr-add">
                            <button
                                type="button"
                                class="button button-primary"
                                id=ADD_BUTTON_ID
                                data-testid="add-profile"
                                on:click=move |_| {
                                    ctx.editing.set(Some(Editing::AddProfile));
                                    focus_later("profile-preset".to_string());
                                }
                            >
                                "Add profile"
                            </button>
                        </div>
                    }
                    .into_any()
                }
            })
            .into_any(),
        )
    };

    let members = grouped.then(|| {
        let cards = stream
            .members
            .iter()
            .map(|m| {
                view! {
                    <MemberCard
                        ctx
                        stream=stream.clone()
                        member=m.clone()
                        can_edit_profile=writable && features.transcoding
                        can_remove=writable
                        on_remove
                    />
                }
            })
            .collect_view();
        view! { <div class="abr-members">{cards}</div> }
    });

    view! {
        <section class="card stream-card stream-card-wide" aria-labelledby="abr-heading" data-testid="stream-abr">
            <h2 class="card-title" id="abr-heading">
                "Adaptive bitrate"
            </h2>
            <p class="muted abr-intro" data-testid="abr-intro">{intro}</p>
            {add_controls}
            {members}
        </section>
    }
}

/// One member of the group: its names, its own push URL and tags, its profile.
#[component]
fn MemberCard(
    ctx: Ctx,
    stream: Stream,
    member: Member,
    can_edit_profile: bool,
    can_remove: bool,
    on_remove: Callback<Member>,
) -> impl IntoView {
    let Member {
        id,
        name,
        streamgroup_id,
        index,
        profile,
        tags,
        push_url,
        transcoder,
        ..
    } = member.clone();
    let name = name.to_string();
    let title_id = format!("member-{id}-title");
    let labelled_by = title_id.clone();
    let title = if index == 0 {
        "Passthrough".to_string()
    } else {
        format!("Transcode {index}")
    };
    let here = id == stream.id;
    let streamname = if here {
        view! { <code class="mono" data-testid="member-name">{name.clone()}</code> }.into_any()
    } else {
        view! {
            <a class="mono" href=paths::stream_path(id) data-testid="member-name">
                {name.clone()}
            </a>
        }
        .into_any()
    };
    let quality_rows = match &profile {
        None => view! {
            <div class="details-row">
                <dt>"Quality"</dt>
                <dd data-testid="member-quality">"Original (as sent by the encoder)"</dd>
            </div>
        }
        .into_any(),
        Some(p) => view! {
            <div class="details-row">
                <dt>"Resolution"</dt>
                <dd data-testid="member-resolution">{format!("{}×{}", p.width, p.height)}</dd>
            </div>
            <div class="details-row">
                <dt>"Bitrate"</dt>
                <dd data-testid="member-bitrate">{format!("{} kbit/s", p.bitrate_kbps)}</dd>
            </div>
            <div class="details-row">
                <dt>"Framerate"</dt>
                <dd data-testid="member-framerate">{format!("{} fps", p.framerate)}</dd>
            </div>
        }
        .into_any(),
    };

    let transcode = index > 0;
    // The form opens on the preset list, or on the custom fields for a custom profile.
    let first_field = if profile
        .as_ref()
        .is_some_and(|p| Profile::preset(&p.id).is_some())
    {
        "profile-preset"
    } else {
        "profile-width"
    };
    let actions = (transcode && (can_edit_profile || can_remove)).then(|| {
        let removed = member.clone();
        let remove_label = format!("Remove profile {name}");
        let more_label = format!("More actions for profile {name}");
        let edit_label = format!("Edit profile of {name}");
        view! {
            <div class="button-row abr-member-actions">
                {can_edit_profile
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button-secondary button-small"
                                id=edit_profile_button_id(id)
                                aria-label=edit_label
                                data-testid="profile-edit"
                                on:click=move |_| {
                                    ctx.editing.set(Some(Editing::EditProfile(id)));
                                    focus_later(first_field.to_string());
                                }
                            >
                                "Edit profile"
                            </button>
                        }
                    })}
                {can_remove
                    .then(|| {
                        view! {
                            <OverflowMenu
                                label=more_label.clone()
                                testid="profile-more"
                            >
                                <MenuItem
                                    text="Remove profile"
                                    label=remove_label.clone()
                                    danger=true
                                    testid="profile-remove"
                                    on_select={
                                        let removed = removed.clone();
                                        move |()| on_remove.run(removed.clone())
                                    }
                                />
                            </OverflowMenu>
                        }
                    })}
            </div>
        }
    });

    let editor = transcode.then(|| {
        let others = transcode_rates(&stream, Some(id));
        let position = (index as usize).saturating_sub(1);
        let member = member.clone();
        move || {
            (ctx.editing.get() == Some(Editing::EditProfile(id))).then(|| {
                view! {
                    <ProfileForm
                        ctx
                        group=streamgroup_id
                        others=others.clone()
                        position
                        member=Some(member.clone())
                    />
                }
            })
        }
    });

    view! {
        <article
            class="abr-member"
            class:abr-member-here=here
            aria-labelledby=labelled_by
            data-testid="abr-member"
            data-index=index.to_string()
            data-member-id=id.to_string()
        >
            <div class="abr-member-head">
                <h3 class="abr-member-title" id=title_id>
                    {title}
                </h3>
                {profile
                    .as_ref()
                    .map(|p| {
                        view! { <span class="hint" data-testid="member-quality-label">{quality_label(Some(p))}</span> }
                    })}
                {here.then(|| view! { <span class="badge badge-here">"This page"</span> })}
            </div>
            <dl class="details">
                <div class="details-row">
                    <dt>"Streamgroup ID"</dt>
                    <dd><code class="mono">{streamgroup_id.to_string()}</code></dd>
                </div>
                <div class="details-row">
                    <dt>"Streamname"</dt>
                    <dd>{streamname}</dd>
                </div>
                <div class="details-row">
                    <dt>"Push URL"</dt>
                    <dd><PushUrlField ctx member=id name=name.clone() push_url /></dd>
                </div>
                <div class="details-row">
                    <dt>"Tags"</dt>
                    <dd><TagsField ctx member=id name=name.clone() tags /></dd>
                </div>
                {quality_rows}
                {transcoder_text(index, transcoder.as_ref())
                    .map(|text| {
                        let state = transcoder.as_ref().map_or("idle", |t| t.state.as_str());
                        view! {
                            <div class="details-row">
                                <dt>"Transcoder"</dt>
                                <dd
                                    class=format!("transcoder transcoder-{state}")
                                    data-testid="member-transcoder"
                                    data-state=state
                                >
                                    {text}
                                </dd>
                            </div>
                        }
                    })}
            </dl>
            {actions}
            {editor}
        </article>
    }
}

/// The add / edit profile form. `member` is the transcode being edited (none: adding at
/// the end); `others` the other transcodes' bitrates and `position` where this one goes.
#[component]
fn ProfileForm(
    ctx: Ctx,
    group: Uuid,
    others: Vec<u32>,
    position: usize,
    member: Option<Member>,
) -> impl IntoView {
    let all = presets();
    let current = member.as_ref().and_then(|m| m.profile.clone());
    // The preset offered first: one that keeps the ladder, if any does.
    let fitting = all
        .iter()
        .find(|p| ladder_problem(&others, position, p.bitrate_kbps).is_none())
        .or(all.first())
        .cloned();
    let start = current.clone().or_else(|| fitting.clone());
    let is_preset = start
        .as_ref()
        .is_some_and(|p| Profile::preset(&p.id).is_some());
    let mode = RwSignal::new(if is_preset || start.is_none() {
        Mode::Preset
    } else {
        Mode::Custom
    });
    let preset = RwSignal::new(
        start
            .as_ref()
            .filter(|_| is_preset)
            .or(fitting.as_ref())
            .map(|p| p.id.clone())
            .unwrap_or_default(),
    );
    let number = |f: fn(&Profile) -> u32| {
        RwSignal::new(start.as_ref().map(|p| f(p).to_string()).unwrap_or_default())
    };
    let width = number(|p| p.width);
    let height = number(|p| p.height);
    let bitrate = number(|p| p.bitrate_kbps);
    let framerate = number(|p| p.framerate);

    // The server's refusal that names fields; one without goes to `failure`.
    let refusal = RwSignal::new(None::<ApiError>);
    let failure = RwSignal::new(None::<String>);
    // A changed draft makes the server's last reasons stale.
    Effect::new(move |before: Option<()>| {
        mode.track();
        preset.track();
        width.track();
        height.track();
        bitrate.track();
        framerate.track();
        if before.is_some() {
            refusal.set(None);
        }
    });

    let resolved = Memo::new(move |_| {
        draft_profile(
            mode.get(),
            &preset.get(),
            [
                &width.get(),
                &height.get(),
                &bitrate.get(),
                &framerate.get(),
            ],
        )
    });
    let ladder = {
        let others = others.clone();
        Memo::new(move |_| {
            resolved.with(|r| {
                r.as_ref()
                    .ok()
                    .and_then(|p| ladder_problem(&others, position, p.bitrate_kbps))
            })
        })
    };
    let errors = FormErrors::new(
        Signal::derive(move || resolved.with(|r| r.as_ref().err().cloned().unwrap_or_default())),
        refusal,
    );
    let field_error = move |field: &'static str| errors.field(field);

    let adding = member.is_none();
    let member_id = member.as_ref().map(|m| m.id);
    let member_name = member
        .as_ref()
        .map(|m| m.name.to_string())
        .unwrap_or_default();
    let back_to = member_id.map_or_else(|| ADD_BUTTON_ID.to_string(), edit_profile_button_id);
    let close = {
        let back_to = back_to.clone();
        move || {
            ctx.editing.set(None);
            focus_later(back_to.clone());
        }
    };

    let save = Action::new_local({
        let close = close.clone();
        move |(mode, profile): &(Mode, Profile)| {
            let spec = spec_of(*mode, profile);
            let label = profile.label();
            let close = close.clone();
            let member_name = member_name.clone();
            async move {
                let answer = match member_id {
                    None => api::add_profile(group, spec).await,
                    Some(id) => api::update_profile(group, id, spec).await,
                };
                match answer {
                    Ok(saved) => {
                        ctx.success(if adding {
                            format!("Profile added: {} ({label})", saved.name)
                        } else {
                            format!("Profile of {member_name} changed to {label}")
                        });
                        close();
                        ctx.reload();
                    }
                    Err(e) => match e.fields() {
                        Some(fields) if !fields.is_empty() => refusal.set(Some(e)),
                        _ => failure.set(Some(e.message())),
                    },
                }
            }
        }
    });
    let pending = save.pending();
    // The form as it is cannot be sent: a field is refused or the ladder rule broken.
    let refused = move || resolved.with(Result::is_err) || ladder.with(Option::is_some);
    let blocked = move || pending.get() || refused();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if blocked() {
            return;
        }
        if let Ok(profile) = resolved.get_untracked() {
            failure.set(None);
            save.dispatch((mode.get_untracked(), profile));
        }
    };

    let on_mode = move |to: Mode| {
        // Custom starts from the chosen preset, so switching never loses the values.
        if to == Mode::Custom {
            if let Some(p) = Profile::preset(&preset.get_untracked()) {
                width.set(p.width.to_string());
                height.set(p.height.to_string());
                bitrate.set(p.bitrate_kbps.to_string());
                framerate.set(p.framerate.to_string());
            }
        }
        mode.set(to);
    };

    let options = all
        .into_iter()
        .map(|p| {
            let id = p.id.clone();
            view! {
                <option value=p.id.clone() prop:selected=move || preset.with(|v| *v == id)>
                    {p.label()}
                </option>
            }
        })
        .collect_view();

    let heading = if adding {
        "Add a transcoding profile".to_string()
    } else {
        format!(
            "Edit the profile of {}",
            member
                .as_ref()
                .map(|m| m.name.to_string())
                .unwrap_or_default()
        )
    };
    let cancel = close.clone();
    let escape = close;
    view! {
        <form
            class="profile-form"
            novalidate=true
            aria-labelledby="profile-form-title"
            data-testid="profile-form"
            on:submit=on_submit
            on:keydown=move |ev| {
                if ev.key() == "Escape" && !pending.get_untracked() {
                    ev.prevent_default();
                    escape();
                }
            }
        >
            <h3 class="profile-form-title" id="profile-form-title">
                {heading}
            </h3>
            <fieldset class="profile-mode">
                <legend class="field-label">"Give the profile as"</legend>
                <label class="radio">
                    <input
                        type="radio"
                        name="profile-mode"
                        value="preset"
                        data-testid="profile-mode-preset"
                        prop:checked=move || mode.get() == Mode::Preset
                        on:change=move |_| on_mode(Mode::Preset)
                    />
                    "A preset"
                </label>
                <label class="radio">
                    <input
                        type="radio"
                        name="profile-mode"
                        value="custom"
                        data-testid="profile-mode-custom"
                        prop:checked=move || mode.get() == Mode::Custom
                        on:change=move |_| on_mode(Mode::Custom)
                    />
                    "Custom values"
                </label>
            </fieldset>
            <div class="field" hidden=move || mode.get() != Mode::Preset>
                <label class="field-label" for="profile-preset">
                    "Preset"
                </label>
                <SelectBox>
                <select
                    class="field-input"
                    id="profile-preset"
                    data-testid="profile-preset"
                    on:change=move |ev| preset.set(event_target_value(&ev))
                >
                    {options}
                </select>
                </SelectBox>
                {move || {
                    field_error("preset")
                        .get()
                        .map(|e| view! { <p class="field-error" data-testid="profile-preset-error">"Preset " {e}</p> })
                }}
            </div>
            <div class="profile-custom" hidden=move || mode.get() != Mode::Custom>
                <TextField id="profile-width" label="Width (px)" input_type="number" value=width error=field_error("width") testid="profile-width" />
                <TextField id="profile-height" label="Height (px)" input_type="number" value=height error=field_error("height") testid="profile-height" />
                <TextField id="profile-bitrate" label="Bitrate (kbit/s)" input_type="number" value=bitrate error=field_error("bitrate_kbps") testid="profile-bitrate" />
                <TextField id="profile-framerate" label="Framerate (fps)" input_type="number" value=framerate error=field_error("framerate") testid="profile-framerate" />
            </div>
            <p class="hint" data-testid="profile-ladder-hint">{ladder_hint(&others, position)}</p>
            {move || {
                ladder
                    .get()
                    .map(|e| view! { <p class="field-error" role="alert" data-testid="profile-ladder-error">{e}</p> })
            }}
            {move || {
                failure.get().map(|e| view! { <Alert message=e testid="profile-error" /> })
            }}
            <div class="button-row">
                <SubmitButton
                    pending
                    label=if adding { "Add profile" } else { "Save profile" }
                    busy_label="Saving…"
                    blocked=Signal::derive(refused)
                    testid="profile-submit"
                />
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid="profile-cancel"
                    disabled=move || pending.get()
                    on:click=move |_| cancel()
                >
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The confirmation before removing a transcode, naming it. The page sets `removing`
/// and `open` together.
#[component]
pub(super) fn RemoveProfileDialog(
    ctx: Ctx,
    removing: RwSignal<Option<Member>>,
    open: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let remove = Action::new_local(move |member: &Member| {
        let member = member.clone();
        let navigate = navigate.clone();
        async move {
            match api::remove_profile(member.streamgroup_id, member.id).await {
                Ok(()) => {
                    open.set(false);
                    ctx.success(format!("Profile {} removed", member.name));
                    let shown = ctx.current.try_with_untracked(|s| s.id);
                    if shown == Some(member.id) {
                        // This page showed the removed transcode: go to its group.
                        navigate(
                            &paths::stream_path(member.streamgroup_id),
                            Default::default(),
                        );
                    } else {
                        ctx.reload();
                    }
                }
                Err(e) => error.set(Some(e.message())),
            }
        }
    });
    let title = Signal::derive(move || {
        removing.with(|m| {
            m.as_ref()
                .map(|m| format!("Remove profile {}?", m.name))
                .unwrap_or_default()
        })
    });
    let message = Signal::derive(move || {
        removing.with(|m| {
            m.as_ref()
                .map(|m| {
                    format!(
                        "Transcode {} ({}) stops, and its streamname {} is never used again. Players on this quality switch to another one.",
                        m.index,
                        quality_label(m.profile.as_ref()),
                        m.name,
                    )
                })
                .unwrap_or_default()
        })
    });
    view! {
        <ConfirmDialog
            open
            title
            message
            confirm_label="Remove profile"
            on_confirm=move |_| {
                if let Some(member) = removing.get_untracked() {
                    error.set(None);
                    remove.dispatch(member);
                }
            }
            pending=remove.pending()
            error
            testid="remove-profile-dialog"
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcoders_read_with_their_reason() {
        let t = |state, reason: Option<&str>, restarts| Transcoder {
            state,
            reason: reason.map(str::to_string),
            restarts,
        };
        assert_eq!(transcoder_text(0, None), None);
        assert_eq!(
            transcoder_text(1, None).as_deref(),
            Some("Runs while the stream is live")
        );
        assert_eq!(
            transcoder_text(
                2,
                Some(&t(
                    TranscoderState::Waiting,
                    Some("transcode capacity full (1 running)"),
                    0
                ))
            )
            .as_deref(),
            Some("Waiting: transcode capacity full (1 running)")
        );
        assert_eq!(
            transcoder_text(1, Some(&t(TranscoderState::Starting, None, 0))).as_deref(),
            Some("Starting")
        );
        assert_eq!(
            transcoder_text(1, Some(&t(TranscoderState::Running, None, 1))).as_deref(),
            Some("Running · restarted once")
        );
        assert_eq!(
            transcoder_text(
                1,
                Some(&t(
                    TranscoderState::Failed,
                    Some("ffmpeg ended (signal: 9 (SIGKILL))"),
                    3
                ))
            )
            .as_deref(),
            Some("Failed: ffmpeg ended (signal: 9 (SIGKILL)); restarting · restarted 3 times")
        );
    }

    #[test]
    fn the_ladder_problem_names_the_neighbour() {
        assert_eq!(ladder_problem(&[], 0, 5000), None);
        assert_eq!(ladder_problem(&[800], 1, 400), None);
        assert_eq!(
            ladder_problem(&[800], 1, 1000),
            Some(
                "Bitrate must be lower than 800 kbit/s, the bitrate of transcode 1 above it: \
                 bitrates go down from one transcode to the next."
                    .to_string()
            )
        );
        assert_eq!(
            ladder_problem(&[800], 1, 800),
            Some(
                "Bitrate must be lower than 800 kbit/s, the bitrate of transcode 1 above it: \
                 bitrates go down from one transcode to the next."
                    .to_string()
            )
        );
        // Editing the first of two: it must stay above the second.
        assert_eq!(
            ladder_problem(&[400], 0, 300),
            Some(
                "Bitrate must be higher than 400 kbit/s, the bitrate of transcode 2 below it: \
                 bitrates go down from one transcode to the next."
                    .to_string()
            )
        );
        assert_eq!(ladder_problem(&[1600, 400], 1, 800), None);
        assert!(ladder_problem(&[400, 800], 2, 100)
            .is_some_and(|m| m.starts_with("The other transcodes")));
    }

    #[test]
    fn the_ladder_hint_gives_the_bounds() {
        assert_eq!(
            ladder_hint(&[], 0),
            "Transcodes go from the highest bitrate to the lowest; as the only transcode, this one may have any bitrate."
        );
        assert_eq!(
            ladder_hint(&[800], 1),
            "Transcodes go from the highest bitrate to the lowest: this one must stay below 800 kbit/s."
        );
        assert_eq!(
            ladder_hint(&[800], 0),
            "Transcodes go from the highest bitrate to the lowest: this one must stay above 800 kbit/s."
        );
        assert_eq!(
            ladder_hint(&[1600, 400], 1),
            "Transcodes go from the highest bitrate to the lowest: this one must stay above 400 and below 1600 kbit/s."
        );
    }

    #[test]
    fn drafts_resolve_to_profiles() {
        let preset = draft_profile(Mode::Preset, "vtrans2-640x360x400x25", ["", "", "", ""])
            .expect("a preset");
        assert_eq!(preset.bitrate_kbps, 400);
        assert_eq!(
            draft_profile(Mode::Preset, "nope", ["", "", "", ""]),
            Err(BTreeMap::from([(
                "preset".to_string(),
                "must be one of the presets".to_string()
            )]))
        );
        let custom =
            draft_profile(Mode::Custom, "", ["1920", "1080", "4000", "30"]).expect("custom");
        assert_eq!(custom.id, "vtrans2-1920x1080x4000x30");
        assert_eq!(
            draft_profile(Mode::Custom, "", ["x", "1080", "", "30"]),
            Err(BTreeMap::from([
                (
                    "bitrate_kbps".to_string(),
                    "must be a whole number".to_string()
                ),
                ("width".to_string(), "must be a whole number".to_string()),
            ]))
        );
        assert_eq!(
            draft_profile(Mode::Custom, "", ["1920", "1080", "10", "30"]),
            Err(BTreeMap::from([(
                "bitrate_kbps".to_string(),
                "must be between 50 and 50000".to_string()
            )]))
        );
        assert_eq!(
            spec_of(Mode::Custom, &custom),
            ProfileSpec {
                preset: None,
                width: Some(1920),
                height: Some(1080),
                bitrate_kbps: Some(4000),
                framerate: Some(30)
            }
        );
        assert_eq!(
            spec_of(Mode::Preset, &preset),
            ProfileSpec {
                preset: Some("vtrans2-640x360x400x25".to_string()),
                ..Default::default()
            }
        );
    }
}
