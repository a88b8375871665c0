//! `/tinhhinh`: the current period on one phone screen.

use super::round_name;
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::people::Lang;
use crate::leadership::status::StatusView;
use crate::overview::Overview;
use crate::{present, t};

/// `/tinhhinh [plan]`: the current period of each plan followed (or of the one named), one
/// screen each.
pub async fn status(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let mut shown = 0;
    for plan in super::plans_named(app, arg) {
        if let Some(view) = StatusView::load(&app.store, &plan, ctx.now).await? {
            turn.send(render(&plan, ctx.lang, &view)).await?;
            shown += 1;
        }
    }
    if shown == 0 {
        turn.send(Screen::text(t!(ctx.lang, "status-none-open"))).await?;
    }
    Ok(())
}

/// The counts of one period, as the digest words them.
fn agencies_lines(lang: Lang, o: &Overview) -> String {
    let r = o.rates();
    let agencies = t!(
        lang,
        "status-agencies",
        total = r.agencies as i64,
        on_time = r.on_time as i64,
        late = r.late as i64,
        missing = r.missing as i64,
        pending = r.pending as i64
    );
    let rates =
        t!(lang, "status-rates", reporting = r.reporting_rate() as i64, punctual = r.on_time_rate() as i64);
    format!("{agencies}\n{rates}")
}

pub fn render(plan: &Plan, lang: Lang, view: &StatusView) -> Screen {
    let o = &view.current;
    let mut lines = vec![
        t!(
            lang,
            "status-heading",
            plan = plan.code.clone(),
            round = round_name(plan, lang, &o.round),
            period = present::period(lang, o.period),
            last_day = present::date_with_weekday(lang, o.deadline.last_day)
        ),
        agencies_lines(lang, o),
    ];
    if let Some(m) = view.metrics {
        lines.push(t!(
            lang,
            "status-metrics",
            total = m.total() as i64,
            on_track = m.on_track as i64,
            behind = m.behind as i64,
            not_reported = m.not_reported as i64
        ));
        lines.push(t!(lang, "status-metrics-rule"));
    }
    if !view.others.is_empty() {
        lines.push(String::new());
        lines.push(t!(lang, "status-others"));
        for other in &view.others {
            let r = other.rates();
            lines.push(t!(
                lang,
                "status-other-line",
                round = round_name(plan, lang, &other.round),
                period = present::period(lang, other.period),
                last_day = present::date(other.deadline.last_day),
                reporting = r.reporting_rate() as i64,
                punctual = r.on_time_rate() as i64,
                missing = r.missing as i64
            ));
        }
    }
    let mut row = vec![button(
        t!(lang, "button-timeliness-chart"),
        Callback::TimelinessChart { round: o.round.clone(), period: o.period, plan: Some(plan.code.clone()) },
    )];
    if plan.round(&o.round).is_some_and(|r| r.asks.tasks || r.asks.metrics) {
        row.push(button(
            t!(lang, "button-export"),
            Callback::Export { period: o.period, plan: Some(plan.code.clone()) },
        ));
    }
    Screen::with(lines.join("\n"), keyboard(vec![row]))
}
