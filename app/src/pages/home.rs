//! `/`: the signed-in home page: who you are and what your organisation has.
//!
//! The caller comes from [`CurrentSession`], loaded by the signed-in layout; errors and
//! the redirect for strangers are handled there, so this page only renders the data.

use crate::components::signed_in_layout::CurrentSession;
use crate::components::skeleton::SkeletonCard;
use leptos::prelude::*;
use shared::model::{Feature, Me, Organisation};

#[component]
pub fn HomePage() -> impl IntoView {
    let session = CurrentSession::get();
    view! {
        <div class="page-header">
            <h1 class="page-title">"Overview"</h1>
            <p class="muted">"Your account and your organisation's packages."</p>
        </div>
        {session
            .map(|CurrentSession { me }| {
                view! {
                    <Suspense fallback=|| {
                        view! {
                            <div class="card-grid">
                                <SkeletonCard lines=2 />
                                <SkeletonCard lines=4 />
                            </div>
                        }
                    }>
                        {move || Suspend::new(async move {
                            me.await.ok().map(|me| view! { <Overview me /> })
                        })}
                    </Suspense>
                }
            })}
    }
}

/// The account and organisation cards.
#[component]
fn Overview(me: Me) -> impl IntoView {
    let Me {
        user,
        api_key,
        organisation,
    } = me;
    let role = user
        .as_ref()
        .map(|u| u.role)
        .or(api_key.as_ref().map(|k| k.role));
    let identity = user
        .as_ref()
        .map(|u| ("Email", u.email.clone()))
        .or_else(|| api_key.as_ref().map(|k| ("API key", k.name.clone())))
        .unwrap_or(("Email", String::new()));
    view! {
        <div class="card-grid">
            <section class="card" aria-labelledby="account-heading" data-testid="me-card">
                <h2 id="account-heading" class="card-title">
                    "Your account"
                </h2>
                <dl class="details">
                    <div class="details-row">
                        <dt>{identity.0}</dt>
                        <dd data-testid="me-email">{identity.1}</dd>
                    </div>
                    <div class="details-row">
                        <dt>"Role"</dt>
                        <dd>
                            <span class="badge badge-role" data-testid="me-role">
                                {role.map(|r| r.label())}
                            </span>
                        </dd>
                    </div>
                </dl>
            </section>
            <OrganisationCard organisation />
        </div>
    }
}

#[component]
fn OrganisationCard(organisation: Organisation) -> impl IntoView {
    let enabled: Vec<Feature> = Feature::ALL
        .into_iter()
        .filter(|f| organisation.features.get(*f))
        .collect();
    let packages = if enabled.is_empty() {
        view! { <p class="muted" data-testid="me-org-features-none">"No packages enabled"</p> }
            .into_any()
    } else {
        view! {
            <ul class="chips" data-testid="me-org-features">
                {enabled
                    .into_iter()
                    .map(|f| {
                        view! {
                            <li class="chip" data-testid="feature-chip" data-feature=f.as_str()>
                                {f.label()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="organisation-heading" data-testid="org-card">
            <h2 id="organisation-heading" class="card-title">
                "Organisation"
            </h2>
            <dl class="details">
                <div class="details-row">
                    <dt>"Name"</dt>
                    <dd data-testid="me-org-name">{organisation.name}</dd>
                </div>
                <div class="details-row">
                    <dt>"Hash"</dt>
                    <dd>
                        <code class="code" data-testid="me-org-hash">
                            {organisation.hash.into_inner()}
                        </code>
                        <span class="hint">"Prefix of every streamname"</span>
                    </dd>
                </div>
                <div class="details-row">
                    <dt>"Packages"</dt>
                    <dd>{packages}</dd>
                </div>
                <div class="details-row">
                    <dt>"Transcodes per stream group"</dt>
                    <dd data-testid="me-org-max-transcodes">
                        {organisation.limits.max_transcodes}
                    </dd>
                </div>
            </dl>
        </section>
    }
}
