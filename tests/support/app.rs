//! The real application, as the binary runs it, against the fake Telegram and a fresh database
//! (`db.rs`: a temporary SQLite file, or a PostgreSQL database); the clock is set by the test,
//! the scheduler driven by hand.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use dondoc::bot::AppRef;
use dondoc::clock::ManualClock;
use dondoc::config::Settings;
use dondoc::domain::AgencyCode;
use dondoc::domain::people::{Lang, Role};
use dondoc::scheduler::Scheduler;
use dondoc::startup::{Application, ShutdownHandle};
use dondoc::store::Store;
use tokio::task::JoinHandle;

use super::telegram::{FakeTelegram, SentMessage, TOKEN, TgUser};

pub const ADMIN_ID: i64 = 900_001;

/// Local time in Hậu Giang: "2022-03-07T08:00" → the UTC instant.
pub fn local(t: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").expect("local time");
    naive.and_local_timezone(chrono_tz::Asia::Ho_Chi_Minh).unwrap().with_timezone(&Utc)
}

/// A locale text as a person reads it.
pub fn text(lang: Lang, key: &str, args: &[(&'static str, &str)]) -> String {
    dondoc::i18n::tr_args(lang, key, args.iter().map(|(k, v)| (*k, dondoc::i18n::Arg::from(v.to_string()))))
}

pub struct TestApp {
    /// Every button tapped and message typed through [`TestApp::tap`] and [`TestApp::say`]:
    /// what a person's report costs on a phone.
    pub taps: std::sync::atomic::AtomicUsize,
    pub typed: std::sync::atomic::AtomicUsize,
    pub tg: FakeTelegram,
    pub dir: tempfile::TempDir,
    pub clock: Arc<ManualClock>,
    pub app: AppRef,
    pub scheduler: Arc<Scheduler>,
    pub admin: TgUser,
    pub postman: Arc<dondoc::postman::Postman>,
    settings: Settings,
    shutdown: Option<ShutdownHandle>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// The application at a local instant, on a fresh database, with one settings admin.
    pub async fn spawn_at(local_time: &str) -> TestApp {
        TestApp::spawn_with(local_time, |_| {}).await
    }

    /// The same, with some settings changed first.
    pub async fn spawn_with(local_time: &str, change: impl FnOnce(&mut Settings)) -> TestApp {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("DONDOC_TEST_LOG")
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,dondoc=info")),
            )
            .try_init();
        let tg = FakeTelegram::start().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::new(local(local_time));
        let admin = tg.user(ADMIN_ID, "Quản trị", "vi");
        let mut settings = TestApp::settings(&dir, &tg);
        change(&mut settings);
        let (app, scheduler, postman, shutdown, task) = start(settings.clone(), clock.clone()).await;
        TestApp {
            taps: Default::default(),
            typed: Default::default(),
            tg,
            dir,
            clock,
            app,
            scheduler,
            admin,
            postman,
            settings,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    pub fn settings(dir: &tempfile::TempDir, tg: &FakeTelegram) -> Settings {
        Settings {
            database: super::db::location(dir.path()),
            token: Some(dondoc::config::Secret::new(TOKEN)),
            api_url: Some(tg.api_url()),
            admins: vec![ADMIN_ID],
            run_scheduler: false,
            bulk_per_second: 30,
            // Backoffs are settings: no test waits for real time.
            retry_first: std::time::Duration::from_millis(20),
            retry_max: std::time::Duration::from_millis(200),
            // Stories run faster than any person types; the flood test sets its own.
            flood_per_minute: 1_000_000,
            // A reminder does not wait for a person's conversation to pause (the fan-out
            // benchmark and the outbox's own test keep the default).
            conversation: std::time::Duration::ZERO,
            ..Settings::default()
        }
    }

    pub fn store(&self) -> &Store {
        &self.app.store
    }

    pub fn set_time(&self, local_time: &str) {
        self.clock.set(local(local_time));
    }

    /// Stops the application gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            s.shutdown();
        }
        if let Some(t) = self.task.take() {
            let result = tokio::time::timeout(std::time::Duration::from_secs(20), t).await;
            result.expect("the app stops within 20 s").expect("app task").expect("app ran");
        }
    }

    /// Stops and starts the application again on the same database and fake Telegram.
    pub async fn restart(&mut self) {
        self.stop().await;
        let (app, scheduler, postman, shutdown, task) =
            start(self.settings.clone(), self.clock.clone()).await;
        self.app = app;
        self.scheduler = scheduler;
        self.postman = postman;
        self.shutdown = Some(shutdown);
        self.task = Some(task);
    }

    /// Runs the scheduler at a local instant, then waits until the outbox has sent (or given
    /// up on) everything it queued, as the running bot's postman does in the background.
    pub async fn remind_at(&self, local_time: &str) -> dondoc::scheduler::TickReport {
        let report = self.scheduler.run_at(local(local_time)).await.expect("tick");
        self.outbox_idle().await;
        report
    }

    /// Waits until no message to a known recipient is waiting in the outbox.
    pub async fn outbox_idle(&self) {
        for _ in 0..1000 {
            if self.store().outbox_in_progress().await.expect("outbox") == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the outbox did not empty: {:?}", self.store().outbox_counts().await);
    }

    /// A fresh single-use invite, made as an admin would.
    pub async fn invite(&self, role: Role, agency: Option<&str>) -> String {
        let agency = agency.map(|a| AgencyCode::parse(a).expect("agency code"));
        let invite = dondoc::bot::make_invite(
            self.store(),
            self.clock_now(),
            role,
            agency,
            chrono::Duration::days(7),
            None,
        )
        .await
        .expect("invite");
        invite.code
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use dondoc::clock::Clock;
        self.clock.now()
    }

    /// The taps and typed messages counted since the last call, and the count restarted.
    pub fn take_counts(&self) -> (usize, usize) {
        use std::sync::atomic::Ordering::SeqCst;
        (self.taps.swap(0, SeqCst), self.typed.swap(0, SeqCst))
    }

    /// A person taps a button of a message; returns what the bot shows next.
    pub async fn tap(&self, user: &TgUser, msg: &SentMessage, button: &str) -> SentMessage {
        self.taps.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.tg.press(user, msg.message_id, &msg.data(button));
        self.tg.next_message(user.id).await
    }

    /// A person types a text; returns the bot's next message.
    pub async fn say(&self, user: &TgUser, words: &str) -> SentMessage {
        self.typed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.tg.send_text(user, words);
        self.tg.next_message(user.id).await
    }

    /// A person joins by invite link and is greeted; returns the greeting.
    pub async fn join(&self, user: &TgUser, role: Role, agency: Option<&str>) -> SentMessage {
        let code = self.invite(role, agency).await;
        self.tg.send_text(user, &format!("/start {code}"));
        self.tg.next_message(user.id).await
    }

    /// Waits until every update pushed so far has been handled (confirmed by the bot).
    pub async fn settle(&self) {
        for _ in 0..500 {
            if self.tg.pending_updates() == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the bot did not take its updates");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            s.shutdown();
        }
    }
}

type Started =
    (AppRef, Arc<Scheduler>, Arc<dondoc::postman::Postman>, ShutdownHandle, JoinHandle<anyhow::Result<()>>);

async fn start(settings: Settings, clock: Arc<ManualClock>) -> Started {
    let application = Application::build(settings, clock).await.expect("application builds");
    let app = application.app();
    let scheduler = application.scheduler();
    let postman = application.postman();
    let shutdown = application.shutdown_handle();
    let task = tokio::spawn(application.run_until_stopped());
    (app, scheduler, postman, shutdown, task)
}
