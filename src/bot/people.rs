//! The admins' people: `/nguoidung` lists them per agency a page at a time, `/xoa` removes one.

use teloxide::prelude::*;

use super::callback::Callback;
use super::join::set_menu;
use super::keyboards::{button, keyboard};
use super::send::Screen;
use super::{HandlerResult, Turn};
use crate::present;
use crate::t;

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

/// Parses "/xoa 12".
pub fn person_id(arg: &str) -> Option<i64> {
    arg.trim().trim_start_matches('#').parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_person_is_named_by_their_number() {
        assert_eq!(super::person_id("#12"), Some(12));
        assert_eq!(super::person_id("x"), None);
    }
}
