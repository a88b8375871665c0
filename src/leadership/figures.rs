//! The figures of every metric for one period (own, cumulative, same period last year, share
//! of plan), from the values handed in for each period of the year: what the workbook and the
//! report document show.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::year_deadlines;
use crate::domain::figures::{Figures, figures};
use crate::domain::plan::ReportingRound;
use crate::domain::progress::value_kind;
use crate::domain::report::ItemKey;
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::store::HandedInItem;

/// What was reported last year for each metric (by code), period by period in the order of
/// this year's periods, when known beyond the plan file (which says it for its own metrics:
/// `same_period_last_year`, and `last_year` for the whole year).
pub type LastYear = HashMap<String, Vec<Option<Decimal>>>;

/// The figures of each metric (by code) for `period`. `items` are the handed-in items of the
/// round over the year (any period; the responsible agency's value counts).
pub fn period_figures(
    plan: &Plan,
    round: &ReportingRound,
    period: PeriodKey,
    items: &[HandedInItem],
    last_year: &LastYear,
) -> HashMap<String, Figures> {
    let mut periods: Vec<PeriodKey> = year_deadlines(plan, round).into_iter().map(|d| d.period).collect();
    let at = match periods.iter().position(|p| *p == period) {
        Some(at) => at,
        None => {
            // A period outside the year's list (a one-off round): judged on its own.
            periods = vec![period];
            0
        }
    };
    let index: HashMap<(&AgencyCode, &str, PeriodKey), Decimal> = items
        .iter()
        .filter_map(|i| match &i.entry.key {
            ItemKey::Metric(code) => Some(((&i.agency, code.as_str(), i.period), i.entry.value?)),
            _ => None,
        })
        .collect();
    plan.indicators
        .iter()
        .flat_map(|ind| &ind.metrics)
        .map(|m| {
            let values: Vec<Option<Decimal>> =
                periods.iter().map(|p| index.get(&(&m.agency, m.code.as_str(), *p)).copied()).collect();
            let last = match last_year.get(&m.code) {
                Some(given) => given.clone(),
                None => periods.iter().map(|p| m.same_period_last_year(*p).map(|t| t.value)).collect(),
            };
            (m.code.clone(), figures(m, value_kind(m), period, at, &values, &last))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::bundled::seed_plan;
    use crate::domain::report::{ItemEntry, ReportState};

    fn item(agency: &str, code: &str, period: PeriodKey, value: &str) -> HandedInItem {
        HandedInItem {
            period,
            agency: AgencyCode::parse(agency).unwrap(),
            state: ReportState::Submitted,
            entry: ItemEntry {
                key: ItemKey::Metric(code.into()),
                status: None,
                percent: None,
                value: Some(Decimal::from_str_exact(value).unwrap()),
                value_out_of: None,
                note: None,
                updated_at: Utc.with_ymd_and_hms(2022, 6, 10, 3, 0, 0).unwrap(),
                updated_by: None,
                version: 1,
                plan_version: None,
                asked_as: None,
            },
            by: None,
        }
    }

    #[test]
    fn the_second_quarter_of_a_cumulative_metric_from_two_reports() {
        let plan = seed_plan();
        let round = plan.round("bao-cao-quy").unwrap();
        let (q1, q2) = (PeriodKey::Quarter(2022, 1), PeriodKey::Quarter(2022, 2));
        let items = [
            item("STC", "5.1", q1, "2250.5"),
            item("STC", "5.1", q2, "4800"),
            // Not the responsible agency: ignored.
            item("SYT", "5.1", q2, "1"),
            item("SYT", "13.1", q2, "10.2"),
        ];
        let last_year =
            LastYear::from([("5.1".to_owned(), vec![Some(Decimal::from(2000)), Some(Decimal::from(4400))])]);
        let all = period_figures(&plan, round, q2, &items, &last_year);
        assert_eq!(all.len(), plan.metric_count());
        let revenue = &all["5.1"];
        assert_eq!(revenue.own, Some(Decimal::from_str_exact("2549.5").unwrap()));
        assert_eq!(revenue.cumulative, Some(Decimal::from(4800)));
        assert_eq!(revenue.same_period_last_year, Some(Decimal::from(4400)));
        let malnutrition = &all["13.1"];
        assert_eq!(
            (malnutrition.own, malnutrition.cumulative),
            (Some(Decimal::from_str_exact("10.2").unwrap()), None)
        );
        assert_eq!(all["1.1"].to_date(), None, "not reported");
    }

    #[test]
    fn the_same_period_last_year_comes_from_the_plan_file_when_nothing_else_says_it() {
        let plan = Plan::from_toml(include_str!("../../plans/vinh-long-2024.toml")).unwrap();
        let monthly = plan.round("bao-cao-thang").unwrap();
        let march = PeriodKey::Month(2024, 3);
        let items = [item("STC", "2.1", march, "1800")];
        let all = period_figures(&plan, monthly, march, &items, &LastYear::new());
        // "2023-03" = "1.702" in the plan file.
        assert_eq!(all["2.1"].same_period_last_year, Some(Decimal::from(1702)));
        // A month the table does not give: unknown, not zero.
        let april = period_figures(&plan, monthly, PeriodKey::Month(2024, 4), &items, &LastYear::new());
        assert_eq!(april["2.1"].same_period_last_year, None);
        // The whole year: the previous year's result.
        let annual = plan.round("bao-cao-nam").unwrap();
        let year = period_figures(&plan, annual, PeriodKey::Year(2024), &items, &LastYear::new());
        assert_eq!(year["2.1"].same_period_last_year, Some(Decimal::from(6517)));
        // Given figures win over the file's.
        let given = LastYear::from([("2.1".to_owned(), vec![Some(Decimal::from(7)); 12])]);
        let all = period_figures(&plan, monthly, march, &items, &given);
        assert_eq!(all["2.1"].same_period_last_year, Some(Decimal::from(7)));
    }
}
