//! `/chitieu N`: each metric of one indicator over the plan's year, as its responsible agency
//! handed it in; a qualitative indicator's latest narratives.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{metric_round, year_deadlines};
use crate::charts::{IndicatorChart, MetricSeries, Point};
use crate::domain::plan::Metric;
use crate::domain::progress::{accumulates, expected_percent, percent_of_target};
use crate::domain::report::ItemKey;
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::i18n::Lang;
use crate::present;
use crate::store::{HandedInItem, ItemKinds, Store};

/// A value as handed in for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub period: PeriodKey,
    pub value: Decimal,
    pub out_of: Option<Decimal>,
    pub note: Option<String>,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricLine {
    pub metric: Metric,
    /// One per period of the year, `None` where nothing was handed in.
    pub readings: Vec<Option<Reading>>,
}

impl MetricLine {
    /// The latest period with a value.
    pub fn latest(&self) -> Option<&Reading> {
        self.readings.iter().rev().flatten().next()
    }

    /// The period just before the latest one, and its value if handed in; `None` when the
    /// latest is the first period (or there is none).
    pub fn previous(&self) -> Option<(usize, Option<&Reading>)> {
        let i = self.readings.iter().rposition(Option::is_some)?;
        i.checked_sub(1).map(|p| (p, self.readings[p].as_ref()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Narrative {
    pub agency: AgencyCode,
    pub period: PeriodKey,
    pub text: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// The chart's texts, localized by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartText {
    pub title: String,
    pub y_label: String,
    pub target_label: String,
    /// The legend of the pace line, e.g. "Tiến độ cần đạt".
    pub pace_label: String,
    pub no_data: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorView {
    pub number: u32,
    pub periods: Vec<PeriodKey>,
    pub metrics: Vec<MetricLine>,
    /// The latest narrative of each of the indicator's agencies, in plan order.
    pub narratives: Vec<Narrative>,
}

impl IndicatorView {
    /// `None` when the plan has no such indicator.
    pub async fn load(store: &Store, plan: &Plan, number: u32) -> anyhow::Result<Option<IndicatorView>> {
        let Some(indicator) = plan.indicator(number) else { return Ok(None) };
        let Some(round) = metric_round(plan) else {
            return Ok(Some(IndicatorView { number, periods: vec![], metrics: vec![], narratives: vec![] }));
        };
        let periods: Vec<PeriodKey> = year_deadlines(plan, round).iter().map(|d| d.period).collect();
        let items =
            store.handed_in_items(&plan.code, &round.code, None, ItemKinds::MetricsAndNarratives).await?;
        Ok(Some(assemble(plan, number, &periods, &items).unwrap_or(IndicatorView {
            number: indicator.number,
            periods,
            metrics: vec![],
            narratives: vec![],
        })))
    }

    /// The chart: each metric as a percent of its target over the periods, labelled as every
    /// view writes it, against the pace expected of the metrics that build up over the year.
    pub fn chart(&self, lang: Lang, text: ChartText) -> IndicatorChart {
        let metrics = self
            .metrics
            .iter()
            .map(|line| MetricSeries {
                name: format!(
                    "{} {}",
                    line.metric.code,
                    present::name(lang, &line.metric.name_vi, &line.metric.name_en)
                ),
                points: line
                    .readings
                    .iter()
                    .map(|r| {
                        let percent = percent_of_target(&line.metric, r.as_ref()?.value)?;
                        Some(Point { percent: percent.to_f64()?, label: present::percent(&percent) })
                    })
                    .collect(),
            })
            .collect();
        let building: Vec<&Metric> =
            self.metrics.iter().map(|l| &l.metric).filter(|m| accumulates(m)).collect();
        let pace = match building.first() {
            Some(m) => self.periods.iter().filter_map(|p| expected_percent(m, *p).to_f64()).collect(),
            None => vec![],
        };
        // When only some metrics build up, the legend says which follow the pace.
        let pace_label = if building.len() < self.metrics.len() {
            let codes: Vec<&str> = building.iter().map(|m| m.code.as_str()).collect();
            format!("{} ({})", text.pace_label, codes.join(", "))
        } else {
            text.pace_label
        };
        IndicatorChart {
            title: text.title,
            periods: self.periods.iter().map(|p| present::period(lang, *p)).collect(),
            metrics,
            pace,
            pace_label,
            y_label: text.y_label,
            target_label: text.target_label,
            no_data: text.no_data,
        }
    }
}

fn reading(item: &HandedInItem) -> Option<Reading> {
    Some(Reading {
        period: item.period,
        value: item.entry.value?,
        out_of: item.entry.value_out_of,
        note: item.entry.note.clone(),
        by: item.by.clone(),
        at: item.entry.updated_at,
    })
}

/// The view from the handed-in items of the year (pure, for tests).
pub fn assemble(
    plan: &Plan,
    number: u32,
    periods: &[PeriodKey],
    items: &[HandedInItem],
) -> Option<IndicatorView> {
    let indicator = plan.indicator(number)?;
    let metrics = indicator
        .metrics
        .iter()
        .map(|m| MetricLine {
            metric: m.clone(),
            readings: periods
                .iter()
                .map(|p| {
                    items
                        .iter()
                        .filter(|i| i.period == *p && i.agency == m.agency)
                        .find(|i| matches!(&i.entry.key, ItemKey::Metric(c) if c == &m.code))
                        .and_then(reading)
                })
                .collect(),
        })
        .collect();
    let narratives = plan
        .expand(&indicator.agencies)
        .into_iter()
        .filter_map(|agency| {
            let latest = items
                .iter()
                .filter(|i| i.agency == agency.code && i.entry.key == ItemKey::Narrative(number))
                .filter(|i| i.entry.is_filled())
                .max_by_key(|i| i.period)?;
            Some(Narrative {
                agency: agency.code.clone(),
                period: latest.period,
                text: latest.entry.note.clone().unwrap_or_default(),
                by: latest.by.clone(),
                at: latest.entry.updated_at,
            })
        })
        .collect();
    Some(IndicatorView { number, periods: periods.to_vec(), metrics, narratives })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::bundled::seed_plan;
    use crate::domain::report::{ItemEntry, ReportState};

    fn item(
        period: PeriodKey,
        agency: &str,
        key: ItemKey,
        value: Option<&str>,
        note: Option<&str>,
    ) -> HandedInItem {
        HandedInItem {
            period,
            agency: AgencyCode::parse(agency).unwrap(),
            state: ReportState::Submitted,
            entry: ItemEntry {
                key,
                status: None,
                percent: None,
                value: value.map(|v| Decimal::from_str_exact(v).unwrap()),
                value_out_of: None,
                note: note.map(str::to_owned),
                updated_at: Utc.with_ymd_and_hms(2022, 3, 10, 2, 0, 0).unwrap(),
                updated_by: None,
                version: 0,
                plan_version: None,
                asked_as: None,
            },
            by: Some("Hoa".into()),
        }
    }

    #[test]
    fn the_latest_value_is_the_responsible_agencys_with_the_period_before_it() {
        let plan = seed_plan();
        let periods: Vec<PeriodKey> = (1..=4).map(|q| PeriodKey::Quarter(2022, q)).collect();
        let revenue = || ItemKey::Metric("5.1".into());
        let items = vec![
            item(periods[0], "STC", revenue(), Some("2250"), None),
            item(periods[2], "STC", revenue(), Some("7000"), None),
            // Another agency's figure for the same metric is not the metric's.
            item(periods[3], "CTHUE", revenue(), Some("9999"), None),
            item(periods[0], "CAT", ItemKey::Narrative(17), None, Some("Ổn định")),
            item(periods[1], "CAT", ItemKey::Narrative(17), None, Some("Giữ vững")),
        ];
        let view = assemble(&plan, 5, &periods, &items).unwrap();
        let line = &view.metrics[0];
        assert_eq!(line.latest().map(|r| (r.period, r.value)), Some((periods[2], Decimal::from(7000))));
        // The period before the latest (Q2) was not reported.
        assert_eq!(line.previous().map(|(i, r)| (i, r.is_some())), Some((1, false)));
        assert_eq!(view.metrics[1].latest(), None);
        let chart = view.chart(
            Lang::Vi,
            ChartText {
                title: "t".into(),
                y_label: "y".into(),
                target_label: "x".into(),
                pace_label: "p".into(),
                no_data: "-".into(),
            },
        );
        let first = &chart.metrics[0].points;
        assert_eq!(first.len(), 4);
        let q1 = first[0].as_ref().unwrap();
        // 2.250 of 9.002 is 24,99…%: cut, as every view shows it.
        assert_eq!((q1.percent, q1.label.as_str()), (24.9, "24,9%"));
        assert!(first[1].is_none() && first[3].is_none());
        assert_eq!(chart.periods, ["quý I/2022", "quý II/2022", "quý III/2022", "quý IV/2022"]);
        // Revenue builds up over the year: a quarter of it is expected after each quarter.
        assert_eq!(chart.pace, [25.0, 50.0, 75.0, 100.0]);
        assert_eq!(chart.pace_label, "p");

        let defence = assemble(&plan, 17, &periods, &items).unwrap();
        assert_eq!(defence.narratives.len(), 1, "only the police reported");
        assert_eq!(
            (defence.narratives[0].period, defence.narratives[0].text.as_str()),
            (periods[1], "Giữ vững")
        );
        let first_only = assemble(&plan, 5, &periods[..1], &items).unwrap();
        assert_eq!(first_only.metrics[0].previous(), None, "nothing before the first period");
    }
}
