//! The packages card: every package Castboard knows, each "Enabled" or "Upgrade needed".
//! Packages are switched by the instance operator, so this card only reads.

use leptos::prelude::*;
use shared::model::{Feature, Features};

/// The status text of a package.
pub(super) fn package_status(enabled: bool) -> &'static str {
    if enabled {
        "Enabled"
    } else {
        "Upgrade needed"
    }
}

/// What a package brings, one line each.
pub(super) fn package_purpose(feature: Feature) -> &'static str {
    match feature {
        Feature::Secure => "Playback only with signed tokens",
        Feature::Vod => "Recordings as video on demand",
        Feature::LiveProcessing => "Thumbnails, motion clips, recording and live replay",
        Feature::Transcoding => "Extra qualities for adaptive playback",
        Feature::Webcaster => "Go live from the browser",
        Feature::Player => "The H5Live player and its snippets",
    }
}

/// Every package and whether the organisation has it.
#[component]
pub fn PackagesCard(features: Features) -> impl IntoView {
    let missing = Feature::ALL.iter().filter(|f| !features.get(**f)).count();
    view! {
        <section class="card org-packages-card" aria-labelledby="org-packages-heading" data-testid="org-packages">
            <h2 id="org-packages-heading" class="card-title">
                "Packages"
            </h2>
            <ul class="org-packages">
                {Feature::ALL
                    .into_iter()
                    .map(|f| {
                        let on = features.get(f);
                        view! {
                            <li
                                class="org-package"
                                data-testid="package"
                                data-feature=f.as_str()
                                data-enabled=if on { "true" } else { "false" }
                            >
                                <div class="org-package-text">
                                    <span class="org-package-name">{f.label()}</span>
                                    <span class="hint">{package_purpose(f)}</span>
                                </div>
                                <span
                                    class=if on {
                                        "badge org-badge-enabled"
                                    } else {
                                        "badge org-badge-upgrade"
                                    }
                                    data-testid="package-status"
                                >
                                    {package_status(on)}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(missing > 0)
                .then(|| {
                    view! {
                        <p class="hint org-packages-note" data-testid="org-packages-note">
                            "Packages are switched on by the operator of this Castboard instance. Ask them for an upgrade."
                        </p>
                    }
                })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reads_enabled_or_upgrade_needed() {
        assert_eq!(package_status(true), "Enabled");
        assert_eq!(package_status(false), "Upgrade needed");
    }

    #[test]
    fn every_package_says_what_it_is_for() {
        for f in Feature::ALL {
            assert!(!package_purpose(f).is_empty(), "{f}");
        }
        assert_eq!(
            package_purpose(Feature::Secure),
            "Playback only with signed tokens"
        );
    }
}
