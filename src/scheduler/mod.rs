//! The scheduler: every minute (in the plan's time zone) it asks the pure planner what is due
//! and queues it in the outbox, each reminder key logged in the same transaction as its
//! messages, so that a restart or two ticks racing never queue it twice. Sending is the
//! postman's (`crate::postman`), at the bulk's pace, after the replies.

pub mod due;

use std::sync::Arc;

use chrono::{DateTime, Timelike, Utc};
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::AppRef;
pub use due::Batch;

/// What a tick did, counted in groups of keys (a reminder, an admins' notice, a digest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Queued in the outbox now.
    pub queued: usize,
    /// Queued by an earlier tick already.
    pub skipped: usize,
}

pub struct Scheduler {
    app: AppRef,
    running: tokio::sync::Mutex<()>,
}

impl Scheduler {
    pub fn new(app: AppRef) -> Arc<Scheduler> {
        Arc::new(Scheduler { app, running: tokio::sync::Mutex::new(()) })
    }

    /// Everything due at `now`, nothing queued (`dondoc reminders preview`).
    pub async fn due_at(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Batch>> {
        due::batches(&self.app, now).await
    }

    /// Queues what is due at `now`, each key once, and wakes the postman.
    pub async fn run_at(&self, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
        let _one_at_a_time = self.running.lock().await;
        let groups: Vec<_> =
            due::batches(&self.app, now).await?.into_iter().map(|b| b.into_group(now)).collect();
        if groups.is_empty() {
            return Ok(TickReport::default());
        }
        let (queued, skipped) = self.app.store.queue_due(&groups, now, self.app.wall.now()).await?;
        self.app.ring();
        let report = TickReport { queued, skipped };
        tracing::info!(?report, "reminders and digests queued");
        Ok(report)
    }

    /// Ticks every minute in the plan's time zone until the returned scheduler is shut down.
    pub async fn start(self: Arc<Self>) -> anyhow::Result<JobScheduler> {
        let tz = self.app.plan.get().time_zone;
        let scheduler = JobScheduler::new().await?;
        let me = self.clone();
        let job = Job::new_async_tz("0 * * * * *", tz, move |_id, _lock| {
            let me = me.clone();
            Box::pin(async move { me.tick().await })
        })?;
        scheduler.add(job).await?;
        scheduler.start().await?;
        Ok(scheduler)
    }

    /// One minute's work: the plan reloaded if it changed, what is due queued, old marks
    /// forgotten (hourly).
    pub async fn tick(&self) {
        let now = self.app.clock.now();
        if let Err(e) = self.app.reload_plan_if_changed().await {
            tracing::warn!(error = %e, "could not check the plan for changes");
        }
        if let Err(e) = self.run_at(now).await {
            let error = crate::telemetry::redact(&format!("{e:#}"), None);
            tracing::error!(error = %error, "a reminder tick failed");
        }
        if now.minute() == 0 {
            if let Err(e) = self.app.store.prune_handled_updates(now).await {
                tracing::warn!(error = %e, "could not prune handled updates");
            }
            if let Err(e) = self.app.store.prune_audit(now - chrono::Duration::days(180)).await {
                tracing::warn!(error = %e, "could not prune the audit log");
            }
        }
    }

    /// Waits for a tick in flight to finish (before the store closes).
    pub async fn run_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.running.lock().await
    }
}
