//! The charts, drawn off the async threads and sent as photos.

use super::round_name;
use crate::bot::{HandlerResult, Turn};
use crate::charts::{self, AgencyBar, BarStatus, ChartError, TimelinessChart, indicator_chart};
use crate::domain::PeriodKey;
use crate::domain::timeliness::Timeliness;
use crate::leadership::indicator::{ChartText, IndicatorView};
use crate::overview::Overview;
use crate::{present, t};

/// The "Biểu đồ" button of `/chitieu`: each metric as a percent of its target over the year.
pub async fn chart(turn: Turn<'_>, number: u32, plan: Option<&str>) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = super::plan_of_button(app, plan);
    let lang = ctx.lang;
    let (Some(view), Some(indicator)) =
        (IndicatorView::load(&app.store, &plan, number).await?, plan.indicator(number))
    else {
        turn.say(t!(lang, "indicator-not-found", query = number.to_string())).await?;
        return Ok(());
    };
    let name = present::name(lang, &indicator.name_vi, &indicator.name_en).to_owned();
    let text = ChartText {
        title: t!(
            lang,
            "chart-indicator-title",
            number = number as i64,
            name = name.clone(),
            year = plan.year.to_string()
        ),
        y_label: t!(lang, "chart-y-label"),
        target_label: t!(lang, "chart-target-label"),
        pace_label: t!(lang, "chart-pace-label"),
        no_data: t!(lang, "chart-no-data"),
    };
    let data = view.chart(lang, text);
    let png = tokio::task::spawn_blocking(move || indicator_chart(&data)).await??;
    let caption = t!(lang, "chart-indicator-caption", number = number as i64, name = name);
    turn.out.send_photo(ctx.chat, png, caption).await?;
    Ok(())
}

/// The button of `/tinhhinh`: every agency's timeliness in one round and period.
pub async fn timeliness_chart(
    turn: Turn<'_>,
    round: &str,
    period: PeriodKey,
    plan: Option<&str>,
) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plan = super::plan_of_button(app, plan);
    let lang = ctx.lang;
    let Some(o) = Overview::load_timeliness(&app.store, &plan, round, period, ctx.now).await? else {
        turn.say(t!(lang, "chart-no-period")).await?;
        return Ok(());
    };
    let round_name = round_name(&plan, lang, round);
    let data = TimelinessChart {
        title: t!(
            lang,
            "chart-timeliness-title",
            round = round_name.clone(),
            period = present::period(lang, period),
            last_day = present::date(o.deadline.last_day)
        ),
        agencies: o
            .lines
            .iter()
            .map(|l| AgencyBar {
                name: present::agency_short(&plan, lang, l.agency.as_str()),
                status: match l.timeliness {
                    Timeliness::OnTime => BarStatus::OnTime,
                    Timeliness::Late { days } => {
                        BarStatus::Late { days: days.clamp(0, u32::MAX as i64) as u32 }
                    }
                    Timeliness::Missing => BarStatus::Missing,
                    Timeliness::Pending => BarStatus::NotDue,
                },
            })
            .collect(),
        on_time: t!(lang, "chart-on-time"),
        late: t!(lang, "chart-late"),
        missing: t!(lang, "chart-missing"),
        not_due: t!(lang, "chart-not-due"),
        days_label: t!(lang, "chart-days-late"),
    };
    let png = match tokio::task::spawn_blocking(move || charts::timeliness_chart(&data)).await? {
        Ok(png) => png,
        Err(ChartError::TooManyRows(_)) => {
            turn.say(t!(lang, "chart-too-many")).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let r = o.rates();
    let caption = t!(
        lang,
        "chart-timeliness-caption",
        round = round_name,
        period = present::period(lang, period),
        on_time = r.on_time as i64,
        late = r.late as i64,
        missing = r.missing as i64,
        pending = r.pending as i64
    );
    turn.out.send_photo(ctx.chat, png, caption).await?;
    Ok(())
}
