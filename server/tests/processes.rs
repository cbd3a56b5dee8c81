//! `/streams/{id}/processes`: each process of a stream with its settings and where it
//! stands, and a change of one process's settings (docs/api.md, "Processes"). Without a
//! media server no runner reports, so a live stream's processes wait ("starting"); the
//! media tests see them run.

mod common;

use common::streams::{call, id_of as id, name_of, refused_fields};
use common::{assert_error, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::{Feature, Role};

fn processes(id: &str) -> String {
    format!("/api/v1/streams/{id}/processes")
}

fn process(id: &str, kind: &str) -> String {
    format!("/api/v1/streams/{id}/processes/{kind}")
}

/// `(kind, state, reason)` of every listed process.
fn standings(list: &Value) -> Vec<(String, String, Value)> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().expect("kind").to_string(),
                p["state"].as_str().expect("state").to_string(),
                p["reason"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_process_is_listed_with_its_settings_and_state() {
    let app = TestApp::spawn().await;
    app.enable_all_for(&app.org).await;
    let admin = app.api_key(Role::Admin).await;
    let s = admin
        .create_stream(json!({"processing": {"thumbnails": {"enabled": true, "interval_s": 20}}}))
        .await;

    let list = call(&admin, Method::GET, &processes(&id(&s)), None, 200).await;

    assert_eq!(list["meta"]["total"], 5);
    assert_eq!(
        standings(&list),
        vec![
            ("transcoding".into(), "off".into(), Value::Null),
            (
                "thumbnails".into(),
                "waiting".into(),
                json!("waiting for the stream to go live")
            ),
            ("motion_clips".into(), "off".into(), Value::Null),
            ("recording".into(), "off".into(), Value::Null),
            ("replay".into(), "off".into(), Value::Null),
        ]
    );
    let items = list["items"].as_array().expect("items");
    assert_eq!(
        items[0]["settings"],
        json!({"enabled": false, "profiles": []})
    );
    assert_eq!(
        items[1]["settings"],
        json!({"enabled": true, "interval_s": 20})
    );
    assert_eq!(
        items[2]["settings"],
        json!({"enabled": false, "interval_s": 60, "duration_s": 5})
    );
    assert_eq!(
        items[3]["settings"],
        json!({"enabled": false, "duration_s": null})
    );
    for p in items {
        assert_eq!(p["last_output"], Value::Null, "{p}");
        assert_eq!(p["next_run"], Value::Null, "{p}");
    }
    // One process alone answers as it is listed.
    for p in items {
        let kind = p["kind"].as_str().expect("kind");
        let one = call(&admin, Method::GET, &process(&id(&s), kind), None, 200).await;
        assert_eq!(&one, p, "{kind}");
    }
}

#[tokio::test]
async fn a_process_waits_while_live_without_a_runner_and_is_off_once_ended() {
    let app = TestApp::spawn().await;
    app.enable_all_for(&app.org).await;
    let admin = app.api_key(Role::Admin).await;
    let s = admin
        .create_stream(json!({"processing": {"replay": {"enabled": true}}}))
        .await;
    let replay = || async {
        let v = call(&admin, Method::GET, &process(&id(&s), "replay"), None, 200).await;
        (v["state"].clone(), v["reason"].clone())
    };
    assert_eq!(
        replay().await,
        (json!("waiting"), json!("waiting for the stream to go live"))
    );

    assert_eq!(
        app.ingest("publish", &name_of(&s)).await.status().as_u16(),
        204
    );
    assert_eq!(replay().await, (json!("waiting"), json!("starting")));

    assert_eq!(
        app.ingest("publish_done", &name_of(&s))
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(replay().await, (json!("off"), json!("the stream ended")));

    call(
        &admin,
        Method::POST,
        &format!("/api/v1/streams/{}/lock", id(&s)),
        None,
        200,
    )
    .await;
    assert_eq!(
        replay().await,
        (json!("off"), json!("the stream is locked"))
    );
}

#[tokio::test]
async fn a_package_the_organisation_lacks_keeps_its_processes_off_with_the_reason() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::LiveProcessing, Feature::Vod]).await;
    let admin = app.api_key(Role::Admin).await;
    let s = admin
        .create_stream(json!({"processing": {"recording": {"enabled": true}}}))
        .await;
    app.store
        .set_feature(&app.org.hash, Feature::Vod, false)
        .await
        .expect("feature set");

    let v = call(
        &admin,
        Method::GET,
        &process(&id(&s), "recording"),
        None,
        200,
    )
    .await;

    assert_eq!(v["state"], "off");
    assert_eq!(
        v["reason"],
        "Upgrade needed: the organisation does not have the VOD package"
    );
    assert_eq!(v["settings"]["enabled"], true);
}

#[tokio::test]
async fn a_group_lists_the_renditions_its_transcoding_makes() {
    let app = TestApp::spawn().await;
    app.enable_all_for(&app.org).await;
    let admin = app.api_key(Role::Admin).await;
    let group = admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}, {"width": 640, "height": 360, "bitrate_kbps": 500, "framerate": 25}]}))
        .await;
    let transcode = group["members"][2]["id"].as_str().expect("id").to_string();

    let passthrough = call(
        &admin,
        Method::GET,
        &process(&id(&group), "transcoding"),
        None,
        200,
    )
    .await;
    let own = call(
        &admin,
        Method::GET,
        &process(&transcode, "transcoding"),
        None,
        200,
    )
    .await;

    assert_eq!(passthrough["settings"]["enabled"], true);
    assert_eq!(
        passthrough["settings"]["profiles"],
        json!([
            group["members"][1]["profile"],
            group["members"][2]["profile"]
        ])
    );
    assert_eq!(
        own["settings"]["profiles"],
        json!([group["members"][2]["profile"]])
    );
    assert_eq!(own["settings"]["profiles"][0]["width"], 640);
    for p in [&passthrough, &own] {
        assert_eq!(p["state"], "waiting");
        assert_eq!(p["reason"], "waiting for the stream to go live");
    }
    // Transcoding changes through the group's profiles, not here.
    let res = admin
        .patch(
            &process(&id(&group), "transcoding"),
            json!({"enabled": false}),
        )
        .await;
    assert_error(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn a_change_of_one_process_keeps_the_others_and_answers_the_process() {
    let app = TestApp::spawn().await;
    app.enable_all_for(&app.org).await;
    let admin = app.api_key(Role::Admin).await;
    let s = admin
        .create_stream(json!({"processing": {"thumbnails": {"enabled": true, "interval_s": 20}}}))
        .await;

    let change = |kind: &'static str, body: Value| {
        let path = process(&id(&s), kind);
        let admin = &admin;
        async move { call(admin, Method::PATCH, &path, Some(body), 200).await }
    };
    let clips = change("motion_clips", json!({"enabled": true, "duration_s": 8})).await;
    let recording = change("recording", json!({"enabled": true, "duration_s": 600})).await;
    let replay = change("replay", json!({"duration_s": null})).await;

    assert_eq!(clips["kind"], "motion_clips");
    assert_eq!(
        clips["settings"],
        json!({"enabled": true, "interval_s": 60, "duration_s": 8})
    );
    assert_eq!(clips["state"], "waiting");
    assert_eq!(
        recording["settings"],
        json!({"enabled": true, "duration_s": 600})
    );
    assert_eq!(
        replay["settings"],
        json!({"enabled": false, "duration_s": null})
    );
    assert_eq!(replay["state"], "off");
    let stream = call(
        &admin,
        Method::GET,
        &format!("/api/v1/streams/{}", id(&s)),
        None,
        200,
    )
    .await;
    assert_eq!(
        stream["processing"],
        json!({
            "thumbnails": {"enabled": true, "interval_s": 20},
            "motion_clips": {"enabled": true, "interval_s": 60, "duration_s": 8},
            "recording": {"enabled": true, "duration_s": 600},
            "replay": {"enabled": false, "duration_s": null}
        })
    );
}

#[tokio::test]
async fn a_change_is_refused_by_the_rules_of_the_streams_processing() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::LiveProcessing]).await;
    let admin = app.api_key(Role::Admin).await;
    let s = admin.create_stream(json!({})).await;
    let before = call(&admin, Method::GET, &processes(&id(&s)), None, 200).await;

    // Bounds, keyed by the body's field.
    for (kind, body, field, why) in [
        (
            "thumbnails",
            json!({"interval_s": 9}),
            "interval_s",
            "must be between 10 and 3600 seconds",
        ),
        (
            "motion_clips",
            json!({"duration_s": 61}),
            "duration_s",
            "must be between 1 and 60 seconds",
        ),
        (
            "replay",
            json!({"duration_s": 0}),
            "duration_s",
            "must be at least 1 second, or null for the whole stream",
        ),
    ] {
        let fields = refused_fields(admin.patch(&process(&id(&s), kind), body).await).await;
        assert_eq!(fields, json!({ field: why }), "{kind}");
    }
    // A field of another process is not one of this one.
    let res = admin
        .patch(&process(&id(&s), "recording"), json!({"interval_s": 30}))
        .await;
    assert_error(res, 422, "validation_failed").await;
    // Recording also needs VOD.
    let res = admin
        .patch(&process(&id(&s), "recording"), json!({"enabled": true}))
        .await;
    assert_error(res, 403, "feature_disabled").await;
    // Read-only callers read but do not change.
    let reader = app.api_key(Role::ReadOnly).await;
    call(&reader, Method::GET, &processes(&id(&s)), None, 200).await;
    let res = reader
        .patch(&process(&id(&s), "thumbnails"), json!({"enabled": true}))
        .await;
    assert_error(res, 403, "forbidden").await;
    // No such process, no such stream, another organisation's stream.
    let res = admin.get(&process(&id(&s), "subtitles")).await;
    assert_error(res, 404, "not_found").await;
    let res = admin
        .get(&processes("00000000-0000-0000-0000-000000000000"))
        .await;
    assert_error(res, 404, "not_found").await;
    let (_, other) = app.other_org().await;
    let outsider = app.signed_in(&other).await;
    assert_error(outsider.get(&processes(&id(&s))).await, 404, "not_found").await;
    let res = outsider
        .patch(&process(&id(&s), "thumbnails"), json!({"enabled": true}))
        .await;
    assert_error(res, 404, "not_found").await;
    // Nothing changed.
    assert_eq!(
        call(&admin, Method::GET, &processes(&id(&s)), None, 200).await,
        before
    );
}

#[tokio::test]
async fn a_deleted_streams_processes_are_read_but_not_changed() {
    let app = TestApp::spawn().await;
    app.enable_all_for(&app.org).await;
    let admin = app.api_key(Role::Admin).await;
    let s = admin
        .create_stream(json!({"processing": {"thumbnails": {"enabled": true}}}))
        .await;
    call(
        &admin,
        Method::DELETE,
        &format!("/api/v1/streams/{}", id(&s)),
        None,
        204,
    )
    .await;

    let v = call(
        &admin,
        Method::GET,
        &process(&id(&s), "thumbnails"),
        None,
        200,
    )
    .await;
    assert_eq!(
        (v["state"].clone(), v["reason"].clone()),
        (json!("off"), json!("the stream is deleted"))
    );
    let res = admin
        .patch(&process(&id(&s), "thumbnails"), json!({"enabled": false}))
        .await;
    assert_error(res, 409, "conflict").await;
}
