//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn CreateStreamPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Create stream"</h1>
        </div>
    }
}
