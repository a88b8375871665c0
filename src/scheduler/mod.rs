//! The scheduler: every minute (in the plan's time zone) it asks the pure planner what is due
//! and hands it to the one sender. Each reminder key is claimed in the log before it is sent,
//! so a restart, two ticks racing or a crash never sends it twice.

pub mod messages;
pub mod sender;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use futures_util::StreamExt;
use teloxide::types::ChatId;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::bot::AppRef;
use crate::bot::send::Screen;
use crate::domain::calendar::{self, working_days_between};
use crate::domain::people::Role;
use crate::domain::reminders::{
    AgencyStatus, DigestKind, Recipient, ReminderKey, Step, due_digests, due_reminders,
};
use crate::domain::report::items_for;
use crate::domain::{AgencyCode, PeriodKey};
use crate::overview::Overview;
use crate::store::{Person, SendOutcome};
use crate::t;
pub use sender::{BulkSender, Delivery};

/// What a tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub sent: usize,
    pub failed: usize,
    pub retry: usize,
    /// Keys another tick had claimed already.
    pub skipped: usize,
}

/// Which log row a message answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogKey {
    Reminder(ReminderKey),
    Digest { key: String, person: i64 },
}

/// One logged message, to one or several people (a notice goes to every admin).
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub log: LogKey,
    pub recipients: Vec<(Person, Screen)>,
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

    /// Everything due at `now`, rendered, nothing sent (`dondoc reminders preview`).
    pub async fn due_at(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Outgoing>> {
        let plan = self.app.plan.get();
        let store = &self.app.store;
        let today = calendar::local_date(&plan, now);
        let states: HashMap<(String, PeriodKey, AgencyCode), bool> = store
            .report_states()
            .await?
            .into_iter()
            .map(|(r, p, a, s)| ((r, p, a), s.is_handed_in()))
            .collect();
        let extensions: HashMap<(String, PeriodKey, AgencyCode), chrono::NaiveDate> = store
            .extensions()
            .await?
            .into_iter()
            .map(|e| ((e.round, e.period, e.agency), e.last_day))
            .collect();
        let mut focal: HashMap<AgencyCode, Vec<Person>> = HashMap::new();
        for p in store.people_with_role(Role::Focal).await? {
            if let Some(a) = p.agency.clone() {
                focal.entry(a).or_default().push(p);
            }
        }
        let mut admins: Vec<Person> = store.people_with_role(Role::Admin).await?;
        admins.retain(|a| a.reachable);
        let mut statuses = Vec::new();
        for d in (today.year() - 1..=today.year() + 1).flat_map(|y| calendar::deadlines(&plan, y)) {
            let Some(round) = plan.round(&d.round) else { continue };
            for a in plan.recipients(round) {
                let key = (d.round.clone(), d.period, a.code.clone());
                statuses.push(AgencyStatus {
                    round: d.round.clone(),
                    period: d.period,
                    agency: a.code.clone(),
                    submitted: states.get(&key).copied().unwrap_or(false),
                    extended_last_day: extensions.get(&key).copied(),
                    focal_points: focal
                        .get(&a.code)
                        .map(|ps| {
                            ps.iter().map(|p| Recipient { person: p.id, reachable: p.reachable }).collect()
                        })
                        .unwrap_or_default(),
                });
            }
        }
        let done = store.reminder_keys_done().await?;
        let mut out = Vec::new();
        for due in due_reminders(&plan, now, &statuses, &done) {
            let recipients: Vec<(Person, Screen)> = match (due.key.person, due.key.step) {
                (Some(id), _) => {
                    let Some(person) =
                        focal.get(&due.key.agency).and_then(|ps| ps.iter().find(|p| p.id == id))
                    else {
                        continue;
                    };
                    let Some(round) = plan.round(&due.key.round) else { continue };
                    let mut empty = items_for(&plan, round, &due.key.agency);
                    if let Some(report) =
                        store.find_report(&due.key.round, due.key.period, &due.key.agency).await?
                    {
                        let entries = store.items(report.id).await?;
                        empty.retain(|k| !entries.iter().any(|e| &e.key == k && e.is_filled()));
                    }
                    let screen =
                        messages::reminder(person.language, &plan, &due, &empty, round.asks.document, today);
                    vec![(person.clone(), screen)]
                }
                (None, Step::Unreachable) => {
                    let joined = focal.get(&due.key.agency).is_some_and(|ps| !ps.is_empty());
                    admins
                        .iter()
                        .map(|a| (a.clone(), messages::unreachable(a.language, &plan, &due, joined)))
                        .collect()
                }
                (None, _) => {
                    let days = working_days_between(&plan, due.deadline.last_day, today);
                    admins
                        .iter()
                        .map(|a| (a.clone(), messages::escalated(a.language, &plan, &due, days)))
                        .collect()
                }
            };
            // Nobody to tell yet (no admin has joined): leave the key for a later tick.
            if !recipients.is_empty() {
                out.push(Outgoing { log: LogKey::Reminder(due.key), recipients });
            }
        }
        out.extend(self.digests_at(now).await?);
        Ok(out)
    }

    async fn digests_at(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Outgoing>> {
        let plan = self.app.plan.get();
        let store = &self.app.store;
        let mut readers: Vec<Person> = store.people_with_role(Role::Leader).await?;
        readers.extend(store.people_with_role(Role::Admin).await?);
        readers.retain(|p| p.reachable);
        let ids: Vec<i64> = readers.iter().map(|p| p.id).collect();
        let due = due_digests(&plan, now, &ids, &store.digest_keys_done().await?);
        let mut overviews: HashMap<String, Vec<Overview>> = HashMap::new();
        let mut out = Vec::new();
        for d in due {
            if !overviews.contains_key(&d.key) {
                let list = match &d.kind {
                    DigestKind::Weekly => Overview::open(store, &plan, now).await?,
                    DigestKind::AfterDeadline { round, period } => {
                        Overview::load(store, &plan, round, *period, now).await?.into_iter().collect()
                    }
                };
                overviews.insert(d.key.clone(), list);
            }
            let Some(person) = readers.iter().find(|p| p.id == d.person) else { continue };
            let lang = person.language;
            let title = match &d.kind {
                DigestKind::Weekly => {
                    t!(
                        lang,
                        "digest-weekly",
                        week = d.key.trim_start_matches("weekly:").to_owned(),
                        plan = plan.code.clone()
                    )
                }
                DigestKind::AfterDeadline { round, period } => t!(
                    lang,
                    "digest-after-deadline",
                    round = messages_round(&plan, lang, round),
                    period = period.to_string(),
                    plan = plan.code.clone()
                ),
            };
            let screen = messages::digest(lang, &plan, title, &overviews[&d.key]);
            out.push(Outgoing {
                log: LogKey::Digest { key: d.key, person: d.person },
                recipients: vec![(person.clone(), screen)],
            });
        }
        Ok(out)
    }

    /// Sends what is due at `now`, each key once.
    pub async fn run_at(&self, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
        let _one_at_a_time = self.running.lock().await;
        let outgoing = self.due_at(now).await?;
        let results: Vec<anyhow::Result<Option<SendOutcome>>> =
            futures_util::stream::iter(outgoing.into_iter().map(|o| self.deliver(o, now)))
                .buffer_unordered(64)
                .collect()
                .await;
        let mut report = TickReport::default();
        for r in results {
            match r? {
                None => report.skipped += 1,
                Some(SendOutcome::Sent { .. }) => report.sent += 1,
                Some(SendOutcome::Failed { .. }) => report.failed += 1,
                Some(SendOutcome::Retry { .. }) => report.retry += 1,
            }
        }
        if report != TickReport::default() {
            tracing::info!(?report, "reminders and digests sent");
        }
        Ok(report)
    }

    /// Claims, sends, records one message; `None` when another tick had it.
    async fn deliver(&self, out: Outgoing, now: DateTime<Utc>) -> anyhow::Result<Option<SendOutcome>> {
        let store = &self.app.store;
        let claimed = match &out.log {
            LogKey::Reminder(key) => store.claim_reminder(key, now).await?,
            LogKey::Digest { key, person } => store.claim_digest(key, *person, now).await?,
        };
        if !claimed {
            return Ok(None);
        }
        let mut outcome = SendOutcome::Failed { error: "nobody to send to".into() };
        for (person, screen) in &out.recipients {
            let delivery = self.sender.send(ChatId(person.chat_id), screen).await;
            let this = match delivery {
                Delivery::Sent { message_id } => SendOutcome::Sent { message_id },
                Delivery::Blocked => {
                    self.person_blocked(person).await?;
                    SendOutcome::Failed { error: "blocked by the person".into() }
                }
                Delivery::Failed(error) => SendOutcome::Failed { error },
                Delivery::Retry(error) => SendOutcome::Retry { error },
            };
            // Sent to anyone beats a retry, which beats a failure.
            outcome = match (&outcome, this) {
                (SendOutcome::Sent { .. }, _) => outcome,
                (_, sent @ SendOutcome::Sent { .. }) => sent,
                (SendOutcome::Retry { .. }, _) => outcome,
                (_, other) => other,
            };
        }
        let now = self.app.clock.now().max(now);
        match &out.log {
            LogKey::Reminder(key) => store.record_reminder(key, &outcome, now).await?,
            LogKey::Digest { key, person } => store.record_digest(key, *person, &outcome, now).await?,
        }
        Ok(Some(outcome))
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
        for admin in self
            .app
            .store
            .people_with_role(Role::Admin)
            .await?
            .into_iter()
            .filter(|a| a.reachable && a.id != person.id)
        {
            let screen = messages::blocked(
                admin.language,
                &plan,
                &person.name,
                person.agency.as_ref().map(|a| a.as_str()),
                left,
            );
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
                    tracing::error!(error = %crate::telemetry::redact(&format!("{e:#}"), None), "a reminder tick failed");
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

    pub fn sender(&self) -> &BulkSender {
        &self.sender
    }

    /// Waits for a tick in flight to finish (before the store closes).
    pub async fn run_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.running.lock().await
    }
}

fn messages_round(plan: &crate::domain::Plan, lang: crate::domain::people::Lang, code: &str) -> String {
    plan.round(code)
        .map_or_else(|| code.to_owned(), |r| crate::present::name(lang, &r.name_vi, &r.name_en).to_owned())
}
