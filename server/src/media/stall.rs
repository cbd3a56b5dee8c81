//! Stalled encoders: connected, but sending nothing. nginx keeps such a publisher (and its
//! stream `live`) as long as the TCP connection stays open, so Castboard watches the bytes
//! each ingest has received (`rtmp_stat`) and cuts one whose count stops moving.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Bytes received so far per published stream, from `rtmp_stat`'s XML: every
/// `<stream>` element's first `<name>` and `<bytes_in>`.
pub fn bytes_in(stat_xml: &str) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    for block in stat_xml.split("<stream>").skip(1) {
        let block = block.split("</stream>").next().unwrap_or_default();
        let (Some(name), Some(bytes)) = (element(block, "name"), element(block, "bytes_in")) else {
            continue;
        };
        if let Ok(bytes) = bytes.trim().parse() {
            out.insert(name.trim().to_string(), bytes);
        }
    }
    out
}

/// The text of the first `<tag>…</tag>` in `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + len])
}

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

    const STAT: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\
        <rtmp><server><application><name>live</name><live>\
        <stream><name>HX26g-NRbx9</name><time>5400</time><bw_in>0</bw_in>\
        <bytes_in>256625</bytes_in><bytes_out>0</bytes_out><client><id>1</id></client></stream>\
        <stream><name>HX26g-Ab3De</name><bytes_in>1024</bytes_in></stream>\
        <nclients>2</nclients></live></application></server>\
        <bytes_in>999999</bytes_in></rtmp>";

    #[test]
    fn the_bytes_of_each_stream_are_read_from_the_statistics() {
        let counts = bytes_in(STAT);
        assert_eq!(counts.len(), 2);
        assert_eq!(counts["HX26g-NRbx9"], 256_625);
        assert_eq!(counts["HX26g-Ab3De"], 1024);
        assert!(bytes_in("<rtmp></rtmp>").is_empty());
    }

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
