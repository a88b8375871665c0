//! `/thongbao [text]`: a notice to every focal point, shown first with a "Gửi" button. Sending
//! queues it as a job: a row per recipient in the outbox, sent at the bulk's pace, with a
//! progress message the admin sees update (n/N, failures) and a button to stop it. A restart
//! resumes it; nobody gets it twice (but for the few in flight during a crash).

use super::still_admin;
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{AppRef, HandlerResult, Turn};
use crate::domain::people::Role;
use crate::postman;
use crate::store::{BroadcastProgress, NewBroadcast, Person};
use crate::t;

/// Room for the heading within one Telegram message.
const MAX_NOTICE_CHARS: usize = 3500;

pub async fn broadcast(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let text = crate::domain::text::clean(arg).unwrap_or_default();
    if text.is_empty() {
        turn.conv.go(State::BroadcastText);
        turn.say(t!(turn.ctx.lang, "broadcast-ask")).await?;
        return Ok(());
    }
    preview(turn, &text).await
}

pub async fn receive_broadcast(turn: Turn<'_>, text: &str) -> HandlerResult {
    if !still_admin(turn).await? {
        return Ok(());
    }
    preview(turn, &crate::domain::text::clean(text).unwrap_or_default()).await
}

async fn focal_points(app: &AppRef) -> anyhow::Result<Vec<Person>> {
    Ok(app.store.people_with_role(Role::Focal).await?)
}

/// The notice as it will read, with the number of people it goes to and the "Gửi" button.
async fn preview(turn: Turn<'_>, text: &str) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let length = text.chars().count();
    if length == 0 {
        turn.say(t!(ctx.lang, "broadcast-ask")).await?;
        return Ok(());
    }
    if length > MAX_NOTICE_CHARS {
        let why = t!(ctx.lang, "broadcast-too-long", length = length as i64, max = MAX_NOTICE_CHARS as i64);
        turn.say(why).await?;
        return Ok(());
    }
    let count = focal_points(app).await?.len();
    if count == 0 {
        conv.go(State::Idle);
        turn.say(t!(ctx.lang, "broadcast-nobody")).await?;
        return Ok(());
    }
    let shown = t!(ctx.lang, "broadcast-preview", count = count as i64, text = text.to_owned());
    let send = keyboard(vec![vec![button(t!(ctx.lang, "button-send-broadcast"), Callback::SendBroadcast)]]);
    turn.send(Screen::with(shown, send)).await?;
    conv.go(State::ConfirmBroadcast { text: text.to_owned() });
    Ok(())
}

/// "Gửi": the notice waiting in the conversation is queued for every focal point, once; the
/// admin's chat does not wait for it to go out.
pub async fn send_broadcast(turn: Turn<'_>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let State::ConfirmBroadcast { text } = turn.state() else {
        turn.show(Screen::text(t!(ctx.lang, "broadcast-nothing"))).await?;
        return Ok(());
    };
    let people = focal_points(app).await?;
    let admin = ctx.person.as_ref().map(|p| p.id);
    let (id, total) = app
        .store
        .create_broadcast(
            &NewBroadcast { text, created_by: admin, chat_id: ctx.chat.0, language: ctx.lang.as_str() },
            |id| {
                people
                    .iter()
                    .map(|p| {
                        let screen = Screen::text(t!(p.language, "broadcast-message", text = text.clone()));
                        let mut mail =
                            postman::to_person(format!("broadcast:{id}:{}", p.id), "broadcast", p, screen, 1);
                        mail.broadcast = Some(id);
                        mail
                    })
                    .collect()
            },
            ctx.now,
            app.wall.now(),
        )
        .await?;
    let detail = serde_json::json!({"broadcast": id, "text": text, "recipients": total});
    app.store.audit(admin, Some(ctx.user.id.0 as i64), "broadcast", detail, ctx.now).await?;
    // A second tap finds nothing waiting.
    conv.go(State::Idle);
    app.ring();
    let progress = BroadcastProgress { total: total as i64, ..BroadcastProgress::default() };
    let screen = postman::broadcast_screen(ctx.lang, id, progress, false);
    let shown = app.out.send(ctx.chat, &screen).await?;
    app.store.set_broadcast_message(id, i64::from(shown.0)).await?;
    Ok(())
}

/// "Dừng gửi": what has not gone out yet never will.
pub async fn cancel_broadcast(turn: Turn<'_>, id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let stopped = app.store.cancel_broadcast(id, ctx.now).await?;
    let progress = app.store.broadcast_progress(id).await?;
    let key = if stopped { "broadcast-stopped" } else { "broadcast-already-over" };
    let text = t!(ctx.lang, key, sent = progress.sent, total = progress.total);
    turn.show(Screen::text(text)).await?;
    if stopped {
        let who = ctx.person.as_ref().map(|p| p.id);
        let detail = serde_json::json!({"broadcast": id, "sent": progress.sent, "total": progress.total});
        app.store.audit(who, Some(ctx.user.id.0 as i64), "broadcast_cancelled", detail, ctx.now).await?;
    }
    Ok(())
}
