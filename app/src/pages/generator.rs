//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn GeneratorPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Snippet generator"</h1>
        </div>
    }
}
