//! An overflow menu: a quiet "⋯" button that opens a short list of actions, where the
//! destructive ones live (delete a stream, remove a user or a profile, delete a key), so
//! they are one step away instead of red on every row. Choosing one still asks in the
//! page's `ConfirmDialog`, as before.
//!
//! Keyboard: Enter or Space on the button opens the menu with the first item focused;
//! Arrow Up / Down, Home and End move between items; Escape closes it and returns to the
//! button; Tab out or a click elsewhere closes it. Choosing an item closes the menu and
//! returns focus to the button (where the confirmation dialog brings it back too).

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::icon::{Icon, IconName};

/// The items of a menu are buttons with this class and `role="menuitem"`; see
/// [`MenuItem`].
const ITEM_SELECTOR: &str = "[role=\"menuitem\"]:not(:disabled)";

/// A "More actions" button with its menu of `children` ([`MenuItem`]s).
#[component]
pub fn OverflowMenu(
    /// The button's accessible name, naming the object ("More actions for user a@b.c").
    #[prop(into)]
    label: String,
    /// `data-testid` of the button.
    testid: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
    // Where the list opens, in the window: fixed, so a table's scrolling box cannot clip
    // it. Below the button, or above it when the button is near the window's bottom.
    let place = RwSignal::new(Placement::default());
    let root = NodeRef::<html::Div>::new();
    let button = NodeRef::<html::Button>::new();
    let list = NodeRef::<html::Div>::new();

    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(list) = list.get_untracked() else {
            return Vec::new();
        };
        let Ok(found) = list.query_selector_all(ITEM_SELECTOR) else {
            return Vec::new();
        };
        (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .collect()
    };
    let focus_item = move |pick: &dyn Fn(usize, Option<usize>) -> usize| {
        let all = items();
        if all.is_empty() {
            return;
        }
        let active = document().active_element();
        let at = all
            .iter()
            .position(|el| active.as_ref() == Some(el.unchecked_ref::<web_sys::Element>()));
        let _ = all[pick(all.len(), at).min(all.len() - 1)].focus();
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };

    // Opening focuses the first item once the list is in the document.
    Effect::new(move |_| {
        if open.get() && list.get().is_some() {
            focus_item(&|_, _| 0);
        }
    });

    let on_keydown = move |e: ev::KeyboardEvent| {
        if !open.get_untracked() {
            return;
        }
        match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                close(true);
            }
            "ArrowDown" => {
                e.prevent_default();
                focus_item(&|n, at| at.map_or(0, |i| (i + 1) % n));
            }
            "ArrowUp" => {
                e.prevent_default();
                focus_item(&|n, at| at.map_or(n - 1, |i| (i + n - 1) % n));
            }
            "Home" => {
                e.prevent_default();
                focus_item(&|_, _| 0);
            }
            "End" => {
                e.prevent_default();
                focus_item(&|n, _| n - 1);
            }
            _ => {}
        }
    };
    // The list follows its button when the page scrolls or the window changes size.
    let follow = move || {
        if open.get_untracked() {
            if let Some(b) = button.get_untracked() {
                place.set(Placement::beside(&b));
            }
        }
    };
    let scroll = window_event_listener(ev::scroll, move |_| follow());
    let resize = window_event_listener(ev::resize, move |_| follow());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });

    // Focus leaving the menu (Tab, a click elsewhere) closes it.
    let on_focusout = move |e: ev::FocusEvent| {
        let inside = match (root.get_untracked(), e.related_target()) {
            (Some(root), Some(next)) => next
                .dyn_into::<web_sys::Node>()
                .is_ok_and(|n| root.contains(Some(&n))),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    };

    view! {
        <div class="menu" node_ref=root on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                class="button button-secondary button-small button-icon"
                node_ref=button
                aria-label=label
                aria-haspopup="menu"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                data-testid=testid
                on:click=move |_| {
                    if !open.get_untracked() {
                        if let Some(b) = button.get_untracked() {
                            place.set(Placement::beside(&b));
                        }
                    }
                    open.update(|o| *o = !*o);
                }
            >
                <Icon name=IconName::More />
            </button>
            <Show when=move || open.get()>
                <div
                    class="menu-list"
                    role="menu"
                    node_ref=list
                    style:top=move || place.with(|p| (!p.up).then(|| format!("{}px", p.edge)))
                    style:bottom=move || place.with(|p| p.up.then(|| format!("{}px", p.edge)))
                    style:right=move || place.with(|p| format!("{}px", p.right))
                    // An item was chosen: its own handler ran first (opening its
                    // confirmation); the menu closes with focus back on its button.
                    on:click=move |e: ev::MouseEvent| {
                        let chose = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .and_then(|el| el.closest(ITEM_SELECTOR).ok().flatten())
                            .is_some();
                        if chose {
                            close(true);
                        }
                    }
                >
                    {children()}
                </div>
            </Show>
        </div>
    }
}

/// Where an open menu's list sits in the window (CSS pixels).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Placement {
    /// Opens upwards (`edge` is then the distance from the window's bottom).
    up: bool,
    /// The distance of the list's top (or bottom, when `up`) from the window's edge.
    edge: f64,
    /// The distance of the list's right side from the window's right edge.
    right: f64,
}

impl Placement {
    /// Room the list needs below the button before it opens upwards instead.
    const ROOM: f64 = 200.0;
    const GAP: f64 = 4.0;

    fn beside(button: &web_sys::HtmlButtonElement) -> Self {
        let rect = button.get_bounding_client_rect();
        let (width, height) = window_size();
        Self::for_rect(rect.top(), rect.bottom(), rect.right(), width, height)
    }

    fn for_rect(top: f64, bottom: f64, right: f64, width: f64, height: f64) -> Self {
        let up = bottom + Self::ROOM > height && top > Self::ROOM;
        Placement {
            up,
            edge: if up {
                height - top + Self::GAP
            } else {
                bottom + Self::GAP
            },
            right: (width - right).max(0.0),
        }
    }
}

/// The window's inner width and height, the viewport the list is placed in.
fn window_size() -> (f64, f64) {
    let w = window();
    let read = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    (read(w.inner_width()), read(w.inner_height()))
}

/// One action of an [`OverflowMenu`]; `danger` for destructive ones (red text, with the
/// trash icon).
#[component]
pub fn MenuItem(
    /// The visible text, also the accessible name unless `label` is given.
    text: &'static str,
    /// An accessible name that names the object ("Delete API key ci-deploy").
    #[prop(optional, into)]
    label: Option<String>,
    #[prop(optional)] danger: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    testid: &'static str,
    #[prop(into)] on_select: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            role="menuitem"
            class="menu-item"
            class:menu-item-danger=danger
            aria-label=label
            disabled=move || disabled.get()
            data-testid=testid
            on:click=move |_| on_select.run(())
        >
            {danger.then(|| view! { <Icon name=IconName::Trash /> })}
            {text}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_opens_below_unless_the_window_ends_first() {
        // A button high on a 1280×800 window: below it, right-aligned with it.
        assert_eq!(
            Placement::for_rect(100.0, 132.0, 1200.0, 1280.0, 800.0),
            Placement {
                up: false,
                edge: 136.0,
                right: 80.0
            }
        );
        // Near the bottom: above it, measured from the window's bottom.
        assert_eq!(
            Placement::for_rect(700.0, 732.0, 1200.0, 1280.0, 800.0),
            Placement {
                up: true,
                edge: 104.0,
                right: 80.0
            }
        );
        // A short window with no room either way: below.
        assert!(!Placement::for_rect(150.0, 182.0, 300.0, 390.0, 300.0).up);
    }
}
