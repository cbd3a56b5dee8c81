//! The media server's ingest hooks: `publish`, `publish_done`, `update_publish` and
//! `record_done` (docs/api.md, "Ingest hooks"; docs/product.md X1 and "Stream states").

mod common;

use chrono::Utc;
use common::streams::{call, fetch as stream, id_of as id, name_of as name, seed_group};
use common::{assert_error, body, Caller, TestApp, INGEST_SECRET};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::{Feature, Role};
use shared::stream::StreamState;
use shared::Timestamp;

/// A time field of a stream object, in ms.
fn millis(v: &Value) -> i64 {
    Timestamp::parse(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .expect("RFC 3339")
        .millis()
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Stop & lock through the API, asserting 200.
async fn lock(admin: &Caller, s: &Value) {
    call(
        admin,
        Method::POST,
        &format!("/api/v1/streams/{}/lock", id(s)),
        None,
        200,
    )
    .await;
}

/// Delete through the API, asserting 204.
async fn delete(admin: &Caller, s: &Value) {
    call(
        admin,
        Method::DELETE,
        &format!("/api/v1/streams/{}", id(s)),
        None,
        204,
    )
    .await;
}

/// Calls a hook and asserts a 2xx answer.
async fn hook_ok(app: &TestApp, event: &str, stream_name: &str) {
    let res = app.ingest(event, stream_name).await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert!(
        status.is_success(),
        "{event} {stream_name}: {status} {text}"
    );
}

/// Calls `publish` and asserts the refusal: 403 with the error body.
async fn assert_publish_refused(app: &TestApp, stream_name: &str) {
    let res = app.ingest("publish", stream_name).await;
    assert_error(res, 403, "forbidden").await;
}

/// Every member's state in a group object.
fn member_states(v: &Value) -> Vec<String> {
    v["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["state"].as_str().expect("state").to_string())
        .collect()
}

/// A stream with one transcode (the organisation gets `transcoding`).
async fn create_group(app: &TestApp, admin: &Caller) -> Value {
    app.enable(&[Feature::Transcoding]).await;
    admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await
}

/// Seeds one single stream in `state` straight into the store; its id.
async fn seed_single(app: &TestApp, state: StreamState) -> String {
    let ids = app
        .store
        .seed_groups(
            app.org.id,
            &app.org.hash,
            &[seed_group(state, now_ms() - 60_000, &[], &[])],
        )
        .await
        .expect("seeded");
    ids[0].to_string()
}

// ---------------------------------------------------------------------------------------
// publish
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn publish_takes_a_created_group_live() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let group = create_group(&app, &admin).await;
    let transcode_id = group["members"][1]["id"].as_str().expect("id").to_string();
    let before = now_ms();

    hook_ok(&app, "publish", &name(&group)).await;

    let after = now_ms();
    let v = stream(&admin, &id(&group)).await;
    assert_eq!(v["state"], "live");
    assert_eq!(member_states(&v), vec!["live", "live"]);
    assert_eq!(stream(&admin, &transcode_id).await["state"], "live");
    let seen = millis(&v["ingest"]["last_seen_at"]);
    assert!(before <= seen && seen <= after, "last_seen_at {seen}");
    let updated = millis(&v["updated_at"]);
    assert!(
        before <= updated && updated <= after,
        "updated_at {updated}"
    );
    assert_eq!(v["ingest"]["cut_requested_at"], Value::Null);
    let listed = body(admin.get("/api/v1/streams?state=live").await).await;
    assert_eq!(listed["meta"]["total"], 1);
    assert_eq!(listed["items"][0]["id"], id(&group));
}

#[tokio::test]
async fn publish_takes_an_ended_stream_live_again() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let made = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&made)).await;
    hook_ok(&app, "publish_done", &name(&made)).await;
    assert_eq!(stream(&admin, &id(&made)).await["state"], "ended");
    let seeded = seed_single(&app, StreamState::Ended).await;
    let seeded_name = name(&stream(&admin, &seeded).await);

    hook_ok(&app, "publish", &name(&made)).await;
    hook_ok(&app, "publish", &seeded_name).await;

    assert_eq!(stream(&admin, &id(&made)).await["state"], "live");
    assert_eq!(stream(&admin, &seeded).await["state"], "live");
}

#[tokio::test]
async fn publish_is_refused_for_streams_that_may_not_go_live() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let live = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&live)).await;
    let locked = admin.create_stream(json!({})).await;
    lock(&admin, &locked).await;
    let locked_after_live = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&locked_after_live)).await;
    hook_ok(&app, "publish_done", &name(&locked_after_live)).await;
    lock(&admin, &locked_after_live).await;
    let deleted = admin.create_stream(json!({})).await;
    delete(&admin, &deleted).await;
    let deleted_after_live = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&deleted_after_live)).await;
    delete(&admin, &deleted_after_live).await;

    for (label, s, state) in [
        ("live", &live, "live"),
        ("locked", &locked, "locked"),
        ("locked after live", &locked_after_live, "locked"),
        ("deleted", &deleted, "deleted"),
        ("deleted while live", &deleted_after_live, "deleted"),
    ] {
        let before = stream(&admin, &id(s)).await;
        assert_eq!(before["state"], state, "{label}");

        assert_publish_refused(&app, &name(s)).await;

        assert_eq!(stream(&admin, &id(s)).await, before, "{label}: unchanged");
    }
}

#[tokio::test]
async fn publish_is_refused_for_unknown_names_and_transcodes() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let group = create_group(&app, &admin).await;
    let transcode_name = group["members"][1]["name"]
        .as_str()
        .expect("name")
        .to_string();
    let before = stream(&admin, &id(&group)).await;
    let (other_org, _) = app.other_org().await;

    for unknown in [
        format!("{}-zzzzz", app.org.hash),
        format!("{}-00000", other_org.hash),
        "not-a-stream".to_string(),
        String::new(),
        format!("{}x", name(&group)),
    ] {
        assert_publish_refused(&app, &unknown).await;
    }
    // Names are case-sensitive.
    let swapped: String = name(&group)
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    if swapped != name(&group) {
        assert_publish_refused(&app, &swapped).await;
    }
    assert_publish_refused(&app, &transcode_name).await;

    assert_eq!(stream(&admin, &id(&group)).await, before);
    assert_eq!(
        body(admin.get("/api/v1/streams?state=live&group=false").await).await["meta"]["total"],
        0
    );
}

/// Calls `publish` for `stream_name` as Castboard's transcoder would, showing `key`.
async fn transcoder_publish(app: &TestApp, stream_name: &str, key: &str) -> reqwest::Response {
    app.ingest_with(
        "publish",
        &[
            ("call", "publish"),
            ("name", stream_name),
            ("app", "live"),
            ("addr", "127.0.0.1"),
            ("clientid", "9"),
            ("transcoder", key),
        ],
        common::INGEST_SECRET,
    )
    .await
}

#[tokio::test]
async fn a_transcode_accepts_only_its_own_transcoders_key_while_the_group_is_live() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let group = create_group(&app, &admin).await;
    let transcode = group["members"][1]["name"].as_str().expect("name");
    let key = castboard::media::transcode::publish_key(common::INGEST_SECRET, transcode);
    let wrong = [
        String::new(),
        "0".repeat(64),
        castboard::media::transcode::publish_key("another-secret", transcode),
        castboard::media::transcode::publish_key(common::INGEST_SECRET, &name(&group)),
        key.to_uppercase(),
    ];

    // Not live yet: not even the transcoder.
    assert_error(
        transcoder_publish(&app, transcode, &key).await,
        403,
        "forbidden",
    )
    .await;
    hook_ok(&app, "publish", &name(&group)).await;
    let live = stream(&admin, &id(&group)).await;
    for k in &wrong {
        assert_error(
            transcoder_publish(&app, transcode, k).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_publish_refused(&app, transcode).await;
    let res = transcoder_publish(&app, transcode, &key).await;

    assert_eq!(res.status().as_u16(), 204);
    // The group does not move: its state follows the passthrough.
    assert_eq!(stream(&admin, &id(&group)).await, live);
    // A transcoder that stops publishing (or restarts) does not end the group.
    hook_ok(&app, "publish_done", transcode).await;
    assert_eq!(stream(&admin, &id(&group)).await, live);
    assert_eq!(member_states(&live), vec!["live", "live"]);
    // Without a media server Castboard runs no transcoder: none is shown.
    assert_eq!(live["members"][1]["transcoder"], Value::Null);
    // The passthrough's end ends the group, and then the transcoder may not publish.
    hook_ok(&app, "publish_done", &name(&group)).await;
    assert_eq!(
        member_states(&stream(&admin, &id(&group)).await),
        vec!["ended", "ended"]
    );
    assert_error(
        transcoder_publish(&app, transcode, &key).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_or_missing_secret_is_refused_for_every_event() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let created = admin.create_stream(json!({})).await;
    let live = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&live)).await;
    let before_created = stream(&admin, &id(&created)).await;
    let before_live = stream(&admin, &id(&live)).await;
    let upper = INGEST_SECRET.to_uppercase();
    let longer = format!("{INGEST_SECRET}x");
    let shorter = &INGEST_SECRET[..INGEST_SECRET.len() - 1];

    for event in ["publish", "publish_done", "update_publish", "record_done"] {
        let target = if event == "publish" {
            name(&created)
        } else {
            name(&live)
        };
        let form = [
            ("call", event),
            ("name", target.as_str()),
            ("app", "live"),
            ("path", "/tmp/rec/file.flv"),
            ("size_bytes", "10"),
        ];
        for secret in ["", "wrong", upper.as_str(), longer.as_str(), shorter] {
            let res = app.ingest_with(event, &form, secret).await;
            assert_error(res, 403, "forbidden").await;
        }
        // No `secret` parameter at all.
        let res = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/ingest/{event}")))
            .form(&form)
            .send()
            .await
            .expect("sent");
        assert_error(res, 403, "forbidden").await;
    }

    assert_eq!(stream(&admin, &id(&created)).await, before_created);
    assert_eq!(stream(&admin, &id(&live)).await, before_live);
}

// ---------------------------------------------------------------------------------------
// publish_done
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn publish_done_ends_the_live_group() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let group = create_group(&app, &admin).await;
    hook_ok(&app, "publish", &name(&group)).await;
    let before = now_ms();

    hook_ok(&app, "publish_done", &name(&group)).await;

    let after = now_ms();
    let v = stream(&admin, &id(&group)).await;
    assert_eq!(v["state"], "ended");
    assert_eq!(member_states(&v), vec!["ended", "ended"]);
    let updated = millis(&v["updated_at"]);
    assert!(
        before <= updated && updated <= after,
        "updated_at {updated}"
    );
}

#[tokio::test]
async fn publish_done_for_a_stream_not_live_answers_2xx_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let created = admin.create_stream(json!({})).await;
    let ended = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&ended)).await;
    hook_ok(&app, "publish_done", &name(&ended)).await;
    let locked = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&locked)).await;
    lock(&admin, &locked).await;
    let deleted = admin.create_stream(json!({})).await;
    delete(&admin, &deleted).await;

    for s in [&created, &ended, &locked, &deleted] {
        let before = stream(&admin, &id(s)).await;

        hook_ok(&app, "publish_done", &name(s)).await;

        assert_eq!(stream(&admin, &id(s)).await, before);
    }
}

// ---------------------------------------------------------------------------------------
// update_publish
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn update_publish_refreshes_last_seen_of_a_live_stream() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    // Seeded live: no ingest has reported in yet.
    let live = seed_single(&app, StreamState::Live).await;
    let v = stream(&admin, &live).await;
    assert_eq!(v["ingest"]["last_seen_at"], Value::Null);
    let before = now_ms();

    hook_ok(&app, "update_publish", &name(&v)).await;

    let after = now_ms();
    let v = stream(&admin, &live).await;
    assert_eq!(v["state"], "live");
    let seen = millis(&v["ingest"]["last_seen_at"]);
    assert!(before <= seen && seen <= after, "last_seen_at {seen}");

    // A later report moves it on.
    let first = seen;
    hook_ok(&app, "update_publish", &name(&v)).await;
    let seen = millis(&stream(&admin, &live).await["ingest"]["last_seen_at"]);
    assert!(seen >= first && seen <= now_ms());
}

#[tokio::test]
async fn update_publish_of_a_locked_stream_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&s)).await;
    lock(&admin, &s).await;
    let before = stream(&admin, &id(&s)).await;

    let res = app.ingest("update_publish", &name(&s)).await;

    assert_error(res, 403, "forbidden").await;
    assert_eq!(stream(&admin, &id(&s)).await, before);
}

// ---------------------------------------------------------------------------------------
// record_done
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn record_done_adds_a_recording_to_the_stream_assets() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&s)).await;
    let file = format!("{}-1764064800.flv", name(&s));
    let path = format!("/var/lib/castboard/recordings/{file}");
    let before = now_ms();

    let res = app
        .ingest_with(
            "record_done",
            &[
                ("call", "record_done"),
                ("name", &name(&s)),
                ("app", "live"),
                ("addr", "127.0.0.1"),
                ("clientid", "7"),
                ("path", &path),
                ("size_bytes", "1048576"),
                ("duration_s", "95"),
            ],
            INGEST_SECRET,
        )
        .await;

    let after = now_ms();
    assert!(res.status().is_success(), "record_done: {}", res.status());
    let v = stream(&admin, &id(&s)).await;
    let recordings = v["assets"]["recordings"].as_array().expect("recordings");
    assert_eq!(recordings.len(), 1, "{v}");
    let rec = &recordings[0];
    assert_eq!(rec["file_name"], file);
    assert_eq!(rec["size_bytes"], 1_048_576);
    assert_eq!(rec["duration_s"], 95);
    assert!(
        rec["url"].as_str().is_some_and(|u| u.ends_with(&file)),
        "url: {rec}"
    );
    // The session began `duration_s` before the file was closed.
    let start = millis(&rec["session_start"]);
    assert!(
        before - 95_000 <= start && start <= after - 95_000,
        "session_start {start}"
    );
    let mut keys: Vec<&str> = rec
        .as_object()
        .expect("recording")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "duration_s",
            "file_name",
            "session_start",
            "size_bytes",
            "url"
        ]
    );
}

#[tokio::test]
async fn recordings_are_listed_newest_session_first() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let record = |file: &'static str, duration: &'static str| {
        let stream_name = name(&s);
        let app = &app;
        async move {
            let path = format!("/rec/{file}");
            let res = app
                .ingest_with(
                    "record_done",
                    &[
                        ("call", "record_done"),
                        ("name", stream_name.as_str()),
                        ("path", path.as_str()),
                        ("size_bytes", "100"),
                        ("duration_s", duration),
                    ],
                    INGEST_SECRET,
                )
                .await;
            assert!(res.status().is_success(), "record_done {file}");
        }
    };
    // The second file's session began an hour before the first one's.
    record("first.flv", "60").await;
    record("second.flv", "3660").await;

    let v = stream(&admin, &id(&s)).await;

    let files: Vec<&str> = v["assets"]["recordings"]
        .as_array()
        .expect("recordings")
        .iter()
        .map(|r| r["file_name"].as_str().expect("file_name"))
        .collect();
    assert_eq!(files, vec!["first.flv", "second.flv"]);
}

// ---------------------------------------------------------------------------------------
// Lock and unlock around a running ingest
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn locking_a_live_stream_requests_a_cut_and_unlock_lets_it_publish_again() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    hook_ok(&app, "publish", &name(&s)).await;
    let before = now_ms();

    let res = admin
        .post_empty(&format!("/api/v1/streams/{}/lock", id(&s)))
        .await;

    let after = now_ms();
    assert_eq!(res.status().as_u16(), 200);
    let locked = body(res).await;
    assert_eq!(locked["state"], "locked");
    let cut = millis(&locked["ingest"]["cut_requested_at"]);
    assert!(before <= cut && cut <= after, "cut_requested_at {cut}");
    assert_eq!(
        stream(&admin, &id(&s)).await["ingest"]["cut_requested_at"],
        locked["ingest"]["cut_requested_at"]
    );
    // The running ingest reports in and is told to stop; it stops; it may not restart.
    assert_error(
        app.ingest("update_publish", &name(&s)).await,
        403,
        "forbidden",
    )
    .await;
    hook_ok(&app, "publish_done", &name(&s)).await;
    assert_eq!(stream(&admin, &id(&s)).await["state"], "locked");
    assert_publish_refused(&app, &name(&s)).await;

    // Unlock: ended (it was live), no cut pending; then publish works.
    let res = admin
        .post_empty(&format!("/api/v1/streams/{}/unlock", id(&s)))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let unlocked = body(res).await;
    assert_eq!(unlocked["state"], "ended");
    assert_eq!(unlocked["ingest"]["cut_requested_at"], Value::Null);
    hook_ok(&app, "publish", &name(&s)).await;
    let v = stream(&admin, &id(&s)).await;
    assert_eq!(v["state"], "live");
    assert_eq!(v["ingest"]["cut_requested_at"], Value::Null);
}

#[tokio::test]
async fn locking_a_stream_that_is_not_live_requests_no_cut() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;

    let res = admin
        .post_empty(&format!("/api/v1/streams/{}/lock", id(&s)))
        .await;

    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(body(res).await["ingest"]["cut_requested_at"], Value::Null);
}

#[tokio::test]
async fn a_never_live_stream_publishes_after_unlock() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let group = create_group(&app, &admin).await;
    let transcode = group["members"][1]["id"].as_str().expect("id").to_string();
    // Lock and unlock through the transcode's id: they act on the whole group.
    let res = admin
        .post_empty(&format!("/api/v1/streams/{transcode}/lock"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_publish_refused(&app, &name(&group)).await;
    let res = admin
        .post_empty(&format!("/api/v1/streams/{transcode}/unlock"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(stream(&admin, &id(&group)).await["state"], "created");

    hook_ok(&app, "publish", &name(&group)).await;

    let v = stream(&admin, &id(&group)).await;
    assert_eq!(v["state"], "live");
    assert_eq!(member_states(&v), vec!["live", "live"]);
}

#[tokio::test]
async fn hooks_reach_streams_of_every_organisation_by_name() {
    let app = TestApp::spawn().await;
    let (_, other_admin) = app.other_org().await;
    let other = app.signed_in(&other_admin).await;
    let theirs = other.create_stream(json!({})).await;

    hook_ok(&app, "publish", &name(&theirs)).await;

    assert_eq!(stream(&other, &id(&theirs)).await["state"], "live");
    // Still invisible to the first organisation.
    let admin = app.signed_in(&app.admin).await;
    let res = admin.get(&format!("/api/v1/streams/{}", id(&theirs))).await;
    assert_error(res, 404, "not_found").await;
}

#[tokio::test]
async fn oversized_and_malformed_hook_requests_answer_with_the_error_body() {
    let app = TestApp::spawn().await;
    let big = format!("call=publish&name={}", "x".repeat(1024 * 1024));
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/ingest/publish?secret={INGEST_SECRET}",
            app.base
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .expect("sent");
    assert_error(res, 413, "payload_too_large").await;
    // A path segment that is not UTF-8 is refused by the router's extractor.
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/ingest/%FF?secret={INGEST_SECRET}",
            app.base
        ))
        .form(&[("name", "x")])
        .send()
        .await
        .expect("sent");
    assert_error(res, 422, "validation_failed").await;
}

/// Eight encoders start and stop at once, ten times each, while an admin locks and
/// unlocks a ninth stream: every hook and every lock answers as it would alone.
#[tokio::test]
async fn parallel_ingest_hooks_and_locks_all_answer() {
    let app = TestApp::spawn().await;
    let admin = app.api_key(Role::Admin).await;
    let mut names = Vec::new();
    for _ in 0..8 {
        let s = admin.create_stream(json!({})).await;
        names.push(s["name"].as_str().expect("name").to_string());
    }
    let locked = id(&admin.create_stream(json!({})).await);
    let app = std::sync::Arc::new(app);

    let mut clients = tokio::task::JoinSet::new();
    for name in names.clone() {
        let app = app.clone();
        clients.spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..10 {
                for event in ["publish", "update_publish", "publish_done"] {
                    statuses.push(app.ingest(event, &name).await.status().as_u16());
                }
            }
            statuses
        });
    }
    let lock_path = format!("/api/v1/streams/{locked}");
    let mut lock_statuses = Vec::new();
    for _ in 0..10 {
        for action in ["lock", "unlock"] {
            let res = admin.post_empty(&format!("{lock_path}/{action}")).await;
            lock_statuses.push(res.status().as_u16());
        }
    }
    let statuses: Vec<u16> = clients.join_all().await.into_iter().flatten().collect();

    assert_eq!(statuses, vec![204; 240]);
    assert_eq!(lock_statuses, vec![200; 20]);
    for name in &names {
        let listed = body(admin.get(&format!("/api/v1/streams?q={name}")).await).await;
        assert_eq!(listed["items"][0]["state"], "ended", "{listed}");
    }
    assert_eq!(stream(&admin, &locked).await["state"], "created");
}

/// Without `size_bytes`, the size is read from the file, and only from a file inside the
/// media folder: any other path is refused and nothing is recorded.
#[tokio::test]
async fn record_done_reads_sizes_only_inside_the_media_folder() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let inside = app.media_dir.join(format!("{}-1.flv", name(&s)));
    std::fs::write(&inside, vec![0u8; 4321]).expect("recording written");
    let outside = app.media_dir.join("../test.db").display().to_string();
    let record = |path: String| {
        let app = &app;
        let name = name(&s);
        async move {
            app.ingest_with(
                "record_done",
                &[("call", "record_done"), ("name", &name), ("path", &path)],
                INGEST_SECRET,
            )
            .await
        }
    };

    let refused = [
        record(outside).await,
        record("/etc/hostname".into()).await,
        record(app.media_dir.join("missing.flv").display().to_string()).await,
    ];
    let accepted = record(inside.display().to_string()).await;

    for res in refused {
        let v = assert_error(res, 422, "validation_failed").await;
        assert_eq!(
            v["error"]["fields"],
            json!({"path": "must name a file in the media folder"})
        );
    }
    assert_eq!(accepted.status().as_u16(), 204);
    let v = stream(&admin, &id(&s)).await;
    let recordings = v["assets"]["recordings"].as_array().expect("recordings");
    assert_eq!(recordings.len(), 1, "{v}");
    assert_eq!(recordings[0]["size_bytes"], 4321);
    assert_eq!(recordings[0]["file_name"], format!("{}-1.flv", name(&s)));
}
