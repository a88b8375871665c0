//! A metric: one numeric target of an indicator, the words that qualify it ("khoảng", "trên",
//! "6,5–7"), who reports it and how their values combine, and what one period's value means.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::calendar::PeriodKey;
use super::number::Quantity;
use super::plan::AgencyCode;

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    pub target: Target,
    pub direction: Direction,
    /// "Trên" / "dưới": the target itself does not meet it (more than, less than).
    pub strict: bool,
    /// "Khoảng": a value within [`ABOUT_TOLERANCE`] of the target meets it.
    pub about: bool,
    /// For `reduce_by`: whether the reduction is in percentage points or per cent.
    pub reduction: Option<Reduction>,
    pub wording: String,
    /// The agency that reports it (the first of several, the lead when one reports the total).
    pub agency: AgencyCode,
    /// The file named no agency for the metric: it is the indicator's.
    pub agency_from_indicator: bool,
    pub agency_inferred: bool,
    /// The owners as the file lists them in `agencies` (agencies or groups); empty when the
    /// file names one `agency`, or none.
    pub owners: Vec<AgencyCode>,
    /// How the owners' values make the metric's figure; set when several agencies report.
    pub combine: Option<Combine>,
    /// "Trong đó": the code of the metric this one is a part of.
    pub part_of: Option<String>,
    /// What a period's value means, when the file says it.
    pub kind: Option<ValueKind>,
    /// The previous year's result.
    pub last_year: Option<Target>,
    /// The same period of the previous year, by its own period key ("2023-Q1").
    pub same_period_last_year: BTreeMap<PeriodKey, Target>,
    /// The Q3 and Q4 reports also ask for an estimate of the whole year (ước cả năm).
    pub estimate: bool,
    /// Its earlier code, when an amendment re-coded it.
    pub replaces: Option<String>,
}

/// "Khoảng X" is met within 5 % of X.
pub const ABOUT_TOLERANCE: Decimal = Decimal::from_parts(5, 0, 0, false, 2);

/// A target value; `out_of` for "36/51", `high` for a range "6,5–7" (`value` is its low end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub value: Decimal,
    pub out_of: Option<Decimal>,
    pub high: Option<Decimal>,
}

impl Target {
    /// A target as a plan file writes it: "9.002", "60,26", "36/51", or a range "6,5–7"
    /// (an en dash or a hyphen between two numbers, the low one first). No unit.
    pub fn parse(text: &str) -> Option<Target> {
        let plain = |s: &str| Quantity::parse(s).ok().filter(|q| q.unit.is_none());
        // A dash after the first character separates a range; a leading one is a minus sign.
        let dash = text.char_indices().skip(1).find(|(_, c)| matches!(c, '–' | '-'));
        if let Some((at, dash)) = dash {
            let (low, high) = (plain(&text[..at])?, plain(&text[at + dash.len_utf8()..])?);
            let ok = low.out_of.is_none() && high.out_of.is_none() && low.value < high.value;
            return ok.then_some(Target { value: low.value, out_of: None, high: Some(high.value) });
        }
        plain(text).map(|q| Target { value: q.value, out_of: q.out_of, high: None })
    }

    /// Every number the target is written with: the value, its "out of", its range's high end.
    pub fn numbers(&self) -> Vec<Decimal> {
        [Some(self.value), self.out_of, self.high].into_iter().flatten().collect()
    }
}

impl std::fmt::Display for Target {
    /// Vietnamese notation, as a plan file writes it: "9.002", "36/51", "6,5–7".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = |value| Quantity { value, out_of: None, unit: None };
        match self.high {
            Some(high) => write!(f, "{}–{}", q(self.value), q(high)),
            None => Quantity { value: self.value, out_of: self.out_of, unit: None }.fmt(f),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    AtLeast,
    AtMost,
    ReduceBy,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "at_least" => Some(Direction::AtLeast),
            "at_most" => Some(Direction::AtMost),
            "reduce_by" => Some(Direction::ReduceBy),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
            Direction::ReduceBy => "reduce_by",
        }
    }
}

/// What a reduction is measured in: "giảm 1 điểm %" (a rate from 5 % to 4 %) or "giảm 10 %"
/// (a count from 100 to 90).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reduction {
    Points,
    Percent,
}

impl Reduction {
    pub fn parse(s: &str) -> Option<Reduction> {
        match s {
            "points" => Some(Reduction::Points),
            "percent" => Some(Reduction::Percent),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::Points => "points",
            Reduction::Percent => "percent",
        }
    }
    /// The reduction from `before` to `after` in this measure; `None` for per cent of zero.
    pub fn between(self, before: Decimal, after: Decimal) -> Option<Decimal> {
        match self {
            Reduction::Points => Some(before - after),
            Reduction::Percent => {
                (!before.is_zero()).then(|| ((before - after) / before * Decimal::ONE_HUNDRED).round_dp(2))
            }
        }
    }
}

/// How the values of a metric's several reporters make its figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Combine {
    /// Each reports its own value, judged against the target on its own; there is no total.
    Each,
    /// Each reports its own part; the metric's figure is their sum.
    Sum,
    /// The first named reports the total; the others contribute and are not asked.
    Lead,
}

impl Combine {
    pub fn parse(s: &str) -> Option<Combine> {
        match s {
            "each" => Some(Combine::Each),
            "sum" => Some(Combine::Sum),
            "lead" => Some(Combine::Lead),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Combine::Each => "each",
            Combine::Sum => "sum",
            Combine::Lead => "lead",
        }
    }
    /// The metric's figure from the reporters' values, in plan order; `None` when there is
    /// no single figure (each on its own) or nothing was reported.
    pub fn total(self, values: &[Decimal]) -> Option<Decimal> {
        match self {
            Combine::Each => None,
            Combine::Sum => (!values.is_empty()).then(|| values.iter().sum()),
            Combine::Lead => values.first().copied(),
        }
    }
}

/// What one period's value of a metric means: the period's own flow (revenue collected in the
/// quarter), the total since the start of the year (lũy kế), or a level at the period's end
/// (a rate, a count of communes meeting a standard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ValueKind {
    Flow,
    Cumulative,
    #[default]
    Level,
}

impl ValueKind {
    pub fn parse(s: &str) -> Option<ValueKind> {
        match s {
            "flow" => Some(ValueKind::Flow),
            "cumulative" => Some(ValueKind::Cumulative),
            "level" => Some(ValueKind::Level),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Flow => "flow",
            ValueKind::Cumulative => "cumulative",
            ValueKind::Level => "level",
        }
    }
}

impl Metric {
    /// Whether `value` meets `share` of the target (1 for the whole year's) in the metric's
    /// direction: a floor for "at least" and "reduce by" (a range's low end), a ceiling for
    /// "at most" (a range's high end); "khoảng" loosens the bound by [`ABOUT_TOLERANCE`],
    /// "trên"/"dưới" exclude it.
    pub fn meets(&self, value: Decimal, share: Decimal) -> bool {
        let t = &self.target;
        match self.direction {
            Direction::AtLeast | Direction::ReduceBy => {
                let mut floor = t.value * share;
                if self.about {
                    floor -= floor.abs() * ABOUT_TOLERANCE;
                }
                if self.strict { value > floor } else { value >= floor }
            }
            Direction::AtMost => {
                let mut ceiling = t.high.unwrap_or(t.value) * share;
                if self.about {
                    ceiling += ceiling.abs() * ABOUT_TOLERANCE;
                }
                if self.strict { value < ceiling } else { value <= ceiling }
            }
        }
    }

    /// The figure of the same period last year ("2023-Q1" for "2024-Q1"); for the whole year,
    /// the previous year's result when no period figure is given.
    pub fn same_period_last_year(&self, period: PeriodKey) -> Option<&Target> {
        let before = period.year_before();
        self.same_period_last_year
            .get(&before)
            .or_else(|| matches!(period, PeriodKey::Year(_)).then_some(self.last_year.as_ref()).flatten())
    }

    /// Whether the report of `period` also asks for an estimate of the whole year: the metric
    /// asks for one, and the period ends in September or later (Q3, Q4, H2, the year).
    pub fn asks_estimate(&self, period: PeriodKey) -> bool {
        self.estimate && period.last_month() >= 9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn metric(target: &str, direction: Direction) -> Metric {
        Metric {
            code: "1.1".into(),
            name_vi: "Thử".into(),
            name_en: "Test".into(),
            unit: "%".into(),
            target: Target::parse(target).unwrap(),
            direction,
            strict: false,
            about: false,
            reduction: None,
            wording: String::new(),
            agency: AgencyCode::parse("SYT").unwrap(),
            agency_from_indicator: true,
            agency_inferred: false,
            owners: vec![],
            combine: None,
            part_of: None,
            kind: None,
            last_year: None,
            same_period_last_year: BTreeMap::new(),
            estimate: false,
            replaces: None,
        }
    }

    #[test]
    fn targets_read_and_print_the_plans_way() {
        for (text, value, out_of, high) in [
            ("9.002", "9002", None, None),
            ("36/51", "36", Some("51"), None),
            ("6,5–7", "6.5", None, Some("7")),
            ("6,5-7", "6.5", None, Some("7")),
            ("-1,5", "-1.5", None, None),
        ] {
            let t = Target::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((t.value, t.out_of, t.high), (dec(value), out_of.map(dec), high.map(dec)), "{text}");
        }
        assert_eq!(Target::parse("6,5-7").unwrap().to_string(), "6,5–7", "printed with an en dash");
        assert_eq!(Target::parse("18.600").unwrap().to_string(), "18.600");
        for bad in ["7–6,5", "6,5–", "5–5", "36/51–40", "4.800 tỷ", "chín", ""] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_range_is_a_floor_at_its_low_end_and_a_ceiling_at_its_high_end() {
        let growth = metric("6,5–7", Direction::AtLeast);
        assert!(growth.meets(dec("6.5"), Decimal::ONE));
        assert!(growth.meets(dec("7.2"), Decimal::ONE), "above the range is still met");
        assert!(!growth.meets(dec("6.4"), Decimal::ONE));
        let inflation = metric("3,5–4", Direction::AtMost);
        assert!(inflation.meets(dec("4"), Decimal::ONE));
        assert!(inflation.meets(dec("3.8"), Decimal::ONE));
        assert!(!inflation.meets(dec("4.1"), Decimal::ONE));
    }

    #[test]
    fn strict_bounds_exclude_the_target_itself() {
        let mut above = metric("95", Direction::AtLeast);
        above.strict = true;
        assert!(!above.meets(dec("95"), Decimal::ONE), "trên 95% is not met by 95%");
        assert!(above.meets(dec("95.1"), Decimal::ONE));
        let mut below = metric("12", Direction::AtMost);
        below.strict = true;
        assert!(!below.meets(dec("12"), Decimal::ONE), "dưới 12% is not met by 12%");
        assert!(below.meets(dec("11.9"), Decimal::ONE));
        let at_most = metric("12", Direction::AtMost);
        assert!(at_most.meets(dec("12"), Decimal::ONE), "không quá 12% is met by 12%");
    }

    #[test]
    fn about_is_met_within_five_per_cent() {
        let mut jobs = metric("20.000", Direction::AtLeast);
        jobs.about = true;
        assert!(jobs.meets(dec("19000"), Decimal::ONE));
        assert!(!jobs.meets(dec("18999"), Decimal::ONE));
        // A quarter of the year's target, less 5 %.
        assert!(jobs.meets(dec("4750"), dec("0.25")));
        assert!(!jobs.meets(dec("4749"), dec("0.25")));
        let mut ceiling = metric("100", Direction::AtMost);
        ceiling.about = true;
        assert!(ceiling.meets(dec("105"), Decimal::ONE));
        assert!(!ceiling.meets(dec("105.1"), Decimal::ONE));
    }

    #[test]
    fn reductions_in_points_or_per_cent() {
        assert_eq!(Reduction::Points.between(dec("3.2"), dec("2.7")), Some(dec("0.5")));
        assert_eq!(Reduction::Percent.between(dec("200"), dec("150")), Some(dec("25")));
        assert_eq!(Reduction::Percent.between(Decimal::ZERO, dec("1")), None);
    }

    #[test]
    fn combined_figures() {
        let values = [dec("3"), dec("4.5")];
        assert_eq!(Combine::Sum.total(&values), Some(dec("7.5")));
        assert_eq!(Combine::Lead.total(&values), Some(dec("3")));
        assert_eq!(Combine::Each.total(&values), None);
        assert_eq!(Combine::Sum.total(&[]), None);
    }

    #[test]
    fn last_years_figures_and_the_whole_year_estimate() {
        let mut revenue = metric("7.000", Direction::AtLeast);
        revenue.last_year = Target::parse("6.500");
        revenue.same_period_last_year.insert(PeriodKey::Quarter(2023, 1), Target::parse("1.400").unwrap());
        assert_eq!(
            revenue.same_period_last_year(PeriodKey::Quarter(2024, 1)),
            Target::parse("1.400").as_ref()
        );
        assert_eq!(revenue.same_period_last_year(PeriodKey::Quarter(2024, 2)), None);
        assert_eq!(revenue.same_period_last_year(PeriodKey::Year(2024)), Target::parse("6.500").as_ref());
        assert!(!revenue.asks_estimate(PeriodKey::Quarter(2024, 3)), "the metric does not ask");
        revenue.estimate = true;
        assert!(!revenue.asks_estimate(PeriodKey::Half(2024, 1)));
        assert!(!revenue.asks_estimate(PeriodKey::Month(2024, 8)));
        for period in [PeriodKey::Quarter(2024, 3), PeriodKey::Month(2024, 9), PeriodKey::Year(2024)] {
            assert!(revenue.asks_estimate(period), "{period}");
        }
    }
}
