//! Streams and stream groups: creation, reads, changes, state transitions, members,
//! and the tag postings and counts that follow every change.

use super::{bind_all, now_millis, Bind, Store, StoreError, StoreResult};
use rand::distributions::{Alphanumeric, DistString};
use shared::model::{AssetRef, RecordingAsset, ReplaySession};
use shared::stream::{Processing, Profile, StreamName, StreamState, Tag, Tags, Timecode};
use shared::validate::OrgHash;
use shared::Timestamp;
use std::collections::HashMap;
use uuid::Uuid;

/// One stream row, as the rest of the server sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: StreamName,
    pub group_id: Uuid,
    pub index: u32,
    pub state: StreamState,
    pub ever_live: bool,
    pub profile: Option<Profile>,
    pub tags: Tags,
    pub push_url: Option<String>,
    pub timecode: Timecode,
    pub processing: Processing,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub last_seen_at: Option<Timestamp>,
    pub cut_requested_at: Option<Timestamp>,
    pub thumbnail: Option<AssetRef>,
    pub motion_clip: Option<AssetRef>,
}

/// A member to create.
#[derive(Debug, Clone)]
pub struct NewMember {
    /// `None` for the passthrough.
    pub profile: Option<Profile>,
    pub tags: Tags,
    pub processing: Processing,
}

/// A group to create: passthrough first. State and times are given so demo data and
/// benchmarks can seed history; the API creates `created` streams at the current time.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub members: Vec<NewMember>,
    pub timecode: Timecode,
    pub push_url: Option<String>,
    pub state: StreamState,
    pub ever_live: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Changes to one stream (`PATCH /streams/{id}`); `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct StreamChange {
    pub tags: Option<Tags>,
    pub push_url: Option<Option<String>>,
    /// Applies to the whole group (timecode is a property of the ingest).
    pub timecode: Option<Timecode>,
    pub processing: Option<Processing>,
    /// Also give `processing` to every other member of the group.
    pub sync_processing: bool,
}

/// What a state change does besides the state.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransitionEffects {
    /// Mark the group as having been live (publish).
    pub went_live: bool,
    /// Record that a running ingest must be cut (lock while live).
    pub cut_ingest: bool,
    /// Clear a recorded cut request (the ingest stopped or the stream was unlocked).
    pub clear_cut: bool,
    /// Refresh the last-seen time (publish).
    pub seen: bool,
}

pub(super) const STREAM_COLUMNS: &str = "id, org_id, name, group_id, idx, state, ever_live, profile_id, width, height, \
     bitrate_kbps, framerate, tags, push_url, timecode_enabled, timecode_interval_ms, processing, created_at, updated_at, \
     last_seen_at, cut_requested_at, thumbnail_url, thumbnail_at, motion_clip_url, motion_clip_at";

#[derive(sqlx::FromRow)]
pub(super) struct StreamRow {
    id: String,
    org_id: String,
    name: String,
    group_id: String,
    idx: i64,
    state: String,
    ever_live: bool,
    profile_id: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    bitrate_kbps: Option<i64>,
    framerate: Option<i64>,
    tags: String,
    push_url: Option<String>,
    timecode_enabled: bool,
    timecode_interval_ms: i64,
    processing: String,
    created_at: i64,
    updated_at: i64,
    last_seen_at: Option<i64>,
    cut_requested_at: Option<i64>,
    thumbnail_url: Option<String>,
    thumbnail_at: Option<i64>,
    motion_clip_url: Option<String>,
    motion_clip_at: Option<i64>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn id(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| corrupt("stream id"))
}

fn time(ms: i64) -> StoreResult<Timestamp> {
    Timestamp::from_millis(ms).ok_or_else(|| corrupt("stream time"))
}

fn u32_of(v: i64, what: &str) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| corrupt(what))
}

impl TryFrom<StreamRow> for StreamRecord {
    type Error = StoreError;
    fn try_from(r: StreamRow) -> StoreResult<StreamRecord> {
        let profile = match (r.profile_id, r.width, r.height, r.bitrate_kbps, r.framerate) {
            (Some(pid), Some(w), Some(h), Some(b), Some(f)) => Some(Profile {
                id: pid,
                width: u32_of(w, "width")?,
                height: u32_of(h, "height")?,
                bitrate_kbps: u32_of(b, "bitrate")?,
                framerate: u32_of(f, "framerate")?,
            }),
            _ => None,
        };
        let tag_list: Vec<String> = serde_json::from_str(&r.tags).map_err(|_| corrupt("tags"))?;
        let asset = |url: Option<String>, at: Option<i64>| -> StoreResult<Option<AssetRef>> {
            match (url, at) {
                (Some(url), Some(at)) => Ok(Some(AssetRef {
                    url,
                    updated_at: time(at)?,
                })),
                _ => Ok(None),
            }
        };
        Ok(StreamRecord {
            id: id(&r.id)?,
            org_id: id(&r.org_id)?,
            name: StreamName::parse(&r.name).map_err(|_| corrupt("stream name"))?,
            group_id: id(&r.group_id)?,
            index: u32_of(r.idx, "idx")?,
            state: r.state.parse().map_err(|_| corrupt("state"))?,
            ever_live: r.ever_live,
            profile,
            tags: Tags::parse(&tag_list).map_err(|_| corrupt("tags"))?,
            push_url: r.push_url,
            timecode: Timecode::new(
                r.timecode_enabled,
                u32_of(r.timecode_interval_ms, "timecode")?,
            )
            .map_err(|_| corrupt("timecode"))?,
            processing: serde_json::from_str(&r.processing).map_err(|_| corrupt("processing"))?,
            created_at: time(r.created_at)?,
            updated_at: time(r.updated_at)?,
            last_seen_at: r.last_seen_at.map(time).transpose()?,
            cut_requested_at: r.cut_requested_at.map(time).transpose()?,
            thumbnail: asset(r.thumbnail_url, r.thumbnail_at)?,
            motion_clip: asset(r.motion_clip_url, r.motion_clip_at)?,
        })
    }
}

pub(super) fn records(rows: Vec<StreamRow>) -> StoreResult<Vec<StreamRecord>> {
    rows.into_iter().map(StreamRecord::try_from).collect()
}

fn tags_json(tags: &Tags) -> String {
    let list: Vec<&str> = tags.iter().map(Tag::as_str).collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

fn processing_json(p: &Processing) -> String {
    serde_json::to_string(p).unwrap_or_else(|_| "{}".into())
}

/// Name collisions are retried this many times (62^5 names per organisation).
const NAME_ATTEMPTS: usize = 50;

type Tx = super::WriteTx;

impl Store {
    /// Creates a group (passthrough first, then transcodes) in one transaction, giving
    /// each member a fresh streamname of the organisation.
    pub async fn create_group(
        &self,
        org_id: Uuid,
        hash: &OrgHash,
        group: &NewGroup,
    ) -> StoreResult<Vec<StreamRecord>> {
        let mut tx = self.write().await?;
        let group_id = insert_group(&mut tx, org_id, hash, group).await?;
        let rows: Vec<StreamRow> = run!(
            tx,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE group_id = $1 ORDER BY idx"
            ))
            .bind(group_id.to_string())
        )?;
        tx.commit().await?;
        records(rows)
    }

    /// Creates many groups in one transaction (demo data, benchmark seeding).
    pub async fn seed_groups(
        &self,
        org_id: Uuid,
        hash: &OrgHash,
        groups: &[NewGroup],
    ) -> StoreResult<Vec<Uuid>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(groups.len());
        for group in groups {
            ids.push(insert_group(&mut tx, org_id, hash, group).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// One stream of the organisation by id.
    pub async fn stream(&self, org_id: Uuid, id: Uuid) -> StoreResult<StreamRecord> {
        let row: Option<StreamRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE id = $1 AND org_id = $2"
            ))
            .bind(id.to_string())
            .bind(org_id.to_string())
        )?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// A stream by id, in any organisation (players know only the id they play).
    pub async fn stream_by_id(&self, id: Uuid) -> StoreResult<Option<StreamRecord>> {
        let row: Option<StreamRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE id = $1"
            ))
            .bind(id.to_string())
        )?;
        row.map(StreamRecord::try_from).transpose()
    }

    /// A stream by exact name, in any organisation (the ingest hooks know only names).
    pub async fn stream_by_name(&self, name: &str) -> StoreResult<Option<StreamRecord>> {
        let row: Option<StreamRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE name = $1"
            ))
            .bind(name)
        )?;
        row.map(StreamRecord::try_from).transpose()
    }

    /// Every member of a group, passthrough first.
    pub async fn members(&self, group_id: Uuid) -> StoreResult<Vec<StreamRecord>> {
        let rows: Vec<StreamRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE group_id = $1 ORDER BY idx"
            ))
            .bind(group_id.to_string())
        )?;
        records(rows)
    }

    /// The streamnames of streams of organisation `org`, by id (ids of other
    /// organisations' streams, or of none, are left out).
    pub async fn stream_names(
        &self,
        org: Uuid,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, StreamName>> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let placeholders: Vec<String> = (2..=ids.len() + 1).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, name FROM streams WHERE org_id = $1 AND id IN ({})",
            placeholders.join(", ")
        );
        let binds: Vec<Bind> = std::iter::once(org)
            .chain(ids.iter().copied())
            .map(|id| Bind::Text(id.to_string()))
            .collect();
        let rows: Vec<(String, String)> =
            run!(self.pool, fetch_all, bind_all(sqlx::query_as(&sql), &binds))?;
        for (id, name) in rows {
            let name = StreamName::parse(&name)
                .map_err(|_| StoreError::Corrupt(format!("name of stream {id}")))?;
            out.insert(self::id(&id)?, name);
        }
        Ok(out)
    }

    /// Members of several groups at once (a list page), each group passthrough first.
    pub async fn members_of(
        &self,
        group_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<StreamRecord>>> {
        let mut out: HashMap<Uuid, Vec<StreamRecord>> = HashMap::new();
        if group_ids.is_empty() {
            return Ok(out);
        }
        let placeholders: Vec<String> = (1..=group_ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {STREAM_COLUMNS} FROM streams WHERE group_id IN ({}) ORDER BY group_id, idx",
            placeholders.join(", ")
        );
        let binds: Vec<Bind> = group_ids
            .iter()
            .map(|g| Bind::Text(g.to_string()))
            .collect();
        let rows: Vec<StreamRow> =
            run!(self.pool, fetch_all, bind_all(sqlx::query_as(&sql), &binds))?;
        for rec in records(rows)? {
            out.entry(rec.group_id).or_default().push(rec);
        }
        Ok(out)
    }

    /// Changes one stream (and the group where the change is group-wide): `decide` sees
    /// the stream as it is inside the write transaction and returns the change, or refuses
    /// (nothing is written). Rules checked there hold when the change commits, whatever
    /// other writers do meanwhile; a merge (processing) starts from the current value.
    pub async fn update_stream<E: From<StoreError>>(
        &self,
        org_id: Uuid,
        stream_id: Uuid,
        decide: impl FnOnce(&StreamRecord) -> Result<StreamChange, E>,
    ) -> Result<(), E> {
        let mut tx = self.write().await?;
        let current = current_stream(&mut tx, org_id, stream_id).await?;
        let change = decide(&current)?;
        apply_change(&mut tx, &current, &change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves the whole group from `from` to `to` if it still is in `from` (compare and
    /// set, so two racing changes cannot both apply): the group's members as the move
    /// left them (passthrough first), or `None` when the state had moved on.
    pub async fn transition_group(
        &self,
        group_id: Uuid,
        from: StreamState,
        to: StreamState,
        effects: TransitionEffects,
    ) -> StoreResult<Option<Vec<StreamRecord>>> {
        let mut tx = self.write().await?;
        let before = count_keys(&mut tx, "group_id", group_id).await?;
        // Strictly later than any member's last update, so the list order follows changes.
        let now = before
            .iter()
            .map(|k| k.updated_at + 1)
            .fold(now_millis(), i64::max);
        let mut sql = String::from("UPDATE streams SET state = $1, updated_at = $2");
        if effects.went_live {
            sql.push_str(", ever_live = TRUE");
        }
        if effects.cut_ingest {
            sql.push_str(", cut_requested_at = $2");
        }
        if effects.clear_cut {
            sql.push_str(", cut_requested_at = NULL");
        }
        if effects.seen {
            sql.push_str(", last_seen_at = $2");
        }
        sql.push_str(" WHERE group_id = $3 AND state = $4");
        let done = run!(
            tx,
            execute,
            sqlx::query(&sql)
                .bind(to.as_str())
                .bind(now)
                .bind(group_id.to_string())
                .bind(from.as_str())
        )?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        for key in &before {
            recount(
                &mut tx,
                &key.org_id,
                key.is_head,
                Some((key.state()?, key.updated_at)),
                Some((to, now)),
            )
            .await?;
        }
        run!(
            tx,
            execute,
            sqlx::query(
                "UPDATE stream_tags SET state = $1, updated_at = $2 \
             WHERE stream_id IN (SELECT id FROM streams WHERE group_id = $3)",
            )
            .bind(to.as_str())
            .bind(now)
            .bind(group_id.to_string())
        )?;
        // Deleted streams leave the tag counts.
        if to == StreamState::Deleted {
            let rows: Vec<(String, String)> = run!(tx, fetch_all, sqlx::query_as(
                "SELECT t.org_id, t.tag FROM stream_tags t JOIN streams s ON s.id = t.stream_id WHERE s.group_id = $1",
            )
            .bind(group_id.to_string()))?;
            for (org, tag) in rows {
                decrement_tag(&mut tx, &org, &tag).await?;
            }
        }
        let moved: Vec<StreamRow> = run!(
            tx,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE group_id = $1 ORDER BY idx"
            ))
            .bind(group_id.to_string())
        )?;
        tx.commit().await?;
        records(moved).map(Some)
    }

    /// A running ingest reported in (update_publish).
    pub async fn mark_seen(&self, stream_id: Uuid) -> StoreResult<()> {
        run!(
            self.pool,
            execute,
            sqlx::query("UPDATE streams SET last_seen_at = $1 WHERE id = $2")
                .bind(now_millis())
                .bind(stream_id.to_string())
        )?;
        Ok(())
    }

    /// Passthroughs that are live but whose ingest has not reported in since `before`
    /// (ms): their encoder or the media server is gone without saying so.
    pub async fn silent_live_groups(&self, before: i64) -> StoreResult<Vec<StreamRecord>> {
        let rows: Vec<StreamRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams \
             WHERE state = 'live' AND is_head AND (last_seen_at IS NULL OR last_seen_at < $1)"
            ))
            .bind(before)
        )?;
        records(rows)
    }

    /// Every live stream of every organisation, members included (read once a second by
    /// the health sampler and the thumbnail watch; the partial index `streams_live` serves
    /// it).
    pub async fn live_streams(&self) -> StoreResult<Vec<StreamRecord>> {
        let rows: Vec<StreamRow> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE state = 'live' ORDER BY id"
            ))
        )?;
        records(rows)
    }

    /// Records the stream's latest thumbnail (`url`, taken at `at` ms); `updated_at` is
    /// left alone (a thumbnail is not a change of the stream's settings, so the list's
    /// order does not move every interval). The stream as it is now, or `None` when it is
    /// gone or deleted.
    pub async fn set_thumbnail(
        &self,
        stream_id: Uuid,
        url: &str,
        at: i64,
    ) -> StoreResult<Option<StreamRecord>> {
        let row: Option<StreamRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "UPDATE streams SET thumbnail_url = $1, thumbnail_at = $2 \
             WHERE id = $3 AND state != 'deleted' RETURNING {STREAM_COLUMNS}"
            ))
            .bind(url)
            .bind(at)
            .bind(stream_id.to_string())
        )?;
        row.map(StreamRecord::try_from).transpose()
    }

    /// Records the stream's latest motion clip (`url`, made at `at` ms), like
    /// [`Store::set_thumbnail`]: `updated_at` is left alone. The stream as it is now, or
    /// `None` when it is gone or deleted.
    pub async fn set_motion_clip(
        &self,
        stream_id: Uuid,
        url: &str,
        at: i64,
    ) -> StoreResult<Option<StreamRecord>> {
        let row: Option<StreamRow> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as(&format!(
                "UPDATE streams SET motion_clip_url = $1, motion_clip_at = $2 \
             WHERE id = $3 AND state != 'deleted' RETURNING {STREAM_COLUMNS}"
            ))
            .bind(url)
            .bind(at)
            .bind(stream_id.to_string())
        )?;
        row.map(StreamRecord::try_from).transpose()
    }

    /// Appends a transcode to the group (next index), in the group's current state.
    /// `decide` sees the whole group (passthrough first) inside the write transaction and
    /// returns the member to add, or refuses (limits and the ladder are checked there, so
    /// two concurrent additions cannot both pass them).
    pub async fn add_member<E: From<StoreError>>(
        &self,
        group_id: Uuid,
        hash: &OrgHash,
        decide: impl FnOnce(&[StreamRecord]) -> Result<NewMember, E>,
    ) -> Result<StreamRecord, E> {
        let mut tx = self.write().await?;
        let members = group_in(&mut tx, group_id).await?;
        let member = decide(&members)?;
        let head = members.first().ok_or(StoreError::NotFound)?;
        let next = members.last().map_or(0, |m| i64::from(m.index) + 1);
        let now = members
            .iter()
            .map(|m| m.updated_at.millis() + 1)
            .fold(now_millis(), i64::max);
        let name = allocate_name(&mut tx, hash).await?;
        let member_id = Uuid::new_v4();
        let shape = NewGroup {
            members: Vec::new(),
            timecode: head.timecode,
            push_url: None,
            state: head.state,
            ever_live: head.ever_live,
            created_at: now,
            updated_at: now,
        };
        insert_member(
            &mut tx,
            MemberRow {
                id: member_id,
                org_id: head.org_id,
                name: &name,
                group_id,
                idx: next,
                member: &member,
                group: &shape,
            },
        )
        .await?;
        touch_stream(&mut tx, group_id, now).await?;
        let row: StreamRow = run!(
            tx,
            fetch_one,
            sqlx::query_as(&format!(
                "SELECT {STREAM_COLUMNS} FROM streams WHERE id = $1"
            ))
            .bind(member_id.to_string())
        )
        .map_err(StoreError::from)?;
        tx.commit().await?;
        Ok(row.try_into()?)
    }

    /// Replaces a transcode's profile: `decide` sees the group inside the write
    /// transaction and returns the profile for `member_id`, or refuses.
    pub async fn set_profile<E: From<StoreError>>(
        &self,
        group_id: Uuid,
        member_id: Uuid,
        decide: impl FnOnce(&[StreamRecord]) -> Result<Profile, E>,
    ) -> Result<(), E> {
        let mut tx = self.write().await?;
        let members = group_in(&mut tx, group_id).await?;
        let profile = decide(&members)?;
        let member = members
            .iter()
            .find(|m| m.id == member_id)
            .ok_or(StoreError::NotFound)?;
        run!(tx, execute, sqlx::query(
            "UPDATE streams SET profile_id = $1, width = $2, height = $3, bitrate_kbps = $4, framerate = $5 WHERE id = $6",
        )
        .bind(&profile.id)
        .bind(i64::from(profile.width))
        .bind(i64::from(profile.height))
        .bind(i64::from(profile.bitrate_kbps))
        .bind(i64::from(profile.framerate))
        .bind(member_id.to_string()))
        .map_err(StoreError::from)?;
        let now = now_millis().max(member.updated_at.millis() + 1);
        touch_stream(&mut tx, member_id, now).await?;
        touch_stream(&mut tx, group_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a transcode; later members move up one index. Its name stays retired.
    /// `decide` sees the group inside the write transaction and may refuse.
    pub async fn remove_member<E: From<StoreError>>(
        &self,
        group_id: Uuid,
        member_id: Uuid,
        decide: impl FnOnce(&[StreamRecord]) -> Result<(), E>,
    ) -> Result<StreamRecord, E> {
        let mut tx = self.write().await?;
        let members = group_in(&mut tx, group_id).await?;
        decide(&members)?;
        let member = members
            .into_iter()
            .find(|m| m.id == member_id)
            .ok_or(StoreError::NotFound)?;
        remove_row(&mut tx, &member).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Adds a live-replay session to a stream (the replay watch, when a live session's
    /// replay starts).
    pub async fn add_replay_session(
        &self,
        stream_id: Uuid,
        session: &ReplaySession,
    ) -> StoreResult<()> {
        run!(self.pool, execute, sqlx::query(
            "INSERT INTO replay_sessions (id, stream_id, session_start, hls_url, replay_url, clip_url) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(stream_id.to_string())
        .bind(session.session_start.millis())
        .bind(&session.hls_url)
        .bind(&session.replay_url)
        .bind(&session.clip_url))?;
        Ok(())
    }

    /// Adds a recorded file to a stream (record_done hook).
    pub async fn add_recording(&self, stream_id: Uuid, rec: &RecordingAsset) -> StoreResult<()> {
        run!(self.pool, execute, sqlx::query(
            "INSERT INTO recordings (id, stream_id, session_start, file_name, size_bytes, url, duration_s, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(stream_id.to_string())
        .bind(rec.session_start.millis())
        .bind(&rec.file_name)
        .bind(i64::try_from(rec.size_bytes).unwrap_or(i64::MAX))
        .bind(&rec.url)
        .bind(rec.duration_s.map(i64::from))
        .bind(now_millis()))?;
        Ok(())
    }

    /// The stream a recorded file belongs to, by its file name.
    pub async fn recording_stream(&self, file_name: &str) -> StoreResult<Option<Uuid>> {
        let row: Option<(String,)> = run!(
            self.pool,
            fetch_optional,
            sqlx::query_as("SELECT stream_id FROM recordings WHERE file_name = $1 LIMIT 1")
                .bind(file_name)
        )?;
        row.map(|(s,)| id(&s)).transpose()
    }

    /// A stream's recordings and replay sessions, newest session first.
    pub async fn stream_assets(
        &self,
        stream_id: Uuid,
    ) -> StoreResult<(Vec<RecordingAsset>, Vec<ReplaySession>)> {
        let recs: Vec<(i64, String, i64, String, Option<i64>)> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(
                "SELECT session_start, file_name, size_bytes, url, duration_s FROM recordings \
             WHERE stream_id = $1 ORDER BY session_start DESC, created_at DESC",
            )
            .bind(stream_id.to_string())
        )?;
        let replays: Vec<(i64, String, String, String)> = run!(
            self.pool,
            fetch_all,
            sqlx::query_as(
                "SELECT session_start, hls_url, replay_url, clip_url FROM replay_sessions \
             WHERE stream_id = $1 ORDER BY session_start DESC",
            )
            .bind(stream_id.to_string())
        )?;
        let recordings = recs
            .into_iter()
            .map(|(start, file_name, size, url, duration)| {
                Ok(RecordingAsset {
                    session_start: time(start)?,
                    file_name,
                    size_bytes: u64::try_from(size).unwrap_or(0),
                    url,
                    duration_s: duration.map(|d| u32_of(d, "duration")).transpose()?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let replays = replays
            .into_iter()
            .map(|(start, hls_url, replay_url, clip_url)| {
                Ok(ReplaySession {
                    session_start: time(start)?,
                    hls_url,
                    replay_url,
                    clip_url,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((recordings, replays))
    }
}

/// Every member of a group, passthrough first, read inside a transaction.
async fn group_in(tx: &mut Tx, group_id: Uuid) -> StoreResult<Vec<StreamRecord>> {
    let rows: Vec<StreamRow> = run!(
        tx,
        fetch_all,
        sqlx::query_as(&format!(
            "SELECT {STREAM_COLUMNS} FROM streams WHERE group_id = $1 ORDER BY idx"
        ))
        .bind(group_id.to_string())
    )?;
    records(rows)
}

/// Deletes a transcode's row, its tag postings' counts, and closes up the indices.
async fn remove_row(tx: &mut Tx, member: &StreamRecord) -> StoreResult<()> {
    if member.state != StreamState::Deleted {
        for tag in member.tags.iter() {
            decrement_tag(tx, &member.org_id.to_string(), tag.as_str()).await?;
        }
    }
    for key in count_keys(tx, "id", member.id).await? {
        recount(
            tx,
            &key.org_id,
            key.is_head,
            Some((key.state()?, key.updated_at)),
            None,
        )
        .await?;
    }
    run!(
        tx,
        execute,
        sqlx::query("DELETE FROM streams WHERE id = $1").bind(member.id.to_string())
    )?;
    // Two steps, so the (group_id, idx) uniqueness holds after every row update.
    run!(
        tx,
        execute,
        sqlx::query("UPDATE streams SET idx = idx + 100000 WHERE group_id = $1 AND idx > $2")
            .bind(member.group_id.to_string())
            .bind(i64::from(member.index))
    )?;
    run!(
        tx,
        execute,
        sqlx::query("UPDATE streams SET idx = idx - 100001 WHERE group_id = $1 AND idx > 100000")
            .bind(member.group_id.to_string())
    )?;
    let now = now_millis().max(member.updated_at.millis() + 1);
    touch_stream(tx, member.group_id, now).await
}

/// Writes `change` to `current` (see [`Store::update_stream`]).
async fn apply_change(
    tx: &mut Tx,
    current: &StreamRecord,
    change: &StreamChange,
) -> StoreResult<()> {
    let now = now_millis().max(current.updated_at.millis() + 1);
    if let Some(tags) = &change.tags {
        replace_tags(tx, current, tags).await?;
        run!(
            tx,
            execute,
            sqlx::query("UPDATE streams SET tags = $1 WHERE id = $2")
                .bind(tags_json(tags))
                .bind(current.id.to_string())
        )?;
    }
    if let Some(push_url) = &change.push_url {
        run!(
            tx,
            execute,
            sqlx::query("UPDATE streams SET push_url = $1 WHERE id = $2")
                .bind(push_url.as_deref())
                .bind(current.id.to_string())
        )?;
    }
    let mut touched_group = false;
    if let Some(timecode) = &change.timecode {
        run!(tx, execute, sqlx::query("UPDATE streams SET timecode_enabled = $1, timecode_interval_ms = $2 WHERE group_id = $3")
            .bind(timecode.enabled)
            .bind(i64::from(timecode.interval_ms))
            .bind(current.group_id.to_string()))?;
        touched_group = true;
    }
    if let Some(processing) = &change.processing {
        let (sql, target) = if change.sync_processing {
            touched_group = true;
            (
                "UPDATE streams SET processing = $1 WHERE group_id = $2",
                current.group_id,
            )
        } else {
            (
                "UPDATE streams SET processing = $1 WHERE id = $2",
                current.id,
            )
        };
        run!(
            tx,
            execute,
            sqlx::query(sql)
                .bind(processing_json(processing))
                .bind(target.to_string())
        )?;
    }
    if touched_group {
        touch_group(tx, current.group_id, now).await?;
    } else {
        touch_stream(tx, current.id, now).await?;
    }
    Ok(())
}

/// Inserts every member of `group`; returns the group id (the passthrough's id).
async fn insert_group(
    tx: &mut Tx,
    org_id: Uuid,
    hash: &OrgHash,
    group: &NewGroup,
) -> StoreResult<Uuid> {
    let group_id = Uuid::new_v4();
    for (idx, member) in group.members.iter().enumerate() {
        let name = allocate_name(tx, hash).await?;
        insert_member(
            tx,
            MemberRow {
                id: if idx == 0 { group_id } else { Uuid::new_v4() },
                org_id,
                name: &name,
                group_id,
                idx: idx as i64,
                member,
                group,
            },
        )
        .await?;
    }
    Ok(group_id)
}

/// Reserves a fresh `<hash>-<5 random>` name forever.
async fn allocate_name(tx: &mut Tx, hash: &OrgHash) -> StoreResult<String> {
    for _ in 0..NAME_ATTEMPTS {
        let name = format!(
            "{hash}-{}",
            Alphanumeric.sample_string(&mut rand::thread_rng(), StreamName::SUFFIX_LEN)
        );
        let done = run!(
            tx,
            execute,
            sqlx::query(
                "INSERT INTO stream_names (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
            )
            .bind(&name)
        )?;
        if done.rows_affected() == 1 {
            return Ok(name);
        }
    }
    Err(StoreError::Conflict("no free streamname found".into()))
}

struct MemberRow<'a> {
    id: Uuid,
    org_id: Uuid,
    name: &'a str,
    group_id: Uuid,
    idx: i64,
    member: &'a NewMember,
    group: &'a NewGroup,
}

async fn insert_member(tx: &mut Tx, m: MemberRow<'_>) -> StoreResult<()> {
    let p = m.member.profile.as_ref();
    run!(tx, execute, sqlx::query(
        "INSERT INTO streams (id, org_id, name, group_id, idx, is_head, state, ever_live, profile_id, width, height, \
           bitrate_kbps, framerate, tags, push_url, timecode_enabled, timecode_interval_ms, processing, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(m.id.to_string())
    .bind(m.org_id.to_string())
    .bind(m.name)
    .bind(m.group_id.to_string())
    .bind(m.idx)
    .bind(m.idx == 0)
    .bind(m.group.state.as_str())
    .bind(m.group.ever_live)
    .bind(p.map(|p| p.id.clone()))
    .bind(p.map(|p| i64::from(p.width)))
    .bind(p.map(|p| i64::from(p.height)))
    .bind(p.map(|p| i64::from(p.bitrate_kbps)))
    .bind(p.map(|p| i64::from(p.framerate)))
    .bind(tags_json(&m.member.tags))
    .bind(if m.idx == 0 { m.group.push_url.as_deref() } else { None })
    .bind(m.group.timecode.enabled)
    .bind(i64::from(m.group.timecode.interval_ms))
    .bind(processing_json(&m.member.processing))
    .bind(m.group.created_at)
    .bind(m.group.updated_at))
    .map_err(super::unique_as("stream"))?;
    let org = m.org_id.to_string();
    recount(
        tx,
        &org,
        m.idx == 0,
        None,
        Some((m.group.state, m.group.updated_at)),
    )
    .await?;
    for tag in m.member.tags.iter() {
        run!(tx, execute, sqlx::query(
            "INSERT INTO stream_tags (stream_id, org_id, tag, is_head, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(m.id.to_string())
        .bind(m.org_id.to_string())
        .bind(tag.as_str())
        .bind(m.idx == 0)
        .bind(m.group.state.as_str())
        .bind(m.group.updated_at))?;
        if m.group.state != StreamState::Deleted {
            increment_tag(tx, &m.org_id.to_string(), tag.as_str()).await?;
        }
    }
    Ok(())
}

async fn current_stream(tx: &mut Tx, org_id: Uuid, id: Uuid) -> StoreResult<StreamRecord> {
    let row: Option<StreamRow> = run!(
        tx,
        fetch_optional,
        sqlx::query_as(&format!(
            "SELECT {STREAM_COLUMNS} FROM streams WHERE id = $1 AND org_id = $2"
        ))
        .bind(id.to_string())
        .bind(org_id.to_string())
    )?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Replaces a stream's tag postings and adjusts the organisation's counts.
async fn replace_tags(tx: &mut Tx, stream: &StreamRecord, tags: &Tags) -> StoreResult<()> {
    let org = stream.org_id.to_string();
    let counted = stream.state != StreamState::Deleted;
    for old in stream.tags.iter().filter(|t| !tags.as_slice().contains(t)) {
        run!(
            tx,
            execute,
            sqlx::query("DELETE FROM stream_tags WHERE stream_id = $1 AND tag = $2")
                .bind(stream.id.to_string())
                .bind(old.as_str())
        )?;
        if counted {
            decrement_tag(tx, &org, old.as_str()).await?;
        }
    }
    for new in tags.iter().filter(|t| !stream.tags.as_slice().contains(t)) {
        run!(tx, execute, sqlx::query(
            "INSERT INTO stream_tags (stream_id, org_id, tag, is_head, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(stream.id.to_string())
        .bind(&org)
        .bind(new.as_str())
        .bind(stream.index == 0)
        .bind(stream.state.as_str())
        .bind(stream.updated_at.millis()))?;
        if counted {
            increment_tag(tx, &org, new.as_str()).await?;
        }
    }
    Ok(())
}

async fn increment_tag(tx: &mut Tx, org: &str, tag: &str) -> StoreResult<()> {
    run!(
        tx,
        execute,
        sqlx::query(
            "INSERT INTO tag_counts (org_id, tag, count) VALUES ($1, $2, 1) \
         ON CONFLICT (org_id, tag) DO UPDATE SET count = tag_counts.count + 1",
        )
        .bind(org)
        .bind(tag)
    )?;
    Ok(())
}

async fn decrement_tag(tx: &mut Tx, org: &str, tag: &str) -> StoreResult<()> {
    // Delete the last use first, so the count never reaches 0 (the table forbids it).
    run!(
        tx,
        execute,
        sqlx::query("DELETE FROM tag_counts WHERE org_id = $1 AND tag = $2 AND count = 1")
            .bind(org)
            .bind(tag)
    )?;
    run!(
        tx,
        execute,
        sqlx::query("UPDATE tag_counts SET count = count - 1 WHERE org_id = $1 AND tag = $2")
            .bind(org)
            .bind(tag)
    )?;
    Ok(())
}

/// Where a stream sits in the counts.
#[derive(sqlx::FromRow)]
struct CountKey {
    id: String,
    org_id: String,
    is_head: bool,
    state: String,
    updated_at: i64,
}

impl CountKey {
    fn state(&self) -> StoreResult<StreamState> {
        self.state.parse().map_err(|_| corrupt("state"))
    }
}

async fn count_keys(tx: &mut Tx, column: &str, value: Uuid) -> StoreResult<Vec<CountKey>> {
    Ok(run!(
        tx,
        fetch_all,
        sqlx::query_as(&format!(
            "SELECT id, org_id, is_head, state, updated_at FROM streams WHERE {column} = $1"
        ))
        .bind(value.to_string())
    )?)
}

/// Sets `updated_at` of one stream (and of its tag postings and counts).
async fn touch_stream(tx: &mut Tx, id: Uuid, now: i64) -> StoreResult<()> {
    touch(tx, "id", id, now).await
}

/// Sets `updated_at` of every member of a group.
async fn touch_group(tx: &mut Tx, group_id: Uuid, now: i64) -> StoreResult<()> {
    touch(tx, "group_id", group_id, now).await
}

async fn touch(tx: &mut Tx, column: &str, value: Uuid, now: i64) -> StoreResult<()> {
    for key in count_keys(tx, column, value).await? {
        let state = key.state()?;
        recount(
            tx,
            &key.org_id,
            key.is_head,
            Some((state, key.updated_at)),
            Some((state, now)),
        )
        .await?;
        run!(
            tx,
            execute,
            sqlx::query("UPDATE streams SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&key.id)
        )?;
        run!(
            tx,
            execute,
            sqlx::query("UPDATE stream_tags SET updated_at = $1 WHERE stream_id = $2")
                .bind(now)
                .bind(&key.id)
        )?;
    }
    Ok(())
}

/// Milliseconds in a UTC day; day buckets are days since 1970-01-01.
pub(super) const DAY_MS: i64 = 24 * 3600 * 1000;

pub(super) fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// Moves one stream in the list's counts from `old` (state, updated_at) to `new`;
/// `None` on one side for a stream appearing or disappearing.
async fn recount(
    tx: &mut Tx,
    org: &str,
    is_head: bool,
    old: Option<(StreamState, i64)>,
    new: Option<(StreamState, i64)>,
) -> StoreResult<()> {
    let same_state = old.map(|o| o.0) == new.map(|n| n.0);
    let same_day = old.map(|o| day_of(o.1)) == new.map(|n| day_of(n.1));
    for (side, delta) in [(old, -1i64), (new, 1)] {
        let Some((state, at)) = side else { continue };
        if !same_state {
            run!(tx, execute, sqlx::query(
                "INSERT INTO stream_counts (org_id, is_head, state, count) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org_id, is_head, state) DO UPDATE SET count = stream_counts.count + $4",
            )
            .bind(org)
            .bind(is_head)
            .bind(state.as_str())
            .bind(delta))?;
        }
        if !(same_state && same_day) {
            run!(tx, execute, sqlx::query(
                "INSERT INTO stream_day_counts (org_id, is_head, state, day, count) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org_id, is_head, state, day) DO UPDATE SET count = stream_day_counts.count + $5",
            )
            .bind(org)
            .bind(is_head)
            .bind(state.as_str())
            .bind(day_of(at))
            .bind(delta))?;
        }
    }
    Ok(())
}
