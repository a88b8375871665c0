//! `/thongbao [text]`: a notice to every focal point, shown first with a "Gửi" button, then sent
//! through the same paced sender as the reminders; the admin learns how many got it.

use futures_util::StreamExt;
use teloxide::prelude::*;

use super::still_admin;
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::schema::MyDialogue;
use crate::bot::send::{Origin, Screen, say, show};
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult};
use crate::domain::people::Role;
use crate::scheduler::Delivery;
use crate::store::Person;
use crate::t;

/// Room for the heading within one Telegram message.
const MAX_NOTICE_CHARS: usize = 3500;

pub async fn broadcast(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    arg: &str,
) -> HandlerResult {
    if arg.trim().is_empty() {
        dialogue.update(State::BroadcastText).await?;
        say(bot, ctx.chat, t!(ctx.lang, "broadcast-ask")).await?;
        return Ok(());
    }
    preview(bot, app, ctx, dialogue, arg.trim()).await
}

pub async fn receive_broadcast(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    text: &str,
) -> HandlerResult {
    if !still_admin(bot, ctx, dialogue).await? {
        return Ok(());
    }
    preview(bot, app, ctx, dialogue, text.trim()).await
}

async fn focal_points(app: &AppRef) -> anyhow::Result<Vec<Person>> {
    Ok(app.store.people_with_role(Role::Focal).await?)
}

/// The notice as it will read, with the number of people it goes to and the "Gửi" button.
async fn preview(bot: &Bot, app: &AppRef, ctx: &Ctx, dialogue: &MyDialogue, text: &str) -> HandlerResult {
    let length = text.chars().count();
    if length == 0 {
        say(bot, ctx.chat, t!(ctx.lang, "broadcast-ask")).await?;
        return Ok(());
    }
    if length > MAX_NOTICE_CHARS {
        let why = t!(ctx.lang, "broadcast-too-long", length = length as i64, max = MAX_NOTICE_CHARS as i64);
        say(bot, ctx.chat, why).await?;
        return Ok(());
    }
    let count = focal_points(app).await?.len();
    if count == 0 {
        dialogue.update(State::Idle).await?;
        say(bot, ctx.chat, t!(ctx.lang, "broadcast-nobody")).await?;
        return Ok(());
    }
    dialogue.update(State::ConfirmBroadcast { text: text.to_owned() }).await?;
    let shown = t!(ctx.lang, "broadcast-preview", count = count as i64, text = text.to_owned());
    let send = keyboard(vec![vec![button(t!(ctx.lang, "button-send-broadcast"), Callback::SendBroadcast)]]);
    crate::bot::send::send(bot, ctx.chat, Screen::with(shown, send)).await?;
    Ok(())
}

/// "Gửi": the notice waiting in the conversation goes to every focal point, once.
pub async fn send_broadcast(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    origin: Origin,
    state: &State,
) -> HandlerResult {
    let State::ConfirmBroadcast { text } = state else {
        show(bot, ctx.chat, origin, Screen::text(t!(ctx.lang, "broadcast-nothing"))).await?;
        return Ok(());
    };
    // Before sending: a second tap finds nothing waiting.
    dialogue.update(State::Idle).await?;
    let people = focal_points(app).await?;
    show(bot, ctx.chat, origin, Screen::text(t!(ctx.lang, "broadcast-sending", count = people.len() as i64)))
        .await?;
    let deliveries: Vec<(Person, Delivery)> = futures_util::stream::iter(people.into_iter().map(|p| async {
        let screen = Screen::text(t!(p.language, "broadcast-message", text = text.clone()));
        let delivery = app.bulk.send(ChatId(p.chat_id), &screen).await;
        (p, delivery)
    }))
    .buffer_unordered(32)
    .collect()
    .await;
    let (mut reached, mut blocked, mut failed) = (0usize, 0usize, 0usize);
    for (p, delivery) in &deliveries {
        match delivery {
            Delivery::Sent { .. } => {
                reached += 1;
                if !p.reachable {
                    app.store.set_reachable(p.id, true).await?;
                }
            }
            Delivery::Blocked => {
                blocked += 1;
                app.store.set_reachable(p.id, false).await?;
            }
            Delivery::Failed(_) | Delivery::Retry(_) => failed += 1,
        }
    }
    let detail = serde_json::json!({"text": text, "reached": reached, "blocked": blocked, "failed": failed});
    let who = ctx.person.as_ref().map(|p| p.id);
    app.store.audit(who, Some(ctx.user.id.0 as i64), "broadcast", detail, ctx.now).await?;
    let done = t!(
        ctx.lang,
        "broadcast-done",
        reached = reached as i64,
        blocked = blocked as i64,
        failed = failed as i64
    );
    say(bot, ctx.chat, done).await?;
    Ok(())
}
