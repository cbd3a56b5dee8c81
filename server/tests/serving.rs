//! Serving the built dashboard: SPA fallback with 200, cache headers, no inline script.

mod common;

use castboard::web::Assets;
use common::{assert_error, TestApp};
use std::sync::Arc;

const INDEX: &str = r#"<!DOCTYPE html><html><head><link rel="modulepreload" href="/app-0123456789abcdef/main.js"><script type="module">import init from '/app-0123456789abcdef/main.js';
await init({ module_or_path: '/app-0123456789abcdef/main_bg.wasm' });</script></head><body></body></html>"#;

async fn spawn_with_dashboard() -> (TestApp, tempfile::TempDir) {
    let dist = tempfile::tempdir().expect("dist");
    std::fs::write(dist.path().join("index.html"), INDEX).expect("index");
    // The wasm module's folder, as scripts/build-wasm.sh writes it.
    std::fs::create_dir(dist.path().join("app-0123456789abcdef")).expect("app folder");
    std::fs::write(
        dist.path().join("app-0123456789abcdef/main.js"),
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
        .contains("await init({ module_or_path: '/app-0123456789abcdef/main_bg.wasm' });"));
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
        .get(app.url("/app-0123456789abcdef/main.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(js.status().as_u16(), 200);
    assert_eq!(
        js.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(js.text().await.expect("text"), "export default 1;");
    // A part missing from the module's folder, or one of an earlier release's folder, is
    // gone, not a page of the dashboard.
    for gone in [
        "/app-0123456789abcdef/split_page_tokens.wasm",
        "/app-fedcba9876543210/main.js",
    ] {
        let res = client.get(app.url(gone)).send().await.expect("sent");
        assert_eq!(res.status().as_u16(), 404, "{gone}");
    }
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

/// One HTTP/1.1 GET of `path` on `conn`, kept alive; the body's length.
async fn get_on(conn: &mut tokio::io::BufReader<tokio::net::TcpStream>, path: &str) -> usize {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let request = format!("GET {path} HTTP/1.1\r\nHost: castboard.test\r\n\r\n");
    conn.get_mut()
        .write_all(request.as_bytes())
        .await
        .expect("sent");
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        conn.read_line(&mut line).await.expect("a header line");
        let line = line.trim_end().to_ascii_lowercase();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("content-length:") {
            length = v.trim().parse().ok();
        }
        chunked |= line == "transfer-encoding: chunked";
    }
    if !chunked {
        let mut body = vec![0; length.expect("a length")];
        conn.read_exact(&mut body).await.expect("the body");
        return body.len();
    }
    let mut total = 0;
    loop {
        let mut size = String::new();
        conn.read_line(&mut size).await.expect("a chunk size");
        let n = usize::from_str_radix(size.trim(), 16).expect("hex");
        let mut chunk = vec![0; n + 2];
        conn.read_exact(&mut chunk).await.expect("a chunk");
        if n == 0 {
            return total;
        }
        total += n;
    }
}

/// Every answer leaves at once on a kept-alive connection: twenty requests in a row on
/// one connection, for a static file and for an API answer. With Nagle's algorithm on
/// the accepted socket, an answer written in pieces (headers, then the body) held its
/// last piece until the client's delayed acknowledgement: about 30 ms a request here.
#[tokio::test]
async fn a_kept_alive_connection_gets_each_answer_without_a_stall() {
    let (app, dist) = spawn_with_dashboard().await;
    // A stylesheet's size: streamed from the file.
    let body = "a { color: red; }\n".repeat(2400);
    std::fs::write(dist.path().join("big-0123456789abcdef.css"), &body).expect("css");
    let addr = app.base.trim_start_matches("http://").to_string();
    for path in ["/big-0123456789abcdef.css", "/api/v1/openapi.json"] {
        let stream = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connects");
        let mut conn = tokio::io::BufReader::new(stream);
        let mut took = Vec::new();
        for _ in 0..20 {
            let start = std::time::Instant::now();
            let len = get_on(&mut conn, path).await;
            took.push(start.elapsed());
            if path.ends_with(".css") {
                assert_eq!(len, body.len());
            }
        }
        // Stalled, about every second request waits 40 ms; a loaded machine may make a
        // few slow for other reasons, never half of them.
        let slow = took
            .iter()
            .filter(|t| **t >= std::time::Duration::from_millis(25))
            .count();
        assert!(
            slow <= 3,
            "{path}: {slow} of 20 requests took 25 ms or more: {took:?}"
        );
    }
}

/// A hashed file goes out as the release build compressed it, by the client's
/// `Accept-Encoding`: brotli first, then gzip, else the file itself; every answer says it
/// varies by encoding and stays cacheable for good. Other files are compressed on the fly.
#[tokio::test]
async fn hashed_files_are_sent_precompressed_by_content_negotiation() {
    let (app, dist) = spawn_with_dashboard().await;
    let js = "export default 1;";
    // What the build wrote beside it (the server does not look inside).
    std::fs::write(dist.path().join("app-0123456789abcdef/main.js.br"), b"BR!").expect("br");
    std::fs::write(
        dist.path().join("app-0123456789abcdef/main.js.gz"),
        b"GZIP!",
    )
    .expect("gz");
    let client = reqwest::Client::new();
    let get = |path: &str, accept: Option<&'static str>| {
        let mut req = client.get(app.url(path));
        if let Some(a) = accept {
            req = req.header("accept-encoding", a);
        }
        async move {
            let res = req.send().await.expect("answers");
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let seen = (
                res.status().as_u16(),
                header("content-encoding"),
                header("vary"),
                header("cache-control"),
                header("content-type"),
            );
            (seen, res.bytes().await.expect("body").to_vec())
        }
    };
    let path = "/app-0123456789abcdef/main.js";
    let immutable = Some("public, max-age=31536000, immutable".to_string());
    let vary = Some("accept-encoding".to_string());
    let js_type = Some("text/javascript".to_string());
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), Some("br"), b"BR!".to_vec()),
        (Some("gzip"), Some("gzip"), b"GZIP!".to_vec()),
        (None, None, js.as_bytes().to_vec()),
        (Some("identity"), None, js.as_bytes().to_vec()),
    ] {
        let ((status, enc, v, cache, kind), bytes) = get(path, accept).await;
        assert_eq!(status, 200, "{accept:?}");
        assert_eq!(enc.as_deref(), encoding, "{accept:?}");
        assert_eq!((v, cache), (vary.clone(), immutable.clone()), "{accept:?}");
        assert_eq!(kind, js_type, "{accept:?}");
        assert_eq!(bytes, body, "{accept:?}");
    }
}

#[tokio::test]
async fn a_signed_in_visit_of_the_stream_list_is_told_its_first_requests() {
    let (app, _dist) = spawn_with_dashboard().await;
    let client = reqwest::Client::new();
    let link = |res: &reqwest::Response| {
        res.headers()
            .get("link")
            .map(|v| v.to_str().expect("ascii").to_string())
    };
    let visit = |path: &str, cookie: Option<&str>| {
        let mut req = client.get(app.url(path));
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        req.send()
    };

    // With a session cookie (whether still valid or not: checking it would cost the
    // page a database read), the list's page names `/me` and the list of its view.
    let res = visit(
        "/streams?state=live&tag=sport&page=2",
        Some("castboard_session=abc"),
    )
    .await
    .expect("sent");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        link(&res).as_deref(),
        Some(
            "</api/v1/me>; rel=preload; as=fetch; crossorigin, \
             </api/v1/streams?state=live&tag=sport&page=2>; rel=preload; as=fetch; crossorigin"
        )
    );
    // Without one the app will ask for the sign-in page, not the list: nothing to name.
    let res = visit("/streams?state=live", None).await.expect("sent");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(link(&res), None);
    let res = visit("/streams", Some("other=1")).await.expect("sent");
    assert_eq!(link(&res), None);
    // Other pages name nothing.
    for path in ["/", "/tokens", "/streams/new", "/sign-in"] {
        let res = visit(path, Some("castboard_session=abc"))
            .await
            .expect("sent");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(link(&res), None, "{path}");
    }
}
