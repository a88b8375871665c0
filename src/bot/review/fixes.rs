//! Item-by-item review: while returning a report, the admin marks the items to fix, each with
//! its own comment; the report goes back with them (and a general comment, if typed).

use super::decide::send_back;
use super::{AppRef, Named, still_admin};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard, label};
use crate::bot::report::{is_filled, item_name};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::people::Lang;
use crate::domain::report::{ItemKey, MAX_NOTE_CHARS, ReportState, items_for};
use crate::domain::review::FixRequest;
use crate::store::ReportRow;
use crate::t;

/// At most this many item buttons: a report is returned on one screen.
const MAX_ITEMS: usize = 30;

/// "\n• 13.1 …: comment" for each item marked.
pub(super) fn fix_lines(plan: &Plan, lang: Lang, marks: &[FixRequest]) -> String {
    marks
        .iter()
        .filter_map(|m| Some((m.key()?, m)))
        .map(|(key, m)| {
            let item = label(&item_name(plan, lang, &key), 40);
            format!("\n{}", t!(lang, "review-fix-line", item = item, comment = m.comment.clone()))
        })
        .collect()
}

/// What returning a report asks: the items answered, as buttons to mark one to fix; the items
/// marked so far with their comments; "send back" once one is marked.
pub(super) async fn return_screen(
    app: &AppRef,
    lang: Lang,
    report: &ReportRow,
    marks: &[FixRequest],
) -> anyhow::Result<Screen> {
    let plan = app.plan_of(report);
    let n = Named::of(&plan, lang, report);
    let mut text = t!(lang, "review-ask-comment", round = n.round, period = n.period, agency = n.agency);
    text.push_str(&fix_lines(&plan, lang, marks));
    let entries = app.store.items(report.id).await?;
    let keys = plan.round(&report.round).map(|r| items_for(&plan, r, &report.agency)).unwrap_or_default();
    let mut rows: Vec<_> = keys
        .iter()
        .filter(|k| is_filled(&entries, k))
        .take(MAX_ITEMS)
        .map(|k| {
            let marked = marks.iter().any(|m| m.key().as_ref() == Some(k));
            let text =
                format!("{} {}", if marked { "❗" } else { "✏️" }, label(&item_name(&plan, lang, k), 44));
            vec![button(text, Callback::MarkFix { report: report.id, item: k.clone() })]
        })
        .collect();
    if !marks.is_empty() {
        rows.push(vec![button(
            t!(lang, "button-return-marked", count = marks.len() as i64),
            Callback::ReturnNow { report: report.id },
        )]);
    }
    Ok(Screen::with(text, keyboard(rows)))
}

/// The marks of the return under way for `report`, if the admin is in it.
fn marks_of(state: &State, report: i64) -> Option<Vec<FixRequest>> {
    match state {
        State::ReturnComment { report: r, marks } | State::ReturnItem { report: r, marks, .. }
            if *r == report =>
        {
            Some(marks.clone())
        }
        _ => None,
    }
}

/// An item tapped on the return screen: its comment is asked for.
pub async fn mark_fix(turn: Turn<'_>, report: i64, item: ItemKey) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(marks) = marks_of(turn.state(), report) else {
        turn.say(t!(ctx.lang, "button-old")).await?;
        return Ok(());
    };
    let plan = match app.store.report(report).await? {
        Some(row) => app.plan_of(&row),
        None => app.plan.get(),
    };
    let text = t!(
        ctx.lang,
        "review-ask-fix-comment",
        item = label(&item_name(&plan, ctx.lang, &item), 60),
        max = MAX_NOTE_CHARS as i64
    );
    turn.send(Screen::text(text)).await?;
    conv.go(State::ReturnItem { report, item: item.encode(), marks });
    Ok(())
}

/// The comment of one item to fix: kept with the return under way, whose screen shows again.
pub async fn receive_fix_comment(
    turn: Turn<'_>,
    report: i64,
    item: &str,
    mut marks: Vec<FixRequest>,
    text: &str,
) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    if !still_admin(turn).await? {
        return Ok(());
    }
    let Some(comment) = crate::domain::text::clean(text).filter(|c| c.chars().count() <= MAX_NOTE_CHARS)
    else {
        turn.say(t!(ctx.lang, "review-comment-empty")).await?;
        return Ok(());
    };
    let Some(row) = app.store.report(report).await?.filter(|r| r.state == ReportState::Submitted) else {
        conv.go(State::Idle);
        turn.say(t!(ctx.lang, "review-not-found")).await?;
        return Ok(());
    };
    marks.retain(|m| m.item != item);
    marks.push(FixRequest { item: item.to_owned(), comment });
    let screen = return_screen(app, ctx.lang, &row, &marks).await?;
    turn.send(screen).await?;
    conv.go(State::ReturnComment { report, marks });
    Ok(())
}

/// "Send back with the N items marked", without a general comment.
pub async fn return_now(turn: Turn<'_>, report: i64) -> HandlerResult {
    let Some(marks) = marks_of(turn.state(), report).filter(|m| !m.is_empty()) else {
        turn.say(t!(turn.ctx.lang, "button-old")).await?;
        return Ok(());
    };
    send_back(turn.typed(), report, None, marks).await
}
