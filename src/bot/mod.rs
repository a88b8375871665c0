//! The Telegram side: parse an update, check rights from the database, call the domain and
//! the store, render a localized screen. No query and no business rule lives here.

pub mod callback;
pub mod commands;
mod context;
mod join;
mod keyboards;
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
pub struct PlanCache(RwLock<Arc<Plan>>);

impl PlanCache {
    pub fn new(plan: Plan) -> PlanCache {
        PlanCache(RwLock::new(Arc::new(plan)))
    }
    pub fn get(&self) -> Arc<Plan> {
        self.0.read().map(|p| Arc::clone(&p)).unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }
    pub fn replace(&self, plan: Plan) {
        match self.0.write() {
            Ok(mut p) => *p = Arc::new(plan),
            Err(p) => *p.into_inner() = Arc::new(plan),
        }
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
}

pub type AppRef = Arc<App>;

/// A handler's failure: logged, and the person is told that nothing they confirmed was lost.
pub type HandlerResult = anyhow::Result<()>;
