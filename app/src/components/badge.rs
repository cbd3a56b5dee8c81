//! Small labels: a stream's state, its group kind, the secure indicator.

use crate::components::icon::{Icon, IconName};
use leptos::prelude::*;
use shared::stream::StreamState;

/// The state of a stream as a coloured pill (`data-state` for tests and styles).
#[component]
pub fn StateBadge(state: StreamState) -> impl IntoView {
    view! {
        <span
            class=format!("badge badge-state badge-state-{}", state.as_str())
            data-testid="state-badge"
            data-state=state.as_str()
        >
            {state_label(state)}
        </span>
    }
}

/// How a state reads in the dashboard.
pub fn state_label(state: StreamState) -> &'static str {
    match state {
        StreamState::Created => "Created",
        StreamState::Live => "Live",
        StreamState::Ended => "Ended",
        StreamState::Locked => "Locked",
        StreamState::Deleted => "Deleted",
    }
}

/// "Single Stream" or "Streamgroup (n Playouts)", as nanoStream's list shows it.
pub fn group_label(playouts: usize) -> String {
    if playouts <= 1 {
        "Single Stream".to_string()
    } else {
        format!("Streamgroup ({playouts} Playouts)")
    }
}

/// The group badge's classes for a stream with `playouts` members.
pub fn group_badge_class(playouts: usize) -> &'static str {
    if playouts > 1 {
        "badge badge-group badge-group-abr"
    } else {
        "badge badge-group"
    }
}

/// The group badge for a stream with `playouts` members (passthrough included).
#[component]
pub fn GroupBadge(playouts: usize) -> impl IntoView {
    view! {
        <span
            class=group_badge_class(playouts)
            data-testid="group-badge"
        >
            {group_label(playouts)}
        </span>
    }
}

/// Shown on streams whose playback needs a token.
#[component]
pub fn SecureBadge() -> impl IntoView {
    view! {
        <span class="badge badge-secure" data-testid="secure-badge" title="Playback needs a token">
            <Icon name=IconName::Lock />
            "Secure"
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_labels_follow_nanostream() {
        assert_eq!(group_label(1), "Single Stream");
        assert_eq!(group_label(0), "Single Stream");
        assert_eq!(group_label(4), "Streamgroup (4 Playouts)");
    }
}
