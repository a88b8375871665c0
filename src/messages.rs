//! What the bot says unprompted: reminders to focal points, notices to admins, digests to
//! leaders. Plain renderings, for the scheduler and the outbox alike. Every message to leaders
//! and admins fits one phone screen: counts first, the top few names (each once), and a button
//! for the full list.

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
use crate::ui::callback::{Callback, ListKind};
use crate::ui::keyboards::{button, keyboard};

pub use crate::present::{agency_name, round_name};

/// Names shown in a line before "and N more".
pub const TOP_NAMES: usize = 5;
/// Items named in a reminder.
const REMINDER_ITEMS: usize = 3;

/// One agency in an admins' notice.
#[derive(Debug, Clone)]
pub struct NoticeLine {
    pub key: ReminderKey,
    /// Someone of the agency joined (so all of them blocked the bot), for "unreachable".
    pub anyone_joined: bool,
    /// Working days since the last day, for "escalated".
    pub working_days: u32,
}

/// A focal point's reminder, with the button that opens the report (below it: the reminder
/// stays in the chat).
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
    } else {
        let names: Vec<String> =
            empty.iter().take(REMINDER_ITEMS).map(|k| present::item_short(plan, lang, k)).collect();
        let key =
            if empty.len() <= REMINDER_ITEMS { "reminder-missing-few" } else { "reminder-missing-many" };
        t!(
            lang,
            key,
            count = empty.len() as i64,
            items = names.join("; "),
            more = empty.len().saturating_sub(REMINDER_ITEMS) as i64
        )
    };
    let text = t!(
        lang,
        "reminder",
        round = round_name(plan, lang, &d.round),
        period = present::period(lang, d.period),
        agency = agency_name(plan, lang, due.key.agency.as_str()),
        when = when,
        missing = missing
    );
    let choose = Callback::Choose { round: d.round.clone(), period: d.period, plan: Some(plan.code.clone()) };
    let button = button(t!(lang, "button-report-now"), choose);
    Screen::with(text, keyboard(vec![vec![button]]))
}

/// The button for a full list behind a short message, about a plan's round and period.
pub fn list_button(
    list: ListKind,
    plan: &Plan,
    round: &str,
    period: crate::domain::PeriodKey,
    label: String,
) -> Vec<teloxide::types::InlineKeyboardButton> {
    let plan = Some(plan.code.clone());
    vec![button(label, Callback::List { list, round: round.to_owned(), period, page: 0, turn: false, plan })]
}

/// To the admins, one message per round and period: the agencies nobody can be reached at
/// (grouped under one line of advice per reason), or those still missing well after the last
/// day; the top few by name, the rest behind a button.
pub fn notice(lang: Lang, plan: &Plan, step: Step, d: &Deadline, lines: &[NoticeLine]) -> Screen {
    let short = |l: &NoticeLine| present::agency_short(plan, lang, l.key.agency.as_str());
    let names = |pred: &dyn Fn(&NoticeLine) -> bool| -> Vec<String> {
        lines.iter().filter(|l| pred(l)).map(short).collect()
    };
    let heading_key = match step {
        Step::Unreachable => "notice-unreachable",
        _ => "notice-escalated",
    };
    let mut text = t!(
        lang,
        heading_key,
        round = round_name(plan, lang, &d.round),
        period = present::period(lang, d.period),
        last_day = present::date(d.last_day),
        count = lines.len() as i64
    );
    let list = match step {
        Step::Unreachable => {
            for (joined, key) in [(false, "notice-unreachable-none"), (true, "notice-unreachable-blocked")] {
                let group = names(&|l| l.anyone_joined == joined);
                if !group.is_empty() {
                    text.push('\n');
                    text.push_str(&t!(
                        lang,
                        key,
                        count = group.len() as i64,
                        agencies = present::few_names(lang, &group, TOP_NAMES)
                    ));
                }
            }
            ListKind::Unreachable
        }
        _ => {
            let mut sorted: Vec<&NoticeLine> = lines.iter().collect();
            sorted.sort_by_key(|l| std::cmp::Reverse(l.working_days));
            let named: Vec<String> = sorted
                .iter()
                .map(|l| t!(lang, "notice-escalated-name", agency = short(l), days = l.working_days as i64))
                .collect();
            text.push('\n');
            text.push_str(&present::few_names(lang, &named, TOP_NAMES));
            ListKind::Missing
        }
    };
    if lines.len() <= TOP_NAMES {
        return Screen::text(text);
    }
    let more =
        list_button(list, plan, &d.round, d.period, t!(lang, "button-full-list", count = lines.len() as i64));
    Screen::with(text, keyboard(vec![more]))
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

/// The agencies of a period that have not handed in past their last day, the most overdue
/// first (escalated ones marked), by short name.
pub fn missing_names(lang: Lang, plan: &Plan, o: &Overview) -> Vec<String> {
    let mut missing: Vec<_> = o.lines.iter().filter(|l| l.timeliness == Timeliness::Missing).collect();
    missing.sort_by_key(|l| (!l.escalated, l.deadline.last_day));
    // When all are escalated, the count says it once.
    let mark = missing.iter().any(|l| !l.escalated);
    missing
        .iter()
        .map(|l| {
            let name = present::agency_short(plan, lang, l.agency.as_str());
            if l.escalated && mark { format!("⚠️ {name}") } else { name }
        })
        .collect()
}

/// One period in a digest: the counts, then (when `names`) the top few missing agencies.
pub fn period_summary(lang: Lang, plan: &Plan, o: &Overview, names: bool) -> String {
    let rates = o.rates();
    let mut out = t!(
        lang,
        "digest-period",
        round = round_name(plan, lang, &o.round),
        period = present::period(lang, o.period),
        last_day = present::date(o.deadline.last_day),
        on_time = rates.on_time as i64,
        late = rates.late as i64,
        missing = rates.missing as i64,
        pending = rates.pending as i64,
        reporting = rates.reporting_rate() as i64,
        punctual = rates.on_time_rate() as i64
    );
    let escalated = o.lines.iter().filter(|l| l.escalated).count();
    if escalated > 0 {
        out.push('\n');
        out.push_str(&t!(lang, "digest-escalated-count", count = escalated as i64));
    }
    let missing = missing_names(lang, plan, o);
    if names && !missing.is_empty() {
        out.push('\n');
        out.push_str(&t!(lang, "digest-missing", agencies = present::few_names(lang, &missing, TOP_NAMES)));
    }
    out
}

/// A digest: every open period's counts; the names of the first (the one leaders mean by
/// "now") only, so that no agency is named twice; a button per period for its full list.
pub fn digest(lang: Lang, plan: &Plan, title: String, overviews: &[Overview]) -> Screen {
    let mut parts = vec![title];
    if overviews.is_empty() {
        parts.push(t!(lang, "digest-nothing-open"));
    }
    let mut rows = Vec::new();
    for (i, o) in overviews.iter().enumerate() {
        parts.push(period_summary(lang, plan, o, i == 0));
        let missing = o.rates().missing;
        if missing > 0 {
            let label = t!(
                lang,
                "button-missing-list",
                period = present::period(lang, o.period),
                count = missing as i64
            );
            rows.push(list_button(ListKind::Missing, plan, &o.round, o.period, label));
        }
    }
    if rows.is_empty() {
        Screen::text(parts.join("\n\n"))
    } else {
        Screen::with(parts.join("\n\n"), keyboard(rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_of_many_agencies_fits_a_phone_screen_and_names_each_once() {
        let plan = crate::bundled::seed_plan();
        let round = plan.round("chuong-trinh-hanh-dong").unwrap();
        let d =
            crate::domain::calendar::deadline_of(&plan, round, crate::domain::PeriodKey::Year(2022)).unwrap();
        let lines: Vec<NoticeLine> = plan
            .recipients(round)
            .iter()
            .enumerate()
            .map(|(i, a)| NoticeLine {
                key: ReminderKey {
                    round: round.code.clone(),
                    period: d.period,
                    agency: a.code.clone(),
                    person: None,
                    step: Step::Unreachable,
                },
                anyone_joined: i % 7 == 0,
                working_days: 5,
            })
            .collect();
        assert!(lines.len() > 30);
        for step in [Step::Unreachable, Step::Escalated] {
            let screen = notice(Lang::Vi, &plan, step, &d, &lines);
            assert!(
                screen.text.chars().count() <= 1000,
                "{} characters:\n{}",
                screen.text.chars().count(),
                screen.text
            );
            // The advice is said once per reason, not once per agency.
            assert!(screen.text.matches("/moi").count() <= 1, "{}", screen.text);
            let shown: Vec<_> = plan
                .agencies
                .iter()
                .map(|a| present::agency_short(&plan, Lang::Vi, a.code.as_str()))
                .filter(|n| screen.text.contains(n.as_str()))
                .collect();
            for n in &shown {
                assert_eq!(screen.text.matches(n.as_str()).count(), 1, "{n} twice in:\n{}", screen.text);
            }
            assert!(screen.keyboard.is_some(), "a button for the full list");
        }
    }
}
