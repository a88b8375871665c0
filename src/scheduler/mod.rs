//! The scheduler: every minute (in the plan's time zone) it asks the pure planner what is due
//! and hands it to the one sender. Each reminder key is claimed in the log before it is sent,
//! so a restart, two ticks racing or a crash never sends it twice.

pub mod due;
pub mod messages;
pub mod sender;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use teloxide::types::ChatId;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::bot::AppRef;
use crate::bot::send::Screen;
use crate::domain::people::Role;
use crate::store::{Person, SendOutcome};
pub use due::{Batch, NoticeLine};
pub use sender::{BulkSender, Delivery};

/// What a tick did, counted in logged keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub sent: usize,
    pub failed: usize,
    pub retry: usize,
    /// Keys another tick had claimed already.
    pub skipped: usize,
}

pub struct Scheduler {
    app: AppRef,
    sender: BulkSender,
    running: tokio::sync::Mutex<()>,
}

impl Scheduler {
    pub fn new(app: AppRef, sender: BulkSender) -> Arc<Scheduler> {
        Arc::new(Scheduler { app, sender, running: tokio::sync::Mutex::new(()) })
    }

    /// Everything due at `now`, nothing sent (`dondoc reminders preview`).
    pub async fn due_at(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Batch>> {
        due::batches(&self.app, now).await
    }

    /// Sends what is due at `now`, each key once.
    pub async fn run_at(&self, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
        let _one_at_a_time = self.running.lock().await;
        let batches = due::batches(&self.app, now).await?;
        let results: Vec<anyhow::Result<TickReport>> =
            futures_util::stream::iter(batches.into_iter().map(|b| self.deliver(b, now)))
                .buffer_unordered(64)
                .collect()
                .await;
        let mut report = TickReport::default();
        for r in results {
            let r = r?;
            report.sent += r.sent;
            report.failed += r.failed;
            report.retry += r.retry;
            report.skipped += r.skipped;
        }
        if report != TickReport::default() {
            tracing::info!(?report, "reminders and digests sent");
        }
        Ok(report)
    }

    /// Claims a batch's keys, sends, records.
    async fn deliver(&self, batch: Batch, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
        let store = &self.app.store;
        match batch {
            Batch::Reminder { key, person, screen } => {
                if !store.claim_reminder(&key, now).await? {
                    return Ok(TickReport { skipped: 1, ..Default::default() });
                }
                let outcome = self.send_to(&[(person, screen)]).await?;
                store.record_reminder(&key, &outcome, self.recorded_at(now)).await?;
                Ok(count(&outcome, 1))
            }
            Batch::Notice { step, deadline, lines, admins } => {
                let mut claimed = Vec::new();
                for line in lines {
                    if store.claim_reminder(&line.key, now).await? {
                        claimed.push(line);
                    }
                }
                if claimed.is_empty() {
                    return Ok(TickReport { skipped: 1, ..Default::default() });
                }
                let plan = self.app.plan.get();
                let messages: Vec<(Person, Screen)> = admins
                    .into_iter()
                    .map(|a| {
                        let screen = messages::notice(a.language, &plan, step, &deadline, &claimed);
                        (a, screen)
                    })
                    .collect();
                let outcome = self.send_to(&messages).await?;
                for line in &claimed {
                    store.record_reminder(&line.key, &outcome, self.recorded_at(now)).await?;
                }
                Ok(count(&outcome, claimed.len()))
            }
            Batch::Digest { key, person, screen } => {
                if !store.claim_digest(&key, person.id, now).await? {
                    return Ok(TickReport { skipped: 1, ..Default::default() });
                }
                let id = person.id;
                let outcome = self.send_to(&[(person, screen)]).await?;
                store.record_digest(&key, id, &outcome, self.recorded_at(now)).await?;
                Ok(count(&outcome, 1))
            }
        }
    }

    fn recorded_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.app.clock.now().max(now)
    }

    /// Sends to each; sent to anyone beats a retry, which beats a failure.
    async fn send_to(&self, messages: &[(Person, Screen)]) -> anyhow::Result<SendOutcome> {
        let mut outcome = SendOutcome::Failed { error: "nobody to send to".into() };
        for (person, screen) in messages {
            let this = match self.sender.send(ChatId(person.chat_id), screen).await {
                Delivery::Sent { message_id } => SendOutcome::Sent { message_id },
                Delivery::Blocked => {
                    self.person_blocked(person).await?;
                    SendOutcome::Failed { error: "blocked by the person".into() }
                }
                Delivery::Failed(error) => SendOutcome::Failed { error },
                Delivery::Retry(error) => SendOutcome::Retry { error },
            };
            outcome = match (&outcome, this) {
                (SendOutcome::Sent { .. }, _) => outcome,
                (_, sent @ SendOutcome::Sent { .. }) => sent,
                (SendOutcome::Retry { .. }, _) => outcome,
                (_, other) => other,
            };
        }
        Ok(outcome)
    }

    /// Marks a person unreachable and tells the admins, once.
    async fn person_blocked(&self, person: &Person) -> anyhow::Result<()> {
        if !self.app.store.set_reachable(person.id, false).await? {
            return Ok(());
        }
        tracing::warn!(person = person.id, "a person blocked the bot; marked unreachable");
        let plan = self.app.plan.get();
        let left = match &person.agency {
            Some(a) => self
                .app
                .store
                .people(Some(a))
                .await?
                .iter()
                .filter(|p| p.role == Role::Focal && p.reachable)
                .count(),
            None => 0,
        };
        let admins = self.app.store.people_with_role(Role::Admin).await?;
        for admin in admins.into_iter().filter(|a| a.reachable && a.id != person.id) {
            let agency = person.agency.as_ref().map(|a| a.as_str());
            let screen = messages::blocked(admin.language, &plan, &person.name, agency, left);
            if let Delivery::Blocked = self.sender.send(ChatId(admin.chat_id), &screen).await {
                self.app.store.set_reachable(admin.id, false).await?;
            }
        }
        Ok(())
    }

    /// Ticks every minute in the plan's time zone until the returned scheduler is shut down.
    pub async fn start(self: Arc<Self>) -> anyhow::Result<JobScheduler> {
        let tz = self.app.plan.get().time_zone;
        let scheduler = JobScheduler::new().await?;
        let me = self.clone();
        let job = Job::new_async_tz("0 * * * * *", tz, move |_id, _lock| {
            let me = me.clone();
            Box::pin(async move {
                let now = me.app.clock.now();
                if let Err(e) = me.app.reload_plan_if_changed(me.app.time_zone).await {
                    tracing::warn!(error = %e, "could not check the plan for changes");
                }
                if let Err(e) = me.run_at(now).await {
                    let error = crate::telemetry::redact(&format!("{e:#}"), None);
                    tracing::error!(error = %error, "a reminder tick failed");
                }
                if let Err(e) = me.app.store.prune_handled_updates(now).await {
                    tracing::warn!(error = %e, "could not prune handled updates");
                }
            })
        })?;
        scheduler.add(job).await?;
        scheduler.start().await?;
        Ok(scheduler)
    }

    /// Waits for a tick in flight to finish (before the store closes).
    pub async fn run_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.running.lock().await
    }
}

fn count(outcome: &SendOutcome, keys: usize) -> TickReport {
    match outcome {
        SendOutcome::Sent { .. } => TickReport { sent: keys, ..Default::default() },
        SendOutcome::Failed { .. } => TickReport { failed: keys, ..Default::default() },
        SendOutcome::Retry { .. } => TickReport { retry: keys, ..Default::default() },
    }
}
