//! Reports: what an agency answers for in a round, the states a report goes through, and the
//! checks a typed value passes before it is saved.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::calendar::PeriodKey;
use super::number::Quantity;
use super::plan::{AgencyCode, Direction, Metric, Plan, ReportingRound, ValueKind};
use super::progress::{elapsed_share, period_share, value_kind};
// Defined with the other judgements of progress; kept reachable here, where it always was.
pub use super::progress::percent_of_target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportState {
    Draft,
    Submitted,
    Accepted,
    Returned,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Accepted => "accepted",
            ReportState::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<ReportState> {
        Some(match s {
            "draft" => ReportState::Draft,
            "submitted" => ReportState::Submitted,
            "accepted" => ReportState::Accepted,
            "returned" => ReportState::Returned,
            _ => return None,
        })
    }
    /// The agency may change its items (a submitted report must be reopened first).
    pub fn is_editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }
    /// Counts as handed in: reminders stop, timeliness counts it.
    pub fn is_handed_in(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Accepted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Done,
    Blocked,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] =
        [TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done, TaskStatus::Blocked];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Blocked => "blocked",
        }
    }
    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }
    /// Index for compact button data.
    pub fn index(self) -> usize {
        TaskStatus::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
    pub fn from_index(i: usize) -> Option<TaskStatus> {
        TaskStatus::ALL.get(i).copied()
    }
}

/// One thing a report holds: a task's progress, a metric's value, a qualitative indicator's
/// narrative.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKey {
    Task(String),
    Metric(String),
    Narrative(u32),
}

impl ItemKey {
    /// Compact form for button data and logs: "t2.a", "m5.1", "n17".
    pub fn encode(&self) -> String {
        match self {
            ItemKey::Task(c) => format!("t{c}"),
            ItemKey::Metric(c) => format!("m{c}"),
            ItemKey::Narrative(n) => format!("n{n}"),
        }
    }
    pub fn decode(s: &str) -> Option<ItemKey> {
        let mut chars = s.chars();
        let kind = chars.next()?;
        let rest = chars.as_str();
        if rest.is_empty() || rest.len() > 16 {
            return None;
        }
        match kind {
            't' => Some(ItemKey::Task(rest.to_owned())),
            'm' => Some(ItemKey::Metric(rest.to_owned())),
            'n' => rest.parse().ok().map(ItemKey::Narrative),
            _ => None,
        }
    }
}

/// What an agency has entered for one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemEntry {
    pub key: ItemKey,
    pub status: Option<TaskStatus>,
    pub percent: Option<u8>,
    pub value: Option<Decimal>,
    pub value_out_of: Option<Decimal>,
    pub note: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
    /// Bumped by every change: a save over a newer version than the one seen is refused.
    pub version: i64,
    /// The version of the plan the answer answered (its wording and target); `None` before
    /// it was saved.
    pub plan_version: Option<i64>,
    /// The code the entry had in that version, when an amendment re-coded it since.
    pub asked_as: Option<String>,
}

impl ItemEntry {
    /// Whether two entries hold the same answer (who and when aside).
    pub fn same_answer(&self, other: &ItemEntry) -> bool {
        (&self.key, self.status, self.percent, self.value, self.value_out_of, &self.note)
            == (&other.key, other.status, other.percent, other.value, other.value_out_of, &other.note)
    }

    /// Whether the item has its answer (a status, a value, a narrative).
    pub fn is_filled(&self) -> bool {
        match self.key {
            ItemKey::Task(_) => self.status.is_some(),
            ItemKey::Metric(_) => self.value.is_some(),
            ItemKey::Narrative(_) => self.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
        }
    }
}

/// The items `agency` answers for in `round`, in plan order: its tasks (leading or
/// co-operating), its metrics, the narratives of its qualitative indicators; only those of
/// the sections and indicators the round covers.
pub fn items_for(plan: &Plan, round: &ReportingRound, agency: &AgencyCode) -> Vec<ItemKey> {
    let mut out = Vec::new();
    if round.asks.tasks {
        out.extend(
            plan.tasks_of(agency)
                .into_iter()
                .filter(|(s, _)| round.covers_section(s.number))
                .map(|(_, t)| ItemKey::Task(t.code.clone())),
        );
    }
    if round.asks.metrics {
        out.extend(
            plan.metrics_of(agency)
                .into_iter()
                .filter(|(i, _)| round.covers_indicator(i.number))
                .map(|(_, m)| ItemKey::Metric(m.code.clone())),
        );
        out.extend(
            plan.narratives_of(agency)
                .into_iter()
                .filter(|i| round.covers_indicator(i.number))
                .map(|i| ItemKey::Narrative(i.number)),
        );
    }
    out
}

/// Limits of what a person may type, so a message stays readable and storable.
pub const MAX_NOTE_CHARS: usize = 1000;
pub const MAX_NARRATIVE_CHARS: usize = 3000;

/// Why a typed value is shown back for confirmation instead of being saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueDoubt {
    /// Moves more than the allowed share from the agency's last accepted value.
    LargeChange { previous: Decimal, change_percent: Decimal },
    /// Far from the target's order of magnitude (a misplaced separator, a wrong unit).
    FarFromTarget { ratio: Decimal },
    /// Outside what the unit allows: a share over 100 %, a negative count, more than "of".
    OutOfBounds,
    /// A figure for part of the year that already reaches about the whole year's target: the
    /// year's total (or its plan) typed in by mistake, as 9.002 tỷ đồng in the first quarter.
    WholeYear { percent: Decimal },
    /// Far ahead of the share of the year the figure covers (twice it, or more).
    AheadOfPace { percent: Decimal, expected: Decimal },
    /// Far behind it (a quarter of it, or less).
    BehindPace { percent: Decimal, expected: Decimal },
    /// A cumulative figure lower than the one accepted earlier in the same year.
    BelowPrevious { previous: Decimal },
}

/// The agency's last accepted value of the metric, and its period: the yardstick of
/// [`doubt`].
pub type Previous = Option<(PeriodKey, Decimal)>;

/// A value that is readable but may be a mistake: the person confirms it or types it again.
/// `max_change` is a share (0.5 = 50 %); `period` is the one the value is for: a figure that
/// builds up (cumulative, or the period's own flow) is judged against the time gone by.
pub fn doubt(
    metric: &Metric,
    value: &Quantity,
    previous: Previous,
    max_change: Decimal,
    period: PeriodKey,
) -> Option<ValueDoubt> {
    let v = value.value;
    let unit = metric.unit.trim();
    let share = unit == "%" || unit == "‰";
    // The plan words growth rates as "tăng X%": they may be negative, shares may not.
    let growth = share && metric.wording.contains("tăng");
    let limit = if unit == "‰" { Decimal::from(1000) } else { Decimal::from(100) };
    let floor = if growth { -limit } else { Decimal::ZERO };
    if share && (v < floor || v > limit) {
        return Some(ValueDoubt::OutOfBounds);
    }
    if !share && !unit.starts_with('%') && v < Decimal::ZERO {
        return Some(ValueDoubt::OutOfBounds);
    }
    if let (Some(of), Some(target_of)) = (value.out_of.or(metric.target.out_of), metric.target.out_of)
        && (v > of || of != target_of)
    {
        return Some(ValueDoubt::OutOfBounds);
    }
    let kind = value_kind(metric);
    let builds_up = kind != ValueKind::Level && metric.direction != Direction::AtMost;
    let previous = previous.filter(|(_, p)| !p.is_zero());
    if kind == ValueKind::Cumulative {
        // Within a year a cumulative figure only grows; a new year starts again from zero.
        if let Some((at, prev)) = previous
            && at.year() == period.year()
            && at < period
            && v < prev
        {
            return Some(ValueDoubt::BelowPrevious { previous: prev });
        }
    } else if let Some((_, prev)) = previous {
        let change = ((v - prev) / prev).abs();
        if change > max_change {
            return Some(ValueDoubt::LargeChange {
                previous: prev,
                change_percent: (change * Decimal::from(100)).round_dp(0),
            });
        }
        return None;
    }
    let target = metric.target.value;
    if target.is_zero() || v.is_zero() {
        return None;
    }
    let ratio = (v / target).abs();
    if ratio > Decimal::from(10) || ratio < Decimal::new(5, 2) {
        return Some(ValueDoubt::FarFromTarget { ratio: ratio.round_dp(4) });
    }
    if builds_up {
        return pace(kind, ratio, period);
    }
    None
}

/// A figure that builds up, against the share of the year it covers.
fn pace(kind: ValueKind, ratio: Decimal, period: PeriodKey) -> Option<ValueDoubt> {
    let expected = match kind {
        ValueKind::Cumulative => elapsed_share(period),
        _ => period_share(period),
    };
    let hundred = Decimal::ONE_HUNDRED;
    let percent = (ratio * hundred).round_dp(1);
    let expected_percent = (expected * hundred).round_dp(1);
    let half = Decimal::new(5, 1);
    if expected > half || expected.is_zero() {
        // Past mid-year a figure may well reach the year's target early.
        return (ratio < expected / Decimal::from(4))
            .then_some(ValueDoubt::BehindPace { percent, expected: expected_percent });
    }
    if ratio >= Decimal::new(9, 1) {
        return Some(ValueDoubt::WholeYear { percent });
    }
    if ratio > expected * Decimal::TWO {
        return Some(ValueDoubt::AheadOfPace { percent, expected: expected_percent });
    }
    if ratio < expected / Decimal::from(4) {
        return Some(ValueDoubt::BehindPace { percent, expected: expected_percent });
    }
    None
}

/// Whether a typed unit fits the metric's: the same, or its beginning ("%" for "%/năm",
/// "tỷ" for "tỷ đồng"); case and spaces do not matter.
pub fn unit_fits(metric_unit: &str, typed: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let (m, t) = (norm(metric_unit), norm(typed));
    !t.is_empty() && m.starts_with(&t)
}

/// Whether the value meets the year's target in the metric's direction (a range's low end
/// as a floor, its high end as a ceiling; "khoảng" and "trên"/"dưới" as [`Metric::meets`]).
pub fn meets_target(metric: &Metric, value: Decimal) -> bool {
    metric.meets(value, Decimal::ONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    fn half() -> Decimal {
        Decimal::new(5, 1)
    }

    #[test]
    fn an_agency_answers_for_its_tasks_metrics_and_narratives() {
        let plan = seed_plan();
        let q = plan.round("bao-cao-quy").unwrap();
        let syt = AgencyCode::parse("SYT").unwrap();
        let items = items_for(&plan, q, &syt);
        let tasks = items.iter().filter(|k| matches!(k, ItemKey::Task(_))).count();
        let metrics: Vec<_> = items.iter().filter(|k| matches!(k, ItemKey::Metric(_))).collect();
        assert_eq!(tasks, 5);
        assert_eq!(metrics.len(), 5, "8.1 and 13.1–13.4: {metrics:?}");
        let cat = AgencyCode::parse("CAT").unwrap();
        assert!(items_for(&plan, q, &cat).contains(&ItemKey::Narrative(18)));
        let ap = plan.round("chuong-trinh-hanh-dong").unwrap();
        assert!(items_for(&plan, ap, &syt).is_empty(), "the action programme is a document");
    }

    #[test]
    fn item_keys_encode_compactly_and_decode_back() {
        for k in [ItemKey::Task("2.đ".into()), ItemKey::Metric("13.4".into()), ItemKey::Narrative(17)] {
            assert_eq!(ItemKey::decode(&k.encode()), Some(k));
        }
        assert_eq!(ItemKey::decode("x1"), None);
        assert_eq!(ItemKey::decode("nabc"), None);
        assert_eq!(ItemKey::decode("t"), None);
    }

    const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
    const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);

    #[test]
    fn doubtful_values_are_shown_back() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        assert_eq!(
            doubt(revenue, &q("2.250"), None, half(), Q1),
            None,
            "a quarter of the year's target is plausible"
        );
        assert!(matches!(
            doubt(revenue, &q("9,002"), None, half(), Q1),
            Some(ValueDoubt::FarFromTarget { .. })
        ));
        let (_, growth_rate) = plan.metric("1.1").unwrap();
        assert!(matches!(
            doubt(growth_rate, &q("8"), Some((Q1, Decimal::from(4))), half(), Q2),
            Some(ValueDoubt::LargeChange { .. })
        ));
        assert_eq!(doubt(growth_rate, &q("5"), Some((Q1, Decimal::from(4))), half(), Q2), None);
        let (_, schools) = plan.metric("12.1").unwrap();
        assert_eq!(doubt(schools, &q("120"), None, half(), Q1), Some(ValueDoubt::OutOfBounds));
        let (_, communes) = plan.metric("14.2").unwrap();
        assert_eq!(doubt(communes, &q("37/51"), None, half(), Q1), None);
        assert_eq!(doubt(communes, &q("60/51"), None, half(), Q1), Some(ValueDoubt::OutOfBounds));
        assert_eq!(doubt(communes, &q("36/50"), None, half(), Q1), Some(ValueDoubt::OutOfBounds));
        let (_, growth) = plan.metric("1.2").unwrap();
        assert_eq!(doubt(growth, &q("-1,5"), None, half(), Q1), None, "a growth rate may be negative");
    }

    #[test]
    fn a_cumulative_figure_is_judged_against_the_time_gone_by() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        // 9.002 tỷ đồng typed in the first quarter: the whole year's target after one quarter.
        assert_eq!(
            doubt(revenue, &q("9.002"), None, half(), Q1),
            Some(ValueDoubt::WholeYear { percent: Decimal::from(100) })
        );
        assert!(matches!(
            doubt(revenue, &q("5.000"), None, half(), Q1),
            Some(ValueDoubt::AheadOfPace { .. })
        ));
        assert!(matches!(doubt(revenue, &q("500"), None, half(), Q1), Some(ValueDoubt::BehindPace { .. })));
        // Twice the first quarter's figure at mid-year is the pace, not a large change.
        assert_eq!(doubt(revenue, &q("4.600"), Some((Q1, Decimal::from(2250))), half(), Q2), None);
        assert_eq!(
            doubt(revenue, &q("2.000"), Some((Q1, Decimal::from(2250))), half(), Q2),
            Some(ValueDoubt::BelowPrevious { previous: Decimal::from(2250) })
        );
        // A new year starts again from zero.
        let last_q4 = PeriodKey::Quarter(2021, 4);
        assert_eq!(doubt(revenue, &q("2.300"), Some((last_q4, Decimal::from(8900))), half(), Q1), None);
        // Late in the year a figure may reach the target early.
        assert_eq!(doubt(revenue, &q("9.100"), None, half(), PeriodKey::Quarter(2022, 3)), None);
        // Levels and limits are not judged by pace.
        let (_, malnutrition) = plan.metric("13.1").unwrap();
        assert_eq!(doubt(malnutrition, &q("10,2"), None, half(), Q1), None);
    }

    #[test]
    fn units_fit_when_the_same_or_a_beginning() {
        assert!(unit_fits("tỷ đồng", "tỷ đồng"));
        assert!(unit_fits("tỷ đồng", "Tỷ"));
        assert!(unit_fits("%/năm", "%"));
        assert!(!unit_fits("tỷ đồng", "triệu đồng"));
        assert!(!unit_fits("%", "‰"));
    }

    #[test]
    fn meeting_the_target_depends_on_its_direction() {
        let plan = seed_plan();
        let (_, revenue) = plan.metric("5.1").unwrap();
        assert!(!meets_target(revenue, Decimal::from(9001)));
        let (_, malnutrition) = plan.metric("13.1").unwrap();
        assert!(meets_target(malnutrition, Decimal::new(102, 1)));
        assert!(!meets_target(malnutrition, Decimal::new(108, 1)));
    }
}
