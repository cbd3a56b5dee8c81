//! Whole-section messages: a feature the organisation lacks, and an empty list.

use leptos::prelude::*;
use shared::model::Feature;

/// P5 / A2: the organisation does not have `feature`; no controls, just the way forward.
#[component]
pub fn UpgradeNeeded(feature: Feature) -> impl IntoView {
    view! {
        <div class="notice notice-upgrade" data-testid="upgrade-needed" data-feature=feature.as_str()>
            <p class="notice-title">"Upgrade needed"</p>
            <p class="notice-text">
                {format!(
                    "Your organisation does not have the {} package. Ask the operator of this Castboard instance to turn it on.",
                    feature.label(),
                )}
            </p>
        </div>
    }
}

/// A list with nothing in it: what that means and, optionally, what to do.
#[component]
pub fn EmptyState(
    title: &'static str,
    #[prop(into)] message: String,
    #[prop(optional)] children: Option<Children>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="empty-state" data-testid=testid.unwrap_or("empty-state")>
            <p class="empty-state-title">{title}</p>
            <p class="empty-state-text">{message}</p>
            {children.map(|c| view! { <div class="empty-state-actions">{c()}</div> })}
        </div>
    }
}
