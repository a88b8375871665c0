//! Putting the pieces together: settings → store → bot (and scheduler) → run until stopped.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::{App, AppRef};
use crate::bot::schema::{SchemaError, UPDATE_KINDS, schema};
use crate::clock::{RehearsalClock, SharedClock, SystemClock};
use crate::config::Settings;
use crate::domain::Plan;
use crate::duties::Duties;
use crate::ops::dispatch::Dispatch;
use crate::ops::listen::{Polling, watch_webhook};
use crate::ops::observe::observed;
use crate::outbound::{Limits, RetryPolicy, Sender};
use crate::postman::Postman;
use crate::scheduler::Scheduler;
use crate::store::Store;
use crate::t;

/// The running product: the bot's dispatcher over a store, with its clock, its scheduler and
/// its postman.
pub struct Application {
    app: AppRef,
    bot: Bot,
    dispatch: Arc<Dispatch<SchemaError>>,
    settings: Settings,
    stop: watch::Sender<bool>,
    scheduler: Arc<Scheduler>,
    postman: Arc<Postman>,
    /// The operator's endpoint, bound at build (`None` when the settings turn it off).
    http: Option<TcpListener>,
    /// Held while the bot runs on SQLite: a second `dondoc run` on the same file is refused.
    /// (On PostgreSQL replicas share the database; the scheduler lock picks the one that ticks.)
    _instance: Option<InstanceLock>,
}

/// How long Telegram may hold a long poll open with nothing to give.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// The single-instance lock: an OS file lock beside the database (released by the kernel when
/// the process dies, so a crash never leaves it stuck), with the holder's pid inside.
pub struct InstanceLock {
    _file: File,
}

/// The runtime dondoc runs on: one thread.
///
/// Every update's work is short CPU work (SQLite on the caller's thread, a screen to render);
/// what could take long runs elsewhere (documents, charts and the store's long reads on the
/// blocking pool, the checkpoints on sqlx's own thread). On two threads the same work cost a fifth more CPU per
/// reply, spent handing tasks and memory between the threads (wake-ups, task switches, the
/// allocator's locks): benches/replies at 50, 200 and 500 people, two runs each beside the
/// two-thread build, 0.17-0.21 ms per reply against 0.21-0.30, replies/s 4,620-5,600 against
/// 3,830-4,960, peak RSS 3 MB lower; benches/fanout runs the bot on it too. One thread serves
/// far more than Telegram lets a bot send (30 messages a second).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}

/// The lock file of a database.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl InstanceLock {
    /// Takes the lock, or says who holds it.
    pub fn take(database: &Path) -> Result<InstanceLock, AlreadyRunning> {
        let path = lock_path(database);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| AlreadyRunning { holder: format!("{} ({e})", path.display()) })?;
        if file.try_lock().is_err() {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(AlreadyRunning { holder: holder.trim().to_owned() });
        }
        let _ = file.set_len(0);
        let _ =
            write!(file, "pid {} since {}", std::process::id(), Utc::now().format("%Y-%m-%d %H:%M:%S UTC"));
        let _ = file.flush();
        Ok(InstanceLock { _file: file })
    }

    /// Whether a running bot holds the lock of `database` now.
    pub fn is_held(database: &Path) -> bool {
        let Ok(file) = std::fs::OpenOptions::new().read(true).write(true).open(lock_path(database)) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                let _ = file.unlock();
                false
            }
            Err(_) => true,
        }
    }
}

#[derive(Debug)]
pub struct AlreadyRunning {
    pub holder: String,
}

/// Opens the database; an empty one gets the bundled plan, so a new user needs only a token.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open(&settings.database)
        .await
        .map_err(|e| {
            let database = settings.database.to_string();
            anyhow::anyhow!(
                "{}",
                t!(settings.language, "run-database-unopened", database = database, reason = e.to_string())
            )
        })?
        .with_replica(&replica_name(settings));
    if !store.has_plan().await? {
        let plan =
            crate::bundled::plan().map_err(|p| anyhow::anyhow!("the bundled plan is invalid:\n{p}"))?;
        store.import_plan(&plan, Utc::now()).await.context("importing the bundled plan")?;
        tracing::info!(plan = %plan.code, "imported the bundled plan into the empty database");
    }
    Ok(store)
}

/// Names this replica for its claims on updates: the machine and the webhook's address, which
/// stay the same when it restarts (a claim it left in a crash is its own again), and differ
/// between replicas (two on one machine listen on two ports).
fn replica_name(settings: &Settings) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("{}:{}", host.trim(), settings.webhook_listen)
}

/// The plan being followed, with the settings' time zone override applied.
pub async fn load_plan(settings: &Settings, store: &Store) -> anyhow::Result<Plan> {
    load_plan_named(settings, store, None).await
}

/// A plan followed, by its code (or one it was followed under before an amendment renumbered
/// it); the one imported last when `None`.
pub async fn load_plan_named(settings: &Settings, store: &Store, code: Option<&str>) -> anyhow::Result<Plan> {
    let plans = store.plans_followed().await?;
    let found = match code {
        None => plans.into_iter().next(),
        Some(code) => plans.into_iter().find(|(p, _)| p.code == code || p.amends.iter().any(|a| a == code)),
    };
    let (mut plan, _) = match (found, code) {
        (Some(found), _) => found,
        (None, Some(code)) => {
            anyhow::bail!("{}", t!(settings.language, "run-plan-unknown", code = code.to_owned()))
        }
        (None, None) => anyhow::bail!("{}", t!(settings.language, "run-no-plan")),
    };
    if let Some(tz) = settings.time_zone {
        plan.time_zone = tz;
    }
    Ok(plan)
}

/// The one way out, for a bot: its own HTTP client, with the settings' (generous) timeout.
pub fn make_sender(settings: &Settings, bot: &Bot) -> anyhow::Result<Sender> {
    let client = teloxide::net::default_reqwest_settings()
        .timeout(settings.send_timeout)
        .build()
        .context("building the HTTP client")?;
    let token = settings.token.as_ref().context("no bot token (TELOXIDE_TOKEN)")?;
    let out_bot = Bot::with_client(token.expose(), client).set_api_url(bot.api_url());
    let limits = Limits {
        per_window: settings.sends_per_second.max(1),
        reply_reserve: settings.reply_reserve.clamp(1, settings.sends_per_second.max(1)),
        conversation: settings.conversation,
        ..Limits::default()
    }
    .with_bulk_per_second(settings.bulk_per_second);
    let policy =
        RetryPolicy { first: settings.retry_first, max: settings.retry_max, ..RetryPolicy::default() };
    Ok(Sender::new(out_bot, limits, policy))
}

/// What every part shares, assembled once: for the bot, and for the operator's commands.
pub async fn assemble(
    settings: &Settings,
    store: Store,
    clock: SharedClock,
    bot: &Bot,
    bot_username: String,
) -> anyhow::Result<AppRef> {
    let mut plans = store.plans_followed().await?;
    if let Some(tz) = settings.time_zone {
        for (plan, _) in &mut plans {
            plan.time_zone = tz;
        }
    }
    let plans = crate::app::PlanCache::new(plans).with_context(|| t!(settings.language, "run-no-plan"))?;
    let out = make_sender(settings, bot)?;
    let app = App::new(settings, store, plans, (clock, Arc::new(SystemClock)), bot_username, out);
    app.plan.set_stopped(app.stopped_plans().await?);
    Ok(app)
}

/// Stops a running application gracefully: updates in flight finish, nothing half-written.
#[derive(Clone)]
pub struct ShutdownHandle(watch::Sender<bool>);

impl ShutdownHandle {
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

/// The bot with its API server from the settings.
pub fn make_bot(settings: &Settings) -> anyhow::Result<Bot> {
    let token = settings.token.as_ref().context("no bot token (TELOXIDE_TOKEN)")?;
    crate::telemetry::hide_token(token.expose());
    let mut bot = Bot::new(token.expose());
    if let Some(url) = &settings.api_url {
        bot = bot.set_api_url(url.clone());
    }
    Ok(bot)
}

/// How often the bot asks again who it is while Telegram is unreachable at start-up: a restart
/// during an outage must not fail for good. The waits double from the settings' first retry (at
/// most 0.2 s) up to at most 30 s: about 50 s in all by default.
pub const START_RETRIES: u32 = 8;

/// Asks Telegram who the bot is, `retries` more times while it is unreachable; a refused token
/// or the last failure is said in the operator's language, with what to check.
pub async fn get_me(bot: &Bot, settings: &Settings, retries: u32) -> anyhow::Result<teloxide::types::Me> {
    let lang = settings.language;
    let mut wait = settings.retry_first.min(Duration::from_millis(200));
    let longest = settings.retry_max.min(Duration::from_secs(30));
    let mut attempts = 0;
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(e @ teloxide::RequestError::Api(_)) => {
                anyhow::bail!("{}", t!(lang, "run-token-refused", reason = e.to_string()));
            }
            Err(e) if attempts < retries => {
                tracing::warn!(error = %e, "Telegram is not answering yet; retrying");
                attempts += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(longest);
            }
            Err(e) => {
                let attempts = i64::from(retries + 1);
                anyhow::bail!(
                    "{}",
                    t!(lang, "run-telegram-unreachable", attempts = attempts, reason = e.to_string())
                );
            }
        }
    }
}

impl Application {
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Application> {
        let instance = match settings.database.file() {
            Some(path) => Some(InstanceLock::take(path).map_err(|held| {
                anyhow::anyhow!(
                    "{}",
                    t!(
                        settings.language,
                        "run-already-running",
                        database = path.display().to_string(),
                        holder = held.holder
                    )
                )
            })?),
            None => None,
        };
        let http = match settings.http_listen {
            Some(address) => Some(crate::ops::http::bind(address, settings.language).await?),
            None => None,
        };
        let bot = make_bot(&settings)?;
        let store = open_store(&settings).await?;
        let me = get_me(&bot, &settings, START_RETRIES).await?;
        let app = assemble(&settings, store, clock, &bot, me.username().to_owned()).await?;
        // Telegram has just answered getMe: healthy from the start, not after the first poll.
        app.metrics.contact(std::time::Instant::now());
        // The commands beside the bot (an invite made on the command line) judge time on the
        // bot's clock, which may be a rehearsal's.
        let offset = (app.clock.now() - app.wall.now()).num_milliseconds();
        app.store.set_runtime("clock_offset_ms", &offset.to_string(), app.wall.now()).await?;
        let scheduler = Scheduler::new(app.clone());
        let postman = Postman::new(app.clone());
        if let Err(e) = crate::bot::set_default_menus(&bot).await {
            tracing::warn!(error = %e, "could not set the command menus");
        }
        let dispatch = Dispatch::new(
            observed(schema(), app.metrics.clone()),
            dptree::deps![app.clone()],
            LoggingErrorHandler::with_custom_text("A handler failed"),
        );
        let (stop, _) = watch::channel(false);
        Ok(Application { app, bot, dispatch, settings, stop, scheduler, postman, http, _instance: instance })
    }

    /// The outbox's postman, to drive by hand in tests.
    pub fn postman(&self) -> Arc<Postman> {
        self.postman.clone()
    }

    /// The reminder scheduler, to drive by hand (`reminders run --at`, tests).
    pub fn scheduler(&self) -> Arc<Scheduler> {
        self.scheduler.clone()
    }

    pub fn app(&self) -> AppRef {
        self.app.clone()
    }

    pub fn bot(&self) -> Bot {
        self.bot.clone()
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.stop.clone())
    }

    /// Runs until SIGINT, SIGTERM or the shutdown handle; then lets in-flight updates finish.
    pub async fn run_until_stopped(mut self) -> anyhow::Result<()> {
        // The dispatcher is told to stop first and lets the updates in flight finish; the
        // postman and the scheduler stop after it, so their replies still go out.
        let (stop_updates, updates_stopped) = watch::channel(false);
        let mut stopped = self.stop.subscribe();
        let stopper = tokio::spawn(async move {
            tokio::select! {
                _ = stopped.wait_for(|s| *s) => {}
                _ = terminate() => tracing::info!("asked to stop; finishing the updates in flight"),
            }
            let _ = stop_updates.send(true);
            // Kept until the dispatcher has returned (a dropped sender would read as a stop).
            stop_updates
        });
        let duties = Duties {
            app: self.app.clone(),
            scheduler: self.scheduler.clone(),
            postman: self.postman.clone(),
            run_scheduler: self.settings.run_scheduler,
            every: self.settings.takeover_every,
        };
        let duties = tokio::spawn(duties.run(self.stop.subscribe()));
        if let Some(socket) = self.http.take() {
            if let Some(address) = crate::ops::http::address(&socket) {
                tracing::info!(%address, "health and metrics at http://{address}/healthz and /metrics");
            }
            tokio::spawn(crate::ops::http::serve(socket, self.app.clone(), self.stop.subscribe()));
        }
        let errors = LoggingErrorHandler::with_custom_text("Telegram updates could not be fetched");
        let dispatch = self.dispatch.clone();
        let metrics = self.app.metrics.clone();
        match self.settings.webhook_url.clone() {
            Some(url) => {
                let listen = self.settings.webhook_listen;
                let listener = crate::ops::listen::webhook(
                    self.bot.clone(),
                    url,
                    listen,
                    metrics.clone(),
                    self.settings.language,
                )
                .await?;
                tokio::spawn(watch_webhook(self.bot.clone(), metrics, self.stop.subscribe()));
                dispatch.run(listener, &UPDATE_KINDS, errors, updates_stopped).await;
            }
            None => {
                let listener = Polling::start(self.bot.clone(), POLL_TIMEOUT, metrics).await;
                dispatch.run(listener, &UPDATE_KINDS, errors, updates_stopped).await;
            }
        }
        stopper.abort();
        let _ = stopper.await;
        let _ = self.stop.send(true);
        // The postman and a tick in flight finish before the store closes.
        let _ = duties.await;
        if let Err(e) = self.app.store.clear_runtime("clock_offset_ms").await {
            tracing::warn!(error = %e, "could not clear the clock offset");
        }
        self.app.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn terminate() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `dondoc run [--clock-start INSTANT]`.
pub async fn run_command(settings: Settings, clock_start: Option<String>) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    if settings.token.is_none() {
        eprintln!("{}", t!(lang, "run-no-token"));
        return Ok(ExitCode::from(2));
    }
    let clock: SharedClock = match clock_start {
        None => Arc::new(SystemClock),
        Some(text) => {
            let Ok(start) = DateTime::parse_from_rfc3339(&text) else {
                eprintln!("{}", t!(lang, "run-clock-start-invalid", value = text));
                return Ok(ExitCode::from(1));
            };
            let clock = Arc::new(RehearsalClock::starting_at(start.with_timezone(&Utc)));
            let marker = clock.clone();
            crate::telemetry::mark_lines(Arc::new(move || {
                use crate::clock::Clock;
                format!("[rehearsal clock {}]", marker.now().format("%Y-%m-%dT%H:%M:%SZ"))
            }));
            tracing::info!(start = %text, "running on a rehearsal clock");
            clock
        }
    };
    let application = Application::build(settings, clock).await?;
    tracing::info!(bot = %application.app().bot_username, "dondoc is running");
    application.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
