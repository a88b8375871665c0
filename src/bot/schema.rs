//! The one handler tree: duplicates out, the person resolved, the conversation entered, then
//! messages, edits and button taps each routed by command, step and content.

use teloxide::dispatching::dialogue::Dialogue;
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{Update, UpdateKind};

use super::callback::Callback;
use super::commands::{self, Command, Parsed};
use super::context;
use super::join;
use super::report;
use super::send::{Origin, say};
use super::state::State;
use super::storage::DialogueStore;
use super::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::people::Role;
use crate::domain::report::ItemKey;
use crate::store::StoreError;
use crate::t;

pub type MyDialogue = Dialogue<State, DialogueStore>;
pub type SchemaError = Box<dyn std::error::Error + Send + Sync>;

pub fn schema() -> UpdateHandler<SchemaError> {
    dptree::entry()
        .filter_async(first_delivery)
        .filter_map_async(context::resolve)
        .enter_dialogue::<Update, DialogueStore, State>()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_edited_message().endpoint(on_edited))
        .branch(Update::filter_callback_query().endpoint(on_callback))
}

/// An update (or a callback query) seen before changes nothing.
async fn first_delivery(app: AppRef, update: Update) -> bool {
    let now = app.clock.now();
    let mut keys = vec![format!("u:{}", update.id.0)];
    if let UpdateKind::CallbackQuery(q) = &update.kind {
        keys.push(format!("cq:{}", q.id.0));
    }
    for key in keys {
        match app.store.first_delivery(&key, now).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(key, "a duplicate delivery was ignored");
                return false;
            }
            // Better to risk handling twice than to drop a person's message.
            Err(e) => tracing::error!(error = %e, "could not record a handled update"),
        }
    }
    true
}

/// Logs a failure and tells the person, who loses nothing already confirmed.
async fn fail(bot: &Bot, ctx: &Ctx, error: anyhow::Error) {
    let disk_full = error.downcast_ref::<StoreError>().is_some_and(|e| matches!(e, StoreError::DiskFull));
    tracing::error!(error = %crate::telemetry::redact(&format!("{error:#}"), None), chat = ctx.chat.0, "a handler failed");
    let key = if disk_full { "error-disk-full" } else { "error-try-again" };
    if let Err(e) = say(bot, ctx.chat, t!(ctx.lang, key)).await {
        tracing::error!(error = %e, "could not tell the person about a failure");
    }
}

async fn on_message(
    bot: Bot,
    app: AppRef,
    ctx: Ctx,
    dialogue: MyDialogue,
    state: State,
    msg: Message,
) -> Result<(), SchemaError> {
    if let Err(e) = route_message(&bot, &app, &ctx, &dialogue, state, &msg).await {
        fail(&bot, &ctx, e).await;
    }
    Ok(())
}

async fn on_edited(bot: Bot, ctx: Ctx) -> Result<(), SchemaError> {
    if ctx.private
        && let Err(e) = say(&bot, ctx.chat, t!(ctx.lang, "edited-ignored")).await
    {
        tracing::warn!(error = %e, "could not answer an edited message");
    }
    Ok(())
}

async fn on_callback(
    bot: Bot,
    app: AppRef,
    ctx: Ctx,
    dialogue: MyDialogue,
    state: State,
    q: CallbackQuery,
) -> Result<(), SchemaError> {
    let origin = q.message.as_ref().map_or(Origin::Typed, |m| Origin::Tapped(m.id()));
    let data = q.data.clone().unwrap_or_default();
    let (answered, routed) = tokio::join!(
        super::send::answer(&bot, &q, None),
        route_callback(&bot, &app, &ctx, &dialogue, state, origin, &data)
    );
    if let Err(e) = answered {
        tracing::warn!(error = %e, "could not answer a callback query");
    }
    if let Err(e) = routed {
        fail(&bot, &ctx, e).await;
    }
    Ok(())
}

async fn route_message(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    state: State,
    msg: &Message,
) -> HandlerResult {
    let turn = Turn { bot, app, ctx, dialogue, origin: Origin::Typed };
    let text = msg.text().or(msg.caption());
    if !ctx.private {
        // In a group, answer only what is addressed to the bot, and point to the private chat.
        if let Some(Parsed::Command(..) | Parsed::Unknown(_)) =
            msg.text().and_then(|t| commands::parse(t, &app.bot_username))
        {
            say(bot, ctx.chat, t!(ctx.lang, "private-only", bot = app.bot_username.clone())).await?;
        }
        return Ok(());
    }
    if let Some(parsed) = msg.text().and_then(|t| commands::parse(t, &app.bot_username)) {
        return match parsed {
            Parsed::OtherBot => Ok(()),
            Parsed::Unknown(name) => {
                say(bot, ctx.chat, t!(ctx.lang, "unknown-command", command = name)).await?;
                Ok(())
            }
            Parsed::Command(command, arg) => {
                route_command(bot, app, ctx, dialogue, state, command, &arg).await
            }
        };
    }
    if ctx.person.is_none() {
        return join::stranger(bot, ctx).await;
    }
    if msg.document().is_some() || msg.photo().is_some() {
        return report::attach_file(turn, &state, msg).await;
    }
    let Some(text) = text else {
        let step = t!(ctx.lang, state.help_key());
        say(bot, ctx.chat, t!(ctx.lang, "unsupported-message", step = step)).await?;
        return Ok(());
    };
    match state {
        State::Stale => report::restart(turn).await,
        State::TaskPercent { report, task } => report::receive_percent(turn, report, task, text).await,
        State::TaskNote { report, task } => {
            report::receive_note(turn, report, ItemKey::Task(task), text).await
        }
        State::MetricNote { report, metric } => {
            report::receive_note(turn, report, ItemKey::Metric(metric), text).await
        }
        State::MetricValue { report, metric } | State::ConfirmValue { report, metric, .. } => {
            report::receive_value(turn, report, metric, text).await
        }
        State::Narrative { report, indicator } => {
            report::receive_narrative(turn, report, indicator, text).await
        }
        State::ReturnComment { report } => {
            super::review::receive_return_comment(bot, app, ctx, dialogue, report, text).await
        }
        State::ExtensionReason { round, period, agency, last_day } => {
            super::review::receive_extension_reason(
                bot,
                app,
                ctx,
                dialogue,
                (&round, &period, &agency, &last_day),
                text,
            )
            .await
        }
        State::BroadcastText => super::review::receive_broadcast(bot, app, ctx, dialogue, text).await,
        State::TaskStatus { .. } | State::ConfirmBroadcast { .. } => {
            say(bot, ctx.chat, t!(ctx.lang, "use-buttons")).await?;
            Ok(())
        }
        State::Idle | State::ChooseRound | State::Report { .. } | State::Review { .. } => {
            let key = if ctx.is(Role::Focal) { "idle-focal" } else { "idle-reader" };
            say(bot, ctx.chat, t!(ctx.lang, key)).await?;
            Ok(())
        }
    }
}

async fn route_command(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    state: State,
    command: Command,
    arg: &str,
) -> HandlerResult {
    let turn = Turn { bot, app, ctx, dialogue, origin: Origin::Typed };
    match command {
        Command::Start => return join::start(bot, app, ctx, arg).await,
        Command::Help => return join::help(bot, ctx, &state).await,
        Command::Language => return join::language(bot, app, ctx, arg).await,
        Command::Cancel => {
            dialogue.update(State::Idle).await?;
            return join::cancel(bot, ctx, &state).await;
        }
        _ => {}
    }
    let Some(role) = ctx.role() else { return join::stranger(bot, ctx).await };
    let reader = role.reads_everything();
    let admin = role == Role::Admin;
    match command {
        Command::Report if role == Role::Focal => report::open(turn.typed()).await,
        Command::Status if reader => super::leader::status(bot, app, ctx).await,
        Command::Indicator if reader => super::leader::indicator(bot, app, ctx, arg).await,
        Command::Agency if reader => super::leader::agency(bot, app, ctx, arg).await,
        Command::Overdue if reader => super::leader::overdue(bot, app, ctx).await,
        Command::Export if reader => super::leader::export(bot, app, ctx, arg).await,
        Command::Invite if admin => join::invite(bot, app, ctx, arg).await,
        Command::People if admin => join::people(bot, app, ctx, arg).await,
        Command::Remove if admin => match join::person_id(arg) {
            Some(id) => join::ask_remove(bot, app, ctx, Origin::Typed, id).await,
            None => {
                say(bot, ctx.chat, t!(ctx.lang, "remove-usage")).await?;
                Ok(())
            }
        },
        Command::Extend if admin => super::review::extend(bot, app, ctx, dialogue, arg).await,
        Command::Broadcast if admin => super::review::broadcast(bot, app, ctx, dialogue, arg).await,
        Command::History if admin => super::review::history(bot, app, ctx, arg).await,
        other => join::not_allowed(bot, ctx, other).await,
    }
}

async fn route_callback(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    state: State,
    origin: Origin,
    data: &str,
) -> HandlerResult {
    let turn = Turn { bot, app, ctx, dialogue, origin };
    let Some(role) = ctx.role() else { return join::stranger(bot, ctx).await };
    let Some(callback) = Callback::decode(data) else {
        app.store
            .audit(
                ctx.person.as_ref().map(|p| p.id),
                Some(ctx.user.id.0 as i64),
                "unreadable_button",
                serde_json::json!({"data": data}),
                ctx.now,
            )
            .await?;
        say(bot, ctx.chat, t!(ctx.lang, "button-stale")).await?;
        return Ok(());
    };
    let admin = role == Role::Admin;
    let reader = role.reads_everything();
    use Callback::*;
    match callback {
        Open { report } => report::show_menu(turn, report, 0).await,
        Page { report, page } => report::show_menu(turn, report, page as usize).await,
        Item { report, item } => report::ask_item(turn, report, item).await,
        Status { report, task, status } => report::choose_status(turn, report, task, status).await,
        Percent { report, task, percent } => report::choose_percent(turn, report, task, percent).await,
        SkipNote { report } => report::skip_note(turn, report).await,
        NoChange { report, item } => report::no_change(turn, report, item).await,
        Wording { task } => report::wording(bot, app, ctx, &task).await,
        ConfirmValue { report, metric } => report::confirm_value(turn, &state, report, metric).await,
        Retype { report, metric } => report::retype(turn, report, metric).await,
        AttachHelp { report } => report::attach_help(turn, report).await,
        Review { report } => report::review(turn, report).await,
        Submit { report } => report::submit(turn, report).await,
        Reopen { report } => report::reopen(turn, report).await,
        Choose { round, period } if role == Role::Focal => report::choose(turn, &round, period).await,
        Accept { report } if admin => super::review::accept(bot, app, ctx, origin, report).await,
        Return { report } if admin => {
            super::review::ask_return_comment(bot, app, ctx, dialogue, origin, report).await
        }
        AdminReopen { report } if admin => super::review::admin_reopen(bot, app, ctx, origin, report).await,
        View { report } if reader => super::review::view(bot, app, ctx, origin, report).await,
        Chart { indicator } if reader => super::leader::chart(bot, app, ctx, indicator).await,
        Indicator { number } if reader => super::leader::show_indicator(bot, app, ctx, number).await,
        TimelinessChart { round, period } if reader => {
            super::leader::timeliness_chart(bot, app, ctx, &round, period).await
        }
        Agency { code } if reader => super::leader::agency(bot, app, ctx, &code).await,
        Export { period } if reader => super::leader::export(bot, app, ctx, &period.to_string()).await,
        Remove { person } if admin => join::ask_remove(bot, app, ctx, origin, person).await,
        ConfirmRemove { person } if admin => join::remove(bot, app, ctx, origin, person).await,
        SendBroadcast if admin => {
            super::review::send_broadcast(bot, app, ctx, dialogue, origin, &state).await
        }
        other => {
            app.store
                .audit(
                    ctx.person.as_ref().map(|p| p.id),
                    Some(ctx.user.id.0 as i64),
                    "forged_button",
                    serde_json::json!({"data": other.encode(), "role": role.as_str()}),
                    ctx.now,
                )
                .await?;
            say(bot, ctx.chat, t!(ctx.lang, "report-forbidden")).await?;
            Ok(())
        }
    }
}
