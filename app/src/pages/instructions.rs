//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn InstructionsPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Instructions"</h1>
        </div>
    }
}
