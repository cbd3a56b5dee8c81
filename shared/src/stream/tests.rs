//! Tests of the stream vocabulary.

use super::*;
use crate::time::Timestamp;
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("valid")
        .with_timezone(&Utc)
}

#[test]
fn date_presets_on_a_wednesday() {
    let now = at("2026-11-25T13:45:00Z"); // a Wednesday
    let r = |p: DatePreset| {
        let (a, b) = p.range(now);
        (
            Timestamp::from(a).to_string(),
            Timestamp::from(b).to_string(),
        )
    };
    let tomorrow = "2026-11-26T00:00:00.000Z".to_string();
    assert_eq!(
        r(DatePreset::Today),
        ("2026-11-25T00:00:00.000Z".into(), tomorrow.clone())
    );
    assert_eq!(
        r(DatePreset::Yesterday),
        (
            "2026-11-24T00:00:00.000Z".into(),
            "2026-11-25T00:00:00.000Z".into()
        )
    );
    assert_eq!(
        r(DatePreset::ThisWeek),
        ("2026-11-23T00:00:00.000Z".into(), tomorrow.clone())
    );
    assert_eq!(
        r(DatePreset::ThisMonth),
        ("2026-11-01T00:00:00.000Z".into(), tomorrow.clone())
    );
    assert_eq!(
        r(DatePreset::PastMonth),
        (
            "2026-10-01T00:00:00.000Z".into(),
            "2026-11-01T00:00:00.000Z".into()
        )
    );
    assert_eq!(
        r(DatePreset::Last3Months),
        ("2026-08-27T13:45:00.000Z".into(), tomorrow)
    );
}

#[test]
fn date_presets_at_year_and_week_edges() {
    let monday = at("2027-01-04T00:00:00Z");
    assert_eq!(DatePreset::ThisWeek.range(monday).0, monday);
    let new_year = at("2027-01-01T08:00:00Z"); // a Friday
    assert_eq!(
        DatePreset::PastMonth.range(new_year),
        (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
    );
    assert_eq!(
        DatePreset::ThisWeek.range(new_year).0,
        at("2026-12-28T00:00:00Z")
    );
    assert_eq!(
        DatePreset::Yesterday.range(new_year),
        (at("2026-12-31T00:00:00Z"), at("2027-01-01T00:00:00Z"))
    );
}

#[test]
fn the_state_machine_allows_exactly_the_table() {
    use StreamAction::*;
    use StreamState::*;
    let allowed = [
        (Created, Publish, Live),
        (Ended, Publish, Live),
        (Live, PublishDone, Ended),
        (Live, Lock, Locked),
        (Created, Lock, Locked),
        (Ended, Lock, Locked),
        (Created, Delete, Deleted),
        (Live, Delete, Deleted),
        (Ended, Delete, Deleted),
        (Locked, Delete, Deleted),
    ];
    for from in StreamState::ALL {
        for action in [Publish, PublishDone, Lock, Unlock, Delete] {
            let expected = if action == Unlock {
                (from == Locked).then_some(Ended)
            } else {
                allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to)
            };
            assert_eq!(from.after(action, true), expected, "{from} {action:?}");
        }
    }
    assert_eq!(Locked.after(Unlock, false), Some(Created));
}

#[test]
fn lookups() {
    assert_eq!(
        StreamLookup::parse("7c1e2b3a-0000-4000-8000-00000000abcd"),
        Ok(StreamLookup::Id(
            "7c1e2b3a-0000-4000-8000-00000000abcd".into()
        ))
    );
    assert_eq!(
        StreamLookup::parse("7C1E2B3A-0000-4000-8000-00000000ABCD"),
        Ok(StreamLookup::Id(
            "7C1E2B3A-0000-4000-8000-00000000ABCD".into()
        ))
    );
    assert!(matches!(
        StreamLookup::parse("HX26g-NRbx9"),
        Ok(StreamLookup::Name(_))
    ));
    for bad in [
        "",
        "HX26g",
        "HX26g-NRbx",
        "HX26g_NRbx9",
        "HX26g-NRbx9 ",
        "7c1e2b3a00004000800000000000abcd",
    ] {
        assert!(StreamLookup::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn tags_trim_collapse_and_bound() {
    let t = Tags::parse(&[" sport ", "sport", "news", "a/b", "k:v"]).expect("valid");
    let v: Vec<String> = t.into();
    assert_eq!(v, vec!["sport", "news", "a/b", "k:v"]);
    assert_eq!(
        Tags::parse(&["ok", "  "]),
        Err("tag 2 must not be empty".into())
    );
    let many: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();
    assert_eq!(Tags::parse(&many), Err("must hold at most 32 tags".into()));
    assert!(Tags::parse(&many[..32]).is_ok());
    // 33 entries that collapse to 32 are fine.
    let mut dup = many[..32].to_vec();
    dup.push("t0".into());
    assert_eq!(Tags::parse(&dup).map(|t| t.len()), Ok(32));
    assert!(Tag::parse(&"é".repeat(64)).is_ok());
    assert!(Tag::parse(&"é".repeat(65)).is_err());
}

#[test]
fn timecode_bounds_and_defaults() {
    assert!(Timecode::new(true, 499).is_err());
    assert!(Timecode::new(true, 500).is_ok());
    assert!(Timecode::new(true, 3_600_000).is_ok());
    assert!(Timecode::new(true, 3_600_001).is_err());
    let t: Timecode = serde_json::from_str(r#"{"enabled": true}"#).expect("valid");
    assert_eq!(
        t,
        Timecode {
            enabled: true,
            interval_ms: 2000
        }
    );
    let e = serde_json::from_str::<Timecode>(r#"{"interval_ms": 100}"#).map_err(|e| e.to_string());
    assert_eq!(
        e,
        Err("interval_ms must be between 500 and 3600000 milliseconds".into())
    );
}

#[test]
fn profiles_and_ladder() {
    assert_eq!(
        Profile::preset("vtrans2-852x480x800x25").map(|p| p.bitrate_kbps),
        Some(800)
    );
    assert!(Profile::preset("vtrans2-1x1x1x1").is_none());
    assert_eq!(
        Profile::custom(640, 360, 400, 25).map(|p| p.id),
        Ok("vtrans2-640x360x400x25".into())
    );
    let e = Profile::custom(8, 360, 60_000, 25).expect_err("out of bounds");
    assert_eq!(e.keys().collect::<Vec<_>>(), vec!["bitrate_kbps", "width"]);
    assert_eq!(ladder_violation(&[1600, 800, 400]), None);
    assert_eq!(ladder_violation(&[1600, 1600]), Some(1));
    assert_eq!(ladder_violation(&[800, 400, 600]), Some(2));
    assert_eq!(ladder_violation(&[]), None);
    assert!(presets().iter().all(|p| Profile::custom(
        p.width,
        p.height,
        p.bitrate_kbps,
        p.framerate
    )
    .as_ref()
        == Ok(p)));
}

#[test]
fn processing_patches_merge_per_process() {
    let base = Processing::default();
    let patch: ProcessingPatch = serde_json::from_str(
        r#"{"thumbnails": {"enabled": true}, "recording": {"duration_s": 600}}"#,
    )
    .expect("valid");
    let p = base.apply(&patch).expect("in bounds");
    assert_eq!(
        p.thumbnails,
        Thumbnails {
            enabled: true,
            interval_s: 30
        }
    );
    assert_eq!(
        p.recording,
        Recording {
            enabled: false,
            duration_s: Some(600)
        }
    );
    assert_eq!(p.motion_clips, MotionClips::default());
    let back: ProcessingPatch =
        serde_json::from_str(r#"{"recording": {"duration_s": null}}"#).expect("valid");
    assert_eq!(p.apply(&back).map(|q| q.recording.duration_s), Ok(None));
    assert_eq!(patch.enables().collect::<Vec<_>>(), vec!["thumbnails"]);
}

#[test]
fn processing_bounds_on_both_sides() {
    let p = |json: &str| {
        let patch: ProcessingPatch = serde_json::from_str(json).expect("parses");
        Processing::default().apply(&patch)
    };
    assert!(p(r#"{"thumbnails": {"interval_s": 10}}"#).is_ok());
    assert!(p(r#"{"thumbnails": {"interval_s": 3600}}"#).is_ok());
    let e = p(r#"{"thumbnails": {"interval_s": 9}, "motion_clips": {"duration_s": 61}, "replay": {"duration_s": 0}}"#)
        .expect_err("out of bounds");
    assert_eq!(
        e,
        BTreeMap::from([
            (
                "motion_clips.duration_s".to_string(),
                "must be between 1 and 60 seconds".to_string()
            ),
            (
                "replay.duration_s".to_string(),
                "must be at least 1 second, or null for the whole stream".to_string()
            ),
            (
                "thumbnails.interval_s".to_string(),
                "must be between 10 and 3600 seconds".to_string()
            ),
        ])
    );
    assert!(p(r#"{"motion_clips": {"interval_s": 3601}}"#).is_err());
    assert!(p(r#"{"motion_clips": {"duration_s": 1, "interval_s": 10}}"#).is_ok());
    assert!(serde_json::from_str::<ProcessingPatch>(r#"{"thumbs": {}}"#).is_err());
}

#[test]
fn date_presets_are_written_as_they_are_read() {
    for d in DatePreset::ALL {
        let json = serde_json::to_value(d).expect("serialises");
        assert_eq!(json, serde_json::Value::from(d.as_str()));
        assert_eq!(serde_json::from_value::<DatePreset>(json).ok(), Some(d));
    }
}

#[test]
fn per_page_values() {
    for n in [25, 50, 100, 150] {
        assert_eq!(PerPage::new(n).map(PerPage::get), Ok(n));
    }
    for n in [0, 10, 24, 26, 200] {
        assert!(PerPage::new(n).is_err());
    }
}

#[test]
fn only_created_and_ended_streams_may_be_published_to() {
    use StreamState::*;
    let may: Vec<StreamState> = [Created, Live, Ended, Locked, Deleted]
        .into_iter()
        .filter(|s| s.may_publish())
        .collect();
    assert_eq!(may, vec![Created, Ended]);
}

#[test]
fn test_source_durations_are_one_second_to_ten_minutes() {
    for n in [1, 60, 600] {
        assert_eq!(
            TestSourceDuration::new(n).map(TestSourceDuration::secs),
            Ok(n)
        );
    }
    for n in [0, 601, u32::MAX] {
        assert_eq!(
            TestSourceDuration::new(n),
            Err("must be between 1 and 600 seconds".to_string())
        );
    }
    assert_eq!(TestSourceDuration::default().secs(), 60);
    let absent: TestSourceDuration = serde_json::from_str("60").expect("a duration");
    assert_eq!(absent, TestSourceDuration::default());
    assert!(serde_json::from_str::<TestSourceDuration>("0").is_err());
}

proptest! {
    #[test]
    fn streamnames_are_exactly_five_dash_five(s in "\\PC{0,14}") {
        let b = s.as_bytes();
        let expected = b.len() == 11 && b[5] == b'-' && b.iter().enumerate().all(|(i, c)| i == 5 || c.is_ascii_alphanumeric());
        prop_assert_eq!(StreamName::parse(&s).is_ok(), expected);
    }

    #[test]
    fn the_streamname_pattern_is_parse(s in "[A-Za-z0-9_-]{0,3}|[A-Za-z0-9é_-]{4,6}-?[A-Za-z0-9é_-]{4,6}") {
        let pattern = regex::Regex::new(StreamName::PATTERN).expect("valid");
        prop_assert_eq!(pattern.is_match(&s), StreamName::parse(&s).is_ok());
    }

    #[test]
    fn the_lookup_pattern_is_parse(s in "[0-9a-fA-Fg-]{36}|[0-9a-f]{8}-[0-9a-fA-F]{4}-[0-9a-f-]{4}-[0-9A-F]{4}-[0-9a-f]{11,13}|[A-Za-z0-9_-]{11}") {
        let pattern = regex::Regex::new(StreamLookup::PATTERN).expect("valid");
        prop_assert_eq!(pattern.is_match(&s), StreamLookup::parse(&s).is_ok());
    }

    #[test]
    fn generated_streamnames_parse(h in "[A-Za-z0-9]{5}", n in "[A-Za-z0-9]{5}") {
        let name = StreamName::parse(&format!("{h}-{n}")).expect("valid");
        prop_assert_eq!(name.org_hash(), h.as_str());
    }

    #[test]
    fn tags_are_trimmed_and_bounded(s in "\\PC{0,80}") {
        let t = s.trim();
        let n = t.chars().count();
        match Tag::parse(&s) {
            Ok(tag) => {
                prop_assert_eq!(tag.as_str(), t);
                prop_assert!((1..=64).contains(&n));
            }
            Err(_) => prop_assert!(n == 0 || n > 64 || t.chars().any(char::is_control)),
        }
    }

    #[test]
    fn tag_lists_keep_first_occurrences_in_order(v in proptest::collection::vec("[a-c]{1,2}", 0..40)) {
        if let Ok(tags) = Tags::parse(&v) {
            let out: Vec<String> = tags.into();
            let mut seen = Vec::new();
            for s in &v {
                if !seen.contains(s) {
                    seen.push(s.clone());
                }
            }
            prop_assert_eq!(out, seen);
        }
    }

    #[test]
    fn timecode_accepts_exactly_its_range(ms in 0u32..4_000_000) {
        prop_assert_eq!(Timecode::new(false, ms).is_ok(), (500..=3_600_000).contains(&ms));
    }

    #[test]
    fn date_ranges_are_nonempty_and_hold_now_when_current(secs in 1_600_000_000i64..2_000_000_000) {
        let now = Utc.timestamp_opt(secs, 0).single().expect("in range");
        for p in DatePreset::ALL {
            let (from, to) = p.range(now);
            prop_assert!(from < to);
            let current = !matches!(p, DatePreset::Yesterday | DatePreset::PastMonth);
            prop_assert_eq!(from <= now && now < to, current, "{:?}", p);
        }
    }

    #[test]
    fn ladder_violation_finds_the_first_non_decrease(v in proptest::collection::vec(1u32..5000, 0..6)) {
        match ladder_violation(&v) {
            None => prop_assert!(v.windows(2).all(|w| w[1] < w[0])),
            Some(i) => {
                prop_assert!(v[i] >= v[i - 1]);
                prop_assert!(v[..i].windows(2).all(|w| w[1] < w[0]));
            }
        }
    }
}
