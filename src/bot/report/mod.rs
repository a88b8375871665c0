//! The focal point's report: opening it, its list of items, and the rights every step checks.

mod items;
mod progress;
mod submit;
mod values;

pub use items::{ask_item, describe, no_change, receive_narrative, receive_note, skip_note, wording};
pub use progress::{choose_percent, choose_status, receive_percent};
pub use submit::{attach_file, attach_help, reopen, review, submit};
pub use values::{confirm_value, receive_value, retype};

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::callback::Callback;
use super::keyboards::{button, keyboard, label};
use super::send::Screen;
use super::state::State;
use super::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::calendar::{self, Deadline};
use crate::domain::people::{Lang, Role};
use crate::domain::report::{ItemEntry, ItemKey, ReportState, items_for};
use crate::domain::{PeriodKey, Plan};
use crate::present;
use crate::store::ReportRow;
use crate::t;

const PAGE: usize = 8;

/// A report the person may work on, with what it needs.
pub struct Access {
    pub report: ReportRow,
    pub plan: Arc<Plan>,
    pub deadline: Deadline,
    pub items: Vec<ItemKey>,
}

pub enum Denied {
    /// Not this person's agency, or no such report: a forged or foreign button.
    Forged,
    /// The period no longer takes reports.
    Closed,
    /// Submitted or accepted: it must be reopened first.
    Locked,
}

/// The report's deadline for its agency, an admin's extension applied (the domain's one rule).
pub async fn effective_deadline(
    app: &AppRef,
    plan: &Plan,
    report: &ReportRow,
) -> anyhow::Result<Option<Deadline>> {
    let Some(round) = plan.round(&report.round) else { return Ok(None) };
    let Some(deadline) = calendar::deadline_of(plan, round, report.period) else { return Ok(None) };
    let extension = app.store.extension(&report.plan, &report.round, report.period, &report.agency).await?;
    Ok(Some(deadline.extended(extension.map(|e| e.last_day))))
}

/// Checks, from the database, that the person is a focal point of the report's agency and that
/// the period is open. A foreign report is logged as a forged button.
pub async fn access(app: &AppRef, ctx: &Ctx, report_id: i64) -> anyhow::Result<Result<Access, Denied>> {
    let report = app.store.report(report_id).await?;
    let person = ctx.person.as_ref();
    let mine =
        |r: &ReportRow| person.is_some_and(|p| p.role == Role::Focal && p.agency.as_ref() == Some(&r.agency));
    let Some(report) = report.filter(mine) else {
        app.store
            .audit(
                person.map(|p| p.id),
                Some(ctx.user.id.0 as i64),
                "forged_button",
                serde_json::json!({"report": report_id}),
                ctx.now,
            )
            .await?;
        tracing::warn!(report = report_id, user = ctx.user.id.0, "a button named a report of another agency");
        return Ok(Err(Denied::Forged));
    };
    let plan = app.plan_of(&report);
    let Some(deadline) = effective_deadline(app, &plan, &report).await? else {
        return Ok(Err(Denied::Closed));
    };
    if !deadline.is_open_on(calendar::local_date(&plan, ctx.now)) {
        return Ok(Err(Denied::Closed));
    }
    let Some(round) = plan.round(&report.round) else { return Ok(Err(Denied::Closed)) };
    let items = items_for(&plan, round, &report.agency);
    Ok(Ok(Access { report, plan, deadline, items }))
}

/// Same, and the report must be open for changes.
pub async fn editable(app: &AppRef, ctx: &Ctx, report_id: i64) -> anyhow::Result<Result<Access, Denied>> {
    Ok(match access(app, ctx, report_id).await? {
        Ok(a) if !a.report.state.is_editable() => Err(Denied::Locked),
        other => other,
    })
}

/// Tells the person why not; a locked report shows its screen again.
pub async fn refuse(turn: Turn<'_>, denied: Denied, report_id: i64) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    match denied {
        Denied::Forged => {
            turn.show(Screen::text(t!(ctx.lang, "report-forbidden"))).await?;
        }
        Denied::Closed => {
            conv.go(State::Idle);
            turn.show(Screen::text(t!(ctx.lang, "report-closed"))).await?;
        }
        Denied::Locked => {
            if let Ok(access) = access(app, ctx, report_id).await? {
                // Say why nothing changed (a colleague may have just sent it), then its screen.
                if access.report.state == ReportState::Submitted
                    && matches!(turn.origin, super::send::Origin::Typed)
                {
                    turn.say(locked_notice(app, ctx, &access).await?).await?;
                }
                conv.go(State::Report { report: report_id });
                let screen = menu_screen(app, ctx, &access, 0).await?;
                turn.show(screen).await?;
            }
        }
    }
    Ok(())
}

/// "Sent by Hoa at 09:12: reopen it to change it."
pub async fn locked_notice(app: &AppRef, ctx: &Ctx, access: &Access) -> anyhow::Result<String> {
    let report = &access.report;
    let by = match report.submitted_by {
        Some(id) => app.store.person_names(&[id]).await?.remove(&id).unwrap_or_default(),
        None => String::new(),
    };
    let at = report.submitted_at.map(|a| present::local_time(&access.plan, a)).unwrap_or_default();
    Ok(t!(ctx.lang, "report-locked-meanwhile", by = by, at = at))
}

/// A period a focal point may report on now: in which plan, when, and the report if one
/// exists.
struct Choice {
    plan: Arc<Plan>,
    deadline: Deadline,
    report: Option<ReportRow>,
}

/// The periods a focal point may report on now, in every plan followed, by last day.
async fn choices(app: &AppRef, ctx: &Ctx) -> anyhow::Result<Vec<Choice>> {
    let Some(agency) = ctx.person.as_ref().and_then(|p| p.agency.clone()) else { return Ok(vec![]) };
    let mut out = Vec::new();
    for plan in app.plan.all() {
        for d in calendar::open_deadlines(&plan, ctx.now) {
            let Some(round) = plan.round(&d.round) else { continue };
            if !plan.recipients(round).iter().any(|a| a.code == agency) {
                continue;
            }
            if !round.asks.document && items_for(&plan, round, &agency).is_empty() {
                continue;
            }
            let report = app.store.find_report(&plan.code, &d.round, d.period, &agency).await?;
            if report.as_ref().is_some_and(|r| r.state == ReportState::Accepted) {
                continue;
            }
            out.push(Choice { plan: plan.clone(), deadline: d, report });
        }
    }
    out.sort_by_key(|c| c.deadline.last_day);
    Ok(out)
}

/// `/baocao`, and the reminders' "report now" button: the agency's report for the open round
/// and period, or a choice when several are open (in several plans, each says which).
pub async fn open(turn: Turn<'_>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let open = choices(app, ctx).await?;
    let several_plans = app.plan.all().len() > 1;
    match open.as_slice() {
        [] => {
            let plan = app.plan.get();
            let today = calendar::local_date(&plan, ctx.now);
            let next = app
                .plan
                .all()
                .iter()
                .flat_map(|p| {
                    let p = p.clone();
                    calendar::deadlines(&p, today.year()).into_iter().map(move |d| (p.clone(), d))
                })
                .filter(|(_, d)| d.opens > today)
                .min_by_key(|(_, d)| d.opens);
            let text = match next {
                Some((p, d)) => t!(
                    ctx.lang,
                    "report-none-open-next",
                    round = round_name(&p, ctx.lang, &d.round),
                    period = d.period.to_string(),
                    opens = present::date(d.opens)
                ),
                None => t!(ctx.lang, "report-none-open"),
            };
            conv.go(State::Idle);
            turn.show(Screen::text(text)).await?;
        }
        [one] => open_report(turn, &one.plan, &one.deadline.round, one.deadline.period).await?,
        several => {
            let rows = several
                .iter()
                .map(|c| {
                    let mark = match c.report.as_ref().map(|r| r.state) {
                        Some(ReportState::Submitted) => "✅ ",
                        Some(ReportState::Returned) => "↩️ ",
                        _ => "",
                    };
                    let round = round_name(&c.plan, ctx.lang, &c.deadline.round);
                    let round = if several_plans { format!("{} · {round}", c.plan.code) } else { round };
                    let text = t!(
                        ctx.lang,
                        "report-choice",
                        mark = mark,
                        round = round,
                        period = c.deadline.period.to_string(),
                        last_day = present::date(c.deadline.last_day)
                    );
                    let choose = Callback::Choose {
                        round: c.deadline.round.clone(),
                        period: c.deadline.period,
                        plan: several_plans.then(|| c.plan.code.clone()),
                    };
                    vec![button(text, choose)]
                })
                .collect();
            conv.go(State::ChooseRound);
            turn.show(Screen::with(t!(ctx.lang, "report-choose"), keyboard(rows))).await?;
        }
    }
    Ok(())
}

/// A chosen round and period: checked against what is open for the person's agency now, in
/// the plans followed (the first whose round and period it is).
pub async fn choose(turn: Turn<'_>, round: &str, period: PeriodKey, plan: Option<&str>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let allowed = choices(app, ctx).await?.into_iter().find(|c| {
        c.deadline.round == round && c.deadline.period == period && plan.is_none_or(|p| c.plan.code == p)
    });
    let Some(choice) = allowed else {
        conv.go(State::Idle);
        turn.show(Screen::text(t!(ctx.lang, "report-closed"))).await?;
        return Ok(());
    };
    open_report(turn, &choice.plan, round, period).await
}

/// The agency's report of a plan's round and period, opened as a draft the first time.
async fn open_report(turn: Turn<'_>, plan: &Plan, round: &str, period: PeriodKey) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(agency) = ctx.person.as_ref().and_then(|p| p.agency.clone()) else {
        conv.go(State::Idle);
        turn.show(Screen::text(t!(ctx.lang, "report-closed"))).await?;
        return Ok(());
    };
    let report = app.store.open_report(&plan.code, round, period, &agency, ctx.now).await?;
    show_menu(turn, report.id, 0).await
}

/// The report's screen on the page of the first item still empty (else the first page): after
/// saving one item the next is one tap away.
pub async fn show_menu_next(turn: Turn<'_>, report_id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let entries = app.store.items(report_id).await?;
    let page = match access(app, ctx, report_id).await? {
        Ok(a) => a.items.iter().position(|k| !is_filled(&entries, k)).map_or(0, |i| i / PAGE),
        Err(_) => 0,
    };
    show_menu(turn, report_id, page).await
}

/// The report's screen: its state and its items as buttons.
pub async fn show_menu(turn: Turn<'_>, report_id: i64, page: usize) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    match access(app, ctx, report_id).await? {
        Ok(access) => {
            conv.go(State::Report { report: report_id });
            let screen = menu_screen(app, ctx, &access, page).await?;
            turn.show(screen).await?;
        }
        Err(denied) => refuse(turn, denied, report_id).await?,
    }
    Ok(())
}

pub fn round_name(plan: &Plan, lang: Lang, code: &str) -> String {
    plan.round(code)
        .map_or_else(|| code.to_owned(), |r| present::name(lang, &r.name_vi, &r.name_en).to_owned())
}

pub fn agency_name(plan: &Plan, lang: Lang, code: &str) -> String {
    plan.agency(code)
        .map_or_else(|| code.to_owned(), |a| present::name(lang, &a.name_vi, &a.name_en).to_owned())
}

/// The heading every report screen starts with.
pub fn heading(plan: &Plan, lang: Lang, report: &ReportRow, last_day: NaiveDate) -> String {
    t!(
        lang,
        "report-heading",
        round = round_name(plan, lang, &report.round),
        period = report.period.to_string(),
        agency = agency_name(plan, lang, report.agency.as_str()),
        last_day = present::date_with_weekday(lang, last_day)
    )
}

/// An item's button label: done mark, code, short name.
pub fn item_label(plan: &Plan, lang: Lang, key: &ItemKey, filled: bool) -> String {
    let mark = if filled { "✅" } else { "⬜" };
    let text = match key {
        ItemKey::Task(code) => plan.task(code).map_or(code.clone(), |(_, t)| format!("{code} {}", t.text)),
        ItemKey::Metric(code) => plan.metric(code).map_or(code.clone(), |(_, m)| {
            format!("{code} {} ({})", present::name(lang, &m.name_vi, &m.name_en), m.unit)
        }),
        ItemKey::Narrative(n) => plan
            .indicator(*n)
            .map_or(n.to_string(), |i| format!("({n}) {}", present::name(lang, &i.name_vi, &i.name_en))),
    };
    format!("{mark} {}", label(&text, 48))
}

pub fn is_filled(entries: &[ItemEntry], key: &ItemKey) -> bool {
    entries.iter().any(|e| &e.key == key && e.is_filled())
}

pub async fn menu_screen(app: &AppRef, ctx: &Ctx, access: &Access, page: usize) -> anyhow::Result<Screen> {
    let (plan, report, lang) = (&access.plan, &access.report, ctx.lang);
    let entries = app.store.items(report.id).await?;
    let attachments = app.store.attachments(report.id).await?;
    let filled = access.items.iter().filter(|k| is_filled(&entries, k)).count();
    let mut text = heading(plan, lang, report, access.deadline.last_day);
    text.push('\n');
    let asks_document = plan.round(&report.round).is_some_and(|r| r.asks.document);
    text.push_str(&if access.items.is_empty() {
        t!(lang, "report-progress-document", files = attachments.len() as i64)
    } else {
        t!(
            lang,
            "report-progress",
            filled = filled as i64,
            total = access.items.len() as i64,
            files = attachments.len() as i64
        )
    });
    let tz = plan.time_zone;
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|a| a.with_timezone(&tz).format("%H:%M %d/%m/%Y").to_string()).unwrap_or_default()
    };
    let mut rows = Vec::new();
    match report.state {
        ReportState::Submitted => {
            text.push('\n');
            text.push_str(&t!(lang, "report-submitted-at", at = when(report.submitted_at)));
            rows.push(vec![button(t!(lang, "button-reopen"), Callback::Reopen { report: report.id })]);
            rows.push(vec![button(t!(lang, "button-view"), Callback::Review { report: report.id })]);
            return Ok(Screen::with(text, keyboard(rows)));
        }
        ReportState::Accepted => {
            text.push('\n');
            text.push_str(&t!(lang, "report-accepted-at", at = when(report.reviewed_at)));
            return Ok(Screen::text(text));
        }
        ReportState::Returned => {
            text.push('\n');
            text.push_str(&t!(
                lang,
                "report-returned",
                comment = report.review_comment.clone().unwrap_or_default()
            ));
        }
        ReportState::Draft => {}
    }
    text.push('\n');
    text.push_str(&t!(lang, if asks_document { "report-hint-document" } else { "report-hint" }));
    let pages = access.items.len().div_ceil(PAGE).max(1);
    let page = page.min(pages - 1);
    for key in access.items.iter().skip(page * PAGE).take(PAGE) {
        let label = item_label(plan, lang, key, is_filled(&entries, key));
        rows.push(vec![button(label, Callback::Item { report: report.id, item: key.clone() })]);
    }
    if pages > 1 {
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(
                t!(lang, "button-previous"),
                Callback::Page { report: report.id, page: (page - 1) as u8 },
            ));
        }
        nav.push(button(
            format!("{}/{}", page + 1, pages),
            Callback::Page { report: report.id, page: page as u8 },
        ));
        if page + 1 < pages {
            nav.push(button(
                t!(lang, "button-next"),
                Callback::Page { report: report.id, page: (page + 1) as u8 },
            ));
        }
        rows.push(nav);
    }
    rows.push(vec![
        button(t!(lang, "button-attach"), Callback::AttachHelp { report: report.id }),
        button(t!(lang, "button-review"), Callback::Review { report: report.id }),
    ]);
    Ok(Screen::with(text, keyboard(rows)))
}

/// A stored conversation step this version cannot read: start the report again, kindly.
pub async fn restart(turn: Turn<'_>) -> HandlerResult {
    let Turn { ctx, conv, .. } = turn;
    conv.go(State::Idle);
    turn.say(t!(ctx.lang, "restart")).await?;
    if ctx.is(Role::Focal) {
        open(turn.typed()).await?;
    }
    Ok(())
}
