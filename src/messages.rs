//! What the bot says unprompted: reminders to focal points, notices to admins, digests to
//! leaders. Plain renderings, for the scheduler and the outbox alike.

use chrono::NaiveDate;

use crate::domain::Plan;
use crate::domain::calendar::Deadline;
use crate::domain::people::Lang;
use crate::domain::reminders::{Due, ReminderKey, Step};
use crate::domain::report::ItemKey;
use crate::domain::timeliness::Timeliness;
use crate::outbound::Screen;
use crate::overview::Overview;
use crate::present;
use crate::t;
use crate::ui::callback::Callback;
use crate::ui::keyboards::{button, keyboard};

pub use crate::present::{agency_name, round_name};

/// One agency in an admins' notice.
#[derive(Debug, Clone)]
pub struct NoticeLine {
    pub key: ReminderKey,
    /// Someone of the agency joined (so all of them blocked the bot), for "unreachable".
    pub anyone_joined: bool,
    /// Working days since the last day, for "escalated".
    pub working_days: u32,
}

fn item_code(key: &ItemKey) -> String {
    match key {
        ItemKey::Task(c) | ItemKey::Metric(c) => c.clone(),
        ItemKey::Narrative(n) => format!("({n})"),
    }
}

/// A focal point's reminder, with the button that opens the report.
pub fn reminder(
    lang: Lang,
    plan: &Plan,
    due: &Due,
    empty: &[ItemKey],
    asks_document: bool,
    today: NaiveDate,
) -> Screen {
    let d = &due.deadline;
    let last_day = present::date_with_weekday(lang, d.last_day);
    let when = match due.key.step {
        Step::Overdue(_) => {
            t!(lang, "reminder-overdue", last_day = last_day, days = (today - d.last_day).num_days())
        }
        _ if today >= d.last_day => t!(lang, "reminder-today", last_day = last_day),
        _ => t!(lang, "reminder-before", last_day = last_day, days = (d.last_day - today).num_days()),
    };
    let missing = if asks_document && empty.is_empty() {
        t!(lang, "reminder-missing-document")
    } else if empty.is_empty() {
        t!(lang, "reminder-missing-none")
    } else if empty.len() <= 3 {
        let codes: Vec<String> = empty.iter().map(item_code).collect();
        t!(lang, "reminder-missing-few", count = empty.len() as i64, items = codes.join(", "))
    } else {
        t!(lang, "reminder-missing-many", count = empty.len() as i64)
    };
    let text = t!(
        lang,
        "reminder",
        round = round_name(plan, lang, &d.round),
        period = d.period.to_string(),
        agency = agency_name(plan, lang, due.key.agency.as_str()),
        when = when,
        missing = missing
    );
    let choose = Callback::Choose { round: d.round.clone(), period: d.period, plan: Some(plan.code.clone()) };
    let button = button(t!(lang, "button-report-now"), choose);
    Screen::with(text, keyboard(vec![vec![button]]))
}

/// To the admins, one message per round and period: the agencies nobody can be reached at, or
/// those still missing well after the last day.
pub fn notice(lang: Lang, plan: &Plan, step: Step, d: &Deadline, lines: &[NoticeLine]) -> Screen {
    let (key, line_key) = match step {
        Step::Unreachable => ("notice-unreachable", "notice-unreachable-line"),
        _ => ("notice-escalated", "notice-escalated-line"),
    };
    let mut text = t!(
        lang,
        key,
        round = round_name(plan, lang, &d.round),
        period = d.period.to_string(),
        last_day = present::date(d.last_day),
        count = lines.len() as i64
    );
    for l in lines {
        let reason = if l.anyone_joined { "notice-reason-blocked" } else { "notice-reason-none" };
        text.push('\n');
        text.push_str(&t!(
            lang,
            line_key,
            agency = agency_name(plan, lang, l.key.agency.as_str()),
            reason = t!(lang, reason),
            days = l.working_days as i64
        ));
    }
    Screen::text(text)
}

/// To the admins: a person blocked the bot.
pub fn blocked(lang: Lang, plan: &Plan, name: &str, agency: Option<&str>, still_reachable: usize) -> Screen {
    let agency = agency.map(|a| agency_name(plan, lang, a)).unwrap_or_else(|| "—".to_owned());
    Screen::text(t!(
        lang,
        "notice-blocked",
        name = name.to_owned(),
        agency = agency,
        left = still_reachable as i64
    ))
}

/// One period in a digest: counts, who is missing, who is escalated.
pub fn period_summary(lang: Lang, plan: &Plan, o: &Overview) -> String {
    let rates = o.rates();
    let mut out = t!(
        lang,
        "digest-period",
        round = round_name(plan, lang, &o.round),
        period = o.period.to_string(),
        last_day = present::date(o.deadline.last_day),
        on_time = rates.on_time as i64,
        late = rates.late as i64,
        missing = rates.missing as i64,
        pending = rates.pending as i64,
        reporting = rates.reporting_rate() as i64,
        punctual = rates.on_time_rate() as i64
    );
    let names = |pred: &dyn Fn(&crate::overview::AgencyLine) -> bool| -> Vec<String> {
        o.lines.iter().filter(|l| pred(l)).map(|l| agency_name(plan, lang, l.agency.as_str())).collect()
    };
    let missing = names(&|l| l.timeliness == Timeliness::Missing);
    if !missing.is_empty() {
        out.push('\n');
        out.push_str(&t!(lang, "digest-missing", agencies = missing.join(", ")));
    }
    let escalated = names(&|l| l.escalated);
    if !escalated.is_empty() {
        out.push('\n');
        out.push_str(&t!(lang, "digest-escalated", agencies = escalated.join(", ")));
    }
    out
}

pub fn digest(lang: Lang, plan: &Plan, title: String, overviews: &[Overview]) -> Screen {
    let mut parts = vec![title];
    if overviews.is_empty() {
        parts.push(t!(lang, "digest-nothing-open"));
    }
    for o in overviews {
        parts.push(period_summary(lang, plan, o));
    }
    Screen::text(parts.join("\n\n"))
}
