//! The demo organisation of `castboard serve --demo`: created once, every feature on,
//! with an admin whose generated password is kept so it can be printed at every start,
//! and about 200 sample streams (groups of 2–4 playouts, tags, every state, updates
//! over the last 100 days, recordings); and the one demo stream that `serve` keeps live
//! with a test source while it runs its media server.

use crate::secrets;
use crate::state::Settings;
use crate::store::{ListFilter, NewGroup, NewMember, StreamRecord};
use crate::store::{Store, StoreError};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use shared::model::Feature;
use shared::model::RecordingAsset;
use shared::stream::{presets, Processing, StreamState, Tags, Timecode};
use shared::validate::OrgHash;
use shared::validate::{Email, OrgName};
use shared::Timestamp;
use uuid::Uuid;

/// Sign-in of the demo admin.
pub const DEMO_EMAIL: &str = "admin@demo.castboard.test";
const ORG_KEY: &str = "demo_org_id";
const PASSWORD_KEY: &str = "demo_admin_password";
/// Settings key of the demo stream kept live by a test source (chosen once).
const TEST_SOURCE_KEY: &str = "demo_test_source_stream";

/// What `serve --demo` prints.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub org_hash: String,
    pub org_id: Uuid,
    /// Whether this start created it.
    pub created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// Creates the demo organisation unless it exists; returns its login either way.
pub async fn ensure(store: &Store, settings: &Settings) -> Result<DemoLogin, DemoError> {
    let existing = store.setting(ORG_KEY).await?;
    if let (Some(id), Some(password)) = (existing, store.setting(PASSWORD_KEY).await?) {
        let id = Uuid::parse_str(&id)
            .map_err(|_| DemoError::Other("stored demo organisation id is not a UUID".into()))?;
        let org = store.organisation(id).await?;
        return Ok(DemoLogin {
            email: DEMO_EMAIL.into(),
            password,
            org_hash: org.hash.to_string(),
            org_id: org.id,
            created: false,
        });
    }
    // Readable and long enough; random so no two installations share it.
    let password = format!(
        "demo-{}",
        Alphanumeric.sample_string(&mut rand::thread_rng(), 12)
    );
    let hash = secrets::hash_password(&password)
        .await
        .map_err(|e| DemoError::Other(e.to_string()))?;
    let name = OrgName::parse("Castboard Demo").map_err(DemoError::Other)?;
    let email = Email::parse(DEMO_EMAIL).map_err(DemoError::Other)?;
    let (org, _) = store.create_organisation(&name, &email, &hash).await?;
    for feature in Feature::ALL {
        store.set_feature(&org.hash, feature, true).await?;
    }
    seed_streams(store, settings, org.id, &org.hash).await?;
    store
        .setting_or_insert(PASSWORD_KEY, || password.clone())
        .await?;
    store
        .setting_or_insert(ORG_KEY, || org.id.to_string())
        .await?;
    Ok(DemoLogin {
        email: DEMO_EMAIL.into(),
        password,
        org_hash: org.hash.to_string(),
        org_id: org.id,
        created: true,
    })
}

/// The demo stream that a test source keeps live while `serve --demo` runs: the
/// passthrough of the demo's most recently updated ended group, chosen at the first start
/// that asks (demo databases made before test sources included) and the same one from
/// then on. `None` when the demo has no ended stream left to choose.
pub async fn test_source_stream(
    store: &Store,
    org_id: Uuid,
) -> Result<Option<StreamRecord>, DemoError> {
    let id = match store.setting(TEST_SOURCE_KEY).await? {
        Some(id) => id,
        None => {
            let ended = ListFilter {
                states: vec![StreamState::Ended],
                tags: vec![],
                from: None,
                to: None,
                grouped: true,
                offset: 0,
                limit: 1,
            };
            let (first, _) = store.list_streams(org_id, &ended).await?;
            let Some(chosen) = first.into_iter().next() else {
                return Ok(None);
            };
            // Should two starts race, both read back the one stored first.
            store
                .setting_or_insert(TEST_SOURCE_KEY, || chosen.id.to_string())
                .await?
        }
    };
    let id = Uuid::parse_str(&id)
        .map_err(|_| DemoError::Other("stored demo test stream id is not a UUID".into()))?;
    match store.stream(org_id, id).await {
        Ok(stream) => Ok(Some(stream)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Groups of the demo organisation; with their transcodes about 200 streams.
const DEMO_GROUPS: usize = 120;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Tags as operators use them: topics, `key:value` pairs and paths.
const TOPICS: [&str; 12] = [
    "sport",
    "news",
    "concert",
    "webinar",
    "esports",
    "church",
    "auction",
    "conference",
    "training",
    "town-hall",
    "podcast",
    "gaming",
];
const REGIONS: [&str; 4] = ["region:eu", "region:us", "region:apac", "region:latam"];
const CUSTOMERS: [&str; 6] = [
    "customer:acme",
    "customer:globex",
    "customer:initech",
    "customer:umbrella",
    "customer:hooli",
    "customer:stark",
];
const PATHS: [&str; 3] = ["events/2026", "studio/a", "studio/b"];

async fn seed_streams(
    store: &Store,
    settings: &Settings,
    org_id: Uuid,
    hash: &OrgHash,
) -> Result<(), DemoError> {
    let now = crate::store::now_millis();
    let ladders = demo_ladders();
    let mut groups = Vec::with_capacity(DEMO_GROUPS);
    // Seeded: every installation gets the same mix of states, groups and tags.
    let mut rng = StdRng::seed_from_u64(2026);
    for _ in 0..DEMO_GROUPS {
        let created_at = now - rng.gen_range(0..100 * DAY_MS);
        let updated_at = rng.gen_range(created_at..=now);
        // Mostly finished or waiting streams, a few locked or deleted. None is live: a
        // stream is live only while an encoder sends (the demo's live stream gets a test
        // source once the media server runs).
        let state = match rng.gen_range(0..100) {
            0..=29 | 55..=74 => StreamState::Ended,
            30..=54 => StreamState::Created,
            75..=89 => StreamState::Locked,
            _ => StreamState::Deleted,
        };
        let ever_live = match state {
            StreamState::Created => false,
            StreamState::Locked | StreamState::Deleted => rng.gen_bool(0.7),
            _ => true,
        };
        let mut tags: Vec<&str> = vec![TOPICS.choose(&mut rng).copied().unwrap_or("news")];
        if rng.gen_bool(0.7) {
            tags.push(REGIONS.choose(&mut rng).copied().unwrap_or("region:eu"));
        }
        if rng.gen_bool(0.5) {
            tags.push(
                CUSTOMERS
                    .choose(&mut rng)
                    .copied()
                    .unwrap_or("customer:acme"),
            );
        }
        if rng.gen_bool(0.2) {
            tags.push(PATHS.choose(&mut rng).copied().unwrap_or("studio/a"));
        }
        let tags = Tags::parse(&tags).map_err(DemoError::Other)?;
        // About 40% are ABR groups of 2 to 4 playouts.
        let transcodes = if rng.gen_bool(0.4) {
            rng.gen_range(1..=3)
        } else {
            0
        };
        let ladder = ladders.choose(&mut rng).cloned().unwrap_or_default();
        let mut processing = Processing::default();
        processing.thumbnails.enabled = rng.gen_bool(0.5);
        processing.recording.enabled = rng.gen_bool(0.4);
        let mut members = vec![NewMember {
            profile: None,
            tags,
            processing,
        }];
        for (i, profile) in ladder.into_iter().take(transcodes).enumerate() {
            let member_tag = if i == 0 {
                "1. Transcode"
            } else if i == 1 {
                "2. Transcode"
            } else {
                "3. Transcode"
            };
            members.push(NewMember {
                profile: Some(profile),
                tags: Tags::parse(&[member_tag]).map_err(DemoError::Other)?,
                processing,
            });
        }
        groups.push(NewGroup {
            members,
            timecode: Timecode::new(rng.gen_bool(0.3), 2000).map_err(DemoError::Other)?,
            push_url: None,
            state,
            ever_live,
            created_at,
            updated_at,
        });
    }
    let ids = store.seed_groups(org_id, hash, &groups).await?;
    // Recordings for streams that were live with recording on: one to three sessions.
    for (id, group) in ids.iter().zip(&groups) {
        if !group.ever_live || !group.members[0].processing.recording.enabled {
            continue;
        }
        let sessions = rng.gen_range(1..=3);
        for s in 0..sessions {
            let start = rng.gen_range(group.created_at..=group.updated_at);
            let duration_s: u32 = rng.gen_range(120..=7200);
            let file_name = format!("{}-{}.mp4", id.simple(), s + 1);
            store
                .add_recording(
                    *id,
                    &RecordingAsset {
                        session_start: Timestamp::from_millis(start)
                            .unwrap_or(Timestamp::from(chrono::Utc::now())),
                        url: settings.vod_url(&file_name),
                        file_name,
                        size_bytes: u64::from(duration_s) * rng.gen_range(250_000..=600_000),
                        duration_s: Some(duration_s),
                    },
                )
                .await?;
        }
    }
    Ok(())
}

/// Transcode ladders with strictly falling bitrates, from the presets.
fn demo_ladders() -> Vec<Vec<shared::stream::Profile>> {
    let by_id = |id: &str| presets().into_iter().find(|p| p.id == id);
    [
        [
            "vtrans2-1280x720x1600x25",
            "vtrans2-852x480x800x25",
            "vtrans2-640x360x400x25",
        ],
        [
            "vtrans2-1280x720x2000x30",
            "vtrans2-852x480x800x30",
            "vtrans2-426x240x200x15",
        ],
        [
            "vtrans2-1280x720x1200x25",
            "vtrans2-852x480x640x25",
            "vtrans2-480x270x250x15",
        ],
    ]
    .iter()
    .map(|ladder| ladder.iter().filter_map(|id| by_id(id)).collect())
    .collect()
}
