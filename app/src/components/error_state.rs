//! A failed load: what went wrong and a way to try again.

use leptos::prelude::*;

/// Shown in place of content that could not be loaded.
#[component]
pub fn ErrorState(
    /// A short heading, e.g. "Your account could not be loaded".
    title: &'static str,
    /// The reason, usually the server's `error.message`.
    #[prop(into)]
    message: Signal<String>,
    /// Loads the content again.
    #[prop(into)]
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <section class="card error-state" role="alert" data-testid="error-state">
            <h2 class="error-state-title">{title}</h2>
            <p class="error-state-message" data-testid="error-message">
                {move || message.get()}
            </p>
            <button
                type="button"
                class="button button-secondary"
                data-testid="retry"
                on:click=move |_| on_retry.run(())
            >
                "Retry"
            </button>
        </section>
    }
}
