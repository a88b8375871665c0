//! What the leaders and the planning department read, assembled from the store and the plan:
//! where the current period stands, one indicator over the year, one agency over the year, and
//! the rows of the consolidated workbook and the content of the report document. No Telegram here: the bot and the command line
//! render these.

pub mod agency;
pub mod consolidated;
pub mod figures;
pub mod indicator;
pub mod report_doc;
pub mod status;
pub mod workbook;

use crate::domain::calendar::{Deadline, round_deadlines};
use crate::domain::plan::{ReportingRound, Schedule};
use crate::domain::{PeriodKey, Plan};

/// The round whose reports carry the metrics: the recurring one when there is one.
pub fn metric_round(plan: &Plan) -> Option<&ReportingRound> {
    let asks = plan.rounds.iter().filter(|r| r.asks.metrics);
    let mut recurring = asks.clone().filter(|r| matches!(r.schedule, Schedule::Recurring { .. }));
    recurring.next().or_else(|| asks.clone().next())
}

/// The periods of a round that start in the plan's year, in order (a December period's last
/// day may fall in January).
pub fn year_deadlines(plan: &Plan, round: &ReportingRound) -> Vec<Deadline> {
    let mut out: Vec<Deadline> = (plan.year..=plan.year + 1)
        .flat_map(|y| round_deadlines(plan, round, y))
        .filter(|d| d.period.year() == plan.year)
        .collect();
    out.sort_by_key(|d| d.last_day);
    out.dedup();
    out
}

/// Every round that has a period, those asking for items (tasks, metrics) first, then in plan
/// order: a one-off programme and an annual report may both have "2024", and the caller
/// chooses (the first is what a single-round view shows).
pub fn rounds_of_period(plan: &Plan, period: PeriodKey) -> Vec<&ReportingRound> {
    let mut rounds = crate::domain::calendar::rounds_with_period(plan, period);
    rounds.sort_by_key(|r| !(r.asks.tasks || r.asks.metrics));
    rounds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;

    #[test]
    fn the_quarterly_round_carries_the_metrics_over_four_periods() {
        let plan = seed_plan();
        let round = metric_round(&plan).unwrap();
        assert_eq!(round.code, "bao-cao-quy");
        let periods: Vec<String> =
            year_deadlines(&plan, round).iter().map(|d| d.period.to_string()).collect();
        assert_eq!(periods, ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]);
        let codes = |p| rounds_of_period(&plan, p).iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(PeriodKey::Year(2022)), ["chuong-trinh-hanh-dong"]);
        assert_eq!(codes(PeriodKey::Quarter(2022, 3)), ["bao-cao-quy"]);
        assert!(codes(PeriodKey::Month(2022, 3)).is_empty());
    }
}
