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

/// How long to wait before restarting a child that died: `first`, doubling up to `max`
/// while it keeps dying young, and `first` again once it has run for `healthy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub healthy: Duration,
}

impl Backoff {
    /// The media server's and the demo test source's: 0.5 s, doubling to 30 s.
    pub const DEFAULT: Backoff = Backoff {
        first: Duration::from_millis(500),
        max: Duration::from_secs(30),
        healthy: Duration::from_secs(30),
    };
}

/// Where a supervised child stands, as [`Supervised::life`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Life {
    /// Run number `run` (1 for the first start) is running as `pid`.
    Running { run: u32, pid: Option<u32> },
    /// Run `run` ended: how (`exit status: 1`, `signal: 9 (SIGKILL)`) and the last line
    /// it wrote on stderr; it is started again after `restart_in`.
    Died {
        run: u32,
        status: String,
        last_line: Option<String>,
        restart_in: Duration,
    },
    /// Ended for good: stopped, a run-once child that finished, or a restart that
    /// failed (`reason`).
    Finished { reason: Option<String> },
}

/// A process to run.
#[derive(Debug, Clone)]
pub struct ProcessSpec {
    /// For the logs: `nginx`, `test source HX26g-NRbx9`.
    pub label: String,
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Restart when it exits (the media server) or let it end (a test source).
    pub restart: bool,
    /// The pauses between restarts.
    pub backoff: Backoff,
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

/// The last line a child wrote on stderr, read once its output has ended.
type LastLine = tokio::sync::oneshot::Receiver<Option<String>>;

/// Logs each line the child writes; the last (non-empty) line of stderr comes out of
/// the returned channel when the child's stderr closes.
fn forward_output(label: &str, child: &mut Child) -> LastLine {
    let (last_tx, last) = tokio::sync::oneshot::channel();
    if let Some(stdout) = child.stdout.take() {
        let label = label.to_string();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::info!(process = %label, "{line}");
            }
        });
    }
    match child.stderr.take() {
        Some(stderr) => {
            let label = label.to_string();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                let mut last = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    tracing::info!(process = %label, "{line}");
                    if !line.trim().is_empty() {
                        last = Some(line.trim().to_string());
                    }
                }
                let _ = last_tx.send(last);
            });
        }
        None => {
            let _ = last_tx.send(None);
        }
    }
    last
}

/// How a run ended: the exit status and the last line of stderr (waiting briefly for
/// it: the pipe closes with the process).
async fn death(
    status: &std::io::Result<std::process::ExitStatus>,
    last: LastLine,
) -> (String, Option<String>) {
    let how = match status {
        Ok(s) => s.to_string(),
        Err(e) => format!("lost: {e}"),
    };
    let line = tokio::time::timeout(Duration::from_millis(500), last)
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    (how, line)
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
    /// Where it stands.
    life: watch::Receiver<Life>,
}

impl Supervised {
    /// Starts `spec` now; fails only when it cannot be started at all.
    pub fn start(spec: ProcessSpec) -> std::io::Result<Supervised> {
        let mut child = command(&spec).spawn()?;
        let mut last = forward_output(&spec.label, &mut child);
        let (stop, mut stopped) = watch::channel(false);
        let (pid_tx, pid) = watch::channel(child.id());
        let (finished_tx, finished) = watch::channel(false);
        let (life_tx, life) = watch::channel(Life::Running {
            run: 1,
            pid: child.id(),
        });
        let task = tokio::spawn(async move {
            let mut backoff = spec.backoff.first;
            let mut run = 1;
            let mut end = None;
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
                let (how, last_line) = death(&status, last).await;
                if !spec.restart {
                    end = Some(match last_line {
                        Some(line) => format!("{how}: {line}"),
                        None => how,
                    });
                    break;
                }
                if started.elapsed() >= spec.backoff.healthy {
                    backoff = spec.backoff.first;
                }
                let _ = life_tx.send(Life::Died {
                    run,
                    status: how,
                    last_line,
                    restart_in: backoff,
                });
                tracing::info!(process = %spec.label, wait = ?backoff, "restarting");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = until_stopped(&mut stopped) => break,
                }
                backoff = (backoff * 2).min(spec.backoff.max);
                match command(&spec).spawn() {
                    Ok(mut next) => {
                        last = forward_output(&spec.label, &mut next);
                        run += 1;
                        let _ = pid_tx.send(next.id());
                        let _ = life_tx.send(Life::Running {
                            run,
                            pid: next.id(),
                        });
                        child = next;
                    }
                    Err(e) => {
                        tracing::error!(process = %spec.label, error = %e, "cannot restart");
                        end = Some(format!("cannot be started: {e}"));
                        break;
                    }
                }
            }
            let _ = pid_tx.send(None);
            let _ = life_tx.send(Life::Finished { reason: end });
            let _ = finished_tx.send(true);
        });
        Ok(Supervised {
            stop,
            task,
            pid,
            finished,
            life,
        })
    }

    /// Where the process stands; changes as it dies and is restarted.
    pub fn life(&self) -> watch::Receiver<Life> {
        self.life.clone()
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
            backoff: Backoff::DEFAULT,
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
    async fn a_death_is_reported_with_its_status_and_last_error_line_then_the_next_run() {
        let spec = ProcessSpec {
            label: "failing".into(),
            program: "sh".into(),
            args: vec![
                "-c".into(),
                "echo first >&2; echo 'it broke' >&2; exit 3".into(),
            ],
            restart: true,
            backoff: Backoff {
                first: Duration::from_millis(50),
                max: Duration::from_millis(100),
                healthy: Duration::from_secs(60),
            },
            stale_files: vec![],
        };
        let failing = Supervised::start(spec).expect("starts");
        let mut life = failing.life();

        let died = life
            .wait_for(|l| matches!(l, Life::Died { .. }))
            .await
            .expect("reported")
            .clone();
        let second = life
            .wait_for(|l| matches!(l, Life::Running { run: 2, .. }))
            .await
            .is_ok_and(|l| matches!(*l, Life::Running { pid: Some(_), .. }));
        failing.stop().await;

        assert_eq!(
            died,
            Life::Died {
                run: 1,
                status: "exit status: 3".into(),
                last_line: Some("it broke".into()),
                restart_in: Duration::from_millis(50),
            }
        );
        assert!(second, "run 2 has a pid");
        assert_eq!(*life.borrow(), Life::Finished { reason: None });
    }

    #[tokio::test]
    async fn a_run_once_child_finishes() {
        let spec = ProcessSpec {
            label: "true".into(),
            program: "true".into(),
            args: vec![],
            restart: false,
            backoff: Backoff::DEFAULT,
            stale_files: vec![],
        };
        let once = Supervised::start(spec).expect("starts");
        once.finished().await;
        assert!(once.is_finished());
        assert_eq!(once.pid(), None);
    }
}
