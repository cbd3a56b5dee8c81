//! The filter bar of the stream list (F1–F4): state toggles, tags, a date preset and the
//! streamgroups toggle, plus "Clear filters".
//!
//! Every control only computes the next [`ListParams`] and hands it to `go`, which puts
//! it in the URL (F5); what the bar shows is read back from the URL, so a reload, a
//! shared link and the browser's back button all agree with it.

use crate::components::badge::state_label;
use crate::components::tag_input::TagInput;
use leptos::prelude::*;

use crate::components::form_field::SelectBox;
use crate::components::icon::{Icon, IconName};
use shared::listing::ListParams;
use shared::stream::{DatePreset, StreamState, Tag};

/// `params` without filters (states, tags, date, bounds, search), on page 1 (mode and
/// page size stay).
pub fn cleared(params: &ListParams) -> ListParams {
    ListParams {
        states: Vec::new(),
        tags: Vec::new(),
        date: None,
        from: None,
        to: None,
        q: None,
        page: 1,
        ..params.clone()
    }
}

/// `params` with every state but deleted (the "All" chip), on page 1.
pub fn all_states(params: &ListParams) -> ListParams {
    ListParams {
        states: Vec::new(),
        page: 1,
        ..params.clone()
    }
}

/// `params` with another date preset, on page 1.
pub fn with_date(params: &ListParams, date: Option<DatePreset>) -> ListParams {
    ListParams {
        date,
        page: 1,
        ..params.clone()
    }
}

/// `params` grouped (one row per group) or individual, on page 1.
pub fn with_grouped(params: &ListParams, grouped: bool) -> ListParams {
    ListParams {
        grouped,
        page: 1,
        ..params.clone()
    }
}

/// The filter bar; `params` is the view in the URL, `go` puts a new one there.
#[component]
pub fn ListFilters(params: Memo<ListParams>, go: Callback<ListParams>) -> impl IntoView {
    let change =
        move |next: fn(&ListParams) -> ListParams| move |_| go.run(next(&params.get_untracked()));
    let tags = Signal::derive(move || params.with(|p| p.tags.clone()));
    let add_tag = Callback::new(move |tag: Tag| {
        let mut next = params.get_untracked();
        next.add_tag(tag);
        go.run(next);
    });
    let remove_tag = Callback::new(move |tag: Tag| {
        let mut next = params.get_untracked();
        next.remove_tag(&tag);
        go.run(next);
    });
    let on_date = move |ev: leptos::ev::Event| {
        let date = event_target_value(&ev).parse::<DatePreset>().ok();
        go.run(with_date(&params.get_untracked(), date));
    };
    let pressed = |on: bool| if on { "true" } else { "false" };

    view! {
        <section class="list-filters" aria-labelledby="filters-heading" data-testid="list-filters">
            <h2 id="filters-heading" class="visually-hidden">
                "Filters"
            </h2>
            // One row on a wide screen: each control says what it filters by its
            // content (the chips' states, the tag field's text, "Updated"); the full
            // names stay for screen readers. How the rows are drawn (grouped or not) is
            // a view option above the table, beside the rows per page.
            <div class="filter-toolbar">
                <div class="filter filter-states" role="group" aria-labelledby="filter-state-label">
                    <span id="filter-state-label" class="visually-hidden">
                        "State"
                    </span>
                    <div class="toggle-chips">
                        <button
                            type="button"
                            class="toggle-chip"
                            aria-pressed=move || pressed(params.with(|p| p.states.is_empty()))
                            title="Every state but deleted"
                            data-testid="filter-state-all"
                            on:click=change(all_states)
                        >
                            "All"
                        </button>
                        {StreamState::ALL
                            .into_iter()
                            .map(|state| {
                                view! {
                                    <button
                                        type="button"
                                        class="toggle-chip"
                                        aria-pressed=move || {
                                            pressed(params.with(|p| p.states.contains(&state)))
                                        }
                                        data-testid="filter-state"
                                        data-state=state.as_str()
                                        on:click=move |_| {
                                            let mut next = params.get_untracked();
                                            next.toggle_state(state);
                                            go.run(next);
                                        }
                                    >
                                        {state_label(state)}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                </div>
                <div class="filter filter-tags">
                    <TagInput
                        id="filter-tags"
                        label="Tags"
                        tags
                        on_add=add_tag
                        on_remove=remove_tag
                        placeholder="Type a tag, Enter applies it"
                        testid="filter-tags"
                    />
                </div>
                <div class="filter filter-date">
                    <label class="filter-inline-label" for="filter-date">
                        <span aria-hidden="true">"Updated"</span>
                        <span class="visually-hidden">"Last updated (UTC)"</span>
                    </label>
                    <SelectBox>
                        <select
                        id="filter-date"
                        class="field-input"
                        data-testid="filter-date"
                        on:change=on_date
                    >
                        <option value="" prop:selected=move || params.with(|p| p.date.is_none())>
                            "Any time"
                        </option>
                        {DatePreset::ALL
                            .into_iter()
                            .map(|preset| {
                                view! {
                                    <option
                                        value=preset.as_str()
                                        prop:selected=move || params.with(|p| p.date == Some(preset))
                                    >
                                        {preset.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    </SelectBox>
                </div>
                <Show when=move || params.with(ListParams::is_filtered)>
                    <button
                        type="button"
                        class="button button-secondary button-small filter-clear"
                        data-testid="clear-filters"
                        on:click=change(cleared)
                    >
                        <Icon name=IconName::Close />
                        "Clear"
                        <span class="visually-hidden">" filters"</span>
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// The two ways to draw the rows: one per stream group (its playouts on expanding) or
/// every member its own row. Changing it goes back to page 1 with the same filters.
#[component]
pub fn ViewModeToggle(params: Memo<ListParams>, go: Callback<ListParams>) -> impl IntoView {
    let pressed = |on: bool| if on { "true" } else { "false" };
    let grouped = move || params.with(|p| p.grouped);
    view! {
        <div class="filter filter-groups" role="group" aria-labelledby="filter-groups-label">
            <span id="filter-groups-label" class="visually-hidden">
                "Streamgroups"
            </span>
            <div class="segmented">
                <button
                    type="button"
                    class="segmented-option"
                    aria-pressed=move || pressed(grouped())
                    title="One row per stream group; expand a group to see its playouts"
                    data-testid="filter-grouped"
                    on:click=move |_| go.run(with_grouped(&params.get_untracked(), true))
                >
                    "Grouped"
                </button>
                <button
                    type="button"
                    class="segmented-option"
                    aria-pressed=move || pressed(!grouped())
                    title="Every member its own row, with its group id"
                    data-testid="filter-individual"
                    on:click=move |_| go.run(with_grouped(&params.get_untracked(), false))
                >
                    "Individual"
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered() -> ListParams {
        let mut p = ListParams::default();
        p.toggle_state(StreamState::Live);
        p.add_tag(Tag::parse("sport").expect("valid"));
        p.date = Some(DatePreset::Today);
        p.grouped = false;
        p.per_page = shared::stream::PerPage::new(50).expect("allowed");
        p.page = 3;
        p
    }

    #[test]
    fn clearing_keeps_the_mode_and_page_size() {
        assert_eq!(
            filtered().to_query(),
            "state=live&tag=sport&date=today&group=false&page=3&per_page=50"
        );
        assert_eq!(cleared(&filtered()).to_query(), "group=false&per_page=50");
        assert!(!cleared(&filtered()).is_filtered());
    }

    #[test]
    fn every_change_goes_back_to_page_one() {
        assert_eq!(
            all_states(&filtered()).to_query(),
            "tag=sport&date=today&group=false&per_page=50"
        );
        assert_eq!(
            with_date(&filtered(), Some(DatePreset::Yesterday)).to_query(),
            "state=live&tag=sport&date=yesterday&group=false&per_page=50"
        );
        assert_eq!(
            with_date(&filtered(), None).to_query(),
            "state=live&tag=sport&group=false&per_page=50"
        );
        assert_eq!(
            with_grouped(&filtered(), true).to_query(),
            "state=live&tag=sport&date=today&per_page=50"
        );
    }
}
