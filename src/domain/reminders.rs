//! Who is chased, when: the pure planner of reminders and digests.
//!
//! Given the plan (with its holidays and reminder policy), what each agency has submitted, the
//! reminder log and `now`, it says what is due. It sends nothing and reads no clock.
//!
//! For each (round, period, agency) that must report, the steps form sequences:
//! - the reminders: the steps before the last day, then the overdue nudges; each recipient gets
//!   its own key, and a step is due from its planned instant until the next one is planned (the
//!   last until the period closes), so after downtime only the latest is sent, never a burst;
//! - the escalation, once per agency, when it is still missing some working days after;
//! - "unreachable", once per agency with no reachable focal point, for the admins, from the
//!   instant its first reminder would be due.
//!
//! Nothing is due in quiet hours; what was due then is sent when they end. A submitted agency
//! gets nothing more for that period.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};

use super::calendar::{
    Deadline, PeriodKey, add_working_days, deadlines, is_working_day, local_date, local_instant,
    working_day_on_or_before,
};
use super::plan::{AgencyCode, Plan};

/// One step of a period's chase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// This many calendar days before the last day (0 = on it), moved to a working day.
    Before(u32),
    /// The n-th nudge after the last day (1-based).
    Overdue(u32),
    Escalated,
    Unreachable,
}

impl Step {
    /// "before-7", "overdue-1", "escalated", "unreachable": the reminder log's spelling.
    pub fn as_str(&self) -> String {
        match self {
            Step::Before(d) => format!("before-{d}"),
            Step::Overdue(n) => format!("overdue-{n}"),
            Step::Escalated => "escalated".to_owned(),
            Step::Unreachable => "unreachable".to_owned(),
        }
    }

    /// The inverse of [`Step::as_str`]; any other spelling is `None`.
    pub fn parse(s: &str) -> Option<Step> {
        let number = |n: &str| -> Option<u32> {
            let canonical = !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n.len() == 1 || !n.starts_with('0'));
            canonical.then(|| n.parse().ok()).flatten()
        };
        match s {
            "escalated" => Some(Step::Escalated),
            "unreachable" => Some(Step::Unreachable),
            _ => {
                if let Some(n) = s.strip_prefix("before-") {
                    number(n).map(Step::Before)
                } else {
                    number(s.strip_prefix("overdue-")?).map(Step::Overdue)
                }
            }
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// One row of the reminder log. `person` is `None` for the agency-wide steps (escalated,
/// unreachable), which go to the admins and leaders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReminderKey {
    pub round: String,
    pub period: PeriodKey,
    pub agency: AgencyCode,
    pub person: Option<i64>,
    pub step: Step,
}

/// A focal point of an agency; not reachable when they never joined or blocked the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Recipient {
    pub person: i64,
    pub reachable: bool,
}

/// What the planner needs to know about one agency for one round and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyStatus {
    pub round: String,
    pub period: PeriodKey,
    pub agency: AgencyCode,
    /// Submitted or accepted; a returned report is not submitted.
    pub submitted: bool,
    /// An admin's extension: it replaces the plan's last day for this agency.
    pub extended_last_day: Option<NaiveDate>,
    pub focal_points: Vec<Recipient>,
}

/// A reminder to send now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: ReminderKey,
    /// The period's dates, with the agency's effective last day.
    pub deadline: Deadline,
    pub planned_at: DateTime<Utc>,
}

/// A step of the plan's calendar, for every agency alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlannedStep {
    pub round: String,
    pub period: PeriodKey,
    pub step: Step,
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
}

/// A digest to send now to one leader or admin.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DigestDue {
    /// "weekly:2022-W11" or "deadline:<round>:<period>".
    pub key: String,
    pub person: i64,
    pub planned_at: DateTime<Utc>,
    pub kind: DigestKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DigestKind {
    Weekly,
    AfterDeadline { round: String, period: PeriodKey },
}

/// Steps planned for every round and period of `year` (no agency: the calendar of the plan), by date.
pub fn calendar(plan: &Plan, year: i32) -> Vec<PlannedStep> {
    let mut out: Vec<PlannedStep> =
        deadlines(plan, year).iter().flat_map(|d| planned_steps(plan, d)).collect();
    out.sort_by(|a, b| {
        (a.date, a.at, &a.round, a.period, a.step).cmp(&(b.date, b.at, &b.round, b.period, b.step))
    });
    out
}

/// The steps of one period, by date: before the last day, overdue, escalated. Pass the deadline
/// with an agency's extended last day (see [`Deadline::extended`]) to get that agency's steps.
pub fn planned_steps(plan: &Plan, deadline: &Deadline) -> Vec<PlannedStep> {
    let chase = Chase::of(plan, deadline);
    let escalation = chase.escalation.map(|at| (Step::Escalated, at));
    let mut out: Vec<PlannedStep> = chase
        .reminders
        .iter()
        .copied()
        .chain(escalation)
        .map(|(step, at)| PlannedStep {
            round: deadline.round.clone(),
            period: deadline.period,
            step,
            date: at.0,
            at: at.1,
        })
        .collect();
    out.sort_by_key(|s| (s.date, s.at));
    out
}

/// Reminders due at `now`. `statuses` lists every (round, period, agency) the caller knows of; an
/// agency missing from it is treated as not submitted with no focal points (so unreachable).
/// Statuses of agencies the round does not ask are ignored; of two for one key, the first counts.
pub fn due_reminders(
    plan: &Plan,
    now: DateTime<Utc>,
    statuses: &[AgencyStatus],
    sent: &HashSet<ReminderKey>,
) -> Vec<Due> {
    if is_quiet_at(plan, now) {
        return vec![];
    }
    let today = local_date(plan, now);
    let mut known: HashMap<(&str, PeriodKey, &AgencyCode), &AgencyStatus> = HashMap::new();
    for s in statuses {
        known.entry((s.round.as_str(), s.period, &s.agency)).or_insert(s);
    }
    let mut out = Vec::new();
    for deadline in deadlines_around(plan, today).into_iter().filter(|d| d.opens <= today) {
        let Some(round) = plan.round(&deadline.round) else { continue };
        let base = Chase::of(plan, &deadline);
        for agency in plan.recipients(round) {
            let status = known.get(&(deadline.round.as_str(), deadline.period, &agency.code));
            if status.is_some_and(|s| s.submitted) {
                continue;
            }
            let extended = status.and_then(|s| s.extended_last_day).filter(|d| *d != deadline.last_day);
            let own = extended.map(|day| deadline.extended(Some(day)));
            let own_chase = own.as_ref().map(|d| Chase::of(plan, d));
            let (deadline, chase) = (own.as_ref().unwrap_or(&deadline), own_chase.as_ref().unwrap_or(&base));
            let key = |person, step| ReminderKey {
                round: deadline.round.clone(),
                period: deadline.period,
                agency: agency.code.clone(),
                person,
                step,
            };
            let mut push = |key: ReminderKey, planned_at| {
                if !sent.contains(&key) {
                    out.push(Due { key, deadline: deadline.clone(), planned_at });
                }
            };
            let mut people: Vec<i64> = Vec::new();
            for r in status.map_or(&[][..], |s| &s.focal_points[..]) {
                if r.reachable && !people.contains(&r.person) {
                    people.push(r.person);
                }
            }
            if people.is_empty() {
                if let Some(&(_, (_, first))) = chase.reminders.first()
                    && first <= now
                    && now < chase.end
                {
                    push(key(None, Step::Unreachable), first);
                }
            } else if let Some((step, at)) = chase.current(plan, now) {
                for &person in &people {
                    push(key(Some(person), step), at);
                }
            }
            if let Some((date, at)) = chase.escalation
                && at <= now
                && now < chase.useful_until(plan, date)
            {
                push(key(None, Step::Escalated), at);
            }
        }
    }
    out.sort_by(|a, b| (a.planned_at, &a.key).cmp(&(b.planned_at, &b.key)));
    out
}

/// Digests due at `now` for the given recipients (leader and admin person ids).
pub fn due_digests(
    plan: &Plan,
    now: DateTime<Utc>,
    recipients: &[i64],
    sent: &HashSet<(String, i64)>,
) -> Vec<DigestDue> {
    if is_quiet_at(plan, now) {
        return vec![];
    }
    let today = local_date(plan, now);
    let mut due: Vec<(String, DateTime<Utc>, DigestKind)> = Vec::new();
    if let Some((date, at)) = latest_weekly(plan, now)
        && deadlines_around(plan, date).iter().any(|d| d.is_open_on(date))
    {
        let week = date.iso_week();
        due.push((format!("weekly:{}-W{:02}", week.year(), week.week()), at, DigestKind::Weekly));
    }
    // The digests after the deadlines form one sequence: each is due until the next one is
    // planned (digests planned at one instant are all due) or its period closes.
    let mut after: Vec<(DateTime<Utc>, Deadline)> = deadlines_around(plan, today)
        .into_iter()
        .map(|d| (local_instant(plan, add_working_days(plan, d.last_day, 1), plan.reminders.send_at), d))
        .collect();
    after.sort_by_key(|(at, _)| *at);
    let grace = policy_grace(plan);
    for (at, d) in &after {
        // News of a deadline is worth a few working days, not weeks.
        let day = add_working_days(plan, d.last_day, 1);
        let closed = end_of_day(plan, d.closes).min(end_of_day(plan, add_working_days(plan, day, grace)));
        let end = after.iter().map(|(t, _)| *t).find(|t| t > at).map_or(closed, |next| next.min(closed));
        if *at <= now && now < end {
            let kind = DigestKind::AfterDeadline { round: d.round.clone(), period: d.period };
            due.push((format!("deadline:{}:{}", d.round, d.period), *at, kind));
        }
    }
    let mut people: Vec<i64> = recipients.to_vec();
    people.sort_unstable();
    people.dedup();
    let mut out: Vec<DigestDue> = due
        .iter()
        .flat_map(|(key, at, kind)| {
            people.iter().filter(|p| !sent.contains(&(key.clone(), **p))).map(|&person| DigestDue {
                key: key.clone(),
                person,
                planned_at: *at,
                kind: kind.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| (a.planned_at, &a.key, a.person).cmp(&(b.planned_at, &b.key, b.person)));
    out
}

/// Agencies escalated at `now` for a period: missing `escalate_after_working_days` working days
/// after their last day. Pass the deadline with the agency's effective last day; the agency counts
/// as escalated from the instant its escalation step is planned (the policy's send time).
pub fn is_escalated(plan: &Plan, deadline: &Deadline, submitted: bool, now: DateTime<Utc>) -> bool {
    !submitted && Chase::of(plan, deadline).escalation.is_some_and(|(_, at)| at <= now)
}

/// A date and the instant its step is planned at.
type Planned = (NaiveDate, DateTime<Utc>);

/// The planned steps of one period for one last day.
#[derive(Debug)]
struct Chase {
    /// Before and overdue steps, by strictly increasing date.
    reminders: Vec<(Step, Planned)>,
    escalation: Option<Planned>,
    /// The end of the day the period closes: nothing of it is due from then on.
    end: DateTime<Utc>,
    /// A last step (the final nudge, the escalation) stays useful only this many working days:
    /// a bot started months after a deadline does not chase a long-gone period.
    grace: u32,
}

impl Chase {
    fn of(plan: &Plan, deadline: &Deadline) -> Chase {
        let policy = &plan.reminders;
        let planned = |date: NaiveDate| (date, local_instant(plan, date, policy.send_at));
        // Smaller distances first, so that of two steps landing on one date the one nearer the
        // deadline is kept.
        let mut days = policy.days_before.clone();
        days.sort_unstable();
        days.dedup();
        let mut before: Vec<(u32, NaiveDate)> = Vec::new();
        for d in days {
            let Some(raw) = deadline.last_day.checked_sub_days(Days::new(d.into())) else { continue };
            let date = working_day_on_or_before(plan, raw);
            if date >= deadline.opens && date <= deadline.closes && before.iter().all(|(_, x)| *x != date) {
                before.push((d, date));
            }
        }
        before.sort_by_key(|(_, date)| *date);
        let every = policy.overdue_every_working_days as usize;
        let needed = if every == 0 { 0 } else { every * policy.overdue_max as usize };
        let needed = needed.max(policy.escalate_after_working_days as usize);
        let after = working_days_after(plan, deadline.last_day, deadline.closes, needed);
        // The k-th nudge is k * every working days after the last day; none past the close.
        let overdue = (1..=policy.overdue_max).map_while(|k| {
            let n = (k as usize * every).checked_sub(1)?;
            after.get(n).map(|date| (Step::Overdue(k), *date))
        });
        let reminders = before
            .into_iter()
            .map(|(d, date)| (Step::Before(d), date))
            .chain(overdue)
            .map(|(step, date)| (step, planned(date)))
            .collect();
        let escalation = match policy.escalate_after_working_days as usize {
            0 => Some(deadline.last_day),
            n => after.get(n - 1).copied(),
        };
        let grace = policy_grace(plan);
        Chase {
            reminders,
            escalation: escalation.map(planned),
            end: end_of_day(plan, deadline.closes),
            grace,
        }
    }

    /// Until when a last step planned on `date` is still worth sending.
    fn useful_until(&self, plan: &Plan, date: NaiveDate) -> DateTime<Utc> {
        end_of_day(plan, add_working_days(plan, date, self.grace)).min(self.end)
    }

    /// The latest reminder step planned at or before `now`, while it is still useful.
    fn current(&self, plan: &Plan, now: DateTime<Utc>) -> Option<(Step, DateTime<Utc>)> {
        if now >= self.end {
            return None;
        }
        let i = self.reminders.iter().rposition(|(_, (_, at))| *at <= now)?;
        let (step, (date, at)) = self.reminders[i];
        let last = i + 1 == self.reminders.len();
        (!last || now < self.useful_until(plan, date)).then_some((step, at))
    }
}

/// How many working days a last step, or news of a deadline, stays worth sending.
fn policy_grace(plan: &Plan) -> u32 {
    plan.reminders.overdue_every_working_days.max(1)
}

/// The first `n` working days after `from`, up to and including `until`.
fn working_days_after(plan: &Plan, from: NaiveDate, until: NaiveDate, n: usize) -> Vec<NaiveDate> {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= until)
        .filter(|d| is_working_day(plan, *d))
        .take(n)
        .collect()
}

/// Every period whose last day falls in the year of `date`, the year before or the year after.
fn deadlines_around(plan: &Plan, date: NaiveDate) -> Vec<Deadline> {
    (date.year() - 1..=date.year() + 1).flat_map(|y| deadlines(plan, y)).collect()
}

/// The instant the local day after `date` begins.
fn end_of_day(plan: &Plan, date: NaiveDate) -> DateTime<Utc> {
    local_instant(plan, date.succ_opt().unwrap_or(date), NaiveTime::MIN)
}

fn is_quiet_at(plan: &Plan, now: DateTime<Utc>) -> bool {
    plan.reminders.is_quiet(now.with_timezone(&plan.time_zone).time())
}

/// The date and instant of the latest weekly digest planned at or before `now`.
fn latest_weekly(plan: &Plan, now: DateTime<Utc>) -> Option<(NaiveDate, DateTime<Utc>)> {
    let policy = &plan.reminders;
    let today = local_date(plan, now);
    let back =
        (today.weekday().num_days_from_monday() + 7 - policy.digest_weekday.num_days_from_monday()) % 7;
    let date = today.checked_sub_days(Days::new(back.into()))?;
    let at = local_instant(plan, date, policy.digest_at);
    if at <= now {
        return Some((date, at));
    }
    let date = date.checked_sub_days(Days::new(7))?;
    Some((date, local_instant(plan, date, policy.digest_at)))
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "reminders_year_tests.rs"]
mod year_tests;
