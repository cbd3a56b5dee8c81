//! The OpenAPI document (`/api/v1/openapi.json`) and a browsable reference rendered from
//! it on the server (`/api/docs`): plain HTML and one stylesheet, no script, so it works
//! offline and under the same Content-Security-Policy as everything else.

use crate::state::AppState;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use shared::snippet::escape_html as esc;
use std::fmt::Write;
use std::sync::Arc;
use utoipa::openapi::OpenApi;

const STYLESHEET: &str = include_str!("docs.css");
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub fn router(openapi: Arc<OpenApi>) -> Router<AppState> {
    let json = Arc::new(openapi.to_pretty_json().unwrap_or_else(|_| "{}".into()));
    let html = Arc::new(render(&serde_json::from_str(&json).unwrap_or(Value::Null)));
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(CONTENT_TYPE, "application/json")], json.to_string()) }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let html = html.clone();
                async move { Html(html.to_string()) }
            }),
        )
        .route("/api/docs/docs.css", get(stylesheet))
}

async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// `#/components/schemas/Session` → `Session`, linked to its section.
fn schema_link(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!(r##"<a href="#schema-{0}">{0}</a>"##, esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", schema_link(items));
    }
    if let Some(all) = schema
        .get("allOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        return all.iter().map(schema_link).collect::<Vec<_>>().join(" | ");
    }
    esc(schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object"))
}

fn render(doc: &Value) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t} reference</title><link rel="stylesheet" href="/api/docs/docs.css"></head><body><header><h1>{t} <span class="version">{v}</span></h1><p>{d}</p><p><a href="/api/v1/openapi.json">OpenAPI document (JSON)</a></p></header><main>"#,
        t = esc(title),
        v = esc(doc["info"]["version"].as_str().unwrap_or("")),
        d = esc(doc["info"]["description"].as_str().unwrap_or("")),
    );
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    // Group operations by their first tag, in the document's tag order.
    let tags: Vec<(String, String)> = doc["tags"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| {
                    (
                        t["name"].as_str().unwrap_or_default().to_string(),
                        t["description"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    h.push_str(r#"<nav aria-label="Sections"><ul>"#);
    for (name, _) in &tags {
        let _ = write!(h, r##"<li><a href="#tag-{0}">{0}</a></li>"##, esc(name));
    }
    h.push_str(r##"<li><a href="#schemas">schemas</a></li></ul></nav>"##);
    for (tag, description) in &tags {
        let _ = write!(
            h,
            r#"<section id="tag-{0}"><h2>{0}</h2><p>{1}</p>"#,
            esc(tag),
            esc(description)
        );
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                if op["tags"][0].as_str() != Some(tag.as_str()) {
                    continue;
                }
                render_operation(&mut h, method, path, op);
            }
        }
        h.push_str("</section>");
    }
    h.push_str(r#"<section id="schemas"><h2>schemas</h2>"#);
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let pretty = serde_json::to_string_pretty(schema).unwrap_or_default();
            let _ = write!(
                h,
                r#"<article id="schema-{0}" class="schema"><h3>{0}</h3><pre>{1}</pre></article>"#,
                esc(name),
                esc(&pretty)
            );
        }
    }
    h.push_str("</section></main></body></html>");
    h
}

fn render_operation(h: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        h,
        r#"<article class="op"><h3><span class="method method-{m}">{M}</span> <code>{p}</code></h3><p class="summary">{s}</p>"#,
        m = method,
        M = method.to_uppercase(),
        p = esc(path),
        s = esc(op["summary"]
            .as_str()
            .or(op["description"].as_str())
            .unwrap_or("")),
    );
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        h.push_str("<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr></thead><tbody>");
        for p in params {
            let _ = write!(
                h,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or("")),
                if p["required"].as_bool() == Some(true) {
                    " *"
                } else {
                    ""
                },
                esc(p["in"].as_str().unwrap_or("")),
                schema_link(&p["schema"]),
                esc(p["description"].as_str().unwrap_or("")),
            );
        }
        h.push_str("</tbody></table>");
    }
    if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema") {
        let _ = write!(h, "<h4>Request body</h4><p>{}</p>", schema_link(schema));
    }
    if let Some(responses) = op["responses"].as_object() {
        h.push_str("<h4>Responses</h4><ul class=\"responses\">");
        for (status, r) in responses {
            let body = r["content"]["application/json"]
                .get("schema")
                .map(|s| format!(" → {}", schema_link(s)))
                .unwrap_or_default();
            let _ = write!(
                h,
                r#"<li><span class="status status-{c}">{s}</span> {d}{b}</li>"#,
                c = status.chars().next().unwrap_or('0'),
                s = esc(status),
                d = esc(r["description"].as_str().unwrap_or("")),
                b = body,
            );
        }
        h.push_str("</ul>");
    }
    if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
        h.push_str(r#"<p class="auth">Needs a session cookie or an API key.</p>"#);
    }
    h.push_str("</article>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn renders_operations_under_their_tag() {
        let doc = serde_json::json!({
            "info": {"title": "T", "version": "1"},
            "tags": [{"name": "session", "description": "Sign in"}],
            "paths": {"/api/v1/me": {"get": {
                "tags": ["session"], "summary": "Who <am> I",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}}}
            }}},
            "components": {"schemas": {"Me": {"type": "object"}}}
        });
        let html = render(&doc);
        assert!(
            html.contains(r#"<span class="method method-get">GET</span> <code>/api/v1/me</code>"#)
        );
        assert!(html.contains("Who &lt;am&gt; I"));
        assert!(html.contains(r##"→ <a href="#schema-Me">Me</a>"##));
        assert!(html.contains(r#"<article id="schema-Me" class="schema">"#));
    }
}
