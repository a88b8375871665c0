//! What every part of the running bot shares: the store, the plan being followed, the clocks,
//! the one way out, and the doorbell of the outbox. Below the bot and the scheduler, which both
//! use it; assembled once (`App::new`) for the bot and the operator's commands alike.

use std::sync::{Arc, Mutex, RwLock};

use rust_decimal::Decimal;
use tokio::sync::Notify;

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::domain::Plan;
use crate::domain::limits::{LimitRules, Limiter};
use crate::metrics::Metrics;
use crate::outbound::Sender;
use crate::store::Store;

/// The plan being followed, shared by every handler; reloaded when it is imported again.
pub struct PlanCache(RwLock<(Arc<Plan>, Option<PlanStamp>)>);

/// Which plan, as of when: an import changes it.
pub type PlanStamp = (String, chrono::DateTime<chrono::Utc>);

impl PlanCache {
    pub fn new(plan: Plan, stamp: Option<PlanStamp>) -> PlanCache {
        PlanCache(RwLock::new((Arc::new(plan), stamp)))
    }
    pub fn get(&self) -> Arc<Plan> {
        match self.0.read() {
            Ok(p) => Arc::clone(&p.0),
            Err(p) => Arc::clone(&p.into_inner().0),
        }
    }
    pub fn stamp(&self) -> Option<PlanStamp> {
        match self.0.read() {
            Ok(p) => p.1.clone(),
            Err(p) => p.into_inner().1.clone(),
        }
    }
    pub fn replace(&self, plan: Plan, stamp: Option<PlanStamp>) {
        match self.0.write() {
            Ok(mut p) => *p = (Arc::new(plan), stamp),
            Err(p) => *p.into_inner() = (Arc::new(plan), stamp),
        }
    }
}

/// What every handler, the scheduler and the outbox share.
pub struct App {
    pub store: Store,
    pub plan: PlanCache,
    /// The plan's clock: the system's, or a rehearsal's.
    pub clock: SharedClock,
    /// Real time, for retries and limits, whatever the plan's clock says.
    pub wall: SharedClock,
    /// Telegram ids that are admins by the settings.
    pub admins: Vec<i64>,
    /// From getMe, for deep links.
    pub bot_username: String,
    /// A value moving more than this share from the last accepted one is confirmed first.
    pub max_value_change: Decimal,
    /// Everything the bot sends goes through here.
    pub out: Sender,
    /// Rung when a message is queued in the outbox, so that it leaves at once.
    pub mail: Arc<Notify>,
    /// The settings' time zone override, kept for plan reloads.
    pub time_zone: Option<chrono_tz::Tz>,
    /// Per-person limits: floods, strangers, guessed invite codes.
    pub limits: Mutex<Limiter>,
    /// What the operator reads at `/metrics` and `/healthz`.
    pub metrics: Arc<Metrics>,
}

pub type AppRef = Arc<App>;

impl App {
    pub fn new(
        settings: &Settings,
        store: Store,
        plan: (Plan, Option<PlanStamp>),
        clocks: (SharedClock, SharedClock),
        bot_username: String,
        out: Sender,
    ) -> AppRef {
        Arc::new(App {
            store,
            plan: PlanCache::new(plan.0, plan.1),
            clock: clocks.0,
            wall: clocks.1,
            admins: settings.admins.clone(),
            bot_username,
            max_value_change: Decimal::from(settings.max_value_change_percent) / Decimal::from(100),
            out,
            mail: Arc::new(Notify::new()),
            time_zone: settings.time_zone,
            limits: Mutex::new(Limiter::new(LimitRules {
                flood_count: settings.flood_per_minute as usize,
                flood_window: std::time::Duration::from_secs(60),
                ..LimitRules::default()
            })),
            metrics: Arc::new(Metrics::default()),
        })
    }

    /// Loads the plan again when `dondoc plan import` changed it while the bot runs.
    pub async fn reload_plan_if_changed(&self) -> anyhow::Result<bool> {
        let stamp = self.store.active_plan_stamp().await?;
        if stamp == self.plan.stamp() {
            return Ok(false);
        }
        let Some(mut plan) = self.store.active_plan().await? else { return Ok(false) };
        if let Some(tz) = self.time_zone {
            plan.time_zone = tz;
        }
        tracing::info!(plan = %plan.code, "the plan changed; reloaded");
        self.plan.replace(plan, stamp);
        Ok(true)
    }

    /// Per-person limits, whatever a panicking thread left behind.
    pub fn limits(&self) -> std::sync::MutexGuard<'_, Limiter> {
        self.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wakes the outbox: something was queued.
    pub fn ring(&self) {
        self.mail.notify_one();
    }
}
