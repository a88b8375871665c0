//! The focal point's report: opening it, its list of items, and the rights every step checks.

mod carry;
mod items;
mod narrative;
mod notes;
mod open;
mod progress;
mod submit;
mod values;

pub use carry::{keep_all, no_change};
pub use items::{ask_item, describe, wording};
pub use narrative::{ask_part, clear_part, narrative_lines, receive_part, show_narrative};
pub use notes::{add_note, receive_narrative, receive_note, skip_note};
use open::other_rounds;
pub use open::{choose, open};
pub use progress::{choose_percent, choose_status, receive_blocked_note, receive_percent};
pub use submit::{attach_file, attach_help, reopen, review, submit};
pub use values::{confirm_value, receive_value, retype};

use std::sync::Arc;

use chrono::NaiveDate;

use super::callback::Callback;
use super::keyboards::{button, keyboard, label};
use super::send::Screen;
use super::state::State;
use super::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::calendar::{self, Deadline};
use crate::domain::people::{Lang, Role};
use crate::domain::report::{ItemEntry, ItemKey, ReportState, items_for};
use crate::domain::review::FixRequests;
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
    /// The items the planning department asked to fix, while the report is returned.
    pub fixes: Option<FixRequests>,
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
pub fn effective_deadline(plan: &Plan, report: &ReportRow) -> Option<Deadline> {
    let round = plan.round(&report.round)?;
    Some(calendar::deadline_of(plan, round, report.period)?.extended(report.extended_to))
}

/// Checks, from the database, that the person is a focal point of the report's agency and that
/// the period is open. A foreign report is logged as a forged button.
pub async fn access(app: &AppRef, ctx: &Ctx, report_id: i64) -> anyhow::Result<Result<Access, Denied>> {
    let report = app.store.report(report_id).await?;
    access_over(app, ctx, report_id, report).await
}

/// Same, over the report's row just read (or just opened) from the database.
pub async fn access_over(
    app: &AppRef,
    ctx: &Ctx,
    report_id: i64,
    report: Option<ReportRow>,
) -> anyhow::Result<Result<Access, Denied>> {
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
    let Some(deadline) = effective_deadline(&plan, &report) else {
        return Ok(Err(Denied::Closed));
    };
    if !deadline.is_open_on(calendar::local_date(&plan, ctx.now)) {
        return Ok(Err(Denied::Closed));
    }
    let Some(round) = plan.round(&report.round) else { return Ok(Err(Denied::Closed)) };
    let items = items_for(&plan, round, &report.agency);
    let fixes = match report.state {
        ReportState::Returned => app.store.fix_requests(report.id).await?,
        _ => None,
    };
    Ok(Ok(Access { report, plan, deadline, items, fixes }))
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
                let screen = menu_screen(app, ctx, &access, 0, vec![], None).await?;
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

/// The report's screen on the page of the first item still empty (else the first page).
pub async fn show_menu_next(turn: Turn<'_>, report_id: i64) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    match access(app, ctx, report_id).await? {
        Ok(access) => {
            let entries = app.store.items(report_id).await?;
            let page = ordered_items(&access, &entries)
                .iter()
                .position(|k| !is_filled(&entries, k))
                .map_or(0, |i| i / PAGE);
            conv.go(State::Report { report: report_id });
            let screen = menu_screen_over(app, ctx, &access, &entries, page, vec![], None).await?;
            turn.show(screen).await?;
        }
        Err(denied) => refuse(turn, denied, report_id).await?,
    }
    Ok(())
}

/// The report's screen: its state and its items as buttons.
pub async fn show_menu(turn: Turn<'_>, report_id: i64, page: usize) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    match access(app, ctx, report_id).await? {
        Ok(access) => {
            conv.go(State::Report { report: report_id });
            let screen = menu_screen(app, ctx, &access, page, vec![], None).await?;
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
        period = present::period(lang, report.period),
        agency = agency_name(plan, lang, report.agency.as_str()),
        last_day = present::date_with_weekday(lang, last_day)
    )
}

/// An item's button label: done mark (❗ for one the planning department asked to fix), code,
/// short name.
pub fn item_label(plan: &Plan, lang: Lang, key: &ItemKey, filled: bool) -> String {
    let mark = if filled { "✅" } else { "⬜" };
    format!("{mark} {}", label(&item_name(plan, lang, key), 48))
}

/// "16.a Tăng cường…", "5.1 Tổng thu ngân sách (tỷ đồng)", "(17) Quốc phòng".
pub fn item_name(plan: &Plan, lang: Lang, key: &ItemKey) -> String {
    match key {
        ItemKey::Task(code) => plan.task(code).map_or(code.clone(), |(_, t)| format!("{code} {}", t.text)),
        ItemKey::Metric(code) => plan.metric(code).map_or(code.clone(), |(_, m)| {
            format!("{code} {} ({})", present::name(lang, &m.name_vi, &m.name_en), m.unit)
        }),
        ItemKey::Narrative(n) => plan
            .indicator(*n)
            .map_or(n.to_string(), |i| format!("({n}) {}", present::name(lang, &i.name_vi, &i.name_en))),
    }
}

pub fn is_filled(entries: &[ItemEntry], key: &ItemKey) -> bool {
    entries.iter().any(|e| &e.key == key && e.is_filled())
}

/// The report's items in the order the person meets them: those the planning department asked
/// to fix (and nobody changed since) first, then the rest in plan order.
pub fn ordered_items(access: &Access, entries: &[ItemEntry]) -> Vec<ItemKey> {
    let first = access.fixes.as_ref().map(|f| f.open(entries)).unwrap_or_default();
    let first: Vec<ItemKey> = first.into_iter().filter(|k| access.items.contains(k)).collect();
    first.iter().cloned().chain(access.items.iter().filter(|k| !first.contains(k)).cloned()).collect()
}

/// The next item to ask for after `after`: one asked to fix, else the next empty one (after it
/// in plan order, then from the start); `None` when every item has its answer.
pub fn next_item(access: &Access, entries: &[ItemEntry], after: Option<&ItemKey>) -> Option<ItemKey> {
    let fixes = access.fixes.as_ref().map(|f| f.open(entries)).unwrap_or_default();
    if let Some(k) = fixes.into_iter().find(|k| Some(k) != after && access.items.contains(k)) {
        return Some(k);
    }
    let n = access.items.len();
    let start = after.and_then(|a| access.items.iter().position(|k| k == a)).map_or(0, |i| i + 1);
    (0..n)
        .map(|i| &access.items[(start + i) % n.max(1)])
        .find(|k| !is_filled(entries, k) && Some(*k) != after)
        .cloned()
}

pub async fn menu_screen(
    app: &AppRef,
    ctx: &Ctx,
    access: &Access,
    page: usize,
    notice: Vec<String>,
    note_for: Option<&ItemKey>,
) -> anyhow::Result<Screen> {
    let entries = app.store.items(access.report.id).await?;
    menu_screen_over(app, ctx, access, &entries, page, notice, note_for).await
}

/// The same over the report's items as the caller just read them (one read less on a step).
pub async fn menu_screen_over(
    app: &AppRef,
    ctx: &Ctx,
    access: &Access,
    entries: &[ItemEntry],
    page: usize,
    notice: Vec<String>,
    note_for: Option<&ItemKey>,
) -> anyhow::Result<Screen> {
    let (plan, report, lang) = (&access.plan, &access.report, ctx.lang);
    let attachments = app.store.attachments(report.id).await?;
    let filled = access.items.iter().filter(|k| is_filled(entries, k)).count();
    let mut text = notice.iter().map(|n| format!("{n}\n")).collect::<String>();
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&heading(plan, lang, report, access.deadline.last_day));
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
            rows.extend(other_rounds(app, ctx, access).await?);
            return Ok(Screen::with(text, keyboard(rows)));
        }
        ReportState::Accepted => {
            text.push('\n');
            text.push_str(&t!(lang, "report-accepted-at", at = when(report.reviewed_at)));
            rows.extend(other_rounds(app, ctx, access).await?);
            return Ok(Screen::with(text, keyboard(rows)));
        }
        ReportState::Returned => {
            text.push('\n');
            text.push_str(&returned_lines(plan, lang, access, entries));
        }
        ReportState::Draft => {}
    }
    let carry = carry::copyable(app, access, entries).await?;
    if !carry.is_empty() {
        text.push_str("\n\n");
        text.push_str(&carry::preview(plan, lang, &carry));
        rows.push(vec![button(
            t!(lang, "button-keep-all", count = carry.len() as i64),
            Callback::KeepAll { report: report.id },
        )]);
    }
    text.push('\n');
    text.push_str(&t!(lang, if asks_document { "report-hint-document" } else { "report-hint" }));
    let ordered = ordered_items(access, entries);
    let fixes = access.fixes.as_ref().map(|f| f.open(entries)).unwrap_or_default();
    let pages = ordered.len().div_ceil(PAGE).max(1);
    let page = page.min(pages - 1);
    for key in ordered.iter().skip(page * PAGE).take(PAGE) {
        let mut label = item_label(plan, lang, key, is_filled(entries, key));
        if fixes.contains(key) {
            label = format!("❗{label}");
        }
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
    if let Some(key) = note_for.filter(|k| !matches!(k, ItemKey::Narrative(_))) {
        rows.push(vec![items::note_button(lang, report.id, key)]);
    }
    if !access.items.is_empty() {
        let narrative = app.store.narrative(report.id).await?;
        rows.push(vec![button(
            t!(lang, "button-narrative", filled = narrative.text.filled() as i64),
            Callback::Narrative { report: report.id },
        )]);
    }
    rows.push(vec![
        button(t!(lang, "button-attach"), Callback::AttachHelp { report: report.id }),
        button(t!(lang, "button-review"), Callback::Review { report: report.id }),
    ]);
    rows.extend(other_rounds(app, ctx, access).await?);
    Ok(Screen::with(text, keyboard(rows)))
}

/// "Returned: …", with the items asked for and their comments.
fn returned_lines(plan: &Plan, lang: Lang, access: &Access, entries: &[ItemEntry]) -> String {
    let report = &access.report;
    let mut out = match report.review_comment.as_deref().filter(|c| !c.is_empty()) {
        Some(comment) => t!(lang, "report-returned", comment = comment.to_owned()),
        None => t!(lang, "report-returned-items"),
    };
    if let Some(fixes) = &access.fixes {
        let open = fixes.open(entries);
        for f in &fixes.items {
            let Some(key) = f.key() else { continue };
            let mark = if open.contains(&key) { "❗" } else { "✅" };
            out.push('\n');
            out.push_str(&t!(
                lang,
                "report-fix-line",
                mark = mark,
                item = label(&item_name(plan, lang, &key), 40),
                comment = f.comment.clone()
            ));
        }
    }
    out
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
