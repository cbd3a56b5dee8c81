//! `/streams`: creation (single streams and ABR groups), validation, processing, changes,
//! tags, the state machine, roles and tenancy — all over real HTTP.

mod common;

use common::streams::*;

use chrono::{DateTime, Utc};
use common::{assert_error, body, execute_raw, Caller, RawBind, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use shared::model::{Feature, Role};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("time string"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// How many streams (groups) the organisation lists in any state.
async fn stream_count(caller: &Caller) -> u64 {
    let v = body(
        caller
            .get("/api/v1/streams?state=created,live,ended,locked,deleted&group=false")
            .await,
    )
    .await;
    v["meta"]["total"].as_u64().expect("total")
}

/// A group with the given transcode bitrates (852x480, 25 fps each), created by `caller`.
async fn group_with(caller: &Caller, kbps: &[u32]) -> Value {
    let transcodes: Vec<Value> = kbps
        .iter()
        .map(|b| json!({"width": 852, "height": 480, "bitrate_kbps": b, "framerate": 25}))
        .collect();
    caller
        .create_stream(json!({ "transcodes": transcodes }))
        .await
}

/// The assets of a stream that has produced nothing.
fn no_assets() -> Value {
    json!({"recordings": [], "replays": [], "thumbnail": null, "motion_clip": null})
}

// ---------------------------------------------------------------------------------------
// Creating single streams
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_single_stream_is_created_with_every_default() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin.post("/api/v1/streams", json!({})).await;

    assert_eq!(res.status().as_u16(), 201);
    let s = body(res).await;
    let id = id_of(&s);
    let name = name_of(&s);
    let hash = app.org.hash.as_str();
    assert!(is_streamname_of(hash, &name), "name {name} for hash {hash}");
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(s["state"], "created");
    assert_eq!(s["streamgroup_id"], id);
    assert_eq!(s["index"], 0);
    assert_eq!(s["profile"], Value::Null);
    assert_eq!(s["tags"], json!([]));
    assert_eq!(s["push_url"], Value::Null);
    assert_eq!(
        s["timecode"],
        json!({"enabled": false, "interval_ms": 2000})
    );
    assert_eq!(s["processing"], default_processing());
    assert_eq!(s["created_at"], s["updated_at"]);
    assert!(s["created_at"].as_str().expect("time").ends_with('Z'));
    assert_eq!(s["ingest"]["rtmp_url"], "rtmp://127.0.0.1:1935/live");
    assert_eq!(s["ingest"]["streamname"], name);
    assert_eq!(s["ingest"]["cut_requested_at"], Value::Null);
    assert_eq!(s["playout"]["live_url"], format!("{}/watch/{id}", app.base));
    assert!(s["playout"]["live_url"]
        .as_str()
        .expect("url")
        .ends_with(&format!("/watch/{id}")));
    assert_eq!(
        s["playout"]["embed_url"],
        format!("{}/embed?group.id={id}", app.base)
    );
    assert_eq!(s["secure"], false);
    assert_eq!(s["transcoder"], Value::Null);
    assert_eq!(
        s["members"],
        json!([{
            "id": id, "name": name, "state": "created", "streamgroup_id": id, "index": 0,
            "profile": null, "tags": [], "push_url": null, "processing": default_processing(),
            "transcoder": null
        }])
    );

    assert_eq!(s["assets"], no_assets());

    // GET answers the same object.
    assert_eq!(fetch(&admin, &id).await, s);
}

#[tokio::test]
async fn every_created_stream_gets_its_own_name() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let mut names = Vec::new();
    for _ in 0..10 {
        names.push(name_of(&admin.create_stream(json!({})).await));
    }

    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "{names:?}");
    assert!(names
        .iter()
        .all(|n| is_streamname_of(app.org.hash.as_str(), n)));
}

#[tokio::test]
async fn secure_mirrors_the_organisation_feature() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let before = admin.create_stream(json!({})).await;
    assert_eq!(before["secure"], false);

    app.enable(&[Feature::Secure]).await;

    assert_eq!(fetch(&admin, &id_of(&before)).await["secure"], true);
    assert_eq!(admin.create_stream(json!({})).await["secure"], true);
}

#[tokio::test]
async fn create_takes_tags_timecode_push_url_and_processing() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::LiveProcessing]).await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;

    let s = user
        .create_stream(json!({
            "tags": ["sport", "key:value", "a/b"],
            "timecode": {"enabled": true, "interval_ms": 1500},
            "push_url": "rtmp://live.example.com/app/key",
            "processing": {"thumbnails": {"enabled": true}}
        }))
        .await;

    assert_eq!(s["tags"], json!(["sport", "key:value", "a/b"]));
    assert_eq!(s["timecode"], json!({"enabled": true, "interval_ms": 1500}));
    assert_eq!(s["push_url"], "rtmp://live.example.com/app/key");
    let mut processing = default_processing();
    processing["thumbnails"]["enabled"] = json!(true);
    assert_eq!(s["processing"], processing);
    assert_eq!(s["members"][0]["processing"], processing);
    assert_eq!(
        s["members"][0]["push_url"],
        "rtmp://live.example.com/app/key"
    );
    // A timecode without an interval keeps the default interval.
    let t = user
        .create_stream(json!({"timecode": {"enabled": true}}))
        .await;
    assert_eq!(t["timecode"], json!({"enabled": true, "interval_ms": 2000}));
}

// ---------------------------------------------------------------------------------------
// Creating ABR groups
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_abr_group_is_created_with_presets_and_custom_profiles() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;

    let g = admin
        .create_stream(json!({
            "tags": ["main"],
            "push_url": "rtmps://cdn.example.com/app",
            "transcodes": [
                {"preset": "vtrans2-1280x720x2000x30", "tags": ["hd", "hd"]},
                {"width": 640, "height": 360, "bitrate_kbps": 500, "framerate": 25},
                {"preset": "vtrans2-426x240x200x15", "tags": ["low"]}
            ]
        }))
        .await;

    let gid = id_of(&g);
    assert_eq!(g["index"], 0);
    assert_eq!(g["streamgroup_id"], gid);
    assert_eq!(g["profile"], Value::Null);
    assert_eq!(g["tags"], json!(["main"]));
    let members = g["members"].as_array().expect("members").clone();
    assert_eq!(members.len(), 4);
    let expected_profiles = [
        Value::Null,
        profile(1280, 720, 2000, 30),
        profile(640, 360, 500, 25),
        profile(426, 240, 200, 15),
    ];
    let expected_tags = [json!(["main"]), json!(["hd"]), json!([]), json!(["low"])];
    for (i, m) in members.iter().enumerate() {
        assert_eq!(m["index"], i, "{m}");
        assert_eq!(m["streamgroup_id"], gid);
        assert_eq!(m["state"], "created");
        assert_eq!(m["profile"], expected_profiles[i]);
        assert_eq!(m["tags"], expected_tags[i]);
        // The push URL given on create belongs to the passthrough.
        let push = if i == 0 {
            json!("rtmps://cdn.example.com/app")
        } else {
            Value::Null
        };
        assert_eq!(m["push_url"], push);
        assert_eq!(m["processing"], default_processing());
        assert!(is_streamname_of(app.org.hash.as_str(), &name_of(m)));
    }
    assert_eq!(members[0]["id"], gid);
    assert_eq!(members[0]["name"], g["name"]);
    let mut names: Vec<String> = members.iter().map(name_of).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 4, "names are unique");

    // Any member id answers that member's own object, with the whole group.
    for (i, m) in members.iter().enumerate() {
        let got = fetch(&admin, &id_of(m)).await;
        assert_eq!(got["id"], m["id"]);
        assert_eq!(got["name"], m["name"]);
        assert_eq!(got["index"], i);
        assert_eq!(got["streamgroup_id"], gid);
        assert_eq!(got["profile"], expected_profiles[i]);
        assert_eq!(got["tags"], expected_tags[i]);
        assert_eq!(got["ingest"]["streamname"], m["name"]);
        assert_eq!(
            got["playout"]["live_url"],
            format!("{}/watch/{}", app.base, id_of(m))
        );
        assert_eq!(
            got["playout"]["embed_url"],
            format!("{}/embed?group.id={gid}", app.base)
        );
        assert_eq!(
            got["timecode"],
            json!({"enabled": false, "interval_ms": 2000})
        );
        assert_eq!(got["members"], g["members"]);
    }
}

#[tokio::test]
async fn transcodes_need_the_transcoding_feature() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]}),
        )
        .await;

    let v = assert_error(res, 403, "feature_disabled").await;
    assert_eq!(
        v["error"]["message"],
        "Your organisation does not have the Transcoding package (transcoding); an upgrade is needed."
    );
    assert_eq!(stream_count(&admin).await, 0);
    // The feature is checked before the organisation's limit.
    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [
                {"preset": "vtrans2-1280x720x2000x30"},
                {"preset": "vtrans2-1280x720x1200x30"},
                {"preset": "vtrans2-852x480x800x25"},
                {"preset": "vtrans2-640x360x400x25"}
            ]}),
        )
        .await;
    assert_error(res, 403, "feature_disabled").await;
    assert_eq!(stream_count(&admin).await, 0);
    // An empty transcode list is a single stream and needs nothing.
    let single = admin.create_stream(json!({"transcodes": []})).await;
    assert_eq!(member_ids(&single), vec![id_of(&single)]);
}

#[tokio::test]
async fn more_transcodes_than_the_limit_are_refused() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [
                {"preset": "vtrans2-1280x720x2000x30"},
                {"preset": "vtrans2-1280x720x1200x30"},
                {"preset": "vtrans2-852x480x800x25"},
                {"preset": "vtrans2-640x360x400x25"}
            ]}),
        )
        .await;

    let v = assert_error(res, 422, "limit_reached").await;
    assert_eq!(
        v["error"]["message"],
        "Your organisation allows at most 3 transcodes per stream group."
    );
    assert_eq!(stream_count(&admin).await, 0);
    // Exactly at the limit is fine.
    let g = group_with(&admin, &[2000, 1200, 800]).await;
    assert_eq!(g["members"].as_array().expect("members").len(), 4);

    // The limit follows the operator's setting at once.
    app.store
        .set_max_transcodes(&app.org.hash, 1)
        .await
        .expect("limit set");
    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [
                {"preset": "vtrans2-1280x720x2000x30"},
                {"preset": "vtrans2-852x480x800x25"}
            ]}),
        )
        .await;
    let v = assert_error(res, 422, "limit_reached").await;
    assert_eq!(
        v["error"]["message"],
        "Your organisation allows at most 1 transcodes per stream group."
    );
    let one = group_with(&admin, &[800]).await;
    assert_eq!(one["members"].as_array().expect("members").len(), 2);
    assert_eq!(stream_count(&admin).await, 6);
}

#[tokio::test]
async fn transcode_bitrates_must_strictly_decrease() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let custom =
        |kbps: u32| json!({"width": 852, "height": 480, "bitrate_kbps": kbps, "framerate": 25});
    let cases = [
        (
            vec![custom(800), custom(800)],
            "transcodes[1].bitrate_kbps",
            800,
        ),
        (
            vec![custom(400), custom(800)],
            "transcodes[1].bitrate_kbps",
            400,
        ),
        (
            vec![custom(2000), custom(1000), custom(1000)],
            "transcodes[2].bitrate_kbps",
            1000,
        ),
        (
            vec![
                json!({"preset": "vtrans2-852x480x800x25"}),
                json!({"preset": "vtrans2-1280x720x2000x30"}),
            ],
            "transcodes[1].bitrate_kbps",
            800,
        ),
    ];

    for (transcodes, field, above) in cases {
        let res = admin
            .post("/api/v1/streams", json!({ "transcodes": transcodes }))
            .await;

        let fields = refused_fields(res).await;
        assert_eq!(
            fields,
            json!({ field: format!("must be lower than the bitrate of the quality above it ({above} kbit/s)") }),
            "{transcodes:?}"
        );
    }
    assert_eq!(stream_count(&admin).await, 0);
    // Strictly decreasing, by one kbit/s, is fine.
    group_with(&admin, &[801, 800, 799]).await;
}

#[tokio::test]
async fn transcode_profiles_are_validated() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let with = |field: &str, value: u32| {
        let mut t = json!({"width": 852, "height": 480, "bitrate_kbps": 800, "framerate": 25});
        t[field] = json!(value);
        t
    };
    let cases = [
        (
            json!({"preset": "vtrans2-1x1x1x1"}),
            json!({"transcodes[0].preset": "is not a known preset (see GET /profiles/presets)"}),
        ),
        (
            json!({"preset": "vtrans2-852x480x800x25", "width": 852}),
            json!({"transcodes[0].preset": "give either a preset or width, height, bitrate_kbps and framerate, not both"}),
        ),
        (
            json!({"width": 852}),
            json!({
                "transcodes[0].height": "is required (or give a preset)",
                "transcodes[0].bitrate_kbps": "is required (or give a preset)",
                "transcodes[0].framerate": "is required (or give a preset)"
            }),
        ),
        (
            json!({}),
            json!({
                "transcodes[0].width": "is required (or give a preset)",
                "transcodes[0].height": "is required (or give a preset)",
                "transcodes[0].bitrate_kbps": "is required (or give a preset)",
                "transcodes[0].framerate": "is required (or give a preset)"
            }),
        ),
        (
            with("width", 15),
            json!({"transcodes[0].width": "must be between 16 and 7680"}),
        ),
        (
            with("width", 7681),
            json!({"transcodes[0].width": "must be between 16 and 7680"}),
        ),
        (
            with("height", 15),
            json!({"transcodes[0].height": "must be between 16 and 4320"}),
        ),
        (
            with("height", 4321),
            json!({"transcodes[0].height": "must be between 16 and 4320"}),
        ),
        (
            with("bitrate_kbps", 49),
            json!({"transcodes[0].bitrate_kbps": "must be between 50 and 50000"}),
        ),
        (
            with("bitrate_kbps", 50001),
            json!({"transcodes[0].bitrate_kbps": "must be between 50 and 50000"}),
        ),
        (
            with("framerate", 0),
            json!({"transcodes[0].framerate": "must be between 1 and 120"}),
        ),
        (
            with("framerate", 121),
            json!({"transcodes[0].framerate": "must be between 1 and 120"}),
        ),
        (
            json!({"preset": "vtrans2-852x480x800x25", "bitrate": 800}),
            json!({"transcodes[0].bitrate": "is not a known field"}),
        ),
    ];

    for (transcode, want) in cases {
        let res = admin
            .post(
                "/api/v1/streams",
                json!({"transcodes": [transcode.clone()]}),
            )
            .await;

        assert_eq!(refused_fields(res).await, want, "{transcode}");
    }
    // The index names the bad transcode.
    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [{"preset": "vtrans2-1280x720x2000x30"}, with("width", 15)]}),
        )
        .await;
    assert_eq!(
        refused_fields(res).await,
        json!({"transcodes[1].width": "must be between 16 and 7680"})
    );
    assert_eq!(stream_count(&admin).await, 0);

    // Both bounds themselves are accepted.
    let high = admin
        .create_stream(json!({"transcodes": [
            {"width": 7680, "height": 4320, "bitrate_kbps": 50000, "framerate": 120}
        ]}))
        .await;
    assert_eq!(
        high["members"][1]["profile"],
        profile(7680, 4320, 50000, 120)
    );
    let low = admin
        .create_stream(json!({"transcodes": [
            {"width": 16, "height": 16, "bitrate_kbps": 50, "framerate": 1}
        ]}))
        .await;
    assert_eq!(low["members"][1]["profile"], profile(16, 16, 50, 1));
}

// ---------------------------------------------------------------------------------------
// Validation of stream fields
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn tags_are_validated_on_both_sides_of_each_bound() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);
    let sixty_four = "é".repeat(64);
    let sixty_five = "é".repeat(65);
    let thirty_two: Vec<String> = (0..32).map(|i| format!("t{i}")).collect();
    let mut thirty_three = thirty_two.clone();
    thirty_three.push("t32".into());
    let mut thirty_three_with_a_duplicate = thirty_two.clone();
    thirty_three_with_a_duplicate.push("t0".into());
    let refused = [
        (json!([sixty_five]), "tag 1 must be at most 64 characters"),
        (json!(["   "]), "tag 1 must not be empty"),
        (json!([""]), "tag 1 must not be empty"),
        (json!(["ok", " \t "]), "tag 2 must not be empty"),
        (
            json!(["a\u{7}b"]),
            "tag 1 must not contain control characters",
        ),
        (json!(thirty_three), "must hold at most 32 tags"),
    ];

    for (tags, why) in &refused {
        // On create, on PATCH and on PUT …/tags alike.
        let create = admin.post("/api/v1/streams", json!({ "tags": tags })).await;
        assert_eq!(refused_fields(create).await, json!({"tags": why}), "{tags}");
        let patch = admin.patch(&path(&id), json!({ "tags": tags })).await;
        assert_eq!(refused_fields(patch).await, json!({"tags": why}), "{tags}");
        let put = admin
            .put(&format!("{}/tags", path(&id)), json!({ "tags": tags }))
            .await;
        assert_eq!(refused_fields(put).await, json!({"tags": why}), "{tags}");
    }
    assert_eq!(stream_count(&admin).await, 1);
    assert_eq!(fetch(&admin, &id).await["tags"], json!([]));

    // The bounds themselves, trimming, and duplicates collapsing to the first.
    let accepted = [
        (json!([sixty_four.clone()]), json!([sixty_four])),
        (
            json!([format!("  {}  ", "x".repeat(64))]),
            json!(["x".repeat(64)]),
        ),
        (json!(["a"]), json!(["a"])),
        (json!(thirty_two.clone()), json!(thirty_two)),
        (json!(thirty_three_with_a_duplicate), json!(thirty_two)),
        (json!(["b", "a", "b", " a "]), json!(["b", "a"])),
        (
            json!(["Sport", "sport", "key:value", "a/b"]),
            json!(["Sport", "sport", "key:value", "a/b"]),
        ),
        (json!([]), json!([])),
    ];
    for (tags, want) in accepted {
        let created = admin.create_stream(json!({ "tags": tags })).await;
        assert_eq!(created["tags"], want, "create {tags}");
        let patched = call(
            &admin,
            Method::PATCH,
            &path(&id),
            Some(json!({ "tags": tags })),
            200,
        )
        .await;
        assert_eq!(patched["tags"], want, "patch {tags}");
    }
}

#[tokio::test]
async fn timecode_interval_is_bounded_on_both_sides() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let why = "interval_ms must be between 500 and 3600000 milliseconds";

    for ms in [0, 499, 3_600_001] {
        let timecode = json!({"enabled": true, "interval_ms": ms});
        let create = admin
            .post("/api/v1/streams", json!({ "timecode": timecode }))
            .await;
        assert_eq!(
            refused_fields(create).await,
            json!({"timecode": why}),
            "{ms}"
        );
        let patch = admin
            .patch(&path(&id_of(&s)), json!({ "timecode": timecode }))
            .await;
        assert_eq!(
            refused_fields(patch).await,
            json!({"timecode": why}),
            "{ms}"
        );
    }

    for ms in [500, 3_600_000] {
        let timecode = json!({"enabled": true, "interval_ms": ms});
        let created = admin.create_stream(json!({ "timecode": timecode })).await;
        assert_eq!(created["timecode"], timecode);
        let patched = call(
            &admin,
            Method::PATCH,
            &path(&id_of(&s)),
            Some(json!({ "timecode": timecode })),
            200,
        )
        .await;
        assert_eq!(patched["timecode"], timecode);
    }
}

#[tokio::test]
async fn processing_settings_are_bounded_on_both_sides() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let interval = "must be between 10 and 3600 seconds";
    let clip = "must be between 1 and 60 seconds";
    let duration = "must be at least 1 second, or null for the whole stream";
    let refused = [
        (
            json!({"thumbnails": {"interval_s": 9}}),
            "processing.thumbnails.interval_s",
            interval,
        ),
        (
            json!({"thumbnails": {"interval_s": 3601}}),
            "processing.thumbnails.interval_s",
            interval,
        ),
        (
            json!({"motion_clips": {"interval_s": 9}}),
            "processing.motion_clips.interval_s",
            interval,
        ),
        (
            json!({"motion_clips": {"interval_s": 3601}}),
            "processing.motion_clips.interval_s",
            interval,
        ),
        (
            json!({"motion_clips": {"duration_s": 0}}),
            "processing.motion_clips.duration_s",
            clip,
        ),
        (
            json!({"motion_clips": {"duration_s": 61}}),
            "processing.motion_clips.duration_s",
            clip,
        ),
        (
            json!({"recording": {"duration_s": 0}}),
            "processing.recording.duration_s",
            duration,
        ),
        (
            json!({"replay": {"duration_s": 0}}),
            "processing.replay.duration_s",
            duration,
        ),
        (
            json!({"thumbnails": {"every": 30}}),
            "processing.thumbnails.every",
            "is not a known field",
        ),
        (
            json!({"snapshots": {}}),
            "processing.snapshots",
            "is not a known field",
        ),
    ];

    for (processing, field, why) in &refused {
        let create = admin
            .post("/api/v1/streams", json!({ "processing": processing }))
            .await;
        assert_eq!(
            refused_fields(create).await,
            json!({ *field: why }),
            "{processing}"
        );
        let patch = admin
            .patch(&path(&id_of(&s)), json!({ "processing": processing }))
            .await;
        assert_eq!(
            refused_fields(patch).await,
            json!({ *field: why }),
            "{processing}"
        );
    }
    assert_eq!(
        fetch(&admin, &id_of(&s)).await["processing"],
        default_processing()
    );

    // Every bound itself is accepted (switched off, these need no feature).
    let low = json!({
        "thumbnails": {"interval_s": 10},
        "motion_clips": {"interval_s": 10, "duration_s": 1},
        "recording": {"duration_s": 1},
        "replay": {"duration_s": 1}
    });
    let high = json!({
        "thumbnails": {"interval_s": 3600},
        "motion_clips": {"interval_s": 3600, "duration_s": 60},
        "recording": {"duration_s": null},
        "replay": {"duration_s": null}
    });
    for processing in [low, high] {
        let want = json!({
            "thumbnails": {"enabled": false, "interval_s": processing["thumbnails"]["interval_s"]},
            "motion_clips": {
                "enabled": false,
                "interval_s": processing["motion_clips"]["interval_s"],
                "duration_s": processing["motion_clips"]["duration_s"]
            },
            "recording": {"enabled": false, "duration_s": processing["recording"]["duration_s"]},
            "replay": {"enabled": false, "duration_s": processing["replay"]["duration_s"]}
        });
        let created = admin
            .create_stream(json!({ "processing": processing }))
            .await;
        assert_eq!(created["processing"], want);
        let patched = call(
            &admin,
            Method::PATCH,
            &path(&id_of(&s)),
            Some(json!({ "processing": processing })),
            200,
        )
        .await;
        assert_eq!(patched["processing"], want);
    }
}

#[tokio::test]
async fn push_url_must_be_rtmp_rtmps_or_srt_with_a_host() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let why = "must be an rtmp://, rtmps:// or srt:// URL with a host";
    let too_long = format!("rtmp://example.com/{}", "a".repeat(2030));
    assert_eq!(too_long.chars().count(), 2049);
    let refused = [
        ("https://live.example.com/app", why),
        ("ftp://live.example.com/app", why),
        ("rtmp:///app", why),
        ("rtmp://", why),
        ("srt://:9000", why),
        ("rtmp://a b/app", why),
        ("live.example.com/app", why),
        (too_long.as_str(), "must be at most 2048 characters"),
    ];

    for (url, why) in refused {
        let create = admin
            .post("/api/v1/streams", json!({ "push_url": url }))
            .await;
        assert_eq!(
            refused_fields(create).await,
            json!({"push_url": why}),
            "{url}"
        );
        let patch = admin
            .patch(&path(&id_of(&s)), json!({ "push_url": url }))
            .await;
        assert_eq!(
            refused_fields(patch).await,
            json!({"push_url": why}),
            "{url}"
        );
    }
    assert_eq!(fetch(&admin, &id_of(&s)).await["push_url"], Value::Null);

    let exactly_2048 = format!("rtmp://example.com/{}", "a".repeat(2029));
    let accepted = [
        (
            "rtmp://live.example.com/app/key",
            "rtmp://live.example.com/app/key",
        ),
        (
            "RTMPS://live.example.com:443/app",
            "RTMPS://live.example.com:443/app",
        ),
        (
            "srt://10.0.0.1:9000?streamid=x",
            "srt://10.0.0.1:9000?streamid=x",
        ),
        (
            "  rtmp://trimmed.example.com/a  ",
            "rtmp://trimmed.example.com/a",
        ),
        (exactly_2048.as_str(), exactly_2048.as_str()),
    ];
    for (url, stored) in accepted {
        let created = admin.create_stream(json!({ "push_url": url })).await;
        assert_eq!(created["push_url"], stored);
        let patched = call(
            &admin,
            Method::PATCH,
            &path(&id_of(&s)),
            Some(json!({ "push_url": url })),
            200,
        )
        .await;
        assert_eq!(patched["push_url"], stored);
    }
}

#[tokio::test]
async fn unknown_fields_and_malformed_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);
    let tags_path = format!("{}/tags", path(&id));
    let cases = [
        (
            Method::POST,
            "/api/v1/streams".to_string(),
            json!({"name": "mine"}),
            json!({"name": "is not a known field"}),
        ),
        (
            Method::POST,
            "/api/v1/streams".to_string(),
            json!({"state": "live"}),
            json!({"state": "is not a known field"}),
        ),
        (
            Method::POST,
            "/api/v1/streams".to_string(),
            json!({"tags": "sport"}),
            json!({"tags": "invalid type: string \"sport\", expected a sequence"}),
        ),
        (
            Method::PATCH,
            path(&id),
            json!({"state": "live"}),
            json!({"state": "is not a known field"}),
        ),
        (
            Method::PATCH,
            path(&id),
            json!({"profile": null}),
            json!({"profile": "is not a known field"}),
        ),
        (
            Method::PATCH,
            path(&id),
            json!({"timecode": {"enabled": true, "every": 1}}),
            json!({"timecode.every": "is not a known field"}),
        ),
        (
            Method::PUT,
            tags_path.clone(),
            json!({"tags": [], "extra": 1}),
            json!({"extra": "is not a known field"}),
        ),
        (
            Method::PUT,
            tags_path.clone(),
            json!({}),
            json!({"tags": "is required"}),
        ),
    ];

    for (method, p, payload, want) in cases {
        let res = admin.send(method.clone(), &p, Some(payload.clone())).await;
        assert_eq!(refused_fields(res).await, want, "{method} {p} {payload}");
    }

    // Malformed JSON.
    for (method, p) in [
        (Method::POST, "/api/v1/streams".to_string()),
        (Method::PATCH, path(&id)),
        (Method::PUT, tags_path.clone()),
    ] {
        let res = admin
            .request(method.clone(), &p)
            .header("content-type", "application/json")
            .body("{\"tags\": [")
            .send()
            .await
            .expect("sent");
        assert_error(res, 422, "validation_failed").await;
    }
    assert_eq!(stream_count(&admin).await, 1);
    let after = fetch(&admin, &id).await;
    assert_eq!(after["updated_at"], s["updated_at"]);
    assert_eq!(after["state"], "created");
}

// ---------------------------------------------------------------------------------------
// Processing features and merging
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn enabling_a_process_needs_live_processing_and_recording_needs_vod() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);
    let lp_message = "Your organisation does not have the Live Processing package (live_processing); an upgrade is needed.";
    let vod_message =
        "Your organisation does not have the VOD package (vod); an upgrade is needed.";

    // Without live_processing, switching any process on is refused, on create and PATCH.
    for process in ["thumbnails", "motion_clips", "recording", "replay"] {
        let processing = json!({ process: {"enabled": true} });
        let create = admin
            .post("/api/v1/streams", json!({ "processing": processing }))
            .await;
        let v = assert_error(create, 403, "feature_disabled").await;
        assert_eq!(v["error"]["message"], lp_message, "{process}");
        let patch = admin
            .patch(&path(&id), json!({ "processing": processing }))
            .await;
        let v = assert_error(patch, 403, "feature_disabled").await;
        assert_eq!(v["error"]["message"], lp_message, "{process}");
    }
    assert_eq!(stream_count(&admin).await, 1);
    assert_eq!(fetch(&admin, &id).await["processing"], default_processing());
    // Settings of switched-off processes need no feature.
    let tuned = call(
        &admin,
        Method::PATCH,
        &path(&id),
        Some(json!({"processing": {"thumbnails": {"enabled": false, "interval_s": 60}}})),
        200,
    )
    .await;
    assert_eq!(
        tuned["processing"]["thumbnails"],
        json!({"enabled": false, "interval_s": 60})
    );

    // With live_processing: every process but recording.
    app.enable(&[Feature::LiveProcessing]).await;
    for process in ["thumbnails", "motion_clips", "replay"] {
        let processing = json!({ process: {"enabled": true} });
        let created = admin
            .create_stream(json!({ "processing": processing }))
            .await;
        assert_eq!(created["processing"][process]["enabled"], true);
    }
    let create = admin
        .post(
            "/api/v1/streams",
            json!({"processing": {"recording": {"enabled": true}}}),
        )
        .await;
    let v = assert_error(create, 403, "feature_disabled").await;
    assert_eq!(v["error"]["message"], vod_message);
    let patch = admin
        .patch(
            &path(&id),
            json!({"processing": {"recording": {"enabled": true}}}),
        )
        .await;
    let v = assert_error(patch, 403, "feature_disabled").await;
    assert_eq!(v["error"]["message"], vod_message);
    assert_eq!(
        fetch(&admin, &id).await["processing"]["recording"]["enabled"],
        false
    );

    // With vod as well, recording too.
    app.enable(&[Feature::Vod]).await;
    let patched = call(
        &admin,
        Method::PATCH,
        &path(&id),
        Some(json!({"processing": {"recording": {"enabled": true, "duration_s": 3600}}})),
        200,
    )
    .await;
    assert_eq!(
        patched["processing"]["recording"],
        json!({"enabled": true, "duration_s": 3600})
    );
}

#[tokio::test]
async fn vod_alone_does_not_allow_recording() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Vod]).await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post(
            "/api/v1/streams",
            json!({"processing": {"recording": {"enabled": true}}}),
        )
        .await;

    let v = assert_error(res, 403, "feature_disabled").await;
    assert_eq!(
        v["error"]["message"],
        "Your organisation does not have the Live Processing package (live_processing); an upgrade is needed."
    );
}

#[tokio::test]
async fn a_transcodes_own_processing_needs_the_features_too() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;

    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [
                {"preset": "vtrans2-852x480x800x25", "processing": {"thumbnails": {"enabled": true}}}
            ]}),
        )
        .await;

    assert_error(res, 403, "feature_disabled").await;
    assert_eq!(stream_count(&admin).await, 0);
    // Bounds of a transcode's processing are named by its position.
    let res = admin
        .post(
            "/api/v1/streams",
            json!({"transcodes": [
                {"preset": "vtrans2-852x480x800x25", "processing": {"thumbnails": {"interval_s": 5}}}
            ]}),
        )
        .await;
    assert_eq!(
        refused_fields(res).await,
        json!({"transcodes[0].processing.thumbnails.interval_s": "must be between 10 and 3600 seconds"})
    );
}

#[tokio::test]
async fn create_gives_the_passthrough_processing_to_transcodes_without_their_own() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding, Feature::LiveProcessing])
        .await;
    let admin = app.signed_in(&app.admin).await;

    let g = admin
        .create_stream(json!({
            "processing": {"thumbnails": {"enabled": true, "interval_s": 20}},
            "transcodes": [
                {"preset": "vtrans2-1280x720x2000x30"},
                {"preset": "vtrans2-852x480x800x25", "processing": {"replay": {"enabled": true, "duration_s": 120}}}
            ]
        }))
        .await;

    let mut base = default_processing();
    base["thumbnails"] = json!({"enabled": true, "interval_s": 20});
    let mut own = default_processing();
    own["replay"] = json!({"enabled": true, "duration_s": 120});
    assert_eq!(g["processing"], base);
    assert_eq!(g["members"][1]["processing"], base);
    assert_eq!(g["members"][2]["processing"], own);
}

#[tokio::test]
async fn a_processing_patch_merges_per_process() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::LiveProcessing, Feature::Vod]).await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin
        .create_stream(json!({"processing": {
            "thumbnails": {"enabled": true, "interval_s": 45},
            "motion_clips": {"enabled": true, "interval_s": 120, "duration_s": 10},
            "recording": {"enabled": true, "duration_s": 600}
        }}))
        .await;
    let id = id_of(&s);

    let patched = call(
        &admin,
        Method::PATCH,
        &path(&id),
        Some(json!({"processing": {
            "motion_clips": {"duration_s": 20},
            "recording": {"duration_s": null}
        }})),
        200,
    )
    .await;

    let want = json!({
        "thumbnails": {"enabled": true, "interval_s": 45},
        "motion_clips": {"enabled": true, "interval_s": 120, "duration_s": 20},
        "recording": {"enabled": true, "duration_s": null},
        "replay": {"enabled": false, "duration_s": null}
    });
    assert_eq!(patched["processing"], want);
    assert_eq!(patched["members"][0]["processing"], want);
    assert_eq!(fetch(&admin, &id).await["processing"], want);

    // Switching off keeps the settings; absent processes stay.
    let off = call(
        &admin,
        Method::PATCH,
        &path(&id),
        Some(
            json!({"processing": {"thumbnails": {"enabled": false}, "replay": {"enabled": true}}}),
        ),
        200,
    )
    .await;
    assert_eq!(
        off["processing"],
        json!({
            "thumbnails": {"enabled": false, "interval_s": 45},
            "motion_clips": {"enabled": true, "interval_s": 120, "duration_s": 20},
            "recording": {"enabled": true, "duration_s": null},
            "replay": {"enabled": true, "duration_s": null}
        })
    );
    // A bound broken by the merged result is refused and nothing changes.
    let res = admin
        .patch(
            &path(&id),
            json!({"processing": {"motion_clips": {"duration_s": 61}}}),
        )
        .await;
    assert_eq!(
        refused_fields(res).await,
        json!({"processing.motion_clips.duration_s": "must be between 1 and 60 seconds"})
    );
    assert_eq!(fetch(&admin, &id).await["processing"], off["processing"]);
}

#[tokio::test]
async fn processing_changes_one_member_unless_synced_to_the_group() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding, Feature::LiveProcessing])
        .await;
    let admin = app.signed_in(&app.admin).await;
    let g = group_with(&admin, &[1200, 800]).await;
    let ids = member_ids(&g);

    // Without sync: only the member addressed.
    let one = call(
        &admin,
        Method::PATCH,
        &path(&ids[1]),
        Some(json!({"processing": {"thumbnails": {"enabled": true, "interval_s": 20}}})),
        200,
    )
    .await;
    let mut changed = default_processing();
    changed["thumbnails"] = json!({"enabled": true, "interval_s": 20});
    assert_eq!(one["id"], ids[1]);
    assert_eq!(one["processing"], changed);
    let group = fetch(&admin, &ids[0]).await;
    assert_eq!(group["processing"], default_processing());
    assert_eq!(group["members"][0]["processing"], default_processing());
    assert_eq!(group["members"][1]["processing"], changed);
    assert_eq!(group["members"][2]["processing"], default_processing());

    // With sync: the merged result of the addressed member goes to every member.
    let synced = call(
        &admin,
        Method::PATCH,
        &path(&ids[1]),
        Some(json!({
            "processing": {"replay": {"enabled": true, "duration_s": 300}},
            "sync_processing_to_group": true
        })),
        200,
    )
    .await;
    let mut want = changed.clone();
    want["replay"] = json!({"enabled": true, "duration_s": 300});
    assert_eq!(synced["processing"], want);
    for m in synced["members"].as_array().expect("members") {
        assert_eq!(m["processing"], want, "{m}");
    }
    for id in &ids {
        assert_eq!(fetch(&admin, id).await["processing"], want, "{id}");
    }

    // Sync alone copies the addressed member's current settings.
    call(
        &admin,
        Method::PATCH,
        &path(&ids[2]),
        Some(json!({"processing": {"thumbnails": {"interval_s": 99}}})),
        200,
    )
    .await;
    let copied = call(
        &admin,
        Method::PATCH,
        &path(&ids[2]),
        Some(json!({"sync_processing_to_group": true})),
        200,
    )
    .await;
    let mut last = want.clone();
    last["thumbnails"]["interval_s"] = json!(99);
    for m in copied["members"].as_array().expect("members") {
        assert_eq!(m["processing"], last, "{m}");
    }
}

// ---------------------------------------------------------------------------------------
// PATCH and PUT …/tags
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn patch_changes_tags_and_push_url_and_answers_the_whole_object() {
    let app = TestApp::spawn().await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let s = user
        .create_stream(json!({"tags": ["old"], "timecode": {"enabled": true, "interval_ms": 1000}}))
        .await;
    let id = id_of(&s);

    let res = user
        .patch(
            &path(&id),
            json!({"tags": ["news", "live"], "push_url": "srt://relay.example.com:9000"}),
        )
        .await;

    assert_eq!(res.status().as_u16(), 200);
    let v = body(res).await;
    assert_eq!(v["id"], id);
    assert_eq!(v["name"], s["name"]);
    assert_eq!(v["state"], "created");
    assert_eq!(v["tags"], json!(["news", "live"]));
    assert_eq!(v["push_url"], "srt://relay.example.com:9000");
    assert_eq!(v["timecode"], json!({"enabled": true, "interval_ms": 1000}));
    assert_eq!(v["processing"], default_processing());
    assert_eq!(v["created_at"], s["created_at"]);
    assert!(time(&v["updated_at"]) > time(&s["updated_at"]));
    assert_eq!(v["ingest"], s["ingest"]);
    assert_eq!(v["playout"], s["playout"]);
    assert_eq!(v["members"][0]["tags"], json!(["news", "live"]));
    assert_eq!(v["members"][0]["push_url"], "srt://relay.example.com:9000");
    let got = fetch(&user, &id).await;
    assert_eq!(got["tags"], v["tags"]);
    assert_eq!(got["updated_at"], v["updated_at"]);

    // An empty PATCH changes nothing it was not given; null clears the push URL.
    let cleared = call(
        &user,
        Method::PATCH,
        &path(&id),
        Some(json!({"push_url": null})),
        200,
    )
    .await;
    assert_eq!(cleared["push_url"], Value::Null);
    assert_eq!(cleared["tags"], json!(["news", "live"]));
    assert!(time(&cleared["updated_at"]) > time(&v["updated_at"]));
    let same = call(&user, Method::PATCH, &path(&id), Some(json!({})), 200).await;
    assert_eq!(same["push_url"], Value::Null);
    assert_eq!(same["tags"], json!(["news", "live"]));
    assert_eq!(
        same["timecode"],
        json!({"enabled": true, "interval_ms": 1000})
    );
}

#[tokio::test]
async fn timecode_applies_to_the_whole_group_while_tags_and_push_url_stay_per_member() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let g = group_with(&admin, &[1200, 800]).await;
    let ids = member_ids(&g);

    let v = call(
        &admin,
        Method::PATCH,
        &path(&ids[2]),
        Some(json!({
            "timecode": {"enabled": true, "interval_ms": 750},
            "tags": ["low"],
            "push_url": "rtmp://cdn.example.com/low"
        })),
        200,
    )
    .await;

    assert_eq!(v["id"], ids[2]);
    assert_eq!(v["index"], 2);
    assert_eq!(v["timecode"], json!({"enabled": true, "interval_ms": 750}));
    for id in &ids {
        let m = fetch(&admin, id).await;
        assert_eq!(
            m["timecode"],
            json!({"enabled": true, "interval_ms": 750}),
            "{id}"
        );
        assert!(time(&m["updated_at"]) > time(&g["updated_at"]), "{id}");
        if *id == ids[2] {
            assert_eq!(m["tags"], json!(["low"]));
            assert_eq!(m["push_url"], "rtmp://cdn.example.com/low");
        } else {
            assert_eq!(m["tags"], json!([]), "{id}");
            assert_eq!(m["push_url"], Value::Null, "{id}");
        }
    }
    let members = &v["members"];
    assert_eq!(members[2]["tags"], json!(["low"]));
    assert_eq!(members[0]["tags"], json!([]));
    assert_eq!(members[1]["push_url"], Value::Null);
}

#[tokio::test]
async fn put_tags_replaces_the_list() {
    let app = TestApp::spawn().await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let s = user.create_stream(json!({"tags": ["a", "b"]})).await;
    let id = id_of(&s);
    let tags_path = format!("{}/tags", path(&id));

    let v = call(
        &user,
        Method::PUT,
        &tags_path,
        Some(json!({"tags": ["c", " a ", "c"]})),
        200,
    )
    .await;

    assert_eq!(v["id"], id);
    assert_eq!(v["tags"], json!(["c", "a"]));
    assert_eq!(v["members"][0]["tags"], json!(["c", "a"]));
    assert!(time(&v["updated_at"]) > time(&s["updated_at"]));
    assert_eq!(fetch(&user, &id).await["tags"], json!(["c", "a"]));
    let emptied = call(
        &user,
        Method::PUT,
        &tags_path,
        Some(json!({"tags": []})),
        200,
    )
    .await;
    assert_eq!(emptied["tags"], json!([]));
    assert_eq!(fetch(&user, &id).await["tags"], json!([]));
}

// ---------------------------------------------------------------------------------------
// The state machine
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_stream_that_never_went_live_locks_and_unlocks_to_created() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);

    let locked = call(
        &admin,
        Method::POST,
        &format!("{}/lock", path(&id)),
        None,
        200,
    )
    .await;

    assert_eq!(locked["id"], id);
    assert_eq!(locked["state"], "locked");
    assert_eq!(locked["members"][0]["state"], "locked");
    assert_eq!(locked["ingest"]["cut_requested_at"], Value::Null);
    assert!(time(&locked["updated_at"]) >= time(&s["updated_at"]));
    let v = assert_error(
        admin.post_empty(&format!("{}/lock", path(&id))).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(
        v["error"]["message"],
        "Cannot lock the stream: it is locked."
    );
    // A locked stream refuses ingest.
    assert_eq!(
        app.ingest("publish", &name_of(&s)).await.status().as_u16(),
        403
    );

    let unlocked = call(
        &admin,
        Method::POST,
        &format!("{}/unlock", path(&id)),
        None,
        200,
    )
    .await;

    assert_eq!(unlocked["state"], "created");
    assert_eq!(fetch(&admin, &id).await["state"], "created");
    let v = assert_error(
        admin.post_empty(&format!("{}/unlock", path(&id))).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(
        v["error"]["message"],
        "Cannot unlock the stream: it is created."
    );
}

#[tokio::test]
async fn locking_a_live_stream_cuts_its_ingest_and_unlock_leads_to_ended() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);
    assert!(app
        .ingest("publish", &name_of(&s))
        .await
        .status()
        .is_success());
    assert_eq!(fetch(&admin, &id).await["state"], "live");
    let v = assert_error(
        admin.post_empty(&format!("{}/unlock", path(&id))).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(
        v["error"]["message"],
        "Cannot unlock the stream: it is live."
    );

    let locked = call(
        &admin,
        Method::POST,
        &format!("{}/lock", path(&id)),
        None,
        200,
    )
    .await;

    assert_eq!(locked["state"], "locked");
    assert!(locked["ingest"]["cut_requested_at"].is_string(), "{locked}");
    let cut = time(&locked["ingest"]["cut_requested_at"]);
    assert!(cut >= time(&s["created_at"]));
    assert_eq!(
        fetch(&admin, &id).await["ingest"]["cut_requested_at"],
        locked["ingest"]["cut_requested_at"]
    );

    let unlocked = call(
        &admin,
        Method::POST,
        &format!("{}/unlock", path(&id)),
        None,
        200,
    )
    .await;

    assert_eq!(unlocked["state"], "ended");
    assert_eq!(unlocked["ingest"]["cut_requested_at"], Value::Null);
    let v = assert_error(
        admin.post_empty(&format!("{}/unlock", path(&id))).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(
        v["error"]["message"],
        "Cannot unlock the stream: it is ended."
    );
    // From ended: lock again, and unlock still leads to ended.
    let relocked = call(
        &admin,
        Method::POST,
        &format!("{}/lock", path(&id)),
        None,
        200,
    )
    .await;
    assert_eq!(relocked["state"], "locked");
    assert_eq!(relocked["ingest"]["cut_requested_at"], Value::Null);
    let again = call(
        &admin,
        Method::POST,
        &format!("{}/unlock", path(&id)),
        None,
        200,
    )
    .await;
    assert_eq!(again["state"], "ended");
}

#[tokio::test]
async fn lock_unlock_and_delete_act_on_the_whole_group_from_any_member() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let g = group_with(&admin, &[1200, 800]).await;
    let ids = member_ids(&g);

    let locked = call(
        &admin,
        Method::POST,
        &format!("{}/lock", path(&ids[2])),
        None,
        200,
    )
    .await;

    assert_eq!(locked["id"], ids[2]);
    assert_eq!(locked["index"], 2);
    for m in locked["members"].as_array().expect("members") {
        assert_eq!(m["state"], "locked", "{m}");
    }
    for id in &ids {
        assert_eq!(fetch(&admin, id).await["state"], "locked", "{id}");
    }

    let unlocked = call(
        &admin,
        Method::POST,
        &format!("{}/unlock", path(&ids[1])),
        None,
        200,
    )
    .await;

    assert_eq!(unlocked["id"], ids[1]);
    for id in &ids {
        assert_eq!(fetch(&admin, id).await["state"], "created", "{id}");
    }

    let res = admin.delete(&path(&ids[1])).await;

    assert_eq!(res.status().as_u16(), 204);
    assert!(res.text().await.expect("body").is_empty());
    for id in &ids {
        let m = fetch(&admin, id).await;
        assert_eq!(m["state"], "deleted", "{id}");
        assert_eq!(m["members"].as_array().expect("members").len(), 3);
        for member in m["members"].as_array().expect("members") {
            assert_eq!(member["state"], "deleted");
        }
    }
}

#[tokio::test]
async fn delete_is_allowed_from_every_state_but_deleted() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let created = admin.create_stream(json!({})).await;
    let live = admin.create_stream(json!({})).await;
    assert!(app
        .ingest("publish", &name_of(&live))
        .await
        .status()
        .is_success());
    let ended = admin.create_stream(json!({})).await;
    assert!(app
        .ingest("publish", &name_of(&ended))
        .await
        .status()
        .is_success());
    assert!(app
        .ingest("publish_done", &name_of(&ended))
        .await
        .status()
        .is_success());
    let locked = admin.create_stream(json!({})).await;
    call(
        &admin,
        Method::POST,
        &format!("{}/lock", path(&id_of(&locked))),
        None,
        200,
    )
    .await;
    let states = [
        (&created, "created"),
        (&live, "live"),
        (&ended, "ended"),
        (&locked, "locked"),
    ];

    for (s, state) in states {
        let id = id_of(s);
        assert_eq!(fetch(&admin, &id).await["state"], state);

        call(&admin, Method::DELETE, &path(&id), None, 204).await;

        assert_eq!(fetch(&admin, &id).await["state"], "deleted", "from {state}");
        let v = assert_error(admin.delete(&path(&id)).await, 409, "conflict").await;
        assert_eq!(
            v["error"]["message"],
            "Cannot delete the stream: it is deleted."
        );
    }
}

#[tokio::test]
async fn every_change_to_a_deleted_stream_is_a_conflict() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding, Feature::LiveProcessing])
        .await;
    let admin = app.signed_in(&app.admin).await;
    let g = admin
        .create_stream(json!({
            "tags": ["kept"],
            "transcodes": [{"preset": "vtrans2-1280x720x2000x30"}]
        }))
        .await;
    let ids = member_ids(&g);
    call(&admin, Method::DELETE, &path(&ids[0]), None, 204).await;
    let before = fetch(&admin, &ids[0]).await;
    let deleted = "The stream is deleted; deleted streams cannot be changed.";
    let profiles = format!("{}/profiles", path(&ids[0]));
    let member_profile = format!("{profiles}/{}", ids[1]);
    let cases = [
        (
            Method::PATCH,
            path(&ids[0]),
            Some(json!({"tags": ["new"]})),
            deleted,
        ),
        (
            Method::PATCH,
            path(&ids[1]),
            Some(json!({"push_url": "rtmp://x.example.com/a"})),
            deleted,
        ),
        (
            Method::PATCH,
            path(&ids[0]),
            Some(json!({"processing": {"thumbnails": {"enabled": true}}})),
            deleted,
        ),
        (
            Method::PUT,
            format!("{}/tags", path(&ids[0])),
            Some(json!({"tags": ["new"]})),
            deleted,
        ),
        (
            Method::POST,
            profiles.clone(),
            Some(json!({"preset": "vtrans2-852x480x800x25"})),
            deleted,
        ),
        (
            Method::PATCH,
            member_profile.clone(),
            Some(json!({"preset": "vtrans2-852x480x800x25"})),
            deleted,
        ),
        (Method::DELETE, member_profile.clone(), None, deleted),
        (
            Method::POST,
            format!("{}/lock", path(&ids[0])),
            None,
            "Cannot lock the stream: it is deleted.",
        ),
        (
            Method::POST,
            format!("{}/lock", path(&ids[1])),
            None,
            "Cannot lock the stream: it is deleted.",
        ),
        (
            Method::POST,
            format!("{}/unlock", path(&ids[0])),
            None,
            "Cannot unlock the stream: it is deleted.",
        ),
        (
            Method::DELETE,
            path(&ids[0]),
            None,
            "Cannot delete the stream: it is deleted.",
        ),
        (
            Method::DELETE,
            path(&ids[1]),
            None,
            "Cannot delete the stream: it is deleted.",
        ),
    ];

    for (method, p, payload, message) in cases {
        let res = admin.send(method.clone(), &p, payload).await;

        let v = assert_error(res, 409, "conflict").await;
        assert_eq!(v["error"]["message"], message, "{method} {p}");
    }
    let after = fetch(&admin, &ids[0]).await;
    assert_eq!(after, before);
    assert_eq!(after["tags"], json!(["kept"]));
    assert_eq!(member_ids(&after), ids);
    // Ingest is refused too.
    assert_eq!(
        app.ingest("publish", &name_of(&g)).await.status().as_u16(),
        403
    );
}

#[tokio::test]
async fn role_and_feature_are_checked_before_the_state() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let reader = app.signed_in(&app.add_user(Role::ReadOnly).await).await;
    let s = admin.create_stream(json!({})).await;
    let id = id_of(&s);
    call(&admin, Method::DELETE, &path(&id), None, 204).await;

    // Role (403) before state (409).
    for (caller, method, p, payload) in [
        (
            &reader,
            Method::PATCH,
            path(&id),
            Some(json!({"tags": ["x"]})),
        ),
        (
            &reader,
            Method::PUT,
            format!("{}/tags", path(&id)),
            Some(json!({"tags": ["x"]})),
        ),
        (&user, Method::POST, format!("{}/lock", path(&id)), None),
        (&user, Method::POST, format!("{}/unlock", path(&id)), None),
        (&user, Method::DELETE, path(&id), None),
    ] {
        let res = caller.send(method.clone(), &p, payload).await;
        assert_error(res, 403, "forbidden").await;
    }
    // Feature (403 feature_disabled) before state (409).
    let res = admin
        .patch(
            &path(&id),
            json!({"processing": {"thumbnails": {"enabled": true}}}),
        )
        .await;
    assert_error(res, 403, "feature_disabled").await;
    let res = admin
        .post(
            &format!("{}/profiles", path(&id)),
            json!({"preset": "vtrans2-852x480x800x25"}),
        )
        .await;
    assert_error(res, 403, "feature_disabled").await;
    assert_eq!(fetch(&admin, &id).await["state"], "deleted");
}

#[tokio::test]
async fn locked_streams_can_still_be_edited() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let user = app.signed_in(&app.add_user(Role::User).await).await;
    let g = group_with(&admin, &[1200]).await;
    let id = id_of(&g);
    call(
        &admin,
        Method::POST,
        &format!("{}/lock", path(&id)),
        None,
        200,
    )
    .await;

    let patched = call(
        &user,
        Method::PATCH,
        &path(&id),
        Some(json!({"tags": ["x"], "push_url": "rtmp://a.example.com/b", "timecode": {"enabled": true}})),
        200,
    )
    .await;
    let put = call(
        &user,
        Method::PUT,
        &format!("{}/tags", path(&id)),
        Some(json!({"tags": ["y"]})),
        200,
    )
    .await;
    let added = call(
        &user,
        Method::POST,
        &format!("{}/profiles", path(&id)),
        Some(json!({"preset": "vtrans2-852x480x800x25"})),
        201,
    )
    .await;

    assert_eq!(patched["state"], "locked");
    assert_eq!(patched["tags"], json!(["x"]));
    assert_eq!(put["state"], "locked");
    assert_eq!(put["tags"], json!(["y"]));
    assert_eq!(added["state"], "locked");
    let after = fetch(&admin, &id).await;
    assert_eq!(after["state"], "locked");
    assert_eq!(after["tags"], json!(["y"]));
    assert_eq!(after["push_url"], "rtmp://a.example.com/b");
    assert_eq!(
        after["timecode"],
        json!({"enabled": true, "interval_ms": 2000})
    );
    assert_eq!(after["members"].as_array().expect("members").len(), 3);
}

// ---------------------------------------------------------------------------------------
// Every answer of one stream is the stream object
// ---------------------------------------------------------------------------------------

/// 2025-11-25T10:00:00.000Z in milliseconds, the time of the assets below.
const ASSET_TIME: i64 = 1_764_064_800_000;

/// Gives stream `id` one asset of every kind, written into its database the way the
/// processes leave them (a recording, a replay session, the latest thumbnail and motion
/// clip), `n` minutes after [`ASSET_TIME`] so every stream's differ.
async fn give_assets(app: &TestApp, id: &str, n: i64) {
    let at = ASSET_TIME + n * 60_000;
    let text = |s: String| RawBind::Text(s);
    execute_raw(
        &app.db_url,
        "UPDATE streams SET thumbnail_url = $2, thumbnail_at = $3, motion_clip_url = $4, \
         motion_clip_at = $3 WHERE id = $1",
        &[
            text(id.to_string()),
            text(format!("https://cdn.example/{n}/thumb.jpg")),
            RawBind::Int(at),
            text(format!("https://cdn.example/{n}/motion.mp4")),
        ],
    )
    .await;
    execute_raw(
        &app.db_url,
        "INSERT INTO recordings (id, stream_id, session_start, file_name, size_bytes, url, \
         duration_s, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $3)",
        &[
            text(uuid::Uuid::new_v4().to_string()),
            text(id.to_string()),
            RawBind::Int(at),
            text(format!("rec-{n}.flv")),
            RawBind::Int(1_000_000 * n),
            text(format!("https://cdn.example/{n}/rec-{n}.flv")),
            RawBind::Int(60 * n),
        ],
    )
    .await;
    execute_raw(
        &app.db_url,
        "INSERT INTO replay_sessions (id, stream_id, session_start, hls_url, replay_url, \
         clip_url) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            text(uuid::Uuid::new_v4().to_string()),
            text(id.to_string()),
            RawBind::Int(at),
            text(format!("https://cdn.example/{n}/replay.m3u8")),
            text(format!("https://cdn.example/{n}/replay")),
            text(format!("https://cdn.example/{n}/clip")),
        ],
    )
    .await;
}

/// The assets [`give_assets`] wrote for `n`, as the API states them.
fn assets_given(n: i64) -> Value {
    let at = format!("2025-11-25T10:{n:02}:00.000Z");
    json!({
        "recordings": [{
            "session_start": at, "file_name": format!("rec-{n}.flv"),
            "size_bytes": 1_000_000 * n, "url": format!("https://cdn.example/{n}/rec-{n}.flv"),
            "duration_s": 60 * n
        }],
        "replays": [{
            "session_start": at, "hls_url": format!("https://cdn.example/{n}/replay.m3u8"),
            "replay_url": format!("https://cdn.example/{n}/replay"),
            "clip_url": format!("https://cdn.example/{n}/clip")
        }],
        "thumbnail": {"url": format!("https://cdn.example/{n}/thumb.jpg"), "updated_at": at},
        "motion_clip": {"url": format!("https://cdn.example/{n}/motion.mp4"), "updated_at": at}
    })
}

/// Create, PATCH, tags, lock, unlock and the profiles answer exactly what a `GET` of the
/// same stream answers right after (nothing changes in between, so `updated_at` too):
/// the stream object with its group and its assets, never without them.
#[tokio::test]
async fn every_answer_of_one_stream_equals_its_get_with_assets() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let post = |body: Value| call(&admin, Method::POST, "/api/v1/streams", Some(body), 201);

    // Created: nothing produced yet, so the assets are there and empty.
    let single = post(json!({"tags": ["a"]})).await;
    assert_eq!(single["assets"], no_assets());
    assert_eq!(
        fetch(&admin, &id_of(&single)).await,
        single,
        "POST /streams"
    );
    let group = post(json!({"transcodes": [{"preset": "vtrans2-852x480x800x25"}]})).await;
    assert_eq!(group["assets"], no_assets());
    assert_eq!(group["members"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        fetch(&admin, &id_of(&group)).await,
        group,
        "POST /streams (group)"
    );

    // Every kind of asset on each stream, different per stream.
    let (sid, gid, tid) = (id_of(&single), id_of(&group), member_ids(&group)[1].clone());
    give_assets(&app, &sid, 1).await;
    give_assets(&app, &gid, 2).await;
    give_assets(&app, &tid, 3).await;
    // The streams answered, with the `n` of their assets.
    let streams = [(&sid, 1), (&gid, 2), (&tid, 3)];
    let (single_s, group_s, transcode_s) = (0, 1, 2);
    let custom = json!({"width": 852, "height": 480, "bitrate_kbps": 700, "framerate": 25});
    // (method, path, body, the stream answered)
    let cases: Vec<(Method, String, Option<Value>, usize)> = vec![
        (
            Method::PATCH,
            path(&sid),
            Some(json!({"push_url": "rtmp://cdn.example/live/k"})),
            single_s,
        ),
        (
            Method::PATCH,
            path(&gid),
            Some(json!({"timecode": {"enabled": true, "interval_ms": 1000}})),
            group_s,
        ),
        (
            Method::PATCH,
            path(&tid),
            Some(json!({"tags": ["t"]})),
            transcode_s,
        ),
        (
            Method::PUT,
            format!("{}/tags", path(&sid)),
            Some(json!({"tags": ["b", "c"]})),
            single_s,
        ),
        (
            Method::PUT,
            format!("{}/tags", path(&tid)),
            Some(json!({"tags": ["u"]})),
            transcode_s,
        ),
        (Method::POST, format!("{}/lock", path(&sid)), None, single_s),
        (
            Method::POST,
            format!("{}/unlock", path(&sid)),
            None,
            single_s,
        ),
        // Through a member: the whole group changes state, the member named is answered.
        (
            Method::POST,
            format!("{}/lock", path(&tid)),
            None,
            transcode_s,
        ),
        (
            Method::POST,
            format!("{}/unlock", path(&gid)),
            None,
            group_s,
        ),
        (
            Method::PATCH,
            format!("{}/profiles/{tid}", path(&gid)),
            Some(custom),
            transcode_s,
        ),
    ];
    for (method, p, payload, which) in cases {
        let what = format!("{method} {p}");
        let (id, n) = streams[which];

        let answer = call(&admin, method, &p, payload, 200).await;

        assert_eq!(answer["id"], id.as_str(), "{what}");
        assert_eq!(answer["assets"], assets_given(n), "{what}");
        assert_eq!(fetch(&admin, id).await, answer, "{what}: a GET right after");
    }
    assert_eq!(fetch(&admin, &sid).await["state"], "created");
    assert_eq!(fetch(&admin, &tid).await["profile"]["bitrate_kbps"], 700);

    // A new member has produced nothing yet.
    let profiles = format!("{}/profiles", path(&gid));
    let added = call(
        &admin,
        Method::POST,
        &profiles,
        Some(json!({"preset": "vtrans2-640x360x400x25"})),
        201,
    )
    .await;
    assert_eq!(added["index"], 2);
    assert_eq!(added["assets"], no_assets());
    let added_id = id_of(&added);
    assert_eq!(fetch(&admin, &added_id).await, added, "POST {profiles}");
}

// ---------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------

/// Expected status for admin, user, read_only.
fn for_role(role: Role, statuses: [u16; 3]) -> u16 {
    match role {
        Role::Admin => statuses[0],
        Role::User => statuses[1],
        Role::ReadOnly => statuses[2],
    }
}

#[tokio::test]
async fn every_role_on_every_stream_action() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;

    for (label, role, caller) in app.every_caller().await {
        // A fresh group per caller: passthrough, 2000 and 1200 kbit/s.
        let g = group_with(&admin, &[2000, 1200]).await;
        let ids = member_ids(&g);
        let (gid, t1, t2) = (&ids[0], &ids[1], &ids[2]);
        let writer = [200, 200, 403];
        let admin_only = [200, 403, 403];
        let cases: Vec<(Method, String, Option<Value>, [u16; 3])> = vec![
            (Method::GET, path(gid), None, [200, 200, 200]),
            (Method::GET, path(t2), None, [200, 200, 200]),
            (
                Method::POST,
                "/api/v1/streams".into(),
                Some(json!({"tags": ["new"]})),
                [201, 201, 403],
            ),
            (
                Method::PATCH,
                path(gid),
                Some(json!({"tags": ["edited"]})),
                writer,
            ),
            (
                Method::PATCH,
                path(t1),
                Some(json!({"push_url": "rtmp://e.example.com/x"})),
                writer,
            ),
            (
                Method::PUT,
                format!("{}/tags", path(gid)),
                Some(json!({"tags": ["put"]})),
                writer,
            ),
            (
                Method::POST,
                format!("{}/profiles", path(gid)),
                Some(json!({"preset": "vtrans2-852x480x800x25"})),
                [201, 201, 403],
            ),
            (
                Method::PATCH,
                format!("{}/profiles/{t1}", path(gid)),
                Some(json!({"preset": "vtrans2-1280x720x1600x30"})),
                writer,
            ),
            (
                Method::DELETE,
                format!("{}/profiles/{t2}", path(gid)),
                None,
                [204, 204, 403],
            ),
            (
                Method::POST,
                format!("{}/lock", path(gid)),
                None,
                admin_only,
            ),
            (
                Method::POST,
                format!("{}/unlock", path(t1)),
                None,
                admin_only,
            ),
            (Method::DELETE, path(gid), None, [204, 403, 403]),
        ];
        for (method, p, payload, statuses) in cases {
            let res = caller.send(method.clone(), &p, payload).await;
            let want = for_role(role, statuses);
            assert_eq!(res.status().as_u16(), want, "{label}: {method} {p}");
            if want == 403 {
                let v = assert_error(res, 403, "forbidden").await;
                let needs = if statuses[1] == 403 {
                    "it needs the admin role"
                } else {
                    "it needs the admin or user role"
                };
                assert_eq!(
                    v["error"]["message"],
                    format!("Your role ({role}) may not do this; {needs}."),
                    "{label}: {method} {p}"
                );
            }
        }

        let after = fetch(&admin, gid).await;
        match role {
            Role::Admin => assert_eq!(after["state"], "deleted", "{label}"),
            Role::User => {
                assert_eq!(after["state"], "created", "{label}");
                assert_eq!(after["tags"], json!(["put"]));
                assert_eq!(member_ids(&after).len(), 3, "{label}");
                assert_eq!(after["members"][1]["profile"], profile(1280, 720, 1600, 30));
                assert_eq!(after["members"][2]["profile"], profile(852, 480, 800, 25));
            }
            Role::ReadOnly => assert_eq!(after, g, "{label}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tenancy and ids
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn another_organisations_streams_are_404_for_every_role() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let (other_org, other_admin) = app.other_org().await;
    app.enable_all_for(&other_org).await;
    let other = app.signed_in(&other_admin).await;
    let theirs = other
        .create_stream(json!({
            "tags": ["theirs"],
            "transcodes": [{"preset": "vtrans2-1280x720x2000x30"}, {"preset": "vtrans2-852x480x800x25"}]
        }))
        .await;
    let ids = member_ids(&theirs);
    let admin = app.signed_in(&app.admin).await;
    let mine = group_with(&admin, &[2000]).await;
    let mine_id = id_of(&mine);
    let before: Vec<Value> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(fetch(&other, id).await);
        }
        v
    };

    for (label, _, caller) in app.every_caller().await {
        let mut cases: Vec<(Method, String, Option<Value>)> = Vec::new();
        for id in &ids {
            cases.extend([
                (Method::GET, path(id), None),
                (Method::GET, format!("{}/health", path(id)), None),
                (Method::PATCH, path(id), Some(json!({"tags": ["mine"]}))),
                (
                    Method::PUT,
                    format!("{}/tags", path(id)),
                    Some(json!({"tags": ["mine"]})),
                ),
                (Method::POST, format!("{}/lock", path(id)), None),
                (Method::POST, format!("{}/unlock", path(id)), None),
                (Method::DELETE, path(id), None),
                (
                    Method::POST,
                    format!("{}/profiles", path(id)),
                    Some(json!({"preset": "vtrans2-640x360x400x25"})),
                ),
            ]);
        }
        for member in &ids[1..] {
            cases.extend([
                (
                    Method::PATCH,
                    format!("{}/profiles/{member}", path(&ids[0])),
                    Some(json!({"preset": "vtrans2-1280x720x1600x30"})),
                ),
                (
                    Method::DELETE,
                    format!("{}/profiles/{member}", path(&ids[0])),
                    None,
                ),
                // Their member under my group is not in my group either.
                (
                    Method::PATCH,
                    format!("{}/profiles/{member}", path(&mine_id)),
                    Some(json!({"preset": "vtrans2-640x360x400x25"})),
                ),
                (
                    Method::DELETE,
                    format!("{}/profiles/{member}", path(&mine_id)),
                    None,
                ),
            ]);
        }
        for (method, p, payload) in cases {
            let res = caller.send(method.clone(), &p, payload).await;
            assert_eq!(res.status().as_u16(), 404, "{label}: {method} {p}");
            assert_error(res, 404, "not_found").await;
        }
    }

    for (id, was) in ids.iter().zip(&before) {
        assert_eq!(&fetch(&other, id).await, was, "{id} unchanged");
    }
    let mine_after = fetch(&admin, &mine_id).await;
    assert_eq!(member_ids(&mine_after), member_ids(&mine));
}

#[tokio::test]
async fn malformed_unknown_and_uppercase_ids_are_404() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::Transcoding]).await;
    let admin = app.signed_in(&app.admin).await;
    let g = group_with(&admin, &[800]).await;
    let ids = member_ids(&g);
    let upper = ids[0].to_uppercase();
    let simple = ids[0].replace('-', "");
    let unknown = uuid::Uuid::new_v4().to_string();
    let braced = format!("{{{}}}", ids[0]);

    for bad in [
        upper.as_str(),
        simple.as_str(),
        unknown.as_str(),
        braced.as_str(),
        "not-a-uuid",
        "42",
    ] {
        let cases: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, path(bad), None),
            (Method::PATCH, path(bad), Some(json!({"tags": ["x"]}))),
            (
                Method::PUT,
                format!("{}/tags", path(bad)),
                Some(json!({"tags": ["x"]})),
            ),
            (Method::POST, format!("{}/lock", path(bad)), None),
            (Method::POST, format!("{}/unlock", path(bad)), None),
            (Method::DELETE, path(bad), None),
            (
                Method::POST,
                format!("{}/profiles", path(bad)),
                Some(json!({"preset": "vtrans2-640x360x400x25"})),
            ),
            (
                Method::PATCH,
                format!("{}/profiles/{}", path(bad), ids[1]),
                Some(json!({"preset": "vtrans2-640x360x400x25"})),
            ),
            (
                Method::PATCH,
                format!("{}/profiles/{bad}", path(&ids[0])),
                Some(json!({"preset": "vtrans2-640x360x400x25"})),
            ),
            (
                Method::DELETE,
                format!("{}/profiles/{bad}", path(&ids[0])),
                None,
            ),
            (
                Method::DELETE,
                format!("{}/profiles/{}", path(bad), ids[1]),
                None,
            ),
        ];
        for (method, p, payload) in cases {
            let res = admin.send(method.clone(), &p, payload).await;
            assert_eq!(res.status().as_u16(), 404, "{method} {p}");
            assert_error(res, 404, "not_found").await;
        }
    }
    // Nothing happened to the real group.
    let after = fetch(&admin, &ids[0]).await;
    assert_eq!(after["state"], "created");
    assert_eq!(after["tags"], json!([]));
    assert_eq!(member_ids(&after), ids);
    assert_eq!(after["members"][1]["profile"], profile(852, 480, 800, 25));
}

/// Four clients switch on four different processes of one stream at the same moment:
/// each change merges into the processing as it is when it is written, so all four stay.
#[tokio::test]
async fn parallel_processing_changes_to_one_stream_all_merge() {
    let app = TestApp::spawn().await;
    app.enable(&[Feature::LiveProcessing, Feature::Vod]).await;
    let caller = app.api_key(Role::User).await;
    let stream = id_of(&caller.create_stream(json!({})).await);

    let mut clients = tokio::task::JoinSet::new();
    for process in ["thumbnails", "motion_clips", "recording", "replay"] {
        let (caller, path) = (app.api_key(Role::User).await, path(&stream));
        clients.spawn(async move {
            let patch = json!({"processing": {process: {"enabled": true}}});
            caller.patch(&path, patch).await.status().as_u16()
        });
    }
    let statuses = clients.join_all().await;

    assert_eq!(statuses, vec![200; 4]);
    let processing = fetch(&caller, &stream).await["processing"].clone();
    assert_eq!(
        processing,
        json!({
            "thumbnails": {"enabled": true, "interval_s": 30},
            "motion_clips": {"enabled": true, "interval_s": 60, "duration_s": 5},
            "recording": {"enabled": true, "duration_s": null},
            "replay": {"enabled": true, "duration_s": null}
        })
    );
}

/// Tag changes racing a delete of the same stream: each either lands before the delete
/// (200) or is refused after it (409); none changes the deleted stream.
#[tokio::test]
async fn changes_racing_a_delete_never_change_the_deleted_stream() {
    let app = TestApp::spawn().await;
    let admin = app.api_key(Role::Admin).await;
    let stream = id_of(&admin.create_stream(json!({"tags": ["before"]})).await);

    let mut clients = tokio::task::JoinSet::new();
    for n in 0..6 {
        let (caller, stream) = (admin.clone(), stream.clone());
        clients.spawn(async move {
            let res = caller
                .put(
                    &format!("/api/v1/streams/{stream}/tags"),
                    json!({"tags": [format!("t{n}")]}),
                )
                .await;
            (res.status().as_u16(), format!("t{n}"))
        });
    }
    let deleted = admin.delete(&path(&stream)).await.status().as_u16();
    let outcomes = clients.join_all().await;

    assert_eq!(deleted, 204);
    assert!(
        outcomes.iter().all(|(s, _)| *s == 200 || *s == 409),
        "{outcomes:?}"
    );
    let after = fetch(&admin, &stream).await;
    assert_eq!(after["state"], "deleted");
    // The tags are those of the last change that landed before the delete, if any.
    let landed: Vec<&String> = outcomes
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, t)| t)
        .collect();
    let tag = after["tags"][0].as_str().expect("a tag").to_string();
    assert!(tag == "before" || landed.contains(&&tag), "{after}");
    assert_eq!(after["tags"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn health_is_null_and_its_history_empty_for_every_role_while_a_stream_is_not_live() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(&app.admin).await;
    let stream = admin.create_stream(json!({})).await;
    let id = id_of(&stream);
    assert_eq!(stream["health"], Value::Null);

    for (label, _, caller) in app.every_caller().await {
        let res = caller.get(&format!("{}/health", path(&id))).await;
        assert_eq!(res.status().as_u16(), 200, "{label}");
        assert_eq!(
            body(res).await,
            json!({"current": null, "samples": []}),
            "{label}"
        );
        let listed = body(caller.get("/api/v1/streams").await).await;
        assert_eq!(listed["items"][0]["health"], Value::Null, "{label}");
    }
    let res = admin
        .get(&format!(
            "{}/health",
            path(&uuid::Uuid::new_v4().to_string())
        ))
        .await;
    assert_error(res, 404, "not_found").await;
}
