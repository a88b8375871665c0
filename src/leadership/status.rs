//! `/tinhhinh`: the period leaders mean by "now", how many agencies handed in on time, late
//! or not yet, and how many metrics are on track, behind or not reported.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::domain::calendar::{leading_deadline, open_deadlines};
use crate::domain::progress::{Progress, progress};
use crate::domain::report::ItemKey;
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::overview::Overview;
use crate::store::{HandedInItem, ItemKinds, Store};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricCounts {
    pub on_track: usize,
    pub behind: usize,
    pub not_reported: usize,
}

impl MetricCounts {
    pub fn total(&self) -> usize {
        self.on_track + self.behind + self.not_reported
    }
}

#[derive(Debug, Clone)]
pub struct StatusView {
    /// The leading period (without focal points).
    pub current: Overview,
    /// The other periods open now, by last day.
    pub others: Vec<Overview>,
    /// `None` when the leading round does not ask for metrics.
    pub metrics: Option<MetricCounts>,
}

impl StatusView {
    /// `None` when no period is open.
    pub async fn load(store: &Store, plan: &Plan, now: DateTime<Utc>) -> anyhow::Result<Option<StatusView>> {
        let Some(lead) = leading_deadline(plan, now) else { return Ok(None) };
        let Some(current) = Overview::load_timeliness(store, plan, &lead.round, lead.period, now).await?
        else {
            return Ok(None);
        };
        let mut others = Vec::new();
        for d in open_deadlines(plan, now).into_iter().filter(|d| d != &lead) {
            others.extend(Overview::load_timeliness(store, plan, &d.round, d.period, now).await?);
        }
        let metrics = match plan.round(&lead.round) {
            Some(round) if round.asks.metrics => {
                let items = store
                    .handed_in_items(
                        &plan.code,
                        &lead.round,
                        Some(lead.period),
                        ItemKinds::MetricsAndNarratives,
                    )
                    .await?;
                Some(count_metrics(plan, lead.period, &metric_values(&items)))
            }
            _ => None,
        };
        Ok(Some(StatusView { current, others, metrics }))
    }
}

/// The value each agency handed in for each metric: (agency, metric code) → value.
pub fn metric_values(items: &[HandedInItem]) -> HashMap<(AgencyCode, String), Decimal> {
    items
        .iter()
        .filter_map(|i| match (&i.entry.key, i.entry.value) {
            (ItemKey::Metric(code), Some(v)) => Some(((i.agency.clone(), code.clone()), v)),
            _ => None,
        })
        .collect()
}

/// Every metric of the plan, judged on the value its responsible agency handed in for
/// `period` (a value from another agency is not the metric's).
pub fn count_metrics(
    plan: &Plan,
    period: PeriodKey,
    values: &HashMap<(AgencyCode, String), Decimal>,
) -> MetricCounts {
    let mut counts = MetricCounts::default();
    for metric in plan.indicators.iter().flat_map(|i| &i.metrics) {
        match values.get(&(metric.agency.clone(), metric.code.clone())) {
            None => counts.not_reported += 1,
            Some(v) => match progress(metric, *v, period) {
                Progress::OnTrack => counts.on_track += 1,
                Progress::Behind => counts.behind += 1,
            },
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn metrics_count_on_the_responsible_agencys_value() {
        let plan = seed_plan();
        let q1 = PeriodKey::Quarter(2022, 1);
        let code = |s: &str| AgencyCode::parse(s).unwrap();
        let mut values = HashMap::new();
        let revenue_agency = plan.metric("5.1").unwrap().1.agency.clone();
        values.insert((revenue_agency, "5.1".to_owned()), dec("2300"));
        values.insert((code("SYT"), "13.1".to_owned()), dec("10.9"));
        values.insert((code("SYT"), "13.4".to_owned()), dec("93"));
        // Health reporting the revenue is not the revenue.
        values.insert((code("SYT"), "5.2".to_owned()), dec("4800"));
        let counts = count_metrics(&plan, q1, &values);
        assert_eq!((counts.on_track, counts.behind), (2, 1));
        assert_eq!(counts.total(), plan.metric_count());
        assert_eq!(counts.not_reported, plan.metric_count() - 3);
    }
}
