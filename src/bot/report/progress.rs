//! A task's progress: its status, then (when it is neither "done" nor "not started") a percent.

use super::items::{ask_note, item_access, person};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::{Screen, say, show};
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::report::{ItemKey, TaskStatus};
use crate::store::ItemChange;
use crate::t;

pub async fn choose_status(turn: Turn<'_>, report: i64, task: String, status: TaskStatus) -> HandlerResult {
    let Turn { bot, app, ctx, dialogue, origin } = turn;
    let key = ItemKey::Task(task.clone());
    let Some(_) = item_access(turn, report, &key).await? else { return Ok(()) };
    let who = person(ctx);
    // "Done" is all of it and "not started" none of it: no need to ask.
    let implied = match status {
        TaskStatus::Done => Some(100),
        TaskStatus::NotStarted => Some(0),
        _ => None,
    };
    if let Some(p) = implied {
        app.store.save_item(report, &key, ItemChange::Progress(status, p), who, ctx.now).await?;
        return ask_note(turn, report, key).await;
    }
    app.store.save_item(report, &key, ItemChange::Status(status), who, ctx.now).await?;
    let text = t!(
        ctx.lang,
        "task-ask-percent",
        code = task.clone(),
        status = crate::present::task_status(ctx.lang, status)
    );
    let p = |v: Option<u8>, label: String| {
        button(label, Callback::Percent { report, task: task.clone(), percent: v })
    };
    let rows = vec![
        vec![
            p(Some(25), "25%".into()),
            p(Some(50), "50%".into()),
            p(Some(75), "75%".into()),
            p(Some(100), "100%".into()),
        ],
        vec![p(None, t!(ctx.lang, "button-skip"))],
    ];
    dialogue.update(State::TaskPercent { report, task }).await?;
    show(bot, ctx.chat, origin, Screen::with(text, keyboard(rows))).await?;
    Ok(())
}

pub async fn choose_percent(turn: Turn<'_>, report: i64, task: String, percent: Option<u8>) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let key = ItemKey::Task(task);
    let Some(_) = item_access(turn, report, &key).await? else { return Ok(()) };
    if percent.is_some() {
        app.store.save_item(report, &key, ItemChange::Percent(percent), person(ctx), ctx.now).await?;
    }
    ask_note(turn, report, key).await
}

/// A typed percent: a whole number from 0 to 100, with or without "%".
pub async fn receive_percent(turn: Turn<'_>, report: i64, task: String, text: &str) -> HandlerResult {
    let Turn { bot, ctx, .. } = turn;
    let typed = text.trim().trim_end_matches('%').trim();
    match typed.parse::<u8>().ok().filter(|p| *p <= 100) {
        Some(p) => choose_percent(turn.typed(), report, task, Some(p)).await,
        None => {
            say(bot, ctx.chat, t!(ctx.lang, "task-bad-percent", typed = text.trim().to_owned())).await?;
            Ok(())
        }
    }
}
