//! One item at a time: the screen that asks for it, its note, a qualitative indicator's
//! narrative, "no change", a task's full wording. Progress and values are in their own files.

use super::{Access, Denied, agency_name, editable, heading, refuse, show_menu_next};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::{Origin, Screen};
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::number::{Quantity, format_vn};
use crate::domain::people::{Lang, Role};
use crate::domain::plan::{Direction, Metric};
use crate::domain::report::{ItemEntry, ItemKey, MAX_NARRATIVE_CHARS, MAX_NOTE_CHARS, TaskStatus};
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
            let (screen, state) = item_screen(app, ctx, &access, key, Some(text)).await?;
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

/// A tapped item: the screen that asks for it.
pub async fn ask_item(turn: Turn<'_>, report: i64, key: ItemKey) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(access) = item_access(turn, report, &key).await? else {
        return Ok(());
    };
    let (screen, state) = item_screen(app, ctx, &access, &key, None).await?;
    conv.go(state);
    turn.show(screen).await?;
    Ok(())
}

/// The screen and the step for one item; `notice` goes on top (e.g. "nothing to copy").
pub(super) async fn item_screen(
    app: &AppRef,
    ctx: &Ctx,
    access: &Access,
    key: &ItemKey,
    notice: Option<String>,
) -> anyhow::Result<(Screen, State)> {
    let (plan, report, lang) = (&access.plan, &access.report, ctx.lang);
    let entry = current(&app.store.items(report.id).await?, key);
    let seen = entry.as_ref().map_or(0, |e| e.version);
    let mut text = notice.map(|n| format!("{n}\n\n")).unwrap_or_default();
    text.push_str(&heading(plan, lang, report, access.deadline.last_day));
    text.push('\n');
    let no_change =
        button(t!(lang, "button-no-change"), Callback::NoChange { report: report.id, item: key.clone() });
    let screen = match key {
        ItemKey::Task(code) => {
            let task = plan.task(code).map(|(_, t)| t.text.clone()).unwrap_or_default();
            let short: String = task.chars().take(600).collect();
            let cut = short.len() < task.len();
            text.push_str(&t!(
                lang,
                "task-heading",
                code = code.clone(),
                text = if cut { format!("{short}…") } else { short }
            ));
            if let Some(e) = entry.as_ref().filter(|e| e.status.is_some()) {
                text.push('\n');
                text.push_str(&t!(lang, "item-current", value = describe(lang, plan, e)));
            }
            text.push('\n');
            text.push_str(&t!(lang, "task-ask-status"));
            let b = |s: TaskStatus| {
                button(
                    crate::present::task_status(lang, s),
                    Callback::Status { report: report.id, task: code.clone(), status: s, seen },
                )
            };
            let mut extra = vec![no_change];
            if cut {
                extra.push(button(
                    t!(lang, "button-wording"),
                    Callback::Wording { report: access.report.id, task: code.clone() },
                ));
            }
            let rows = vec![
                vec![b(TaskStatus::NotStarted), b(TaskStatus::InProgress)],
                vec![b(TaskStatus::Done), b(TaskStatus::Blocked)],
                extra,
                back_row(lang, report.id),
            ];
            (Screen::with(text, keyboard(rows)), State::TaskStatus { report: report.id, task: code.clone() })
        }
        ItemKey::Metric(code) => {
            let Some((_, metric)) = plan.metric(code) else { anyhow::bail!("metric {code} left the plan") };
            text.push_str(&metric_text(lang, metric));
            if let Some(prev) = app.store.last_accepted_value(report, code).await? {
                text.push('\n');
                text.push_str(&t!(
                    lang,
                    "metric-previous",
                    value = format_vn(&prev),
                    unit = metric.unit.clone()
                ));
            }
            if let Some(e) = entry.as_ref().filter(|e| e.value.is_some()) {
                text.push('\n');
                text.push_str(&t!(lang, "item-current", value = describe(lang, plan, e)));
            }
            text.push('\n');
            let key = if metric.target.out_of.is_some() { "metric-ask-fraction" } else { "metric-ask" };
            text.push_str(&t!(lang, key));
            let rows = vec![vec![no_change], back_row(lang, report.id)];
            (
                Screen::with(text, keyboard(rows)),
                State::MetricValue { report: report.id, metric: code.clone(), seen: Some(seen) },
            )
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
            if let Some(note) = entry.as_ref().and_then(|e| e.note.clone()) {
                text.push('\n');
                text.push_str(&t!(lang, "item-current", value = note));
            }
            text.push('\n');
            text.push_str(&t!(lang, "narrative-ask", max = MAX_NARRATIVE_CHARS as i64));
            let rows = vec![vec![no_change], back_row(lang, report.id)];
            (
                Screen::with(text, keyboard(rows)),
                State::Narrative { report: report.id, indicator: *n, seen: Some(seen) },
            )
        }
    };
    Ok(screen)
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

/// Asks for a note on the item just saved (at version `seen`).
pub(super) async fn ask_note(turn: Turn<'_>, report: i64, key: ItemKey, seen: i64) -> HandlerResult {
    let Turn { ctx, conv, .. } = turn;
    let seen = Some(seen);
    let state = match &key {
        ItemKey::Task(c) => State::TaskNote { report, task: c.clone(), seen },
        ItemKey::Metric(c) => State::MetricNote { report, metric: c.clone(), seen },
        ItemKey::Narrative(_) => State::Report { report },
    };
    let rows = vec![vec![button(t!(ctx.lang, "button-skip"), Callback::SkipNote { report })]];
    let text = t!(ctx.lang, "item-ask-note", code = item_code(&key), max = MAX_NOTE_CHARS as i64);
    turn.show(Screen::with(text, keyboard(rows))).await?;
    conv.go(state);
    Ok(())
}

/// A typed note for the task or metric just answered; then back to the list.
pub async fn receive_note(
    turn: Turn<'_>,
    report: i64,
    key: ItemKey,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    save_text(turn, report, key, seen, text, MAX_NOTE_CHARS).await
}

/// A typed narrative for a qualitative indicator.
pub async fn receive_narrative(
    turn: Turn<'_>,
    report: i64,
    indicator: u32,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    save_text(turn, report, ItemKey::Narrative(indicator), seen, text, MAX_NARRATIVE_CHARS).await
}

/// Saves a typed text as the item's note (within `max` characters), then the list again.
async fn save_text(
    turn: Turn<'_>,
    report: i64,
    key: ItemKey,
    seen: Option<i64>,
    text: &str,
    max: usize,
) -> HandlerResult {
    let Turn { ctx, .. } = turn;
    let Some(text) = crate::domain::text::clean(text) else {
        turn.say(t!(ctx.lang, "note-empty")).await?;
        return Ok(());
    };
    let length = text.chars().count();
    if length > max {
        turn.say(t!(ctx.lang, "note-too-long", length = length as i64, max = max as i64)).await?;
        return Ok(());
    }
    let Some(_) = item_access(turn.typed(), report, &key).await? else {
        return Ok(());
    };
    if save_seen(turn.typed(), report, &key, ItemChange::Note(Some(text)), seen).await?.is_none() {
        return Ok(());
    }
    saved_then_menu(turn.typed(), report, &key).await
}

pub async fn skip_note(turn: Turn<'_>, report: i64) -> HandlerResult {
    show_menu_next(turn, report).await
}

/// "Saved 16.a." and the list again.
async fn saved_then_menu(turn: Turn<'_>, report: i64, key: &ItemKey) -> HandlerResult {
    if let Origin::Typed = turn.origin {
        turn.say(t!(turn.ctx.lang, "item-saved", code = item_code(key))).await?;
    }
    show_menu_next(turn, report).await
}

/// "No change since the last period": the agency's previous answer, in one tap.
pub async fn no_change(turn: Turn<'_>, report: i64, key: ItemKey) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(access) = item_access(turn, report, &key).await? else {
        return Ok(());
    };
    match app.store.previous_entry(&access.report, &key).await? {
        Some((from, entry)) => {
            app.store
                .save_item(report, &key, ItemChange::CopiedFrom { report: from, entry }, person(ctx), ctx.now)
                .await?;
            show_menu_next(turn, report).await
        }
        None => {
            let (screen, state) =
                item_screen(app, ctx, &access, &key, Some(t!(ctx.lang, "no-change-nothing"))).await?;
            conv.go(state);
            turn.show(screen).await?;
            Ok(())
        }
    }
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
