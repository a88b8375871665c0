//! Putting the pieces together: settings → store → bot (and scheduler) → run until stopped.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use teloxide::dispatching::{DefaultKey, Dispatcher};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::update_listeners::Polling;
use teloxide::update_listeners::webhooks;
use tokio::sync::watch;

use crate::bot::schema::{SchemaError, schema};
use crate::bot::storage::DialogueStore;
use crate::bot::{App, AppRef, PlanCache};
use crate::cli::{load_plan, open_store};
use crate::clock::{RehearsalClock, SharedClock, SystemClock};
use crate::config::Settings;
use crate::scheduler::{BulkSender, Scheduler};
use crate::t;

/// The running product: the bot's dispatcher over a store, with its clock.
pub struct Application {
    app: AppRef,
    bot: Bot,
    dispatcher: Dispatcher<Bot, SchemaError, DefaultKey>,
    settings: Settings,
    stop: watch::Sender<bool>,
    scheduler: Arc<Scheduler>,
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
        bot = bot.set_api_url(url.parse().with_context(|| format!("TELOXIDE_API_URL is not a URL: {url}"))?);
    }
    Ok(bot)
}

/// Asks Telegram who the bot is, retrying while it is unreachable (a restart during an outage
/// must not fail for good).
async fn get_me(bot: &Bot) -> anyhow::Result<teloxide::types::Me> {
    let mut wait = Duration::from_millis(200);
    let mut attempts = 0;
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(e @ teloxide::RequestError::Api(_)) => {
                return Err(e).context("Telegram refused the bot token");
            }
            Err(e) if attempts < 8 => {
                tracing::warn!(error = %e, "Telegram is not answering yet; retrying");
                attempts += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
            }
            Err(e) => return Err(e).context("Telegram did not answer"),
        }
    }
}

impl Application {
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Application> {
        let bot = make_bot(&settings)?;
        let store = open_store(&settings).await?;
        let plan = load_plan(&settings, &store).await?;
        let me = get_me(&bot).await?;
        let bulk = BulkSender::new(bot.clone(), settings.bulk_per_second);
        let app = Arc::new(App {
            store: store.clone(),
            plan: PlanCache::new(plan, store.active_plan_stamp().await?),
            clock: clock.clone(),
            admins: settings.admins.clone(),
            bot_username: me.username().to_owned(),
            max_value_change: Decimal::from(settings.max_value_change_percent) / Decimal::from(100),
            bulk: bulk.clone(),
            time_zone: settings.time_zone,
        });
        let scheduler = Scheduler::new(app.clone(), bulk);
        if let Err(e) = crate::bot::set_default_menus(&bot).await {
            tracing::warn!(error = %e, "could not set the command menus");
        }
        let dialogues = DialogueStore::new(store, clock);
        let dispatcher = Dispatcher::builder(bot.clone(), schema())
            .dependencies(dptree::deps![app.clone(), dialogues])
            .error_handler(LoggingErrorHandler::with_custom_text("A handler failed"))
            .build();
        let (stop, _) = watch::channel(false);
        Ok(Application { app, bot, dispatcher, settings, stop, scheduler })
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
        let token = self.dispatcher.shutdown_token();
        let mut stopped = self.stop.subscribe();
        let stopper = tokio::spawn(async move {
            tokio::select! {
                _ = stopped.wait_for(|s| *s) => {}
                _ = terminate() => tracing::info!("asked to stop; finishing the updates in flight"),
            }
            // The dispatcher may not have started listening yet.
            loop {
                match token.shutdown() {
                    Ok(done) => {
                        done.await;
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        });
        let mut cron =
            if self.settings.run_scheduler { Some(self.scheduler.clone().start().await?) } else { None };
        let errors = LoggingErrorHandler::with_custom_text("Telegram updates could not be fetched");
        match self.settings.webhook_url.clone() {
            Some(url) => {
                let url = url.parse().with_context(|| format!("DONDOC_WEBHOOK_URL is not a URL: {url}"))?;
                let options = webhooks::Options::new(self.settings.webhook_listen, url);
                let listener =
                    webhooks::axum(self.bot.clone(), options).await.context("setting the webhook")?;
                self.dispatcher.dispatch_with_listener(listener, errors).await;
            }
            None => {
                let listener = Polling::builder(self.bot.clone())
                    .timeout(Duration::from_secs(10))
                    .delete_webhook()
                    .await
                    .build();
                self.dispatcher.dispatch_with_listener(listener, errors).await;
            }
        }
        let _ = stopper.await;
        if let Some(cron) = cron.as_mut()
            && let Err(e) = cron.shutdown().await
        {
            tracing::warn!(error = %e, "the reminder scheduler did not stop cleanly");
        }
        // A tick in flight finishes before the store closes.
        let _ = self.scheduler.run_lock().await;
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
