//! Joining by invite, help, cancel, language, menus; the admins' invites and people.

use chrono::{DateTime, Duration, Utc};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use super::callback::Callback;
use super::commands::{Command, menu};
use super::keyboards::{button, keyboard};
use super::send::{Origin, Screen, say, send, show};
use super::state::State;
use super::{AppRef, Ctx, HandlerResult};
use crate::domain::AgencyCode;
use crate::domain::people::{InviteRefusal, Lang, Role, invite_code, looks_like_invite, parse_validity};
use crate::present;
use crate::store::{Invite, Store};
use crate::t;

/// `/start` with or without an invite code.
pub async fn start(bot: &Bot, app: &AppRef, ctx: &Ctx, arg: &str) -> HandlerResult {
    let code = arg.trim();
    if code.is_empty() {
        let text = match &ctx.person {
            Some(p) => greeting(app, ctx.lang, p.role, p.agency.as_ref(), &ctx.user.first_name),
            None => t!(ctx.lang, "join-how"),
        };
        say(bot, ctx.chat, text).await?;
        return Ok(());
    }
    if !looks_like_invite(code) {
        say(bot, ctx.chat, t!(ctx.lang, "join-unknown")).await?;
        return Ok(());
    }
    match app.store.redeem_invite(code, &ctx.newcomer(), ctx.now).await? {
        Ok(person) => {
            app.store
                .audit(
                    Some(person.id),
                    Some(person.telegram_id),
                    "joined",
                    serde_json::json!({"role": person.role.as_str()}),
                    ctx.now,
                )
                .await?;
            // The menu first: the greeting points at its commands.
            set_menu(bot, ctx.chat, Some(person.role), person.language).await;
            let text =
                greeting(app, person.language, person.role, person.agency.as_ref(), &ctx.user.first_name);
            say(bot, ctx.chat, text).await?;
        }
        Err(refusal) => {
            let key = match refusal {
                InviteRefusal::Unknown => "join-unknown",
                InviteRefusal::Used => "join-used",
                InviteRefusal::Expired => "join-expired",
            };
            app.store
                .audit(
                    None,
                    Some(ctx.user.id.0 as i64),
                    "invite_refused",
                    serde_json::json!({"reason": key}),
                    ctx.now,
                )
                .await?;
            say(bot, ctx.chat, t!(ctx.lang, key)).await?;
        }
    }
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
pub async fn set_menu(bot: &Bot, chat: ChatId, role: Option<Role>, lang: Lang) {
    let commands = menu_commands(role, lang);
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(chat) };
    if let Err(e) = bot.set_my_commands(commands).scope(scope).await {
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

pub async fn help(bot: &Bot, ctx: &Ctx, state: &State) -> HandlerResult {
    let step = t!(ctx.lang, state.help_key());
    let commands: Vec<String> = menu(ctx.role())
        .into_iter()
        .map(|c| format!("/{} — {}", c.name(ctx.lang), t!(ctx.lang, c.description_key())))
        .collect();
    say(bot, ctx.chat, t!(ctx.lang, "help", step = step, commands = commands.join("\n"))).await?;
    Ok(())
}

pub async fn cancel(bot: &Bot, ctx: &Ctx, state: &State) -> HandlerResult {
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
    say(bot, ctx.chat, t!(ctx.lang, key)).await?;
    Ok(())
}

/// `/ngonngu [vi|en]`: sets, or switches, the person's language.
pub async fn language(bot: &Bot, app: &AppRef, ctx: &Ctx, arg: &str) -> HandlerResult {
    let Some(person) = &ctx.person else {
        say(bot, ctx.chat, t!(ctx.lang, "join-how")).await?;
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
                say(bot, ctx.chat, t!(ctx.lang, "language-usage")).await?;
                return Ok(());
            }
        },
    };
    app.store.set_language(person.id, lang).await?;
    say(bot, ctx.chat, t!(lang, "language-set")).await?;
    set_menu(bot, ctx.chat, Some(person.role), lang).await;
    Ok(())
}

/// `/moi <vai trò> [MÃ ĐƠN VỊ] [7d]`: an admin makes a single-use, expiring invite.
pub async fn invite(bot: &Bot, app: &AppRef, ctx: &Ctx, arg: &str) -> HandlerResult {
    let plan = app.plan.get();
    let mut role = None;
    let mut agency = None;
    let mut validity = Duration::days(7);
    for word in arg.split_whitespace() {
        let lower = word.to_lowercase();
        if let Some(r) = role_word(&lower) {
            role = Some(r);
        } else if let Some(d) = parse_validity(&lower) {
            validity = d;
        } else if let Some(a) = plan.agency(&word.to_uppercase()) {
            agency = Some(a.code.clone());
        } else {
            say(bot, ctx.chat, t!(ctx.lang, "invite-unknown-word", word = word.to_owned())).await?;
            return Ok(());
        }
    }
    let Some(role) = role.or(agency.as_ref().map(|_| Role::Focal)) else {
        say(bot, ctx.chat, t!(ctx.lang, "invite-usage")).await?;
        return Ok(());
    };
    if role == Role::Focal && agency.is_none() {
        say(bot, ctx.chat, t!(ctx.lang, "invite-usage")).await?;
        return Ok(());
    }
    let made =
        make_invite(&app.store, ctx.now, role, agency, validity, ctx.person.as_ref().map(|p| p.id)).await?;
    say(bot, ctx.chat, render_invite(&app.plan.get(), &app.bot_username, ctx.lang, &made)).await?;
    Ok(())
}

fn role_word(word: &str) -> Option<Role> {
    match word {
        "focal" | "daumoi" | "dau-moi" | "đầu-mối" | "đầumối" => Some(Role::Focal),
        "leader" | "lanhdao" | "lanh-dao" | "lãnh-đạo" | "lãnhđạo" => Some(Role::Leader),
        "admin" | "quantri" | "quan-tri" | "quản-trị" | "quảntrị" => Some(Role::Admin),
        _ => None,
    }
}

/// Creates an invite with 128 random bits; the command line uses it too.
pub async fn make_invite(
    store: &Store,
    now: DateTime<Utc>,
    role: Role,
    agency: Option<AgencyCode>,
    validity: Duration,
    created_by: Option<i64>,
) -> anyhow::Result<Invite> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("no randomness for an invite: {e}"))?;
    let invite = Invite { code: invite_code(random), role, agency, expires_at: now + validity };
    store.create_invite(&invite, created_by, now).await?;
    Ok(invite)
}

/// The invite as a person reads it, with its deep link.
pub fn render_invite(plan: &crate::domain::Plan, bot_username: &str, lang: Lang, invite: &Invite) -> String {
    let agency = invite
        .agency
        .as_ref()
        .and_then(|a| plan.agency(a.as_str()))
        .map(|a| present::name(lang, &a.name_vi, &a.name_en).to_owned())
        .unwrap_or_else(|| "—".to_owned());
    let local = invite.expires_at.with_timezone(&plan.time_zone);
    t!(
        lang,
        "invite-made",
        role = t!(lang, &format!("role-{}", invite.role.as_str())),
        agency = agency,
        link = format!("https://t.me/{bot_username}?start={}", invite.code),
        expires = local.format("%H:%M %d/%m/%Y").to_string()
    )
}

/// `/nguoidung [MÃ]`: people per agency, each with a remove button.
pub async fn people(bot: &Bot, app: &AppRef, ctx: &Ctx, arg: &str) -> HandlerResult {
    let plan = app.plan.get();
    let filter = match arg.trim() {
        "" => None,
        code => match plan.agency(&code.to_uppercase()) {
            Some(a) => Some(a.code.clone()),
            None => {
                say(bot, ctx.chat, t!(ctx.lang, "agency-not-found", query = code.to_owned())).await?;
                return Ok(());
            }
        },
    };
    let people = app.store.people(filter.as_ref()).await?;
    if people.is_empty() {
        say(bot, ctx.chat, t!(ctx.lang, "people-none")).await?;
        return Ok(());
    }
    let mut lines = vec![t!(ctx.lang, "people-header", count = people.len() as i64)];
    let mut rows = Vec::new();
    for p in &people {
        let agency = p
            .agency
            .as_ref()
            .and_then(|a| plan.agency(a.as_str()))
            .map_or("—".to_owned(), |a| present::name(ctx.lang, &a.name_vi, &a.name_en).to_owned());
        let reach = if p.reachable { "" } else { " ⛔" };
        lines.push(
            t!(
                ctx.lang,
                "people-line",
                id = p.id,
                name = p.name.clone(),
                role = t!(ctx.lang, &format!("role-{}", p.role.as_str())),
                agency = agency
            ) + reach,
        );
        if ctx.person.as_ref().is_some_and(|me| me.id != p.id) && rows.len() < 90 {
            rows.push(vec![button(
                t!(ctx.lang, "people-remove-button", name = p.name.clone()),
                Callback::Remove { person: p.id },
            )]);
        }
    }
    send(bot, ctx.chat, Screen::with(lines.join("\n"), keyboard(rows))).await?;
    Ok(())
}

/// `/xoa <id>` or the remove button: ask to confirm.
pub async fn ask_remove(bot: &Bot, app: &AppRef, ctx: &Ctx, origin: Origin, person_id: i64) -> HandlerResult {
    let Some(person) = app.store.person(person_id).await? else {
        show(bot, ctx.chat, origin, Screen::text(t!(ctx.lang, "people-not-found"))).await?;
        return Ok(());
    };
    let kb = keyboard(vec![vec![button(
        t!(ctx.lang, "people-confirm-remove"),
        Callback::ConfirmRemove { person: person.id },
    )]]);
    show(
        bot,
        ctx.chat,
        origin,
        Screen::with(t!(ctx.lang, "people-ask-remove", name = person.name.clone()), kb),
    )
    .await?;
    Ok(())
}

pub async fn remove(bot: &Bot, app: &AppRef, ctx: &Ctx, origin: Origin, person_id: i64) -> HandlerResult {
    let me = ctx.person.as_ref().map(|p| p.id);
    if me == Some(person_id) {
        show(bot, ctx.chat, origin, Screen::text(t!(ctx.lang, "people-not-yourself"))).await?;
        return Ok(());
    }
    let target = app.store.person(person_id).await?;
    let removed = app.store.remove_person(person_id, ctx.now).await?;
    let key = if removed { "people-removed" } else { "people-not-found" };
    if let Some(t) = target.filter(|_| removed) {
        app.store
            .audit(me, Some(t.telegram_id), "person_removed", serde_json::json!({"person": t.id}), ctx.now)
            .await?;
        set_menu(bot, ChatId(t.chat_id), None, t.language).await;
        show(bot, ctx.chat, origin, Screen::text(t!(ctx.lang, key, name = t.name))).await?;
    } else {
        show(bot, ctx.chat, origin, Screen::text(t!(ctx.lang, key, name = String::new()))).await?;
    }
    Ok(())
}

/// What a person who has not joined sees, whatever they write: how to get an invite, and
/// nothing of the plan.
pub async fn stranger(bot: &Bot, ctx: &Ctx) -> HandlerResult {
    say(bot, ctx.chat, t!(ctx.lang, "join-how")).await?;
    Ok(())
}

/// A command that the person's role does not allow.
pub async fn not_allowed(bot: &Bot, ctx: &Ctx, command: Command) -> HandlerResult {
    let for_key = match command {
        Command::Report => "only-focal",
        Command::Invite
        | Command::People
        | Command::Remove
        | Command::Extend
        | Command::Broadcast
        | Command::History => "only-admin",
        _ => "only-leader",
    };
    say(bot, ctx.chat, t!(ctx.lang, for_key)).await?;
    Ok(())
}

/// Parses "/xoa 12".
pub fn person_id(arg: &str) -> Option<i64> {
    arg.trim().trim_start_matches('#').parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_words_in_both_languages() {
        assert_eq!(role_word("lanhdao"), Some(Role::Leader));
        assert_eq!(role_word("focal"), Some(Role::Focal));
        assert_eq!(role_word("quantri"), Some(Role::Admin));
        assert_eq!(role_word("boss"), None);
        assert_eq!(person_id("#12"), Some(12));
        assert_eq!(person_id("x"), None);
    }
}
