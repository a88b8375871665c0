//! Joining by invite, help, cancel, language, menus.

use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use super::callback::Callback;
use super::commands::{Command, menu};
use super::keyboards::{button, keyboard};
use super::send::Screen;
use super::state::State;
use super::{AppRef, HandlerResult, Turn};
use crate::domain::AgencyCode;
use crate::domain::people::{InviteRefusal, Lang, Role, looks_like_invite};
use crate::outbound::Sender;
use crate::present;
use crate::store::{Person, Redeemed};
use crate::t;

/// `/start` with or without an invite code.
pub async fn start(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let code = arg.trim();
    if code.is_empty() {
        let text = match &ctx.person {
            Some(p) => greeting(app, ctx.lang, p.role, p.agency.as_ref(), &ctx.user.first_name),
            None => t!(ctx.lang, "join-how"),
        };
        turn.say(text).await?;
        return Ok(());
    }
    let sender = ctx.user.id.0 as i64;
    let allowed = app.limits().may_try_code(sender, std::time::Instant::now());
    if let Err(wait) = allowed {
        let minutes = wait.as_secs().div_ceil(60) as i64;
        turn.say(t!(ctx.lang, "join-locked", minutes = minutes)).await?;
        return Ok(());
    }
    let result = if looks_like_invite(code) {
        app.store.redeem_invite(code, &ctx.newcomer(), ctx.now).await?
    } else {
        Err(InviteRefusal::Unknown)
    };
    match result {
        Ok(Redeemed::AsksToMove { invite, current, role, agency }) => {
            let plan = app.plan.get();
            let what = |role: Role, agency: Option<&AgencyCode>| {
                let role = t!(ctx.lang, &format!("role-{}", role.as_str()));
                match agency {
                    Some(a) => format!("{role} — {}", present::agency_name(&plan, ctx.lang, a.as_str())),
                    None => role,
                }
            };
            let text = t!(
                ctx.lang,
                "join-ask-move",
                now = what(current.role, current.agency.as_ref()),
                new = what(role, agency.as_ref())
            );
            let rows = vec![vec![
                button(t!(ctx.lang, "button-move"), Callback::ConfirmMove),
                button(t!(ctx.lang, "button-keep-role"), Callback::KeepRole),
            ]];
            turn.send(Screen::with(text, keyboard(rows))).await?;
            conv.go(State::ConfirmMove { invite });
            Ok(())
        }
        Ok(Redeemed::Joined(person) | Redeemed::Moved(person)) => welcome(turn, &person).await,
        Err(refusal) => refused(turn, refusal).await,
    }
}

/// A person in: the menu of their role, a greeting, and (for an admin) the notices that waited
/// for the first admin.
async fn welcome(turn: Turn<'_>, person: &Person) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let detail = serde_json::json!({"role": person.role.as_str()});
    app.store.audit(Some(person.id), Some(person.telegram_id), "joined", detail, ctx.now).await?;
    app.ring();
    // The menu first: the greeting points at its commands.
    set_menu(&app.out, ctx.chat, Some(person.role), person.language).await;
    let mut text = greeting(app, person.language, person.role, person.agency.as_ref(), &ctx.user.first_name);
    // The name leaders will read, asked once, in the same message: a tap keeps the suggestion.
    text.push_str("\n\n");
    text.push_str(&t!(person.language, "join-ask-name", name = person.name.clone()));
    let keep =
        button(t!(person.language, "button-keep-name", name = person.name.clone()), Callback::KeepName);
    turn.send(Screen::with(text, keyboard(vec![vec![keep]]))).await?;
    conv.go(State::AskName);
    Ok(())
}

/// `/ten [họ và tên]`: the name leaders read, family name first; asked when none is typed.
pub async fn name(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { ctx, conv, .. } = turn;
    let Some(person) = &ctx.person else { return stranger(turn).await };
    if arg.trim().is_empty() {
        let text = t!(ctx.lang, "name-ask", name = person.name.clone());
        turn.say(text).await?;
        conv.go(State::AskName);
        return Ok(());
    }
    receive_name(turn, arg).await
}

/// A typed name: stored as the person gave it.
pub async fn receive_name(turn: Turn<'_>, text: &str) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(person) = &ctx.person else { return stranger(turn).await };
    let Some(name) = crate::domain::people::typed_name(text) else {
        turn.say(t!(ctx.lang, "name-bad")).await?;
        return Ok(());
    };
    app.store.set_typed_name(person.id, &name).await?;
    conv.go(State::Idle);
    turn.say(t!(ctx.lang, "name-saved", name = name)).await?;
    Ok(())
}

/// "Keep the name": the suggestion (family name first, from Telegram) is the person's.
pub async fn keep_name(turn: Turn<'_>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let (Some(person), State::AskName) = (&ctx.person, turn.state()) else {
        turn.say(t!(ctx.lang, "button-old")).await?;
        return Ok(());
    };
    app.store.set_typed_name(person.id, &person.name).await?;
    conv.go(State::Idle);
    turn.show(Screen::text(t!(ctx.lang, "name-saved", name = person.name.clone()))).await?;
    Ok(())
}

/// Why an invite does not let someone in; wrong codes count towards a lock-out.
async fn refused(turn: Turn<'_>, refusal: InviteRefusal) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let key = match refusal {
        InviteRefusal::Unknown => "join-unknown",
        InviteRefusal::Used => "join-used",
        InviteRefusal::Expired => "join-expired",
        InviteRefusal::Revoked => "join-revoked",
        InviteRefusal::AdminStays => "join-admin-stays",
    };
    if refusal != InviteRefusal::AdminStays {
        app.limits().bad_code(ctx.user.id.0 as i64, std::time::Instant::now());
    }
    let detail = serde_json::json!({"reason": key});
    app.store.audit(None, Some(ctx.user.id.0 as i64), "invite_refused", detail, ctx.now).await?;
    turn.say(t!(ctx.lang, key)).await?;
    conv.go(State::Idle);
    Ok(())
}

/// "Chuyển": the person confirms moving by the invite waiting in their conversation.
pub async fn confirm_move(turn: Turn<'_>) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let State::ConfirmMove { invite } = turn.state() else {
        turn.show(Screen::text(t!(ctx.lang, "button-stale"))).await?;
        return Ok(());
    };
    match app.store.redeem_invite_by_id(*invite, &ctx.newcomer(), ctx.now).await? {
        Ok(Redeemed::Joined(person) | Redeemed::Moved(person)) => welcome(turn, &person).await,
        Ok(Redeemed::AsksToMove { .. }) => Ok(()),
        Err(refusal) => refused(turn, refusal).await,
    }
}

/// "Giữ nguyên": nothing changes, and the invite stays unused.
pub async fn keep_role(turn: Turn<'_>) -> HandlerResult {
    turn.conv.go(State::Idle);
    turn.show(Screen::text(t!(turn.ctx.lang, "join-kept"))).await?;
    Ok(())
}

/// Who the person is and what they can do next.
fn greeting(app: &AppRef, lang: Lang, role: Role, agency: Option<&AgencyCode>, first_name: &str) -> String {
    let plan = app.plan.get();
    let agency_name = agency
        .and_then(|a| plan.agency(a.as_str()))
        .map(|a| present::name(lang, &a.name_vi, &a.name_en).to_owned())
        .unwrap_or_default();
    let key = match role {
        Role::Focal => "join-welcome-focal",
        Role::Leader => "join-welcome-leader",
        Role::Admin => "join-welcome-admin",
    };
    t!(lang, key, name = first_name.to_owned(), agency = agency_name, plan = plan.code.clone())
}

/// Sets the command menu of one chat for a role, in the person's language. A failure only
/// costs the menu, so it is logged rather than shown.
pub async fn set_menu(out: &Sender, chat: ChatId, role: Option<Role>, lang: Lang) {
    let commands = menu_commands(role, lang);
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(chat) };
    if let Err(e) = out.bot().set_my_commands(commands).scope(scope).await {
        tracing::warn!(error = %e, "could not set a chat's command menu");
    }
}

pub fn menu_commands(role: Option<Role>, lang: Lang) -> Vec<BotCommand> {
    menu(role).into_iter().map(|c| BotCommand::new(c.name(lang), t!(lang, c.description_key()))).collect()
}

/// The menus of people who have not joined, in both languages (Telegram picks by the user's).
pub async fn set_default_menus(bot: &Bot) -> Result<(), teloxide::RequestError> {
    bot.set_my_commands(menu_commands(None, Lang::Vi)).scope(BotCommandScope::AllPrivateChats).await?;
    bot.set_my_commands(menu_commands(None, Lang::En))
        .scope(BotCommandScope::AllPrivateChats)
        .language_code("en")
        .await?;
    Ok(())
}

pub async fn help(turn: Turn<'_>) -> HandlerResult {
    let ctx = turn.ctx;
    let step = t!(ctx.lang, ctx.state.help_key());
    let commands: Vec<String> = menu(ctx.role())
        .into_iter()
        .map(|c| format!("/{} — {}", c.name(ctx.lang), t!(ctx.lang, c.description_key())))
        .collect();
    turn.say(t!(ctx.lang, "help", step = step, commands = commands.join("\n"))).await?;
    Ok(())
}

pub async fn cancel(turn: Turn<'_>) -> HandlerResult {
    let ctx = turn.ctx;
    let state = &ctx.state;
    let admin_step = matches!(
        state,
        State::ReturnComment { .. }
            | State::ExtensionReason { .. }
            | State::BroadcastText
            | State::ConfirmBroadcast { .. }
    );
    let key = match state {
        _ if state.report().is_some() => "cancel-report",
        _ if admin_step => "cancel-nothing-changed",
        _ => "cancel-idle",
    };
    turn.say(t!(ctx.lang, key)).await?;
    Ok(())
}

/// `/ngonngu [vi|en]`: sets, or switches, the person's language.
pub async fn language(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(person) = &ctx.person else {
        turn.say(t!(ctx.lang, "join-how")).await?;
        return Ok(());
    };
    let lang = match arg.trim() {
        "" => match ctx.lang {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        },
        other => match Lang::parse(other) {
            Some(l) => l,
            None => {
                turn.say(t!(ctx.lang, "language-usage")).await?;
                return Ok(());
            }
        },
    };
    app.store.set_language(person.id, lang).await?;
    turn.say(t!(lang, "language-set")).await?;
    set_menu(&app.out, ctx.chat, Some(person.role), lang).await;
    Ok(())
}

/// What a person who has not joined sees, whatever they write: how to get an invite, and
/// nothing of the plan.
pub async fn stranger(turn: Turn<'_>) -> HandlerResult {
    turn.say(t!(turn.ctx.lang, "join-how")).await?;
    Ok(())
}

/// A command that the person's role does not allow.
pub async fn not_allowed(turn: Turn<'_>, command: Command) -> HandlerResult {
    turn.say(t!(turn.ctx.lang, command.who().refusal_key())).await?;
    Ok(())
}
