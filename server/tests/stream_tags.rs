//! `GET /tags`: every tag in use with its count, and suggestions by prefix (docs/api.md,
//! "Tags"; docs/product.md F2).

mod common;

use castboard::store::{NewGroup, NewMember};
use common::{body, Caller, TestApp};
use serde_json::{json, Value};
use shared::model::{Feature, Role};
use shared::stream::{Processing, StreamState, Tags, Timecode};

/// `GET /api/v1/tags{query}`, asserting 200; the items.
async fn tags(caller: &Caller, query: &str) -> Value {
    let res = caller.get(&format!("/api/v1/tags{query}")).await;
    let status = res.status().as_u16();
    let v = body(res).await;
    assert_eq!(status, 200, "GET /tags{query}: {v}");
    v["items"].clone()
}

/// `[{tag, count}]` from pairs.
fn counts(pairs: &[(&str, u64)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(tag, count)| json!({"tag": tag, "count": count}))
            .collect(),
    )
}

async fn create_tagged(caller: &Caller, tags: &[&str]) -> Value {
    caller.create_stream(json!({ "tags": tags })).await
}

fn id(stream: &Value) -> &str {
    stream["id"].as_str().expect("id")
}

#[tokio::test]
async fn tags_in_use_are_counted_most_used_first_ties_in_byte_order() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    create_tagged(&admin, &["sport", "news", "é"]).await;
    create_tagged(&admin, &["sport", "b"]).await;
    create_tagged(&admin, &["sport", "news", "B"]).await;
    // Duplicates in one list count once.
    create_tagged(&admin, &["a:1", "a/b", " a:1 ", "a/b"]).await;
    // A transcode's own tags count as one stream each.
    admin
        .create_stream(json!({
            "tags": ["sport"],
            "transcodes": [{"preset": "vtrans2-852x480x800x25", "tags": ["news", "mobile"]}]
        }))
        .await;

    let items = tags(&admin, "").await;

    assert_eq!(
        items,
        counts(&[
            ("sport", 4),
            ("news", 3),
            // Ties: ascending byte order (uppercase before lowercase, `/` before `:`,
            // multi-byte characters last).
            ("B", 1),
            ("a/b", 1),
            ("a:1", 1),
            ("b", 1),
            ("mobile", 1),
            ("é", 1),
        ])
    );
}

#[tokio::test]
async fn counts_follow_tag_changes_deletes_and_states() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let one = create_tagged(&admin, &["sport", "solo"]).await;
    let two = create_tagged(&admin, &["sport", "news"]).await;
    let group = admin
        .create_stream(json!({
            "tags": ["news"],
            "transcodes": [{"preset": "vtrans2-852x480x800x25", "tags": ["news", "hd"]}]
        }))
        .await;
    assert_eq!(
        tags(&admin, "").await,
        counts(&[("news", 3), ("sport", 2), ("hd", 1), ("solo", 1)])
    );

    // Locking keeps the tags counted.
    let res = admin
        .post_empty(&format!("/api/v1/streams/{}/lock", id(&two)))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        tags(&admin, "").await[0],
        json!({"tag": "news", "count": 3})
    );

    // Replacing tags moves counts; a tag at 0 is gone.
    let res = admin
        .put(
            &format!("/api/v1/streams/{}/tags", id(&one)),
            json!({"tags": ["sport", "fresh"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        tags(&admin, "").await,
        counts(&[("news", 3), ("sport", 2), ("fresh", 1), ("hd", 1)])
    );

    // A removed transcode's tags go with it.
    let transcode = group["members"][1]["id"].as_str().expect("member id");
    let res = admin
        .delete(&format!(
            "/api/v1/streams/{}/profiles/{transcode}",
            id(&group)
        ))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        tags(&admin, "").await,
        counts(&[("news", 2), ("sport", 2), ("fresh", 1)])
    );

    // Deleting a group drops its tags; a deleted stream's tags cannot change.
    let res = admin
        .delete(&format!("/api/v1/streams/{}", id(&group)))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        tags(&admin, "").await,
        counts(&[("sport", 2), ("fresh", 1), ("news", 1)])
    );
    let res = admin
        .put(
            &format!("/api/v1/streams/{}/tags", id(&group)),
            json!({"tags": ["news", "revived"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(
        tags(&admin, "").await,
        counts(&[("sport", 2), ("fresh", 1), ("news", 1)])
    );

    // Deleting a stream lowers the counts; the last use removes the tag.
    let res = admin.delete(&format!("/api/v1/streams/{}", id(&two))).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        tags(&admin, "").await,
        counts(&[("fresh", 1), ("sport", 1)])
    );
    assert_eq!(tags(&admin, "?prefix=new").await, json!([]));

    let res = admin.delete(&format!("/api/v1/streams/{}", id(&one))).await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(tags(&admin, "").await, json!([]));
}

#[tokio::test]
async fn seeded_deleted_streams_are_not_counted() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let member = |tags: &[&str]| NewMember {
        profile: None,
        tags: Tags::parse(tags).expect("tags"),
        processing: Processing::default(),
    };
    let group = |state: StreamState, tags: &[&str]| NewGroup {
        members: vec![member(tags)],
        timecode: Timecode::default(),
        push_url: None,
        state,
        ever_live: true,
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_000,
    };
    app.store
        .seed_groups(
            app.org.id,
            &app.org.hash,
            &[
                group(StreamState::Deleted, &["gone", "kept"]),
                group(StreamState::Ended, &["kept"]),
                group(StreamState::Live, &["kept", "on-air"]),
                group(StreamState::Locked, &["held"]),
            ],
        )
        .await
        .expect("seeded");

    let items = tags(&admin, "").await;

    assert_eq!(items, counts(&[("kept", 2), ("held", 1), ("on-air", 1)]));
}

#[tokio::test]
async fn suggestions_start_with_the_prefix_case_sensitive_top_ten_most_used() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    // spo00 … spo11: spoNN is used on (12 - NN) streams for NN < 6, once otherwise.
    let mut per_stream: Vec<Vec<String>> = vec![Vec::new(); 12];
    for n in 0..12usize {
        let uses = if n < 6 { 12 - n } else { 1 };
        for stream in per_stream.iter_mut().take(uses) {
            stream.push(format!("spo{n:02}"));
        }
    }
    per_stream[0].push("Sport".into());
    per_stream[1].push("SPORT".into());
    per_stream[2].push("sp".into());
    per_stream[3].push("xspo".into());
    for tags in &per_stream {
        admin.create_stream(json!({ "tags": tags })).await;
    }

    let items = tags(&admin, "?prefix=spo").await;

    let mut want: Vec<(String, u64)> = (0..6).map(|n| (format!("spo{n:02}"), 12 - n)).collect();
    want.extend((6..10).map(|n| (format!("spo{n:02}"), 1)));
    let want: Vec<Value> = want
        .iter()
        .map(|(tag, count)| json!({"tag": tag, "count": count}))
        .collect();
    assert_eq!(items, Value::Array(want));
    // Case-sensitive.
    assert_eq!(tags(&admin, "?prefix=Spo").await, counts(&[("Sport", 1)]));
    assert_eq!(tags(&admin, "?prefix=SPO").await, counts(&[("SPORT", 1)]));
    assert_eq!(tags(&admin, "?prefix=sPo").await, json!([]));
    // A whole tag is its own prefix; longer prefixes narrow.
    assert_eq!(tags(&admin, "?prefix=spo11").await, counts(&[("spo11", 1)]));
    assert_eq!(
        tags(&admin, "?prefix=spo0").await,
        counts(&[
            ("spo00", 12),
            ("spo01", 11),
            ("spo02", 10),
            ("spo03", 9),
            ("spo04", 8),
            ("spo05", 7),
            ("spo06", 1),
            ("spo07", 1),
            ("spo08", 1),
            ("spo09", 1),
        ])
    );
    assert_eq!(tags(&admin, "?prefix=nothing").await, json!([]));
}

#[tokio::test]
async fn prefixes_under_three_characters_suggest_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    create_tagged(&admin, &["sport", "sp", "s", "été", "étoile"]).await;

    for prefix in ["", "s", "sp", "%C3%A9t"] {
        assert_eq!(
            tags(&admin, &format!("?prefix={prefix}")).await,
            json!([]),
            "prefix {prefix:?}"
        );
    }
    // Three characters (five bytes here) are enough.
    assert_eq!(
        tags(&admin, "?prefix=%C3%A9to").await,
        counts(&[("étoile", 1)])
    );
    assert_eq!(tags(&admin, "?prefix=spo").await, counts(&[("sport", 1)]));
}

#[tokio::test]
async fn suggestion_prefixes_are_literal_text() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    create_tagged(&admin, &["50%off", "500kbps", "a_b-c", "axb-c", "k:v/1"]).await;

    assert_eq!(
        tags(&admin, "?prefix=50%25").await,
        counts(&[("50%off", 1)])
    );
    assert_eq!(tags(&admin, "?prefix=a_b").await, counts(&[("a_b-c", 1)]));
    assert_eq!(tags(&admin, "?prefix=k%3Av").await, counts(&[("k:v/1", 1)]));
}

#[tokio::test]
async fn suggestions_include_tags_with_any_character_after_the_prefix() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    // U+10FFFF is the largest code point; a tag may hold it (it is no control character).
    create_tagged(&admin, &["abc\u{10FFFF}", "abc\u{FFFF}", "abcd"]).await;

    let items = tags(&admin, "?prefix=abc").await;

    assert_eq!(
        items,
        counts(&[("abcd", 1), ("abc\u{FFFF}", 1), ("abc\u{10FFFF}", 1)])
    );
}

#[tokio::test]
async fn another_organisations_tags_never_appear() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (_, other_admin) = app.other_org().await;
    let other = app.signed_in(&other_admin).await;
    create_tagged(&admin, &["shared", "ours"]).await;
    create_tagged(&other, &["shared", "theirs"]).await;
    create_tagged(&other, &["shared", "theirs-too"]).await;

    let reader = app.api_key(Role::ReadOnly).await;
    for caller in [&admin, &reader] {
        assert_eq!(
            tags(caller, "").await,
            counts(&[("ours", 1), ("shared", 1)])
        );
        assert_eq!(tags(caller, "?prefix=the").await, json!([]));
        assert_eq!(tags(caller, "?prefix=sha").await, counts(&[("shared", 1)]));
    }
    assert_eq!(
        tags(&other, "").await,
        counts(&[("shared", 2), ("theirs", 1), ("theirs-too", 1)])
    );
    assert_eq!(tags(&other, "?prefix=our").await, json!([]));
}

#[tokio::test]
async fn tags_need_credentials() {
    let app = TestApp::spawn().await;

    let res = app.anonymous().get("/api/v1/tags").await;

    common::assert_error(res, 401, "unauthorized").await;
}

/// Eight clients at once, each replacing the tags of its own stream 25 times and of one
/// stream they all share: every request succeeds and the counts match the final tags.
#[tokio::test]
async fn parallel_tag_replacements_all_succeed_and_the_counts_stay_exact() {
    let app = TestApp::spawn().await;
    let caller = app.api_key(Role::User).await;
    let shared_stream = create_tagged(&caller, &["start"]).await;
    let shared_id = id(&shared_stream).to_string();
    let mut own = Vec::new();
    for _ in 0..8 {
        own.push(id(&create_tagged(&caller, &[]).await).to_string());
    }

    let mut clients = tokio::task::JoinSet::new();
    for (client, stream) in own.iter().cloned().enumerate() {
        let (caller, shared_id) = (app.api_key(Role::User).await, shared_id.clone());
        clients.spawn(async move {
            let mut statuses = Vec::new();
            for round in 0..25 {
                let own_tags = json!({"tags": [format!("c{client}-r{round}"), "mine"]});
                let res = caller
                    .put(&format!("/api/v1/streams/{stream}/tags"), own_tags)
                    .await;
                statuses.push(res.status().as_u16());
                let shared_tags = json!({"tags": [format!("last-{client}")]});
                let res = caller
                    .put(&format!("/api/v1/streams/{shared_id}/tags"), shared_tags)
                    .await;
                statuses.push(res.status().as_u16());
            }
            statuses
        });
    }
    let statuses: Vec<u16> = clients.join_all().await.into_iter().flatten().collect();

    assert_eq!(statuses.len(), 400);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let last_shared = body(caller.get(&format!("/api/v1/streams/{shared_id}")).await).await;
    let last = last_shared["tags"][0]
        .as_str()
        .expect("one tag")
        .to_string();
    assert!(last.starts_with("last-"), "{last_shared}");
    let mut expected: Vec<(String, u64)> = vec![("mine".into(), 8)];
    for client in 0..8 {
        expected.push((format!("c{client}-r24"), 1));
    }
    expected.push((last, 1));
    expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let pairs: Vec<(&str, u64)> = expected.iter().map(|(t, c)| (t.as_str(), *c)).collect();
    assert_eq!(tags(&caller, "").await, counts(&pairs));
}
