//! The list's totals come from maintained counts (per state and per day). After a mix of
//! every kind of change, each total must equal what a brute-force look at every stream
//! gives, for state filters, date ranges with partial edge days, grouped and individual.

mod common;

use castboard::store::NewGroup;
use common::streams::seed_group;
use common::{body, TestApp};
use serde_json::{json, Value};
use shared::model::Feature;
use shared::stream::StreamState;

const DAY: i64 = 24 * 3600 * 1000;
const HOUR: i64 = 3600 * 1000;

fn ms(v: &Value) -> i64 {
    shared::Timestamp::parse(v.as_str().expect("time"))
        .expect("RFC 3339")
        .millis()
}

fn iso(ms: i64) -> String {
    shared::Timestamp::from_millis(ms)
        .expect("in range")
        .to_string()
}

#[tokio::test]
async fn totals_match_a_brute_force_count_after_every_kind_of_change() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.api_key(shared::model::Role::Admin).await;
    let now = castboard::store::now_millis();

    // History: 40 groups (some with transcodes) updated over the last 10 days, in every state.
    let groups: Vec<NewGroup> = (0..40)
        .map(|i| {
            let updated_at = now - (i as i64) * 6 * HOUR - 17 * 60_000;
            let transcodes: Vec<&[&str]> = vec![&[]; i % 3];
            seed_group(
                StreamState::ALL[i % 5],
                updated_at,
                &["history"],
                &transcodes,
            )
        })
        .collect();
    let ids = app
        .store
        .seed_groups(app.org.id, &app.org.hash, &groups)
        .await
        .expect("seeded");

    // Changes through the API: new streams, edits, transitions, profiles.
    let mut fresh = Vec::new();
    for i in 0..6 {
        let presets = ["vtrans2-852x480x800x25", "vtrans2-640x360x400x25"];
        let transcodes: Vec<Value> = presets
            .iter()
            .take(i % 3)
            .map(|p| json!({ "preset": p }))
            .collect();
        let s = admin
            .create_stream(json!({"tags": ["fresh"], "transcodes": transcodes}))
            .await;
        fresh.push(s["id"].as_str().expect("id").to_string());
    }
    for (i, id) in ids.iter().enumerate().take(20) {
        let path = format!("/api/v1/streams/{id}");
        match i % 4 {
            // Deleted ones answer 409 and must stay as they are.
            0 => {
                admin.patch(&path, json!({"tags": ["edited"]})).await;
            }
            1 => {
                admin.post_empty(&format!("{path}/lock")).await;
            }
            2 => {
                admin.delete(&path).await;
            }
            _ => {
                admin.post_empty(&format!("{path}/unlock")).await;
            }
        }
    }
    let s = body(admin.get(&format!("/api/v1/streams/{}", fresh[2])).await).await;
    let last = s["members"]
        .as_array()
        .expect("members")
        .last()
        .expect("member")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        admin
            .delete(&format!("/api/v1/streams/{}/profiles/{last}", fresh[2]))
            .await
            .status()
            .as_u16(),
        204
    );
    assert_eq!(
        admin
            .post(
                &format!("/api/v1/streams/{}/profiles", fresh[0]),
                json!({"preset": "vtrans2-640x360x400x25"})
            )
            .await
            .status()
            .as_u16(),
        201
    );
    let name = body(admin.get(&format!("/api/v1/streams/{}", fresh[1])).await).await["name"]
        .as_str()
        .expect("name")
        .to_string();
    assert_eq!(app.ingest("publish", &name).await.status().as_u16(), 204);
    admin.delete(&format!("/api/v1/streams/{}", fresh[3])).await;

    // Every stream as it really is, from the unfiltered individual list.
    let everything = body(
        admin
            .get("/api/v1/streams?state=all,deleted&group=false&per_page=150")
            .await,
    )
    .await;
    let all: Vec<&Value> = everything["items"]
        .as_array()
        .expect("items")
        .iter()
        .collect();
    assert_eq!(everything["meta"]["total"].as_u64(), Some(all.len() as u64));
    assert!(all.len() > 60, "{} streams", all.len());

    let ranges: Vec<(Option<i64>, Option<i64>)> = vec![
        (None, None),
        (Some(now - 3 * DAY - 5 * HOUR), None),
        (None, Some(now - 2 * DAY + 7 * HOUR)),
        (Some(now - 8 * DAY + HOUR), Some(now - DAY - 3 * HOUR)),
        (Some(now - 30 * HOUR), Some(now - 20 * HOUR)),
        (Some(now - 20 * DAY), Some(now + DAY)),
    ];
    let state_sets: Vec<Vec<&str>> = vec![
        vec!["created", "live", "ended", "locked"],
        vec!["deleted"],
        vec!["ended", "locked"],
        vec!["created", "live", "ended", "locked", "deleted"],
    ];
    for grouped in [true, false] {
        for states in &state_sets {
            for (from, to) in &ranges {
                let expected = all
                    .iter()
                    .filter(|s| !grouped || s["index"] == 0)
                    .filter(|s| states.contains(&s["state"].as_str().expect("state")))
                    .filter(|s| from.is_none_or(|f| ms(&s["updated_at"]) >= f))
                    .filter(|s| to.is_none_or(|t| ms(&s["updated_at"]) < t))
                    .count();
                let mut url = format!(
                    "/api/v1/streams?group={grouped}&state={}&per_page=25",
                    states.join(",")
                );
                if let Some(f) = from {
                    url.push_str(&format!("&from={}", iso(*f).replace('+', "%2B")));
                }
                if let Some(t) = to {
                    url.push_str(&format!("&to={}", iso(*t).replace('+', "%2B")));
                }
                let page = body(admin.get(&url).await).await;
                assert_eq!(
                    page["meta"]["total"].as_u64(),
                    Some(expected as u64),
                    "{url}"
                );
                assert_eq!(
                    page["items"].as_array().expect("items").len(),
                    expected.min(25),
                    "{url}"
                );
            }
        }
    }
}
