//! A task's progress: "done" and "not started" in one tap, "in progress" at a common percent in
//! one tap (another percent on its own screen), "blocked" with its percent and, required, what
//! blocks it. The status, its percent (and a blocked task's note) are saved together, over the
//! version the person saw.

use super::Access;
use super::items::{current, item_access, item_code, save_seen, saved_line, saved_then_next};
use super::notes::typed_text;
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::report::{ItemKey, MAX_NOTE_CHARS, TaskStatus};
use crate::store::ItemChange;
use crate::t;

pub async fn choose_status(
    turn: Turn<'_>,
    report: i64,
    task: String,
    status: TaskStatus,
    seen: i64,
) -> HandlerResult {
    let Turn { ctx, conv, .. } = turn;
    let key = ItemKey::Task(task.clone());
    let Some(access) = item_access(turn, report, &key).await? else { return Ok(()) };
    // "Done" is all of it and "not started" none of it: no need to ask.
    let implied = match status {
        TaskStatus::Done => Some(100),
        TaskStatus::NotStarted => Some(0),
        _ => None,
    };
    if let Some(p) = implied {
        return save_progress(turn, access, key, status, Some(p), Some(seen)).await;
    }
    let text = t!(
        ctx.lang,
        "task-ask-percent",
        code = task.clone(),
        status = crate::present::task_status(ctx.lang, status)
    );
    let p = |v: Option<u8>, label: String| {
        button(label, Callback::Percent { report, task: task.clone(), status, percent: v, seen })
    };
    let rows = vec![
        vec![
            p(Some(25), "25%".into()),
            p(Some(50), "50%".into()),
            p(Some(75), "75%".into()),
            p(Some(100), "100%".into()),
        ],
        vec![p(None, t!(ctx.lang, "button-percent-unknown"))],
        vec![button(t!(ctx.lang, "button-back"), Callback::Open { report })],
    ];
    turn.show(Screen::with(text, keyboard(rows))).await?;
    conv.go(State::TaskPercent { report, task, status: Some(status), seen: Some(seen) });
    Ok(())
}

pub async fn choose_percent(
    turn: Turn<'_>,
    report: i64,
    task: String,
    status: TaskStatus,
    percent: Option<u8>,
    seen: i64,
) -> HandlerResult {
    let key = ItemKey::Task(task);
    let Some(access) = item_access(turn, report, &key).await? else { return Ok(()) };
    save_progress(turn, access, key, status, percent, Some(seen)).await
}

/// A typed percent: a whole number from 0 to 100, with or without "%".
pub async fn receive_percent(
    turn: Turn<'_>,
    report: i64,
    task: String,
    status: Option<TaskStatus>,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let typed = crate::domain::text::clean(text).unwrap_or_default();
    let Some(p) = typed.trim_end_matches('%').trim().parse::<u8>().ok().filter(|p| *p <= 100) else {
        turn.say(t!(ctx.lang, "task-bad-percent", typed = typed)).await?;
        return Ok(());
    };
    let key = ItemKey::Task(task);
    let Some(access) = item_access(turn.typed(), report, &key).await? else { return Ok(()) };
    // A step stored before statuses waited here had saved its status already.
    let status = match status {
        Some(s) => s,
        None => current(&app.store.items(report).await?, &key)
            .and_then(|e| e.status)
            .unwrap_or(TaskStatus::InProgress),
    };
    save_progress(turn.typed(), access, key, status, Some(p), seen).await
}

/// Saves a status and its percent, then the next item; "blocked" first asks what blocks it.
async fn save_progress(
    turn: Turn<'_>,
    access: Access,
    key: ItemKey,
    status: TaskStatus,
    percent: Option<u8>,
    seen: Option<i64>,
) -> HandlerResult {
    let report = access.report.id;
    if status == TaskStatus::Blocked {
        return ask_blocked_note(turn, report, key, percent, seen).await;
    }
    let Some(saved) = save_seen(turn, report, &key, ItemChange::Progress(status, percent), seen).await?
    else {
        return Ok(());
    };
    let lang = turn.ctx.lang;
    saved_then_next(turn, access, &key, |plan| saved_line(lang, plan, &saved)).await
}

/// "Blocked" needs to say by what: nothing is saved until it is typed.
async fn ask_blocked_note(
    turn: Turn<'_>,
    report: i64,
    key: ItemKey,
    percent: Option<u8>,
    seen: Option<i64>,
) -> HandlerResult {
    let Turn { ctx, conv, .. } = turn;
    let ItemKey::Task(task) = key else { return Ok(()) };
    let text = t!(
        ctx.lang,
        "task-ask-blocked-note",
        code = item_code(&ItemKey::Task(task.clone())),
        max = MAX_NOTE_CHARS as i64
    );
    let rows = vec![vec![button(t!(ctx.lang, "button-back"), Callback::Open { report })]];
    turn.show(Screen::with(text, keyboard(rows))).await?;
    conv.go(State::BlockedNote { report, task, percent, seen });
    Ok(())
}

/// What blocks a task, typed: saved with its status and percent, then the next item.
pub async fn receive_blocked_note(
    turn: Turn<'_>,
    report: i64,
    task: String,
    percent: Option<u8>,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    let turn = turn.typed();
    let Some(note) = typed_text(turn, text, MAX_NOTE_CHARS).await? else { return Ok(()) };
    let key = ItemKey::Task(task);
    let Some(access) = item_access(turn, report, &key).await? else { return Ok(()) };
    let change = ItemChange::ProgressNote(TaskStatus::Blocked, percent, note);
    let Some(saved) = save_seen(turn, report, &key, change, seen).await? else { return Ok(()) };
    let lang = turn.ctx.lang;
    saved_then_next(turn, access, &key, |plan| saved_line(lang, plan, &saved)).await
}
