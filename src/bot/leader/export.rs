//! `/xuat [period]`: the consolidated workbook as a document, the draft report as a Word
//! document, and the workbook's rows as CSV.

use std::sync::Arc;

use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::calendar::{Deadline, deadlines, local_date, open_deadlines};
use crate::domain::{PeriodKey, Plan};
use crate::export::CsvStyle;
use crate::leadership::consolidated::{build, files};
use crate::leadership::rounds_of_period;
use crate::{present, t};

/// Whether a deadline's round asks for tasks or metrics (the action programme is a document).
fn has_items(plan: &Plan, d: &Deadline) -> bool {
    plan.round(&d.round).is_some_and(|r| r.asks.tasks || r.asks.metrics)
}

pub async fn export(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let (named, typed) = super::plan_word(app, arg);
    let plans = match &named {
        Some(plan) => vec![plan.clone()],
        None => app.plan.all(),
    };
    if typed.is_empty() {
        let open: Vec<(Arc<Plan>, Deadline)> = plans
            .iter()
            .flat_map(|p| open_deadlines(p, ctx.now).into_iter().map(move |d| (p.clone(), d)))
            .filter(|(p, d)| has_items(p, d))
            .collect();
        if let [(plan, one)] = open.as_slice() {
            return send_export(turn, plan, &one.round, one.period).await;
        }
        // Several periods open, or none: every period that has opened, the latest first.
        let mut opened: Vec<(Arc<Plan>, Deadline)> = plans
            .iter()
            .flat_map(|p| {
                let today = local_date(p, ctx.now);
                (p.year..=p.year + 1)
                    .flat_map(|y| deadlines(p, y))
                    .filter(move |d| d.opens <= today)
                    .map(move |d| (p.clone(), d))
            })
            .filter(|(p, d)| has_items(p, d))
            .collect();
        opened.sort_by_key(|(_, d)| std::cmp::Reverse(d.last_day));
        let mut seen = std::collections::HashSet::new();
        opened.retain(|(p, d)| seen.insert((p.code.clone(), d.period)));
        if opened.is_empty() {
            turn.say(t!(ctx.lang, "export-nothing-yet")).await?;
            return Ok(());
        }
        let several = plans.len() > 1;
        let rows = opened
            .iter()
            .map(|(p, d)| {
                let period = present::period(ctx.lang, d.period);
                let text = if several { format!("{} · {period}", p.code) } else { period };
                vec![button(text, Callback::Export { period: d.period, plan: Some(p.code.clone()) })]
            })
            .collect();
        turn.send(Screen::with(t!(ctx.lang, "export-usage"), keyboard(rows))).await?;
        return Ok(());
    }
    let Ok(period) = typed.parse::<PeriodKey>() else {
        turn.say(t!(ctx.lang, "export-bad-period", typed = typed.clone())).await?;
        return Ok(());
    };
    let plan = named.unwrap_or_else(|| app.plan_for_period(period));
    // Of several rounds with the period, the first (those asking for items come first).
    let Some(round) = rounds_of_period(&plan, period).first().copied() else {
        // As the person typed it: codes stay in commands.
        turn.say(t!(ctx.lang, "export-unknown-period", period = period.to_string())).await?;
        return Ok(());
    };
    let round = round.code.clone();
    send_export(turn, &plan, &round, period).await
}

async fn send_export(turn: Turn<'_>, plan: &Plan, round: &str, period: PeriodKey) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let Some(consolidated) = build(&app.store, plan, round, period, ctx.now, ctx.lang).await? else {
        turn.say(t!(ctx.lang, "export-unknown-period", period = period.to_string())).await?;
        return Ok(());
    };
    let data = &consolidated.workbook;
    let metrics = data.indicators.iter().flat_map(|i| &i.metrics);
    let reported = metrics.clone().filter(|m| m.value.is_some()).count();
    let caption = t!(
        ctx.lang,
        "export-caption",
        plan = plan.code.clone(),
        period = present::period(ctx.lang, period),
        reported = reported as i64,
        metrics = metrics.count() as i64,
        handed_in = data.timeliness.iter().filter(|t| t.submitted_at.is_some()).count() as i64,
        agencies = data.timeliness.len() as i64
    );
    // Chat users open the CSV in Excel on their phones and desktops: the Vietnamese style.
    let out = tokio::task::spawn_blocking(move || files(&consolidated, CsvStyle::ExcelVn)).await??;
    turn.out.send_document(ctx.chat, out.xlsx, out.xlsx_name, caption).await?;
    let docx_caption = t!(ctx.lang, "doc-caption", period = present::period(ctx.lang, period));
    turn.out.send_document(ctx.chat, out.docx, out.docx_name, docx_caption).await?;
    let csv = out.csv.into_bytes();
    turn.out.send_document(ctx.chat, csv, out.csv_name, t!(ctx.lang, "export-csv-caption")).await?;
    Ok(())
}
