//! Stalled encoders: connected, but sending nothing. nginx keeps such a publisher (and its
//! stream `live`) as long as the TCP connection stays open, so Castboard watches the bytes
//! each ingest has received (`rtmp_stat`) and cuts one whose count stops moving.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Remembers when each ingest last received bytes.
#[derive(Debug, Default)]
pub struct StallWatch {
    seen: HashMap<String, (u64, Instant)>,
}

impl StallWatch {
    /// Takes a reading made at `now`; the names whose count has not moved for longer
    /// than `limit`. Streams no longer published are forgotten.
    pub fn stalled(
        &mut self,
        reading: HashMap<String, u64>,
        now: Instant,
        limit: Duration,
    ) -> Vec<String> {
        self.seen.retain(|name, _| reading.contains_key(name));
        let mut stalled = Vec::new();
        for (name, bytes) in reading {
            match self.seen.get(&name) {
                Some((before, since)) if *before == bytes => {
                    if now.duration_since(*since) > limit {
                        stalled.push(name);
                    }
                }
                _ => {
                    self.seen.insert(name, (bytes, now));
                }
            }
        }
        stalled.sort();
        stalled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_that_stops_moving_for_longer_than_the_limit_is_stalled() {
        let mut watch = StallWatch::default();
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let reading = |a: u64, b: u64| HashMap::from([("a".to_string(), a), ("b".to_string(), b)]);

        assert!(watch.stalled(reading(10, 10), t0, s(2)).is_empty());
        assert!(watch.stalled(reading(20, 10), t0 + s(1), s(2)).is_empty());
        assert!(watch.stalled(reading(30, 10), t0 + s(2), s(2)).is_empty());
        assert_eq!(watch.stalled(reading(40, 10), t0 + s(3), s(2)), vec!["b"]);
        // b moves again: no longer stalled; a stops.
        assert!(watch.stalled(reading(40, 11), t0 + s(4), s(2)).is_empty());
        assert_eq!(watch.stalled(reading(40, 12), t0 + s(7), s(2)), vec!["a"]);
        // Gone streams are forgotten.
        assert!(watch.stalled(HashMap::new(), t0 + s(8), s(2)).is_empty());
        assert!(watch.seen.is_empty());
    }
}
