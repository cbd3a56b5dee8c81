//! Embed snippets: the player code a customer pastes into a page to show a stream.
//!
//! Pure functions, used identically by the dashboard (instant preview while the user
//! picks options) and the server's `GET /api/v1/streams/{id}/snippets`, so both always
//! produce the same text. The player configuration follows nanoStream's H5Live player
//! (`source.group.id`, `source.group.security.jwtoken`, `source.options.adaption.rule`,
//! `source.startIndex`, `playback.latencyControlMode`, `playback.autoplay`,
//! `playback.automute`); the same settings travel as query pairs in the embed page URL
//! and the live playout URL.
//!
//! Everything that ends up in markup is escaped here: attribute values with
//! [`escape_html`], JavaScript values with [`js_string`] (which can never close the
//! surrounding `<script>` element), query values with [`percent_encode`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

pub use crate::validate::PlaybackJwt;

/// Which quality of the group the player starts with: `auto` lets it adapt to the
/// viewer's bandwidth, an index pins one (0 = the original, then the transcodes in
/// ladder order). On the wire it is the string `"auto"` or the index as a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum StartQuality {
    /// Start at the original and adapt to the bandwidth.
    #[default]
    Auto,
    /// Start at and stay on this quality (no adaption).
    Index(u32),
}

impl StartQuality {
    /// The most digits an index may have.
    pub const MAX_DIGITS: usize = 3;

    /// `"auto"`, or 1 to 3 ASCII decimal digits (no sign, no spaces).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == "auto" {
            return Ok(StartQuality::Auto);
        }
        let digits =
            !s.is_empty() && s.len() <= Self::MAX_DIGITS && s.bytes().all(|b| b.is_ascii_digit());
        match s.parse::<u32>() {
            Ok(i) if digits => Ok(StartQuality::Index(i)),
            _ => Err("must be auto or a quality index (0 = original)".into()),
        }
    }
}

impl fmt::Display for StartQuality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartQuality::Auto => f.write_str("auto"),
            StartQuality::Index(i) => write!(f, "{i}"),
        }
    }
}

impl FromStr for StartQuality {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        StartQuality::parse(s)
    }
}

impl TryFrom<String> for StartQuality {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        StartQuality::parse(&s)
    }
}

impl From<StartQuality> for String {
    fn from(q: StartQuality) -> String {
        q.to_string()
    }
}

// The derive cannot describe an enum as a plain string, so the schema is written out.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for StartQuality {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^(auto|[0-9]{1,3})$"))
            .description(Some(
                "`auto`, or the index of the quality to start with (0 = original)",
            ))
            .examples(["auto"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for StartQuality {}

/// How the player trades latency against smoothness (H5Live `latencyControlMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(example = "classic")
)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum LatencyMode {
    /// A steady buffer; the most robust playback.
    #[default]
    Classic,
    /// Adapts the buffer to the network, balancing latency and stability.
    BalancedAdaptive,
    /// Adapts the buffer aggressively for the lowest latency.
    FastAdaptive,
}

impl LatencyMode {
    pub const ALL: [LatencyMode; 3] = [
        LatencyMode::Classic,
        LatencyMode::BalancedAdaptive,
        LatencyMode::FastAdaptive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LatencyMode::Classic => "classic",
            LatencyMode::BalancedAdaptive => "balancedadaptive",
            LatencyMode::FastAdaptive => "fastadaptive",
        }
    }

    /// Exactly one of the lowercase names of [`LatencyMode::as_str`].
    pub fn parse(s: &str) -> Result<Self, String> {
        LatencyMode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| "must be classic, balancedadaptive or fastadaptive".to_string())
    }
}

impl fmt::Display for LatencyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LatencyMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        LatencyMode::parse(s)
    }
}

impl TryFrom<String> for LatencyMode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        LatencyMode::parse(&s)
    }
}

/// What the user chose for a snippet; every field is optional on the wire (a missing one
/// takes its default), so this also reads (and describes) the query string of the
/// snippets endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default, deny_unknown_fields)]
pub struct SnippetSettings {
    /// `auto` (default: start at the highest and switch automatically) or a fixed quality
    /// index, 0 = original; an index must exist in the group.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub start_quality: StartQuality,
    /// `classic` (default), `balancedadaptive` or `fastadaptive`.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub latency_mode: LatencyMode,
    /// A playback token (JWT) to put into the snippets.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub token: Option<PlaybackJwt>,
}

/// The configured public bases the snippets point at (`GET /player`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayerUrls {
    /// The embed page, e.g. `https://cb.example/embed`; may already carry a query.
    pub embed_url: String,
    /// The player script, e.g. `https://cb.example/player/castboard-player.js`.
    pub script_url: String,
    /// The live playout base, e.g. `https://cb.example/watch`; the stream id is appended
    /// as a path segment.
    pub watch_url: String,
}

/// The stream a snippet is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnippetTarget {
    pub stream_id: Uuid,
    /// The group the player plays; for a single stream, its own id.
    pub group_id: Uuid,
    /// Members of the group (passthrough + transcodes); 1 for a single stream.
    pub qualities: u32,
}

/// The four ways to show a stream, as the snippets endpoint answers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snippets {
    /// An `<iframe>` of the embed page.
    pub iframe: String,
    /// A `<div>` plus the player script and its configuration.
    pub html: String,
    /// The live playout URL, with the player settings as query.
    pub live_url: String,
    /// The embed page URL, with the player settings as query.
    pub embed_url: String,
}

/// Whether `settings` fit `target`, else the field errors (`start_quality` when the index
/// is past the group's last quality). A target with 0 qualities counts as 1: a stream
/// always has its original.
pub fn check(
    target: &SnippetTarget,
    settings: &SnippetSettings,
) -> Result<(), BTreeMap<String, String>> {
    let qualities = target.qualities.max(1);
    match settings.start_quality {
        StartQuality::Index(i) if i >= qualities => {
            let message = if qualities == 1 {
                "must be auto or 0 (this stream has no transcodes)".to_string()
            } else {
                format!(
                    "must be auto or a quality index from 0 to {}",
                    qualities - 1
                )
            };
            Err(BTreeMap::from([("start_quality".to_string(), message)]))
        }
        _ => Ok(()),
    }
}

/// The adaption rule for a start quality: adapt for `auto`, none for a pinned index.
fn adaption_rule(q: StartQuality) -> &'static str {
    match q {
        StartQuality::Auto => "deviationOfMean2",
        StartQuality::Index(_) => "none",
    }
}

/// The start index for a start quality: the original for `auto`.
fn start_index(q: StartQuality) -> u32 {
    match q {
        StartQuality::Auto => 0,
        StartQuality::Index(i) => i,
    }
}

/// The player settings as ordered query pairs (keys unencoded), the same for the embed
/// page and the live URL.
pub fn player_query(group_id: Uuid, settings: &SnippetSettings) -> Vec<(&'static str, String)> {
    let mut pairs = vec![("group.id", group_id.to_string())];
    if let Some(token) = &settings.token {
        pairs.push(("group.security.jwtoken", token.to_string()));
    }
    pairs.extend([
        (
            "options.adaption.rule",
            adaption_rule(settings.start_quality).to_string(),
        ),
        (
            "startIndex",
            start_index(settings.start_quality).to_string(),
        ),
        (
            "playback.latencyControlMode",
            settings.latency_mode.to_string(),
        ),
        ("playback.autoplay", "true".to_string()),
        ("playback.automute", "true".to_string()),
    ]);
    pairs
}

/// `base` with `pairs` appended as query: after `?`, or after `&` when `base` already has a
/// query, or directly when `base` ends with `?` or `&`. Keys go as given, values through
/// [`percent_encode`]. A `#fragment` of `base` stays at the end.
pub fn with_query(base: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return base.to_string();
    }
    let (head, fragment) = match base.find('#') {
        Some(at) => base.split_at(at),
        None => (base, ""),
    };
    let mut out = String::with_capacity(head.len() + fragment.len() + pairs.len() * 32);
    out.push_str(head);
    if !(head.ends_with('?') || head.ends_with('&')) {
        out.push(if head.contains('?') { '&' } else { '?' });
    }
    for (n, (key, value)) in pairs.iter().enumerate() {
        if n > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out.push_str(fragment);
    out
}

/// Percent-encodes every byte of `s`'s UTF-8 outside RFC 3986's unreserved set
/// (`A-Z a-z 0-9 - . _ ~`) as `%XX`, uppercase hex.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
    out
}

/// Escapes `s` for HTML text and double- or single-quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` as a double-quoted JavaScript (and JSON) string literal that is also safe inside a
/// `<script>` element: JSON escaping, plus `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The embed page URL with the player settings.
pub fn embed_url(urls: &PlayerUrls, target: &SnippetTarget, settings: &SnippetSettings) -> String {
    with_query(&urls.embed_url, &player_query(target.group_id, settings))
}

/// The live playout URL (`<watch_url>/<stream id>`) with the player settings.
pub fn live_url(urls: &PlayerUrls, target: &SnippetTarget, settings: &SnippetSettings) -> String {
    let base = format!(
        "{}/{}",
        urls.watch_url.trim_end_matches('/'),
        target.stream_id
    );
    with_query(&base, &player_query(target.group_id, settings))
}

/// A one-line `<iframe>` of the embed page, 1280×720.
pub fn iframe_snippet(
    urls: &PlayerUrls,
    target: &SnippetTarget,
    settings: &SnippetSettings,
) -> String {
    format!(
        r#"<iframe src="{}" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#,
        escape_html(&embed_url(urls, target, settings))
    )
}

/// A `<div>`, the player script and a script that configures and starts the player in
/// the `<div>`; lines joined with `\n`, no trailing newline.
pub fn html_snippet(
    urls: &PlayerUrls,
    target: &SnippetTarget,
    settings: &SnippetSettings,
) -> String {
    let id = format!("castboard-player-{}", target.group_id);
    let group_id = js_string(&target.group_id.to_string());
    let mut lines = vec![
        format!(r#"<div id="{id}"></div>"#),
        format!(
            r#"<script src="{}"></script>"#,
            escape_html(&urls.script_url)
        ),
        "<script>".to_string(),
        "  var config = {".to_string(),
        "    source: {".to_string(),
        "      group: {".to_string(),
    ];
    match &settings.token {
        Some(token) => {
            lines.push(format!("        id: {group_id},"));
            lines.push(format!(
                "        security: {{ jwtoken: {} }}",
                js_string(token.as_str())
            ));
        }
        None => lines.push(format!("        id: {group_id}")),
    }
    lines.extend([
        "      },".to_string(),
        format!(
            "      options: {{ adaption: {{ rule: {} }} }},",
            js_string(adaption_rule(settings.start_quality))
        ),
        format!("      startIndex: {}", start_index(settings.start_quality)),
        "    },".to_string(),
        "    playback: {".to_string(),
        format!(
            "      latencyControlMode: {},",
            js_string(settings.latency_mode.as_str())
        ),
        "      autoplay: true,".to_string(),
        "      automute: true".to_string(),
        "    },".to_string(),
        r#"    style: { width: "auto", height: "auto" }"#.to_string(),
        "  };".to_string(),
        format!("  new CastboardPlayer({}).setup(config);", js_string(&id)),
        "</script>".to_string(),
    ]);
    lines.join("\n")
}

/// All four snippets, after [`check`].
pub fn snippets(
    urls: &PlayerUrls,
    target: &SnippetTarget,
    settings: &SnippetSettings,
) -> Result<Snippets, BTreeMap<String, String>> {
    check(target, settings)?;
    Ok(Snippets {
        iframe: iframe_snippet(urls, target, settings),
        html: html_snippet(urls, target, settings),
        live_url: live_url(urls, target, settings),
        embed_url: embed_url(urls, target, settings),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    fn urls() -> PlayerUrls {
        PlayerUrls {
            embed_url: "https://cb.example/embed".into(),
            script_url: "https://cb.example/player/castboard-player.js".into(),
            watch_url: "https://cb.example/watch".into(),
        }
    }

    fn id(s: &str) -> Uuid {
        Uuid::parse_str(s).expect("valid uuid")
    }

    fn single() -> SnippetTarget {
        let own = id("7c1e2b3a-0000-4000-8000-00000000abcd");
        SnippetTarget {
            stream_id: own,
            group_id: own,
            qualities: 1,
        }
    }

    fn group() -> SnippetTarget {
        SnippetTarget {
            stream_id: id("a1b2c3d4-0000-4000-8000-000000000001"),
            group_id: id("5f0c9a7e-2222-4333-8444-555566667777"),
            qualities: 4,
        }
    }

    fn settings(
        start_quality: StartQuality,
        latency_mode: LatencyMode,
        token: Option<&str>,
    ) -> SnippetSettings {
        SnippetSettings {
            start_quality,
            latency_mode,
            token: token.map(|t| PlaybackJwt::parse(t).expect("valid token")),
        }
    }

    #[test]
    fn golden_single_stream_defaults() {
        let s = snippets(&urls(), &single(), &SnippetSettings::default()).expect("valid");
        assert_eq!(
            s.embed_url,
            "https://cb.example/embed?group.id=7c1e2b3a-0000-4000-8000-00000000abcd&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.live_url,
            "https://cb.example/watch/7c1e2b3a-0000-4000-8000-00000000abcd?group.id=7c1e2b3a-0000-4000-8000-00000000abcd&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.iframe,
            r#"<iframe src="https://cb.example/embed?group.id=7c1e2b3a-0000-4000-8000-00000000abcd&amp;options.adaption.rule=deviationOfMean2&amp;startIndex=0&amp;playback.latencyControlMode=classic&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#
        );
        assert_eq!(
            s.html,
            r#"<div id="castboard-player-7c1e2b3a-0000-4000-8000-00000000abcd"></div>
<script src="https://cb.example/player/castboard-player.js"></script>
<script>
  var config = {
    source: {
      group: {
        id: "7c1e2b3a-0000-4000-8000-00000000abcd"
      },
      options: { adaption: { rule: "deviationOfMean2" } },
      startIndex: 0
    },
    playback: {
      latencyControlMode: "classic",
      autoplay: true,
      automute: true
    },
    style: { width: "auto", height: "auto" }
  };
  new CastboardPlayer("castboard-player-7c1e2b3a-0000-4000-8000-00000000abcd").setup(config);
</script>"#
        );
    }

    #[test]
    fn golden_group_fixed_index_balanced() {
        let set = settings(StartQuality::Index(2), LatencyMode::BalancedAdaptive, None);
        let s = snippets(&urls(), &group(), &set).expect("valid");
        assert_eq!(
            s.embed_url,
            "https://cb.example/embed?group.id=5f0c9a7e-2222-4333-8444-555566667777&options.adaption.rule=none&startIndex=2&playback.latencyControlMode=balancedadaptive&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.live_url,
            "https://cb.example/watch/a1b2c3d4-0000-4000-8000-000000000001?group.id=5f0c9a7e-2222-4333-8444-555566667777&options.adaption.rule=none&startIndex=2&playback.latencyControlMode=balancedadaptive&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.iframe,
            r#"<iframe src="https://cb.example/embed?group.id=5f0c9a7e-2222-4333-8444-555566667777&amp;options.adaption.rule=none&amp;startIndex=2&amp;playback.latencyControlMode=balancedadaptive&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#
        );
        assert_eq!(
            s.html,
            r#"<div id="castboard-player-5f0c9a7e-2222-4333-8444-555566667777"></div>
<script src="https://cb.example/player/castboard-player.js"></script>
<script>
  var config = {
    source: {
      group: {
        id: "5f0c9a7e-2222-4333-8444-555566667777"
      },
      options: { adaption: { rule: "none" } },
      startIndex: 2
    },
    playback: {
      latencyControlMode: "balancedadaptive",
      autoplay: true,
      automute: true
    },
    style: { width: "auto", height: "auto" }
  };
  new CastboardPlayer("castboard-player-5f0c9a7e-2222-4333-8444-555566667777").setup(config);
</script>"#
        );
    }

    #[test]
    fn golden_group_auto_fast_with_token() {
        let set = settings(StartQuality::Auto, LatencyMode::FastAdaptive, Some(TOKEN));
        let s = snippets(&urls(), &group(), &set).expect("valid");
        assert_eq!(
            s.embed_url,
            "https://cb.example/embed?group.id=5f0c9a7e-2222-4333-8444-555566667777&group.security.jwtoken=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=fastadaptive&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.live_url,
            "https://cb.example/watch/a1b2c3d4-0000-4000-8000-000000000001?group.id=5f0c9a7e-2222-4333-8444-555566667777&group.security.jwtoken=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=fastadaptive&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.iframe,
            r#"<iframe src="https://cb.example/embed?group.id=5f0c9a7e-2222-4333-8444-555566667777&amp;group.security.jwtoken=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&amp;options.adaption.rule=deviationOfMean2&amp;startIndex=0&amp;playback.latencyControlMode=fastadaptive&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#
        );
        assert_eq!(
            s.html,
            r#"<div id="castboard-player-5f0c9a7e-2222-4333-8444-555566667777"></div>
<script src="https://cb.example/player/castboard-player.js"></script>
<script>
  var config = {
    source: {
      group: {
        id: "5f0c9a7e-2222-4333-8444-555566667777",
        security: { jwtoken: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" }
      },
      options: { adaption: { rule: "deviationOfMean2" } },
      startIndex: 0
    },
    playback: {
      latencyControlMode: "fastadaptive",
      autoplay: true,
      automute: true
    },
    style: { width: "auto", height: "auto" }
  };
  new CastboardPlayer("castboard-player-5f0c9a7e-2222-4333-8444-555566667777").setup(config);
</script>"#
        );
    }

    #[test]
    fn golden_fixed_index_zero() {
        let set = settings(StartQuality::Index(0), LatencyMode::Classic, None);
        let s = snippets(&urls(), &single(), &set).expect("valid");
        assert_eq!(
            s.embed_url,
            "https://cb.example/embed?group.id=7c1e2b3a-0000-4000-8000-00000000abcd&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.live_url,
            "https://cb.example/watch/7c1e2b3a-0000-4000-8000-00000000abcd?group.id=7c1e2b3a-0000-4000-8000-00000000abcd&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.html,
            r#"<div id="castboard-player-7c1e2b3a-0000-4000-8000-00000000abcd"></div>
<script src="https://cb.example/player/castboard-player.js"></script>
<script>
  var config = {
    source: {
      group: {
        id: "7c1e2b3a-0000-4000-8000-00000000abcd"
      },
      options: { adaption: { rule: "none" } },
      startIndex: 0
    },
    playback: {
      latencyControlMode: "classic",
      autoplay: true,
      automute: true
    },
    style: { width: "auto", height: "auto" }
  };
  new CastboardPlayer("castboard-player-7c1e2b3a-0000-4000-8000-00000000abcd").setup(config);
</script>"#
        );
    }

    #[test]
    fn golden_hostile_bases_are_escaped() {
        let base = r#"https://cdn.example/p?x=1&y="<a>""#;
        let hostile = PlayerUrls {
            embed_url: base.into(),
            script_url: base.into(),
            watch_url: "https://cb.example/watch/".into(),
        };
        let s = snippets(&hostile, &single(), &SnippetSettings::default()).expect("valid");
        assert_eq!(
            s.embed_url,
            r#"https://cdn.example/p?x=1&y="<a>"&group.id=7c1e2b3a-0000-4000-8000-00000000abcd&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"#
        );
        assert_eq!(
            s.live_url,
            "https://cb.example/watch/7c1e2b3a-0000-4000-8000-00000000abcd?group.id=7c1e2b3a-0000-4000-8000-00000000abcd&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"
        );
        assert_eq!(
            s.iframe,
            r#"<iframe src="https://cdn.example/p?x=1&amp;y=&quot;&lt;a&gt;&quot;&amp;group.id=7c1e2b3a-0000-4000-8000-00000000abcd&amp;options.adaption.rule=deviationOfMean2&amp;startIndex=0&amp;playback.latencyControlMode=classic&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#
        );
        assert_eq!(
            s.html,
            r#"<div id="castboard-player-7c1e2b3a-0000-4000-8000-00000000abcd"></div>
<script src="https://cdn.example/p?x=1&amp;y=&quot;&lt;a&gt;&quot;"></script>
<script>
  var config = {
    source: {
      group: {
        id: "7c1e2b3a-0000-4000-8000-00000000abcd"
      },
      options: { adaption: { rule: "deviationOfMean2" } },
      startIndex: 0
    },
    playback: {
      latencyControlMode: "classic",
      autoplay: true,
      automute: true
    },
    style: { width: "auto", height: "auto" }
  };
  new CastboardPlayer("castboard-player-7c1e2b3a-0000-4000-8000-00000000abcd").setup(config);
</script>"#
        );
    }

    #[test]
    fn js_string_golden() {
        assert_eq!(
            js_string(r#"</script><script>alert("x")</script>"#),
            r#""\u003c/script\u003e\u003cscript\u003ealert(\"x\")\u003c/script\u003e""#
        );
        assert_eq!(js_string("a\u{2028}b'\\"), r#""a\u2028b'\\""#);
        assert_eq!(
            js_string("x & y\u{2029}\n\t\u{1}"),
            r#""x \u0026 y\u2029\n\t\u0001""#
        );
    }

    #[test]
    fn percent_encode_golden() {
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(percent_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(percent_encode("+%?#"), "%2B%25%3F%23");
    }

    #[test]
    fn with_query_separators() {
        let pairs = [("a", "1".to_string()), ("b.c", "x y".to_string())];
        assert_eq!(
            with_query("https://x/embed", &pairs),
            "https://x/embed?a=1&b.c=x%20y"
        );
        assert_eq!(
            with_query("https://x/embed?theme=dark", &pairs),
            "https://x/embed?theme=dark&a=1&b.c=x%20y"
        );
        assert_eq!(
            with_query("https://x/embed?", &pairs),
            "https://x/embed?a=1&b.c=x%20y"
        );
        assert_eq!(
            with_query("https://x/embed?theme=dark&", &pairs),
            "https://x/embed?theme=dark&a=1&b.c=x%20y"
        );
        assert_eq!(
            with_query("https://x/embed#top", &pairs),
            "https://x/embed?a=1&b.c=x%20y#top"
        );
        assert_eq!(with_query("https://x/embed", &[]), "https://x/embed");
    }

    #[test]
    fn escape_html_golden() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn check_bounds_the_start_index() {
        let too_far = settings(StartQuality::Index(4), LatencyMode::Classic, None);
        assert_eq!(
            check(&group(), &too_far),
            Err(BTreeMap::from([(
                "start_quality".to_string(),
                "must be auto or a quality index from 0 to 3".to_string()
            )]))
        );
        assert_eq!(
            snippets(&urls(), &group(), &too_far).map_err(|e| e.len()),
            Err(1)
        );
        let single_one = settings(StartQuality::Index(1), LatencyMode::Classic, None);
        assert_eq!(
            check(&single(), &single_one),
            Err(BTreeMap::from([(
                "start_quality".to_string(),
                "must be auto or 0 (this stream has no transcodes)".to_string()
            )]))
        );
        let last = settings(StartQuality::Index(3), LatencyMode::Classic, None);
        assert_eq!(check(&group(), &last), Ok(()));
        assert_eq!(check(&single(), &SnippetSettings::default()), Ok(()));
        let zero = SnippetTarget {
            qualities: 0,
            ..single()
        };
        assert_eq!(
            check(
                &zero,
                &settings(StartQuality::Index(0), LatencyMode::Classic, None)
            ),
            Ok(())
        );
    }

    #[test]
    fn start_quality_parse_and_serde() {
        assert_eq!(StartQuality::parse("auto"), Ok(StartQuality::Auto));
        assert_eq!(StartQuality::parse("0"), Ok(StartQuality::Index(0)));
        assert_eq!(StartQuality::parse("12"), Ok(StartQuality::Index(12)));
        assert_eq!(StartQuality::parse("999"), Ok(StartQuality::Index(999)));
        for bad in [
            "", "Auto", "AUTO", " auto", "1000", "-1", "+1", " 1", "1 ", "1.0", "x", "٣",
        ] {
            assert_eq!(
                StartQuality::parse(bad),
                Err("must be auto or a quality index (0 = original)".to_string()),
                "{bad:?}"
            );
        }
        assert_eq!(StartQuality::Auto.to_string(), "auto");
        assert_eq!(StartQuality::Index(7).to_string(), "7");
        assert_eq!(StartQuality::default(), StartQuality::Auto);
        for q in [
            StartQuality::Auto,
            StartQuality::Index(0),
            StartQuality::Index(42),
        ] {
            let json = serde_json::to_string(&q).expect("serialises");
            assert_eq!(json, format!("\"{q}\""));
            let back: StartQuality = serde_json::from_str(&json).expect("parses");
            assert_eq!(back, q);
        }
        assert_eq!(
            serde_json::from_str::<StartQuality>("\"first\"").map_err(|e| e.to_string()),
            Err("must be auto or a quality index (0 = original)".to_string())
        );
        assert!(serde_json::from_str::<StartQuality>("2").is_err());
    }

    #[test]
    fn latency_mode_parse_and_serde() {
        for m in LatencyMode::ALL {
            assert_eq!(LatencyMode::parse(m.as_str()), Ok(m));
            assert_eq!(m.to_string(), m.as_str());
            let json = serde_json::to_string(&m).expect("serialises");
            assert_eq!(json, format!("\"{}\"", m.as_str()));
            let back: LatencyMode = serde_json::from_str(&json).expect("parses");
            assert_eq!(back, m);
        }
        assert_eq!(
            LatencyMode::ALL.map(LatencyMode::as_str),
            ["classic", "balancedadaptive", "fastadaptive"]
        );
        assert_eq!(LatencyMode::default(), LatencyMode::Classic);
        for bad in ["", "Classic", "balanced_adaptive", "fast", " classic"] {
            assert_eq!(
                LatencyMode::parse(bad),
                Err("must be classic, balancedadaptive or fastadaptive".to_string()),
                "{bad:?}"
            );
        }
        assert_eq!(
            serde_json::from_str::<LatencyMode>("\"FastAdaptive\"").map_err(|e| e.to_string()),
            Err("must be classic, balancedadaptive or fastadaptive".to_string())
        );
    }

    #[test]
    fn playback_jwt_parse_and_serde() {
        let t = PlaybackJwt::parse(&format!("  {TOKEN}\n")).expect("valid");
        assert_eq!(t.as_str(), TOKEN);
        assert_eq!(t.to_string(), TOKEN);
        assert!(PlaybackJwt::parse("a.b.c").is_ok());
        assert!(PlaybackJwt::parse("A-z_9.b.c").is_ok());
        let long = format!("{}.b.c", "a".repeat(PlaybackJwt::MAX_LEN - 4));
        assert!(PlaybackJwt::parse(&long).is_ok());
        let too_long = format!("{}.b.c", "a".repeat(PlaybackJwt::MAX_LEN - 3));
        let err = Err("must be a JWT: three base64url parts separated by dots".to_string());
        assert_eq!(PlaybackJwt::parse(&too_long), err);
        for bad in [
            "", "a.b", "a.b.c.d", "a..c", ".b.c", "a.b.", "a.b=.c", "a.b+/.c", "a .b.c", "a.b.cé",
        ] {
            assert_eq!(PlaybackJwt::parse(bad), err, "{bad:?}");
        }
        let json = serde_json::to_string(&t).expect("serialises");
        assert_eq!(json, format!("\"{TOKEN}\""));
        let back: PlaybackJwt = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, t);
        assert_eq!(
            serde_json::from_str::<PlaybackJwt>("\"a.b\"").map_err(|e| e.to_string()),
            err
        );
    }

    #[test]
    fn settings_and_snippets_serde() {
        let s: SnippetSettings = serde_json::from_str("{}").expect("defaults");
        assert_eq!(s, SnippetSettings::default());
        let set = settings(
            StartQuality::Index(1),
            LatencyMode::FastAdaptive,
            Some(TOKEN),
        );
        let json = serde_json::to_string(&set).expect("serialises");
        assert_eq!(
            json,
            format!(r#"{{"start_quality":"1","latency_mode":"fastadaptive","token":"{TOKEN}"}}"#)
        );
        let back: SnippetSettings = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, set);
        let snips = snippets(&urls(), &group(), &set).expect("valid");
        let back: Snippets =
            serde_json::from_str(&serde_json::to_string(&snips).expect("serialises"))
                .expect("parses");
        assert_eq!(back, snips);
    }

    /// Decodes `%XX` escapes; `None` on a malformed escape or invalid UTF-8.
    fn percent_decode(s: &str) -> Option<String> {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).ok()
    }

    /// Undoes [`escape_html`] in one pass; `None` on an unknown entity.
    fn unescape_html(s: &str) -> Option<String> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let (c, len) = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#39;", '\''),
            ]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e))
            .map(|(e, c)| (c, e.len()))?;
            out.push(c);
            rest = &rest[len..];
        }
        out.push_str(rest);
        Some(out)
    }

    proptest! {
        #[test]
        fn percent_encoding_round_trips(s in any::<String>()) {
            let enc = percent_encode(&s);
            prop_assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert_eq!(percent_decode(&enc), Some(s));
        }

        #[test]
        fn html_escaping_round_trips(s in any::<String>()) {
            let esc = escape_html(&s);
            prop_assert!(!esc.contains(['<', '>', '"', '\'']));
            prop_assert_eq!(unescape_html(&esc), Some(s));
        }

        #[test]
        fn js_strings_are_json_and_script_safe(s in any::<String>()) {
            let lit = js_string(&s);
            prop_assert!(!lit.contains(['<', '>', '&']));
            let back: String = serde_json::from_str(&lit).expect("a JSON string");
            prop_assert_eq!(back, s);
        }

        #[test]
        fn start_quality_display_parses_back(i in 0u32..1000) {
            let q = StartQuality::Index(i);
            prop_assert_eq!(StartQuality::parse(&q.to_string()), Ok(q));
        }

        #[test]
        fn player_query_values_survive_the_url(i in 0u32..4, tok in "[A-Za-z0-9_-]{1,20}\\.[A-Za-z0-9_-]{1,20}\\.[A-Za-z0-9_-]{1,20}") {
            let set = settings(StartQuality::Index(i), LatencyMode::BalancedAdaptive, Some(&tok));
            let url = embed_url(&urls(), &group(), &set);
            let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
            let decoded: Vec<(String, String)> = query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .filter_map(|(k, v)| Some((k.to_string(), percent_decode(v)?)))
                .collect();
            let expected: Vec<(String, String)> = player_query(group().group_id, &set)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            prop_assert_eq!(decoded, expected);
        }
    }
}
