//! `/chitieu N` or a word of its name: each metric's latest value against its target, the
//! period before it, who reported it and when; a qualitative indicator's narratives.

use rust_decimal::Decimal;

use super::agency_name;
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard, label};
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::number::Quantity;
use crate::domain::people::Lang;
use crate::domain::plan::Direction;
use crate::domain::progress::{Progress, progress};
use crate::domain::report::percent_of_target;
use crate::domain::search::find_indicators;
use crate::leadership::indicator::{IndicatorView, MetricLine, Reading};
use crate::{present, t};

pub async fn indicator(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let (named, query) = super::plan_word(app, arg);
    let plan = named.unwrap_or_else(|| app.plan.get());
    let query = query.as_str();
    if query.is_empty() {
        let rows = choices(&plan, ctx.lang, plan.indicators.iter().map(|i| i.number));
        turn.send(Screen::with(t!(ctx.lang, "indicator-usage"), rows)).await?;
        return Ok(());
    }
    match find_indicators(&plan, query).as_slice() {
        [] => turn.send(Screen::text(t!(ctx.lang, "indicator-not-found", query = query.to_owned()))).await?,
        [one] => return show_indicator(turn, one.number, Some(&plan.code)).await,
        several => {
            let rows = choices(&plan, ctx.lang, several.iter().map(|i| i.number));
            let text =
                t!(ctx.lang, "indicator-choose", count = several.len() as i64, query = query.to_owned());
            turn.send(Screen::with(text, rows)).await?
        }
    }
    Ok(())
}

/// One button per indicator.
fn choices(
    plan: &Plan,
    lang: Lang,
    numbers: impl Iterator<Item = u32>,
) -> teloxide::types::InlineKeyboardMarkup {
    let rows = numbers
        .filter_map(|n| plan.indicator(n))
        .map(|i| {
            let text = format!("({}) {}", i.number, present::name(lang, &i.name_vi, &i.name_en));
            vec![button(
                label(&text, 48),
                Callback::Indicator { number: i.number, plan: Some(plan.code.clone()) },
            )]
        })
        .collect();
    keyboard(rows)
}

pub async fn show_indicator(turn: Turn<'_>, number: u32, plan: Option<&str>) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = super::plan_of_button(app, plan);
    let Some(view) = IndicatorView::load(&app.store, &plan, number).await? else {
        let text = t!(ctx.lang, "indicator-not-found", query = number.to_string());
        turn.send(Screen::text(text)).await?;
        return Ok(());
    };
    turn.send(render(&plan, ctx.lang, &view)).await?;
    Ok(())
}

/// "9.002 tỷ đồng", "10,5%", "36/51 xã".
fn quantity(value: Decimal, out_of: Option<Decimal>, unit: &str) -> String {
    let unit = unit.trim();
    Quantity { value, out_of, unit: (!unit.is_empty()).then(|| unit.to_owned()) }.to_string()
}

fn value_text(line: &MetricLine, r: &Reading) -> String {
    quantity(r.value, r.out_of, &line.metric.unit)
}

/// A metric's lines; its agency is named only where no metric before it named it (a message
/// names each agency once).
fn metric_lines(
    plan: &Plan,
    lang: Lang,
    view: &IndicatorView,
    line: &MetricLine,
    named: &mut Vec<crate::domain::AgencyCode>,
) -> Vec<String> {
    let m = &line.metric;
    let direction = match m.direction {
        Direction::AtLeast => "≥",
        Direction::AtMost => "≤",
        Direction::ReduceBy => "↓",
    };
    let mut out = vec![t!(
        lang,
        "indicator-metric",
        code = m.code.clone(),
        name = present::name(lang, &m.name_vi, &m.name_en).to_owned(),
        direction = direction,
        target = quantity(m.target.value, m.target.out_of, &m.unit)
    )];
    let first_time = !named.contains(&m.agency);
    if first_time {
        named.push(m.agency.clone());
    }
    let Some(latest) = line.latest() else {
        let text = if first_time {
            t!(lang, "indicator-no-value", agency = agency_name(plan, lang, m.agency.as_str()))
        } else {
            t!(lang, "indicator-no-value-again")
        };
        out.push(format!("   {text}"));
        return out;
    };
    let bar = percent_of_target(m, latest.value).map(|p| present::bar(&p)).unwrap_or_default();
    let mark = match progress(m, latest.value, latest.period) {
        Progress::OnTrack => t!(lang, "progress-on-track"),
        Progress::Behind => t!(lang, "progress-behind"),
    };
    out.push(format!(
        "   {}",
        t!(
            lang,
            "indicator-latest",
            period = present::period(lang, latest.period),
            value = value_text(line, latest),
            bar = bar,
            progress = mark
        )
    ));
    if let Some((i, previous)) = line.previous() {
        let period = present::period(lang, view.periods[i]);
        let text = match previous {
            Some(r) => t!(lang, "indicator-previous", period = period, value = value_text(line, r)),
            None => t!(lang, "indicator-previous-none", period = period),
        };
        out.push(format!("   {text}"));
    }
    let person = latest.by.clone().unwrap_or_else(|| t!(lang, "indicator-someone"));
    let at = present::local_time(plan, latest.at);
    let who = if first_time {
        t!(
            lang,
            "indicator-who",
            agency = agency_name(plan, lang, m.agency.as_str()),
            person = person,
            at = at
        )
    } else {
        t!(lang, "indicator-who-again", person = person, at = at)
    };
    out.push(format!("   {who}"));
    out
}

pub fn render(plan: &Plan, lang: Lang, view: &IndicatorView) -> Screen {
    let Some(indicator) = plan.indicator(view.number) else { return Screen::default() };
    let mut lines = vec![t!(
        lang,
        "indicator-heading",
        number = indicator.number as i64,
        name = present::name(lang, &indicator.name_vi, &indicator.name_en).to_owned()
    )];
    let mut named = Vec::new();
    for line in &view.metrics {
        lines.push(String::new());
        lines.extend(metric_lines(plan, lang, view, line, &mut named));
    }
    if indicator.is_qualitative() {
        lines.push(t!(lang, "indicator-qualitative"));
        if view.narratives.is_empty() {
            lines.push(t!(lang, "indicator-no-narrative"));
        }
        // One screen for every agency's narrative: the first words of each.
        for n in &view.narratives {
            lines.push(String::new());
            lines.push(t!(
                lang,
                "indicator-narrative",
                agency = agency_name(plan, lang, n.agency.as_str()),
                period = present::period(lang, n.period),
                person = n.by.clone().unwrap_or_else(|| t!(lang, "indicator-someone")),
                at = present::local_time(plan, n.at),
                text = label(&n.text, 200)
            ));
        }
        return Screen::text(lines.join("\n"));
    }
    let chart = button(
        t!(lang, "button-indicator-chart"),
        Callback::Chart { indicator: view.number, plan: Some(plan.code.clone()) },
    );
    Screen::with(lines.join("\n"), keyboard(vec![vec![chart]]))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::bundled::seed_plan;
    use crate::domain::PeriodKey;
    use crate::domain::report::{ItemEntry, ItemKey, ReportState};
    use crate::leadership::indicator::{ChartText, assemble};
    use crate::leadership::{metric_round, workbook, year_deadlines};
    use crate::overview::Overview;
    use crate::store::HandedInItem;

    /// The percent of the target in the workbook's indicators sheet, for one metric's row.
    fn workbook_percent(bytes: Vec<u8>, sheet: &str, code: &str) -> f64 {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        let row = range.rows().find(|r| r.first() == Some(&Data::String(code.into()))).unwrap();
        match row[10] {
            Data::Float(f) => f,
            ref other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chat_chart_and_workbook_show_the_same_percent_of_the_target() {
        // 2.314 of 9.002 tỷ đồng is 25,705…% of the target: /chitieu 5 showed 25 %, the
        // chart 26 % and the workbook 25,7 %.
        let plan = seed_plan();
        let q1 = PeriodKey::Quarter(2022, 1);
        let (_, revenue) = plan.metric("5.1").unwrap();
        let now = Utc.with_ymd_and_hms(2022, 3, 20, 2, 0, 0).unwrap();
        let item = HandedInItem {
            period: q1,
            agency: revenue.agency.clone(),
            state: ReportState::Accepted,
            entry: ItemEntry {
                key: ItemKey::Metric("5.1".into()),
                status: None,
                percent: None,
                value: Some(Decimal::from(2314)),
                value_out_of: None,
                note: None,
                updated_at: now,
                updated_by: None,
                version: 1,
                plan_version: None,
                asked_as: None,
            },
            by: Some("Hoa".into()),
        };
        let view = assemble(&plan, 5, &[q1], std::slice::from_ref(&item)).unwrap();
        let chat = render(&plan, Lang::Vi, &view).text;
        let text = ChartText {
            title: String::new(),
            y_label: String::new(),
            target_label: String::new(),
            pace_label: String::new(),
            no_data: String::new(),
        };
        let chart = view.chart(Lang::Vi, text);
        let on_chart = chart.metrics[0].points[0].clone().unwrap();
        let round = metric_round(&plan).unwrap();
        let deadline = year_deadlines(&plan, round)[0].clone();
        let overview = Overview { round: round.code.clone(), period: q1, deadline, lines: vec![] };
        let figures = crate::leadership::figures::period_figures(
            &plan,
            round,
            q1,
            std::slice::from_ref(&item),
            &crate::leadership::figures::LastYear::new(),
        );
        let reads = crate::leadership::consolidated::Reads {
            overview,
            items: vec![item],
            figures,
            attachments: Default::default(),
            narratives: Default::default(),
            answered: crate::answered::Answered { plan: plan.clone(), versions: vec![] },
        };
        let data = workbook::assemble(&plan, &reads, now, Lang::Vi);
        let sheet = data.text.indicators_sheet.clone();
        let in_workbook = workbook_percent(crate::export::xlsx(&data).unwrap(), &sheet, "5.1");

        assert!(chat.contains("▓▓░░░░░░░░ 25,7%"), "{chat}");
        assert_eq!(on_chart.label, "25,7%");
        assert!((on_chart.percent - 25.7).abs() < 1e-9, "{}", on_chart.percent);
        // The workbook holds 0,257 shown as "0.0%": 25,7 %.
        assert!((in_workbook * 100.0 - 25.7).abs() < 1e-9, "{in_workbook}");
    }
}
