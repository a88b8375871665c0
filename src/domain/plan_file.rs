//! The plan file as it is written (TOML) and printed (`plan show --json`).
//!
//! This is the raw shape: every field is what a person typed. [`super::plan::Plan`] is the
//! checked form; `Plan::from_file` turns one into the other and reports every problem at once,
//! `Plan::to_file` turns it back so that a loaded plan prints in the file's own shape.
//! Dates and times are strings ("2022-01-30", "08:00") so that TOML and JSON read the same.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::plan::{AgencyCode, DueDate, DueDay, Plan, Schedule};
use super::plan_check::weekday_str;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub plan: PlanHeader,
    #[serde(default)]
    pub agencies: Vec<AgencyEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupEntry>,
    #[serde(default)]
    pub sections: Vec<SectionEntry>,
    #[serde(default)]
    pub indicators: Vec<IndicatorEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicator_groups: Vec<IndicatorGroupEntry>,
    #[serde(default)]
    pub rounds: Vec<RoundEntry>,
    #[serde(default)]
    pub holidays: Vec<HolidayEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub working_days: Vec<WorkingDayEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<ReminderEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanHeader {
    /// The plan's own number, e.g. "09/KH-UBND".
    pub code: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub province: String,
    pub year: i32,
    /// Date the plan was issued ("2022-01-19").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    /// IANA time zone name, e.g. "Asia/Ho_Chi_Minh".
    pub time_zone: String,
    /// Code of the agency that collects the reports.
    pub coordinator: String,
    /// The plan numbers this one replaces ("09/KH-UBND" renumbered as "45/KH-UBND"): an
    /// amendment of the plan followed under that number, not a new plan, so nothing filed is
    /// lost and nobody is chased twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amends: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Short names for charts and lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_en: Option<String>,
}

/// Several agencies named together; each member reports on its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    pub number: u32,
    pub heading: String,
    /// True when the heading was lost in the source and restored from the content.
    #[serde(default, skip_serializing_if = "is_false")]
    pub heading_inferred: bool,
    /// Agency or group codes that lead every task of the section without a `lead` of its own;
    /// may be left out when every task has one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignees: Vec<String>,
    pub tasks: Vec<TaskEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskEntry {
    /// The task's letter in its section ("a", "đ"), or "" for a section that is one paragraph.
    pub id: String,
    pub text: String,
    /// Agency or group codes that lead the task (chủ trì), replacing the section's assignees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lead: Vec<String>,
    /// Agency or group codes that co-operate (phối hợp).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cooperating: Vec<String>,
    /// "Chậm nhất ngày X": the last day itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_by: Option<String>,
    /// "Trước ngày X": the last day is the day before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_before: Option<String>,
    /// The expected output (sản phẩm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The task's earlier code when an amendment moved or re-lettered it ("2.c"): the answers
    /// already filed stay with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorEntry {
    pub number: u32,
    pub name_vi: String,
    pub name_en: String,
    /// The plan's wording of the indicator, without its "(n)" number.
    pub text: String,
    pub agencies: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub agencies_inferred: bool,
    /// Narrative only: no metric, reported as text.
    #[serde(default, skip_serializing_if = "is_false")]
    pub qualitative: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricEntry {
    /// Stable code, "<indicator>.<n>" ("5.2").
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    /// Target written the Vietnamese way: "9.002", "60,26", "36/51", or a range "6,5–7".
    pub target: String,
    /// "at_least", "at_most" or "reduce_by".
    pub direction: String,
    /// "Trên" / "dưới": the target itself does not meet it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// "Khoảng": about the target.
    #[serde(default, skip_serializing_if = "is_false")]
    pub about: bool,
    /// reduce_by: "points" (percentage points) or "percent".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduction: Option<String>,
    /// The plan's own words for this target.
    pub wording: String,
    /// Responsible agency; the indicator's first agency when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Several owners instead of one `agency`: agency or group codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<String>,
    /// With several reporters: "each", "sum" or "lead".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combine: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub agency_inferred: bool,
    /// "Trong đó": the code of the metric this one is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// What a period's value means: "flow", "cumulative" or "level".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The previous year's result, written like a target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_year: Option<String>,
    /// The same periods of the previous year: "2023-Q1" = "1.950".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub same_period_last_year: BTreeMap<String, String>,
    /// The Q3 and Q4 reports also ask for an estimate of the whole year.
    #[serde(default, skip_serializing_if = "is_false")]
    pub estimate: bool,
    /// The metric's earlier code when an amendment re-coded it ("5.2").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

/// Indicators listed under one heading.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorGroupEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub indicators: Vec<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// The plan's own words for this duty.
    pub wording: String,
    /// What the report holds: any of "tasks", "metrics", "document".
    pub asks: Vec<String>,
    /// Agency or group codes that must report, or "*" for every agency.
    pub recipients: Vec<String>,
    /// Agency the reports go to.
    pub to: String,
    pub schedule: ScheduleEntry,
    /// Only the tasks of these sections (numbers); every section when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<u32>>,
    /// Only the metrics and narratives of these indicators (numbers); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Vec<u32>>,
    /// The round's earlier code when an amendment re-coded it: its reports stay its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// "once" or "recurring".
    pub kind: String,
    /// once: the plan's "before <date>"; the last day to report is the day before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_before: Option<String>,
    /// once: the plan's "by <date>" (chậm nhất); that date is the last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_by: Option<String>,
    /// recurring: "month", "quarter", "half_year" or "year".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// recurring: month of the period (1 = its first) in which the deadline falls;
    /// larger than the period's length means a month after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    /// recurring: the plan's "before day N"; the last day to report is day N - 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_before_day: Option<u32>,
    /// recurring: the plan's "by day N" (chậm nhất ngày N), clamped to the month's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_by_day: Option<u32>,
    /// recurring: numbers of the periods of the year not asked for (months, quarters, halves).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    pub from: String,
    /// Last day off, inclusive; the same as `from` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub name: String,
}

/// A Saturday or Sunday worked to make up for a day off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingDayEntry {
    pub date: String,
    pub name: String,
}

/// Reminder policy; every field falls back to the default when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderEntry {
    /// Days before the last day to report on which a reminder goes out (0 = the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_before: Option<Vec<u32>>,
    /// Local time reminders go out ("08:00").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_at: Option<String>,
    /// Quiet hours: nothing is sent from `quiet_from` to `quiet_until` (local).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_until: Option<String>,
    /// After the last day: a nudge every N working days, at most `overdue_max` of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_every_working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_max: Option<u32>,
    /// An agency still missing this many working days after the last day is escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after_working_days: Option<u32>,
    /// Leadership digest: weekday ("mon".."sun") and local time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_weekday: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_at: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl PlanFile {
    /// Reads the TOML text of a plan file. Only the syntax and the shape are checked here;
    /// `Plan::from_file` checks the meaning.
    pub fn from_toml(text: &str) -> Result<PlanFile, toml::de::Error> {
        toml::from_str(text)
    }
}

impl Plan {
    /// The plan in the file's own shape, for `plan show --json` and for round trips.
    pub fn to_file(&self) -> PlanFile {
        let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let hm = |t: NaiveTime| t.format("%H:%M").to_string();
        let r = &self.reminders;
        PlanFile {
            plan: PlanHeader {
                code: self.code.clone(),
                title: self.title.clone(),
                title_en: self.title_en.clone(),
                province: self.province.clone(),
                year: self.year,
                issued: self.issued.map(date),
                time_zone: self.time_zone.name().to_owned(),
                coordinator: self.coordinator.as_str().to_owned(),
                amends: self.amends.clone(),
            },
            agencies: self
                .agencies
                .iter()
                .map(|a| AgencyEntry {
                    code: a.code.as_str().to_owned(),
                    name_vi: a.name_vi.clone(),
                    name_en: a.name_en.clone(),
                    short_vi: a.short_vi.clone(),
                    short_en: a.short_en.clone(),
                })
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|g| GroupEntry {
                    code: g.code.as_str().to_owned(),
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    members: codes(&g.members),
                })
                .collect(),
            sections: self.sections.iter().map(section_entry).collect(),
            indicators: self.indicators.iter().map(indicator_entry).collect(),
            indicator_groups: self
                .indicator_groups
                .iter()
                .map(|g| IndicatorGroupEntry {
                    code: g.code.clone(),
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    indicators: g.indicators.clone(),
                })
                .collect(),
            rounds: self.rounds.iter().map(round_entry).collect(),
            holidays: self
                .holidays
                .iter()
                .map(|h| HolidayEntry {
                    from: date(h.from),
                    to: (h.to != h.from).then(|| date(h.to)),
                    name: h.name.clone(),
                })
                .collect(),
            working_days: self
                .working_days
                .iter()
                .map(|w| WorkingDayEntry { date: date(w.date), name: w.name.clone() })
                .collect(),
            reminders: Some(ReminderEntry {
                days_before: Some(r.days_before.clone()),
                send_at: Some(hm(r.send_at)),
                quiet_from: Some(hm(r.quiet_from)),
                quiet_until: Some(hm(r.quiet_until)),
                overdue_every_working_days: Some(r.overdue_every_working_days),
                overdue_max: Some(r.overdue_max),
                escalate_after_working_days: Some(r.escalate_after_working_days),
                digest_weekday: Some(weekday_str(r.digest_weekday).to_owned()),
                digest_at: Some(hm(r.digest_at)),
            }),
        }
    }
}

fn codes(v: &[AgencyCode]) -> Vec<String> {
    v.iter().map(|c| c.as_str().to_owned()).collect()
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn section_entry(s: &super::plan::Section) -> SectionEntry {
    SectionEntry {
        number: s.number,
        heading: s.heading.clone(),
        heading_inferred: s.heading_inferred,
        assignees: codes(&s.assignees),
        tasks: s
            .tasks
            .iter()
            .map(|t| TaskEntry {
                id: t.letter.clone(),
                text: t.text.clone(),
                lead: codes(&t.lead),
                cooperating: codes(&t.cooperating),
                due_by: match t.due {
                    Some(DueDate::By(d)) => Some(date_text(d)),
                    _ => None,
                },
                due_before: match t.due {
                    Some(DueDate::Before(d)) => Some(date_text(d)),
                    _ => None,
                },
                output: t.output.clone(),
                replaces: t.replaces.clone(),
            })
            .collect(),
    }
}

fn indicator_entry(i: &super::plan::Indicator) -> IndicatorEntry {
    IndicatorEntry {
        number: i.number,
        name_vi: i.name_vi.clone(),
        name_en: i.name_en.clone(),
        text: i.text.clone(),
        agencies: codes(&i.agencies),
        agencies_inferred: i.agencies_inferred,
        qualitative: i.is_qualitative(),
        metrics: i.metrics.iter().map(metric_entry).collect(),
    }
}

fn metric_entry(m: &super::plan::Metric) -> MetricEntry {
    MetricEntry {
        code: m.code.clone(),
        name_vi: m.name_vi.clone(),
        name_en: m.name_en.clone(),
        unit: m.unit.clone(),
        target: m.target.to_string(),
        direction: m.direction.as_str().to_owned(),
        strict: m.strict,
        about: m.about,
        reduction: m.reduction.map(|r| r.as_str().to_owned()),
        wording: m.wording.clone(),
        agency: (!m.agency_from_indicator && m.owners.is_empty()).then(|| m.agency.as_str().to_owned()),
        agencies: codes(&m.owners),
        combine: m.combine.map(|c| c.as_str().to_owned()),
        agency_inferred: m.agency_inferred,
        part_of: m.part_of.clone(),
        kind: m.kind.map(|k| k.as_str().to_owned()),
        last_year: m.last_year.as_ref().map(ToString::to_string),
        same_period_last_year: m
            .same_period_last_year
            .iter()
            .map(|(period, value)| (period.to_string(), value.to_string()))
            .collect(),
        estimate: m.estimate,
        replaces: m.replaces.clone(),
    }
}

fn round_entry(r: &super::plan::ReportingRound) -> RoundEntry {
    RoundEntry {
        code: r.code.clone(),
        name_vi: r.name_vi.clone(),
        name_en: r.name_en.clone(),
        wording: r.wording.clone(),
        asks: [("tasks", r.asks.tasks), ("metrics", r.asks.metrics), ("document", r.asks.document)]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| name.to_owned())
            .collect(),
        recipients: r.recipients.as_deref().map_or_else(|| vec!["*".to_owned()], codes),
        to: r.to.as_str().to_owned(),
        schedule: schedule_entry(&r.schedule),
        sections: r.sections.clone(),
        indicators: r.indicators.clone(),
        replaces: r.replaces.clone(),
    }
}

fn schedule_entry(schedule: &Schedule) -> ScheduleEntry {
    match schedule {
        Schedule::Once { due } => ScheduleEntry {
            kind: "once".into(),
            due_before: match due {
                DueDate::Before(d) => Some(date_text(*d)),
                DueDate::By(_) => None,
            },
            due_by: match due {
                DueDate::By(d) => Some(date_text(*d)),
                DueDate::Before(_) => None,
            },
            ..ScheduleEntry::default()
        },
        Schedule::Recurring { every, month, day, skip } => ScheduleEntry {
            kind: "recurring".into(),
            every: Some(every.as_str().to_owned()),
            month: Some(*month),
            due_before_day: match day {
                DueDay::Before(n) => Some(*n),
                DueDay::By(_) => None,
            },
            due_by_day: match day {
                DueDay::By(n) => Some(*n),
                DueDay::Before(_) => None,
            },
            skip: skip.clone(),
            ..ScheduleEntry::default()
        },
    }
}
