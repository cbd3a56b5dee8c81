//! Serving the built dashboard: SPA fallback with 200, cache headers, no inline script.

mod common;

use castboard::web::Assets;
use common::{assert_error, TestApp};
use std::sync::Arc;

const INDEX: &str = r#"<!DOCTYPE html><html><head><link rel="modulepreload" href="/castboard-app-0123456789abcdef.js"><script type="module">import init from '/castboard-app-0123456789abcdef.js';
await init({ module_or_path: '/castboard-app-0123456789abcdef_bg.wasm' });</script></head><body></body></html>"#;

async fn spawn_with_dashboard() -> (TestApp, tempfile::TempDir) {
    let dist = tempfile::tempdir().expect("dist");
    std::fs::write(dist.path().join("index.html"), INDEX).expect("index");
    std::fs::write(
        dist.path().join("castboard-app-0123456789abcdef.js"),
        "export default 1;",
    )
    .expect("js");
    std::fs::write(dist.path().join("favicon.svg"), "<svg/>").expect("svg");
    let assets = Assets::load(dist.path()).map(Arc::new);
    assert!(assets.is_some());
    (TestApp::spawn_with_assets(assets).await, dist)
}

#[tokio::test]
async fn every_dashboard_route_gets_the_page_with_200_and_no_inline_script() {
    let (app, _dist) = spawn_with_dashboard().await;
    let client = reqwest::Client::new();

    let mut pages = Vec::new();
    for path in [
        "/",
        "/sign-in",
        "/streams/3f6c/overview?tab=1",
        "/index.html",
    ] {
        let res = client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert!(res.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("script-src 'self' 'wasm-unsafe-eval'"));
        pages.push(res.text().await.expect("text"));
    }
    assert!(pages.windows(2).all(|w| w[0] == w[1]));
    let page = &pages[0];
    assert!(
        !page.contains("await init"),
        "the inline script was moved out: {page}"
    );
    let src = page
        .split(r#"<script type="module" src=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("boot script tag");
    assert!(src.starts_with("/boot-") && src.ends_with(".js"), "{src}");

    let boot = client.get(app.url(src)).send().await.expect("sent");
    assert_eq!(boot.status().as_u16(), 200);
    assert_eq!(
        boot.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        boot.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(boot
        .text()
        .await
        .expect("text")
        .contains("await init({ module_or_path: '/castboard-app-0123456789abcdef_bg.wasm' });"));
}

#[tokio::test]
async fn only_the_standalone_generator_may_be_framed_and_only_by_this_site() {
    let (app, _dist) = spawn_with_dashboard().await;
    let client = reqwest::Client::new();
    let id = "3f6c2b9a-0000-4000-8000-00000000abcd";

    let res = client
        .get(app.url(&format!("/generator/{id}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_string();
    // The dashboard's policy in every other respect.
    assert!(
        csp.starts_with(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"
        ),
        "{csp}"
    );
    assert!(
        csp.ends_with("form-action 'self'; frame-ancestors 'self'"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-frame-options"], "SAMEORIGIN");

    for path in ["/", "/streams", &format!("/streams/{id}"), "/generator"] {
        let res = client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert!(
            res.headers()["content-security-policy"]
                .to_str()
                .expect("ascii")
                .ends_with("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(res.headers()["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_others_revalidated() {
    let (app, _dist) = spawn_with_dashboard().await;
    let client = reqwest::Client::new();

    let js = client
        .get(app.url("/castboard-app-0123456789abcdef.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(js.status().as_u16(), 200);
    assert_eq!(
        js.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(js.text().await.expect("text"), "export default 1;");
    let icon = client
        .get(app.url("/favicon.svg"))
        .send()
        .await
        .expect("sent");
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn api_paths_never_fall_back_to_the_page() {
    let (app, _dist) = spawn_with_dashboard().await;
    let client = reqwest::Client::new();
    for path in ["/api/v1/unknown", "/api/v1", "/api", "/api/whatever/deep"] {
        let res = client.get(app.url(path)).send().await.expect("sent");
        assert_error(res, 404, "not_found").await;
    }
    let res = client.post(app.url("/sign-in")).send().await.expect("sent");
    assert_error(res, 405, "method_not_allowed").await;
}
