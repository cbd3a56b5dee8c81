//! Runs a child process (the media server, a test source) for as long as Castboard
//! wants it: restarted with backoff when it dies, its output logged, and stopped for good
//! by [`Supervised::stop`] — or, should Castboard itself be killed, by the kernel.
//!
//! No orphans: every child is started through `setpriv --pdeathsig KILL`, so it receives
//! SIGKILL the moment the thread that started it is gone, whatever way Castboard ends
//! (Ctrl-C, SIGTERM, a crash, `kill -9`). Children must therefore be single processes
//! (nginx runs with `master_process off`).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Where `setpriv` (util-linux) lives on Debian.
const SETPRIV: &str = "/usr/bin/setpriv";

/// The first wait before a restart; it doubles up to [`MAX_BACKOFF`] while the child
/// keeps dying young, and starts over once it has run for [`HEALTHY`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const HEALTHY: Duration = Duration::from_secs(30);

/// A process to run.
#[derive(Debug, Clone)]
pub struct ProcessSpec {
    /// For the logs: `nginx`, `test source HX26g-NRbx9`.
    pub label: String,
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Restart when it exits (the media server) or let it end (a test source).
    pub restart: bool,
    /// Files a killed predecessor leaves behind and the process would trip over (a Unix
    /// socket it listens on), removed before every start.
    pub stale_files: Vec<PathBuf>,
}

/// The command that starts `spec`, tied to this thread's life where `setpriv` exists.
fn command(spec: &ProcessSpec) -> Command {
    for stale in &spec.stale_files {
        let _ = std::fs::remove_file(stale);
    }
    let mut cmd = if std::path::Path::new(SETPRIV).exists() {
        let mut c = Command::new(SETPRIV);
        c.args(["--pdeathsig", "KILL", "--"]).arg(&spec.program);
        c
    } else {
        Command::new(&spec.program)
    };
    cmd.args(&spec.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Logs each line the child writes.
fn forward_output(label: &str, child: &mut Child) {
    let streams: [Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>; 2] = [
        child.stdout.take().map(|s| Box::new(s) as _),
        child.stderr.take().map(|s| Box::new(s) as _),
    ];
    for stream in streams.into_iter().flatten() {
        let label = label.to_string();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(process = %label, "{line}");
            }
        });
    }
}

/// Completes once a stop is asked for (or the stop channel is gone).
async fn until_stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// A running (or restarting) child; dropping it without [`Supervised::stop`] still
/// kills the child (the stop channel closes, which the task takes as a stop).
pub struct Supervised {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    /// The pid of the child running now, if any.
    pid: watch::Receiver<Option<u32>>,
    /// Set once the process has ended and will not be restarted.
    finished: watch::Receiver<bool>,
}

impl Supervised {
    /// Starts `spec` now; fails only when it cannot be started at all.
    pub fn start(spec: ProcessSpec) -> std::io::Result<Supervised> {
        let mut child = command(&spec).spawn()?;
        forward_output(&spec.label, &mut child);
        let (stop, mut stopped) = watch::channel(false);
        let (pid_tx, pid) = watch::channel(child.id());
        let (finished_tx, finished) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut backoff = FIRST_BACKOFF;
            loop {
                let started = tokio::time::Instant::now();
                let status = tokio::select! {
                    status = child.wait() => status,
                    () = until_stopped(&mut stopped) => {
                        let _ = child.kill().await;
                        break;
                    }
                };
                let _ = pid_tx.send(None);
                match &status {
                    Ok(s) if s.success() && !spec.restart => {
                        tracing::info!(process = %spec.label, "ended");
                    }
                    Ok(s) => tracing::warn!(process = %spec.label, status = %s, "exited"),
                    Err(e) => tracing::warn!(process = %spec.label, error = %e, "lost"),
                }
                if !spec.restart {
                    break;
                }
                if started.elapsed() >= HEALTHY {
                    backoff = FIRST_BACKOFF;
                }
                tracing::info!(process = %spec.label, wait = ?backoff, "restarting");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = until_stopped(&mut stopped) => break,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                match command(&spec).spawn() {
                    Ok(mut next) => {
                        forward_output(&spec.label, &mut next);
                        let _ = pid_tx.send(next.id());
                        child = next;
                    }
                    Err(e) => {
                        tracing::error!(process = %spec.label, error = %e, "cannot restart");
                        break;
                    }
                }
            }
            let _ = pid_tx.send(None);
            let _ = finished_tx.send(true);
        });
        Ok(Supervised {
            stop,
            task,
            pid,
            finished,
        })
    }

    /// The pid of the process running now.
    pub fn pid(&self) -> Option<u32> {
        *self.pid.borrow()
    }

    /// Whether the process has ended for good (a run-once process that finished).
    pub fn is_finished(&self) -> bool {
        *self.finished.borrow()
    }

    /// Completes once the process has ended for good.
    pub async fn finished(&self) {
        let mut finished = self.finished.clone();
        let _ = finished.wait_for(|f| *f).await;
    }

    /// Completes once the process has ended for good, without borrowing `self` (for a
    /// task that watches a process someone else may stop).
    pub fn on_finished(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut finished = self.finished.clone();
        async move {
            let _ = finished.wait_for(|f| *f).await;
        }
    }

    /// Kills the process (it is not restarted) and waits until it is gone.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
    }

    #[tokio::test]
    async fn a_child_that_dies_is_restarted_and_stop_kills_it_for_good() {
        let spec = ProcessSpec {
            label: "sleeper".into(),
            program: "sleep".into(),
            args: vec!["1000".into()],
            restart: true,
            stale_files: vec![],
        };
        let running = Supervised::start(spec).expect("starts");
        let first = running.pid().expect("a pid");
        assert!(alive(first));

        std::process::Command::new("kill")
            .args(["-KILL", &first.to_string()])
            .status()
            .expect("kill runs");
        let mut pids = running.pid.clone();
        let second = *pids
            .wait_for(|p| p.is_some_and(|p| p != first))
            .await
            .expect("restarted");
        let second = second.expect("a pid");
        running.stop().await;

        assert!(!alive(first));
        assert!(!alive(second), "stopped for good");
    }

    #[tokio::test]
    async fn a_run_once_child_finishes() {
        let spec = ProcessSpec {
            label: "true".into(),
            program: "true".into(),
            args: vec![],
            restart: false,
            stale_files: vec![],
        };
        let once = Supervised::start(spec).expect("starts");
        once.finished().await;
        assert!(once.is_finished());
        assert_eq!(once.pid(), None);
    }
}
