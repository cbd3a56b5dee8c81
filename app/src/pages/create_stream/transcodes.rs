//! The transcodes of the create form (an ABR stream group): one row per transcode with a
//! preset picker and a remove button, "Add transcode" up to the organisation's limit,
//! and the ladder rule explained where it applies. The presets come from
//! `GET /profiles/presets`.

use super::draft::{suggested_preset, transcode_prefix};
use super::processing::ProcessingInputs;
use crate::api::{self, ApiError};
use crate::components::error_state::ErrorState;
use crate::form::FieldErrors;
use leptos::prelude::*;

use crate::components::form_field::SelectBox;
use shared::model::Presets;
use shared::stream::Profile;

/// One transcode row: a stable key for the list, the picked preset and the row's own
/// processing settings (used when the settings are not synced).
#[derive(Debug, Clone, Copy)]
pub struct TranscodeRow {
    pub key: u64,
    pub preset: RwSignal<String>,
    pub processing: ProcessingInputs,
}

/// "1. Transcode · 852×480 · 800 kbit/s · 25 fps", or without the profile while none is
/// picked; `position` is 0-based among transcodes.
pub fn row_title(position: usize, preset: &str) -> String {
    match Profile::preset(preset) {
        Some(p) => format!("{}. Transcode · {}", position + 1, p.label()),
        None => format!("{}. Transcode", position + 1),
    }
}

/// The transcode rows and their controls.
#[component]
pub fn TranscodesSection(
    rows: RwSignal<Vec<TranscodeRow>>,
    max: usize,
    /// Every error of the form (this section reads `transcodes…`).
    #[prop(into)]
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let presets: LocalResource<Result<Presets, ApiError>> = LocalResource::new(api::presets);
    // Rows are made in click handlers, outside any reactive owner: they belong to the page.
    let owner = StoredValue::new(Owner::current());
    let next_key = StoredValue::new(0_u64);

    let add = move |all: &[Profile]| {
        if rows.with_untracked(Vec::len) >= max {
            return;
        }
        let above = rows.with_untracked(|rs| {
            rs.last()
                .and_then(|r| Profile::preset(&r.preset.get_untracked()))
                .map(|p| p.bitrate_kbps)
        });
        let preset = suggested_preset(all, above).unwrap_or_default();
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let make = move || TranscodeRow {
            key,
            preset: RwSignal::new(preset),
            processing: ProcessingInputs::new(),
        };
        let row = match owner.get_value() {
            Some(owner) => owner.with(make),
            None => make(),
        };
        rows.update(|rs| rs.push(row));
    };

    let at_limit = move || rows.with(Vec::len) >= max;
    let limit_text = move || {
        let n = rows.with(Vec::len);
        if max == 0 {
            "Your organisation allows no transcodes.".to_string()
        } else if n >= max {
            format!("Limit reached: your organisation allows {max} transcodes per stream group.")
        } else {
            format!("Your organisation allows up to {max} transcodes per stream group ({n} added).")
        }
    };
    let section_error = move || errors.with(|e| e.get(super::draft::TRANSCODES).cloned());

    let loaded = move || match presets.get() {
        None => view! {
            <div class="cs-transcode-loading" aria-busy="true" data-testid="presets-loading">
                <span class="skeleton skeleton-line"></span>
                <span class="visually-hidden" role="status">
                    "Loading presets…"
                </span>
            </div>
        }
        .into_any(),
        Some(answer) => match answer {
            Err(e) => {
                let message = e.message();
                view! {
                    <ErrorState
                        title="The transcoding presets could not be loaded"
                        message=message
                        on_retry=move || presets.refetch()
                    />
                }
                .into_any()
            }
            Ok(Presets { items }) => {
                let all = StoredValue::new(items);
                view! {
                    <ol class="cs-transcode-rows" data-testid="transcode-rows">
                        <For
                            each=move || rows.get()
                            key=|r| r.key
                            children=move |row| {
                                view! { <RowView row rows presets=all errors /> }
                            }
                        />
                    </ol>
                    <div class="cs-transcode-add">
                        <button
                            type="button"
                            class="button button-secondary"
                            data-testid="add-transcode"
                            aria-describedby="transcode-limit"
                            disabled=at_limit
                            on:click=move |_| all.with_value(|all| add(all))
                        >
                            "Add transcode"
                        </button>
                        <p class="hint" id="transcode-limit" data-testid="transcode-limit">
                            {limit_text}
                        </p>
                    </div>
                }
                .into_any()
            }
        },
    };

    view! {
        <p class="hint cs-intro" id="ladder-rule" data-testid="ladder-rule">
            "Transcodes are extra qualities made from your ingest, for viewers on slower connections. "
            "List them from the highest bitrate down: each transcode's bitrate must be lower than the one above it "
            "(the passthrough keeps the quality you send)."
        </p>
        {move || {
            section_error()
                .map(|why| {
                    view! {
                        <p class="field-error" data-testid="transcodes-error">
                            "Transcodes "
                            {why}
                        </p>
                    }
                })
        }}
        {loaded}
    }
}

/// One transcode: its title, the preset picker, the ladder error, remove.
#[component]
fn RowView(
    row: TranscodeRow,
    rows: RwSignal<Vec<TranscodeRow>>,
    presets: StoredValue<Vec<Profile>>,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let key = row.key;
    let position = Memo::new(move |_| {
        rows.with(|rs| rs.iter().position(|r| r.key == key))
            .unwrap_or_default()
    });
    let select_id = format!("transcode-{key}");
    let error_id = format!("transcode-{key}-error");
    // The whole sentence: which part of the row is wrong, and why.
    let error = Signal::derive(move || {
        let prefix = transcode_prefix(position.get());
        errors.with(|e| {
            e.get(&format!("{prefix}bitrate_kbps"))
                .map(|why| format!("Bitrate {why}"))
                .or_else(|| {
                    e.get(&format!("{prefix}preset"))
                        .map(|why| format!("Profile {why}"))
                })
        })
    });
    let invalid = move || error.with(Option::is_some);
    let options = presets.with_value(|all| {
        all.iter()
            .map(|p| {
                let id = p.id.clone();
                let selected = id.clone();
                view! {
                    <option value=id prop:selected=move || row.preset.get() == selected>
                        {p.label()}
                    </option>
                }
            })
            .collect_view()
    });
    view! {
        <li class="cs-transcode-row" class:field-invalid=invalid data-testid="transcode-row">
            <div class="cs-transcode-row-main">
                <label class="field-label" for=select_id.clone()>
                    {move || format!("{}. Transcode", position.get() + 1)}
                </label>
                <div class="cs-transcode-row-controls">
                    <SelectBox>
                    <select
                        class="field-input cs-transcode-select"
                        id=select_id.clone()
                        aria-invalid=move || if invalid() { "true" } else { "false" }
                        aria-describedby=move || invalid().then(|| error_id.clone())
                        data-testid="transcode-preset"
                        on:change=move |ev| row.preset.set(event_target_value(&ev))
                    >
                        <option value="" disabled=true prop:selected=move || row.preset.get().is_empty()>
                            "Choose a profile"
                        </option>
                        {options}
                    </select>
                    </SelectBox>
                    <button
                        type="button"
                        class="button button-secondary button-small"
                        data-testid="remove-transcode"
                        aria-label=move || format!("Remove {}. Transcode", position.get() + 1)
                        on:click=move |_| rows.update(|rs| rs.retain(|r| r.key != key))
                    >
                        "Remove"
                    </button>
                </div>
            </div>
            <p
                class="field-error"
                id=format!("transcode-{key}-error")
                data-testid="transcode-error"
                hidden=move || !invalid()
            >
                {move || error.get()}
            </p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_titles_name_the_position_and_the_profile() {
        assert_eq!(
            row_title(0, "vtrans2-852x480x800x25"),
            "1. Transcode · 852×480 · 800 kbit/s · 25 fps"
        );
        assert_eq!(row_title(2, ""), "3. Transcode");
    }
}
