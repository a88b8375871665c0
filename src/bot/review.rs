//! The planning department's review and administration (filled in by the leadership work).

use teloxide::prelude::*;

use super::schema::MyDialogue;
use super::send::{Origin, say};
use super::state::State;
use super::{AppRef, Ctx, HandlerResult};

async fn pending(bot: &Bot, ctx: &Ctx) -> HandlerResult {
    say(bot, ctx.chat, "…").await?;
    Ok(())
}

pub async fn receive_return_comment(
    bot: &Bot,
    _app: &AppRef,
    ctx: &Ctx,
    _d: &MyDialogue,
    _report: i64,
    _text: &str,
) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn receive_extension_reason(
    bot: &Bot,
    _app: &AppRef,
    ctx: &Ctx,
    _d: &MyDialogue,
    _what: (&str, &str, &str, &str),
    _text: &str,
) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn receive_broadcast(
    bot: &Bot,
    _app: &AppRef,
    ctx: &Ctx,
    _d: &MyDialogue,
    _text: &str,
) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn extend(bot: &Bot, _app: &AppRef, ctx: &Ctx, _d: &MyDialogue, _arg: &str) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn broadcast(bot: &Bot, _app: &AppRef, ctx: &Ctx, _d: &MyDialogue, _arg: &str) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn history(bot: &Bot, _app: &AppRef, ctx: &Ctx, _arg: &str) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn accept(bot: &Bot, _app: &AppRef, ctx: &Ctx, _o: Origin, _report: i64) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn ask_return_comment(
    bot: &Bot,
    _app: &AppRef,
    ctx: &Ctx,
    _d: &MyDialogue,
    _o: Origin,
    _report: i64,
) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn admin_reopen(bot: &Bot, _app: &AppRef, ctx: &Ctx, _o: Origin, _report: i64) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn view(bot: &Bot, _app: &AppRef, ctx: &Ctx, _o: Origin, _report: i64) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn send_broadcast(
    bot: &Bot,
    _app: &AppRef,
    ctx: &Ctx,
    _d: &MyDialogue,
    _o: Origin,
    _s: &State,
) -> HandlerResult {
    pending(bot, ctx).await
}
