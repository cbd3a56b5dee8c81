//! The HLS playlists players get, made from what nginx writes. Pure text.
//!
//! nginx writes one media playlist per published stream, `<streamname>.m3u8`, whose
//! fragments are `<streamname>-<epoch ms>.ts`. Viewers never see a streamname (it is the
//! stream key an encoder publishes with): Castboard serves each stream under its id —
//! `<id>.m3u8` (master playlist), `<id>/index.m3u8` (media playlist), `<id>/<ms>.ts`
//! (fragments) — and rewrites nginx's playlist to those addresses.

use std::fmt::Write;
use uuid::Uuid;

/// One quality of a master playlist: a member of the group that is playing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub id: Uuid,
    /// The member's index in its group (0 = passthrough); the player's `startIndex`.
    pub index: u32,
    /// Peak bits per second.
    pub bandwidth: u64,
    /// Width and height, when known.
    pub resolution: Option<(u32, u32)>,
    pub frame_rate: Option<u32>,
}

/// A master playlist listing `variants` in the given order (highest quality first).
/// Each variant is named by its index (`NAME="0"`) so a player can find a member.
pub fn master(variants: &[Variant], token: Option<&str>) -> String {
    let mut s = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for v in variants {
        let _ = write!(s, "#EXT-X-STREAM-INF:BANDWIDTH={}", v.bandwidth.max(1));
        if let Some((w, h)) = v.resolution.filter(|(w, h)| *w > 0 && *h > 0) {
            let _ = write!(s, ",RESOLUTION={w}x{h}");
        }
        if let Some(fps) = v.frame_rate.filter(|f| *f > 0) {
            let _ = write!(s, ",FRAME-RATE={fps}.000");
        }
        let _ = writeln!(s, ",NAME=\"{}\"", v.index);
        s.push_str(&with_token_line(&format!("{}/index.m3u8", v.id), token));
        s.push('\n');
    }
    s
}

/// The fragments of nginx's playlist for `name`: each one's duration in seconds and
/// its epoch-milliseconds number.
pub fn fragments(nginx_playlist: &str, name: &str) -> Vec<(f64, u64)> {
    let mut out = Vec::new();
    let mut duration: Option<f64> = None;
    for line in nginx_playlist.lines() {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            duration = rest.split(',').next().and_then(|d| d.trim().parse().ok());
        } else if !line.starts_with('#') && !line.is_empty() {
            if let (Some(d), Some(n)) = (duration.take(), fragment_number(line, name)) {
                out.push((d, n));
            }
        }
    }
    out
}

/// `<name>-<digits>.ts` → the digits.
fn fragment_number(file: &str, name: &str) -> Option<u64> {
    let digits = file
        .strip_prefix(name)?
        .strip_prefix('-')?
        .strip_suffix(".ts")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// nginx's playlist for `name` as a viewer gets it: fragments addressed by number alone
/// (`<ms>.ts`, next to the playlist), each preceded by its wall-clock start
/// (`#EXT-X-PROGRAM-DATE-TIME`, from the number: nginx names a fragment after the moment
/// it began), so players know how far behind real time they are; the token carried into
/// each address; and, once the stream has ended, `#EXT-X-ENDLIST` so players stop at the
/// last fragment.
pub fn media(nginx_playlist: &str, name: &str, ended: bool, token: Option<&str>) -> String {
    let mut out = String::with_capacity(nginx_playlist.len() + 64);
    let mut has_end = false;
    for line in nginx_playlist.lines() {
        if line.starts_with('#') || line.is_empty() {
            has_end |= line.trim() == "#EXT-X-ENDLIST";
            out.push_str(line);
        } else {
            // A line that is not one of this stream's fragments is left out rather than
            // pointing players at a file they could not get.
            let Some(number) = fragment_number(line, name) else {
                continue;
            };
            if let Some(at) = program_date_time(number) {
                out.push_str(&at);
                out.push('\n');
            }
            out.push_str(&with_token_line(&format!("{number}.ts"), token));
        }
        out.push('\n');
    }
    if ended && !has_end {
        out.push_str("#EXT-X-ENDLIST\n");
    }
    out
}

/// A replay playlist (ffmpeg's, `media::replay`) as a viewer gets it: only its segments
/// (`<n>.ts`, next to the playlist) with the token carried into each address, and once
/// the stream has ended `#EXT-X-ENDLIST` (ffmpeg writes it when the stream closes, but
/// not when it is stopped), so players stop at the last segment.
pub fn replay(ffmpeg_playlist: &str, ended: bool, token: Option<&str>) -> String {
    let mut out = String::with_capacity(ffmpeg_playlist.len() + 64);
    let mut has_end = false;
    // A segment's `#EXTINF` waits for its address: a line that is not one of ours is left
    // out with it.
    let mut pending: Option<&str> = None;
    for line in ffmpeg_playlist.lines() {
        if line.starts_with("#EXTINF") {
            pending = Some(line);
        } else if line.starts_with('#') || line.is_empty() {
            has_end |= line.trim() == "#EXT-X-ENDLIST";
            out.push_str(line);
            out.push('\n');
        } else if let Some(number) = segment_number(line) {
            if let Some(info) = pending.take() {
                out.push_str(info);
                out.push('\n');
            }
            out.push_str(&with_token_line(&format!("{number}.ts"), token));
            out.push('\n');
        } else {
            pending = None;
        }
    }
    if ended && !has_end {
        out.push_str("#EXT-X-ENDLIST\n");
    }
    out
}

/// `<digits>.ts` → the number: the only names a replay's segments have.
pub fn segment_number(file: &str) -> Option<u64> {
    let digits = file.trim().strip_suffix(".ts")?;
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `#EXT-X-PROGRAM-DATE-TIME:` of the epoch milliseconds `ms` (UTC, milliseconds).
fn program_date_time(ms: u64) -> Option<String> {
    let at = chrono::DateTime::from_timestamp_millis(i64::try_from(ms).ok()?)?;
    Some(format!(
        "#EXT-X-PROGRAM-DATE-TIME:{}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    ))
}

/// `address?token=…` (or `&token=` when it has a query already).
fn with_token_line(address: &str, token: Option<&str>) -> String {
    match token.filter(|t| !t.is_empty()) {
        None => address.to_string(),
        Some(token) => {
            let token: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
            let sep = if address.contains('?') { '&' } else { '?' };
            format!("{address}{sep}token={token}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_playlist_keeps_its_segments_with_the_token_and_ends_once_the_stream_has() {
        let ffmpeg = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n\
                      #EXTINF:1.000000,\n7.ts\n#EXTINF:1.000000,\n../x.ts\n#EXTINF:1.000000,\n8.ts\n";
        assert_eq!(
            replay(ffmpeg, false, Some("a b")),
            "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n\
             #EXTINF:1.000000,\n7.ts?token=a+b\n#EXTINF:1.000000,\n8.ts?token=a+b\n"
        );
        assert!(replay(ffmpeg, true, None).ends_with("8.ts\n#EXT-X-ENDLIST\n"));
        let ended = "#EXTM3U\n#EXTINF:1.0,\n0.ts\n#EXT-X-ENDLIST\n";
        assert_eq!(replay(ended, true, None), ended, "one end only");
        assert_eq!(segment_number("12.ts"), Some(12));
        assert_eq!(segment_number("a.ts"), None);
        assert_eq!(segment_number(".ts"), None);
    }

    const NGINX: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:7\n\
        #EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\nHX26g-NRbx9-1796294106009.ts\n\
        #EXTINF:0.933,\nHX26g-NRbx9-1796294107009.ts\n";

    #[test]
    fn viewers_get_fragments_by_number_with_the_token_and_no_streamname() {
        assert_eq!(
            media(NGINX, "HX26g-NRbx9", false, Some("a.b+c")),
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-TARGETDURATION:1\n\
             #EXTINF:1.000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:35:06.009Z\n1796294106009.ts?token=a.b%2Bc\n\
             #EXTINF:0.933,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:35:07.009Z\n1796294107009.ts?token=a.b%2Bc\n"
        );
        let plain = media(NGINX, "HX26g-NRbx9", false, None);
        assert!(!plain.contains("HX26g"), "{plain}");
        assert!(plain.contains("\n1796294107009.ts\n"), "{plain}");
    }

    #[test]
    fn an_ended_stream_gets_an_end_tag_once() {
        let ended = media(NGINX, "HX26g-NRbx9", true, None);
        assert!(
            ended.ends_with("1796294107009.ts\n#EXT-X-ENDLIST\n"),
            "{ended}"
        );
        let again = media(
            &ended.replace("1796", "HX26g-NRbx9-1796"),
            "HX26g-NRbx9",
            true,
            None,
        );
        assert_eq!(again.matches("#EXT-X-ENDLIST").count(), 1);
        assert!(!media(NGINX, "HX26g-NRbx9", false, None).contains("ENDLIST"));
    }

    #[test]
    fn lines_of_other_names_are_left_out() {
        let odd = "#EXTM3U\n#EXTINF:1.0,\n../secret.ts\n#EXTINF:1.0,\nOther-Name0-5.ts\n#EXTINF:1.0,\nHX26g-NRbx9-12.ts\n";
        assert_eq!(
            media(odd, "HX26g-NRbx9", false, None),
            "#EXTM3U\n#EXTINF:1.0,\n#EXTINF:1.0,\n#EXTINF:1.0,\n\
             #EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:00.012Z\n12.ts\n"
        );
    }

    #[test]
    fn fragments_are_read_with_their_durations() {
        assert_eq!(
            fragments(NGINX, "HX26g-NRbx9"),
            vec![(1.0, 1_796_294_106_009), (0.933, 1_796_294_107_009)]
        );
        assert!(fragments(NGINX, "Other-Name0").is_empty());
    }

    #[test]
    fn the_master_lists_each_variant_with_what_is_known() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let text = master(
            &[
                Variant {
                    id: a,
                    index: 0,
                    bandwidth: 1_200_000,
                    resolution: Some((1280, 720)),
                    frame_rate: Some(30),
                },
                Variant {
                    id: b,
                    index: 2,
                    bandwidth: 400_000,
                    resolution: None,
                    frame_rate: None,
                },
            ],
            Some("t"),
        );
        assert_eq!(
            text,
            format!(
                "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n\
                 #EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=1280x720,FRAME-RATE=30.000,NAME=\"0\"\n\
                 {a}/index.m3u8?token=t\n\
                 #EXT-X-STREAM-INF:BANDWIDTH=400000,NAME=\"2\"\n{b}/index.m3u8?token=t\n"
            )
        );
    }
}
