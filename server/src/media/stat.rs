//! What nginx's statistics (`rtmp_stat`, XML) say about each published stream: the bytes
//! received so far (the stall watch) and the video it carries (the master playlist's
//! bandwidth and resolution of a passthrough).

use std::collections::HashMap;

/// Bytes received so far per published stream: every `<stream>` element's first
/// `<name>` and `<bytes_in>`.
pub fn bytes_in(stat_xml: &str) -> HashMap<String, u64> {
    streams(stat_xml)
        .filter_map(|(name, block)| {
            let bytes = element(block, "bytes_in")?.trim().parse().ok()?;
            Some((name.to_string(), bytes))
        })
        .collect()
}

/// The incoming video of one published stream, as far as nginx knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IngestVideo {
    /// Bits per second received (audio and video), averaged by nginx.
    pub bw_in: u64,
    /// From the encoder's metadata; 0 when it sent none.
    pub width: u32,
    pub height: u32,
    pub frame_rate: u32,
}

/// The video of the stream published as `name`, if it is published.
pub fn ingest_video(stat_xml: &str, name: &str) -> Option<IngestVideo> {
    let (_, block) = streams(stat_xml).find(|(n, _)| *n == name)?;
    let number = |xml: &str, tag: &str| -> Option<u64> { element(xml, tag)?.trim().parse().ok() };
    let video = element(block, "meta")
        .and_then(|meta| element(meta, "video"))
        .unwrap_or_default();
    let small = |tag: &str| {
        number(video, tag)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    Some(IngestVideo {
        bw_in: number(block, "bw_in").unwrap_or(0),
        width: small("width"),
        height: small("height"),
        frame_rate: small("frame_rate"),
    })
}

/// Every `<stream>` element: its first `<name>` and its whole text.
fn streams(stat_xml: &str) -> impl Iterator<Item = (&str, &str)> {
    stat_xml.split("<stream>").skip(1).filter_map(|block| {
        let block = block.split("</stream>").next().unwrap_or_default();
        Some((element(block, "name")?.trim(), block))
    })
}

/// The text of the first `<tag>…</tag>` in `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\
        <rtmp><server><application><name>live</name><live>\
        <stream><name>HX26g-NRbx9</name><time>5400</time><bw_in>412784</bw_in>\
        <bytes_in>256625</bytes_in><bytes_out>0</bytes_out><client><id>1</id></client>\
        <meta><video><width>320</width><height>180</height><frame_rate>15</frame_rate>\
        <codec>H264</codec></video><audio><codec>AAC</codec></audio></meta></stream>\
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
    fn the_video_of_a_stream_is_read_from_its_metadata() {
        assert_eq!(
            ingest_video(STAT, "HX26g-NRbx9"),
            Some(IngestVideo {
                bw_in: 412_784,
                width: 320,
                height: 180,
                frame_rate: 15
            })
        );
        // Published without metadata: only what nginx counted.
        assert_eq!(
            ingest_video(STAT, "HX26g-Ab3De"),
            Some(IngestVideo::default())
        );
        assert_eq!(ingest_video(STAT, "HX26g-zzzzz"), None);
    }
}
