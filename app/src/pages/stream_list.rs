//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn StreamListPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Streams"</h1>
        </div>
    }
}
