//! The one handler tree: the person and their step resolved, duplicates and floods out, then
//! messages, edits and button taps each routed by command, step and content. Every update ends
//! the same way: once its reply is delivered, its handled mark and the conversation's next
//! step are written together.

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Update, UpdateKind};

use super::callback::Callback;
use super::commands::{self, Command, Parsed};
use super::context;
use super::report;
use super::send::Origin;
use super::state::State;
use super::{AppRef, Conversation, Ctx, HandlerResult, Turn};
use super::{invites, join, people};
use crate::domain::limits::Verdict;
use crate::domain::people::Role;
use crate::domain::report::ItemKey;
use crate::outbound::Sender;
use crate::store::StoreError;
use crate::t;

pub type SchemaError = Box<dyn std::error::Error + Send + Sync>;

/// The kinds of update the tree below has a branch for: the only ones asked of Telegram
/// (teloxide's description of the tree names every kind, because its first steps, who the
/// person is and whether they are flooding, look at any update).
pub const UPDATE_KINDS: [AllowedUpdate; 3] =
    [AllowedUpdate::Message, AllowedUpdate::EditedMessage, AllowedUpdate::CallbackQuery];

/// The update and its context are shared (`Arc`), not copied: dptree hands each step a clone of
/// what it asks for, and a tap's update, message and keyboard included, is a few hundred small
/// values (copying and dropping them was about a tenth of the bot's CPU, benches/replies).
pub fn schema() -> UpdateHandler<SchemaError> {
    dptree::entry().filter_map_async(context::resolve).filter_async(within_limits).endpoint(on_update)
}

async fn on_update(app: AppRef, ctx: Arc<Ctx>, update: Arc<Update>) -> Result<(), SchemaError> {
    match &update.kind {
        UpdateKind::Message(msg) => on_message(&app, &ctx, msg).await,
        UpdateKind::EditedMessage(_) => on_edited(&app, &ctx).await,
        UpdateKind::CallbackQuery(q) => on_callback(&app, &ctx, q).await,
        // Not asked of Telegram (`UPDATE_KINDS`).
        _ => tracing::debug!(update = update.id.0, "an update of a kind the bot does not handle"),
    }
    Ok(())
}

/// One sender cannot cost everyone else: a flood is told once to slow down, then ignored until
/// it calms; a stranger is answered once every few minutes (an invite link always goes through).
async fn within_limits(app: AppRef, ctx: Arc<Ctx>, update: Arc<Update>) -> bool {
    let joining = matches!(
        update.kind,
        teloxide::types::UpdateKind::Message(ref m)
            if m.text().is_some_and(|t| t.starts_with("/start ") || t.starts_with("/start@"))
    );
    let stranger = ctx.person.is_none() && !joining;
    let verdict = app.limits().on_update(ctx.user.id.0 as i64, stranger, std::time::Instant::now());
    match verdict {
        Verdict::Handle => true,
        Verdict::Ignore => false,
        Verdict::SlowDown => {
            let detail = serde_json::json!({"chat": ctx.chat.0});
            let who = ctx.person.as_ref().map(|p| p.id);
            if let Err(e) = app.store.audit(who, Some(ctx.user.id.0 as i64), "flood", detail, ctx.now).await {
                tracing::warn!(error = %e, "could not record a flood");
            }
            if ctx.private
                && let Err(e) = super::send::say(&app.out, ctx.chat, t!(ctx.lang, "slow-down")).await
            {
                tracing::warn!(error = %e, "could not ask a sender to slow down");
            }
            false
        }
    }
}

/// Logs a failure and tells the person, who loses nothing already confirmed.
async fn fail(out: &Sender, ctx: &Ctx, error: anyhow::Error) {
    let disk_full = error.downcast_ref::<StoreError>().is_some_and(|e| matches!(e, StoreError::DiskFull));
    tracing::error!(error = %crate::telemetry::redact(&format!("{error:#}"), None), chat = ctx.chat.0, "a handler failed");
    let key = if disk_full { "error-disk-full" } else { "error-try-again" };
    if let Err(e) = super::send::say(out, ctx.chat, t!(ctx.lang, key)).await {
        tracing::error!(error = %e, "could not tell the person about a failure");
    }
}

/// Ends an update: a failure is told; the handled mark and, when the reply went out, the next
/// step are written in one transaction.
async fn finish(app: &AppRef, ctx: &Ctx, conv: &Conversation, result: HandlerResult) {
    let next = match result {
        Ok(()) => conv.next().filter(|n| n != &ctx.state),
        Err(e) => {
            fail(&app.out, ctx, e).await;
            None
        }
    };
    let next = next.map(|s| s.to_json());
    if let Err(e) = app.store.finish_update(&ctx.keys, ctx.chat.0, next.as_deref(), ctx.now).await {
        tracing::error!(error = %e, "could not record the end of an update");
    }
}

async fn on_message(app: &AppRef, ctx: &Ctx, msg: &Message) {
    let conv = Conversation::default();
    let turn = Turn { out: &app.out, app, ctx, conv: &conv, origin: Origin::Typed };
    let result = route_message(turn, msg).await;
    finish(app, ctx, &conv, result).await;
}

async fn on_edited(app: &AppRef, ctx: &Ctx) {
    if ctx.private
        && let Err(e) = super::send::say(&app.out, ctx.chat, t!(ctx.lang, "edited-ignored")).await
    {
        tracing::warn!(error = %e, "could not answer an edited message");
    }
    finish(app, ctx, &Conversation::default(), Ok(())).await;
}

async fn on_callback(app: &AppRef, ctx: &Ctx, q: &CallbackQuery) {
    let origin = q.message.as_ref().map_or(Origin::Typed, |m| Origin::Tapped(m.id()));
    let data = q.data.as_deref().unwrap_or_default();
    let conv = Conversation::default();
    let turn = Turn { out: &app.out, app, ctx, conv: &conv, origin };
    let (answered, routed) = tokio::join!(app.out.answer_callback(q, None), route_callback(turn, data));
    if let Err(e) = answered {
        tracing::warn!(error = %e, "could not answer a callback query");
    }
    finish(app, ctx, &conv, routed).await;
}

/// Steps where the person types free text: there, "/word" is not run as a command (only
/// cancel and help are), so a note cannot start something by accident.
fn typing_text(state: &State) -> bool {
    matches!(
        state,
        State::TaskNote { .. }
            | State::MetricNote { .. }
            | State::BlockedNote { .. }
            | State::Narrative { .. }
            | State::NarrativePart { .. }
            | State::ReturnComment { .. }
            | State::ReturnItem { .. }
            | State::ExtensionReason { .. }
            | State::BroadcastText
    )
}

async fn route_message(turn: Turn<'_>, msg: &Message) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let text = msg.text().or(msg.caption());
    if !ctx.private {
        // In a group, answer only what is addressed to the bot, and point to the private chat.
        if let Some(Parsed::Command(..) | Parsed::Unknown(_)) =
            msg.text().and_then(|t| commands::parse(t, &app.bot_username))
        {
            turn.say(t!(ctx.lang, "private-only", bot = app.bot_username.clone())).await?;
        }
        return Ok(());
    }
    if let Some(parsed) = msg.text().and_then(|t| commands::parse(t, &app.bot_username)) {
        let free = matches!(parsed, Parsed::Command(Command::Cancel | Command::Help, _));
        if typing_text(&ctx.state) && !free {
            let typed =
                msg.text().unwrap_or_default().split_whitespace().next().unwrap_or_default().to_owned();
            let step = t!(ctx.lang, ctx.state.help_key());
            turn.say(t!(ctx.lang, "command-while-typing", command = typed, step = step)).await?;
            return Ok(());
        }
        return match parsed {
            Parsed::OtherBot => Ok(()),
            Parsed::Unknown(name) => {
                turn.say(t!(ctx.lang, "unknown-command", command = name)).await?;
                Ok(())
            }
            Parsed::Command(command, arg) => route_command(turn, command, &arg).await,
        };
    }
    if ctx.person.is_none() {
        return join::stranger(turn).await;
    }
    if msg.document().is_some() || msg.photo().is_some() {
        return report::attach_file(turn, msg).await;
    }
    let Some(text) = text else {
        // What teloxide could not read at all (a file over its size limits, a kind of message
        // newer than it) is not "a sticker": say so, and what to do.
        if matches!(msg.kind, teloxide::types::MessageKind::Empty {}) {
            turn.say(t!(ctx.lang, "message-unreadable")).await?;
            return Ok(());
        }
        let step = t!(ctx.lang, ctx.state.help_key());
        turn.say(t!(ctx.lang, "unsupported-message", step = step)).await?;
        return Ok(());
    };
    match ctx.state.clone() {
        State::Stale => report::restart(turn).await,
        State::TaskPercent { report, task, status, seen } => {
            report::receive_percent(turn, report, task, status, seen, text).await
        }
        State::TaskNote { report, task, seen } => {
            report::receive_note(turn, report, ItemKey::Task(task), seen, text).await
        }
        State::MetricNote { report, metric, seen } => {
            report::receive_note(turn, report, ItemKey::Metric(metric), seen, text).await
        }
        State::MetricValue { report, metric, seen } | State::ConfirmValue { report, metric, seen, .. } => {
            report::receive_value(turn, report, metric, seen, text).await
        }
        State::BlockedNote { report, task, percent, seen } => {
            report::receive_blocked_note(turn, report, task, percent, seen, text).await
        }
        State::Narrative { report, indicator, seen } => {
            report::receive_narrative(turn, report, indicator, seen, text).await
        }
        State::NarrativePart { report, part, seen } => {
            report::receive_part(turn, report, part, seen, text).await
        }
        State::ReturnComment { report, marks } => {
            super::review::receive_return_comment(turn, report, marks, text).await
        }
        State::ReturnItem { report, item, marks } => {
            super::review::receive_fix_comment(turn, report, &item, marks, text).await
        }
        State::AskName => join::receive_name(turn, text).await,
        State::ExtensionReason { round, period, agency, last_day } => {
            super::review::receive_extension_reason(turn, (&round, &period, &agency, &last_day), text).await
        }
        State::BroadcastText => super::review::receive_broadcast(turn, text).await,
        State::TaskStatus { .. } | State::ConfirmBroadcast { .. } | State::ConfirmMove { .. } => {
            turn.say(t!(ctx.lang, "use-buttons")).await?;
            Ok(())
        }
        State::Idle | State::ChooseRound | State::Report { .. } | State::Review { .. } => {
            let key = if ctx.is(Role::Focal) { "idle-focal" } else { "idle-reader" };
            turn.say(t!(ctx.lang, key)).await?;
            Ok(())
        }
    }
}

async fn route_command(turn: Turn<'_>, command: Command, arg: &str) -> HandlerResult {
    let Turn { ctx, conv, .. } = turn;
    match command {
        Command::Start => return join::start(turn, arg).await,
        Command::Help => return join::help(turn).await,
        Command::Language => return join::language(turn, arg).await,
        Command::Name if ctx.person.is_some() => return join::name(turn, arg).await,
        Command::Cancel => {
            conv.go(State::Idle);
            return join::cancel(turn).await;
        }
        _ => {}
    }
    if ctx.role().is_none() {
        return join::stranger(turn).await;
    }
    if !command.allowed(ctx.role()) {
        return join::not_allowed(turn, command).await;
    }
    match command {
        Command::Report => report::open(turn.typed()).await,
        Command::Status => super::leader::status(turn, arg).await,
        Command::Indicator => super::leader::indicator(turn, arg).await,
        Command::Agency => super::leader::agency(turn, arg).await,
        Command::Overdue => super::leader::overdue(turn, arg).await,
        Command::Export => super::leader::export(turn, arg).await,
        Command::Invite => invites::invite(turn, arg).await,
        Command::People => people::people(turn, arg, 0).await,
        Command::Remove => match people::person_id(arg) {
            Some(id) => people::ask_remove(turn, id).await,
            None => {
                turn.say(t!(ctx.lang, "remove-usage")).await?;
                Ok(())
            }
        },
        Command::Extend => super::review::extend(turn, arg).await,
        Command::Broadcast => super::review::broadcast(turn, arg).await,
        Command::History => super::review::history(turn, arg).await,
        Command::Start | Command::Help | Command::Language | Command::Cancel | Command::Name => Ok(()),
    }
}

async fn route_callback(turn: Turn<'_>, data: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(role) = ctx.role() else { return join::stranger(turn).await };
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
        turn.say(t!(ctx.lang, "button-stale")).await?;
        return Ok(());
    };
    let admin = role == Role::Admin;
    let reader = role.reads_everything();
    use Callback::*;
    match callback {
        Open { report } => report::show_menu(turn, report, 0).await,
        Page { report, page } => report::show_menu(turn, report, page as usize).await,
        Item { report, item } => report::ask_item(turn, report, item).await,
        Status { report, task, status, seen } => {
            report::choose_status(turn, report, task, status, seen).await
        }
        Percent { report, task, status, percent, seen } => {
            report::choose_percent(turn, report, task, status, percent, seen).await
        }
        SkipNote { report } => report::skip_note(turn, report).await,
        NoChange { report, item, seen } => report::no_change(turn, report, item, seen).await,
        AddNote { report, item } => report::add_note(turn, report, item).await,
        KeepAll { report } => report::keep_all(turn, report).await,
        Narrative { report } => report::show_narrative(turn, report).await,
        NarrativePart { report, part } => report::ask_part(turn, report, part).await,
        ClearPart { report, part } => report::clear_part(turn, report, part).await,
        Wording { report, task } => report::wording(turn, report, &task).await,
        ConfirmValue { report, metric } => report::confirm_value(turn, report, metric).await,
        Retype { report, metric } => report::retype(turn, report, metric).await,
        AttachHelp { report } => report::attach_help(turn, report).await,
        Review { report } => report::review(turn, report).await,
        Submit { report } => report::submit(turn, report).await,
        Reopen { report } => report::reopen(turn, report).await,
        // A reminder's button: its text stays in the chat, the report opens below it.
        Choose { round, period, plan } if role == Role::Focal => {
            report::choose(turn.typed(), &round, period, plan.as_deref()).await
        }
        Switch { round, period, plan } if role == Role::Focal => {
            report::choose(turn, &round, period, plan.as_deref()).await
        }
        Accept { report } if admin => super::review::accept(turn, report).await,
        Return { report } if admin => super::review::ask_return_comment(turn, report).await,
        MarkFix { report, item } if admin => super::review::mark_fix(turn, report, item).await,
        ReturnNow { report } if admin => super::review::return_now(turn, report).await,
        AdminReopen { report } if admin => super::review::admin_reopen(turn, report).await,
        View { report } if reader => super::review::view(turn, report).await,
        Chart { indicator, plan } if reader => super::leader::chart(turn, indicator, plan.as_deref()).await,
        Indicator { number, plan } if reader => {
            super::leader::show_indicator(turn, number, plan.as_deref()).await
        }
        TimelinessChart { round, period, plan } if reader => {
            super::leader::timeliness_chart(turn, &round, period, plan.as_deref()).await
        }
        Agency { code, plan } if reader => {
            super::leader::agency(turn, &format!("{code} {}", plan.unwrap_or_default())).await
        }
        Export { period, plan } if reader => {
            super::leader::export(turn, &format!("{period} {}", plan.unwrap_or_default())).await
        }
        // Opened below the short message it completes; its pages turned in place.
        List { list, round, period, page, turn: turned, plan } if reader => {
            let turn = if turned { turn } else { turn.typed() };
            super::leader::full_list(turn, list, &round, period, page as usize, plan.as_deref()).await
        }
        Remove { person } if admin => people::ask_remove(turn, person).await,
        ConfirmRemove { person } if admin => people::remove(turn, person).await,
        SendBroadcast if admin => super::review::send_broadcast(turn).await,
        CancelBroadcast { id } if admin => super::review::cancel_broadcast(turn, id).await,
        RevokeInvite { id } if admin => invites::revoke_invite(turn, id).await,
        ConfirmMove => join::confirm_move(turn).await,
        KeepRole => join::keep_role(turn).await,
        KeepName => join::keep_name(turn).await,
        People { page } if admin => people::people(turn, "", page as usize).await,
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
            turn.say(t!(ctx.lang, "report-forbidden")).await?;
            Ok(())
        }
    }
}
