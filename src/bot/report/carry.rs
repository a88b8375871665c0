//! "Unchanged since the last period": one item, or every item still empty at once after the
//! report's screen showed what would be copied. Only where the agency answered before, and
//! never for a cumulative figure (it grows: the same value would be wrong).

use super::items::{current, item_access, item_code, item_screen, save_seen, saved_then_next, then_next};
use super::{Access, AppRef, Denied, describe, editable, is_filled, refuse};
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::people::Lang;
use crate::domain::plan::ValueKind;
use crate::domain::progress::value_kind;
use crate::domain::report::{ItemEntry, ItemKey};
use crate::store::{EarlierAnswer, ItemChange, SaveRefused};
use crate::{present, t};

/// At most this many lines of what would be copied on the report's screen.
const PREVIEW: usize = 12;

/// Whether an earlier answer to the item may stand for this period.
fn copies(plan: &Plan, key: &ItemKey) -> bool {
    match key {
        ItemKey::Metric(code) => {
            plan.metric(code).is_some_and(|(_, m)| value_kind(m) != ValueKind::Cumulative)
        }
        _ => true,
    }
}

/// The items still empty that an earlier report answered and that may be copied, in plan
/// order.
pub(super) async fn copyable(
    app: &AppRef,
    access: &Access,
    entries: &[ItemEntry],
) -> anyhow::Result<Vec<EarlierAnswer>> {
    if !access.report.state.is_editable() {
        return Ok(vec![]);
    }
    let open: Vec<&ItemKey> =
        access.items.iter().filter(|k| !is_filled(entries, k) && copies(&access.plan, k)).collect();
    // Every item answered (or none that could be copied): nothing to read.
    if open.is_empty() {
        return Ok(vec![]);
    }
    let mut earlier = app.store.earlier_answers(&access.report).await?;
    Ok(open.into_iter().filter_map(|k| earlier.remove(k)).filter(|a| a.entry.is_filled()).collect())
}

/// What "keep all" would copy, shown before it is tapped.
pub(super) fn preview(plan: &Plan, lang: Lang, answers: &[EarlierAnswer]) -> String {
    let period = answers.iter().map(|a| a.period).max().map(|p| present::period(lang, p)).unwrap_or_default();
    let mut lines = vec![t!(lang, "keep-all-preview", count = answers.len() as i64, period = period)];
    for a in answers.iter().take(PREVIEW) {
        let value = crate::bot::keyboards::label(&describe(lang, plan, &a.entry), 60);
        lines.push(t!(lang, "keep-all-line", code = item_code(&a.entry.key), value = value));
    }
    if answers.len() > PREVIEW {
        lines.push(t!(lang, "keep-all-more", count = (answers.len() - PREVIEW) as i64));
    }
    lines.join("\n")
}

/// "Unchanged" on one item: its earlier answer, copied over what the person saw.
pub async fn no_change(turn: Turn<'_>, report: i64, key: ItemKey, seen: Option<i64>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let Some(access) = item_access(turn, report, &key).await? else {
        return Ok(());
    };
    let earlier = app.store.earlier_answers(&access.report).await?.remove(&key);
    let refused = match earlier {
        _ if !copies(&access.plan, &key) => "no-change-cumulative",
        None => "no-change-nothing",
        Some(a) => {
            let change = ItemChange::CopiedFrom { report: a.report, entry: a.entry };
            let Some(saved) = save_seen(turn, report, &key, change, seen).await? else { return Ok(()) };
            let echo = t!(
                ctx.lang,
                "item-kept",
                code = item_code(&key),
                value = describe(ctx.lang, &access.plan, &saved)
            );
            return saved_then_next(turn, access, &key, |_| echo).await;
        }
    };
    let (screen, state) = item_screen(app, ctx, &access, &key, Some(t!(ctx.lang, refused)), None).await?;
    conv.go(state);
    turn.show(screen).await?;
    Ok(())
}

/// "Keep all N as last period": every item still empty that may be copied, each over the empty
/// answer the person saw (one a colleague filled meanwhile is left as they put it).
pub async fn keep_all(turn: Turn<'_>, report: i64) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let access = match editable(app, ctx, report).await? {
        Ok(a) => a,
        Err(denied) => return refuse(turn, denied, report).await,
    };
    let entries = app.store.items(report).await?;
    let person = ctx.person.as_ref().map_or(0, |p| p.id);
    let (mut kept, mut skipped) = (0i64, 0i64);
    for a in copyable(app, &access, &entries).await? {
        let key = a.entry.key.clone();
        let seen = current(&entries, &key).map_or(0, |e| e.version);
        let change = ItemChange::CopiedFrom { report: a.report, entry: a.entry };
        match app.store.save_item_seen(report, &key, change, Some(seen), person, ctx.now).await? {
            Ok(_) => kept += 1,
            Err(SaveRefused::Newer { .. }) => skipped += 1,
            Err(SaveRefused::Locked { .. }) => return refuse(turn.typed(), Denied::Locked, report).await,
        }
    }
    let mut echo = t!(ctx.lang, "keep-all-done", count = kept);
    if skipped > 0 {
        echo.push('\n');
        echo.push_str(&t!(ctx.lang, "keep-all-skipped", count = skipped));
    }
    then_next(turn, access, None, |_| echo).await
}
