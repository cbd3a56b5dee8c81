//! Placeholder while the snippet generator (C1–C4) is being built.

use leptos::prelude::*;
use shared::model::{Organisation, Stream};

/// The Code Snippets tab of a stream overview, and the standalone generator page.
#[component]
pub fn SnippetGenerator(
    stream: Stream,
    organisation: Organisation,
    /// The caller may issue tokens (admin, user).
    can_write: bool,
) -> impl IntoView {
    let _ = (stream, organisation, can_write);
    view! { <p>"Snippets"</p> }
}
