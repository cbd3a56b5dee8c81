//! The ingest log: every publish attempt the media server reports, accepted or refused,
//! per organisation, with its retention (docs/api.md, "Ingest log").

mod common;

use castboard::store::{IngestLogFilter, IngestRetention, NewIngestAttempt};
use common::streams::{call, id_of as id, name_of as name};
use common::{assert_error, body, Caller, TestApp, INGEST_SECRET};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::{Feature, IngestRefusal, Role, INGEST_LOG_KEEP};

const FFMPEG: &str = "FMLE/3.0 (compatible; Lavf59.27.100)";
const OBS: &str = "FMLE/3.0 (compatible; FMSc/1.0)";

/// Calls `publish` as nginx-rtmp does: the whole callback form, with the encoder's
/// address and flashver.
async fn publish(app: &TestApp, stream_name: &str, addr: &str, flashver: &str) -> u16 {
    app.ingest_with(
        "publish",
        &[
            ("call", "publish"),
            ("name", stream_name),
            ("app", "live"),
            ("addr", addr),
            ("clientid", "42"),
            ("tcurl", "rtmp://localhost:1935/live"),
            ("flashver", flashver),
            ("swfurl", ""),
            ("pageurl", ""),
        ],
        INGEST_SECRET,
    )
    .await
    .status()
    .as_u16()
}

/// The organisation's log (`GET /ingest-log` with `query`).
async fn org_log(caller: &Caller, query: &str) -> Value {
    let res = caller.get(&format!("/api/v1/ingest-log{query}")).await;
    assert_eq!(res.status().as_u16(), 200);
    body(res).await
}

/// A stream's log (`GET /streams/{id}/ingest-log`).
async fn stream_log(caller: &Caller, stream_id: &str, query: &str) -> Value {
    let res = caller
        .get(&format!("/api/v1/streams/{stream_id}/ingest-log{query}"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    body(res).await
}

fn items(log: &Value) -> &Vec<Value> {
    log["items"].as_array().expect("items")
}

fn total(log: &Value) -> u64 {
    log["meta"]["total"].as_u64().expect("total")
}

fn reasons(log: &Value) -> Vec<Value> {
    items(log).iter().map(|i| i["reason"].clone()).collect()
}

/// A refusal entry as the log must show it.
fn assert_refusal(entry: &Value, reason: IngestRefusal, streamname: &str) {
    assert_eq!(entry["outcome"], "refused", "{entry}");
    assert_eq!(entry["reason"], reason.as_str(), "{entry}");
    assert_eq!(entry["message"], reason.message(), "{entry}");
    assert_eq!(entry["streamname"], streamname, "{entry}");
}

#[tokio::test]
async fn an_accepted_publish_is_logged_with_address_and_encoder() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let before = chrono::Utc::now();

    assert_eq!(publish(&app, &name(&s), "203.0.113.7", FFMPEG).await, 204);

    let log = stream_log(&admin, &id(&s), "").await;
    assert_eq!(total(&log), 1);
    let entry = &items(&log)[0];
    assert_eq!(entry["outcome"], "accepted");
    assert_eq!(entry["reason"], Value::Null);
    assert_eq!(entry["message"], Value::Null);
    assert_eq!(entry["client_addr"], "203.0.113.7");
    assert_eq!(entry["encoder"], FFMPEG);
    assert_eq!(entry["streamname"], name(&s));
    assert_eq!(entry["stream_id"], id(&s));
    let at =
        chrono::DateTime::parse_from_rfc3339(entry["at"].as_str().expect("at")).expect("a time");
    assert!(at >= before - chrono::Duration::milliseconds(1), "{at}");
    assert_eq!(org_log(&admin, "").await["items"], log["items"]);
}

#[tokio::test]
async fn every_refusal_is_logged_with_its_code_and_the_hooks_answer() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    app.enable(&[Feature::Transcoding]).await;
    let group = admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let transcode = group["members"][1].clone();
    let locked = admin.create_stream(json!({})).await;
    let deleted = admin.create_stream(json!({})).await;
    call(
        &admin,
        Method::POST,
        &format!("/api/v1/streams/{}/lock", id(&locked)),
        None,
        200,
    )
    .await;
    call(
        &admin,
        Method::DELETE,
        &format!("/api/v1/streams/{}", id(&deleted)),
        None,
        204,
    )
    .await;
    let unknown = format!("{}-nOnE0", app.org.hash.as_str());

    // Each refusal answers its message (the hook's text, unchanged) and is logged.
    let cases = [
        (name(&locked), IngestRefusal::Locked),
        (name(&deleted), IngestRefusal::Deleted),
        (name(&transcode), IngestRefusal::TranscodeMember),
        (unknown.clone(), IngestRefusal::UnknownName),
    ];
    for (n, reason) in &cases {
        let res = app
            .ingest_with(
                "publish",
                &[("name", n), ("addr", "198.51.100.2"), ("flashver", OBS)],
                INGEST_SECRET,
            )
            .await;
        let v = assert_error(res, 403, "forbidden").await;
        assert_eq!(v["error"]["message"], reason.message(), "{n}");
    }
    // The group goes live, then a second encoder is refused: already live.
    assert_eq!(
        publish(&app, &name(&group), "198.51.100.3", FFMPEG).await,
        204
    );
    assert_eq!(publish(&app, &name(&group), "198.51.100.4", OBS).await, 403);

    let log = org_log(&admin, "").await;
    assert_eq!(total(&log), 6);
    let all = items(&log);
    // Newest first.
    assert_refusal(&all[0], IngestRefusal::AlreadyLive, &name(&group));
    assert_eq!(all[0]["client_addr"], "198.51.100.4");
    assert_eq!(all[0]["stream_id"], id(&group));
    assert_eq!(all[1]["outcome"], "accepted");
    assert_refusal(&all[2], IngestRefusal::UnknownName, &unknown);
    assert_eq!(all[2]["stream_id"], Value::Null);
    assert_refusal(&all[3], IngestRefusal::TranscodeMember, &name(&transcode));
    assert_eq!(all[3]["stream_id"], id(&transcode));
    assert_refusal(&all[4], IngestRefusal::Deleted, &name(&deleted));
    assert_refusal(&all[5], IngestRefusal::Locked, &name(&locked));
    assert_eq!(all[5]["encoder"], OBS);
    assert_eq!(all[5]["client_addr"], "198.51.100.2");

    // A group's log holds its members' attempts, from any member's id; the unknown name
    // is in no stream's.
    for member in [id(&group), id(&transcode)] {
        let log = stream_log(&admin, &member, "").await;
        assert_eq!(
            reasons(&log),
            vec![
                json!("already_live"),
                Value::Null,
                json!("transcode_member")
            ]
        );
    }
    assert_eq!(
        reasons(&stream_log(&admin, &id(&locked), "").await),
        vec![json!("locked")]
    );

    // The filter.
    let refused = org_log(&admin, "?outcome=refused").await;
    assert_eq!(total(&refused), 5);
    assert!(items(&refused).iter().all(|i| i["outcome"] == "refused"));
    let accepted = org_log(&admin, "?outcome=accepted").await;
    assert_eq!(reasons(&accepted), vec![Value::Null]);
    let bad = admin.get("/api/v1/ingest-log?outcome=maybe").await;
    assert_error(bad, 422, "validation_failed").await;
}

#[tokio::test]
async fn castboards_own_transcoder_and_a_wrong_secret_are_not_logged() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    app.enable(&[Feature::Transcoding]).await;
    let group = admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let transcode = name(&group["members"][1]);
    assert_eq!(
        publish(&app, &name(&group), "198.51.100.3", FFMPEG).await,
        204
    );
    let key = castboard::media::transcode::publish_key(INGEST_SECRET, &transcode);

    let res = app
        .ingest_with(
            "publish",
            &[
                ("name", &transcode),
                ("transcoder", &key),
                ("flashver", FFMPEG),
            ],
            INGEST_SECRET,
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = app
        .ingest_with(
            "publish",
            &[("name", &name(&group)), ("flashver", FFMPEG)],
            "not-the-secret",
        )
        .await;
    assert_error(res, 403, "forbidden").await;

    let log = org_log(&admin, "").await;
    assert_eq!(total(&log), 1, "{log}");
    assert_eq!(items(&log)[0]["outcome"], "accepted");
    assert_eq!(items(&log)[0]["streamname"], name(&group));
}

#[tokio::test]
async fn unknown_names_show_only_to_the_organisation_whose_hash_they_carry() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (other, other_admin) = app.other_org().await;
    let other_caller = app.signed_in(&other_admin).await;
    let ours = format!("{}-tYpO9", app.org.hash.as_str());
    let theirs = format!("{}-whAt1", other.hash.as_str());
    // No organisation has this hash (ours and theirs differ from it by construction).
    let nobody = ["zzzzz", "yyyyy"]
        .into_iter()
        .find(|h| *h != app.org.hash.as_str() && *h != other.hash.as_str())
        .expect("a free hash");
    for n in [
        ours.as_str(),
        theirs.as_str(),
        &format!("{nobody}-abcde"),
        "garbage",
        "",
    ] {
        assert_eq!(publish(&app, n, "192.0.2.1", OBS).await, 403, "{n:?}");
    }

    let mine = org_log(&admin, "").await;
    assert_eq!(total(&mine), 1);
    assert_refusal(&items(&mine)[0], IngestRefusal::UnknownName, &ours);
    let other_log = org_log(&other_caller, "").await;
    assert_eq!(total(&other_log), 1);
    assert_refusal(&items(&other_log)[0], IngestRefusal::UnknownName, &theirs);
}

#[tokio::test]
async fn a_flood_of_refused_publishes_keeps_exactly_the_newest() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let hash = app.org.hash.as_str().to_string();
    // The oldest ten, one after the other; then more than the log keeps, many at a time.
    for i in 0..10 {
        assert_eq!(
            publish(&app, &format!("{hash}-old{i}"), "192.0.2.9", OBS).await,
            403
        );
    }
    let flood: Vec<String> = (0..INGEST_LOG_KEEP)
        .map(|i| format!("{hash}-new{i}"))
        .collect();
    for batch in flood.chunks(16) {
        let calls = batch.iter().map(|n| publish(&app, n, "192.0.2.9", OBS));
        for status in futures_util::future::join_all(calls).await {
            assert_eq!(status, 403);
        }
    }

    let mut kept = Vec::new();
    for page in 1.. {
        let log = org_log(&admin, &format!("?per_page=150&page={page}")).await;
        assert_eq!(total(&log), u64::from(INGEST_LOG_KEEP));
        if items(&log).is_empty() {
            break;
        }
        kept.extend(
            items(&log)
                .iter()
                .map(|i| i["streamname"].as_str().expect("name").to_string()),
        );
    }
    kept.sort();
    let mut newest = flood.clone();
    newest.sort();
    assert_eq!(kept, newest, "exactly the flood, none of the oldest ten");
}

#[tokio::test]
async fn parallel_publishes_are_all_logged() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let n = name(&s);

    let calls = (0..20).map(|i| {
        let addr = format!("192.0.2.{i}");
        let app = &app;
        let n = n.clone();
        async move { publish(app, &n, &addr, FFMPEG).await }
    });
    let statuses = futures_util::future::join_all(calls).await;

    // One went live, every other was refused.
    assert_eq!(statuses.iter().filter(|s| **s == 204).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == 403).count(), 19);
    let log = stream_log(&admin, &id(&s), "?per_page=50").await;
    assert_eq!(total(&log), 20);
    let accepted: Vec<&Value> = items(&log)
        .iter()
        .filter(|i| i["outcome"] == "accepted")
        .collect();
    assert_eq!(accepted.len(), 1);
    // Refused: live already, or it went live while the refused one was being checked.
    for refused in items(&log).iter().filter(|i| i["outcome"] == "refused") {
        let reason = refused["reason"].as_str().expect("reason");
        assert!(
            ["already_live", "changed_meanwhile"].contains(&reason),
            "{refused}"
        );
        let code: IngestRefusal = reason.parse().expect("a refusal");
        assert_eq!(refused["message"], code.message());
    }
    let mut addrs: Vec<&str> = items(&log)
        .iter()
        .map(|i| i["client_addr"].as_str().expect("addr"))
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    assert_eq!(addrs.len(), 20);
}

#[tokio::test]
async fn the_log_comes_a_page_at_a_time_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let hash = app.org.hash.as_str().to_string();
    for i in 0..30 {
        assert_eq!(
            publish(&app, &format!("{hash}-p{i:02}"), "192.0.2.1", OBS).await,
            403
        );
    }

    let first = org_log(&admin, "").await;
    assert_eq!(total(&first), 30);
    assert_eq!(first["meta"]["page"], 1);
    assert_eq!(first["meta"]["per_page"], 25);
    assert_eq!(items(&first).len(), 25);
    assert_eq!(items(&first)[0]["streamname"], format!("{hash}-p29"));
    let second = org_log(&admin, "?page=2").await;
    let names: Vec<&str> = items(&second)
        .iter()
        .map(|i| i["streamname"].as_str().expect("name"))
        .collect();
    let expected: Vec<String> = (0..5).rev().map(|i| format!("{hash}-p{i:02}")).collect();
    assert_eq!(names, expected);
    assert!(items(&org_log(&admin, "?page=3").await).is_empty());

    for bad in ["?page=0", "?per_page=10", "?sort=at"] {
        let res = admin.get(&format!("/api/v1/ingest-log{bad}")).await;
        assert_error(res, 422, "validation_failed").await;
    }
}

#[tokio::test]
async fn every_role_reads_and_another_organisations_stream_is_404() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    assert_eq!(publish(&app, &name(&s), "192.0.2.1", OBS).await, 204);
    let reader = app.api_key(Role::ReadOnly).await;
    assert_eq!(total(&stream_log(&reader, &id(&s), "").await), 1);
    assert_eq!(total(&org_log(&reader, "").await), 1);

    let (_, other_admin) = app.other_org().await;
    let other = app.signed_in(&other_admin).await;
    let res = other
        .get(&format!("/api/v1/streams/{}/ingest-log", id(&s)))
        .await;
    assert_error(res, 404, "not_found").await;
    assert_eq!(total(&org_log(&other, "").await), 0);
    let res = admin
        .get(&format!(
            "/api/v1/streams/{}/ingest-log",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_error(res, 404, "not_found").await;
    let res = app.anonymous().get("/api/v1/ingest-log").await;
    assert_error(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn attempts_older_than_the_retention_are_neither_shown_nor_kept() {
    let app = TestApp::spawn().await;
    let attempt = |name: &'static str| NewIngestAttempt {
        org_id: app.org.id,
        group_id: None,
        stream_id: None,
        refusal: Some(IngestRefusal::UnknownName),
        client_addr: None,
        encoder: None,
        streamname: name,
    };
    let keep_all = IngestRetention::default();
    let read = |retention| {
        app.store
            .ingest_log(app.org.id, IngestLogFilter::default(), retention, 0, 150)
    };
    app.store
        .log_ingest_attempt(attempt("old"), keep_all)
        .await
        .expect("logged");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let short = IngestRetention {
        keep: 1_000,
        max_age_ms: 10,
    };

    // Older than the age: not shown, even before an insert prunes it.
    let (shown, total) = read(short).await.expect("read");
    assert!(shown.is_empty());
    assert_eq!(total, 0);
    assert_eq!(read(keep_all).await.expect("read").1, 1);
    // The next insert prunes it.
    app.store
        .log_ingest_attempt(attempt("new"), short)
        .await
        .expect("logged");
    let (kept, _) = read(keep_all).await.expect("read");
    let names: Vec<&str> = kept.iter().map(|a| a.streamname.as_str()).collect();
    assert_eq!(names, vec!["new"]);
}
