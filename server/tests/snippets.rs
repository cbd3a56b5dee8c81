//! Embed snippets: `GET /api/v1/streams/{id}/snippets` (golden answers, validation,
//! access), the stream object's `playout` URLs, the player pages they point at
//! (`/embed`, `/watch/{id}`, the player script) with their framing rules, and the
//! `--player-embed-url` / `--player-script-url` configuration.

mod common;

use common::streams::{fetch, id_of, member_ids, refused_fields};
use common::{assert_error, body, Caller, TestApp};
use reqwest::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use serde_json::{json, Value};
use shared::model::{Feature, Role};
use shared::snippet::{
    LatencyMode, PlaybackJwt, PlayerUrls, SnippetSettings, SnippetTarget, StartQuality,
};
use uuid::Uuid;

/// A syntactically valid playback token (three base64url parts).
const JWT: &str = "aaa.bbb.ccc";

/// A realistic token shape: base64url with `-` and `_`.
const REAL_JWT: &str = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4LXlfeiJ9.c2ln-bmF0_dXJl";

fn snippets_path(id: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/api/v1/streams/{id}/snippets")
    } else {
        format!("/api/v1/streams/{id}/snippets?{query}")
    }
}

/// GET the snippets of `id` with `query`, asserting 200; the JSON answer.
async fn snippets_of(caller: &Caller, id: &str, query: &str) -> Value {
    let path = snippets_path(id, query);
    let res = caller.get(&path).await;
    let status = res.status().as_u16();
    let v = body(res).await;
    assert_eq!(status, 200, "GET {path}: {v}");
    v
}

/// The player URLs of a server at `base` with the defaults.
fn default_urls(base: &str) -> PlayerUrls {
    PlayerUrls {
        embed_url: format!("{base}/embed"),
        script_url: format!("{base}/player/castboard-player.js"),
        watch_url: format!("{base}/watch"),
    }
}

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).expect("a uuid")
}

/// What `shared::snippet::snippets` answers for the same inputs, as JSON.
fn computed(
    urls: &PlayerUrls,
    stream: &str,
    group: &str,
    qualities: u32,
    settings: SnippetSettings,
) -> Value {
    let target = SnippetTarget {
        stream_id: uuid(stream),
        group_id: uuid(group),
        qualities,
    };
    let s = shared::snippet::snippets(urls, &target, &settings).expect("valid settings");
    serde_json::to_value(s).expect("serialises")
}

fn settings(q: StartQuality, mode: LatencyMode, token: Option<&str>) -> SnippetSettings {
    SnippetSettings {
        start_quality: q,
        latency_mode: mode,
        token: token.map(|t| PlaybackJwt::parse(t).expect("valid token")),
    }
}

/// A group of 3 qualities (passthrough + 2 transcodes); its id and member ids in order.
async fn three_quality_group(app: &TestApp, caller: &Caller) -> (String, Vec<String>) {
    app.enable(&[Feature::Transcoding]).await;
    let g = caller
        .create_stream(json!({"transcodes": [
            {"preset": "vtrans2-852x480x800x25"},
            {"preset": "vtrans2-640x360x400x25"}
        ]}))
        .await;
    let members = member_ids(&g);
    assert_eq!(members.len(), 3, "{g}");
    assert_eq!(members[0], id_of(&g));
    (id_of(&g), members)
}

fn header(res: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<&str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

// ---------------------------------------------------------------------------------------
// Golden answers
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn single_stream_with_defaults_golden() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);
    let base = &app.base;

    let res = admin.get(&snippets_path(&id, "")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, CONTENT_TYPE), Some("application/json"));
    assert_eq!(header(&res, CACHE_CONTROL), Some("no-store"));
    let got = body(res).await;

    let expected = json!({
        "embed_url": format!("{base}/embed?group.id={id}&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"),
        "live_url": format!("{base}/watch/{id}?group.id={id}&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"),
        "iframe": format!(r#"<iframe src="{base}/embed?group.id={id}&amp;options.adaption.rule=deviationOfMean2&amp;startIndex=0&amp;playback.latencyControlMode=classic&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#),
        "html": format!(r#"<div id="castboard-player-{id}"></div>
<script src="{base}/player/castboard-player.js"></script>
<script>
  var config = {{
    source: {{
      group: {{
        id: "{id}"
      }},
      options: {{ adaption: {{ rule: "deviationOfMean2" }} }},
      startIndex: 0
    }},
    playback: {{
      latencyControlMode: "classic",
      autoplay: true,
      automute: true
    }},
    style: {{ width: "auto", height: "auto" }}
  }};
  new CastboardPlayer("castboard-player-{id}").setup(config);
</script>"#),
    });
    assert_eq!(got, expected);
    assert_eq!(
        got,
        computed(&default_urls(base), &id, &id, 1, SnippetSettings::default())
    );

    // The defaults spelled out give the same answer.
    let explicit = snippets_of(&admin, &id, "start_quality=auto&latency_mode=classic").await;
    assert_eq!(explicit, expected);
}

#[tokio::test]
async fn group_asked_through_a_transcode_with_a_fixed_index_golden() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (gid, members) = three_quality_group(&app, &admin).await;
    let mid = &members[1];
    let base = &app.base;

    let got = snippets_of(&admin, mid, "start_quality=2&latency_mode=balancedadaptive").await;

    let expected = json!({
        "embed_url": format!("{base}/embed?group.id={gid}&options.adaption.rule=none&startIndex=2&playback.latencyControlMode=balancedadaptive&playback.autoplay=true&playback.automute=true"),
        "live_url": format!("{base}/watch/{mid}?group.id={gid}&options.adaption.rule=none&startIndex=2&playback.latencyControlMode=balancedadaptive&playback.autoplay=true&playback.automute=true"),
        "iframe": format!(r#"<iframe src="{base}/embed?group.id={gid}&amp;options.adaption.rule=none&amp;startIndex=2&amp;playback.latencyControlMode=balancedadaptive&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#),
        "html": format!(r#"<div id="castboard-player-{gid}"></div>
<script src="{base}/player/castboard-player.js"></script>
<script>
  var config = {{
    source: {{
      group: {{
        id: "{gid}"
      }},
      options: {{ adaption: {{ rule: "none" }} }},
      startIndex: 2
    }},
    playback: {{
      latencyControlMode: "balancedadaptive",
      autoplay: true,
      automute: true
    }},
    style: {{ width: "auto", height: "auto" }}
  }};
  new CastboardPlayer("castboard-player-{gid}").setup(config);
</script>"#),
    });
    assert_eq!(got, expected);
    assert_eq!(
        got,
        computed(
            &default_urls(base),
            mid,
            &gid,
            3,
            settings(StartQuality::Index(2), LatencyMode::BalancedAdaptive, None)
        )
    );

    // Every member gives the same player configuration; only the live URL's path differs.
    for m in &members {
        let other = snippets_of(&admin, m, "start_quality=2&latency_mode=balancedadaptive").await;
        assert_eq!(other["embed_url"], expected["embed_url"], "{m}");
        assert_eq!(other["iframe"], expected["iframe"], "{m}");
        assert_eq!(other["html"], expected["html"], "{m}");
        assert_eq!(
            other["live_url"],
            format!("{base}/watch/{m}?group.id={gid}&options.adaption.rule=none&startIndex=2&playback.latencyControlMode=balancedadaptive&playback.autoplay=true&playback.automute=true")
        );
    }
}

#[tokio::test]
async fn start_quality_zero_pins_the_original_golden() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let id = id_of(&admin.create_stream(json!({})).await);
    let base = &app.base;

    let got = snippets_of(&admin, &id, "start_quality=0").await;

    let expected = json!({
        "embed_url": format!("{base}/embed?group.id={id}&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"),
        "live_url": format!("{base}/watch/{id}?group.id={id}&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"),
        "iframe": format!(r#"<iframe src="{base}/embed?group.id={id}&amp;options.adaption.rule=none&amp;startIndex=0&amp;playback.latencyControlMode=classic&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#),
        "html": format!(r#"<div id="castboard-player-{id}"></div>
<script src="{base}/player/castboard-player.js"></script>
<script>
  var config = {{
    source: {{
      group: {{
        id: "{id}"
      }},
      options: {{ adaption: {{ rule: "none" }} }},
      startIndex: 0
    }},
    playback: {{
      latencyControlMode: "classic",
      autoplay: true,
      automute: true
    }},
    style: {{ width: "auto", height: "auto" }}
  }};
  new CastboardPlayer("castboard-player-{id}").setup(config);
</script>"#),
    });
    assert_eq!(got, expected);
    assert_eq!(
        got,
        computed(
            &default_urls(base),
            &id,
            &id,
            1,
            settings(StartQuality::Index(0), LatencyMode::Classic, None)
        )
    );
}

#[tokio::test]
async fn auto_fastadaptive_with_a_token_golden() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (gid, members) = three_quality_group(&app, &admin).await;
    let mid = &members[2];
    let base = &app.base;

    let got = snippets_of(
        &admin,
        mid,
        &format!("start_quality=auto&latency_mode=fastadaptive&token={JWT}"),
    )
    .await;

    let expected = json!({
        "embed_url": format!("{base}/embed?group.id={gid}&group.security.jwtoken=aaa.bbb.ccc&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=fastadaptive&playback.autoplay=true&playback.automute=true"),
        "live_url": format!("{base}/watch/{mid}?group.id={gid}&group.security.jwtoken=aaa.bbb.ccc&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=fastadaptive&playback.autoplay=true&playback.automute=true"),
        "iframe": format!(r#"<iframe src="{base}/embed?group.id={gid}&amp;group.security.jwtoken=aaa.bbb.ccc&amp;options.adaption.rule=deviationOfMean2&amp;startIndex=0&amp;playback.latencyControlMode=fastadaptive&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#),
        "html": format!(r#"<div id="castboard-player-{gid}"></div>
<script src="{base}/player/castboard-player.js"></script>
<script>
  var config = {{
    source: {{
      group: {{
        id: "{gid}",
        security: {{ jwtoken: "aaa.bbb.ccc" }}
      }},
      options: {{ adaption: {{ rule: "deviationOfMean2" }} }},
      startIndex: 0
    }},
    playback: {{
      latencyControlMode: "fastadaptive",
      autoplay: true,
      automute: true
    }},
    style: {{ width: "auto", height: "auto" }}
  }};
  new CastboardPlayer("castboard-player-{gid}").setup(config);
</script>"#),
    });
    assert_eq!(got, expected);
    assert_eq!(
        got,
        computed(
            &default_urls(base),
            mid,
            &gid,
            3,
            settings(StartQuality::Auto, LatencyMode::FastAdaptive, Some(JWT))
        )
    );

    // A realistic token (with `-` and `_`) travels unchanged; one with white space
    // around it (percent-encoded in the query) is trimmed.
    let real = snippets_of(&admin, mid, &format!("token={REAL_JWT}")).await;
    assert_eq!(
        real,
        computed(
            &default_urls(base),
            mid,
            &gid,
            3,
            settings(StartQuality::Auto, LatencyMode::Classic, Some(REAL_JWT))
        )
    );
    assert!(
        real["embed_url"]
            .as_str()
            .expect("embed_url")
            .contains(&format!("&group.security.jwtoken={REAL_JWT}&")),
        "{real}"
    );
    let padded = snippets_of(&admin, mid, &format!("token=%20{REAL_JWT}%0A")).await;
    assert_eq!(padded, real);
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_start_index_beyond_the_group_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let single = id_of(&admin.create_stream(json!({})).await);
    let (gid, members) = three_quality_group(&app, &admin).await;

    let fields = refused_fields(admin.get(&snippets_path(&single, "start_quality=1")).await).await;
    assert_eq!(
        fields,
        json!({"start_quality": "must be auto or 0 (this stream has no transcodes)"})
    );

    for id in [&gid, &members[1], &members[2]] {
        let fields = refused_fields(admin.get(&snippets_path(id, "start_quality=3")).await).await;
        assert_eq!(
            fields,
            json!({"start_quality": "must be auto or a quality index from 0 to 2"}),
            "{id}"
        );
        // The last quality is fine.
        snippets_of(&admin, id, "start_quality=2").await;
    }
}

#[tokio::test]
async fn the_bound_follows_the_group_when_a_transcode_is_removed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (gid, members) = three_quality_group(&app, &admin).await;
    snippets_of(&admin, &members[1], "start_quality=2").await;

    let res = admin
        .delete(&format!("/api/v1/streams/{gid}/profiles/{}", members[2]))
        .await;
    assert_eq!(res.status().as_u16(), 204);

    let fields = refused_fields(
        admin
            .get(&snippets_path(&members[1], "start_quality=2"))
            .await,
    )
    .await;
    assert_eq!(
        fields,
        json!({"start_quality": "must be auto or a quality index from 0 to 1"})
    );
    let got = snippets_of(&admin, &members[1], "start_quality=1").await;
    assert_eq!(
        got,
        computed(
            &default_urls(&app.base),
            &members[1],
            &gid,
            2,
            settings(StartQuality::Index(1), LatencyMode::Classic, None)
        )
    );
    assert_error(
        admin.get(&snippets_path(&members[2], "")).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn malformed_settings_and_unknown_keys_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let id = id_of(&admin.create_stream(json!({})).await);

    const QUALITY: &str = "must be auto or a quality index (0 = original)";
    const MODE: &str = "must be classic, balancedadaptive or fastadaptive";
    const TOKEN: &str = "must be a JWT: three base64url parts separated by dots";
    let cases = [
        ("start_quality=high", "start_quality", QUALITY),
        ("start_quality=-1", "start_quality", QUALITY),
        ("start_quality=%2B1", "start_quality", QUALITY),
        ("start_quality=1000", "start_quality", QUALITY),
        ("start_quality=Auto", "start_quality", QUALITY),
        ("start_quality=", "start_quality", QUALITY),
        ("latency_mode=lowest", "latency_mode", MODE),
        ("latency_mode=FastAdaptive", "latency_mode", MODE),
        ("token=abc", "token", TOKEN),
        ("token=a.b", "token", TOKEN),
        ("token=a.b.c.d", "token", TOKEN),
        ("token=a.b.c!", "token", TOKEN),
        ("token=a..c", "token", TOKEN),
        ("token=a.b%2B.c", "token", TOKEN),
    ];
    for (query, field, message) in cases {
        let fields = refused_fields(admin.get(&snippets_path(&id, query)).await).await;
        assert_eq!(fields, json!({ field: message }), "{query}");
    }

    // Keys the endpoint does not know (such as the player's own) are refused by name.
    for (query, key) in [
        ("startIndex=1", "startIndex"),
        ("start_quality=0&group.id=x", "group.id"),
    ] {
        let fields = refused_fields(admin.get(&snippets_path(&id, query)).await).await;
        assert_eq!(fields, json!({ key: "is not a known field" }), "{query}");
    }
}

// ---------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_role_reads_snippets() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (gid, members) = three_quality_group(&app, &admin).await;
    let want = computed(
        &default_urls(&app.base),
        &members[1],
        &gid,
        3,
        settings(StartQuality::Index(1), LatencyMode::Classic, None),
    );

    let callers = app.every_caller().await;
    assert!(callers.iter().any(|(_, role, _)| *role == Role::ReadOnly));
    for (label, _, caller) in callers {
        let got = snippets_of(&caller, &members[1], "start_quality=1").await;
        assert_eq!(got, want, "{label}");
    }
}

#[tokio::test]
async fn other_organisations_anonymous_callers_and_bad_ids_get_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let id = id_of(&admin.create_stream(json!({})).await);

    let (_, boss) = app.other_org().await;
    let other = app.signed_in(&boss).await;
    assert_error(other.get(&snippets_path(&id, "")).await, 404, "not_found").await;
    // Not even a validation error gives the stream away.
    assert_error(
        other.get(&snippets_path(&id, "start_quality=7")).await,
        404,
        "not_found",
    )
    .await;

    let anonymous = app.anonymous();
    assert_error(
        anonymous.get(&snippets_path(&id, "")).await,
        401,
        "unauthorized",
    )
    .await;
    assert_error(
        anonymous
            .get(&snippets_path(&id, "latency_mode=lowest"))
            .await,
        401,
        "unauthorized",
    )
    .await;

    for bad in [
        "not-a-uuid".to_string(),
        id.to_uppercase(),
        id.replace('-', ""),
        Uuid::new_v4().to_string(),
    ] {
        assert_error(admin.get(&snippets_path(&bad, "")).await, 404, "not_found").await;
    }
}

// ---------------------------------------------------------------------------------------
// The stream object's playout
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_stream_object_carries_the_embed_and_live_urls() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let base = &app.base;

    let single = id_of(&admin.create_stream(json!({})).await);
    let s = fetch(&admin, &single).await;
    assert_eq!(
        s["playout"]["embed_url"],
        format!("{base}/embed?group.id={single}")
    );
    assert_eq!(s["playout"]["live_url"], format!("{base}/watch/{single}"));

    let (gid, members) = three_quality_group(&app, &admin).await;
    for m in &members {
        let s = fetch(&admin, m).await;
        assert_eq!(
            s["playout"]["embed_url"],
            format!("{base}/embed?group.id={gid}"),
            "{m}"
        );
        assert_eq!(s["playout"]["live_url"], format!("{base}/watch/{m}"), "{m}");
    }
}

// ---------------------------------------------------------------------------------------
// Player pages
// ---------------------------------------------------------------------------------------

/// Every `<script` of `html` loads a file (no inline script).
fn assert_no_inline_script(html: &str) {
    let scripts = html.matches("<script").count();
    let with_src = html.matches("<script src=\"").count();
    assert!(scripts > 0, "{html}");
    assert_eq!(scripts, with_src, "inline script in {html}");
}

#[tokio::test]
async fn the_embed_page_may_be_framed_by_any_site() {
    let app = TestApp::spawn().await;
    let gid = Uuid::new_v4();
    let res = reqwest::get(app.url(&format!(
        "/embed?group.id={gid}&options.adaption.rule=none&startIndex=1&playback.latencyControlMode=fastadaptive"
    )))
    .await
    .expect("answers");

    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, CONTENT_TYPE), Some("text/html; charset=utf-8"));
    assert_eq!(
        res.headers()
            .get_all(CONTENT_SECURITY_POLICY)
            .iter()
            .count(),
        1
    );
    let csp = header(&res, CONTENT_SECURITY_POLICY)
        .expect("CSP")
        .to_string();
    assert!(csp.ends_with("frame-ancestors *"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(res.headers().get(X_FRAME_OPTIONS), None);
    assert_eq!(header(&res, X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
    let html = res.text().await.expect("body");
    assert!(
        html.contains(r#"<script src="/player/castboard-player.js"></script>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<script src="/player/page.js"></script>"#),
        "{html}"
    );
    assert!(html.contains(r#"id="castboard-player""#), "{html}");
    assert_no_inline_script(&html);
}

#[tokio::test]
async fn the_watch_page_is_never_framed() {
    let app = TestApp::spawn().await;
    for id in [Uuid::new_v4().to_string(), "anything-at-all".to_string()] {
        let res = reqwest::get(app.url(&format!("/watch/{id}?group.id={id}")))
            .await
            .expect("answers");
        assert_eq!(res.status().as_u16(), 200, "{id}");
        assert_eq!(header(&res, CONTENT_TYPE), Some("text/html; charset=utf-8"));
        assert_eq!(
            res.headers()
                .get_all(CONTENT_SECURITY_POLICY)
                .iter()
                .count(),
            1
        );
        let csp = header(&res, CONTENT_SECURITY_POLICY)
            .expect("CSP")
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("frame-ancestors *"), "{csp}");
        assert_eq!(header(&res, X_FRAME_OPTIONS), Some("DENY"));
        let html = res.text().await.expect("body");
        assert!(
            html.contains(r#"<script src="/player/castboard-player.js"></script>"#),
            "{html}"
        );
        assert_no_inline_script(&html);
    }
}

#[tokio::test]
async fn the_player_script_and_page_assets_are_served_without_a_session() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "/player/castboard-player.js",
            "text/javascript; charset=utf-8",
            "CastboardPlayer",
        ),
        (
            "/player/page.js",
            "text/javascript; charset=utf-8",
            "group.security.jwtoken",
        ),
        (
            "/player/page.css",
            "text/css; charset=utf-8",
            "#castboard-player",
        ),
    ];
    for (path, content_type, needle) in cases {
        let res = reqwest::get(app.url(path)).await.expect("answers");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(header(&res, CONTENT_TYPE), Some(content_type), "{path}");
        assert_eq!(
            header(&res, CACHE_CONTROL),
            Some("public, max-age=300"),
            "{path}"
        );
        let text = res.text().await.expect("body");
        assert!(text.contains(needle), "{path}: {needle}");
    }
    let script = reqwest::get(app.url("/player/castboard-player.js"))
        .await
        .expect("answers")
        .text()
        .await
        .expect("body");
    // hls.js first (the pinned package), then the player with this server's HLS address.
    let version = script.lines().next().unwrap_or_default();
    assert!(version.starts_with("/*! hls.js 1."), "{version}");
    assert!(script.contains("function CastboardPlayer("));
    assert!(script.contains("global.CastboardPlayer = CastboardPlayer"));
    assert!(script.contains(&format!("var HLS_URL = \"{}\";", app.url("/hls"))));
    assert!(!script.contains("__CASTBOARD_HLS_URL__"));
    assert!(
        script.len() > 300_000,
        "hls.js is in: {} bytes",
        script.len()
    );
    // The page script reads every key the snippets write.
    let page = reqwest::get(app.url("/player/page.js"))
        .await
        .expect("answers")
        .text()
        .await
        .expect("body");
    for key in [
        "group.id",
        "group.security.jwtoken",
        "options.adaption.rule",
        "startIndex",
        "playback.latencyControlMode",
        "playback.autoplay",
        "playback.automute",
    ] {
        assert!(page.contains(&format!("\"{key}\"")), "{key} in page.js");
    }
}

#[tokio::test]
async fn api_answers_are_still_never_framed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let id = id_of(&admin.create_stream(json!({})).await);
    let anonymous = app.anonymous();
    let answers = [
        ("GET /api/v1/me", admin.get("/api/v1/me").await),
        (
            "anonymous GET /api/v1/me",
            anonymous.get("/api/v1/me").await,
        ),
        ("GET snippets", admin.get(&snippets_path(&id, "")).await),
    ];
    for (label, res) in answers {
        assert_eq!(header(&res, X_FRAME_OPTIONS), Some("DENY"), "{label}");
        let csp = header(&res, CONTENT_SECURITY_POLICY).expect("CSP");
        assert!(csp.ends_with("frame-ancestors 'none'"), "{label}: {csp}");
    }
}

// ---------------------------------------------------------------------------------------
// Configured player URLs
// ---------------------------------------------------------------------------------------

const EMBED: &str = "https://player.example/embed?theme=dark";
const SCRIPT: &str = "https://cdn.example/p.js";

/// A server like `TestApp::spawn`'s, with the player URLs set; its base and the admin's
/// caller. The returned directory holds the database.
async fn spawn_with_player_urls(
    embed_url: &str,
    script_url: &str,
) -> (String, Caller, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/test.db", dir.path().display());
    let store = castboard::store::Store::open(&db_url)
        .await
        .expect("store opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let mut settings = castboard::Settings::new(&base, common::INGEST_SECRET);
    settings.player.embed_url = embed_url.into();
    settings.player.script_url = script_url.into();
    let app = castboard::app(castboard::AppState::new(store.clone(), settings), None);
    tokio::spawn(async move {
        let _ = castboard::serve(listener, app, Default::default(), std::future::pending()).await;
    });
    let (_, admin) = common::create_org(&store, "Player Org", "admin@player.test").await;
    let caller = Caller::new(&base, common::Auth::Session { csrf: true });
    let res = caller
        .post(
            "/api/v1/auth/login",
            json!({"email": admin.email, "password": admin.password}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200, "sign-in");
    (base, caller, dir)
}

#[tokio::test]
async fn configured_player_urls_are_what_snippets_and_playout_point_at() {
    let (base, admin, _dir) = spawn_with_player_urls(EMBED, SCRIPT).await;
    let id = id_of(&admin.create_stream(json!({})).await);

    let got = snippets_of(&admin, &id, &format!("start_quality=0&token={JWT}")).await;
    let expected = json!({
        "embed_url": format!("https://player.example/embed?theme=dark&group.id={id}&group.security.jwtoken=aaa.bbb.ccc&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"),
        "live_url": format!("{base}/watch/{id}?group.id={id}&group.security.jwtoken=aaa.bbb.ccc&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true"),
        "iframe": format!(r#"<iframe src="https://player.example/embed?theme=dark&amp;group.id={id}&amp;group.security.jwtoken=aaa.bbb.ccc&amp;options.adaption.rule=none&amp;startIndex=0&amp;playback.latencyControlMode=classic&amp;playback.autoplay=true&amp;playback.automute=true" width="1280" height="720" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen title="Live stream"></iframe>"#),
        "html": format!(r#"<div id="castboard-player-{id}"></div>
<script src="https://cdn.example/p.js"></script>
<script>
  var config = {{
    source: {{
      group: {{
        id: "{id}",
        security: {{ jwtoken: "aaa.bbb.ccc" }}
      }},
      options: {{ adaption: {{ rule: "none" }} }},
      startIndex: 0
    }},
    playback: {{
      latencyControlMode: "classic",
      autoplay: true,
      automute: true
    }},
    style: {{ width: "auto", height: "auto" }}
  }};
  new CastboardPlayer("castboard-player-{id}").setup(config);
</script>"#),
    });
    assert_eq!(got, expected);
    let urls = PlayerUrls {
        embed_url: EMBED.into(),
        script_url: SCRIPT.into(),
        watch_url: format!("{base}/watch"),
    };
    assert_eq!(
        got,
        computed(
            &urls,
            &id,
            &id,
            1,
            settings(StartQuality::Index(0), LatencyMode::Classic, Some(JWT))
        )
    );

    let s = fetch(&admin, &id).await;
    assert_eq!(
        s["playout"]["embed_url"],
        format!("https://player.example/embed?theme=dark&group.id={id}")
    );
    assert_eq!(s["playout"]["live_url"], format!("{base}/watch/{id}"));

    // The dashboard builds its snippets on exactly these bases.
    let res = admin.get("/api/v1/player").await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        body(res).await,
        json!({"embed_url": EMBED, "script_url": SCRIPT, "watch_url": format!("{base}/watch")})
    );
}

#[tokio::test]
async fn player_urls_default_to_this_server_for_every_role_and_need_a_caller() {
    let app = TestApp::spawn().await;
    let base = &app.base;
    for (label, _, caller) in app.every_caller().await {
        let res = caller.get("/api/v1/player").await;
        assert_eq!(res.status().as_u16(), 200, "{label}");
        let got: PlayerUrls = serde_json::from_value(body(res).await).expect("player urls");
        assert_eq!(got, default_urls(base), "{label}");
    }
    let anonymous = Caller::new(base, common::Auth::None);
    let res = anonymous.get("/api/v1/player").await;
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(body(res).await["error"]["code"], "unauthorized");
}

// ---------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------

/// Runs `castboard serve` with `extra` arguments and `env` over a fresh database;
/// (exit code, stdout, stderr). `dashboard`: give it an assets folder with an
/// `index.html`, so it has nothing to warn about.
fn serve_once(extra: &[&str], env: &[(&str, &str)], dashboard: bool) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/t.db", dir.path().display());
    let assets = dir.path().join("dist");
    if dashboard {
        std::fs::create_dir(&assets).expect("assets dir");
        std::fs::write(
            assets.join("index.html"),
            "<!doctype html><title>Castboard</title>",
        )
        .expect("index.html");
    }
    let assets = assets.display().to_string();
    let mut cmd = assert_cmd::Command::cargo_bin("castboard").expect("binary built");
    cmd.env_remove("CASTBOARD_INGEST_SECRET")
        .env_remove("CASTBOARD_PLAYER_EMBED_URL")
        .env_remove("CASTBOARD_PLAYER_SCRIPT_URL")
        .env_remove("CASTBOARD_PUBLIC_URL")
        .env("CASTBOARD_LOG", "warn")
        .env("CASTBOARD_MEDIA", "off")
        .timeout(std::time::Duration::from_secs(30))
        .args([
            "serve",
            "--database-url",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--assets-dir",
            &assets,
        ])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

const BAD_EMBED: &str =
    "castboard: error: --player-embed-url must be an http:// or https:// URL with a host";
const BAD_SCRIPT: &str =
    "castboard: error: --player-script-url must be an http:// or https:// URL with a host";

#[test]
fn bad_player_urls_exit_2_with_one_line_on_stderr() {
    let cases: [(&[&str], &str); 8] = [
        (&["--player-embed-url", "javascript:alert(1)"], BAD_EMBED),
        (&["--player-script-url", "ftp://x"], BAD_SCRIPT),
        (&["--player-embed-url", "https://"], BAD_EMBED),
        (&["--player-embed-url", "https:///embed"], BAD_EMBED),
        (&["--player-embed-url", "//player.example/embed"], BAD_EMBED),
        (
            &["--player-script-url", "/player/castboard-player.js"],
            BAD_SCRIPT,
        ),
        (
            &["--player-script-url", "https://cdn.example/a b.js"],
            BAD_SCRIPT,
        ),
        (
            &[
                "--player-embed-url",
                "https://player.example/embed",
                "--player-script-url",
                "data:text/javascript,alert(1)",
            ],
            BAD_SCRIPT,
        ),
    ];
    for (args, line) in cases {
        let (code, out, err) = serve_once(args, &[], true);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}: nothing listens, nothing is printed");
        assert_eq!(err, format!("{line}\n"), "{args:?}");
    }

    // From the environment the message names the flag too.
    let (code, out, err) = serve_once(
        &[],
        &[("CASTBOARD_PLAYER_EMBED_URL", "javascript:alert(1)")],
        true,
    );
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(err, format!("{BAD_EMBED}\n"));

    // Without a dashboard the log warns about it first; the error is still one line,
    // and the last.
    let (code, _, err) = serve_once(&["--player-script-url", "ftp://x"], &[], false);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().last(), Some(BAD_SCRIPT), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("castboard: error:"))
            .count(),
        1,
        "{err}"
    );
}

/// A `castboard serve` process, killed when dropped.
struct Served {
    child: Option<std::process::Child>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn the_serve_flags_reach_snippets_and_playout() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}/t.db", dir.path().display());
    let (org_admin_email, password) = {
        let store = castboard::store::Store::open(&db)
            .await
            .expect("store opens");
        let (_, admin) = common::create_org(&store, "Flag Org", "admin@flags.test").await;
        store.close().await;
        (admin.email, admin.password)
    };

    let mut child = Command::new(env!("CARGO_BIN_EXE_castboard"))
        .args([
            "serve",
            "--database-url",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--assets-dir",
            "/nonexistent-dist",
            "--player-embed-url",
            " https://player.example/embed?theme=dark ",
        ])
        .env_remove("CASTBOARD_INGEST_SECRET")
        .env_remove("CASTBOARD_PUBLIC_URL")
        .env("CASTBOARD_PLAYER_SCRIPT_URL", SCRIPT)
        .env("CASTBOARD_LOG", "warn")
        .env("CASTBOARD_MEDIA", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let _served = Served { child: Some(child) };
    // Both start-up lines, and the pipe stays open: the server stops when it cannot
    // write to stdout.
    let (_stdout, first, second) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout);
        let (mut first, mut second) = (String::new(), String::new());
        lines.read_line(&mut first).expect("reads");
        lines.read_line(&mut second).expect("reads");
        (lines, first, second)
    })
    .await
    .expect("read");
    let base = first
        .strip_prefix("Castboard is listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    assert_eq!(second.trim_end(), format!("API reference: {base}/api/docs"));

    let admin = Caller::new(&base, common::Auth::Session { csrf: true });
    let res = admin
        .post(
            "/api/v1/auth/login",
            json!({"email": org_admin_email, "password": password}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200, "sign-in");
    let id = id_of(&admin.create_stream(json!({})).await);

    let got = snippets_of(&admin, &id, "").await;
    let urls = PlayerUrls {
        embed_url: EMBED.into(),
        script_url: SCRIPT.into(),
        watch_url: format!("{base}/watch"),
    };
    assert_eq!(
        got,
        computed(&urls, &id, &id, 1, SnippetSettings::default())
    );
    assert_eq!(
        got["embed_url"],
        format!("https://player.example/embed?theme=dark&group.id={id}&options.adaption.rule=deviationOfMean2&startIndex=0&playback.latencyControlMode=classic&playback.autoplay=true&playback.automute=true")
    );
    assert!(
        got["html"]
            .as_str()
            .expect("html")
            .contains(r#"<script src="https://cdn.example/p.js"></script>"#),
        "{got}"
    );
    let s = fetch(&admin, &id).await;
    assert_eq!(
        s["playout"]["embed_url"],
        format!("https://player.example/embed?theme=dark&group.id={id}")
    );
    assert_eq!(s["playout"]["live_url"], format!("{base}/watch/{id}"));
}
