//! The report's narrative: results, shortcomings, causes and proposals, each optional and typed,
//! prefilled from the agency's previous report of the round. One part at a time, over the
//! version the person saw.

use super::notes::typed_text;
use super::{Denied, editable, refuse};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard, label};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::narrative::NarrativePart;
use crate::domain::people::Lang;
use crate::domain::report::MAX_NOTE_CHARS;
use crate::store::{StoreError, StoredNarrative};
use crate::{present, t};

/// How much of a part the narrative's screen shows.
const SHOWN: usize = 160;

fn part_name(lang: Lang, part: NarrativePart) -> String {
    t!(lang, &format!("narrative-part-{}", part.as_str()))
}

/// The four parts, each cut short, and what to do.
fn overview(lang: Lang, period: String, n: &StoredNarrative) -> String {
    let mut lines = vec![t!(lang, "narrative-title", period = period)];
    if let (0, Some(from)) = (n.version, n.copied_from) {
        lines.push(t!(lang, "narrative-prefilled", period = present::period(lang, from)));
    }
    for part in NarrativePart::ALL {
        let text = n.text.get(part).map(|t| label(t, SHOWN)).unwrap_or_else(|| t!(lang, "narrative-empty"));
        lines.push(t!(lang, "narrative-line", part = part_name(lang, part), text = text));
    }
    lines.push(t!(lang, "narrative-hint"));
    lines.join("\n")
}

/// The parts that hold a text, in full, for a report read whole (empty when none does).
pub fn narrative_lines(lang: Lang, n: &crate::domain::narrative::Narrative) -> Vec<String> {
    if n.filled() == 0 {
        return vec![];
    }
    let mut lines = vec![t!(lang, "narrative-read-heading")];
    for part in NarrativePart::ALL {
        if let Some(text) = n.get(part) {
            lines.push(t!(lang, "narrative-line", part = part_name(lang, part), text = text.to_owned()));
        }
    }
    lines
}

/// The narrative's screen.
pub async fn show_narrative(turn: Turn<'_>, report: i64) -> HandlerResult {
    show_with(turn, report, None).await
}

async fn show_with(turn: Turn<'_>, report: i64, notice: Option<String>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let access = match editable(app, ctx, report).await? {
        Ok(a) => a,
        Err(denied) => return refuse(turn, denied, report).await,
    };
    let n = app.store.narrative(report).await?;
    let lang = ctx.lang;
    let mut text = notice.map(|n| format!("{n}\n\n")).unwrap_or_default();
    text.push_str(&overview(lang, present::period(lang, access.report.period), &n));
    let edit = |part| {
        button(
            t!(lang, &format!("button-narrative-{}", NarrativePart::as_str(part))),
            Callback::NarrativePart { report, part },
        )
    };
    let rows = vec![
        vec![edit(NarrativePart::Results), edit(NarrativePart::Shortcomings)],
        vec![edit(NarrativePart::Causes), edit(NarrativePart::Proposals)],
        vec![
            button(t!(lang, "button-back"), Callback::Open { report }),
            button(t!(lang, "button-review"), Callback::Review { report }),
        ],
    ];
    conv.go(State::Report { report });
    turn.show(Screen::with(text, keyboard(rows))).await?;
    Ok(())
}

/// One part tapped: its text so far, and the step that waits for the new one.
pub async fn ask_part(turn: Turn<'_>, report: i64, part: NarrativePart) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    if let Err(denied) = editable(app, ctx, report).await? {
        return refuse(turn, denied, report).await;
    }
    let n = app.store.narrative(report).await?;
    let lang = ctx.lang;
    let mut text = t!(lang, "narrative-part-ask", part = part_name(lang, part), max = MAX_NOTE_CHARS as i64);
    let mut rows = Vec::new();
    if let Some(current) = n.text.get(part) {
        text.push('\n');
        text.push_str(&t!(lang, "narrative-current", text = current.to_owned()));
        rows.push(vec![button(t!(lang, "button-clear-part"), Callback::ClearPart { report, part })]);
    }
    rows.push(vec![button(t!(lang, "button-back"), Callback::Narrative { report })]);
    conv.go(State::NarrativePart { report, part, seen: n.version });
    turn.show(Screen::with(text, keyboard(rows))).await?;
    Ok(())
}

/// The typed text of a part.
pub async fn receive_part(
    turn: Turn<'_>,
    report: i64,
    part: NarrativePart,
    seen: i64,
    text: &str,
) -> HandlerResult {
    let turn = turn.typed();
    let Some(text) = typed_text(turn, text, MAX_NOTE_CHARS).await? else { return Ok(()) };
    save(turn, report, part, Some(text), seen).await
}

/// "Clear this part".
pub async fn clear_part(turn: Turn<'_>, report: i64, part: NarrativePart) -> HandlerResult {
    let seen = turn.app.store.narrative(report).await?.version;
    save(turn, report, part, None, seen).await
}

async fn save(
    turn: Turn<'_>,
    report: i64,
    part: NarrativePart,
    text: Option<String>,
    seen: i64,
) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    if let Err(denied) = editable(app, ctx, report).await? {
        return refuse(turn, denied, report).await;
    }
    let person = ctx.person.as_ref().map_or(0, |p| p.id);
    let cleared = text.is_none();
    let saved = match app.store.save_narrative_part(report, part, text, seen, person, ctx.now).await {
        Ok(saved) => saved,
        Err(StoreError::Conflict(_)) => return refuse(turn, Denied::Locked, report).await,
        Err(e) => return Err(e.into()),
    };
    let lang = ctx.lang;
    let notice = match saved {
        Ok(_) if cleared => t!(lang, "narrative-cleared", part = part_name(lang, part)),
        Ok(_) => t!(lang, "narrative-saved", part = part_name(lang, part)),
        Err(newer) => {
            let by = match newer.current.updated_by {
                Some(id) => app.store.person_names(&[id]).await?.remove(&id).unwrap_or_default(),
                None => String::new(),
            };
            t!(lang, "narrative-changed-meanwhile", by = by)
        }
    };
    show_with(turn, report, Some(notice)).await
}
