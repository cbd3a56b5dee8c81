//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Tokens"</h1>
        </div>
    }
}
