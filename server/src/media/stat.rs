//! What nginx's statistics (`rtmp_stat`, XML) say about each published stream: the bytes
//! received so far (the stall watch), the video it carries (the master playlist's
//! bandwidth and resolution of a passthrough) and everything the health sampler reads.
//!
//! What nginx-rtmp 1.2.2 reports per stream (`testdata/stat.xml` is a real answer): `time`,
//! `bw_in`, `bytes_in`, `bw_out`, `bytes_out`, `bw_audio`, `bw_video` (bits per second,
//! averaged by nginx over 10 s), one `client` per connection (the publisher, marked
//! `publishing`, and RTMP players) with its `dropped` frames, `avsync` and `timestamp`,
//! and the encoder's metadata: `meta/video/{width, height, frame_rate, codec, profile,
//! compat, level}` and `meta/audio/{codec, profile, channels, sample_rate}`. No declared
//! keyframe interval, no frame count.

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

/// Everything the health sampler reads of one published stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IngestStat {
    pub bytes_in: u64,
    /// Bits per second, averaged by nginx: everything, the video, the audio.
    pub bw_in: u64,
    pub bw_video: u64,
    pub bw_audio: u64,
    /// Frames nginx dropped delivering the stream, summed over its clients (only RTMP
    /// players drop: nginx counts nothing for the publisher).
    pub dropped: u64,
    pub video: Option<VideoMeta>,
    pub audio: Option<AudioMeta>,
}

/// The encoder's declaration of its video (`meta/video`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VideoMeta {
    pub width: u32,
    pub height: u32,
    pub frame_rate: Option<f64>,
    pub codec: Option<String>,
    pub profile: Option<String>,
    pub level: Option<String>,
}

/// The encoder's declaration of its audio (`meta/audio`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AudioMeta {
    pub codec: Option<String>,
    pub profile: Option<String>,
    pub channels: Option<u32>,
    pub sample_rate: Option<u32>,
}

/// What nginx reports of every published stream, by name.
pub fn ingest_stats(stat_xml: &str) -> HashMap<String, IngestStat> {
    streams(stat_xml)
        .map(|(name, block)| (name.to_string(), ingest_stat(block)))
        .collect()
}

fn ingest_stat(block: &str) -> IngestStat {
    let number = |xml: &str, tag: &str| -> Option<u64> { element(xml, tag)?.trim().parse().ok() };
    let text = |xml: &str, tag: &str| {
        element(xml, tag)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
    };
    let small = |xml: &str, tag: &str| number(xml, tag).and_then(|n| u32::try_from(n).ok());
    let meta = element(block, "meta").unwrap_or_default();
    let video = element(meta, "video").map(|v| VideoMeta {
        width: small(v, "width").unwrap_or(0),
        height: small(v, "height").unwrap_or(0),
        frame_rate: element(v, "frame_rate")
            .and_then(|f| f.trim().parse::<f64>().ok())
            .filter(|f| f.is_finite() && *f > 0.0),
        codec: text(v, "codec"),
        profile: text(v, "profile"),
        level: text(v, "level"),
    });
    let audio = element(meta, "audio").map(|a| AudioMeta {
        codec: text(a, "codec"),
        profile: text(a, "profile"),
        channels: small(a, "channels"),
        sample_rate: small(a, "sample_rate"),
    });
    let dropped = block
        .split("<client>")
        .skip(1)
        .filter_map(|c| number(c.split("</client>").next().unwrap_or_default(), "dropped"))
        .sum();
    IngestStat {
        bytes_in: number(block, "bytes_in").unwrap_or(0),
        bw_in: number(block, "bw_in").unwrap_or(0),
        bw_video: number(block, "bw_video").unwrap_or(0),
        bw_audio: number(block, "bw_audio").unwrap_or(0),
        dropped,
        video,
        audio,
    }
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

    /// A real answer of nginx 1.22.1 with nginx-rtmp (Debian's libnginx-mod-rtmp): ffmpeg
    /// publishing 320×180 at 10 fps with x264 (baseline) and AAC to `test1`.
    const REAL: &str = include_str!("testdata/stat.xml");

    #[test]
    fn what_the_health_sampler_reads_is_read_from_a_real_answer() {
        let stats = ingest_stats(REAL);
        assert_eq!(stats.len(), 1);
        assert_eq!(
            stats["test1"],
            IngestStat {
                bytes_in: 566_851,
                bw_in: 400_240,
                bw_video: 328_624,
                bw_audio: 71_616,
                dropped: 0,
                video: Some(VideoMeta {
                    width: 320,
                    height: 180,
                    frame_rate: Some(10.0),
                    codec: Some("H264".into()),
                    profile: Some("Baseline".into()),
                    level: Some("1.1".into()),
                }),
                audio: Some(AudioMeta {
                    codec: Some("AAC".into()),
                    profile: Some("LC".into()),
                    channels: Some(1),
                    sample_rate: Some(44100),
                }),
            }
        );
        // The server-wide counters after the streams are not read as a stream's.
        assert_eq!(bytes_in(REAL)["test1"], 566_851);
    }

    #[test]
    fn dropped_frames_are_summed_over_the_clients_and_missing_parts_are_empty() {
        let stats = ingest_stats(STAT);
        let bare = &stats["HX26g-Ab3De"];
        assert_eq!(bare.video, None);
        assert_eq!(bare.audio, None);
        assert_eq!(bare.bytes_in, 1024);
        let xml = "<stream><name>a</name><client><id>1</id><dropped>0</dropped><publishing/>\
            </client><client><id>2</id><dropped>7</dropped></client><client><id>3</id>\
            <dropped>5</dropped></client><meta><video><frame_rate>29.97</frame_rate>\
            </video></meta></stream>";
        let a = &ingest_stats(xml)["a"];
        assert_eq!(a.dropped, 12);
        let video = a.video.as_ref().expect("video");
        assert_eq!(video.frame_rate, Some(29.97));
        assert_eq!((video.width, video.codec.as_deref()), (0, None));
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
