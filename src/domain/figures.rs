//! The figures a consolidated report shows for one metric and one period, derived from what was
//! reported for each period of the year: the period's own figure, the cumulative figure since
//! January (lũy kế), the same period last year (cùng kỳ) and the share of the annual plan.
//!
//! What a reported value means depends on the metric's [`ValueKind`]:
//! - **flow**: the period's own amount. The cumulative figure is the sum of the year's flows so
//!   far, known only when every period so far was reported.
//! - **cumulative**: the total since January. The period's own figure is the difference of two
//!   consecutive cumulatives (the first period's own figure is its cumulative).
//! - **level**: a state at the period's end (a rate, a count of communes meeting a standard).
//!   It has no cumulative figure; the level itself is what is compared and judged.
//!
//! The share of the plan is always computed by [`percent_of_target`], the one rule every output
//! uses, on the figure "to date" (cumulative, or the level).

use rust_decimal::Decimal;

use super::calendar::PeriodKey;
use super::plan::{Direction, Metric, ValueKind};
use super::progress::elapsed_share;
use super::report::{meets_target, percent_of_target};

/// The period's own figure and the cumulative one, as far as they can be derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derived {
    /// The flow in the period, or the level at its end.
    pub own: Option<Decimal>,
    /// Since the start of the year; always `None` for a level.
    pub cumulative: Option<Decimal>,
}

impl Derived {
    /// What is compared with the year's target and with last year: the cumulative figure, or
    /// the level.
    pub fn to_date(self, kind: ValueKind) -> Option<Decimal> {
        match kind {
            ValueKind::Flow | ValueKind::Cumulative => self.cumulative,
            ValueKind::Level => self.own,
        }
    }
}

/// Derives the figures of the period at index `at` from `values`, the values reported for the
/// year's periods in order (`None` where nothing was handed in). Nothing is guessed: a figure
/// that needs a missing value is `None`.
pub fn derive(kind: ValueKind, values: &[Option<Decimal>], at: usize) -> Derived {
    let Some(&reported) = values.get(at) else { return Derived::default() };
    match kind {
        ValueKind::Level => Derived { own: reported, cumulative: None },
        ValueKind::Flow => {
            let so_far: Option<Vec<Decimal>> = values[..=at].iter().copied().collect();
            Derived { own: reported, cumulative: so_far.map(|v| v.into_iter().sum()) }
        }
        ValueKind::Cumulative => {
            let own = match at.checked_sub(1) {
                None => reported,
                Some(before) => reported.zip(values[before]).map(|(now, then)| now - then),
            };
            Derived { own, cumulative: reported }
        }
    }
}

/// How the figure to date stands against the year's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Assessment {
    /// The year's target is already met (or, for a limit, kept).
    Met,
    /// A figure that builds up over the year has reached the share of the target that matches
    /// the share of the year gone by.
    OnPace,
    /// A figure that builds up over the year is below that share.
    Behind,
    /// A level (or a limit) that does not meet the target.
    NotMet,
}

impl Assessment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Met => "met",
            Assessment::OnPace => "on-pace",
            Assessment::Behind => "behind",
            Assessment::NotMet => "not-met",
        }
    }
}

/// Everything a report shows for one metric in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub kind: ValueKind,
    pub own: Option<Decimal>,
    pub cumulative: Option<Decimal>,
    /// The cumulative figure (or the level) at the end of the same period last year.
    pub same_period_last_year: Option<Decimal>,
    /// The figure to date as a percent of the year's target.
    pub percent_of_plan: Option<Decimal>,
    /// The figure to date as a percent of the same period last year (110 = up 10 %).
    pub percent_of_last_year: Option<Decimal>,
    pub assessment: Option<Assessment>,
}

impl Figures {
    /// What is compared with the target and with last year.
    pub fn to_date(&self) -> Option<Decimal> {
        Derived { own: self.own, cumulative: self.cumulative }.to_date(self.kind)
    }
}

/// The figures of `metric` for `period`, the `at`-th period of the year: `this_year` and
/// `last_year` are the values reported for each period of the two years, in the same order
/// (`last_year` is empty when nothing is known of it). `kind` is what a value means, from
/// [`crate::domain::progress::value_kind`].
pub fn figures(
    metric: &Metric,
    kind: ValueKind,
    period: PeriodKey,
    at: usize,
    this_year: &[Option<Decimal>],
    last_year: &[Option<Decimal>],
) -> Figures {
    let now = derive(kind, this_year, at);
    let to_date = now.to_date(kind);
    let then = derive(kind, last_year, at).to_date(kind);
    let percent_of_last_year = to_date
        .zip(then)
        .filter(|(_, then)| !then.is_zero())
        .map(|(now, then)| (now / then * Decimal::ONE_HUNDRED).round_dp(2));
    Figures {
        kind,
        own: now.own,
        cumulative: now.cumulative,
        same_period_last_year: then,
        percent_of_plan: to_date.and_then(|v| percent_of_target(metric, v)),
        percent_of_last_year,
        assessment: to_date.map(|v| assess(metric, kind, period, v)),
    }
}

/// A level or a limit is met or not at any time; an amount that builds up is judged against
/// the share of the year gone by at the end of `period`.
pub fn assess(metric: &Metric, kind: ValueKind, period: PeriodKey, to_date: Decimal) -> Assessment {
    if meets_target(metric, to_date) {
        return Assessment::Met;
    }
    let builds_up = kind != ValueKind::Level && metric.direction != Direction::AtMost;
    if !builds_up {
        Assessment::NotMet
    } else if to_date >= metric.target.value * elapsed_share(period) {
        Assessment::OnPace
    } else {
        Assessment::Behind
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn some(values: &[&str]) -> Vec<Option<Decimal>> {
        values.iter().map(|v| (!v.is_empty()).then(|| dec(v))).collect()
    }

    const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
    const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);
    const Q3: PeriodKey = PeriodKey::Quarter(2022, 3);

    #[test]
    fn a_quarter_is_the_difference_of_two_cumulatives() {
        // Revenue since January: 2.250,5 after Q1, 4.800 after Q2, 7.000 after Q3.
        let values = some(&["2250.5", "4800", "7000", ""]);
        let q1 = derive(ValueKind::Cumulative, &values, 0);
        assert_eq!(q1, Derived { own: Some(dec("2250.5")), cumulative: Some(dec("2250.5")) });
        let q2 = derive(ValueKind::Cumulative, &values, 1);
        assert_eq!(q2, Derived { own: Some(dec("2549.5")), cumulative: Some(dec("4800")) });
        assert_eq!(derive(ValueKind::Cumulative, &values, 2).own, Some(dec("2200")));
        assert_eq!(derive(ValueKind::Cumulative, &values, 3), Derived::default(), "Q4 not reported");
    }

    #[test]
    fn a_quarter_after_a_missing_cumulative_is_unknown_but_its_cumulative_is_not() {
        let values = some(&["2250.5", "", "7000"]);
        let q3 = derive(ValueKind::Cumulative, &values, 2);
        assert_eq!(q3, Derived { own: None, cumulative: Some(dec("7000")) });
    }

    #[test]
    fn a_cumulative_is_the_sum_of_the_flows_so_far() {
        // Jobs created each quarter: 3.000, 4.200, nothing in Q3, 5.000 in Q4.
        let values = some(&["3000", "4200", "", "5000"]);
        assert_eq!(
            derive(ValueKind::Flow, &values, 1),
            Derived { own: Some(dec("4200")), cumulative: Some(dec("7200")) }
        );
        assert_eq!(derive(ValueKind::Flow, &values, 0).cumulative, Some(dec("3000")));
        assert_eq!(derive(ValueKind::Flow, &values, 2), Derived::default());
        assert_eq!(
            derive(ValueKind::Flow, &values, 3),
            Derived { own: Some(dec("5000")), cumulative: None },
            "Q3 is missing: the year's total so far is unknown"
        );
    }

    #[test]
    fn a_level_has_no_cumulative_and_is_its_own_figure_to_date() {
        let values = some(&["7.5", "7.9"]);
        let q2 = derive(ValueKind::Level, &values, 1);
        assert_eq!(q2, Derived { own: Some(dec("7.9")), cumulative: None });
        assert_eq!(q2.to_date(ValueKind::Level), Some(dec("7.9")));
        assert_eq!(q2.to_date(ValueKind::Cumulative), None);
        assert_eq!(derive(ValueKind::Level, &values, 5), Derived::default(), "past the year's periods");
    }

    #[test]
    fn revenue_after_the_second_quarter_against_the_plan_and_last_year() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap(); // 9.002 tỷ đồng
        let this_year = some(&["2250.5", "4800"]);
        let last_year = some(&["2000", "4400", "6900", "8800"]);
        let f = figures(revenue, ValueKind::Cumulative, Q2, 1, &this_year, &last_year);
        assert_eq!(f.own, Some(dec("2549.5")));
        assert_eq!(f.cumulative, Some(dec("4800")));
        assert_eq!(f.same_period_last_year, Some(dec("4400")), "last year's cumulative after Q2");
        // 4.800 / 9.002 = 53,321...%, cut to one decimal as everywhere; 4.800 / 4.400 = 109,0909...%.
        assert_eq!(f.percent_of_plan, percent_of_target(revenue, dec("4800")));
        assert_eq!(f.percent_of_plan, Some(dec("53.3")));
        assert_eq!(f.percent_of_last_year, Some(dec("109.09")));
        // Half the year gone: 4.501 expected, 4.800 reached.
        assert_eq!(f.assessment, Some(Assessment::OnPace));
        let q3 = figures(revenue, ValueKind::Cumulative, Q3, 2, &some(&["2250.5", "4800", "6000"]), &[]);
        assert_eq!(q3.own, Some(dec("1200")));
        assert_eq!(q3.assessment, Some(Assessment::Behind), "6.000 < 6.751,5 after nine months");
        assert_eq!((q3.same_period_last_year, q3.percent_of_last_year), (None, None), "no last year");
    }

    #[test]
    fn flows_are_summed_before_they_are_compared() {
        let plan = seed_plan();
        let (_, jobs) = plan.metric("11.1").unwrap(); // 15.000 workers
        let f = figures(jobs, ValueKind::Flow, Q2, 1, &some(&["3000", "4200"]), &some(&["2500", "3500"]));
        assert_eq!((f.own, f.cumulative), (Some(dec("4200")), Some(dec("7200"))));
        assert_eq!(f.same_period_last_year, Some(dec("6000")));
        assert_eq!(f.percent_of_plan, Some(dec("48")));
        assert_eq!(f.percent_of_last_year, Some(dec("120")));
        assert_eq!(f.assessment, Some(Assessment::Behind), "7.200 < 7.500 after six months");
        let done = figures(jobs, ValueKind::Flow, Q3, 2, &some(&["3000", "4200", "8000"]), &[]);
        assert_eq!(done.assessment, Some(Assessment::Met), "15.200 ≥ 15.000 before the year ends");
    }

    #[test]
    fn levels_and_limits_are_met_or_not_at_any_time() {
        let plan = seed_plan();
        let (_, growth) = plan.metric("1.1").unwrap(); // at least 8 %
        let f = figures(growth, ValueKind::Level, Q1, 0, &some(&["7.5"]), &some(&["6"]));
        assert_eq!((f.own, f.cumulative), (Some(dec("7.5")), None));
        assert_eq!(f.same_period_last_year, Some(dec("6")));
        assert_eq!(f.percent_of_plan, Some(dec("93.7")));
        assert_eq!(f.percent_of_last_year, Some(dec("125")));
        assert_eq!(f.assessment, Some(Assessment::NotMet));
        let (_, malnutrition) = plan.metric("13.1").unwrap(); // at most 10,5 %
        assert_eq!(assess(malnutrition, ValueKind::Level, Q1, dec("10.2")), Assessment::Met);
        assert_eq!(assess(malnutrition, ValueKind::Cumulative, Q1, dec("10.8")), Assessment::NotMet);
    }

    #[test]
    fn nothing_reported_gives_no_figures() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        let f = figures(revenue, ValueKind::Cumulative, Q1, 0, &[None], &some(&["0"]));
        assert_eq!(f.to_date(), None);
        assert_eq!((f.percent_of_plan, f.assessment), (None, None));
        assert_eq!(f.percent_of_last_year, None);
        let zero_last_year = figures(revenue, ValueKind::Cumulative, Q1, 0, &some(&["10"]), &some(&["0"]));
        assert_eq!(zero_last_year.same_period_last_year, Some(Decimal::ZERO));
        assert_eq!(zero_last_year.percent_of_last_year, None, "no percent of nothing");
    }
}
