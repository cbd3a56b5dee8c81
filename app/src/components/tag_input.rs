//! Tags as chips plus a text field: suggestions from the organisation's tags once three
//! characters are typed (F2), Enter adds what is typed (or the highlighted suggestion),
//! arrow keys move through suggestions, Escape closes them, Backspace in an empty field
//! removes the last chip. Used by the list filter and by every tag editor.
//!
//! The owner decides what adding and removing mean (filter the list, edit a form); this
//! only checks the text with `shared`'s [`Tag`] rules and says what is wrong.

use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::model::TagCount;
use shared::stream::Tag;

/// Suggestions start at this many characters (the API answers nothing below it).
pub const SUGGEST_FROM: usize = 3;

/// Why `text` cannot be added next to `current`, or the tag to add.
pub fn check_new_tag(text: &str, current: &[Tag], max: Option<usize>) -> Result<Tag, String> {
    let tag = Tag::parse(text).map_err(|e| format!("Tag {e}."))?;
    if current.contains(&tag) {
        return Err(format!(
            "\u{201c}{}\u{201d} is already there.",
            tag.as_str()
        ));
    }
    if let Some(max) = max {
        if current.len() >= max {
            return Err(format!("At most {max} tags."));
        }
    }
    Ok(tag)
}

#[component]
pub fn TagInput(
    /// The input's id; the label and messages hang off it.
    id: &'static str,
    label: &'static str,
    /// The tags shown as chips.
    #[prop(into)]
    tags: Signal<Vec<Tag>>,
    on_add: Callback<Tag>,
    on_remove: Callback<Tag>,
    /// Refuse more than this many (32 per stream; none for filters).
    #[prop(optional)]
    max: Option<usize>,
    /// Placeholder of the text field.
    #[prop(default = "Type a tag, Enter adds it")]
    placeholder: &'static str,
    /// Disables the field and the chips' remove buttons (while saving).
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// `data-testid` prefix: `<testid>-input`, `<testid>-chip`, `<testid>-suggestion`,
    /// `<testid>-error`.
    testid: &'static str,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let suggestions = RwSignal::new(Vec::<TagCount>::new());
    let highlighted = RwSignal::new(None::<usize>);
    // Answers can arrive out of order; only the one for the latest text counts.
    let asked = StoredValue::new(String::new());

    let listbox_id = format!("{id}-suggestions");
    let error_id = format!("{id}-error");

    let add = move |value: String| match check_new_tag(&value, &tags.get_untracked(), max) {
        Ok(tag) => {
            on_add.run(tag);
            text.set(String::new());
            error.set(None);
            suggestions.set(Vec::new());
            highlighted.set(None);
        }
        Err(why) => error.set(Some(why)),
    };

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        error.set(None);
        highlighted.set(None);
        let prefix = value.trim().to_string();
        if prefix.chars().count() < SUGGEST_FROM {
            suggestions.set(Vec::new());
            return;
        }
        asked.set_value(prefix.clone());
        spawn_local(async move {
            if let Ok(list) = api::tag_suggestions(&prefix).await {
                if asked.get_value() == prefix {
                    let current = tags.get_untracked();
                    let items = list
                        .items
                        .into_iter()
                        .filter(|s| !current.iter().any(|t| t.as_str() == s.tag))
                        .collect();
                    suggestions.set(items);
                }
            }
        });
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = suggestions.with_untracked(Vec::len);
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                let chosen = highlighted
                    .get_untracked()
                    .and_then(|i| suggestions.with_untracked(|s| s.get(i).map(|s| s.tag.clone())));
                add(chosen.unwrap_or_else(|| text.get_untracked()));
            }
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                highlighted.update(|h| *h = Some(h.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                highlighted.update(|h| *h = Some(h.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Escape" if count > 0 => {
                ev.prevent_default();
                suggestions.set(Vec::new());
                highlighted.set(None);
            }
            "Backspace" if text.with_untracked(String::is_empty) => {
                if let Some(last) = tags.get_untracked().last().cloned() {
                    on_remove.run(last);
                }
            }
            _ => {}
        }
    };

    let option_id = move |i: usize| format!("{id}-suggestion-{i}");
    view! {
        <div class="field tag-input" class:field-invalid=move || error.with(Option::is_some)>
            <label class="field-label" for=id>
                {label}
            </label>
            <div class="tag-input-box">
                <ul class="chips tag-input-chips" aria-label=format!("{label}: current")>
                    <For
                        each=move || tags.get()
                        key=|t| t.clone()
                        children=move |t| {
                            let name = t.as_str().to_string();
                            let removed = t.clone();
                            view! {
                                <li class="chip chip-removable" data-testid=format!("{testid}-chip")>
                                    <span class="chip-text">{name.clone()}</span>
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=format!("Remove tag {name}")
                                        disabled=move || disabled.get()
                                        on:click=move |_| on_remove.run(removed.clone())
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
                <input
                    class="field-input tag-input-field"
                    id=id
                    type="text"
                    autocomplete="off"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-expanded=move || if suggestions.with(Vec::is_empty) { "false" } else { "true" }
                    aria-controls=listbox_id.clone()
                    aria-activedescendant=move || highlighted.get().map(option_id)
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=error_id.clone()
                    placeholder=placeholder
                    disabled=move || disabled.get()
                    data-testid=format!("{testid}-input")
                    prop:value=move || text.get()
                    on:input=on_input
                    on:keydown=on_keydown
                    on:blur=move |_| {
                        // Let a click on a suggestion land before the list closes.
                        set_timeout(
                            move || {
                                suggestions.set(Vec::new());
                                highlighted.set(None);
                            },
                            std::time::Duration::from_millis(150),
                        );
                    }
                />
            </div>
            <ul
                class="tag-suggestions"
                id=listbox_id.clone()
                role="listbox"
                aria-label="Suggested tags"
                hidden=move || suggestions.with(Vec::is_empty)
            >
                {move || {
                    suggestions
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let tag = s.tag.clone();
                            view! {
                                <li
                                    class="tag-suggestion"
                                    class:tag-suggestion-active=move || highlighted.get() == Some(i)
                                    id=option_id(i)
                                    role="option"
                                    aria-selected=move || if highlighted.get() == Some(i) { "true" } else { "false" }
                                    data-testid=format!("{testid}-suggestion")
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        add(tag.clone());
                                    }
                                >
                                    <span>{s.tag.clone()}</span>
                                    <span class="tag-suggestion-count">{s.count}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="field-error" id=error_id data-testid=format!("{testid}-error") hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Tag {
        Tag::parse(s).expect("valid tag")
    }

    #[test]
    fn new_tags_are_checked_against_the_rules_and_the_list() {
        assert_eq!(check_new_tag("  sport ", &[], None), Ok(tag("sport")));
        assert_eq!(
            check_new_tag("sport", &[tag("sport")], None),
            Err("\u{201c}sport\u{201d} is already there.".to_string())
        );
        assert_eq!(
            check_new_tag("x", &[tag("a"), tag("b")], Some(2)),
            Err("At most 2 tags.".to_string())
        );
        let empty = check_new_tag("   ", &[], None).expect_err("empty is refused");
        assert!(empty.starts_with("Tag "), "{empty}");
    }
}
