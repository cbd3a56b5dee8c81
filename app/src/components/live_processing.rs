//! Placeholder while the Live Processing tab (P1–P5) is being built.

use leptos::prelude::*;
use shared::model::{Organisation, Stream};

/// The Live Processing tab of a stream overview.
#[component]
pub fn LiveProcessingTab(
    /// The stream as loaded (with `members` and `assets`).
    stream: Stream,
    organisation: Organisation,
    /// The caller may change settings (admin, user).
    can_write: bool,
    /// A save answered with the updated stream; the overview replaces its copy.
    on_saved: Callback<Stream>,
) -> impl IntoView {
    let _ = (stream, organisation, can_write, on_saved);
    view! { <p>"Live processing"</p> }
}
