//! The process board: what the runners of live processing (thumbnails, motion clips,
//! recording, replay) report about each stream they work for, so the API can tell where
//! each process stands (`/streams/{id}/processes`).
//!
//! A runner writes its [`Report`] for a stream and kind while the stream is live and
//! clears it when the session ends; the board keeps nothing else. Whether a process is on
//! at all (its settings, the organisation's package, the stream's state) is read from the
//! store by whoever asks: the board only knows what the runner saw.

use shared::model::ProcessKind;
use shared::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
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

/// The reports of every live stream's processes; clones share them.
#[derive(Clone, Default)]
pub struct ProcessBoard {
    inner: Arc<Mutex<HashMap<(Uuid, ProcessKind), Report>>>,
}

impl ProcessBoard {
    fn reports(&self) -> MutexGuard<'_, HashMap<(Uuid, ProcessKind), Report>> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Changes the report of `stream`'s `kind` (a default one if there was none); returns
    /// whether it changed.
    pub fn update(
        &self,
        stream: Uuid,
        kind: ProcessKind,
        change: impl FnOnce(&mut Report),
    ) -> bool {
        let mut reports = self.reports();
        let report = reports.entry((stream, kind)).or_default();
        let before = report.clone();
        change(report);
        *report != before
    }

    /// Forgets `stream`'s `kind` (its session ended); returns whether there was a report.
    pub fn clear(&self, stream: Uuid, kind: ProcessKind) -> bool {
        self.reports().remove(&(stream, kind)).is_some()
    }

    /// The last report of `stream`'s `kind`, if any.
    pub fn get(&self, stream: Uuid, kind: ProcessKind) -> Option<Report> {
        self.reports().get(&(stream, kind)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_changes_clears_and_tells_whether_it_changed() {
        let board = ProcessBoard::default();
        let id = Uuid::new_v4();
        assert_eq!(board.get(id, ProcessKind::Recording), None);
        assert!(board.update(id, ProcessKind::Recording, |r| r.running = true));
        assert!(!board.update(id, ProcessKind::Recording, |r| r.running = true));
        assert_eq!(
            board.get(id, ProcessKind::Recording),
            Some(Report {
                running: true,
                failure: None,
                next_run: None
            })
        );
        assert_eq!(board.get(id, ProcessKind::Replay), None);
        assert!(board.clear(id, ProcessKind::Recording));
        assert!(!board.clear(id, ProcessKind::Recording));
        assert_eq!(board.get(id, ProcessKind::Recording), None);
    }
}
