//! `/streams/{group_id}/profiles`: adding, editing and removing the transcodes of an ABR
//! group — the ladder rule, the organisation's limit and feature, indices closing up and
//! streamnames that are never reused.

mod common;

use common::streams::*;

use common::{assert_error, body, Caller, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::{Feature, Role};

fn profiles(group: &str) -> String {
    format!("/api/v1/streams/{group}/profiles")
}

fn profile_of(group: &str, member: &str) -> String {
    format!("/api/v1/streams/{group}/profiles/{member}")
}

fn custom(kbps: u32) -> Value {
    json!({"width": 852, "height": 480, "bitrate_kbps": kbps, "framerate": 25})
}

/// The 422 message of the ladder rule.
fn below(kbps: u32) -> String {
    format!("must be lower than the bitrate of the quality above it ({kbps} kbit/s)")
}

/// Bitrates of the group's transcodes, in index order.
fn ladder(group: &Value) -> Vec<u64> {
    group["members"]
        .as_array()
        .expect("members")
        .iter()
        .skip(1)
        .map(|m| m["profile"]["bitrate_kbps"].as_u64().expect("bitrate"))
        .collect()
}

/// A group with the given transcode bitrates (852x480, 25 fps each).
async fn group_with(caller: &Caller, kbps: &[u32]) -> Value {
    let transcodes: Vec<Value> = kbps.iter().map(|b| custom(*b)).collect();
    caller
        .create_stream(json!({ "transcodes": transcodes }))
        .await
}

/// A server with `transcoding` on, and its admin signed in.
async fn transcoding_app() -> (TestApp, Caller) {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    (app, admin)
}

// ---------------------------------------------------------------------------------------
// Adding
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn adding_a_profile_turns_a_single_stream_into_a_group() {
    let (app, admin) = transcoding_app().await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let single = user
        .create_stream(
            json!({"tags": ["main"], "timecode": {"enabled": true, "interval_ms": 1000}}),
        )
        .await;
    let gid = id_of(&single);

    let res = user
        .post(&profiles(&gid), json!({"preset": "vtrans2-852x480x800x25"}))
        .await;

    assert_eq!(res.status().as_u16(), 201);
    let m = body(res).await;
    let mid = id_of(&m);
    assert_ne!(mid, gid);
    assert!(is_streamname_of(app.org.hash.as_str(), &name_of(&m)));
    assert_ne!(name_of(&m), name_of(&single));
    assert_eq!(m["index"], 1);
    assert_eq!(m["streamgroup_id"], gid);
    assert_eq!(m["state"], "created");
    assert_eq!(m["profile"], profile(852, 480, 800, 25));
    assert_eq!(m["tags"], json!([]));
    assert_eq!(m["push_url"], Value::Null);
    assert_eq!(m["processing"], default_processing());
    assert_eq!(m["timecode"], json!({"enabled": true, "interval_ms": 1000}));
    assert_eq!(m["ingest"]["streamname"], m["name"]);
    assert_eq!(
        m["playout"]["live_url"],
        format!("{}/watch/{mid}", app.base)
    );
    assert_eq!(member_ids(&m), vec![gid.clone(), mid.clone()]);
    let group = fetch(&admin, &gid).await;
    assert_eq!(member_ids(&group), vec![gid.clone(), mid.clone()]);
    assert_eq!(group["members"][1]["profile"], profile(852, 480, 800, 25));
    assert_eq!(group["tags"], json!(["main"]));
    assert_eq!(fetch(&admin, &mid).await["index"], 1);

    // A custom profile comes next, and any member id names the group.
    let custom_member = call(
        &user,
        Method::POST,
        &profiles(&mid),
        Some(json!({"width": 640, "height": 360, "bitrate_kbps": 500, "framerate": 30})),
        201,
    )
    .await;
    assert_eq!(custom_member["index"], 2);
    assert_eq!(custom_member["streamgroup_id"], gid);
    assert_eq!(custom_member["profile"], profile(640, 360, 500, 30));
    let group = fetch(&admin, &gid).await;
    assert_eq!(
        member_ids(&group),
        vec![gid.clone(), mid, id_of(&custom_member)]
    );
    assert_eq!(ladder(&group), vec![800, 500]);
}

#[tokio::test]
async fn an_added_profile_must_be_below_the_last_transcode() {
    let (_app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[1200, 800]).await;
    let gid = id_of(&g);

    for kbps in [800, 801, 1200, 5000] {
        let res = admin.post(&profiles(&gid), custom(kbps)).await;

        assert_eq!(
            refused_fields(res).await,
            json!({"bitrate_kbps": below(800)}),
            "{kbps}"
        );
    }
    let res = admin
        .post(
            &profiles(&gid),
            json!({"preset": "vtrans2-1280x720x2000x30"}),
        )
        .await;
    assert_eq!(
        refused_fields(res).await,
        json!({"bitrate_kbps": below(800)})
    );
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![1200, 800]);

    let added = call(
        &admin,
        Method::POST,
        &profiles(&gid),
        Some(custom(799)),
        201,
    )
    .await;
    assert_eq!(added["index"], 3);
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![1200, 800, 799]);
}

#[tokio::test]
async fn a_single_stream_takes_any_first_profile() {
    let (_app, admin) = transcoding_app().await;
    let single = admin.create_stream(json!({})).await;

    let added = call(
        &admin,
        Method::POST,
        &profiles(&id_of(&single)),
        Some(json!({"width": 7680, "height": 4320, "bitrate_kbps": 50000, "framerate": 120})),
        201,
    )
    .await;

    assert_eq!(added["profile"], profile(7680, 4320, 50000, 120));
}

#[tokio::test]
async fn profiles_past_max_transcodes_are_refused() {
    let (app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[2000, 1200, 800]).await;
    let gid = id_of(&g);

    let res = admin.post(&profiles(&gid), custom(400)).await;

    let v = assert_error(res, 422, "limit_reached").await;
    assert_eq!(
        v["error"]["message"],
        "This stream group already has 3 transcodes, the most your organisation allows."
    );
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![2000, 1200, 800]);

    // A raised limit allows one more at once.
    app.store
        .set_max_transcodes(&app.org.hash, 4)
        .await
        .expect("limit set");
    let added = call(
        &admin,
        Method::POST,
        &profiles(&gid),
        Some(custom(400)),
        201,
    )
    .await;
    assert_eq!(added["index"], 4);
    let v = assert_error(
        admin.post(&profiles(&gid), custom(300)).await,
        422,
        "limit_reached",
    )
    .await;
    assert_eq!(
        v["error"]["message"],
        "This stream group already has 4 transcodes, the most your organisation allows."
    );

    // With a limit of 0, a single stream stays single.
    app.store
        .set_max_transcodes(&app.org.hash, 0)
        .await
        .expect("limit set");
    let single = admin.create_stream(json!({})).await;
    assert_error(
        admin.post(&profiles(&id_of(&single)), custom(400)).await,
        422,
        "limit_reached",
    )
    .await;
    assert_eq!(
        member_ids(&fetch(&admin, &id_of(&single)).await),
        vec![id_of(&single)]
    );
}

#[tokio::test]
async fn adding_a_profile_needs_transcoding() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let single = admin.create_stream(json!({})).await;
    let gid = id_of(&single);

    let res = admin
        .post(&profiles(&gid), json!({"preset": "vtrans2-852x480x800x25"}))
        .await;

    let v = assert_error(res, 403, "feature_disabled").await;
    assert_eq!(
        v["error"]["message"],
        "Your organisation does not have the Transcoding package (transcoding); an upgrade is needed."
    );
    let after = fetch(&admin, &gid).await;
    assert_eq!(member_ids(&after), vec![gid]);
    assert_eq!(after["updated_at"], single["updated_at"]);
}

#[tokio::test]
async fn profile_bodies_are_validated() {
    let (_app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[2000]).await;
    let gid = id_of(&g);
    let t1 = member_ids(&g)[1].clone();
    let with = |field: &str, value: u32| {
        let mut t = custom(800);
        t[field] = json!(value);
        t
    };
    let required = "is required (or give a preset)";
    let cases = [
        (
            json!({"preset": "vtrans2-999x999x999x99"}),
            json!({"preset": "is not a known preset (see GET /profiles/presets)"}),
        ),
        (
            json!({"preset": "vtrans2-852x480x800x25", "framerate": 25}),
            json!({"preset": "give either a preset or width, height, bitrate_kbps and framerate, not both"}),
        ),
        (
            json!({}),
            json!({"width": required, "height": required, "bitrate_kbps": required, "framerate": required}),
        ),
        (
            json!({"width": 852, "height": 480, "framerate": 25}),
            json!({"bitrate_kbps": required}),
        ),
        (
            with("width", 15),
            json!({"width": "must be between 16 and 7680"}),
        ),
        (
            with("width", 7681),
            json!({"width": "must be between 16 and 7680"}),
        ),
        (
            with("height", 15),
            json!({"height": "must be between 16 and 4320"}),
        ),
        (
            with("height", 4321),
            json!({"height": "must be between 16 and 4320"}),
        ),
        (
            with("bitrate_kbps", 49),
            json!({"bitrate_kbps": "must be between 50 and 50000"}),
        ),
        (
            with("framerate", 0),
            json!({"framerate": "must be between 1 and 120"}),
        ),
        (
            with("framerate", 121),
            json!({"framerate": "must be between 1 and 120"}),
        ),
        (
            json!({"preset": "vtrans2-852x480x800x25", "tags": ["x"]}),
            json!({"tags": "is not a known field"}),
        ),
    ];

    for (spec, want) in cases {
        let add = admin.post(&profiles(&gid), spec.clone()).await;
        assert_eq!(refused_fields(add).await, want, "POST {spec}");
        let edit = admin.patch(&profile_of(&gid, &t1), spec.clone()).await;
        assert_eq!(refused_fields(edit).await, want, "PATCH {spec}");
    }
    // Above the upper bitrate bound: refused on its own bound before the ladder.
    let edit = admin
        .patch(&profile_of(&gid, &t1), with("bitrate_kbps", 50001))
        .await;
    assert_eq!(
        refused_fields(edit).await,
        json!({"bitrate_kbps": "must be between 50 and 50000"})
    );
    let after = fetch(&admin, &gid).await;
    assert_eq!(member_ids(&after).len(), 2);
    assert_eq!(after["members"][1]["profile"], profile(852, 480, 2000, 25));

    // The lower bounds themselves are accepted.
    let low = call(
        &admin,
        Method::POST,
        &profiles(&gid),
        Some(json!({"width": 16, "height": 16, "bitrate_kbps": 50, "framerate": 1})),
        201,
    )
    .await;
    assert_eq!(low["profile"], profile(16, 16, 50, 1));
}

// ---------------------------------------------------------------------------------------
// Editing
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn editing_a_profile_answers_the_member_and_keeps_the_ladder() {
    let (app, admin) = transcoding_app().await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let g = group_with(&admin, &[2000, 1200, 800]).await;
    let ids = member_ids(&g);
    let gid = ids[0].clone();

    let res = user
        .patch(
            &profile_of(&gid, &ids[2]),
            json!({"preset": "vtrans2-1280x720x1000x30"}),
        )
        .await;

    assert_eq!(res.status().as_u16(), 200);
    let m = body(res).await;
    assert_eq!(m["id"], ids[2]);
    assert_eq!(m["index"], 2);
    assert_eq!(m["streamgroup_id"], gid);
    assert_eq!(m["name"], g["members"][2]["name"]);
    assert_eq!(m["profile"], profile(1280, 720, 1000, 30));
    assert_eq!(m["members"][2]["profile"], profile(1280, 720, 1000, 30));
    assert_eq!(member_ids(&m), ids);
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![2000, 1000, 800]);

    // The ladder is checked with the new value in place.
    let refused = [
        (&ids[2], custom(2000), 2000),
        (&ids[2], custom(2500), 2000),
        (&ids[2], custom(800), 800),
        (&ids[2], custom(700), 700),
        (&ids[1], custom(1000), 1000),
        (&ids[3], custom(1000), 1000),
        (&ids[3], custom(1001), 1000),
    ];
    for (member, spec, above) in refused {
        let res = user.patch(&profile_of(&gid, member), spec.clone()).await;

        assert_eq!(
            refused_fields(res).await,
            json!({"bitrate_kbps": below(above)}),
            "{member} {spec}"
        );
    }
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![2000, 1000, 800]);

    // Values that keep the ladder are fine, at either end; any member id names the group.
    call(
        &user,
        Method::PATCH,
        &profile_of(&gid, &ids[1]),
        Some(custom(5000)),
        200,
    )
    .await;
    call(
        &user,
        Method::PATCH,
        &profile_of(&ids[3], &ids[3]),
        Some(custom(50)),
        200,
    )
    .await;
    call(
        &user,
        Method::PATCH,
        &profile_of(&ids[1], &ids[2]),
        Some(custom(999)),
        200,
    )
    .await;
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![5000, 999, 50]);
}

#[tokio::test]
async fn the_passthrough_has_no_profile_to_edit_or_remove() {
    let (_app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[800]).await;
    let ids = member_ids(&g);
    let message =
        "The passthrough carries the ingest quality; it has no profile to change or remove.";

    for group in &ids {
        let edit = admin
            .patch(
                &profile_of(group, &ids[0]),
                json!({"preset": "vtrans2-1280x720x2000x30"}),
            )
            .await;
        let v = assert_error(edit, 409, "conflict").await;
        assert_eq!(v["error"]["message"], message);
        let remove = admin.delete(&profile_of(group, &ids[0])).await;
        let v = assert_error(remove, 409, "conflict").await;
        assert_eq!(v["error"]["message"], message);
    }

    let after = fetch(&admin, &ids[0]).await;
    assert_eq!(after["state"], "created");
    assert_eq!(after["profile"], Value::Null);
    assert_eq!(member_ids(&after), ids);
}

#[tokio::test]
async fn a_single_streams_passthrough_cannot_be_removed_either() {
    let (_app, admin) = transcoding_app().await;
    let single = admin.create_stream(json!({})).await;
    let id = id_of(&single);

    let res = admin.delete(&profile_of(&id, &id)).await;

    assert_error(res, 409, "conflict").await;
    assert_eq!(fetch(&admin, &id).await["state"], "created");
}

#[tokio::test]
async fn read_only_is_refused_with_403_on_every_profile_route() {
    let (app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[800]).await;
    let ids = member_ids(&g);
    let readers = [
        app.signed_in(&app.add_user(Role::ReadOnly).await).await,
        app.api_key(Role::ReadOnly).await,
    ];
    let spec = json!({"preset": "vtrans2-640x360x400x25"});

    for reader in &readers {
        // The role comes before the ladder rule and the organisation's limit.
        let cases = [
            (Method::POST, profiles(&ids[0]), Some(spec.clone())),
            (Method::POST, profiles(&ids[1]), Some(custom(5000))),
            (
                Method::PATCH,
                profile_of(&ids[0], &ids[1]),
                Some(spec.clone()),
            ),
            (
                Method::PATCH,
                profile_of(&ids[0], &ids[1]),
                Some(custom(5000)),
            ),
            (Method::DELETE, profile_of(&ids[0], &ids[1]), None),
        ];
        for (method, p, payload) in cases {
            let res = reader.send(method.clone(), &p, payload).await;

            let v = assert_error(res, 403, "forbidden").await;
            assert_eq!(
                v["error"]["message"],
                "Your role (read_only) may not do this; it needs the admin or user role.",
                "{method} {p}"
            );
        }
    }
    let after = fetch(&admin, &ids[0]).await;
    assert_eq!(member_ids(&after), ids);
    assert_eq!(after["members"][1]["profile"], profile(852, 480, 800, 25));
}

#[tokio::test]
async fn read_only_is_refused_with_403_before_the_passthrough_rule() {
    let (app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[800]).await;
    let gid = id_of(&g);
    let reader = app.signed_in(&app.add_user(Role::ReadOnly).await).await;

    // Handlers check the role (403) before the state of the target (409): a read-only
    // caller learns nothing about what it may not change.
    let edit = reader
        .patch(
            &profile_of(&gid, &gid),
            json!({"preset": "vtrans2-640x360x400x25"}),
        )
        .await;
    let remove = reader.delete(&profile_of(&gid, &gid)).await;

    assert_error(edit, 403, "forbidden").await;
    assert_error(remove, 403, "forbidden").await;
    assert_eq!(member_ids(&fetch(&admin, &gid).await), member_ids(&g));
}

#[tokio::test]
async fn a_member_of_another_group_is_404() {
    let (_app, admin) = transcoding_app().await;
    let first = group_with(&admin, &[800]).await;
    let second = group_with(&admin, &[1200, 800]).await;
    let (a, b) = (member_ids(&first), member_ids(&second));

    for (group, member) in [
        (&a[0], &b[1]),
        (&a[1], &b[2]),
        (&b[0], &a[1]),
        (&a[0], &b[0]),
    ] {
        let edit = admin
            .patch(
                &profile_of(group, member),
                json!({"preset": "vtrans2-640x360x400x25"}),
            )
            .await;
        assert_error(edit, 404, "not_found").await;
        let remove = admin.delete(&profile_of(group, member)).await;
        assert_error(remove, 404, "not_found").await;
    }

    assert_eq!(ladder(&fetch(&admin, &a[0]).await), vec![800]);
    assert_eq!(ladder(&fetch(&admin, &b[0]).await), vec![1200, 800]);
    assert_eq!(member_ids(&fetch(&admin, &a[0]).await), a);
    assert_eq!(member_ids(&fetch(&admin, &b[0]).await), b);
}

// ---------------------------------------------------------------------------------------
// Removing
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn removing_a_profile_closes_up_the_indices() {
    let (app, admin) = transcoding_app().await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let g = group_with(&admin, &[2000, 1200, 800]).await;
    let ids = member_ids(&g);
    let gid = ids[0].clone();

    let res = user.delete(&profile_of(&gid, &ids[1])).await;

    assert_eq!(res.status().as_u16(), 204);
    assert!(res.text().await.expect("body").is_empty());
    let group = fetch(&admin, &gid).await;
    assert_eq!(
        member_ids(&group),
        vec![gid.clone(), ids[2].clone(), ids[3].clone()]
    );
    let indices: Vec<u64> = group["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["index"].as_u64().expect("index"))
        .collect();
    assert_eq!(indices, vec![0, 1, 2]);
    assert_eq!(ladder(&group), vec![1200, 800]);
    assert_eq!(fetch(&admin, &ids[2]).await["index"], 1);
    assert_eq!(fetch(&admin, &ids[3]).await["index"], 2);
    assert_eq!(fetch(&admin, &ids[3]).await["members"], group["members"]);
    // The removed member is gone.
    let gone = admin.get(&path(&ids[1])).await;
    assert_error(gone, 404, "not_found").await;
    assert_error(
        admin.delete(&profile_of(&gid, &ids[1])).await,
        404,
        "not_found",
    )
    .await;
    let search = body(
        admin
            .get(&format!(
                "/api/v1/streams?q={}",
                g["members"][1]["name"].as_str().expect("name")
            ))
            .await,
    )
    .await;
    assert_eq!(search["meta"]["total"], 0);

    // A new profile takes the next index after the closed-up ones.
    let added = call(&user, Method::POST, &profiles(&gid), Some(custom(400)), 201).await;
    assert_eq!(added["index"], 3);
    assert_eq!(ladder(&fetch(&admin, &gid).await), vec![1200, 800, 400]);

    // Removing every transcode leaves a single stream.
    for id in [&ids[2], &ids[3], &id_of(&added)] {
        call(&user, Method::DELETE, &profile_of(&gid, id), None, 204).await;
    }
    assert_eq!(member_ids(&fetch(&admin, &gid).await), vec![gid]);
}

#[tokio::test]
async fn a_removed_profiles_name_is_never_reused() {
    let (app, admin) = transcoding_app().await;
    let g = group_with(&admin, &[800]).await;
    let removed = g["members"][1].clone();
    call(
        &admin,
        Method::DELETE,
        &profile_of(&id_of(&g), &id_of(&removed)),
        None,
        204,
    )
    .await;
    let removed_name = name_of(&removed);

    let mut names = Vec::new();
    for i in 0..30 {
        let s = if i % 2 == 0 {
            admin.create_stream(json!({})).await
        } else {
            group_with(&admin, &[800]).await
        };
        names.extend(
            s["members"]
                .as_array()
                .expect("members")
                .iter()
                .map(name_of),
        );
    }
    for _ in 0..5 {
        let m = call(
            &admin,
            Method::POST,
            &profiles(&id_of(&g)),
            Some(custom(500)),
            201,
        )
        .await;
        names.push(name_of(&m));
        call(
            &admin,
            Method::DELETE,
            &profile_of(&id_of(&g), &id_of(&m)),
            None,
            204,
        )
        .await;
    }

    assert_eq!(names.len(), 50);
    assert!(!names.contains(&removed_name), "{removed_name} was reused");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    // The media server cannot publish to it either.
    assert_eq!(
        app.ingest("publish", &removed_name).await.status().as_u16(),
        403
    );
}

/// Six additions at once to a group allowed three transcodes: the limit and the ladder
/// hold on the group as it ends up, whatever order the additions ran in.
#[tokio::test]
async fn parallel_additions_keep_the_limit_and_the_ladder() {
    let (app, admin) = transcoding_app().await;
    let group = id_of(&group_with(&admin, &[]).await);

    let mut adds = tokio::task::JoinSet::new();
    for kbps in [900, 800, 700, 600, 500, 400] {
        let (caller, path) = (admin.clone(), profiles(&group));
        adds.spawn(async move {
            let res = caller.post(&path, custom(kbps)).await;
            let status = res.status().as_u16();
            let v = body(res).await;
            (
                status,
                v["error"]["code"].as_str().unwrap_or("").to_string(),
            )
        });
    }
    let outcomes = adds.join_all().await;

    let added = outcomes.iter().filter(|(s, _)| *s == 201).count();
    let refused: Vec<&str> = outcomes
        .iter()
        .filter(|(s, _)| *s != 201)
        .map(|(s, code)| {
            assert_eq!(*s, 422, "{outcomes:?}");
            code.as_str()
        })
        .collect();
    assert!(
        refused
            .iter()
            .all(|c| *c == "limit_reached" || *c == "validation_failed"),
        "{outcomes:?}"
    );
    assert!((1..=3).contains(&added), "{outcomes:?}");
    let members = fetch(&admin, &group).await["members"].clone();
    let members = members.as_array().expect("members");
    assert_eq!(members.len(), 1 + added, "{members:?}");
    let rates: Vec<u64> = members[1..]
        .iter()
        .map(|m| m["profile"]["bitrate_kbps"].as_u64().expect("bitrate"))
        .collect();
    assert!(rates.windows(2).all(|w| w[0] > w[1]), "ladder {rates:?}");
    let indices: Vec<u64> = members
        .iter()
        .map(|m| m["index"].as_u64().expect("index"))
        .collect();
    assert_eq!(indices, (0..=added as u64).collect::<Vec<_>>());
    drop(app);
}
