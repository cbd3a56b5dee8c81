//! The dashboard's icons: one inline SVG per name, drawn on a 24-unit grid with round
//! 2-unit strokes in the text's colour (`.icon` in style/components.css sets stroke,
//! fill and size, so the markup carries geometry only). Every icon is decoration beside
//! a text or an accessible name: `aria-hidden`, never focusable.
//!
//! Each icon's markup is one static string ([`IconName::svg`]): the [`Icon`] component
//! builds it once from an HTML template and clones it afterwards (an icon in each of 150
//! list rows costs one clone per row, not an element and attributes per shape), and
//! markup written in one piece (the stream list's rows) includes the same string.

use leptos::prelude::*;
use leptos::tachys::html::InertElement;

/// The icon set. New icons join here, drawn on the same grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    /// Copy to the clipboard: two overlapping sheets.
    Copy,
    /// Done, copied, valid.
    Check,
    /// More actions (an overflow menu's button): three dots.
    More,
    /// Delete, remove.
    Trash,
    /// Locked, secure.
    Lock,
    /// The phone's navigation menu.
    Menu,
    /// Close, dismiss.
    Close,
    /// Search.
    Search,
    /// Opens a list of choices (selects).
    ChevronDown,
    /// Opens in a new tab.
    External,
    /// Play, watch.
    Play,
}

impl IconName {
    /// The icon's markup: an `<svg>` of class `icon`, hidden from assistive technology.
    pub fn svg(self) -> &'static str {
        match self {
            IconName::Copy => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="9" y="9" width="11" height="11" rx="2" /><path d="M15 5.5V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h.5" /></svg>"#
            }
            IconName::Check => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M5 12.5l4.5 4.5L19 7.5" /></svg>"#
            }
            IconName::More => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path class="icon-dots" d="M5 12h.01M12 12h.01M19 12h.01" /></svg>"#
            }
            IconName::Trash => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" /></svg>"#
            }
            IconName::Lock => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></svg>"#
            }
            IconName::Menu => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 6h16M4 12h16M4 18h16" /></svg>"#
            }
            IconName::Close => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>"#
            }
            IconName::Search => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="11" cy="11" r="7" /><path d="M20 20l-3.5-3.5" /></svg>"#
            }
            IconName::ChevronDown => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 9l6 6 6-6" /></svg>"#
            }
            IconName::External => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" /></svg>"#
            }
            IconName::Play => {
                r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M7 4.5v15l12-7.5z" /></svg>"#
            }
        }
    }
}

/// An icon by name; decoration only (see the module's notes).
#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    InertElement::new(name.svg())
}
