//! The media server's configuration, rendered from Castboard's settings: nginx with the
//! RTMP module, one application (`live`) whose hooks call Castboard's ingest API, HLS
//! with one-second fragments into the media folder, and a control and statistics
//! endpoint on a Unix socket only Castboard uses.
//!
//! Pure text: [`embedded`] is the whole file nginx runs with when Castboard runs it;
//! [`rtmp_block`] is the part an operator includes in their own nginx (`--media
//! external`, printed by `castboard media-config`).

use super::recording::Slot;
use std::fmt::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The RTMP application encoders publish to: `rtmp://host:port/live/<streamname>`.
pub const APP: &str = "live";

/// What the configuration is made of.
#[derive(Debug, Clone)]
pub struct MediaConf {
    /// The RTMP module's shared object (Debian: libnginx-mod-rtmp).
    pub rtmp_module: PathBuf,
    /// Where encoders connect.
    pub rtmp_listen: SocketAddr,
    /// Castboard's ingest API as nginx reaches it, e.g. `http://127.0.0.1:3000/api/v1/ingest`.
    pub hooks_base: String,
    /// The ingest hook secret.
    pub secret: String,
    /// The media folder: HLS, logs, temporary files, pid, control socket.
    pub dir: PathBuf,
    /// How often a running ingest is confirmed with Castboard (`on_update`); a refusal
    /// cuts the encoder.
    pub update_interval: Duration,
}

/// Where the media folder's parts are.
impl MediaConf {
    pub fn hls_dir(&self) -> PathBuf {
        hls_dir(&self.dir)
    }
    pub fn control_socket(&self) -> PathBuf {
        control_socket(&self.dir)
    }
    pub fn conf_file(&self) -> PathBuf {
        self.dir.join("nginx.conf")
    }
}

/// The HLS folder of a media folder: `<name>.m3u8` and `<name>-<epoch ms>.ts` per stream.
pub fn hls_dir(media_dir: &Path) -> PathBuf {
    media_dir.join("hls")
}

/// The control and statistics socket of a media folder.
pub fn control_socket(media_dir: &Path) -> PathBuf {
    media_dir.join("control.sock")
}

/// A path as nginx reads it in a directive (quoted; paths with quotes are refused when
/// the media folder is prepared).
fn quoted(p: &Path) -> String {
    format!("\"{}\"", p.display())
}

/// The `rtmp { … }` block: the application, its hooks and HLS.
pub fn rtmp_block(c: &MediaConf) -> String {
    let hook = |event: &str| format!("{}/{event}?secret={}", c.hooks_base, c.secret);
    let update = c.update_interval.as_secs().max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        "rtmp {{
    server {{
        listen {listen};
        chunk_size 4096;
        # An encoder that sends nothing for this long is dropped (its stream ends).
        drop_idle_publisher {idle}s;

        application {APP} {{
            live on;
            # Playback is over HLS; RTMP play only from this machine (transcoding).
            allow play 127.0.0.1;
            deny play all;

            # Castboard decides: publish is allowed only for a known stream that may go
            # live; a refused update (stream locked or gone) cuts the encoder.
            on_publish {publish};
            on_publish_done {done};
            on_update {update_hook};
            notify_update_timeout {update}s;
            notify_update_strict on;
            notify_method post;

            hls on;
            hls_path {hls};
            hls_nested off;
            hls_fragment {fragment}s;
            hls_playlist_length {playlist}s;
            hls_fragment_naming system;
            hls_cleanup on;

            # Recording: started, split and stopped by Castboard through the control
            # channel; each closed file goes to the record_done hook, which remuxes it.
            # Two recorders used in turn, so the next file of a split recording can
            # start before the current one closes.
            recorder {recorder_a} {{
                record all manual;
                record_path {raw};
                record_suffix {suffix_a};
                record_unique on;
                on_record_done {record_done};
            }}
            recorder {recorder_b} {{
                record all manual;
                record_path {raw};
                record_suffix {suffix_b};
                record_unique on;
                on_record_done {record_done};
            }}
        }}
    }}
}}
",
        listen = c.rtmp_listen,
        idle = update,
        publish = hook("publish"),
        done = hook("publish_done"),
        update_hook = hook("update_publish"),
        hls = quoted(&c.hls_dir()),
        fragment = shared::ingest::FRAGMENT_SECONDS,
        playlist = shared::ingest::FRAGMENT_SECONDS * 6,
        recorder_a = Slot::A.recorder(),
        recorder_b = Slot::B.recorder(),
        suffix_a = Slot::A.suffix(),
        suffix_b = Slot::B.suffix(),
        raw = quoted(&super::recording::raw_dir(&c.dir)),
        record_done = hook("record_done"),
    );
    s
}

/// The whole file for an nginx that Castboard runs: one process (so it ends with
/// Castboard, and nothing of it outlives a crash), every path inside the media folder.
pub fn embedded(c: &MediaConf) -> String {
    let dir = &c.dir;
    let temp = |name: &str| quoted(&dir.join("temp").join(name));
    format!(
        "# Written by Castboard at every start; edits are overwritten.
load_module {module};
daemon off;
master_process off;
worker_processes 1;
pid {pid};
error_log {log} warn;

events {{
    worker_connections 1024;
}}

{rtmp}
http {{
    access_log off;
    client_body_temp_path {body};
    proxy_temp_path {proxy};
    fastcgi_temp_path {fastcgi};
    uwsgi_temp_path {uwsgi};
    scgi_temp_path {scgi};

    # Castboard's own channel to the media server: cutting an ingest, statistics.
    server {{
        listen unix:{socket};
        location /control {{
            rtmp_control all;
        }}
        location /stat {{
            rtmp_stat all;
        }}
    }}
}}
",
        module = quoted(&c.rtmp_module),
        pid = quoted(&dir.join("nginx.pid")),
        log = quoted(&dir.join("logs").join("error.log")),
        rtmp = rtmp_block(c),
        body = temp("body"),
        proxy = temp("proxy"),
        fastcgi = temp("fastcgi"),
        uwsgi = temp("uwsgi"),
        scgi = temp("scgi"),
        socket = c.control_socket().display(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf() -> MediaConf {
        MediaConf {
            rtmp_module: "/usr/lib/nginx/modules/ngx_rtmp_module.so".into(),
            rtmp_listen: "127.0.0.1:1935".parse().expect("addr"),
            hooks_base: "http://127.0.0.1:3000/api/v1/ingest".into(),
            secret: "s3cr3t".into(),
            dir: "/srv/castboard/media".into(),
            update_interval: Duration::from_secs(5),
        }
    }

    #[test]
    fn the_rtmp_block_calls_every_hook_with_the_secret() {
        let block = rtmp_block(&conf());
        for (directive, event) in [
            ("on_publish", "publish"),
            ("on_publish_done", "publish_done"),
            ("on_update", "update_publish"),
            ("on_record_done", "record_done"),
        ] {
            let line =
                format!("{directive} http://127.0.0.1:3000/api/v1/ingest/{event}?secret=s3cr3t;");
            assert!(block.contains(&line), "{line} in\n{block}");
        }
        assert!(block.contains("listen 127.0.0.1:1935;"));
        assert!(block.contains("notify_update_timeout 5s;"));
        assert!(block.contains("drop_idle_publisher 5s;"));
        assert!(block.contains("hls_path \"/srv/castboard/media/hls\";"));
        assert!(block.contains("hls_fragment 1s;"));
        assert!(block.contains("application live {"));
        assert!(block.contains("recorder castboard-a {"));
        assert!(block.contains("recorder castboard-b {"));
        assert!(block.contains("record_suffix .b.flv;"));
        assert!(block.contains("record all manual;"));
        assert!(block.contains("record_path \"/srv/castboard/media/recordings/raw\";"));
    }

    #[test]
    fn the_embedded_file_keeps_everything_in_the_media_folder() {
        let file = embedded(&conf());
        assert!(file.starts_with("# Written by Castboard"));
        assert!(file.contains("load_module \"/usr/lib/nginx/modules/ngx_rtmp_module.so\";"));
        assert!(file.contains("master_process off;"));
        assert!(file.contains("daemon off;"));
        assert!(file.contains("pid \"/srv/castboard/media/nginx.pid\";"));
        assert!(file.contains("listen unix:/srv/castboard/media/control.sock;"));
        for line in file
            .lines()
            .filter(|l| l.contains("\"/") || l.contains("unix:"))
        {
            assert!(
                line.contains("/srv/castboard/media/") || line.contains("ngx_rtmp_module"),
                "a path outside the media folder: {line}"
            );
        }
        // Braces balance: nginx would refuse the file otherwise.
        assert_eq!(file.matches('{').count(), file.matches('}').count());
    }
}
