//! A task's progress: its status, then (when it is neither "done" nor "not started") a percent.

// A step handler takes the update's whole context plus what the button or text named.
#![allow(clippy::too_many_arguments)]

use teloxide::prelude::*;

use super::items::{ask_note, item_access, person, status_label};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::schema::MyDialogue;
use crate::bot::send::{Origin, Screen, say, show};
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult};
use crate::domain::report::{ItemKey, TaskStatus};
use crate::store::ItemChange;
use crate::t;

pub async fn choose_status(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    origin: Origin,
    report: i64,
    task: String,
    status: TaskStatus,
) -> HandlerResult {
    let key = ItemKey::Task(task.clone());
    let Some(_) = item_access(bot, app, ctx, dialogue, origin, report, &key).await? else { return Ok(()) };
    let who = person(ctx);
    // "Done" is all of it and "not started" none of it: no need to ask.
    let implied = match status {
        TaskStatus::Done => Some(100),
        TaskStatus::NotStarted => Some(0),
        _ => None,
    };
    if let Some(p) = implied {
        app.store.save_item(report, &key, ItemChange::Progress(status, p), who, ctx.now).await?;
        return ask_note(bot, ctx, dialogue, origin, report, key).await;
    }
    app.store.save_item(report, &key, ItemChange::Status(status), who, ctx.now).await?;
    let text = t!(ctx.lang, "task-ask-percent", code = task.clone(), status = status_label(ctx.lang, status));
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

pub async fn choose_percent(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    origin: Origin,
    report: i64,
    task: String,
    percent: Option<u8>,
) -> HandlerResult {
    let key = ItemKey::Task(task);
    let Some(_) = item_access(bot, app, ctx, dialogue, origin, report, &key).await? else { return Ok(()) };
    if percent.is_some() {
        app.store.save_item(report, &key, ItemChange::Percent(percent), person(ctx), ctx.now).await?;
    }
    ask_note(bot, ctx, dialogue, origin, report, key).await
}

/// A typed percent: a whole number from 0 to 100, with or without "%".
pub async fn receive_percent(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    report: i64,
    task: String,
    text: &str,
) -> HandlerResult {
    let typed = text.trim().trim_end_matches('%').trim();
    match typed.parse::<u8>().ok().filter(|p| *p <= 100) {
        Some(p) => choose_percent(bot, app, ctx, dialogue, Origin::Typed, report, task, Some(p)).await,
        None => {
            say(bot, ctx.chat, t!(ctx.lang, "task-bad-percent", typed = text.trim().to_owned())).await?;
            Ok(())
        }
    }
}
