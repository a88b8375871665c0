//! Leadership commands (filled in by the leadership work).

use teloxide::prelude::*;

use super::send::say;
use super::{AppRef, Ctx, HandlerResult};

async fn pending(bot: &Bot, ctx: &Ctx) -> HandlerResult {
    say(bot, ctx.chat, "…").await?;
    Ok(())
}

pub async fn status(bot: &Bot, _app: &AppRef, ctx: &Ctx) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn indicator(bot: &Bot, _app: &AppRef, ctx: &Ctx, _arg: &str) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn agency(bot: &Bot, _app: &AppRef, ctx: &Ctx, _arg: &str) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn overdue(bot: &Bot, _app: &AppRef, ctx: &Ctx) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn export(bot: &Bot, _app: &AppRef, ctx: &Ctx, _arg: &str) -> HandlerResult {
    pending(bot, ctx).await
}
pub async fn chart(bot: &Bot, _app: &AppRef, ctx: &Ctx, _indicator: u32) -> HandlerResult {
    pending(bot, ctx).await
}
