//! `GET /events`: Server-Sent Events of the caller's organisation (docs/api.md,
//! "Events"; docs/product.md X2, L4).

mod common;

use common::streams::id_of as id;
use common::{assert_error, body, Caller, TestApp};
use serde_json::{json, Value};
use shared::model::{Feature, Role};
use std::time::Duration;

/// How long a test waits for an event before it fails (a safety net, not a delay).
const WAIT: Duration = Duration::from_secs(10);

/// One subscriber's open event stream.
struct Subscriber {
    res: reqwest::Response,
    buf: Vec<u8>,
}

impl Subscriber {
    /// Subscribes; once the headers are in, the subscription is active.
    async fn open(caller: &Caller) -> Subscriber {
        let res = caller.get("/api/v1/events").await;
        assert_eq!(res.status().as_u16(), 200, "GET /events");
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            content_type.starts_with("text/event-stream"),
            "content-type: {content_type}"
        );
        Subscriber {
            res,
            buf: Vec::new(),
        }
    }

    /// The next event: its `event:` type and its `data:` JSON (comments are skipped).
    async fn next(&mut self) -> (String, Value) {
        tokio::time::timeout(WAIT, self.read_event())
            .await
            .expect("an event arrives in time")
    }

    /// Whether the server ends the stream within `limit` (events before the end are
    /// skipped).
    async fn ends_within(&mut self, limit: Duration) -> bool {
        tokio::time::timeout(limit, async {
            while let Ok(Some(_)) = self.res.chunk().await {}
        })
        .await
        .is_ok()
    }

    async fn read_event(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buf.drain(..end + 2).collect();
                let text = String::from_utf8(block).expect("UTF-8 event");
                let mut kind = None;
                let mut data: Vec<&str> = Vec::new();
                for line in text.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        kind = Some(v.strip_prefix(' ').unwrap_or(v).to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if kind.is_none() && data.is_empty() {
                    continue; // a keep-alive comment
                }
                let data = data.join("\n");
                let value = serde_json::from_str(&data)
                    .unwrap_or_else(|_| panic!("event data is not JSON: {data}"));
                return (kind.expect("event has a type"), value);
            }
            let chunk = self
                .res
                .chunk()
                .await
                .expect("event stream readable")
                .expect("event stream still open");
            self.buf.extend_from_slice(&chunk);
        }
    }
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn events_need_credentials() {
    let app = TestApp::spawn().await;

    let res = app.anonymous().get("/api/v1/events").await;

    assert_error(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn session_and_api_key_subscribers_hear_a_new_stream() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let reader = app.add_user(Role::ReadOnly).await;
    let mut by_session = Subscriber::open(&app.signed_in(&reader).await).await;
    let mut by_key = Subscriber::open(&app.api_key(Role::ReadOnly).await).await;

    let made = admin.create_stream(json!({"tags": ["news"]})).await;

    for sub in [&mut by_session, &mut by_key] {
        let (kind, data) = sub.next().await;
        assert_eq!(kind, "stream.created");
        assert_eq!(
            data,
            json!({
                "id": made["id"],
                "name": made["name"],
                "streamgroup_id": made["streamgroup_id"],
                "at": made["updated_at"],
            })
        );
    }
}

#[tokio::test]
async fn a_publish_hook_announces_the_state_change() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let made = admin.create_stream(json!({})).await;
    let mut sub = Subscriber::open(&admin).await;
    let name = made["name"].as_str().expect("name").to_string();

    let res = app.ingest("publish", &name).await;

    assert!(res.status().is_success(), "publish: {}", res.status());
    let (kind, data) = sub.next().await;
    let now = body(admin.get(&format!("/api/v1/streams/{}", id(&made))).await).await;
    assert_eq!(kind, "stream.state_changed");
    assert_eq!(
        data,
        json!({
            "id": made["id"],
            "name": made["name"],
            "streamgroup_id": made["id"],
            "from": "created",
            "to": "live",
            "at": now["updated_at"],
        })
    );
    assert_eq!(
        keys(&data),
        vec!["at", "from", "id", "name", "streamgroup_id", "to"]
    );

    // The ingest stops: live → ended.
    let res = app.ingest("publish_done", &name).await;
    assert!(res.status().is_success());
    let (kind, data) = sub.next().await;
    assert_eq!(kind, "stream.state_changed");
    assert_eq!(
        (data["id"].clone(), data["from"].clone(), data["to"].clone()),
        (made["id"].clone(), json!("live"), json!("ended"))
    );
}

#[tokio::test]
async fn a_publish_hook_announces_every_member_of_the_group() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let made = admin
        .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
        .await;
    let mut sub = Subscriber::open(&admin).await;

    let res = app
        .ingest("publish", made["name"].as_str().expect("name"))
        .await;

    assert!(res.status().is_success());
    let mut heard = Vec::new();
    for _ in 0..2 {
        let (kind, data) = sub.next().await;
        assert_eq!(kind, "stream.state_changed");
        heard.push(data);
    }
    heard.sort_by_key(|d| d["id"].as_str().unwrap_or_default().to_string());
    let mut want: Vec<Value> = made["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            json!({
                "id": m["id"],
                "name": m["name"],
                "streamgroup_id": made["id"],
                "from": "created",
                "to": "live",
            })
        })
        .collect();
    want.sort_by_key(|d| d["id"].as_str().unwrap_or_default().to_string());
    for (got, want) in heard.iter_mut().zip(&want) {
        assert!(got["at"].is_string(), "{got}");
        got.as_object_mut().expect("data").remove("at");
        assert_eq!(got, want);
    }
}

#[tokio::test]
async fn create_and_patch_announce_created_and_updated() {
    let app = TestApp::spawn().await;
    let writer = app.signed_in(&app.add_user(Role::User).await).await;
    let mut sub = Subscriber::open(&app.signed_in(&app.admin).await).await;

    let made = writer.create_stream(json!({})).await;
    let res = writer
        .patch(
            &format!("/api/v1/streams/{}", id(&made)),
            json!({"push_url": "rtmp://cdn.example.com/live/key"}),
        )
        .await;

    assert_eq!(res.status().as_u16(), 200);
    let patched = body(res).await;
    let (kind, data) = sub.next().await;
    assert_eq!(kind, "stream.created");
    assert_eq!(
        data,
        json!({
            "id": made["id"],
            "name": made["name"],
            "streamgroup_id": made["id"],
            "at": made["updated_at"],
        })
    );
    let (kind, data) = sub.next().await;
    assert_eq!(kind, "stream.updated");
    assert_eq!(
        data,
        json!({
            "id": made["id"],
            "name": made["name"],
            "streamgroup_id": made["id"],
            "at": patched["updated_at"],
        })
    );
}

#[tokio::test]
async fn delete_announces_the_deletion() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let made = admin.create_stream(json!({})).await;
    let mut sub = Subscriber::open(&admin).await;

    let res = admin
        .delete(&format!("/api/v1/streams/{}", id(&made)))
        .await;

    assert_eq!(res.status().as_u16(), 204);
    let mut heard = Vec::new();
    for _ in 0..2 {
        heard.push(sub.next().await);
    }
    let deleted = heard
        .iter()
        .find(|(kind, _)| kind == "stream.deleted")
        .unwrap_or_else(|| panic!("no stream.deleted in {heard:?}"));
    assert_eq!(deleted.1["id"], made["id"]);
    assert_eq!(deleted.1["name"], made["name"]);
    assert_eq!(keys(&deleted.1), vec!["at", "id", "name"]);
    let changed = heard
        .iter()
        .find(|(kind, _)| kind == "stream.state_changed")
        .unwrap_or_else(|| panic!("no stream.state_changed in {heard:?}"));
    assert_eq!(
        (changed.1["from"].clone(), changed.1["to"].clone()),
        (json!("created"), json!("deleted"))
    );
}

#[tokio::test]
async fn subscribers_hear_only_their_own_organisation() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (_, other_admin) = app.other_org().await;
    let other = app.signed_in(&other_admin).await;
    let mut ours = Subscriber::open(&admin).await;
    let mut theirs = Subscriber::open(&other).await;

    // Changes in our organisation, then one in theirs, then one more in ours.
    let a = admin.create_stream(json!({})).await;
    let res = app
        .ingest("publish", a["name"].as_str().expect("name"))
        .await;
    assert!(res.status().is_success());
    let res = admin
        .patch(
            &format!("/api/v1/streams/{}", id(&a)),
            json!({"tags": ["x"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let b = other.create_stream(json!({})).await;
    let res = admin
        .put(
            &format!("/api/v1/streams/{}/tags", id(&a)),
            json!({"tags": ["y"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    // Theirs hears their own stream first: none of ours came through.
    let (kind, data) = theirs.next().await;
    assert_eq!(kind, "stream.created");
    assert_eq!(data["id"], b["id"]);
    // Ours hears ours, in order, and not theirs in between.
    let mut heard = Vec::new();
    for _ in 0..4 {
        let (kind, data) = ours.next().await;
        assert_eq!(data["id"], a["id"], "{kind}: {data}");
        heard.push(kind);
    }
    assert_eq!(
        heard,
        vec![
            "stream.created",
            "stream.state_changed",
            "stream.updated",
            "stream.updated"
        ]
    );
}

/// Revoking the access an open stream was opened with ends that stream within a second,
/// and only that stream: deleting its API key, signing its session out, removing its user.
#[tokio::test]
async fn revoked_access_ends_open_event_streams_within_a_second() {
    let app = TestApp::spawn().await;
    let admin = app.api_key(Role::Admin).await;
    let key = admin
        .post(
            "/api/v1/api-keys",
            json!({"name": "watcher", "role": "read_only"}),
        )
        .await;
    let key = body(key).await;
    let by_key = Caller::new(
        &app.base,
        common::Auth::Key(key["secret"].as_str().expect("secret").into()),
    );
    let user = app.add_user(Role::User).await;
    let by_session = app.signed_in(&user).await;
    let by_removed = app.signed_in(&app.add_user(Role::ReadOnly).await).await;
    let removed_id = body(by_removed.get("/api/v1/me").await).await["user"]["id"]
        .as_str()
        .expect("user id")
        .to_string();
    let mut key_stream = Subscriber::open(&by_key).await;
    let mut session_stream = Subscriber::open(&by_session).await;
    let mut removed_stream = Subscriber::open(&by_removed).await;
    let mut bystander = Subscriber::open(&admin).await;

    let deleted = admin
        .delete(&format!(
            "/api/v1/api-keys/{}",
            key["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert!(
        key_stream.ends_within(Duration::from_secs(1)).await,
        "API key deleted"
    );

    let out = by_session.post_empty("/api/v1/auth/logout").await;
    assert_eq!(out.status().as_u16(), 204);
    assert!(
        session_stream.ends_within(Duration::from_secs(1)).await,
        "signed out"
    );

    let removed = admin.delete(&format!("/api/v1/users/{removed_id}")).await;
    assert_eq!(removed.status().as_u16(), 204);
    assert!(
        removed_stream.ends_within(Duration::from_secs(1)).await,
        "user removed"
    );

    // The admin's stream is still open and still delivers.
    let s = admin.create_stream(json!({})).await;
    let (kind, data) = bystander.next().await;
    assert_eq!(kind, "stream.created");
    assert_eq!(data["id"], s["id"]);
}

/// Several instances on one PostgreSQL database: a change made through one reaches the
/// subscribers of the other within a second, and each subscriber hears every change once
/// (an instance does not deliver its own change twice when the database echoes it).
/// On SQLite, which one instance serves, there is nothing to share.
#[tokio::test]
async fn a_change_through_one_instance_reaches_the_others_subscribers_within_a_second() {
    if !common::on_postgres() {
        eprintln!("skipped: several instances share events on PostgreSQL");
        return;
    }
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let writer = app.api_key(Role::User).await;
    let mut here = Subscriber::open(&app.signed_in(&app.admin).await).await;
    let mut there = Subscriber::open(&app.signed_in(&app.admin).await.at(&second)).await;

    for round in 0..3 {
        let made = writer.create_stream(json!({})).await;
        let want = json!({
            "id": made["id"],
            "name": made["name"],
            "streamgroup_id": made["id"],
            "at": made["updated_at"],
        });
        let (kind, data) = tokio::time::timeout(Duration::from_secs(1), there.read_event())
            .await
            .unwrap_or_else(|_| panic!("round {round}: no event on the other instance within 1 s"));
        assert_eq!(
            (kind.as_str(), &data),
            ("stream.created", &want),
            "round {round}"
        );
        // The next event here is this round's, not the last round's again.
        let (kind, data) = here.next().await;
        assert_eq!(
            (kind.as_str(), &data),
            ("stream.created", &want),
            "round {round}"
        );
    }
}

/// Signing out through one instance ends the event streams the session opened on
/// another within a second (PostgreSQL, as above).
#[tokio::test]
async fn signing_out_through_one_instance_ends_the_sessions_streams_on_the_other() {
    if !common::on_postgres() {
        eprintln!("skipped: several instances share revocations on PostgreSQL");
        return;
    }
    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let session = app.signed_in(&app.add_user(Role::User).await).await;
    let mut there = Subscriber::open(&session.at(&second)).await;
    let mut bystander = Subscriber::open(&app.api_key(Role::Admin).await.at(&second)).await;

    let out = session.post_empty("/api/v1/auth/logout").await;
    assert_eq!(out.status().as_u16(), 204);
    assert!(
        there.ends_within(Duration::from_secs(1)).await,
        "signed out on the first instance"
    );
    let s = app.api_key(Role::User).await.create_stream(json!({})).await;
    let (kind, data) = bystander.next().await;
    assert_eq!(kind, "stream.created");
    assert_eq!(data["id"], s["id"]);
}
