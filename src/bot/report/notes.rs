//! Typed text on an item: a task's or metric's note, a qualitative indicator's narrative, each
//! cleaned, within its length, and saved over the version the person saw; then the next item.

use super::items::{ask_item, current, item_access, item_code, save_seen, saved_line, saved_then_next};
use super::show_menu_next;
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::report::{ItemKey, MAX_NARRATIVE_CHARS, MAX_NOTE_CHARS};
use crate::store::ItemChange;
use crate::t;

/// "📝 Note on 16.a": asks for the note of an item that has its answer.
pub async fn add_note(turn: Turn<'_>, report: i64, key: ItemKey) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(_) = item_access(turn, report, &key).await? else { return Ok(()) };
    let entry = current(&app.store.items(report).await?, &key);
    let seen = Some(entry.as_ref().map_or(0, |e| e.version));
    let state = match &key {
        ItemKey::Task(c) => State::TaskNote { report, task: c.clone(), seen },
        ItemKey::Metric(c) => State::MetricNote { report, metric: c.clone(), seen },
        ItemKey::Narrative(_) => return ask_item(turn, report, key).await,
    };
    let mut text = t!(ctx.lang, "item-ask-note", code = item_code(&key), max = MAX_NOTE_CHARS as i64);
    if let Some(note) = entry.and_then(|e| e.note).filter(|n| !n.is_empty()) {
        text.push('\n');
        text.push_str(&t!(ctx.lang, "item-note-current", note = note));
    }
    let rows = vec![vec![button(t!(ctx.lang, "button-back"), Callback::Open { report })]];
    conv.go(state);
    turn.show(Screen::with(text, keyboard(rows))).await?;
    Ok(())
}

/// A typed note for a task or metric; then the next item.
pub async fn receive_note(
    turn: Turn<'_>,
    report: i64,
    key: ItemKey,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    save_text(turn, report, key, seen, text, MAX_NOTE_CHARS).await
}

/// A typed narrative for a qualitative indicator.
pub async fn receive_narrative(
    turn: Turn<'_>,
    report: i64,
    indicator: u32,
    seen: Option<i64>,
    text: &str,
) -> HandlerResult {
    save_text(turn, report, ItemKey::Narrative(indicator), seen, text, MAX_NARRATIVE_CHARS).await
}

/// A typed text, cleaned and within `max` characters; `None` when it was refused (and said).
pub(super) async fn typed_text(turn: Turn<'_>, text: &str, max: usize) -> anyhow::Result<Option<String>> {
    let Turn { ctx, .. } = turn;
    let Some(text) = crate::domain::text::clean(text) else {
        turn.say(t!(ctx.lang, "note-empty")).await?;
        return Ok(None);
    };
    let length = text.chars().count();
    if length > max {
        turn.say(t!(ctx.lang, "note-too-long", length = length as i64, max = max as i64)).await?;
        return Ok(None);
    }
    Ok(Some(text))
}

/// Saves a typed text as the item's note (within `max` characters), then the next item.
async fn save_text(
    turn: Turn<'_>,
    report: i64,
    key: ItemKey,
    seen: Option<i64>,
    text: &str,
    max: usize,
) -> HandlerResult {
    let Turn { ctx, .. } = turn;
    let Some(text) = typed_text(turn, text, max).await? else { return Ok(()) };
    let Some(access) = item_access(turn.typed(), report, &key).await? else {
        return Ok(());
    };
    let Some(saved) = save_seen(turn.typed(), report, &key, ItemChange::Note(Some(text)), seen).await? else {
        return Ok(());
    };
    let lang = ctx.lang;
    let echo = |plan: &Plan| match key {
        ItemKey::Narrative(_) => saved_line(lang, plan, &saved),
        _ => t!(lang, "item-note-saved", code = item_code(&key)),
    };
    saved_then_next(turn.typed(), access, &key, echo).await
}

/// "Skip" on a note prompt of an older screen: the list, on the first empty item's page.
pub async fn skip_note(turn: Turn<'_>, report: i64) -> HandlerResult {
    show_menu_next(turn, report).await
}
