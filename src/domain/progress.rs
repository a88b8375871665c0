//! Whether a reported value is on track for the year's target, as a leader would judge it in
//! the middle of the year.
//!
//! The plan's targets are for the whole year. A level (a growth rate, a share, a ratio per
//! 10,000 people, "36 of 51 communes") is on track when it already meets the target in its
//! direction. A value that builds up over the year (revenue collected, jobs created, communes
//! newly recognized, a poverty rate reduced by a point) cannot meet the year's target in March:
//! reported as the total since January, it is on track when it has reached at least the share
//! of the target that matches the share of the year gone by at the end of the period reported
//! on (a quarter of it after Q1); reported as the period's own flow, the share of the year the
//! period covers. Ranges, "khoảng" and "trên"/"dưới" judge as [`Metric::meets`] says.

use rust_decimal::{Decimal, RoundingStrategy};

use super::calendar::PeriodKey;
use super::plan::{Direction, Metric, ValueKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Progress {
    OnTrack,
    Behind,
}

/// Share of the year gone by at the end of `period`: Q1 → 1/4, H1 → 1/2, March → 1/4, the
/// year → 1.
pub fn elapsed_share(period: PeriodKey) -> Decimal {
    let months = match period {
        PeriodKey::Year(_) => 12,
        PeriodKey::Half(_, h) => 6 * h,
        PeriodKey::Quarter(_, q) => 3 * q,
        PeriodKey::Month(_, m) => m,
    };
    Decimal::from(months.min(12)) / Decimal::from(12)
}

/// Whether the metric's value builds up over the year. Reductions ("giảm 1%/năm") do; among
/// "at least" targets, absolute amounts and counts do (money, enterprises, jobs, communes),
/// while shares (%, ‰), rates ("triệu đồng/người", "per 10,000 people") and "36/51" totals are
/// levels. "At most" targets are limits, met or not at any time.
pub fn accumulates(metric: &Metric) -> bool {
    match metric.direction {
        Direction::ReduceBy => true,
        Direction::AtMost => false,
        Direction::AtLeast => {
            let unit = metric.unit.trim();
            let share = unit.starts_with(['%', '‰']);
            let rate =
                unit.contains('/') || per_population(&metric.name_vi) || per_population(&metric.wording);
            !share && !rate && metric.target.out_of.is_none()
        }
    }
}

/// What a period's value of the metric means: what the plan file says (`kind`); when it says
/// nothing, a value that builds up over the year is reported as the total since January
/// (lũy kế), anything else as the level at the end of the period.
pub fn value_kind(metric: &Metric) -> ValueKind {
    metric.kind.unwrap_or(if accumulates(metric) { ValueKind::Cumulative } else { ValueKind::Level })
}

/// Share of the year a period covers: a quarter → 1/4, a month → 1/12.
pub fn period_share(period: PeriodKey) -> Decimal {
    let months = match period {
        PeriodKey::Year(_) => 12,
        PeriodKey::Half(..) => 6,
        PeriodKey::Quarter(..) => 3,
        PeriodKey::Month(..) => 1,
    };
    Decimal::from(months) / Decimal::from(12)
}

/// The share of the year's target a value of `period` is measured against.
fn target_share(metric: &Metric, period: PeriodKey) -> Decimal {
    match value_kind(metric) {
        ValueKind::Level => Decimal::ONE,
        ValueKind::Cumulative => elapsed_share(period),
        ValueKind::Flow => period_share(period),
    }
}

/// "Bác sĩ trên 10.000 dân", "GRDP bình quân đầu người": a ratio to the population.
fn per_population(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    lower.contains("bình quân")
        || words.windows(2).any(|w| w[0] == "trên" && w[1].starts_with(|c: char| c.is_ascii_digit()))
}

/// The least (for "at most" targets, the most) value that is on track at the end of `period`,
/// before "khoảng" loosens it: a range's low end (for "at most", its high end), scaled to the
/// period.
pub fn expected(metric: &Metric, period: PeriodKey) -> Decimal {
    let bound = match metric.direction {
        Direction::AtMost => metric.target.high.unwrap_or(metric.target.value),
        Direction::AtLeast | Direction::ReduceBy => metric.target.value,
    };
    bound * target_share(metric, period)
}

/// Decimals of a percent of the target, wherever it is shown (chat, chart, workbook).
pub const PERCENT_PLACES: u32 = 1;

/// The value as a percent of the year's target: the one figure every view shows.
///
/// For an "at least" or "reduce by" target it is the value over the target (for "36/51", of
/// 36). For an "at most" target (a limit: lower is better) it is the target over the value,
/// so that a value within the limit reads as met: 10,2 % against "under 10,5 %" is 102,9 %,
/// 10,8 % is 97,2 %. `None` without a figure to divide by (a zero target, or a limit met
/// with nothing at all).
///
/// Cut to [`PERCENT_PLACES`] decimals, never rounded up, so that a figure never claims more
/// than was reached: 99,96 % is 99,9 %, not 100 %, and 2.250 of 9.002 is 24,9 %, behind the
/// 25 % that [`progress`] expects after one quarter.
pub fn percent_of_target(metric: &Metric, value: Decimal) -> Option<Decimal> {
    let target = metric.target.value;
    let ratio = match metric.direction {
        Direction::AtMost if value <= Decimal::ZERO => return None,
        Direction::AtMost => target.checked_div(value)?,
        Direction::AtLeast | Direction::ReduceBy if target.is_zero() => return None,
        Direction::AtLeast | Direction::ReduceBy => value.checked_div(target)?,
    };
    let percent = ratio.checked_mul(Decimal::ONE_HUNDRED)?;
    Some(percent.round_dp_with_strategy(PERCENT_PLACES, RoundingStrategy::ToZero).normalize())
}

/// The percent of the year's target that is on track at the end of `period`: the pace line
/// of the charts (25 after the first quarter for a figure that builds up, 100 for a level).
pub fn expected_percent(metric: &Metric, period: PeriodKey) -> Decimal {
    if accumulates(metric) { elapsed_share(period) * Decimal::ONE_HUNDRED } else { Decimal::ONE_HUNDRED }
}

/// Whether `value`, reported for `period`, is on track for the year's target.
pub fn progress(metric: &Metric, value: Decimal, period: PeriodKey) -> Progress {
    if metric.meets(value, target_share(metric, period)) { Progress::OnTrack } else { Progress::Behind }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;
    use crate::domain::plan::Target;
    use crate::domain::report::meets_target;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
    const Q3: PeriodKey = PeriodKey::Quarter(2022, 3);

    #[test]
    fn the_share_of_the_year_gone_by_at_the_end_of_a_period() {
        assert_eq!(elapsed_share(Q1), dec("0.25"));
        assert_eq!(elapsed_share(PeriodKey::Half(2022, 1)), dec("0.5"));
        assert_eq!(elapsed_share(PeriodKey::Month(2022, 9)), dec("0.75"));
        assert_eq!(elapsed_share(PeriodKey::Year(2022)), Decimal::ONE);
    }

    #[test]
    fn money_counts_and_reductions_build_up_while_levels_and_limits_do_not() {
        let plan = seed_plan();
        let builds_up = |code: &str| accumulates(plan.metric(code).unwrap().1);
        // Revenue, investment, exports, jobs created, communes newly recognized, enterprises.
        for code in ["5.1", "4.1", "6.1", "11.1", "14.1", "7.1"] {
            assert!(builds_up(code), "{code} builds up over the year");
        }
        // The poverty rate is reduced by a point over the year.
        assert!(builds_up("10.1"));
        // Growth rates and shares, per-capita and per-10,000 ratios, "36/51", limits.
        for code in ["1.1", "3.2", "2.1", "12.2", "13.2", "13.3", "14.2", "14.4", "8.1", "13.1"] {
            assert!(!builds_up(code), "{code} is a level or a limit");
        }
    }

    #[test]
    fn a_quarter_of_the_revenue_after_the_first_quarter_is_on_track() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        assert_eq!(expected(revenue, Q1), dec("2250.5"));
        assert_eq!(progress(revenue, dec("2250.5"), Q1), Progress::OnTrack);
        assert_eq!(progress(revenue, dec("2250"), Q1), Progress::Behind);
        // The same amount after nine months is well behind.
        assert_eq!(progress(revenue, dec("2250.5"), Q3), Progress::Behind);
        assert_eq!(progress(revenue, dec("6800"), Q3), Progress::OnTrack);
    }

    #[test]
    fn a_percent_of_the_target_is_cut_to_one_decimal() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        assert_eq!(percent_of_target(revenue, dec("4501")), Some(dec("50")));
        // 25,705...: the workbook showed 25,7, the chart 26 and the chat 25; now all 25,7.
        assert_eq!(percent_of_target(revenue, dec("2314")), Some(dec("25.7")));
        assert_eq!(percent_of_target(revenue, dec("2250")), Some(dec("24.9")), "24,994 is not 25");
        assert_eq!(percent_of_target(revenue, dec("9001.9")), Some(dec("99.9")), "not yet 100");
        assert_eq!(percent_of_target(revenue, dec("-900.2")), Some(dec("-10")));
        let (_, growth) = plan.metric("1.1").unwrap();
        assert_eq!(percent_of_target(growth, dec("8")), Some(dec("100")));
        let zero =
            Metric { target: Target { value: Decimal::ZERO, out_of: None, high: None }, ..growth.clone() };
        assert_eq!(percent_of_target(&zero, dec("5")), None);
    }

    #[test]
    fn a_limit_met_reads_over_100_percent() {
        let plan = seed_plan();
        // 13.1: children under 5 malnourished, "dưới 10,5%". 10,2 meets it.
        let (_, malnutrition) = plan.metric("13.1").unwrap();
        assert_eq!(malnutrition.direction, Direction::AtMost);
        assert_eq!(percent_of_target(malnutrition, dec("10.2")), Some(dec("102.9")));
        assert_eq!(percent_of_target(malnutrition, dec("10.5")), Some(dec("100")));
        assert_eq!(percent_of_target(malnutrition, dec("10.8")), Some(dec("97.2")));
        assert_eq!(percent_of_target(malnutrition, Decimal::ZERO), None);
        // Met exactly when the percent reaches 100, in every direction.
        for code in ["13.1", "8.1", "3.1", "5.1", "10.1", "14.2"] {
            let (_, m) = plan.metric(code).unwrap();
            for v in ["0.3", "1", "6.08", "6.1", "10.49", "10.5", "10.51", "25.63", "36", "9002", "9500"] {
                let p = percent_of_target(m, dec(v));
                assert_eq!(
                    p.is_some_and(|p| p >= Decimal::ONE_HUNDRED),
                    meets_target(m, dec(v)),
                    "{code} {v}"
                );
            }
        }
    }

    #[test]
    fn the_expected_pace_builds_up_by_the_quarter_for_amounts_only() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        let paces: Vec<Decimal> =
            (1..=4).map(|q| expected_percent(revenue, PeriodKey::Quarter(2022, q))).collect();
        assert_eq!(paces, [dec("25"), dec("50"), dec("75"), dec("100")]);
        assert_eq!(expected_percent(revenue, PeriodKey::Half(2023, 1)), dec("50"));
        let (_, growth) = plan.metric("1.1").unwrap();
        assert_eq!(expected_percent(growth, Q1), dec("100"));
    }

    #[test]
    fn levels_meet_the_target_in_its_direction_whatever_the_period() {
        let plan = seed_plan();
        let (_, growth) = plan.metric("1.1").unwrap();
        assert_eq!(progress(growth, dec("7.5"), Q1), Progress::Behind);
        assert_eq!(progress(growth, dec("8.2"), Q1), Progress::OnTrack);
        let (_, malnutrition) = plan.metric("13.1").unwrap();
        assert_eq!(progress(malnutrition, dec("10.2"), Q1), Progress::OnTrack);
        assert_eq!(progress(malnutrition, dec("10.8"), Q1), Progress::Behind);
        let (_, communes) = plan.metric("14.2").unwrap();
        assert_eq!(progress(communes, dec("35"), Q3), Progress::Behind);
        assert_eq!(progress(communes, dec("36"), Q1), Progress::OnTrack);
        let (_, poverty) = plan.metric("10.1").unwrap();
        assert_eq!(progress(poverty, dec("0.3"), Q1), Progress::OnTrack, "0,3 of 1 point after Q1");
        assert_eq!(progress(poverty, dec("0.3"), Q3), Progress::Behind);
    }

    #[test]
    fn the_files_kind_says_what_a_period_value_is_measured_against() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        assert_eq!(value_kind(revenue), ValueKind::Cumulative, "the heuristic, when the file is silent");
        let flow = Metric { kind: Some(ValueKind::Flow), ..revenue.clone() };
        assert_eq!(value_kind(&flow), ValueKind::Flow);
        // The third quarter's own revenue is measured against a quarter of the year's target.
        assert_eq!(expected(&flow, Q3), dec("2250.5"));
        assert_eq!(progress(&flow, dec("2250.5"), Q3), Progress::OnTrack);
        assert_eq!(progress(revenue, dec("2250.5"), Q3), Progress::Behind, "as a cumulative, behind");
        let level = Metric { kind: Some(ValueKind::Level), ..revenue.clone() };
        assert_eq!(progress(&level, dec("8000"), Q1), Progress::Behind, "a level must reach the target");
    }

    #[test]
    fn ranges_about_and_strict_bounds_judge_progress() {
        let plan = seed_plan();
        let (_, growth) = plan.metric("1.1").unwrap();
        let range =
            Metric { target: crate::domain::plan::Target::parse("6,5–7").unwrap(), ..growth.clone() };
        assert_eq!(progress(&range, dec("6.6"), Q1), Progress::OnTrack, "the low end is the floor");
        assert_eq!(progress(&range, dec("6.4"), Q1), Progress::Behind);
        let ceiling = Metric { direction: Direction::AtMost, ..range.clone() };
        assert_eq!(expected(&ceiling, Q1), dec("7"), "the high end is the ceiling");
        assert_eq!(progress(&ceiling, dec("6.9"), Q1), Progress::OnTrack);

        let (_, jobs) = plan.metric("11.1").unwrap();
        let about = Metric { about: true, ..jobs.clone() };
        // A quarter of 15.000 is 3.750; "khoảng" takes 5 % less, 3.562,5.
        assert_eq!(progress(&about, dec("3563"), Q1), Progress::OnTrack);
        assert_eq!(progress(&about, dec("3562"), Q1), Progress::Behind);
        assert_eq!(progress(jobs, dec("3563"), Q1), Progress::Behind, "without khoảng");

        let (_, malnutrition) = plan.metric("13.1").unwrap();
        let below = Metric { strict: true, ..malnutrition.clone() };
        assert_eq!(progress(malnutrition, dec("10.5"), Q1), Progress::OnTrack, "không quá 10,5");
        assert_eq!(progress(&below, dec("10.5"), Q1), Progress::Behind, "dưới 10,5");
        assert_eq!(progress(&below, dec("10.4"), Q1), Progress::OnTrack);
    }
}
