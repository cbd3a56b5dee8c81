//! The operator command line: runs one parsed [`Cli`] and maps the outcome to an exit
//! code. Results go to stdout (JSON lines for `org` commands); logs and one-line errors
//! go to stderr.
//!
//! Exit codes: 0 success; 1 the command failed (unknown organisation, email taken,
//! database trouble); 2 invalid arguments (as clap does for usage errors).

use crate::client_addr::TrustedProxies;
use crate::config::{Cli, Command, MediaArgs, OrgCommand, ServeArgs};
use crate::connections::ConnectionLimits;
use crate::duty::{Duty, LeaseTerms, PlaneSetup, Standing};
use crate::media::nginx_conf::{self, MediaConf};
use crate::media::transcode::{self, TranscodeConfig};
use crate::media::{test_source, MediaMode};
use crate::state::{AppState, Settings};
use crate::store::{OpenError, Store, StoreError};
use crate::{demo, secrets, web};
use clap::{CommandFactory, Parser};
use serde_json::json;
use shared::model::Feature;
use shared::validate::{Email, OrgHash, OrgName, Password};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Settings key of the generated ingest hook secret.
const INGEST_SECRET_KEY: &str = "ingest_secret";

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad argument values: exit code 2.
    #[error("{0}")]
    Usage(String),
    /// The command could not be carried out: exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        CliError::Failed(e.to_string())
    }
}

impl From<OpenError> for CliError {
    fn from(e: OpenError) -> CliError {
        CliError::Failed(e.to_string())
    }
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

/// Writes one line to stdout: the command's result, not a log.
fn out(line: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|_| stdout.flush())
        .map_err(|e| CliError::Failed(format!("cannot write to stdout: {e}")))
}

fn usage(field: &str, why: String) -> CliError {
    CliError::Usage(format!("{field} {why}"))
}

/// Parses the command line `args` (the program's name first). `--help` and `--version`
/// are answered as clap does (on stdout, exit 0); every other problem with the arguments
/// is a [`CliError::Usage`] of one line: clap's reason, with what it lists and suggests,
/// and where the help is, e.g. `unexpected argument '--nope' found (see castboard serve
/// --help)`.
pub fn parse<I, T>(args: I) -> Result<Cli, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => Ok(cli),
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => Err(CliError::Usage(one_line(&e, &command_path(&args)))),
    }
}

/// A clap error on one line. clap writes the reason first (`error: …`), then what it
/// lists on lines of their own (required arguments, `[possible values: …]`), then tips,
/// usage and a pointer to `--help`; the line keeps the reason, the lists and the tips, and
/// points to the help of `command`.
fn one_line(e: &clap::Error, command: &str) -> String {
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // clap's text is the help itself (`Cli` turns this off, so it is not expected).
        return format!("arguments are missing (see {command} --help)");
    }
    let text = e.render().to_string();
    let mut lines = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let mut line = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let mut listed = Vec::new();
    let mut notes = Vec::new();
    for l in lines {
        if let Some(tip) = l.strip_prefix("tip: ") {
            notes.push(tip);
        } else if let Some(list) = l.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            notes.push(list);
        } else {
            listed.push(l);
        }
    }
    if !listed.is_empty() {
        line.push(' ');
        line.push_str(&listed.join(", "));
    }
    for note in notes {
        line.push_str("; ");
        line.push_str(note);
    }
    format!("{line} (see {command} --help)")
}

/// The (sub)command whose arguments clap was reading when it stopped at a problem in
/// `args`, such as `castboard org feature`: the subcommands named in order, skipping the
/// values of options that take one, up to the first argument no command knows.
fn command_path(args: &[OsString]) -> String {
    let root = Cli::command();
    let mut path = vec![root.get_name().to_string()];
    let mut scopes: Vec<&clap::Command> = vec![&root];
    // Among the options of the commands so far, the one `is` picks out: `None` when
    // there is none, else whether it takes a value.
    let option = |scopes: &[&clap::Command], is: &dyn Fn(&clap::Arg) -> bool| {
        scopes
            .iter()
            .flat_map(|c| c.get_arguments())
            .find(|a| is(a))
            .map(|a| a.get_action().takes_values())
    };
    let mut rest = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = rest.next() {
        if arg == "--" {
            break;
        }
        // `None`: no command knows `arg` (clap stopped there); `Some(true)`: an option
        // whose value is the next argument; `Some(false)`: anything else known.
        let known = if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            option(&scopes, &|a| a.get_long() == Some(name))
                .map(|takes_value| takes_value && !value)
                .or_else(|| ["help", "version"].contains(&name).then_some(false))
        } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => option(&scopes, &|a| a.get_short() == Some(c)),
                // Several short flags at once, or a negative number: none of them here.
                _ => None,
            }
        } else {
            let scope = scopes.last().copied();
            match scope.filter(|c| c.has_subcommands()) {
                Some(c) => match c.find_subcommand(arg.as_ref()) {
                    Some(sub) => {
                        path.push(sub.get_name().to_string());
                        scopes.push(sub);
                        Some(false)
                    }
                    None => None,
                },
                // A value of the command itself.
                None => Some(false),
            }
        };
        match known {
            Some(true) => {
                rest.next();
            }
            Some(false) => {}
            None => break,
        }
    }
    path.join(" ")
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Flags are checked before the database is opened, so a typo leaves nothing behind.
    let player = match &cli.command {
        Command::Serve(args) => Some(PlayerOverrides::of(args)?),
        _ => None,
    };
    let store = Store::open(&cli.database_url).await?;
    let result = match cli.command {
        Command::Serve(args) => {
            serve(&store, *args, player.unwrap_or_default(), cli.ingest_secret).await
        }
        Command::Org(cmd) => org(&store, cmd).await,
        Command::IngestSecret => out(&ingest_secret(&store, cli.ingest_secret).await?),
        Command::MediaConfig(args) => {
            let secret = ingest_secret(&store, cli.ingest_secret).await?;
            let conf = media_conf(&args.media_args, &args.castboard_url, &secret);
            out(nginx_conf::rtmp_block(&conf).trim_end())
        }
        Command::CopyDatabase(args) => copy_database(&store, &args.to).await,
    };
    store.close().await;
    result
}

/// The configured ingest secret, or the generated one (created and stored on first use).
pub async fn ingest_secret(store: &Store, configured: Option<String>) -> Result<String, CliError> {
    match configured.filter(|s| !s.is_empty()) {
        Some(s) => Ok(s),
        None => Ok(store
            .setting_or_insert(INGEST_SECRET_KEY, secrets::random_secret)
            .await?),
    }
}

/// `castboard copy-database --to URL`: every row of `store` into the database at `to`,
/// printed as one line per table (`<table> <rows>`), then a line of totals.
async fn copy_database(store: &Store, to: &str) -> Result<(), CliError> {
    let target = Store::open(to).await?;
    let started = std::time::Instant::now();
    let copied = store.copy_into(&target).await;
    target.close().await;
    let report = copied?;
    let width = report
        .tables
        .iter()
        .map(|t| t.table.len())
        .max()
        .unwrap_or(0);
    for t in &report.tables {
        out(&format!("{:<width$}  {:>10}", t.table, t.rows))?;
    }
    out(&format!(
        "copied {} rows of {} tables from {} to {} in {:.1} s",
        report.rows(),
        report.tables.len(),
        store.backend(),
        target.backend(),
        started.elapsed().as_secs_f64()
    ))
}

async fn org(store: &Store, cmd: OrgCommand) -> Result<(), CliError> {
    match cmd {
        OrgCommand::Create {
            name,
            admin_email,
            admin_password,
        } => {
            let name = OrgName::parse(&name).map_err(|e| usage("--name", e))?;
            let email = Email::parse(&admin_email).map_err(|e| usage("--admin-email", e))?;
            let password =
                Password::parse(&admin_password).map_err(|e| usage("--admin-password", e))?;
            let hash = secrets::hash_password(password.as_str())
                .await
                .map_err(|e| CliError::Failed(e.to_string()))?;
            let (org, admin) = store
                .create_organisation(&name, &email, &hash)
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => {
                        CliError::Failed(format!("a user with the email {email} already exists"))
                    }
                    e => e.into(),
                })?;
            let line = json!({
                "organisation": org,
                "admin": {"id": admin.id, "email": admin.email, "role": admin.role},
            });
            out(&line.to_string())
        }
        OrgCommand::List => {
            for org in store.list_organisations().await? {
                out(&serde_json::to_string(&org).map_err(|e| CliError::Failed(e.to_string()))?)?;
            }
            Ok(())
        }
        OrgCommand::Feature {
            hash,
            feature,
            state,
        } => {
            let hash = OrgHash::parse(&hash).map_err(|e| usage("the organisation hash", e))?;
            let feature: Feature = feature.parse().map_err(|e| usage("the feature", e))?;
            let org = store
                .set_feature(&hash, feature, state == "on")
                .await
                .map_err(|e| unknown_org(e, &hash))?;
            out(&serde_json::to_string(&org).map_err(|e| CliError::Failed(e.to_string()))?)
        }
        OrgCommand::Limit {
            hash,
            limit: _,
            value,
        } => {
            let hash = OrgHash::parse(&hash).map_err(|e| usage("the organisation hash", e))?;
            let max = shared::model::Limits::MAX_MAX_TRANSCODES;
            if value > max {
                return Err(usage("max_transcodes", format!("must be at most {max}")));
            }
            let org = store
                .set_max_transcodes(&hash, value)
                .await
                .map_err(|e| unknown_org(e, &hash))?;
            out(&serde_json::to_string(&org).map_err(|e| CliError::Failed(e.to_string()))?)
        }
    }
}

fn unknown_org(e: StoreError, hash: &OrgHash) -> CliError {
    match e {
        StoreError::NotFound => CliError::Failed(format!("no organisation with the hash {hash}")),
        e => e.into(),
    }
}

async fn serve(
    store: &Store,
    args: ServeArgs,
    player: PlayerOverrides,
    ingest_secret: Option<String>,
) -> Result<(), CliError> {
    // Make sure a secret exists before the media server first calls a hook.
    let ingest_secret = self::ingest_secret(store, ingest_secret).await?;
    let assets = web::Assets::load(&args.assets_dir).map(Arc::new);
    if assets.is_none() {
        tracing::warn!(
            dir = %args.assets_dir.display(),
            "no built dashboard there (run `make app` or `trunk build --release`); serving the API alone"
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::Failed(format!("cannot listen on {}: {e}", args.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let shutdown = crate::shutdown_signal()
        .map_err(|e| CliError::Failed(format!("cannot install signal handlers: {e}")))?;
    let public_url = args.public_url(local);
    let mut settings = Settings::new(&public_url, &ingest_secret);
    settings.rtmp_url = args
        .rtmp_url
        .clone()
        .unwrap_or_else(|| args.media_args.rtmp_url())
        .trim_end_matches('/')
        .to_string();
    if let Some(hls) = &args.hls_url {
        settings.hls_url = hls.trim_end_matches('/').to_string();
    }
    if let Some(url) = player.embed_url {
        settings.player.embed_url = url;
    }
    if let Some(url) = player.script_url {
        settings.player.script_url = url;
    }
    settings.media = args.media;
    settings.ffmpeg = args.ffmpeg.clone();
    settings.trusted_proxies = TrustedProxies(args.trusted_proxies.clone());
    settings.media_dir = args.media_args.media_dir.clone();
    if let Some(n) = args.password_workers {
        settings.password_workers = usize::try_from(n).unwrap_or(1);
    }
    settings.password_queue = usize::try_from(args.password_queue).unwrap_or(1);
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        max_connections: crate::connections::fit_connection_cap(
            usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        ),
    };
    // After binding, so the demo's recording links carry the public URL.
    let demo = if args.demo {
        Some(
            demo::ensure(store, &settings)
                .await
                .map_err(|e| CliError::Failed(format!("demo data: {e}")))?,
        )
    } else {
        None
    };
    let state = AppState::new(store.clone(), settings);
    let setup = PlaneSetup {
        mode: args.media,
        nginx: args.nginx.clone(),
        conf: media_conf(&args.media_args, &hooks_url(local), &ingest_secret),
        update_interval: Duration::from_secs(args.media_args.ingest_update_interval),
        transcode: transcode_config(&args, &state.settings),
        local_rtmp_url: local_rtmp_url(&args, &state.settings),
    };
    let terms = LeaseTerms {
        instance: uuid::Uuid::new_v4(),
        url: instance_url(args.instance_url.as_deref(), local)?,
        term: Duration::from_secs(args.media_lease),
    };
    let (duty, standing) = Duty::start(&state, setup, terms)
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let duty = Arc::new(duty);
    let events = state.events.clone();
    let test_sources = state.test_sources.clone();
    let stop_sources = test_sources.clone();
    let stop_duty = duty.clone();
    let shutdown = async move {
        shutdown.await;
        // While the server still answers, so their publish_done hooks can end the streams.
        stop_sources.stop_all().await;
        stop_duty.stop().await;
        // Open event streams would otherwise hold the graceful shutdown up forever.
        events.shut_down();
    };
    out(&format!(
        "Castboard is listening on http://{local} (public URL {public_url})"
    ))?;
    out(&format!("API reference: {public_url}/api/docs"))?;
    let demo_org = demo.as_ref().map(|d| d.org_id);
    if let Some(d) = demo {
        out(&format!(
            "Demo login{}: {}  password: {}  (organisation {})",
            if d.created { " (created now)" } else { "" },
            d.email,
            d.password,
            d.org_hash
        ))?;
    }
    match (args.media, &standing) {
        (MediaMode::Off, _) => {
            out("Media server: off (streams change state only through the ingest hooks)")?
        }
        (MediaMode::Embedded, Standing::Running) => out(&format!(
            "Media server: {} (nginx run by Castboard, folder {})",
            state.settings.rtmp_url,
            args.media_args.media_dir.display()
        ))?,
        (MediaMode::External, Standing::Running) => out(&format!(
            "Media server: {} (run by you; `castboard media-config` prints its configuration)",
            state.settings.rtmp_url
        ))?,
        (_, Standing::StandingBy { holder_url }) => out(&format!(
            "Media server: {} (its work runs on the instance at {} now; this one takes it over within {} s should that one stop)",
            state.settings.rtmp_url,
            holder_url.as_deref().unwrap_or("another address"),
            args.media_lease
        ))?,
    }
    if let (Some(org_id), MediaMode::Embedded, Standing::Running) =
        (demo_org, args.media, &standing)
    {
        if let Some(name) = start_demo_test_source(&state, org_id).await {
            out(&format!(
                "Live demo stream: {name} (a test source publishes to it until Castboard stops)"
            ))?;
        }
    }
    let served = crate::serve(listener, crate::app(state, assets), limits, shutdown).await;
    // Already stopped by the shutdown, unless serving failed.
    test_sources.stop_all().await;
    duty.stop().await;
    served.map_err(|e| CliError::Failed(format!("server error: {e}")))
}

/// The media server's RTMP application as this machine reaches it, to play streams
/// from (transcoders, motion clips, replay): the embedded one on its listen address; an
/// external one at `--rtmp-url`, which must then be on this machine (its block lets only
/// 127.0.0.1 play).
fn local_rtmp_url(args: &ServeArgs, settings: &Settings) -> String {
    match args.media {
        MediaMode::Embedded => args.media_args.local_rtmp_url(),
        _ => settings.rtmp_url.clone(),
    }
}

/// What the transcoders of live groups need: the ffmpeg of test sources, the media
/// server as this machine reaches it (the embedded one on its listen address; an external
/// one at `--rtmp-url`, which must then be on this machine, since the printed block lets
/// only 127.0.0.1 play), and the capacity.
fn transcode_config(args: &ServeArgs, settings: &Settings) -> TranscodeConfig {
    let rtmp_url = local_rtmp_url(args, settings);
    let max_running = args
        .max_transcodes_running
        .map_or_else(transcode::default_max_running, |n| {
            usize::try_from(n).unwrap_or(1)
        });
    let ffmpeg = test_source::find_program(&settings.ffmpeg);
    if ffmpeg.is_none() && args.media != MediaMode::Off {
        tracing::warn!("ffmpeg was not found: transcodes will fail (apt-get install ffmpeg)");
    }
    TranscodeConfig {
        ffmpeg,
        rtmp_url,
        ingest_secret: settings.ingest_secret.clone(),
        max_running,
    }
}

/// The media server's configuration for Castboard at `castboard_url`.
fn media_conf(args: &MediaArgs, castboard_url: &str, secret: &str) -> MediaConf {
    MediaConf {
        rtmp_module: args.nginx_rtmp_module.clone(),
        rtmp_listen: args.rtmp_listen,
        hooks_base: format!("{}/api/v1/ingest", castboard_url.trim_end_matches('/')),
        secret: secret.to_string(),
        dir: args.media_dir.clone(),
        update_interval: Duration::from_secs(args.ingest_update_interval),
    }
}

/// The URL the other instances reach this one at: `configured` (checked: `http://`,
/// a host and port, nothing after them), or the listen address as [`hooks_url`] has it.
fn instance_url(configured: Option<&str>, local: std::net::SocketAddr) -> Result<String, CliError> {
    let Some(url) = configured else {
        return Ok(hooks_url(local));
    };
    let url = url.trim_end_matches('/');
    let authority = url.strip_prefix("http://").unwrap_or_default();
    let (host, port) = authority.rsplit_once(':').unwrap_or_default();
    if host.is_empty() || port.parse::<u16>().is_err() || authority.contains(['/', '?', '#', '@']) {
        return Err(CliError::Failed(format!(
            "--instance-url must be http://host:port (the address the other instances reach this one at), not {url:?}"
        )));
    }
    Ok(url.to_string())
}

/// Where the media server calls this server's ingest hooks: its listen address, on the
/// loopback interface when it listens on every one.
fn hooks_url(local: std::net::SocketAddr) -> String {
    let ip = if local.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        local.ip()
    };
    format!("http://{}", std::net::SocketAddr::new(ip, local.port()))
}

/// Starts the demo's test source (no time limit, restarted should ffmpeg die), so the
/// demo shows a live stream at once; its streamname, or `None` (logged) when it cannot.
async fn start_demo_test_source(state: &AppState, org_id: uuid::Uuid) -> Option<String> {
    let stream = match demo::test_source_stream(&state.store, org_id).await {
        Ok(Some(stream)) => stream,
        Ok(None) => {
            tracing::warn!("the demo has no ended stream left for its test source");
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "the demo's test source stream could not be read");
            return None;
        }
    };
    if matches!(
        stream.state,
        shared::stream::StreamState::Locked | shared::stream::StreamState::Deleted
    ) {
        tracing::warn!(stream = %stream.name, state = %stream.state, "the demo's test source stream cannot go live");
        return None;
    }
    let Some(ffmpeg) = test_source::find_program(&state.settings.ffmpeg) else {
        tracing::warn!("no live demo stream: install ffmpeg (apt-get install ffmpeg)");
        return None;
    };
    let publish = test_source::Publish {
        group: stream.group_id,
        streamname: stream.name.clone(),
        duration_s: None,
        ffmpeg,
        rtmp_url: state.settings.rtmp_url.clone(),
    };
    match state.test_sources.start(&publish) {
        Ok(_) => Some(publish.streamname.to_string()),
        Err(e) => {
            tracing::warn!(error = %e, "the demo's test source could not be started");
            None
        }
    }
}

/// The player URLs of `serve`, when configured: http(s) with a host, as snippets will
/// carry them.
#[derive(Debug, Default)]
struct PlayerOverrides {
    embed_url: Option<String>,
    script_url: Option<String>,
}

impl PlayerOverrides {
    fn of(args: &ServeArgs) -> Result<PlayerOverrides, CliError> {
        let check = |flag: &str, url: &Option<String>| {
            url.as_deref()
                .map(|url| {
                    shared::validate::WebhookUrl::parse(url)
                        .map(String::from)
                        .map_err(|why| usage(flag, why))
                })
                .transpose()
        };
        Ok(PlayerOverrides {
            embed_url: check("--player-embed-url", &args.player_embed_url)?,
            script_url: check("--player-script-url", &args.player_script_url)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one line `args` are refused with.
    fn refused(args: &[&str]) -> String {
        match parse(std::iter::once("castboard").chain(args.iter().copied())) {
            Err(CliError::Usage(line)) => line,
            Err(e) => panic!("{args:?}: not a usage error: {e}"),
            Ok(cli) => panic!("{args:?}: parsed as {cli:?}"),
        }
    }

    #[test]
    fn every_parse_error_is_one_line_pointing_to_the_help_of_its_command() {
        let cases: [(&[&str], &str); 14] = [
            (
                &["--nope"],
                "unexpected argument '--nope' found (see castboard --help)",
            ),
            // clap stops at the first problem: the help of the command it was reading.
            (
                &["--nope", "org", "list"],
                "unexpected argument '--nope' found (see castboard --help)",
            ),
            (
                &["--log=debug", "org", "-x", "list"],
                "unexpected argument '-x' found (see castboard org --help)",
            ),
            (
                &["serve", "--nope"],
                "unexpected argument '--nope' found (see castboard serve --help)",
            ),
            (
                &["serve", "--medai", "off"],
                "unexpected argument '--medai' found; a similar argument exists: '--media' \
                 (see castboard serve --help)",
            ),
            (
                &["serve", "--media", "nope"],
                "invalid value 'nope' for '--media <MEDIA>'; possible values: embedded, \
                 external, off (see castboard serve --help)",
            ),
            (
                &["serve", "--listen"],
                "a value is required for '--listen <LISTEN>' but none was supplied \
                 (see castboard serve --help)",
            ),
            (
                &["--database-url", "serve", "serve", "--header-timeout", "0"],
                "invalid value '0' for '--header-timeout <HEADER_TIMEOUT>': 0 is not in \
                 1..=3600 (see castboard serve --help)",
            ),
            (
                &["org", "create", "--name", "X"],
                "the following required arguments were not provided: --admin-email \
                 <ADMIN_EMAIL>, --admin-password <ADMIN_PASSWORD> (see castboard org create \
                 --help)",
            ),
            (
                &["org"],
                "'castboard org' requires a subcommand but one was not provided; \
                 subcommands: create, list, feature, limit, help (see castboard org --help)",
            ),
            (
                &[],
                "'castboard' requires a subcommand but one was not provided; subcommands: \
                 serve, org, ingest-secret, media-config, copy-database, help (see castboard \
                 --help)",
            ),
            (
                &["serv"],
                "unrecognized subcommand 'serv'; a similar subcommand exists: 'serve' \
                 (see castboard --help)",
            ),
            (
                &["org", "feature", "AB", "vod", "maybe"],
                "invalid value 'maybe' for '<STATE>'; possible values: on, off \
                 (see castboard org feature --help)",
            ),
            (
                &["org", "limit", "AB", "max_transcodes", "-1"],
                "unexpected argument '-1' found; to pass '-1' as a value, use '-- -1' \
                 (see castboard org limit --help)",
            ),
        ];
        for (args, line) in cases {
            assert_eq!(refused(args), line, "{args:?}");
        }
    }

    #[test]
    fn good_arguments_parse() {
        let cli = parse([
            "castboard",
            "org",
            "list",
            "--database-url",
            "sqlite://x.db",
        ])
        .expect("parses");
        assert_eq!(cli.database_url, "sqlite://x.db");
        assert!(matches!(cli.command, Command::Org(OrgCommand::List)));
    }

    #[test]
    fn an_instance_url_is_http_host_and_port_defaulting_to_the_listen_address() {
        let local: std::net::SocketAddr = "0.0.0.0:3000".parse().expect("address");
        let url = |configured| instance_url(configured, local).map_err(|e| e.to_string());
        assert_eq!(url(None), Ok("http://127.0.0.1:3000".to_string()));
        assert_eq!(
            url(Some("http://10.0.0.11:3000/")),
            Ok("http://10.0.0.11:3000".to_string())
        );
        assert_eq!(
            url(Some("http://[fd00::11]:3000")),
            Ok("http://[fd00::11]:3000".to_string())
        );
        for bad in [
            "https://10.0.0.11:3000",
            "http://10.0.0.11",
            "http://10.0.0.11:3000/api",
            "http://user@10.0.0.11:3000",
            "http://:3000",
            "10.0.0.11:3000",
        ] {
            assert!(url(Some(bad)).is_err(), "{bad}");
        }
    }
}
