//! One item at a time: the screen that asks for it, what comes after saving it (the next empty
//! item, the value echoed), a task's full wording. Notes and narratives, progress, values and
//! "unchanged" are in their own files.

use super::{Access, Denied, agency_name, editable, menu_screen_over, next_item, refuse};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::number::Quantity;
use crate::domain::people::{Lang, Role};
use crate::domain::plan::{Direction, Metric, ValueKind};
use crate::domain::progress::value_kind;
use crate::domain::report::{ItemEntry, ItemKey, MAX_NARRATIVE_CHARS, TaskStatus};
use crate::present;
use crate::store::{ItemChange, SaveRefused};
use crate::t;

/// Checks that the report is editable by the person and that the item is one of its own.
pub(super) async fn item_access(
    turn: Turn<'_>,
    report: i64,
    key: &ItemKey,
) -> anyhow::Result<Option<Access>> {
    let Turn { app, ctx, .. } = turn;
    match editable(app, ctx, report).await? {
        Ok(access) if access.items.contains(key) => Ok(Some(access)),
        Ok(_) => {
            app.store
                .audit(
                    ctx.person.as_ref().map(|p| p.id),
                    Some(ctx.user.id.0 as i64),
                    "forged_button",
                    serde_json::json!({"report": report, "item": key.encode()}),
                    ctx.now,
                )
                .await?;
            refuse(turn, Denied::Forged, report).await?;
            Ok(None)
        }
        Err(denied) => {
            refuse(turn, denied, report).await?;
            Ok(None)
        }
    }
}

pub(super) fn person(ctx: &Ctx) -> i64 {
    ctx.person.as_ref().map_or(0, |p| p.id)
}

pub(super) fn current(entries: &[ItemEntry], key: &ItemKey) -> Option<ItemEntry> {
    entries.iter().find(|e| &e.key == key).cloned()
}

/// Saves a change made over what the person saw (`seen`). Refused when a colleague changed
/// the item meanwhile (their answer is shown, with the item asked again) or when the report
/// was handed in meanwhile (its screen is shown, with "reopen"): `None` then, nothing saved.
pub(super) async fn save_seen(
    turn: Turn<'_>,
    report: i64,
    key: &ItemKey,
    change: ItemChange,
    seen: Option<i64>,
) -> anyhow::Result<Option<ItemEntry>> {
    let Turn { app, ctx, .. } = turn;
    match app.store.save_item_seen(report, key, change, seen, person(ctx), ctx.now).await? {
        Ok(saved) => Ok(Some(saved)),
        Err(SaveRefused::Newer { current }) => {
            let Some(access) = item_access(turn, report, key).await? else { return Ok(None) };
            let plan = access.plan.clone();
            let by = match current.updated_by {
                Some(id) => app.store.person_names(&[id]).await?.remove(&id).unwrap_or_default(),
                None => String::new(),
            };
            let text = t!(
                ctx.lang,
                "item-changed-meanwhile",
                code = item_code(key),
                by = by,
                at = crate::present::local_time(&plan, current.updated_at),
                value = describe(ctx.lang, &plan, &current)
            );
            let (screen, state) = item_screen(app, ctx, &access, key, Some(text), None).await?;
            turn.conv.go(state);
            turn.typed().show(screen).await?;
            Ok(None)
        }
        Err(SaveRefused::Locked { .. }) => {
            // The report was handed in between the check and the save: say so, show its screen.
            refuse(turn.typed(), Denied::Locked, report).await?;
            Ok(None)
        }
    }
}

/// "2.a", "5.1", "(17)": how an item is named in a sentence.
pub(super) fn item_code(key: &ItemKey) -> String {
    match key {
        ItemKey::Task(c) | ItemKey::Metric(c) => c.clone(),
        ItemKey::Narrative(n) => format!("({n})"),
    }
}

fn back_row(lang: Lang, report: i64) -> Vec<teloxide::types::InlineKeyboardButton> {
    vec![button(t!(lang, "button-back"), Callback::Open { report })]
}

/// "📝 Note on 16.a": a note for the item just saved, only when the person wants one.
pub(super) fn note_button(lang: Lang, report: i64, key: &ItemKey) -> teloxide::types::InlineKeyboardButton {
    button(
        t!(lang, "button-add-note", code = item_code(key)),
        Callback::AddNote { report, item: key.clone() },
    )
}

/// A tapped item: the screen that asks for it.
pub async fn ask_item(turn: Turn<'_>, report: i64, key: ItemKey) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(access) = item_access(turn, report, &key).await? else {
        return Ok(());
    };
    let (screen, state) = item_screen(app, ctx, &access, &key, None, None).await?;
    conv.go(state);
    turn.show(screen).await?;
    Ok(())
}

/// After an item was saved: what was saved, in one line, and on the same screen the next item
/// to fill (one asked to fix first), or the report's list when every item has its answer; a
/// note on the item just saved is a tap away. One message, whatever came before.
///
/// `access` is the one checked before the save: the save itself refused a report no longer
/// open for changes, so it is not read again.
pub(super) async fn saved_then_next(
    turn: Turn<'_>,
    access: Access,
    saved: &ItemKey,
    echo: impl FnOnce(&Plan) -> String,
) -> HandlerResult {
    then_next(turn, access, Some(saved), echo).await
}

/// The same after `after` (from the start when `None`, with no note offered).
pub(super) async fn then_next(
    turn: Turn<'_>,
    access: Access,
    saved: Option<&ItemKey>,
    echo: impl FnOnce(&Plan) -> String,
) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let report = access.report.id;
    // What was saved, said in the report's own plan.
    let echo = echo(&access.plan);
    let entries = app.store.items(report).await?;
    match next_item(&access, &entries, saved).filter(|_| access.report.state.is_editable()) {
        Some(next) => {
            let (screen, state) =
                item_screen_over(app, ctx, &access, &entries, &next, Some(echo), saved).await?;
            conv.go(state);
            turn.show(screen).await?;
        }
        None => {
            conv.go(State::Report { report });
            let mut notice = vec![echo];
            if !access.items.is_empty() {
                notice.push(t!(ctx.lang, "report-all-filled"));
            }
            let screen = menu_screen_over(app, ctx, &access, &entries, 0, notice, saved).await?;
            turn.show(screen).await?;
        }
    }
    Ok(())
}

/// "✅ Saved 8.1: 6,1 ‰".
pub(super) fn saved_line(lang: Lang, plan: &crate::domain::Plan, entry: &ItemEntry) -> String {
    t!(lang, "item-saved-value", code = item_code(&entry.key), value = describe(lang, plan, entry))
}

/// "📋 quý I/2022 · 3/10": where an item screen is, in one line.
fn item_heading(ctx: &Ctx, access: &Access, entries: &[ItemEntry]) -> String {
    let filled = access.items.iter().filter(|k| super::is_filled(entries, k)).count();
    t!(
        ctx.lang,
        "item-screen-heading",
        round = super::round_name(&access.plan, ctx.lang, &access.report.round),
        period = present::period(ctx.lang, access.report.period),
        filled = filled as i64,
        total = access.items.len() as i64
    )
}

/// The screen and the step for one item; `notice` goes on top (what was just saved, "nothing
/// to copy"), `note_for` is the item just saved (its note a tap away).
pub(super) async fn item_screen(
    app: &AppRef,
    ctx: &Ctx,
    access: &Access,
    key: &ItemKey,
    notice: Option<String>,
    note_for: Option<&ItemKey>,
) -> anyhow::Result<(Screen, State)> {
    let entries = app.store.items(access.report.id).await?;
    item_screen_over(app, ctx, access, &entries, key, notice, note_for).await
}

/// The same over the report's items as just read (one read of them per update).
async fn item_screen_over(
    app: &AppRef,
    ctx: &Ctx,
    access: &Access,
    entries: &[ItemEntry],
    key: &ItemKey,
    notice: Option<String>,
    note_for: Option<&ItemKey>,
) -> anyhow::Result<(Screen, State)> {
    let (plan, report, lang) = (&access.plan, &access.report, ctx.lang);
    let entry = current(entries, key);
    let seen = entry.as_ref().map_or(0, |e| e.version);
    let earlier = app.store.earlier_answers(report).await?.remove(key);
    let mut text = notice.map(|n| format!("{n}\n\n")).unwrap_or_default();
    text.push_str(&item_heading(ctx, access, entries));
    text.push('\n');
    let fix = access.fixes.as_ref().and_then(|f| f.comment(key)).map(str::to_owned);
    let asked_to_fix = fix.map(|c| t!(lang, "item-fix-asked", comment = c));
    let previous = |e: &ItemEntry, period| {
        t!(lang, "item-previous", period = present::period(lang, period), value = describe(lang, plan, e))
    };
    let no_change = |label: String| {
        button(label, Callback::NoChange { report: report.id, item: key.clone(), seen: Some(seen) })
    };
    let mut rows = Vec::new();
    let state = match key {
        ItemKey::Task(code) => {
            let task = plan.task(code).map_or("", |(_, t)| t.text.as_str());
            let short = task.char_indices().nth(600).map_or(task, |(end, _)| &task[..end]).to_owned();
            let cut = short.len() < task.len();
            text.push_str(&t!(
                lang,
                "task-heading",
                code = code.clone(),
                text = if cut { format!("{short}…") } else { short }
            ));
            for line in asked_to_fix.iter().cloned().chain(
                entry
                    .as_ref()
                    .filter(|e| e.status.is_some())
                    .map(|e| t!(lang, "item-current", value = describe(lang, plan, e))),
            ) {
                text.push('\n');
                text.push_str(&line);
            }
            if let Some(e) = &earlier {
                text.push('\n');
                text.push_str(&previous(&e.entry, e.period));
            }
            text.push('\n');
            text.push_str(&t!(lang, "task-ask-status"));
            rows.extend(status_rows(lang, report.id, code, seen));
            let mut extra = Vec::new();
            if earlier.is_some() {
                extra.push(no_change(t!(lang, "button-no-change")));
            }
            if cut {
                extra.push(button(
                    t!(lang, "button-wording"),
                    Callback::Wording { report: access.report.id, task: code.clone() },
                ));
            }
            rows.push(extra);
            State::TaskStatus { report: report.id, task: code.clone() }
        }
        ItemKey::Metric(code) => {
            let Some((_, metric)) = plan.metric(code) else { anyhow::bail!("metric {code} left the plan") };
            text.push_str(&metric_text(lang, metric));
            for line in asked_to_fix.iter().cloned().chain(
                entry
                    .as_ref()
                    .filter(|e| e.value.is_some())
                    .map(|e| t!(lang, "item-current", value = describe(lang, plan, e))),
            ) {
                text.push('\n');
                text.push_str(&line);
            }
            if let Some(e) = &earlier {
                text.push('\n');
                text.push_str(&previous(&e.entry, e.period));
            }
            text.push('\n');
            text.push_str(&super::values::value_prompt(lang, metric, report.period));
            // A cumulative figure is never the same as last period's (it grows).
            if earlier.is_some() && value_kind(metric) != ValueKind::Cumulative {
                rows.push(vec![no_change(t!(lang, "button-no-change"))]);
            }
            State::MetricValue { report: report.id, metric: code.clone(), seen: Some(seen) }
        }
        ItemKey::Narrative(n) => {
            let indicator = plan.indicator(*n);
            text.push_str(&t!(
                lang,
                "narrative-heading",
                number = *n as i64,
                name = indicator
                    .map(|i| present::name(lang, &i.name_vi, &i.name_en).to_owned())
                    .unwrap_or_default(),
                text = indicator.map(|i| i.text.clone()).unwrap_or_default()
            ));
            for line in asked_to_fix.iter().cloned().chain(
                entry
                    .as_ref()
                    .and_then(|e| e.note.clone())
                    .map(|note| t!(lang, "item-current", value = note)),
            ) {
                text.push('\n');
                text.push_str(&line);
            }
            if let Some(e) = &earlier {
                text.push('\n');
                text.push_str(&previous(&e.entry, e.period));
                rows.push(vec![no_change(t!(lang, "button-no-change"))]);
            }
            text.push('\n');
            text.push_str(&t!(lang, "narrative-ask", max = MAX_NARRATIVE_CHARS as i64));
            State::Narrative { report: report.id, indicator: *n, seen: Some(seen) }
        }
    };
    if let Some(saved) = note_for.filter(|k| !matches!(k, ItemKey::Narrative(_))) {
        rows.push(vec![note_button(lang, report.id, saved)]);
    }
    rows.push(back_row(lang, report.id));
    Ok((Screen::with(text, keyboard(rows)), state))
}

/// A task's statuses, the common percents of "in progress" among them: one tap each.
fn status_rows(
    lang: Lang,
    report: i64,
    code: &str,
    seen: i64,
) -> Vec<Vec<teloxide::types::InlineKeyboardButton>> {
    let status = |s: TaskStatus, key: &str| {
        button(t!(lang, key), Callback::Status { report, task: code.to_owned(), status: s, seen })
    };
    let in_progress = |p: u8| {
        button(
            t!(lang, "button-in-progress-percent", percent = p as i64),
            Callback::Percent {
                report,
                task: code.to_owned(),
                status: TaskStatus::InProgress,
                percent: Some(p),
                seen,
            },
        )
    };
    vec![
        vec![
            status(TaskStatus::Done, "button-status-done"),
            status(TaskStatus::NotStarted, "button-status-not-started"),
        ],
        vec![
            in_progress(25),
            in_progress(50),
            in_progress(75),
            status(TaskStatus::InProgress, "button-in-progress-other"),
        ],
        vec![status(TaskStatus::Blocked, "button-status-blocked")],
    ]
}

/// "Chỉ số 5.1: Tổng thu ngân sách — chỉ tiêu năm: ≥ 9.002 tỷ đồng".
pub fn metric_text(lang: Lang, metric: &Metric) -> String {
    let direction = match metric.direction {
        Direction::AtLeast => "≥",
        Direction::AtMost => "≤",
        Direction::ReduceBy => "↓",
    };
    t!(
        lang,
        "metric-heading",
        code = metric.code.clone(),
        name = present::name(lang, &metric.name_vi, &metric.name_en).to_owned(),
        direction = direction,
        target = metric.target.to_string(),
        unit = metric.unit.clone(),
        wording = metric.wording.clone()
    )
}

/// An entry in words: "Hoàn thành, 100% — ghi chú" or "2.250 tỷ đồng".
pub fn describe(lang: Lang, plan: &crate::domain::Plan, e: &ItemEntry) -> String {
    let mut parts = Vec::new();
    if let Some(s) = e.status {
        parts.push(crate::present::task_status(lang, s));
    }
    if let Some(p) = e.percent {
        parts.push(format!("{p}%"));
    }
    if let Some(v) = e.value {
        let unit = match &e.key {
            ItemKey::Metric(code) => plan.metric(code).map(|(_, m)| m.unit.clone()).unwrap_or_default(),
            _ => String::new(),
        };
        let q = Quantity { value: v, out_of: e.value_out_of, unit: (!unit.is_empty()).then_some(unit) };
        parts.push(q.to_string());
    }
    let mut out = parts.join(", ");
    if let Some(note) = e.note.as_ref().filter(|n| !n.is_empty()) {
        if out.is_empty() {
            out = note.clone();
        } else {
            out = format!("{out} — {note}");
        }
    }
    if out.is_empty() { "—".to_owned() } else { out }
}

/// A task's whole wording, for reading; focal points only see their own agency's tasks.
pub async fn wording(turn: Turn<'_>, report: i64, task: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(report) = app.store.report(report).await? else {
        turn.say(t!(ctx.lang, "button-stale")).await?;
        return Ok(());
    };
    let plan = app.plan_of(&report);
    let Some((section, t)) = plan.task(task) else {
        turn.say(t!(ctx.lang, "button-stale")).await?;
        return Ok(());
    };
    let allowed = match ctx.person.as_ref() {
        Some(p) if p.role == Role::Focal => {
            p.agency.as_ref().is_some_and(|a| plan.task_role(section, t, a).is_some())
        }
        Some(_) => true,
        None => false,
    };
    if !allowed {
        turn.say(t!(ctx.lang, "report-forbidden")).await?;
        return Ok(());
    }
    let assignees: Vec<String> = plan
        .expand(plan.task_lead(section, t))
        .iter()
        .map(|a| agency_name(&plan, ctx.lang, a.code.as_str()))
        .collect();
    let text = t!(
        ctx.lang,
        "task-wording",
        code = t.code.clone(),
        agencies = assignees.join(", "),
        text = t.text.clone()
    );
    turn.say(text).await?;
    Ok(())
}
