//! The admins' invites: `/moi` makes a single-use, expiring one, lists them, takes one back.

use chrono::{DateTime, Duration, Utc};

use super::callback::Callback;
use super::keyboards::{button, keyboard};
use super::people::person_id;
use super::send::Screen;
use super::{HandlerResult, Turn};
use crate::domain::AgencyCode;
use crate::domain::people::{Lang, Role, invite_code, parse_validity};
use crate::present;
use crate::store::{Invite, Store};
use crate::t;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_words_in_both_languages() {
        assert_eq!(role_word("lanhdao"), Some(Role::Leader));
        assert_eq!(role_word("focal"), Some(Role::Focal));
        assert_eq!(role_word("quantri"), Some(Role::Admin));
        assert_eq!(role_word("boss"), None);
    }
}
