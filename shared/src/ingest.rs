//! What an encoder should send to Castboard's media server, in one place: the media
//! server's configuration (fragment length) and the dashboard's instructions (OBS and
//! ffmpeg settings) both read it, so the advice always matches the server.

/// Length of an HLS fragment, in seconds. The media server cuts fragments at keyframes,
/// so an encoder must send a keyframe at least this often for the latency to hold.
pub const FRAGMENT_SECONDS: u32 = 1;

/// The encoder settings that work with this server, as (setting, value) pairs in the
/// order OBS shows them (Settings → Output, "Advanced" output mode).
pub fn obs_settings() -> Vec<(&'static str, String)> {
    vec![
        ("Video encoder", "x264 (H.264)".into()),
        ("Rate control", "CBR".into()),
        ("Bitrate", "2500 Kbps for 720p, 4500 Kbps for 1080p".into()),
        ("Keyframe interval", format!("{FRAGMENT_SECONDS} s")),
        ("CPU usage preset", "veryfast".into()),
        ("Profile", "main".into()),
        ("Tune", "zerolatency".into()),
        ("Audio", "AAC, 128 Kbps, 44.1 or 48 kHz".into()),
    ]
}

/// The full ingest address: the RTMP application URL plus the streamname.
pub fn ingest_target(rtmp_url: &str, streamname: &str) -> String {
    format!("{}/{streamname}", rtmp_url.trim_end_matches('/'))
}

/// The ffmpeg options that encode as [`obs_settings`] says: H.264 main, no B-frames, a
/// keyframe every [`FRAGMENT_SECONDS`] whatever the frame rate, constant bitrate, AAC.
fn encode_options(video_kbps: u32) -> String {
    format!(
        "-c:v libx264 -preset veryfast -tune zerolatency -profile:v main -pix_fmt yuv420p \
         -force_key_frames \"expr:gte(t,n_forced*{FRAGMENT_SECONDS})\" \
         -b:v {video_kbps}k -maxrate {video_kbps}k -bufsize {buf}k \
         -c:a aac -b:a 128k -ar 44100 -f flv",
        buf = video_kbps * 2
    )
}

/// The ffmpeg command that sends `input.mp4` as a live stream.
pub fn ffmpeg_file_command(rtmp_url: &str, streamname: &str) -> String {
    format!(
        "ffmpeg -re -i input.mp4 {} {}",
        encode_options(2500),
        ingest_target(rtmp_url, streamname)
    )
}

/// The ffmpeg command that sends a test pattern with a tone (no file needed).
pub fn ffmpeg_test_pattern_command(rtmp_url: &str, streamname: &str) -> String {
    format!(
        "ffmpeg -re -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 {} {}",
        encode_options(2500),
        ingest_target(rtmp_url, streamname)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commands_send_keyframes_as_often_as_fragments_are_cut() {
        assert_eq!(
            ffmpeg_file_command("rtmp://127.0.0.1:1935/live/", "Ab3xY-k9PqZ"),
            "ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -profile:v main \
             -pix_fmt yuv420p -force_key_frames \"expr:gte(t,n_forced*1)\" -b:v 2500k -maxrate 2500k \
             -bufsize 5000k -c:a aac -b:a 128k -ar 44100 -f flv rtmp://127.0.0.1:1935/live/Ab3xY-k9PqZ"
        );
        assert!(
            ffmpeg_test_pattern_command("rtmp://h/live", "Ab3xY-k9PqZ").starts_with(
                "ffmpeg -re -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -c:v libx264 "
            )
        );
        let keyframe = obs_settings()
            .into_iter()
            .find(|(k, _)| *k == "Keyframe interval")
            .map(|(_, v)| v);
        assert_eq!(keyframe.as_deref(), Some("1 s"));
    }
}
