//! Any path no route matches.

use crate::components::brand::Brand;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-panel">
                <div class="auth-brand">
                    <Brand large=true />
                </div>
                <section class="card auth-card not-found" data-testid="not-found">
                    <p class="not-found-code" aria-hidden="true">
                        "404"
                    </p>
                    <h1 class="auth-title">"Page not found"</h1>
                    <p class="muted">
                        "There is nothing at this address. It may have moved, or the link may be mistyped."
                    </p>
                    <a class="button button-primary" href=paths::HOME data-testid="not-found-home">
                        "Go to the dashboard"
                    </a>
                </section>
            </div>
        </main>
    }
}
