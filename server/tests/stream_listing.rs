//! `GET /streams`: filters alone and combined, grouped and individual mode, pagination
//! and its order, exact search, and the organisation boundary (docs/api.md, "Listing";
//! docs/product.md F1–F5, S1).

mod common;

use castboard::store::{NewGroup, StreamRecord};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use common::streams::seed_group;
use common::{assert_error, body, Caller, TestApp};
use serde_json::{json, Value};
use shared::model::Organisation;
use shared::stream::StreamState;
use shared::Timestamp;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// 2025-03-10T12:00:00.000Z: the base time of seeded history (a Monday, long past).
fn base() -> i64 {
    Utc.with_ymd_and_hms(2025, 3, 10, 12, 0, 0)
        .single()
        .expect("valid date")
        .timestamp_millis()
}

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// RFC 3339 with milliseconds, as the API writes times.
fn rfc(ms: i64) -> String {
    Timestamp::from_millis(ms).expect("in range").to_string()
}

/// Seeds `groups` into `org`; returns each group's members, passthrough first.
async fn seed_into(
    app: &TestApp,
    org: &Organisation,
    groups: &[NewGroup],
) -> Vec<Vec<StreamRecord>> {
    let ids = app
        .store
        .seed_groups(org.id, &org.hash, groups)
        .await
        .expect("seeded");
    let mut out = Vec::new();
    for id in ids {
        out.push(app.store.members(id).await.expect("members"));
    }
    out
}

async fn seed(app: &TestApp, groups: &[NewGroup]) -> Vec<Vec<StreamRecord>> {
    seed_into(app, &app.org, groups).await
}

/// `GET /api/v1/streams?{query}`, asserting 200; the body.
async fn list(caller: &Caller, query: &str) -> Value {
    let res = caller.get(&format!("/api/v1/streams?{query}")).await;
    let status = res.status().as_u16();
    let v = body(res).await;
    assert_eq!(status, 200, "GET /streams?{query}: {v}");
    v
}

/// The ids of a list's items, in order.
fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// Ids of `records` newest update first, then id descending (the listing order).
fn newest_first<'a>(records: impl IntoIterator<Item = &'a StreamRecord>) -> Vec<String> {
    let mut v: Vec<(i64, String)> = records
        .into_iter()
        .map(|r| (r.updated_at.millis(), r.id.to_string()))
        .collect();
    v.sort_by(|a, b| b.cmp(a));
    v.into_iter().map(|(_, id)| id).collect()
}

/// What a listing should hold: in grouped mode the passthroughs matching `keep`, in
/// individual mode every member matching it; newest first.
fn expected(
    groups: &[Vec<StreamRecord>],
    grouped: bool,
    keep: impl Fn(&StreamRecord) -> bool,
) -> Vec<String> {
    newest_first(
        groups
            .iter()
            .flatten()
            .filter(|r| !grouped || r.index == 0)
            .filter(|r| keep(r)),
    )
}

fn has_tags(r: &StreamRecord, tags: &[&str]) -> bool {
    tags.iter()
        .all(|t| r.tags.iter().any(|have| have.as_str() == *t))
}

fn listed_by_default(r: &StreamRecord) -> bool {
    r.state != StreamState::Deleted
}

/// Asserts a 422 `validation_failed` whose `fields` names `param`.
async fn assert_refused(caller: &Caller, query: &str, param: &str) {
    let res = caller.get(&format!("/api/v1/streams?{query}")).await;
    let v = assert_error(res, 422, "validation_failed").await;
    assert!(
        v["error"]["fields"].get(param).is_some(),
        "?{query}: fields should name {param}: {v}"
    );
}

// ---------------------------------------------------------------------------------------
// Shape: grouped and individual items
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn grouped_list_has_one_item_per_group_with_playouts_and_members() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let b = base();
    let groups = seed(
        &app,
        &[
            seed_group(StreamState::Ended, b + 123, &["sport"], &[&["hd"], &[]]),
            seed_group(StreamState::Created, b + HOUR, &[], &[]),
            seed_group(StreamState::Deleted, b + 2 * HOUR, &["sport"], &[]),
        ],
    )
    .await;
    let (abr, single) = (&groups[0], &groups[1]);

    let v = list(&admin, "").await;

    assert_eq!(
        ids(&v),
        vec![single[0].id.to_string(), abr[0].id.to_string()]
    );
    assert_eq!(v["meta"], json!({"total": 2, "page": 1, "per_page": 25}));
    let abr_item = &v["items"][1];
    assert_eq!(abr_item["playouts"], 3);
    assert_eq!(abr_item["index"], 0);
    assert_eq!(abr_item["streamgroup_id"], abr[0].id.to_string());
    assert_eq!(abr_item["updated_at"], rfc(b + 123));
    assert_eq!(abr_item["updated_at"], "2025-03-10T12:00:00.123Z");
    let member_ids: Vec<&str> = abr_item["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    let want: Vec<String> = abr.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(member_ids, want);
    let m1 = &abr_item["members"][1];
    let keys: Vec<&str> = m1
        .as_object()
        .expect("member")
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "id",
        "name",
        "state",
        "streamgroup_id",
        "index",
        "profile",
        "tags",
        "push_url",
        "processing",
    ] {
        assert!(keys.contains(&key), "member lacks {key}: {m1}");
    }
    assert_eq!(m1["index"], 1);
    assert_eq!(m1["tags"], json!(["hd"]));
    assert_eq!(m1["profile"]["id"], "vtrans2-1280x720x1600x25");
    assert_eq!(m1["streamgroup_id"], abr[0].id.to_string());
    let single_item = &v["items"][0];
    assert_eq!(single_item["playouts"], 1);
    assert_eq!(single_item["members"].as_array().expect("members").len(), 1);
    assert_eq!(single_item["members"][0]["id"], single[0].id.to_string());

    // Every field of the stream object but `assets`.
    for (item, id) in [(abr_item, abr[0].id), (single_item, single[0].id)] {
        assert!(item.get("assets").is_none(), "list item has assets: {item}");
        let mut object = body(admin.get(&format!("/api/v1/streams/{id}")).await).await;
        object.as_object_mut().expect("object").remove("assets");
        let mut listed = item.clone();
        listed.as_object_mut().expect("item").remove("playouts");
        assert_eq!(listed, object);
    }
}

#[tokio::test]
async fn individual_list_has_every_member_with_members_and_no_playouts() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let b = base();
    let groups = seed(
        &app,
        &[
            seed_group(StreamState::Live, b, &[], &[&[], &[]]),
            seed_group(StreamState::Created, b + HOUR, &[], &[]),
        ],
    )
    .await;

    let v = list(&admin, "group=false").await;

    assert_eq!(ids(&v), expected(&groups, false, |_| true));
    assert_eq!(v["meta"]["total"], 4);
    let abr_ids: Vec<String> = groups[0].iter().map(|r| r.id.to_string()).collect();
    for item in v["items"].as_array().expect("items") {
        assert!(item.get("playouts").is_none(), "individual item: {item}");
        assert!(item.get("assets").is_none(), "individual item: {item}");
        let members: Vec<String> = item["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_string())
            .collect();
        if abr_ids.contains(&item["id"].as_str().expect("id").to_string()) {
            assert_eq!(members, abr_ids);
            assert_eq!(item["streamgroup_id"], groups[0][0].id.to_string());
        } else {
            assert_eq!(members, vec![groups[1][0].id.to_string()]);
        }
    }
    let transcode = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == groups[0][2].id.to_string())
        .expect("second transcode listed");
    assert_eq!(transcode["index"], 2);
    assert_eq!(transcode["profile"]["id"], "vtrans2-852x480x800x25");
    assert_eq!(transcode["name"], groups[0][2].name.as_str());
    // `group=true` spelled out is the default.
    assert_eq!(
        ids(&list(&admin, "group=true").await),
        ids(&list(&admin, "").await)
    );
}

// ---------------------------------------------------------------------------------------
// Filters, alone and combined
// ---------------------------------------------------------------------------------------

/// Ten groups over every state, with passthrough and transcode tags; two share a time.
fn mixed_history() -> Vec<NewGroup> {
    let b = base();
    vec![
        seed_group(StreamState::Created, b + HOUR, &["sport"], &[]),
        seed_group(
            StreamState::Live,
            b + 2 * HOUR,
            &["sport", "news"],
            &[&["news"], &[]],
        ),
        // Only the transcode carries `sport`.
        seed_group(StreamState::Ended, b + 3 * HOUR, &["news"], &[&["sport"]]),
        seed_group(
            StreamState::Locked,
            b + 4 * HOUR,
            &["sport", "news", "k:v"],
            &[],
        ),
        seed_group(
            StreamState::Deleted,
            b + 5 * HOUR,
            &["sport"],
            &[&["sport"]],
        ),
        // Same time as the ended group above; tags differ only in case.
        seed_group(StreamState::Ended, b + 3 * HOUR, &["Sport"], &[]),
        seed_group(StreamState::Created, b, &["a/b"], &[]),
        seed_group(StreamState::Live, b - DAY, &[], &[]),
        seed_group(StreamState::Ended, b + 6 * HOUR, &["sport", "news"], &[&[]]),
        seed_group(StreamState::Deleted, b + 2 * HOUR, &["news"], &[]),
    ]
}

type Keep = Box<dyn Fn(&StreamRecord) -> bool>;

fn in_states(states: &'static [StreamState]) -> Keep {
    Box::new(move |r| states.contains(&r.state))
}

#[tokio::test]
async fn every_filter_alone_and_combined_in_both_modes() {
    use StreamState::*;
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let groups = seed(&app, &mixed_history()).await;
    let b = base();
    let (from, to) = (b + 2 * HOUR, b + 4 * HOUR);
    let cases: Vec<(String, Keep)> = vec![
        // state
        (String::new(), Box::new(listed_by_default)),
        ("state=created".into(), in_states(&[Created])),
        ("state=live".into(), in_states(&[Live])),
        ("state=ended".into(), in_states(&[Ended])),
        ("state=locked".into(), in_states(&[Locked])),
        ("state=deleted".into(), in_states(&[Deleted])),
        ("state=all".into(), Box::new(listed_by_default)),
        ("state=live,ended".into(), in_states(&[Live, Ended])),
        ("state=live&state=ended".into(), in_states(&[Live, Ended])),
        (
            "state=created,deleted".into(),
            in_states(&[Created, Deleted]),
        ),
        (
            "state=locked&state=created,live".into(),
            in_states(&[Locked, Created, Live]),
        ),
        (
            "state=all&state=deleted".into(),
            in_states(&[Created, Live, Ended, Locked, Deleted]),
        ),
        // tag
        (
            "tag=sport".into(),
            Box::new(|r| listed_by_default(r) && has_tags(r, &["sport"])),
        ),
        (
            "tag=news".into(),
            Box::new(|r| listed_by_default(r) && has_tags(r, &["news"])),
        ),
        (
            "tag=sport&tag=news".into(),
            Box::new(|r| listed_by_default(r) && has_tags(r, &["sport", "news"])),
        ),
        (
            "tag=news&tag=sport&tag=k%3Av".into(),
            Box::new(|r| listed_by_default(r) && has_tags(r, &["sport", "news", "k:v"])),
        ),
        (
            "tag=Sport".into(),
            Box::new(|r| listed_by_default(r) && has_tags(r, &["Sport"])),
        ),
        (
            "tag=a%2Fb".into(),
            Box::new(|r| listed_by_default(r) && has_tags(r, &["a/b"])),
        ),
        ("tag=unused".into(), Box::new(|_| false)),
        ("tag=sport&tag=unused".into(), Box::new(|_| false)),
        // from / to
        (
            format!("from={}&to={}", rfc(from), rfc(to)),
            Box::new(move |r| {
                listed_by_default(r) && r.updated_at.millis() >= from && r.updated_at.millis() < to
            }),
        ),
        (
            format!("from={}", rfc(from)),
            Box::new(move |r| listed_by_default(r) && r.updated_at.millis() >= from),
        ),
        (
            format!("to={}", rfc(to)),
            Box::new(move |r| listed_by_default(r) && r.updated_at.millis() < to),
        ),
        // combinations
        (
            "state=ended&tag=sport".into(),
            Box::new(|r| r.state == Ended && has_tags(r, &["sport"])),
        ),
        (
            "state=deleted&tag=sport".into(),
            Box::new(|r| r.state == Deleted && has_tags(r, &["sport"])),
        ),
        (
            format!("state=live,locked&tag=news&from={}", rfc(from)),
            Box::new(move |r| {
                [Live, Locked].contains(&r.state)
                    && has_tags(r, &["news"])
                    && r.updated_at.millis() >= from
            }),
        ),
        (
            format!(
                "state=all&state=deleted&tag=news&from={}&to={}",
                rfc(from),
                rfc(to)
            ),
            Box::new(move |r| {
                has_tags(r, &["news"])
                    && r.updated_at.millis() >= from
                    && r.updated_at.millis() < to
            }),
        ),
        (
            format!("tag=sport&to={}", rfc(b + 3 * HOUR)),
            Box::new(move |r| {
                listed_by_default(r)
                    && has_tags(r, &["sport"])
                    && r.updated_at.millis() < b + 3 * HOUR
            }),
        ),
    ];

    for (query, keep) in &cases {
        for grouped in [true, false] {
            let q = if grouped {
                format!("{query}&per_page=150")
            } else {
                format!("{query}&per_page=150&group=false")
            };

            let v = list(&admin, &q).await;

            let want = expected(&groups, grouped, keep);
            assert_eq!(ids(&v), want, "?{q}");
            assert_eq!(v["meta"]["total"], want.len(), "?{q}");
            for item in v["items"].as_array().expect("items") {
                assert_eq!(item.get("playouts").is_some(), grouped, "?{q}: {item}");
            }
        }
    }
}

#[tokio::test]
async fn grouped_mode_tests_the_passthrough_individual_mode_each_member() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let groups = seed(
        &app,
        &[seed_group(
            StreamState::Ended,
            base(),
            &["studio"],
            &[&["mobile"]],
        )],
    )
    .await;
    let (head, transcode) = (&groups[0][0], &groups[0][1]);

    // Tags: a transcode's tag does not select its group.
    let grouped = list(&admin, "tag=mobile").await;
    let individual = list(&admin, "tag=mobile&group=false").await;
    assert_eq!(ids(&grouped), Vec::<String>::new());
    assert_eq!(grouped["meta"]["total"], 0);
    assert_eq!(ids(&individual), vec![transcode.id.to_string()]);
    assert_eq!(
        ids(&list(&admin, "tag=studio&group=false").await),
        vec![head.id.to_string()]
    );

    // Dates: a change to the transcode alone moves only its `updated_at`.
    let res = admin
        .patch(
            &format!("/api/v1/streams/{}", transcode.id),
            json!({"push_url": "rtmp://cdn.example.com/live/key"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let since = rfc(base() + DAY);
    let grouped = list(&admin, &format!("from={since}")).await;
    let individual = list(&admin, &format!("from={since}&group=false")).await;
    assert_eq!(grouped["meta"]["total"], 0);
    assert_eq!(ids(&individual), vec![transcode.id.to_string()]);
    let old = list(&admin, &format!("to={since}&group=false")).await;
    assert_eq!(ids(&old), vec![head.id.to_string()]);
    let old_grouped = list(&admin, &format!("to={since}")).await;
    assert_eq!(ids(&old_grouped), vec![head.id.to_string()]);
    assert_eq!(old_grouped["items"][0]["playouts"], 2);
}

#[tokio::test]
async fn from_is_inclusive_and_to_exclusive_to_the_millisecond() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let t = base() + 123;
    let groups = seed(
        &app,
        &[
            seed_group(StreamState::Created, t - 1, &[], &[]),
            seed_group(StreamState::Created, t, &[], &[]),
            seed_group(StreamState::Created, t + 1, &[], &[]),
            seed_group(StreamState::Created, t + 2, &[], &[]),
        ],
    )
    .await;
    let id = |i: usize| groups[i][0].id.to_string();

    // [t, t + 2): the stream exactly at `from` is in, the one exactly at `to` is out.
    let v = list(&admin, &format!("from={}&to={}", rfc(t), rfc(t + 2))).await;
    assert_eq!(ids(&v), vec![id(2), id(1)]);
    assert_eq!(v["meta"]["total"], 2);
    // One millisecond wide.
    let v = list(&admin, &format!("from={}&to={}", rfc(t), rfc(t + 1))).await;
    assert_eq!(ids(&v), vec![id(1)]);
    // Any offset names the same instant: 14:00:00.123+02:00 is 12:00:00.123Z.
    let v = list(
        &admin,
        "from=2025-03-10T14:00:00.123%2B02:00&to=2025-03-10T12:00:00.126Z",
    )
    .await;
    assert_eq!(ids(&v), vec![id(3), id(2), id(1)]);
    // Tag filter: the same bounds.
    let res = admin
        .put(
            &format!("/api/v1/streams/{}/tags", id(0)),
            json!({"tags": ["x"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let moved = body(admin.get(&format!("/api/v1/streams/{}", id(0))).await).await;
    let moved_at = Timestamp::parse(moved["updated_at"].as_str().expect("updated_at"))
        .expect("time")
        .millis();
    let v = list(
        &admin,
        &format!("tag=x&from={}&to={}", rfc(moved_at), rfc(moved_at + 1)),
    )
    .await;
    assert_eq!(ids(&v), vec![id(0)]);
    let v = list(&admin, &format!("tag=x&to={}", rfc(moved_at))).await;
    assert_eq!(v["meta"]["total"], 0);
}

#[tokio::test]
async fn tag_filter_follows_state_changes_and_edits_made_through_the_api() {
    let app = TestApp::spawn().await;
    app.enable(&[shared::model::Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let mut made = Vec::new();
    for _ in 0..4 {
        made.push(
            admin
                .create_stream(json!({
                    "tags": ["ops"],
                    "transcodes": [{"preset": "vtrans2-852x480x800x25", "tags": ["ops"]}]
                }))
                .await,
        );
    }
    let id = |i: usize| made[i]["id"].as_str().expect("id").to_string();
    let name = |i: usize| made[i]["name"].as_str().expect("name").to_string();

    // Act: go live, lock, delete, and edit one stream each.
    let res = app.ingest("publish", &name(0)).await;
    assert!(res.status().is_success(), "publish: {}", res.status());
    let res = admin
        .post_empty(&format!("/api/v1/streams/{}/lock", id(1)))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let res = admin.delete(&format!("/api/v1/streams/{}", id(2))).await;
    assert_eq!(res.status().as_u16(), 204);
    let res = admin
        .patch(
            &format!("/api/v1/streams/{}", id(3)),
            json!({"push_url": "rtmp://cdn.example.com/live/a"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    // The tag filter sees the same states and times as the plain list.
    for query in [
        "state=live",
        "state=locked",
        "state=deleted",
        "state=created",
        "",
        "state=all,deleted",
        "group=false",
        "group=false&state=all,deleted",
        "group=false&state=live",
    ] {
        let plain = list(&admin, &format!("{query}&per_page=150")).await;
        let tagged = list(&admin, &format!("{query}&per_page=150&tag=ops")).await;
        assert_eq!(ids(&tagged), ids(&plain), "?{query}");
        assert_eq!(tagged["meta"]["total"], plain["meta"]["total"], "?{query}");
        for item in plain["items"].as_array().expect("items") {
            let object = body(
                admin
                    .get(&format!(
                        "/api/v1/streams/{}",
                        item["id"].as_str().expect("id")
                    ))
                    .await,
            )
            .await;
            assert_eq!(item["state"], object["state"]);
            assert_eq!(item["updated_at"], object["updated_at"]);
        }
    }
    assert_eq!(ids(&list(&admin, "tag=ops&state=live").await), vec![id(0)]);
    assert_eq!(
        ids(&list(&admin, "tag=ops&state=locked").await),
        vec![id(1)]
    );
    assert_eq!(
        ids(&list(&admin, "tag=ops&state=deleted").await),
        vec![id(2)]
    );
    assert_eq!(ids(&list(&admin, "tag=ops").await)[0], id(3), "edited last");
    assert_eq!(
        list(&admin, "tag=ops&group=false&state=live").await["meta"]["total"],
        2
    );
}

/// One row of the whole individual list: (id, index, state, updated_at ms).
type Row = (String, u64, String, i64);

/// Every stream of the organisation, read from the individual list of every state.
async fn every_row(caller: &Caller) -> Vec<Row> {
    let v = list(caller, "state=all,deleted&group=false&per_page=150").await;
    let rows: Vec<Row> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["id"].as_str().expect("id").to_string(),
                i["index"].as_u64().expect("index"),
                i["state"].as_str().expect("state").to_string(),
                Timestamp::parse(i["updated_at"].as_str().expect("updated_at"))
                    .expect("time")
                    .millis(),
            )
        })
        .collect();
    assert_eq!(v["meta"]["total"], rows.len(), "total of the whole list");
    assert!(rows.len() < 150, "the whole list fits one page");
    rows
}

/// Checks totals and items of many filters against the whole list, filtered here.
async fn assert_totals_match(caller: &Caller, points: &[i64], step: &str) {
    let rows = every_row(caller).await;
    let mut queries: Vec<(String, Option<i64>, Option<i64>)> = vec![(String::new(), None, None)];
    for (i, a) in points.iter().enumerate() {
        queries.push((format!("from={}", rfc(*a)), Some(*a), None));
        queries.push((format!("to={}", rfc(*a)), None, Some(*a)));
        // Ranges one, three and all bounds wide.
        for b in [1, 3, points.len() - 1]
            .into_iter()
            .filter_map(|gap| points.get(i + gap))
            .collect::<std::collections::BTreeSet<_>>()
        {
            queries.push((
                format!("from={}&to={}", rfc(*a), rfc(*b)),
                Some(*a),
                Some(*b),
            ));
        }
    }
    let variants: [(&str, &[&str], bool); 4] = [
        ("", &["created", "live", "ended", "locked"], true),
        ("", &["created", "live", "ended", "locked"], false),
        (
            "state=all,deleted",
            &["created", "live", "ended", "locked", "deleted"],
            true,
        ),
        ("state=live,deleted", &["live", "deleted"], false),
    ];
    for (query, from, to) in &queries {
        for (states_query, states, grouped) in variants {
            let q = format!("{query}&{states_query}&group={grouped}&per_page=150");
            let v = list(caller, &q).await;
            let mut want: Vec<(i64, String)> = rows
                .iter()
                .filter(|(_, index, state, at)| {
                    (!grouped || *index == 0)
                        && states.contains(&state.as_str())
                        && from.is_none_or(|f| *at >= f)
                        && to.is_none_or(|t| *at < t)
                })
                .map(|(id, _, _, at)| (*at, id.clone()))
                .collect();
            want.sort_by(|a, b| b.cmp(a));
            let want: Vec<String> = want.into_iter().map(|(_, id)| id).collect();
            assert_eq!(ids(&v), want, "after {step}: ?{q}");
            assert_eq!(
                v["meta"]["total"],
                want.len(),
                "after {step}: total of ?{q}"
            );
        }
    }
}

#[tokio::test]
async fn totals_stay_exact_through_every_kind_of_change() {
    let app = TestApp::spawn().await;
    app.enable(&[shared::model::Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let today = midnight(Utc::now().date_naive());
    let d = |days: i64, ms: i64| today - days * DAY + ms;
    let groups = seed(
        &app,
        &[
            seed_group(StreamState::Created, d(10, 3 * HOUR), &[], &[&[]]),
            seed_group(StreamState::Ended, d(10, 20 * HOUR), &[], &[]),
            seed_group(StreamState::Created, d(9, 0), &[], &[]),
            seed_group(StreamState::Locked, d(5, 12 * HOUR), &[], &[&[], &[]]),
            seed_group(StreamState::Deleted, d(5, 12 * HOUR), &[], &[&[]]),
            seed_group(StreamState::Ended, d(2, DAY - 1), &[], &[&[]]),
            seed_group(StreamState::Created, d(1, 0), &[], &[]),
            seed_group(StreamState::Live, d(1, 5), &[], &[]),
        ],
    )
    .await;
    // Bounds on midnights, inside days and a millisecond either side of seeded times,
    // and the start of today (where every change below lands).
    let points = [
        d(11, 0),
        d(10, 3 * HOUR),
        d(10, 12 * HOUR),
        d(9, 0),
        d(9, 1),
        d(5, 12 * HOUR + 1),
        d(2, DAY - 1),
        d(1, 0),
        d(0, 0),
    ];
    assert_totals_match(&admin, &points, "seeding").await;
    let id = |g: usize, m: usize| groups[g][m].id.to_string();
    let name = |g: usize| groups[g][0].name.as_str().to_string();
    let ok = |res: reqwest::Response, status: u16, step: &str| {
        assert_eq!(res.status().as_u16(), status, "{step}");
    };

    let steps: Vec<&str> = vec![
        "push_url of a transcode",
        "timecode of a group",
        "tags of a passthrough",
        "publish",
        "publish_done",
        "lock",
        "unlock",
        "add a profile",
        "change a profile",
        "remove a profile",
        "delete a group",
        "create a group",
        "update_publish and record_done",
    ];
    for step in steps {
        match step {
            "push_url of a transcode" => ok(
                admin
                    .patch(
                        &format!("/api/v1/streams/{}", id(0, 1)),
                        json!({"push_url": "rtmp://cdn.example.com/live/a"}),
                    )
                    .await,
                200,
                step,
            ),
            "timecode of a group" => ok(
                admin
                    .patch(
                        &format!("/api/v1/streams/{}", id(3, 0)),
                        json!({"timecode": {"enabled": true, "interval_ms": 1000}}),
                    )
                    .await,
                200,
                step,
            ),
            "tags of a passthrough" => ok(
                admin
                    .put(
                        &format!("/api/v1/streams/{}/tags", id(1, 0)),
                        json!({"tags": ["t"]}),
                    )
                    .await,
                200,
                step,
            ),
            "publish" => {
                let res = app.ingest("publish", &name(2)).await;
                assert!(res.status().is_success(), "{step}");
            }
            "publish_done" => {
                let res = app.ingest("publish_done", &name(7)).await;
                assert!(res.status().is_success(), "{step}");
            }
            "lock" => ok(
                admin
                    .post_empty(&format!("/api/v1/streams/{}/lock", id(5, 1)))
                    .await,
                200,
                step,
            ),
            "unlock" => ok(
                admin
                    .post_empty(&format!("/api/v1/streams/{}/unlock", id(3, 0)))
                    .await,
                200,
                step,
            ),
            "add a profile" => ok(
                admin
                    .post(
                        &format!("/api/v1/streams/{}/profiles", id(6, 0)),
                        json!({"preset": "vtrans2-852x480x800x25"}),
                    )
                    .await,
                201,
                step,
            ),
            "change a profile" => ok(
                admin
                    .patch(
                        &format!("/api/v1/streams/{}/profiles/{}", id(3, 0), id(3, 2)),
                        json!({"preset": "vtrans2-640x360x400x25"}),
                    )
                    .await,
                200,
                step,
            ),
            "remove a profile" => ok(
                admin
                    .delete(&format!(
                        "/api/v1/streams/{}/profiles/{}",
                        id(3, 0),
                        id(3, 1)
                    ))
                    .await,
                204,
                step,
            ),
            "delete a group" => ok(
                admin.delete(&format!("/api/v1/streams/{}", id(0, 0))).await,
                204,
                step,
            ),
            "create a group" => {
                admin
                    .create_stream(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}))
                    .await;
            }
            _ => {
                let res = app.ingest("update_publish", &name(2)).await;
                assert!(res.status().is_success(), "{step}");
                let res = app
                    .ingest_with(
                        "record_done",
                        &[
                            ("name", name(2).as_str()),
                            ("path", "/rec/a.flv"),
                            ("size_bytes", "5"),
                        ],
                        common::INGEST_SECRET,
                    )
                    .await;
                assert!(res.status().is_success(), "{step}");
            }
        }

        assert_totals_match(&admin, &points, step).await;
    }
}

// ---------------------------------------------------------------------------------------
// Date presets
// ---------------------------------------------------------------------------------------

fn midnight(d: NaiveDate) -> i64 {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
        .timestamp_millis()
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1")
}

/// `[from, to)` of each preset at `now`, per docs/product.md F3 (UTC; ISO week from Monday;
/// past month = the previous calendar month; last 3 months = the last 90 days). Presets
/// that reach the present have no upper bound here: nothing is seeded in the future.
fn preset_ranges(now: DateTime<Utc>) -> Vec<(&'static str, i64, i64)> {
    let today = now.date_naive();
    let t0 = midnight(today);
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let this_month = first_of_month(today);
    let past_month = first_of_month(this_month - Duration::days(1));
    vec![
        ("today", t0, i64::MAX),
        ("yesterday", t0 - DAY, t0),
        ("this_week", midnight(monday), i64::MAX),
        ("this_month", midnight(this_month), i64::MAX),
        ("past_month", midnight(past_month), midnight(this_month)),
        (
            "last_3_months",
            (now - Duration::days(90)).timestamp_millis(),
            i64::MAX,
        ),
    ]
}

/// Update times on and just before every boundary of every preset, and the present.
fn boundary_times(now: DateTime<Utc>) -> Vec<i64> {
    let now_ms = now.timestamp_millis();
    let mut times = vec![
        now_ms,
        (now - Duration::days(89)).timestamp_millis(),
        (now - Duration::days(91)).timestamp_millis(),
        (now - Duration::days(400)).timestamp_millis(),
    ];
    for (name, from, to) in preset_ranges(now) {
        if name == "last_3_months" {
            continue; // its lower bound moves with the clock: tested a day either side
        }
        times.push(from);
        times.push(from - 1);
        if to != i64::MAX {
            times.push(to - 1);
        }
    }
    times.retain(|t| *t <= now_ms);
    times.sort_unstable();
    times.dedup();
    times
}

#[tokio::test]
async fn date_presets_select_by_updated_at_in_utc() {
    // The calendar may turn between seeding and asking; then the run is repeated.
    for attempt in 0..3 {
        let app = TestApp::spawn().await;
        let admin = app.signed_in(&app.admin).await;
        let now = Utc::now();
        let times = boundary_times(now);
        let seeds: Vec<NewGroup> = times
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let state = if i % 5 == 4 {
                    StreamState::Deleted
                } else {
                    StreamState::Ended
                };
                seed_group(state, *t, if i % 2 == 0 { &["even"] } else { &[] }, &[&[]])
            })
            .collect();
        let groups = seed(&app, &seeds).await;
        let mut answers = Vec::new();
        for (preset, from, to) in preset_ranges(now) {
            for extra in ["", "&group=false", "&tag=even", "&state=all,deleted"] {
                let q = format!("date={preset}{extra}&per_page=150");
                answers.push((preset, from, to, extra, q.clone(), list(&admin, &q).await));
            }
        }
        if Utc::now().date_naive() != now.date_naive() && attempt < 2 {
            continue;
        }

        for (_, from, to, extra, q, v) in answers {
            let in_range = |r: &StreamRecord| {
                let t = r.updated_at.millis();
                t >= from && t < to
            };
            let want = match extra {
                "" => expected(&groups, true, |r| listed_by_default(r) && in_range(r)),
                "&group=false" => expected(&groups, false, |r| listed_by_default(r) && in_range(r)),
                "&tag=even" => expected(&groups, true, |r| {
                    listed_by_default(r) && in_range(r) && has_tags(r, &["even"])
                }),
                _ => expected(&groups, true, in_range),
            };
            if extra == "&state=all,deleted" {
                // The seed has streams on both sides of every preset.
                assert!(!want.is_empty() && want.len() < groups.len(), "?{q}");
            }
            assert_eq!(ids(&v), want, "?{q} at {now}");
            assert_eq!(v["meta"]["total"], want.len(), "?{q}");
        }
        return;
    }
}

// ---------------------------------------------------------------------------------------
// Pagination and order
// ---------------------------------------------------------------------------------------

/// 175 single streams; every three share an update time, so the id decides among them.
async fn seed_175(app: &TestApp) -> Vec<StreamRecord> {
    let b = base();
    let seeds: Vec<NewGroup> = (0..175)
        .map(|i| {
            let tags: &[&str] = if i % 2 == 0 { &["even"] } else { &[] };
            seed_group(StreamState::Ended, b + (i / 3) * 1000, tags, &[])
        })
        .collect();
    seed(app, &seeds)
        .await
        .into_iter()
        .map(|mut g| g.remove(0))
        .collect()
}

#[tokio::test]
async fn pages_of_every_size_cut_the_stable_order() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let streams = seed_175(&app).await;
    let order = newest_first(&streams);
    assert_eq!(order.len(), 175);

    // (query, page, per_page, first index, item count)
    let cases = [
        ("", 1, 25, 0, 25),
        ("page=2", 2, 25, 25, 25),
        ("page=7", 7, 25, 150, 25), // the last page, full
        ("page=8", 8, 25, 175, 0),  // past the end
        ("per_page=25&page=1", 1, 25, 0, 25),
        ("per_page=50", 1, 50, 0, 50),
        ("per_page=50&page=3", 3, 50, 100, 50),
        ("per_page=50&page=4", 4, 50, 150, 25), // partial last page
        ("per_page=50&page=5", 5, 50, 175, 0),
        ("per_page=100", 1, 100, 0, 100),
        ("per_page=100&page=2", 2, 100, 100, 75),
        ("per_page=150", 1, 150, 0, 150),
        ("per_page=150&page=2", 2, 150, 150, 25),
        ("per_page=150&page=3", 3, 150, 175, 0),
        ("page=1000", 1000, 25, 175, 0),
    ];
    for (query, page, per_page, first, count) in cases {
        let v = list(&admin, query).await;

        assert_eq!(
            v["meta"],
            json!({"total": 175, "page": page, "per_page": per_page}),
            "?{query}"
        );
        assert_eq!(ids(&v), order[first..first + count].to_vec(), "?{query}");
    }

    // Walking every page visits every stream once, in order.
    let mut walked = Vec::new();
    for page in 1..=7 {
        walked.extend(ids(&list(&admin, &format!("page={page}")).await));
    }
    assert_eq!(walked, order);
}

#[tokio::test]
async fn any_whole_page_number_past_the_end_is_an_empty_page() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    seed(&app, &[seed_group(StreamState::Created, base(), &[], &[])]).await;

    // 2^32 - 1 and 2^32: both whole numbers from 1, both far past the end.
    for page in [4_294_967_295_u64, 4_294_967_296] {
        let v = list(&admin, &format!("page={page}")).await;

        assert_eq!(
            v,
            json!({"items": [], "meta": {"total": 1, "page": page, "per_page": 25}}),
            "page={page}"
        );
    }
}

#[tokio::test]
async fn equal_update_times_are_ordered_by_id_descending() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let t = base();
    let groups = seed(
        &app,
        &(0..6)
            .map(|_| seed_group(StreamState::Created, t, &["same"], &[]))
            .collect::<Vec<_>>(),
    )
    .await;
    let mut want: Vec<String> = groups.iter().map(|g| g[0].id.to_string()).collect();
    want.sort();
    want.reverse();

    assert_eq!(ids(&list(&admin, "").await), want);
    assert_eq!(ids(&list(&admin, "tag=same").await), want);
    assert_eq!(ids(&list(&admin, "group=false&state=created").await), want);
}

#[tokio::test]
async fn tag_filtered_pages_keep_total_and_order() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let streams = seed_175(&app).await;
    let order = newest_first(streams.iter().filter(|r| has_tags(r, &["even"])));
    assert_eq!(order.len(), 88);

    let mut walked = Vec::new();
    for page in 1..=4 {
        let v = list(&admin, &format!("tag=even&page={page}")).await;
        assert_eq!(
            v["meta"],
            json!({"total": 88, "page": page, "per_page": 25})
        );
        walked.extend(ids(&v));
    }
    assert_eq!(walked, order);
    let v = list(&admin, "tag=even&per_page=50&page=2").await;
    assert_eq!(ids(&v), order[50..].to_vec());
    let v = list(&admin, "tag=even&per_page=50&page=3").await;
    assert_eq!(ids(&v), Vec::<String>::new());
    assert_eq!(v["meta"]["total"], 88);
}

#[tokio::test]
async fn an_empty_organisation_lists_nothing() {
    let app = TestApp::spawn().await;
    let reader = app.api_key(shared::model::Role::ReadOnly).await;

    let v = list(&reader, "").await;

    assert_eq!(
        v,
        json!({"items": [], "meta": {"total": 0, "page": 1, "per_page": 25}})
    );
}

// ---------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_parameters_are_422_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    seed(&app, &[seed_group(StreamState::Created, base(), &[], &[])]).await;
    let at = "2025-03-10T12:00:00Z";
    let later = "2025-03-10T12:00:00.001Z";
    let cases = [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=x", "page"),
        ("page=", "page"),
        ("per_page=0", "per_page"),
        ("per_page=10", "per_page"),
        ("per_page=24", "per_page"),
        ("per_page=26", "per_page"),
        ("per_page=75", "per_page"),
        ("per_page=151", "per_page"),
        ("per_page=200", "per_page"),
        ("per_page=many", "per_page"),
        ("state=gone", "state"),
        ("state=all,gone", "state"),
        ("state=Live", "state"),
        ("date=forever", "date"),
        ("date=Today", "date"),
        ("from=yesterday", "from"),
        ("to=2025-13-01T00:00:00Z", "to"),
        ("group=yes", "group"),
        ("tag=%20", "tag"),
        ("q=abc", "q"),
        ("q=abcde-fghi", "q"),
        ("q=abcde_fghij", "q"),
        ("q=abcde-fghij1", "q"),
        ("q=ab%20de-fghij", "q"),
        ("q=9f1c7a7e0b7c4a4e9f3b2d1c0a9e8d7c", "q"),
        ("q=9f1c7a7e-0b7c-4a4e-9f3b-2d1c0a9e8d7g", "q"),
    ];
    for (query, param) in cases {
        assert_refused(&admin, query, param).await;
    }

    // from ≥ to: equal bounds and reversed bounds.
    for query in [
        format!("from={at}&to={at}"),
        format!("from={later}&to={at}"),
    ] {
        let res = admin.get(&format!("/api/v1/streams?{query}")).await;
        let v = assert_error(res, 422, "validation_failed").await;
        let fields = &v["error"]["fields"];
        assert!(
            fields.get("from").is_some() || fields.get("to").is_some(),
            "?{query}: {v}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn search_by_exact_id_or_name_finds_any_state_and_ignores_other_filters() {
    use StreamState::*;
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let groups = seed(
        &app,
        &[
            seed_group(Created, base(), &[], &[]),
            seed_group(Live, base() + 1, &[], &[]),
            seed_group(Ended, base() + 2, &["x"], &[]),
            seed_group(Locked, base() + 3, &[], &[]),
            seed_group(Deleted, base() + 4, &["x"], &[&[]]),
        ],
    )
    .await;
    let narrow = format!(
        "state=live&tag=nothing&from={}&to={}",
        rfc(base() - DAY),
        rfc(base() - DAY + 1)
    );

    for g in &groups {
        let r = &g[0];
        for q in [r.id.to_string(), r.name.as_str().to_string()] {
            for extra in [
                "",
                "state=live&tag=nothing&date=yesterday&group=true",
                narrow.as_str(),
                "group=false",
            ] {
                let v = list(&admin, &format!("q={q}&{extra}")).await;

                assert_eq!(ids(&v), vec![r.id.to_string()], "q={q}&{extra}");
                assert_eq!(v["meta"]["total"], 1, "q={q}&{extra}");
                assert_eq!(v["items"][0]["state"], r.state.as_str());
                assert_eq!(v["items"][0]["name"], r.name.as_str());
                assert!(v["items"][0]["members"].is_array());
            }
        }
    }

    // A transcode's id or name finds that transcode itself.
    let transcode = &groups[4][1];
    for q in [
        transcode.id.to_string(),
        transcode.name.as_str().to_string(),
    ] {
        let v = list(&admin, &format!("q={q}")).await;
        assert_eq!(ids(&v), vec![transcode.id.to_string()]);
        assert_eq!(v["items"][0]["index"], 1);
        assert_eq!(v["items"][0]["state"], "deleted");
        assert_eq!(v["items"][0]["streamgroup_id"], groups[4][0].id.to_string());
    }
}

#[tokio::test]
async fn search_ignores_a_date_preset_and_bounds_that_exclude_each_other() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let groups = seed(&app, &[seed_group(StreamState::Ended, base(), &[], &[])]).await;
    let r = &groups[0][0];
    // Each parameter is well-formed and from < to; only together they select nothing.
    let query = format!(
        "q={}&date=yesterday&from={}&to={}",
        r.id,
        rfc(base() - DAY),
        rfc(base() - DAY + 1)
    );

    let v = list(&admin, &query).await;

    assert_eq!(ids(&v), vec![r.id.to_string()]);
    assert_eq!(v["meta"]["total"], 1);
}

/// `name` with the case of every letter swapped.
fn swap_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

#[tokio::test]
async fn search_is_case_sensitive_and_reports_no_match_as_empty() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let groups = seed(
        &app,
        &(0..5)
            .map(|i| seed_group(StreamState::Ended, base() + i, &[], &[]))
            .collect::<Vec<_>>(),
    )
    .await;
    let r = &groups[0][0];
    let empty = json!({"items": [], "meta": {"total": 0, "page": 1, "per_page": 25}});

    // Ids are lowercase: the same id in uppercase finds nothing.
    let upper = r.id.to_string().to_uppercase();
    assert_ne!(upper, r.id.to_string());
    assert_eq!(list(&admin, &format!("q={upper}")).await, empty);
    // A name with any letter's case changed finds nothing.
    let names: Vec<String> = groups
        .iter()
        .map(|g| g[0].name.as_str().to_string())
        .collect();
    let swapped = swap_case(r.name.as_str());
    if swapped != r.name.as_str() && !names.contains(&swapped) {
        assert_eq!(list(&admin, &format!("q={swapped}")).await, empty);
    }
    // Well-formed but unknown.
    assert_eq!(list(&admin, &format!("q={}", Uuid::new_v4())).await, empty);
    // An empty `q` is no search at all.
    let v = list(&admin, "q=").await;
    assert_eq!(v["meta"]["total"], 5);
    assert_eq!(ids(&v), expected(&groups, true, |_| true));
}

/// The item of `id` in the list `v`.
fn item_of<'a>(v: &'a Value, id: &Uuid) -> &'a Value {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id.to_string())
        .unwrap_or_else(|| panic!("{id} is listed: {v}"))
}

#[tokio::test]
async fn search_answers_the_item_of_its_mode_with_playouts_when_grouped() {
    use StreamState::*;
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    // A group of 3 playouts (passthrough and two transcodes) and a single stream.
    let groups = seed(
        &app,
        &[
            seed_group(Ended, base(), &["x"], &[&["hd"], &[]]),
            seed_group(Created, base() + HOUR, &[], &[]),
        ],
    )
    .await;
    let (head, transcode, single) = (&groups[0][0], &groups[0][2], &groups[1][0]);
    let grouped = list(&admin, "").await;
    let individual = list(&admin, "group=false").await;
    let one = json!({"total": 1, "page": 1, "per_page": 25});

    for q in [head.name.as_str().to_string(), head.id.to_string()] {
        // Grouped (the default, or said): the grouped list's item, with playouts.
        for extra in ["", "&group=true"] {
            let v = list(&admin, &format!("q={q}{extra}")).await;

            assert_eq!(v["meta"], one, "q={q}{extra}");
            assert_eq!(v["items"][0]["playouts"], 3, "q={q}{extra}");
            assert_eq!(v["items"][0], *item_of(&grouped, &head.id), "q={q}{extra}");
        }
        // Individual: the individual list's item, without playouts.
        let v = list(&admin, &format!("q={q}&group=false")).await;

        assert_eq!(v["meta"], one, "q={q}&group=false");
        assert_eq!(v["items"][0].get("playouts"), None, "q={q}&group=false");
        assert_eq!(v["items"][0], *item_of(&individual, &head.id));
    }

    // A transcode found itself: in grouped mode with its group's playouts.
    for q in [
        transcode.name.as_str().to_string(),
        transcode.id.to_string(),
    ] {
        let v = list(&admin, &format!("q={q}")).await;
        let mut found = v["items"][0].clone();
        assert_eq!(found["index"], 2);
        assert_eq!(found["playouts"], 3, "q={q}");
        found.as_object_mut().expect("item").remove("playouts");
        assert_eq!(found, *item_of(&individual, &transcode.id), "q={q}");

        let v = list(&admin, &format!("q={q}&group=false")).await;
        assert_eq!(v["items"][0], *item_of(&individual, &transcode.id), "q={q}");
    }

    // A single stream: one playout.
    let v = list(&admin, &format!("q={}", single.name.as_str())).await;
    assert_eq!(v["items"][0]["playouts"], 1);
    assert_eq!(v["items"][0], *item_of(&grouped, &single.id));
}

// ---------------------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn another_organisations_streams_never_appear() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let (other_org, other_admin) = app.other_org().await;
    let ours = seed(&app, &mixed_history()).await;
    let theirs = seed_into(&app, &other_org, &mixed_history()).await;

    for query in [
        "",
        "group=false",
        "state=all&state=deleted&group=false&per_page=150",
        "tag=sport&tag=news",
        "state=deleted",
        "date=last_3_months",
    ] {
        let v = list(&admin, query).await;
        let listed = ids(&v);
        for r in theirs.iter().flatten() {
            assert!(!listed.contains(&r.id.to_string()), "?{query} lists theirs");
        }
    }
    let all = list(&admin, "state=all,deleted&group=false&per_page=150").await;
    assert_eq!(ids(&all), expected(&ours, false, |_| true));

    // Search by their id or name.
    for r in theirs.iter().flatten() {
        for q in [r.id.to_string(), r.name.as_str().to_string()] {
            let v = list(&admin, &format!("q={q}")).await;
            assert_eq!(v["meta"]["total"], 0, "q={q}");
            assert_eq!(v["items"], json!([]));
        }
    }

    // And the other way round.
    let other = app.signed_in(&other_admin).await;
    let v = list(&other, "state=all,deleted&group=false&per_page=150").await;
    assert_eq!(ids(&v), expected(&theirs, false, |_| true));
    let q = ours[0][0].id;
    assert_eq!(list(&other, &format!("q={q}")).await["meta"]["total"], 0);
}

#[tokio::test]
async fn listing_needs_credentials() {
    let app = TestApp::spawn().await;

    let res = app.anonymous().get("/api/v1/streams").await;

    assert_error(res, 401, "unauthorized").await;
}
