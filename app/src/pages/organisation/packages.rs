//! The packages card: every package Castboard knows with where it stands for the
//! organisation ("Enabled", "Upgrade needed", or, for those that gate nothing here,
//! "Included" and "Not available yet"; the rule is `Features::status`). Packages are
//! switched by the instance operator, so this card only reads.

use leptos::prelude::*;
use shared::model::{Feature, Features, PackageStatus};

/// What a package brings, one line each.
pub(super) fn package_purpose(feature: Feature) -> &'static str {
    match feature {
        Feature::Secure => "Playback only with signed tokens",
        Feature::Vod => "Recordings as video on demand",
        Feature::LiveProcessing => "Thumbnails, motion clips, recording and live replay",
        Feature::Transcoding => "Extra qualities for adaptive playback",
        Feature::Webcaster => "Go live from the browser (not in this version: use an encoder)",
        Feature::Player => "The player, its watch and embed pages and snippets",
    }
}

/// Every package and whether the organisation has it.
#[component]
pub fn PackagesCard(features: Features) -> impl IntoView {
    let missing = Feature::ALL
        .iter()
        .filter(|f| features.status(**f) == PackageStatus::UpgradeNeeded)
        .count();
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
                        let status = features.status(f);
                        view! {
                            <li
                                class="org-package"
                                data-testid="package"
                                data-feature=f.as_str()
                                data-enabled=if on { "true" } else { "false" }
                                data-status=status.as_str()
                            >
                                <div class="org-package-text">
                                    <span class="org-package-name">{f.label()}</span>
                                    <span class="hint">{package_purpose(f)}</span>
                                </div>
                                <span
                                    class=match status {
                                        PackageStatus::Enabled | PackageStatus::Included => {
                                            "badge org-badge-enabled"
                                        }
                                        PackageStatus::UpgradeNeeded => "badge org-badge-upgrade",
                                        PackageStatus::NotAvailable => "badge org-badge-unavailable",
                                    }
                                    data-testid="package-status"
                                >
                                    {status.label()}
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
