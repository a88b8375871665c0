//! The plan, checked: every code resolves, every date and target is real.

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use rust_decimal::Decimal;

/// Short, stable code of an agency or group: uppercase ASCII letters, digits and '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct AgencyCode(String);

impl AgencyCode {
    pub fn parse(s: &str) -> Option<AgencyCode> {
        let ok = (2..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        ok.then(|| AgencyCode(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub code: String,
    pub title: String,
    pub title_en: Option<String>,
    pub province: String,
    pub year: i32,
    pub issued: Option<NaiveDate>,
    pub time_zone: Tz,
    pub coordinator: AgencyCode,
    pub agencies: Vec<Agency>,
    pub groups: Vec<AgencyGroup>,
    pub sections: Vec<Section>,
    pub indicators: Vec<Indicator>,
    pub rounds: Vec<ReportingRound>,
    pub holidays: Vec<Holiday>,
    pub reminders: ReminderPolicy,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub code: AgencyCode,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyGroup {
    pub code: AgencyCode,
    pub name_vi: String,
    pub name_en: String,
    pub members: Vec<AgencyCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub number: u32,
    pub heading: String,
    pub heading_inferred: bool,
    /// Agency or group codes, as the plan names them.
    pub assignees: Vec<AgencyCode>,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// "2.a", or "11" for a section that is a single paragraph.
    pub code: String,
    /// The letter in its section, "" for a single paragraph.
    pub letter: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub number: u32,
    pub name_vi: String,
    pub name_en: String,
    pub text: String,
    pub agencies: Vec<AgencyCode>,
    pub agencies_inferred: bool,
    /// Empty for a qualitative indicator, which is reported as a narrative.
    pub metrics: Vec<Metric>,
}

impl Indicator {
    pub fn is_qualitative(&self) -> bool {
        self.metrics.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    pub target: Target,
    pub direction: Direction,
    pub wording: String,
    pub agency: AgencyCode,
    /// The file named no agency for the metric: it is the indicator's.
    pub agency_from_indicator: bool,
    pub agency_inferred: bool,
}

/// A target value; `out_of` for "36/51".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub value: Decimal,
    pub out_of: Option<Decimal>,
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

#[derive(Debug, Clone, PartialEq)]
pub struct ReportingRound {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub wording: String,
    pub asks: Asks,
    /// `None` means every agency.
    pub recipients: Option<Vec<AgencyCode>>,
    pub to: AgencyCode,
    pub schedule: Schedule,
}

/// What a report of the round holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Asks {
    pub tasks: bool,
    pub metrics: bool,
    pub document: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// "Before <date>": the last day to report is the day before.
    Once { due_before: NaiveDate },
    /// Every period, "before day N of the period's month M".
    Recurring { every: Cadence, month: u32, due_before_day: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cadence {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Cadence {
    pub fn parse(s: &str) -> Option<Cadence> {
        match s {
            "month" => Some(Cadence::Month),
            "quarter" => Some(Cadence::Quarter),
            "half_year" => Some(Cadence::HalfYear),
            "year" => Some(Cadence::Year),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Month => "month",
            Cadence::Quarter => "quarter",
            Cadence::HalfYear => "half_year",
            Cadence::Year => "year",
        }
    }
    pub fn months(self) -> u32 {
        match self {
            Cadence::Month => 1,
            Cadence::Quarter => 3,
            Cadence::HalfYear => 6,
            Cadence::Year => 12,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicy {
    pub days_before: Vec<u32>,
    pub send_at: NaiveTime,
    pub quiet_from: NaiveTime,
    pub quiet_until: NaiveTime,
    pub overdue_every_working_days: u32,
    pub overdue_max: u32,
    pub escalate_after_working_days: u32,
    pub digest_weekday: Weekday,
    pub digest_at: NaiveTime,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        ReminderPolicy {
            days_before: vec![7, 3, 1, 0],
            send_at: hm(8, 0),
            quiet_from: hm(21, 0),
            quiet_until: hm(7, 0),
            overdue_every_working_days: 2,
            overdue_max: 3,
            escalate_after_working_days: 5,
            digest_weekday: Weekday::Mon,
            digest_at: hm(7, 30),
        }
    }
}

impl ReminderPolicy {
    /// True when `time` falls in the quiet hours (which may span midnight).
    pub fn is_quiet(&self, time: NaiveTime) -> bool {
        if self.quiet_from <= self.quiet_until {
            time >= self.quiet_from && time < self.quiet_until
        } else {
            time >= self.quiet_from || time < self.quiet_until
        }
    }
}

impl Plan {
    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.code.as_str() == code)
    }

    pub fn group(&self, code: &str) -> Option<&AgencyGroup> {
        self.groups.iter().find(|g| g.code.as_str() == code)
    }

    pub fn round(&self, code: &str) -> Option<&ReportingRound> {
        self.rounds.iter().find(|r| r.code == code)
    }

    pub fn indicator(&self, number: u32) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.number == number)
    }

    pub fn metric(&self, code: &str) -> Option<(&Indicator, &Metric)> {
        self.indicators
            .iter()
            .flat_map(|i| i.metrics.iter().map(move |m| (i, m)))
            .find(|(_, m)| m.code == code)
    }

    pub fn task(&self, code: &str) -> Option<(&Section, &Task)> {
        self.sections.iter().flat_map(|s| s.tasks.iter().map(move |t| (s, t))).find(|(_, t)| t.code == code)
    }

    /// The agencies an assignee list stands for, groups expanded, in plan order.
    pub fn expand(&self, codes: &[AgencyCode]) -> Vec<&Agency> {
        self.agencies
            .iter()
            .filter(|a| {
                codes.iter().any(|c| {
                    c == &a.code || self.group(c.as_str()).is_some_and(|g| g.members.contains(&a.code))
                })
            })
            .collect()
    }

    /// Whether `agency` is named by `codes` itself or through a group.
    pub fn names(&self, codes: &[AgencyCode], agency: &AgencyCode) -> bool {
        codes
            .iter()
            .any(|c| c == agency || self.group(c.as_str()).is_some_and(|g| g.members.contains(agency)))
    }

    /// The agencies that must report in `round`.
    pub fn recipients(&self, round: &ReportingRound) -> Vec<&Agency> {
        match &round.recipients {
            None => self.agencies.iter().collect(),
            Some(codes) => self.expand(codes),
        }
    }

    /// The tasks an agency answers for, with their sections, in plan order.
    pub fn tasks_of(&self, agency: &AgencyCode) -> Vec<(&Section, &Task)> {
        self.sections
            .iter()
            .filter(|s| self.names(&s.assignees, agency))
            .flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
            .collect()
    }

    /// The metrics an agency answers for, with their indicators, in plan order.
    pub fn metrics_of(&self, agency: &AgencyCode) -> Vec<(&Indicator, &Metric)> {
        self.indicators
            .iter()
            .flat_map(|i| i.metrics.iter().map(move |m| (i, m)))
            .filter(|(_, m)| &m.agency == agency)
            .collect()
    }

    /// The qualitative indicators an agency reports a narrative on.
    pub fn narratives_of(&self, agency: &AgencyCode) -> Vec<&Indicator> {
        self.indicators.iter().filter(|i| i.is_qualitative() && i.agencies.contains(agency)).collect()
    }

    pub fn task_count(&self) -> usize {
        self.sections.iter().map(|s| s.tasks.len()).sum()
    }

    pub fn metric_count(&self) -> usize {
        self.indicators.iter().map(|i| i.metrics.len()).sum()
    }

    /// Whether `date` is a listed holiday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.iter().any(|h| h.from <= date && date <= h.to)
    }
}
