//! What is due at an instant, gathered from the store for the pure planner and grouped into
//! batches: a reminder per focal point, one notice per round and period for the admins, a
//! digest per leader.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::app::AppRef;
use crate::domain::calendar::{self, Deadline, working_days_between};
use crate::domain::people::Role;
use crate::domain::reminders::{
    AgencyStatus, DigestKind, Recipient, ReminderKey, Step, due_digests, due_reminders,
};
use crate::domain::report::items_for;
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::messages::{self, NoticeLine};
use crate::outbound::Screen;
use crate::overview::Overview;
use crate::postman;
use crate::store::{DueGroup, Person, ReportKey};
use crate::t;

/// What is due of one plan.
#[derive(Debug, Clone)]
pub struct Batch {
    pub plan: Arc<Plan>,
    pub what: Due,
}

#[derive(Debug, Clone)]
pub enum Due {
    /// A focal point's reminder.
    Reminder { key: ReminderKey, person: Person, screen: Screen },
    /// Agencies the admins must hear about: one message per kind, round and period.
    Notice { step: Step, deadline: Deadline, lines: Vec<NoticeLine>, admins: Vec<Person> },
    /// A leader's or admin's digest (its key names the plan).
    Digest { key: String, person: Person, screen: Screen },
}

impl Batch {
    /// Who gets it, and the message each gets if every key goes out.
    pub fn preview(&self) -> Vec<(String, Person, Screen)> {
        let plan = &self.plan;
        match &self.what {
            Due::Reminder { key, person, screen } => {
                vec![(
                    format!("{} {} {} {}", key.round, key.period, key.agency, key.step),
                    person.clone(),
                    screen.clone(),
                )]
            }
            Due::Notice { step, deadline, lines, admins } => admins
                .iter()
                .map(|a| {
                    let what = format!("{} {} {step} ×{}", deadline.round, deadline.period, lines.len());
                    (what, a.clone(), messages::notice(a.language, plan, *step, deadline, lines))
                })
                .collect(),
            Due::Digest { key, person, screen } => vec![(key.clone(), person.clone(), screen.clone())],
        }
    }
}

impl Batch {
    /// The batch as the outbox queues it: the keys it answers for and a message per recipient.
    pub fn into_group(self, now: DateTime<Utc>) -> DueGroup {
        let plan = self.plan;
        let code = plan.code.clone();
        let day = chrono::Duration::hours(24);
        match self.what {
            Due::Reminder { key, person, screen } => {
                let id = format!(
                    "reminder:{code}:{}:{}:{}:{}:{}",
                    key.round,
                    key.period,
                    key.agency,
                    key.person.unwrap_or(0),
                    key.step
                );
                let mut mail = postman::to_person(id, "reminder", &person, screen, 1);
                // A reminder a day late says the wrong thing; one for a report handed in since
                // says nothing useful.
                mail.expires_at = Some(now + day);
                mail.stale_if_handed_in = Some(ReportKey {
                    plan: code.clone(),
                    round: key.round.clone(),
                    period: key.period,
                    agency: key.agency.clone(),
                });
                DueGroup { plan: code, reminders: vec![key], digests: vec![], mails: vec![mail] }
            }
            Due::Notice { step, deadline, lines, admins } => {
                let id = format!(
                    "notice:{code}:{}:{}:{step}:{}",
                    deadline.round,
                    deadline.period,
                    now.timestamp()
                );
                let mails = postman::to_admins(
                    id,
                    "notice",
                    &admins,
                    |lang| messages::notice(lang, &plan, step, &deadline, &lines),
                    1,
                );
                DueGroup {
                    plan: code,
                    reminders: lines.into_iter().map(|l| l.key).collect(),
                    digests: vec![],
                    mails,
                }
            }
            Due::Digest { key, person, screen } => {
                let mut mail =
                    postman::to_person(format!("digest:{key}:{}", person.id), "digest", &person, screen, 1);
                mail.expires_at = Some(now + day);
                DueGroup { plan: code, reminders: vec![], digests: vec![(key, person.id)], mails: vec![mail] }
            }
        }
    }
}

/// Every batch due at `now`, of every plan followed.
pub async fn batches(app: &AppRef, now: DateTime<Utc>) -> anyhow::Result<Vec<Batch>> {
    let mut out = Vec::new();
    for plan in app.plan.all() {
        let due = plan_batches(app, &plan, now).await?;
        out.extend(due.into_iter().map(|what| Batch { plan: plan.clone(), what }));
    }
    Ok(out)
}

/// What is due of one plan.
async fn plan_batches(app: &AppRef, plan: &Arc<Plan>, now: DateTime<Utc>) -> anyhow::Result<Vec<Due>> {
    let store = &app.store;
    let today = calendar::local_date(plan, now);
    let handed_in: HashMap<(String, PeriodKey, AgencyCode), bool> = store
        .report_states(&plan.code)
        .await?
        .into_iter()
        .map(|(r, p, a, s)| ((r, p, a), s.is_handed_in()))
        .collect();
    let extensions: HashMap<(String, PeriodKey, AgencyCode), NaiveDate> = store
        .extensions(&plan.code)
        .await?
        .into_iter()
        .map(|e| ((e.round, e.period, e.agency), e.last_day))
        .collect();
    let focal = crate::overview::focal_points(store).await?;
    let admins: Vec<Person> =
        store.people_with_role(Role::Admin).await?.into_iter().filter(|a| a.reachable).collect();
    let mut statuses = Vec::new();
    for d in (today.year() - 1..=today.year() + 1).flat_map(|y| calendar::deadlines(plan, y)) {
        let Some(round) = plan.round(&d.round) else { continue };
        for a in plan.recipients(round) {
            let key = (d.round.clone(), d.period, a.code.clone());
            let people = focal.get(&a.code).map(Vec::as_slice).unwrap_or_default();
            statuses.push(AgencyStatus {
                round: d.round.clone(),
                period: d.period,
                agency: a.code.clone(),
                submitted: handed_in.get(&key).copied().unwrap_or(false),
                extended_last_day: extensions.get(&key).copied(),
                focal_points: people
                    .iter()
                    .map(|p| Recipient { person: p.id, reachable: p.reachable })
                    .collect(),
            });
        }
    }
    let done = store.reminder_keys_done(&plan.code).await?;
    let mut out = Vec::new();
    let mut notices: Vec<Due> = Vec::new();
    for due in due_reminders(plan, now, &statuses, &done) {
        match (due.key.person, due.key.step) {
            (Some(id), _) => {
                let people = focal.get(&due.key.agency).map(Vec::as_slice).unwrap_or_default();
                let (Some(person), Some(round)) =
                    (people.iter().find(|p| p.id == id), plan.round(&due.key.round))
                else {
                    continue;
                };
                let mut empty = items_for(plan, round, &due.key.agency);
                if let Some(report) =
                    store.find_report(&plan.code, &due.key.round, due.key.period, &due.key.agency).await?
                {
                    let entries = store.items(report.id).await?;
                    empty.retain(|k| !entries.iter().any(|e| &e.key == k && e.is_filled()));
                }
                let screen =
                    messages::reminder(person.language, plan, &due, &empty, round.asks.document, today);
                out.push(Due::Reminder { key: due.key.clone(), person: person.clone(), screen });
            }
            // With no admin yet, the notice waits in the outbox for the first one.
            (None, step) => {
                let line = NoticeLine {
                    anyone_joined: focal.get(&due.key.agency).is_some_and(|ps| !ps.is_empty()),
                    working_days: working_days_between(plan, due.deadline.last_day, today),
                    key: due.key.clone(),
                };
                let same = |b: &&mut Due| {
                    matches!(b, Due::Notice { step: s, deadline: d, .. }
                        if *s == step && d.round == due.deadline.round && d.period == due.deadline.period)
                };
                match notices.iter_mut().find(|b| same(b)) {
                    Some(Due::Notice { lines, .. }) => lines.push(line),
                    _ => notices.push(Due::Notice {
                        step,
                        deadline: due.deadline.clone(),
                        lines: vec![line],
                        admins: admins.clone(),
                    }),
                }
            }
        }
    }
    out.extend(notices);
    out.extend(digests(app, plan, now).await?);
    Ok(out)
}

async fn digests(app: &AppRef, plan: &Arc<Plan>, now: DateTime<Utc>) -> anyhow::Result<Vec<Due>> {
    let store = &app.store;
    let mut readers: Vec<Person> = store.people_with_role(Role::Leader).await?;
    readers.extend(store.people_with_role(Role::Admin).await?);
    readers.retain(|p| p.reachable);
    let ids: Vec<i64> = readers.iter().map(|p| p.id).collect();
    // A plan's digests are keyed with its code: two plans followed, two digests.
    let done: HashSet<(String, i64)> = store
        .digest_keys_done()
        .await?
        .into_iter()
        .filter_map(|(k, p)| k.strip_prefix(&format!("{}|", plan.code)).map(|k| (k.to_owned(), p)))
        .collect();
    let due = due_digests(plan, now, &ids, &done);
    let mut overviews: HashMap<String, Vec<Overview>> = HashMap::new();
    let mut out = Vec::new();
    for d in due {
        if !overviews.contains_key(&d.key) {
            let list = match &d.kind {
                DigestKind::Weekly => {
                    // The period leaders mean by "now" first: its agencies are the ones named.
                    let mut open = Overview::open(store, plan, now).await?;
                    if let Some(lead) = calendar::leading_deadline(plan, now) {
                        open.sort_by_key(|o| {
                            (o.round != lead.round || o.period != lead.period, o.deadline.last_day)
                        });
                    }
                    open
                }
                DigestKind::AfterDeadline { round, period } => {
                    Overview::load(store, plan, round, *period, now).await?.into_iter().collect()
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
                round = messages::round_name(plan, lang, round),
                period = crate::present::period(lang, *period),
                plan = plan.code.clone()
            ),
        };
        let screen = messages::digest(lang, plan, title, &overviews[&d.key]);
        out.push(Due::Digest { key: format!("{}|{}", plan.code, d.key), person: person.clone(), screen });
    }
    Ok(out)
}
