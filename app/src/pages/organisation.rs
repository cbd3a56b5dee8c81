//! Placeholder while this page is being built.

use leptos::prelude::*;

#[component]
pub fn OrganisationPage() -> impl IntoView {
    view! {
        <div class="page-header">
            <h1 class="page-title">"Organisation"</h1>
        </div>
    }
}
