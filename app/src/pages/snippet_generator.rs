//! The snippet generator (C1–C4): the Code Snippets tab of a stream overview and the
//! body of the standalone generator page.
//!
//! The user picks the player settings (start quality, latency control mode) and, for a
//! secure stream, may generate a playback token; the iframe snippet, the HTML snippet,
//! the live playout URL and the embed URL follow instantly. They are computed here in
//! the browser with `shared::snippet`, the same code the server runs for
//! `GET /streams/{id}/snippets`, so no request is made while settings change: the only
//! calls are `GET /player` (once, for the configured bases) and `POST /tokens`.

mod token;

use crate::api;
use crate::components::alert::{Alert, AlertKind};
use crate::components::copy_button::CopyField;
use crate::components::error_state::ErrorState;
use crate::components::skeleton::SkeletonCard;
use leptos::prelude::*;

use crate::components::form_field::SelectBox;
use shared::model::{IssuedToken, Member, Organisation, Stream};
use shared::snippet::{
    self, LatencyMode, PlaybackJwt, PlayerUrls, SnippetSettings, SnippetTarget, Snippets,
    StartQuality,
};

/// The stream a snippet plays: its group, with as many qualities as the group has members.
pub(crate) fn snippet_target(stream: &Stream) -> SnippetTarget {
    SnippetTarget {
        stream_id: stream.id,
        group_id: stream.streamgroup_id,
        qualities: u32::try_from(stream.members.len())
            .unwrap_or(u32::MAX)
            .max(1),
    }
}

/// The choices of the start-quality select, as (value, label): "auto", then the original
/// and each transcode, each led by its index (the snippet's `startIndex`) and short
/// enough for the select's width ("1 · 852×480 · 800 kbit/s"; the frame rate is in the
/// group's profiles). A stream always has its original, even if `members` is empty.
pub(crate) fn quality_options(members: &[Member]) -> Vec<(String, String)> {
    let mut options = vec![(StartQuality::Auto.to_string(), "Auto".to_string())];
    if members.is_empty() {
        options.push(("0".to_string(), "0 · Original".to_string()));
    }
    for m in members {
        let label = match &m.profile {
            None => format!("{} · Original", m.index),
            Some(p) => format!(
                "{} · {}×{} · {}",
                m.index,
                p.width,
                p.height,
                crate::format::kbps(p.bitrate_kbps)
            ),
        };
        options.push((StartQuality::Index(m.index).to_string(), label));
    }
    options
}

/// How a latency mode reads in the settings.
pub(crate) fn latency_label(mode: LatencyMode) -> &'static str {
    match mode {
        LatencyMode::Classic => "Classic",
        LatencyMode::BalancedAdaptive => "Balanced adaptive",
        LatencyMode::FastAdaptive => "Fast adaptive",
    }
}

/// One sentence on what a latency mode trades.
pub(crate) fn latency_hint(mode: LatencyMode) -> &'static str {
    match mode {
        LatencyMode::Classic => "A steady buffer: the most robust playback. The default.",
        LatencyMode::BalancedAdaptive => {
            "Adapts the buffer to the network: lower latency while staying stable."
        }
        LatencyMode::FastAdaptive => {
            "Adapts aggressively for the lowest latency; weak networks may stall more."
        }
    }
}

/// The settings the snippets are built with; a token that is not a JWT is left out
/// (the server only issues JWTs, so this never drops a real one).
fn settings_with(
    start_quality: StartQuality,
    latency_mode: LatencyMode,
    token: Option<&IssuedToken>,
) -> SnippetSettings {
    SnippetSettings {
        start_quality,
        latency_mode,
        token: token.and_then(|t| PlaybackJwt::parse(&t.token).ok()),
    }
}

/// The Code Snippets tab of a stream overview, and the standalone generator page.
#[component]
pub fn SnippetGenerator(
    stream: Stream,
    organisation: Organisation,
    /// The caller may issue tokens (admin, user).
    can_write: bool,
) -> impl IntoView {
    let urls = LocalResource::new(api::player_urls);
    let start_quality = RwSignal::new(StartQuality::Auto);
    let latency_mode = RwSignal::new(LatencyMode::Classic);
    // The token generated on this page, if the user wants it in the snippets.
    let token: RwSignal<Option<IssuedToken>> = RwSignal::new(None);
    let settings = Memo::new(move |_| {
        token.with(|t| settings_with(start_quality.get(), latency_mode.get(), t.as_ref()))
    });
    let target = snippet_target(&stream);
    let secure = stream.secure;

    let options = quality_options(&stream.members);
    let on_quality = move |ev: leptos::ev::Event| {
        if let Ok(q) = StartQuality::parse(&event_target_value(&ev)) {
            start_quality.set(q);
        }
    };

    let output = move || match urls.get() {
        None => view! { <SkeletonCard lines=6 /> }.into_any(),
        Some(Err(e)) => view! {
            <ErrorState
                title="The player addresses could not be loaded"
                message=e.message()
                on_retry=move || urls.refetch()
            />
        }
        .into_any(),
        Some(Ok(bases)) => view! { <SnippetOutput urls=bases target settings /> }.into_any(),
    };

    let token_section = secure.then(|| {
        view! { <token::TokenSettings stream=stream.clone() organisation can_write token /> }
    });
    let missing_token = move || {
        (secure && token.with(Option::is_none)).then(|| {
            view! {
                <Alert
                    kind=AlertKind::Info
                    message="This stream is secure: players need a playback token. Generate one under Token settings and it goes into every snippet below."
                    testid="snippet-token-missing"
                />
            }
        })
    };

    view! {
        <div class="snip" data-testid="snippet-generator">
            <div class="snip-side">
                <section class="card snip-settings" aria-labelledby="snip-settings-heading">
                    <h2 class="card-title" id="snip-settings-heading">
                        "Player settings"
                    </h2>
                    <div class="form">
                        <div class="field">
                            <label class="field-label" for="snip-start-quality">
                                "Start quality"
                            </label>
                            <SelectBox>
                            <select
                                id="snip-start-quality"
                                class="field-input"
                                aria-describedby="snip-start-quality-hint"
                                data-testid="snippet-start-quality"
                                on:change=on_quality
                            >
                                {options
                                    .into_iter()
                                    .map(|(value, label)| {
                                        let own = value.clone();
                                        view! {
                                            <option
                                                value=value
                                                prop:selected=move || start_quality.get().to_string() == own
                                            >
                                                {label}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            </SelectBox>
                            <p class="hint" id="snip-start-quality-hint">
                                "Auto starts at the original and switches with the viewer's bandwidth. A fixed quality starts there and stays."
                            </p>
                        </div>
                        <fieldset class="snip-fieldset">
                            <legend class="field-label">"Latency control mode"</legend>
                            {LatencyMode::ALL
                                .into_iter()
                                .map(|mode| {
                                    let hint_id = format!("snip-latency-{}-hint", mode.as_str());
                                    view! {
                                        <label class="snip-choice">
                                            <input
                                                type="radio"
                                                name="snip-latency-mode"
                                                value=mode.as_str()
                                                aria-describedby=hint_id.clone()
                                                data-testid=format!("snippet-latency-{}", mode.as_str())
                                                prop:checked=move || latency_mode.get() == mode
                                                on:change=move |_| latency_mode.set(mode)
                                            />
                                            <span class="snip-choice-text">
                                                <span class="snip-choice-title">
                                                    {latency_label(mode)}
                                                    " "
                                                    <code class="mono">{mode.as_str()}</code>
                                                </span>
                                                <span class="hint" id=hint_id>
                                                    {latency_hint(mode)}
                                                </span>
                                            </span>
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </fieldset>
                    </div>
                </section>
                {token_section}
            </div>
            <section class="card snip-output" aria-labelledby="snip-output-heading">
                <div class="snip-output-head">
                    <h2 class="card-title" id="snip-output-heading">
                        "Snippets"
                    </h2>
                    {move || {
                        token
                            .with(Option::is_some)
                            .then(|| {
                                view! {
                                    <span class="badge snip-token-badge" data-testid="snippet-has-token">
                                        "With token"
                                    </span>
                                }
                            })
                    }}
                </div>
                <p class="muted snip-output-intro">
                    "Paste a snippet into your web page, or share the live URL. They follow the settings as you change them."
                </p>
                {missing_token}
                // Its own boundary: the player addresses loading must not suspend the page
                // around the generator (that would redraw it and lose the focus).
                <Suspense fallback=|| view! { <SkeletonCard lines=6 /> }>{output}</Suspense>
            </section>
        </div>
    }
}

/// The four snippets for the loaded player bases, recomputed whenever `settings` change.
#[component]
fn SnippetOutput(
    urls: PlayerUrls,
    target: SnippetTarget,
    settings: Memo<SnippetSettings>,
) -> impl IntoView {
    let result = Memo::new(move |_| settings.with(|s| snippet::snippets(&urls, &target, s)));
    let pick = move |part: fn(&Snippets) -> &String| {
        Signal::derive(move || {
            result.with(|r| r.as_ref().map(|s| part(s).clone()).unwrap_or_default())
        })
    };
    let live_url = pick(|s| &s.live_url);
    let problem = move || {
        result.with(|r| {
            r.as_ref().err().map(|errors| {
                let why = errors.values().cloned().collect::<Vec<_>>().join("; ");
                view! {
                    <Alert
                        message=format!("These settings do not fit this stream: start quality {why}.")
                        testid="snippet-error"
                    />
                }
            })
        })
    };
    view! {
        {problem}
        <div class="snip-fields">
            <CopyField
                label="iFrame snippet"
                value=pick(|s| &s.iframe)
                multiline=true
                testid="snippet-iframe"
            />
            <CopyField
                label="HTML snippet"
                value=pick(|s| &s.html)
                multiline=true
                testid="snippet-html"
            />
            <CopyField label="Live playout URL" value=live_url testid="snippet-live-url" />
            <CopyField label="Embed URL" value=pick(|s| &s.embed_url) testid="snippet-embed-url" />
            <p class="snip-open">
                <a
                    href=move || live_url.get()
                    target="_blank"
                    rel="noopener noreferrer"
                    data-testid="snippet-open-live"
                >
                    "Open the live playout in a new tab"
                </a>
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::TokenClaims;
    use shared::stream::Profile;
    use shared::Timestamp;
    use uuid::Uuid;

    fn member(index: u32, profile: Option<Profile>) -> Member {
        Member {
            index,
            profile,
            ..Member::example()
        }
    }

    #[test]
    fn quality_options_list_auto_original_and_transcodes() {
        let members = vec![
            member(0, None),
            member(1, Profile::preset("vtrans2-852x480x800x25")),
            member(2, Profile::preset("vtrans2-640x360x400x25")),
        ];
        assert_eq!(
            quality_options(&members),
            vec![
                ("auto".to_string(), "Auto".to_string()),
                ("0".to_string(), "0 · Original".to_string()),
                ("1".to_string(), "1 · 852×480 · 800 kbit/s".to_string()),
                ("2".to_string(), "2 · 640×360 · 400 kbit/s".to_string()),
            ]
        );
        assert_eq!(quality_options(&[]).len(), 2);
        assert_eq!(quality_options(&[]).get(1).map(|o| o.0.as_str()), Some("0"));
    }

    #[test]
    fn latency_modes_have_labels() {
        assert_eq!(
            LatencyMode::ALL.map(latency_label),
            ["Classic", "Balanced adaptive", "Fast adaptive"]
        );
    }

    fn issued(token: &str) -> IssuedToken {
        let at = Timestamp::parse("2026-11-25T10:00:00Z").expect("time");
        IssuedToken {
            id: Uuid::nil(),
            token: token.to_string(),
            claims: TokenClaims::example(),
            not_before: at,
            expires_at: at,
        }
    }

    #[test]
    fn settings_carry_the_issued_token() {
        let t = issued("aaa.bbb.ccc");
        let s = settings_with(StartQuality::Index(1), LatencyMode::FastAdaptive, Some(&t));
        assert_eq!(s.start_quality, StartQuality::Index(1));
        assert_eq!(s.latency_mode, LatencyMode::FastAdaptive);
        assert_eq!(
            s.token.map(|t| t.to_string()),
            Some("aaa.bbb.ccc".to_string())
        );
        let bad = issued("not a jwt");
        assert_eq!(
            settings_with(StartQuality::Auto, LatencyMode::Classic, Some(&bad)).token,
            None
        );
        assert_eq!(
            settings_with(StartQuality::Auto, LatencyMode::Classic, None),
            SnippetSettings::default()
        );
    }
}
