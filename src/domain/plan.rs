//! The plan, checked: every code resolves, every date and target is real.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

pub use super::metric::{Combine, Direction, Metric, Reduction, Target, ValueKind};

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
    pub indicator_groups: Vec<IndicatorGroup>,
    pub rounds: Vec<ReportingRound>,
    pub holidays: Vec<Holiday>,
    /// Saturdays or Sundays worked to make up for a day off (làm bù).
    pub working_days: Vec<WorkingDay>,
    pub reminders: ReminderPolicy,
    /// The plan numbers this one replaces (an amendment renumbered it).
    pub amends: Vec<String>,
    /// What is looked up on every screen, built on first use.
    pub lookups: super::plan_lookups::Lookups,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub code: AgencyCode,
    pub name_vi: String,
    pub name_en: String,
    /// Short names for charts and lists ("Sở KH&ĐT", "DPI").
    pub short_vi: Option<String>,
    pub short_en: Option<String>,
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
    /// Agency or group codes that lead every task without a lead of its own, as the plan
    /// names them; empty when every task names its own.
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
    /// The task's own lead agencies or groups (chủ trì); empty: the section's assignees.
    pub lead: Vec<AgencyCode>,
    /// Agencies or groups that co-operate (phối hợp); they report on the task too.
    pub cooperating: Vec<AgencyCode>,
    pub due: Option<DueDate>,
    /// The expected output (sản phẩm): "Kế hoạch trình UBND tỉnh".
    pub output: Option<String>,
    /// Its earlier code, when an amendment moved or re-lettered it.
    pub replaces: Option<String>,
}

/// How an agency answers for a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskRole {
    /// Chủ trì: the task is its own.
    Lead,
    /// Phối hợp: it works with the lead.
    Cooperating,
}

/// A one-off last day, as the plan words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueDate {
    /// "Trước ngày X": the last day is the day before X.
    Before(NaiveDate),
    /// "Chậm nhất ngày X", "trong ngày X": X is the last day.
    By(NaiveDate),
}

impl DueDate {
    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            DueDate::Before(d) => d.pred_opt(),
            DueDate::By(d) => Some(d),
        }
    }
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

/// Indicators the plan lists under one heading ("Các chỉ tiêu kinh tế").
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorGroup {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Indicator numbers, in the plan's order.
    pub indicators: Vec<u32>,
}

impl Indicator {
    pub fn is_qualitative(&self) -> bool {
        self.metrics.is_empty()
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
    /// Only the tasks of these sections, by number; `None` for every section.
    pub sections: Option<Vec<u32>>,
    /// Only the metrics and narratives of these indicators, by number; `None` for all.
    pub indicators: Option<Vec<u32>>,
    /// Its earlier code, when an amendment re-coded it.
    pub replaces: Option<String>,
}

impl ReportingRound {
    pub fn covers_section(&self, number: u32) -> bool {
        self.sections.as_ref().is_none_or(|s| s.contains(&number))
    }
    pub fn covers_indicator(&self, number: u32) -> bool {
        self.indicators.as_ref().is_none_or(|i| i.contains(&number))
    }
    /// Whether the round asks about only some sections or indicators.
    pub fn is_limited(&self) -> bool {
        self.sections.is_some() || self.indicators.is_some()
    }
}

/// What a report of the round holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Asks {
    pub tasks: bool,
    pub metrics: bool,
    pub document: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// One report, due on a date.
    Once { due: DueDate },
    /// A report every period, due on a day of the period's month `month` (1 = its first; more
    /// than the period's length: a month after it), except the periods numbered in `skip`
    /// (months 1–12, quarters 1–4, halves 1–2 of the year).
    Recurring { every: Cadence, month: u32, day: DueDay, skip: Vec<u32> },
}

/// A recurring last day, as the plan words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueDay {
    /// "Trước ngày N": the last day is day N - 1 (N is 2–28).
    Before(u32),
    /// "Chậm nhất ngày N": day N is the last day, or the month's last when it is shorter
    /// (N is 1–31; 31 is always the last day of the month).
    By(u32),
}

impl DueDay {
    /// The last day to report in `month` of `year`.
    pub fn last_day(self, year: i32, month: u32) -> Option<NaiveDate> {
        match self {
            DueDay::Before(n) => NaiveDate::from_ymd_opt(year, month, n)?.pred_opt(),
            DueDay::By(n) => {
                let first = NaiveDate::from_ymd_opt(year, month, 1)?;
                let length = first.checked_add_months(chrono::Months::new(1))?.pred_opt()?.day();
                NaiveDate::from_ymd_opt(year, month, n.min(length))
            }
        }
    }
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

/// A Saturday or Sunday worked in exchange for a day off (ngày làm bù).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDay {
    pub date: NaiveDate,
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
        // A set of the codes named, groups opened once: a round addressed to a group of 500
        // agencies costs 500 lookups, not 500 × 500 comparisons.
        let mut named: std::collections::HashSet<&AgencyCode> = std::collections::HashSet::new();
        for c in codes {
            named.insert(c);
            if let Some(g) = self.group(c.as_str()) {
                named.extend(g.members.iter());
            }
        }
        self.agencies.iter().filter(|a| named.contains(&a.code)).collect()
    }

    /// Whether `agency` is named by `codes` itself or through a group.
    pub fn names(&self, codes: &[AgencyCode], agency: &AgencyCode) -> bool {
        codes
            .iter()
            .any(|c| c == agency || self.group(c.as_str()).is_some_and(|g| g.members.contains(agency)))
    }

    /// The agencies that must report in `round`. "Every agency" of a round limited to some
    /// sections or indicators means every agency with something to report in them.
    pub fn recipients(&self, round: &ReportingRound) -> Vec<&Agency> {
        match &round.recipients {
            None if round.is_limited() => self
                .agencies
                .iter()
                .filter(|a| !super::report::items_for(self, round, &a.code).is_empty())
                .collect(),
            None => self.agencies.iter().collect(),
            Some(codes) => self.expand(codes),
        }
    }

    /// The agencies or groups that lead a task: its own, else its section's.
    pub fn task_lead<'a>(&self, section: &'a Section, task: &'a Task) -> &'a [AgencyCode] {
        if task.lead.is_empty() { &section.assignees } else { &task.lead }
    }

    /// How `agency` answers for a task, if it does: leading it, or co-operating.
    pub fn task_role(&self, section: &Section, task: &Task, agency: &AgencyCode) -> Option<TaskRole> {
        if self.names(self.task_lead(section, task), agency) {
            Some(TaskRole::Lead)
        } else if self.names(&task.cooperating, agency) {
            Some(TaskRole::Cooperating)
        } else {
            None
        }
    }

    /// The tasks an agency answers for (leading or co-operating; [`Plan::duties_of`] says
    /// which), with their sections, in plan order.
    pub fn tasks_of(&self, agency: &AgencyCode) -> Vec<(&Section, &Task)> {
        self.duties_of(agency).into_iter().map(|(s, t, _)| (s, t)).collect()
    }

    /// The agencies that report a metric's value: its one agency; or each of its owners
    /// (groups expanded); or, when the lead reports the total, the lead alone.
    pub fn reporters(&self, metric: &Metric) -> Vec<&Agency> {
        if metric.owners.is_empty() || metric.combine == Some(Combine::Lead) {
            return self.agency(metric.agency.as_str()).into_iter().collect();
        }
        self.expand(&metric.owners)
    }

    /// The metrics an agency reports, with their indicators, in plan order.
    pub fn metrics_of(&self, agency: &AgencyCode) -> Vec<(&Indicator, &Metric)> {
        self.indicators
            .iter()
            .flat_map(|i| i.metrics.iter().map(move |m| (i, m)))
            .filter(|(_, m)| self.reports(m, agency))
            .collect()
    }

    /// Whether `agency` reports a value for `metric` (see [`Plan::reporters`]).
    pub fn reports(&self, metric: &Metric, agency: &AgencyCode) -> bool {
        if metric.owners.is_empty() || metric.combine == Some(Combine::Lead) {
            &metric.agency == agency
        } else {
            self.names(&metric.owners, agency)
        }
    }

    /// The metrics listed as parts of `code` ("trong đó"), in plan order.
    pub fn parts_of(&self, code: &str) -> Vec<&Metric> {
        self.indicators
            .iter()
            .flat_map(|i| &i.metrics)
            .filter(|m| m.part_of.as_deref() == Some(code))
            .collect()
    }

    /// The group an indicator is listed under.
    pub fn indicator_group_of(&self, number: u32) -> Option<&IndicatorGroup> {
        self.indicator_groups.iter().find(|g| g.indicators.contains(&number))
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

    /// Whether `date` is a listed working Saturday or Sunday.
    pub fn is_make_up_day(&self, date: NaiveDate) -> bool {
        self.working_days.iter().any(|w| w.date == date)
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
