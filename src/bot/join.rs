//! Joining by invite, help, cancel, language, menus; the admins' invites and people.

use chrono::{DateTime, Duration, Utc};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use super::callback::Callback;
use super::commands::{Command, menu};
use super::keyboards::{button, keyboard};
use super::send::Screen;
use super::state::State;
use super::{AppRef, HandlerResult, Turn};
use crate::domain::AgencyCode;
use crate::domain::people::{InviteRefusal, Lang, Role, invite_code, looks_like_invite, parse_validity};
use crate::outbound::Sender;
use crate::present;
use crate::store::{Invite, Person, Redeemed, Store};
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

/// `/moi <vai trò> [MÃ ĐƠN VỊ] [7d]`: an admin makes a single-use, expiring invite;
/// `/moi ds` lists the invites, `/moi thuhoi N` takes one back.
pub async fn invite(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = app.plan.get();
    let words: Vec<&str> = arg.split_whitespace().collect();
    match words.first().map(|w| w.to_lowercase()).as_deref() {
        Some("ds" | "danhsach" | "list") => return list_invites(turn).await,
        Some("thuhoi" | "huy" | "revoke") => {
            return match words.get(1).and_then(|w| person_id(w)) {
                Some(id) if words.len() == 2 => revoke_invite(turn, id).await,
                _ => {
                    turn.say(t!(ctx.lang, "invite-revoke-usage")).await?;
                    Ok(())
                }
            };
        }
        _ => {}
    }
    let mut role = None;
    let mut agency: Option<AgencyCode> = None;
    let mut validity = Duration::days(7);
    for word in words {
        let lower = word.to_lowercase();
        if let Some(r) = role_word(&lower) {
            role = Some(r);
        } else if let Some(d) = parse_validity(&lower) {
            validity = d;
        } else if let Some(a) = plan.agency(&word.to_uppercase()) {
            if let Some(first) = &agency {
                let text = t!(
                    ctx.lang,
                    "invite-two-agencies",
                    first = first.to_string(),
                    second = a.code.to_string()
                );
                turn.say(text).await?;
                return Ok(());
            }
            agency = Some(a.code.clone());
        } else {
            turn.say(t!(ctx.lang, "invite-unknown-word", word = word.to_owned())).await?;
            return Ok(());
        }
    }
    let Some(role) = role.or(agency.as_ref().map(|_| Role::Focal)) else {
        turn.say(t!(ctx.lang, "invite-usage")).await?;
        return Ok(());
    };
    if role == Role::Focal && agency.is_none() {
        turn.say(t!(ctx.lang, "invite-usage")).await?;
        return Ok(());
    }
    let made =
        make_invite(&app.store, ctx.now, role, agency, validity, ctx.person.as_ref().map(|p| p.id)).await?;
    turn.say(render_invite(&app.plan.get(), &app.bot_username, ctx.lang, &made)).await?;
    Ok(())
}

/// `/moi ds`: the invites still open first, then the latest used ones; never their codes.
async fn list_invites(turn: Turn<'_>) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = app.plan.get();
    let lang = ctx.lang;
    let all = app.store.invites().await?;
    let open: Vec<_> = all
        .iter()
        .filter(|i| i.used_at.is_none() && i.revoked_at.is_none() && i.expires_at > ctx.now)
        .collect();
    let mut lines = vec![t!(lang, "invites-header", open = open.len() as i64, total = all.len() as i64)];
    let mut rows = Vec::new();
    for i in open.iter().take(10) {
        let who = i.agency.as_deref().map(|a| present::agency_name(&plan, lang, a)).unwrap_or_default();
        lines.push(t!(
            lang,
            "invites-open-line",
            id = i.id,
            role = t!(lang, &format!("role-{}", i.role)),
            agency = who,
            expires = present::local_time(&plan, i.expires_at)
        ));
        rows.push(vec![button(
            t!(lang, "button-revoke-invite", id = i.id),
            Callback::RevokeInvite { id: i.id },
        )]);
    }
    if open.len() > 10 {
        lines.push(t!(lang, "invites-more", count = (open.len() - 10) as i64));
    }
    for i in all.iter().filter(|i| i.used_at.is_some()).take(5) {
        lines.push(t!(
            lang,
            "invites-used-line",
            id = i.id,
            role = t!(lang, &format!("role-{}", i.role)),
            by = i.used_by.clone().unwrap_or_default()
        ));
    }
    let screen = if rows.is_empty() {
        Screen::text(lines.join("\n"))
    } else {
        Screen::with(lines.join("\n"), keyboard(rows))
    };
    turn.send(screen).await?;
    Ok(())
}

/// `/moi thuhoi N` or its button: an unused invite stops working.
pub async fn revoke_invite(turn: Turn<'_>, id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let who = ctx.person.as_ref().map(|p| p.id);
    let revoked = app.store.revoke_invite(id, who, ctx.now).await?;
    if revoked {
        let detail = serde_json::json!({"invite": id});
        app.store.audit(who, Some(ctx.user.id.0 as i64), "invite_revoked", detail, ctx.now).await?;
    }
    let key = if revoked { "invite-revoked" } else { "invite-not-revocable" };
    turn.show(Screen::text(t!(ctx.lang, key, id = id))).await?;
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
    let role = t!(lang, &format!("role-{}", invite.role.as_str()));
    // "lãnh đạo", "đầu mối (Sở Y tế)": no agency, no brackets.
    let who = match invite.agency.as_ref().and_then(|a| plan.agency(a.as_str())) {
        Some(a) => format!("{role} ({})", present::name(lang, &a.name_vi, &a.name_en)),
        None => role,
    };
    let local = invite.expires_at.with_timezone(&plan.time_zone);
    t!(
        lang,
        "invite-made",
        who = who,
        link = format!("https://t.me/{bot_username}?start={}", invite.code),
        expires = local.format("%H:%M %d/%m/%Y").to_string()
    )
}

/// People on one screen of `/nguoidung`.
const PEOPLE_PAGE: usize = 10;

/// `/nguoidung [MÃ]`: people per agency, each with a remove button, a page at a time (one phone
/// screen); the pages of the whole list turn in place.
pub async fn people(turn: Turn<'_>, arg: &str, page: usize) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = app.plan.get();
    let filter = match arg.trim() {
        "" => None,
        code => match plan.agency(&code.to_uppercase()) {
            Some(a) => Some(a.code.clone()),
            None => {
                turn.say(t!(ctx.lang, "agency-not-found", query = code.to_owned())).await?;
                return Ok(());
            }
        },
    };
    let people = app.store.people(filter.as_ref()).await?;
    if people.is_empty() {
        turn.say(t!(ctx.lang, "people-none")).await?;
        return Ok(());
    }
    let pages = people.len().div_ceil(PEOPLE_PAGE);
    let page = page.min(pages - 1);
    let mut lines = vec![t!(ctx.lang, "people-header", count = people.len() as i64)];
    if pages > 1 {
        lines.push(t!(ctx.lang, "people-page", page = (page + 1) as i64, pages = pages as i64));
    }
    let mut rows = Vec::new();
    for p in people.iter().skip(page * PEOPLE_PAGE).take(PEOPLE_PAGE) {
        let agency = p
            .agency
            .as_ref()
            .map_or("—".to_owned(), |a| present::agency_short(&plan, ctx.lang, a.as_str()));
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
        if ctx.person.as_ref().is_some_and(|me| me.id != p.id) {
            rows.push(vec![button(
                t!(ctx.lang, "people-remove-button", name = p.name.clone()),
                Callback::Remove { person: p.id },
            )]);
        }
    }
    // Pages only for the whole list: a filtered one fits.
    if pages > 1 && filter.is_none() {
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(t!(ctx.lang, "button-previous"), Callback::People { page: (page - 1) as u8 }));
        }
        if page + 1 < pages {
            nav.push(button(
                t!(ctx.lang, "button-next"),
                Callback::People { page: (page + 1).min(255) as u8 },
            ));
        }
        rows.push(nav);
    }
    turn.show(Screen::with(lines.join("\n"), keyboard(rows))).await?;
    Ok(())
}

/// `/xoa <id>` or the remove button: ask to confirm.
pub async fn ask_remove(turn: Turn<'_>, person_id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(person) = app.store.person(person_id).await? else {
        turn.show(Screen::text(t!(ctx.lang, "people-not-found"))).await?;
        return Ok(());
    };
    let kb = keyboard(vec![vec![button(
        t!(ctx.lang, "people-confirm-remove"),
        Callback::ConfirmRemove { person: person.id },
    )]]);
    turn.show(Screen::with(t!(ctx.lang, "people-ask-remove", name = person.name.clone()), kb)).await?;
    Ok(())
}

pub async fn remove(turn: Turn<'_>, person_id: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let me = ctx.person.as_ref().map(|p| p.id);
    if me == Some(person_id) {
        turn.show(Screen::text(t!(ctx.lang, "people-not-yourself"))).await?;
        return Ok(());
    }
    let target = app.store.person(person_id).await?;
    let removed = app.store.remove_person(person_id, ctx.now).await?;
    let key = if removed { "people-removed" } else { "people-not-found" };
    if let Some(t) = target.filter(|_| removed) {
        app.store
            .audit(me, Some(t.telegram_id), "person_removed", serde_json::json!({"person": t.id}), ctx.now)
            .await?;
        set_menu(&app.out, ChatId(t.chat_id), None, t.language).await;
        turn.show(Screen::text(t!(ctx.lang, key, name = t.name))).await?;
    } else {
        turn.show(Screen::text(t!(ctx.lang, key, name = String::new()))).await?;
    }
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
