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

/// The plans followed (several at once: last year's reports still come in while this year's
/// action programme is due; a sector plan beside the province's), shared by every handler;
/// reloaded when one is imported again.
pub struct PlanCache(RwLock<Followed>);

pub use crate::store::PlanStamp;

struct Followed {
    /// The default of what takes a plan: the one imported last.
    default: Arc<Plan>,
    /// Every plan followed, the last imported first.
    plans: Vec<Arc<Plan>>,
    stamps: Vec<PlanStamp>,
    /// Plans no longer followed: their reports are still shown with them.
    stopped: Vec<Arc<Plan>>,
}

impl PlanCache {
    /// `None` when no plan is followed.
    pub fn new(plans: Vec<(Plan, PlanStamp)>) -> Option<PlanCache> {
        let stamps = plans.iter().map(|(_, s)| s.clone()).collect();
        let plans: Vec<Arc<Plan>> = plans.into_iter().map(|(p, _)| Arc::new(p)).collect();
        let default = plans.first()?.clone();
        Some(PlanCache(RwLock::new(Followed { default, plans, stamps, stopped: vec![] })))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Followed> {
        self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The default plan: the one imported last.
    pub fn get(&self) -> Arc<Plan> {
        self.read().default.clone()
    }

    /// Every plan followed, the last imported first.
    pub fn all(&self) -> Vec<Arc<Plan>> {
        self.read().plans.clone()
    }

    /// A plan followed, or one no longer followed, by its code.
    pub fn by_code(&self, code: &str) -> Option<Arc<Plan>> {
        let f = self.read();
        f.plans.iter().chain(&f.stopped).find(|p| p.code == code).cloned()
    }

    /// The plans no longer followed (their reports are still read with them).
    pub fn set_stopped(&self, stopped: Vec<Plan>) {
        let mut f = self.0.write().unwrap_or_else(|p| p.into_inner());
        f.stopped = stopped.into_iter().map(Arc::new).collect();
    }

    pub fn stamps(&self) -> Vec<PlanStamp> {
        self.read().stamps.clone()
    }

    /// The plans followed now; an empty list changes nothing (a plan is always followed).
    pub fn replace(&self, plans: Vec<(Plan, PlanStamp)>) {
        let Some(new) = PlanCache::new(plans) else { return };
        let new = new.0.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut f = self.0.write().unwrap_or_else(|p| p.into_inner());
        (f.default, f.plans, f.stamps) = (new.default, new.plans, new.stamps);
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
        plans: PlanCache,
        clocks: (SharedClock, SharedClock),
        bot_username: String,
        out: Sender,
    ) -> AppRef {
        Arc::new(App {
            store,
            plan: plans,
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

    /// Loads the plans again when `dondoc plan import` changed one while the bot runs.
    pub async fn reload_plan_if_changed(&self) -> anyhow::Result<bool> {
        if self.store.plan_stamps().await? == self.plan.stamps() {
            return Ok(false);
        }
        let mut plans = self.store.plans_followed().await?;
        if let Some(tz) = self.time_zone {
            for (plan, _) in &mut plans {
                plan.time_zone = tz;
            }
        }
        tracing::info!(plans = ?plans.iter().map(|(p, _)| p.code.as_str()).collect::<Vec<_>>(), "the plans changed; reloaded");
        self.plan.replace(plans);
        self.plan.set_stopped(self.stopped_plans().await?);
        Ok(true)
    }

    /// The plans no longer followed, in the settings' time zone.
    pub async fn stopped_plans(&self) -> anyhow::Result<Vec<Plan>> {
        let mut plans = self.store.plans_stopped().await?;
        if let Some(tz) = self.time_zone {
            for plan in &mut plans {
                plan.time_zone = tz;
            }
        }
        Ok(plans)
    }

    /// The plan a report answers: its plan as followed now.
    pub fn plan_of(&self, report: &crate::store::ReportRow) -> Arc<Plan> {
        self.plan.by_code(&report.plan).unwrap_or_else(|| self.plan.get())
    }

    /// The plan a period belongs to: the first followed that has it (the last imported first),
    /// else the default.
    pub fn plan_for_period(&self, period: crate::domain::PeriodKey) -> Arc<Plan> {
        self.plan
            .all()
            .into_iter()
            .find(|p| !crate::domain::calendar::rounds_with_period(p, period).is_empty())
            .unwrap_or_else(|| self.plan.get())
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
