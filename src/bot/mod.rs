//! The Telegram side: parse an update, check rights from the database, call the domain and
//! the store, render a localized screen. No query and no business rule lives here.

pub mod callback;
pub mod commands;
mod context;
mod join;
pub mod keyboards;
mod leader;
mod report;
mod review;
pub mod schema;
pub mod send;
pub mod state;
pub mod storage;

use std::sync::{Arc, RwLock};

use rust_decimal::Decimal;

use crate::clock::SharedClock;
use crate::domain::Plan;
use crate::store::Store;

pub use context::Ctx;
pub use join::{make_invite, render_invite, set_default_menus};

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

impl App {
    /// Loads the plan again when `dondoc plan import` changed it while the bot runs.
    pub async fn reload_plan_if_changed(&self, time_zone: Option<chrono_tz::Tz>) -> anyhow::Result<bool> {
        let stamp = self.store.active_plan_stamp().await?;
        if stamp == self.plan.stamp() {
            return Ok(false);
        }
        let Some(mut plan) = self.store.active_plan().await? else { return Ok(false) };
        if let Some(tz) = time_zone {
            plan.time_zone = tz;
        }
        tracing::info!(plan = %plan.code, "the plan changed; reloaded");
        self.plan.replace(plan, stamp);
        Ok(true)
    }
}

/// What every handler shares.
pub struct App {
    pub store: Store,
    pub plan: PlanCache,
    pub clock: SharedClock,
    /// Telegram ids that are admins by the settings.
    pub admins: Vec<i64>,
    /// From getMe, for deep links.
    pub bot_username: String,
    /// A value moving more than this share from the last accepted one is confirmed first.
    pub max_value_change: Decimal,
    /// Reminders, digests and broadcasts go out through this paced sender.
    pub bulk: crate::scheduler::BulkSender,
    /// The settings' time zone override, kept for plan reloads.
    pub time_zone: Option<chrono_tz::Tz>,
}

pub type AppRef = Arc<App>;

/// A handler's failure: logged, and the person is told that nothing they confirmed was lost.
pub type HandlerResult = anyhow::Result<()>;

/// One update being answered: the bot, what handlers share, who is writing, their conversation,
/// and where the answer goes (over the tapped message, or a new one).
#[derive(Clone, Copy)]
pub struct Turn<'a> {
    pub bot: &'a teloxide::Bot,
    pub app: &'a AppRef,
    pub ctx: &'a Ctx,
    pub dialogue: &'a schema::MyDialogue,
    pub origin: send::Origin,
}

impl Turn<'_> {
    /// The same turn answering with a new message.
    pub fn typed(self) -> Self {
        Turn { origin: send::Origin::Typed, ..self }
    }
}
