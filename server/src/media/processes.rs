//! The process board: what the runners of live processing (thumbnails, motion clips,
//! recording, replay) report about each stream they work for, so the API can tell where
//! each process stands (`/streams/{id}/processes`) and open dashboards hear of a change
//! (`stream.process_changed`).
//!
//! A runner writes its [`Report`] for a stream and kind while the stream is live
//! ([`ProcessBoard::report`]) and ends it when the session ends ([`ProcessBoard::end`]);
//! the board keeps nothing else. Whether a process is on at all (its settings, the
//! organisation's packages, the stream's state) is read from the store by whoever asks:
//! the board only knows what the runner saw (see `shared::model::process_state`).

use crate::events::Events;
use crate::store::{Store, StreamRecord};
use shared::model::{Features, ProcessChanged, ProcessKind, Seen, StreamEvent};
use shared::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use uuid::Uuid;

/// What a runner last saw of one process of one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// It works now: a recording is being written, a replay window kept, a schedule of
    /// thumbnails or clips under way.
    pub running: bool,
    /// Why its last attempt failed; cleared by the next success.
    pub failure: Option<String>,
    /// When it is next due to produce something (thumbnails, clips, a recording's split).
    pub next_run: Option<Timestamp>,
}

impl Report {
    /// What the state rule reads of it.
    pub fn seen(&self) -> Seen {
        match (&self.failure, self.running) {
            (Some(why), _) => Seen::Failed(why.clone()),
            (None, true) => Seen::Running,
            (None, false) => Seen::Starting(None),
        }
    }
}

/// A report with whom to tell of its changes.
#[derive(Debug, Clone)]
struct Entry {
    org_id: Uuid,
    group_id: Uuid,
    report: Report,
}

/// The reports of every live stream's processes; clones share them.
#[derive(Clone)]
pub struct ProcessBoard {
    inner: Arc<Mutex<HashMap<(Uuid, ProcessKind), Entry>>>,
    events: Events,
}

impl ProcessBoard {
    /// A board announcing its changes on `events`.
    pub fn new(events: Events) -> ProcessBoard {
        ProcessBoard {
            inner: Arc::default(),
            events,
        }
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<(Uuid, ProcessKind), Entry>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Changes the report of `stream`'s `kind` (a default one if there was none) and, if
    /// it changed, tells the stream's organisation; returns whether it changed.
    pub fn report(
        &self,
        stream: &StreamRecord,
        kind: ProcessKind,
        change: impl FnOnce(&mut Report),
    ) -> bool {
        let changed = {
            let mut entries = self.entries();
            let entry = entries.entry((stream.id, kind)).or_insert_with(|| Entry {
                org_id: stream.org_id,
                group_id: stream.group_id,
                report: Report::default(),
            });
            let before = entry.report.clone();
            change(&mut entry.report);
            entry.report != before
        };
        if changed {
            self.announce(stream.org_id, stream.id, stream.group_id, kind);
        }
        changed
    }

    /// Forgets `stream`'s `kind` (its session ended) and tells the organisation; returns
    /// whether there was a report.
    pub fn end(&self, stream: Uuid, kind: ProcessKind) -> bool {
        let ended = self.entries().remove(&(stream, kind));
        if let Some(e) = &ended {
            self.announce(e.org_id, stream, e.group_id, kind);
        }
        ended.is_some()
    }

    /// The last report of `stream`'s `kind`, if any.
    pub fn get(&self, stream: Uuid, kind: ProcessKind) -> Option<Report> {
        self.entries()
            .get(&(stream, kind))
            .map(|e| e.report.clone())
    }

    fn announce(&self, org_id: Uuid, id: Uuid, streamgroup_id: Uuid, kind: ProcessKind) {
        self.events.publish(
            org_id,
            StreamEvent::ProcessChanged(ProcessChanged {
                id,
                streamgroup_id,
                kind,
                at: Timestamp::from(chrono::Utc::now()),
            }),
        );
    }
}

/// The packages of the organisations a runner meets in one look at the live streams,
/// each read from the store once per look (so a package switched off stops the process
/// at the next look).
#[derive(Default)]
pub struct PackageLook {
    seen: HashMap<Uuid, Features>,
}

impl PackageLook {
    /// Whether `org` has every package `kind` needs (`ProcessKind::allowed`); an
    /// organisation that cannot be read has none.
    pub async fn allows(&mut self, store: &Store, org: Uuid, kind: ProcessKind) -> bool {
        let features = match self.seen.get(&org) {
            Some(features) => *features,
            None => {
                let features = store
                    .organisation(org)
                    .await
                    .map(|o| o.features)
                    .unwrap_or_default();
                self.seen.insert(org, features);
                features
            }
        };
        kind.allowed(&features)
    }
}

/// The wall-clock time of `at`, an instant of this process (`now` is the instant of
/// the clock's now), for a report's `next_run`.
pub fn wall(at: Instant, now: Instant) -> Timestamp {
    let ahead = at.saturating_duration_since(now);
    let behind = now.saturating_duration_since(at);
    let then = chrono::Utc::now() + chrono::Duration::from_std(ahead).unwrap_or_default()
        - chrono::Duration::from_std(behind).unwrap_or_default();
    Timestamp::from(then)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use shared::stream::{Processing, StreamName, StreamState, Tags, Timecode};

    fn record() -> StreamRecord {
        let at = Timestamp::parse("2026-12-04T10:00:00.000Z").expect("a time");
        StreamRecord {
            id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(2),
            name: StreamName::parse("Ab3xY-k9PqZ").expect("a streamname"),
            group_id: Uuid::from_u128(3),
            index: 0,
            state: StreamState::Live,
            ever_live: true,
            profile: None,
            tags: Tags::default(),
            push_url: None,
            timecode: Timecode::default(),
            processing: Processing::default(),
            created_at: at,
            updated_at: at,
            last_seen_at: None,
            cut_requested_at: None,
            thumbnail: None,
            motion_clip: None,
        }
    }

    #[tokio::test]
    async fn a_report_changes_ends_and_announces_each_change_once() {
        let events = Events::new();
        let board = ProcessBoard::new(events.clone());
        let stream = record();
        let mut heard = Box::pin(events.stream_for(stream.org_id));
        assert_eq!(board.get(stream.id, ProcessKind::Recording), None);
        assert!(board.report(&stream, ProcessKind::Recording, |r| r.running = true));
        assert!(!board.report(&stream, ProcessKind::Recording, |r| r.running = true));
        assert_eq!(
            board.get(stream.id, ProcessKind::Recording),
            Some(Report {
                running: true,
                failure: None,
                next_run: None
            })
        );
        assert_eq!(
            board
                .get(stream.id, ProcessKind::Recording)
                .map(|r| r.seen()),
            Some(Seen::Running)
        );
        assert_eq!(board.get(stream.id, ProcessKind::Replay), None);
        assert!(board.end(stream.id, ProcessKind::Recording));
        assert!(!board.end(stream.id, ProcessKind::Recording));
        assert_eq!(board.get(stream.id, ProcessKind::Recording), None);
        // One announcement for the change and one for the end, none for the rest.
        for _ in 0..2 {
            let e = heard.next().await.expect("an event");
            assert_eq!(e.kind, "stream.process_changed");
            let data: serde_json::Value = serde_json::from_str(&e.data).expect("JSON");
            assert_eq!(data["id"], stream.id.to_string());
            assert_eq!(data["streamgroup_id"], stream.group_id.to_string());
            assert_eq!(data["kind"], "recording");
        }
        events.shut_down();
        assert!(heard.next().await.is_none());
    }

    #[test]
    fn a_report_reads_as_the_state_rule_sees_it() {
        let failed = Report {
            running: true,
            failure: Some("ffmpeg wrote no picture".into()),
            next_run: None,
        };
        assert_eq!(
            failed.seen(),
            Seen::Failed("ffmpeg wrote no picture".into())
        );
        assert_eq!(Report::default().seen(), Seen::Starting(None));
    }
}
