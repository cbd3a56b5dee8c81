//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn StreamOverviewPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Stream"</h1>
        </div>
    }
}
