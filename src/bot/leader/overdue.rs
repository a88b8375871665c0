//! `/quahan`: the agencies past their last day without handing in, in every open period, on one
//! phone screen: counts first (who can be reached, who cannot), the top few names of the period
//! leaders mean by "now", a button per period for the full list (paged, with each agency's focal
//! points and whether the bot reaches them).

use super::{person_label, round_name};
use crate::bot::callback::ListKind;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::calendar::{leading_deadline, local_date};
use crate::domain::people::{Lang, Role};
use crate::domain::timeliness::Timeliness;
use crate::domain::{PeriodKey, Plan};
use crate::messages::{TOP_NAMES, list_button, missing_names};
use crate::overview::{AgencyLine, Overview};
use crate::ui::callback::Callback;
use crate::{present, t};

/// Lines of a full list's page (each under 100 characters: a page stays under 1,000).
const PAGE: usize = 8;

/// `/quahan [plan]`: who is overdue in each plan followed (or in the one named).
pub async fn overdue(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plans = super::plans_named(app, arg);
    let several = plans.len() > 1;
    for plan in plans {
        let mut overviews = Overview::open(&app.store, &plan, ctx.now).await?;
        // The period leaders mean by "now" first, then the others by last day.
        if let Some(lead) = leading_deadline(&plan, ctx.now) {
            overviews
                .sort_by_key(|o| (o.round != lead.round || o.period != lead.period, o.deadline.last_day));
        }
        if several && overviews.is_empty() {
            continue;
        }
        let admin = ctx.is(Role::Admin);
        let mut screen = render(&plan, ctx.lang, &overviews, local_date(&plan, ctx.now), admin);
        if several {
            screen.text = format!("{}\n{}", plan.code, screen.text);
        }
        turn.send(screen).await?;
    }
    Ok(())
}

/// Who of an agency the bot reaches: nobody joined, all blocked it, or someone.
fn reach(l: &AgencyLine) -> (bool, bool) {
    (l.focal_points.is_empty(), !l.focal_points.is_empty() && !l.reachable())
}

/// The screen; `admin` adds what only an admin can do (invite with /moi).
pub fn render(
    plan: &Plan,
    lang: Lang,
    overviews: &[Overview],
    today: chrono::NaiveDate,
    admin: bool,
) -> Screen {
    let mut parts = Vec::new();
    let mut rows = Vec::new();
    let (mut nobody, mut blocked) = (false, false);
    for o in overviews {
        let missing: Vec<&AgencyLine> =
            o.lines.iter().filter(|l| l.timeliness == Timeliness::Missing).collect();
        if missing.is_empty() {
            continue;
        }
        let no_focal = missing.iter().filter(|l| reach(l).0).count();
        let all_blocked = missing.iter().filter(|l| reach(l).1).count();
        nobody |= no_focal > 0;
        blocked |= all_blocked > 0;
        let days = (today - o.deadline.last_day).num_days();
        let mut lines = vec![
            t!(
                lang,
                "overdue-heading",
                round = round_name(plan, lang, &o.round),
                period = present::period(lang, o.period),
                last_day = present::date(o.deadline.last_day),
                count = missing.len() as i64,
                days = days
            ),
            t!(
                lang,
                "overdue-counts",
                reachable = (missing.len() - no_focal - all_blocked) as i64,
                blocked = all_blocked as i64,
                nobody = no_focal as i64
            ),
        ];
        // Names for the first period only: an agency late for two is named once.
        if parts.is_empty() {
            lines.push(present::few_names(lang, &missing_names(lang, plan, o), TOP_NAMES));
        }
        parts.push(lines.join("\n"));
        let label = t!(
            lang,
            "button-missing-list",
            period = present::period(lang, o.period),
            count = missing.len() as i64
        );
        rows.push(list_button(ListKind::Missing, plan, &o.round, o.period, label));
    }
    if parts.is_empty() {
        return Screen::text(t!(lang, "overdue-none"));
    }
    if nobody {
        parts.push(t!(lang, if admin { "overdue-no-focal-hint" } else { "overdue-no-focal-hint-leader" }));
    }
    if blocked {
        parts.push(t!(lang, "overdue-blocked-hint"));
    }
    Screen::with(parts.join("\n\n"), keyboard(rows))
}

/// One line of a full list: the agency, how late, its focal points and whether each is reached.
fn line(plan: &Plan, lang: Lang, l: &AgencyLine, today: chrono::NaiveDate, list: ListKind) -> String {
    let agency = present::agency_short(plan, lang, l.agency.as_str());
    let focal = if l.focal_points.is_empty() {
        t!(lang, "overdue-no-focal")
    } else {
        let people: Vec<String> = l
            .focal_points
            .iter()
            .map(|p| {
                let key = if p.reachable { "overdue-focal-reachable" } else { "overdue-focal-blocked" };
                t!(lang, key, name = person_label(p))
            })
            .collect();
        people.join(", ")
    };
    match list {
        ListKind::Missing => {
            let days = (today - l.deadline.last_day).num_days().max(0);
            let key = if l.extended { "overdue-line-extended" } else { "overdue-line" };
            t!(
                lang,
                key,
                agency = agency,
                days = days,
                last_day = present::date(l.deadline.last_day),
                focal = focal
            )
        }
        ListKind::Unreachable => t!(lang, "unreachable-line", agency = agency, focal = focal),
    }
}

/// A full list behind a short message, one page at a time (◀ ▶ edit it in place).
pub async fn full_list(
    turn: Turn<'_>,
    list: ListKind,
    round: &str,
    period: PeriodKey,
    page: usize,
    plan: Option<&str>,
) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = super::plan_of_button(app, plan);
    let lang = ctx.lang;
    let Some(o) = Overview::load(&app.store, &plan, round, period, ctx.now).await? else {
        turn.say(t!(lang, "chart-no-period")).await?;
        return Ok(());
    };
    let today = local_date(&plan, ctx.now);
    let mut chosen: Vec<&AgencyLine> = o
        .lines
        .iter()
        .filter(|l| match list {
            ListKind::Missing => l.timeliness == Timeliness::Missing,
            ListKind::Unreachable => !l.timeliness.is_handed_in() && !l.reachable(),
        })
        .collect();
    chosen.sort_by_key(|l| (!l.escalated, l.deadline.last_day));
    let pages = chosen.len().div_ceil(PAGE).max(1);
    let page = page.min(pages - 1);
    let key = match list {
        ListKind::Missing => "list-missing-heading",
        ListKind::Unreachable => "list-unreachable-heading",
    };
    let mut lines = vec![t!(
        lang,
        key,
        round = round_name(&plan, lang, round),
        period = present::period(lang, period),
        count = chosen.len() as i64,
        page = (page + 1) as i64,
        pages = pages as i64
    )];
    lines.extend(chosen.iter().skip(page * PAGE).take(PAGE).map(|l| line(&plan, lang, l, today, list)));
    let go = |p: usize, text: String| {
        button(
            text,
            Callback::List {
                list,
                round: round.to_owned(),
                period,
                page: p.min(255) as u8,
                turn: true,
                plan: Some(plan.code.clone()),
            },
        )
    };
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(go(page - 1, t!(lang, "button-previous")));
    }
    if page + 1 < pages {
        nav.push(go(page + 1, t!(lang, "button-next")));
    }
    turn.show(Screen::with(lines.join("\n"), keyboard(vec![nav]))).await?;
    Ok(())
}
