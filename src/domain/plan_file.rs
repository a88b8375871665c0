//! The plan file as it is written (TOML) and printed (`plan show --json`).
//!
//! This is the raw shape: every field is what a person typed. [`super::plan::Plan`] is the
//! checked form; `Plan::from_file` turns one into the other and reports every problem at once,
//! `Plan::to_file` turns it back so that a loaded plan prints in the file's own shape.
//! Dates and times are strings ("2022-01-30", "08:00") so that TOML and JSON read the same.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::number::Quantity;
use super::plan::{AgencyCode, Plan, Schedule, Target};
use super::plan_check::weekday_str;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub rounds: Vec<RoundEntry>,
    #[serde(default)]
    pub holidays: Vec<HolidayEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<ReminderEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// Several agencies named together; each member reports on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    pub number: u32,
    pub heading: String,
    /// True when the heading was lost in the source and restored from the content.
    #[serde(default, skip_serializing_if = "is_false")]
    pub heading_inferred: bool,
    /// Agency or group codes responsible for every task of the section.
    pub assignees: Vec<String>,
    pub tasks: Vec<TaskEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskEntry {
    /// The task's letter in its section ("a", "đ"), or "" for a section that is one paragraph.
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricEntry {
    /// Stable code, "<indicator>.<n>" ("5.2").
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    /// Target written the Vietnamese way: "9.002", "60,26", "36/51".
    pub target: String,
    /// "at_least", "at_most" or "reduce_by".
    pub direction: String,
    /// The plan's own words for this target.
    pub wording: String,
    /// Responsible agency; the indicator's first agency when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub agency_inferred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// "once" or "recurring".
    pub kind: String,
    /// once: the plan's "before <date>"; the last day to report is the day before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_before: Option<String>,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    pub from: String,
    /// Last day off, inclusive; the same as `from` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
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
        let codes = |v: &[AgencyCode]| v.iter().map(|c| c.as_str().to_owned()).collect::<Vec<_>>();
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
            },
            agencies: self
                .agencies
                .iter()
                .map(|a| AgencyEntry {
                    code: a.code.as_str().to_owned(),
                    name_vi: a.name_vi.clone(),
                    name_en: a.name_en.clone(),
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
            sections: self
                .sections
                .iter()
                .map(|s| SectionEntry {
                    number: s.number,
                    heading: s.heading.clone(),
                    heading_inferred: s.heading_inferred,
                    assignees: codes(&s.assignees),
                    tasks: s
                        .tasks
                        .iter()
                        .map(|t| TaskEntry { id: t.letter.clone(), text: t.text.clone() })
                        .collect(),
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|i| IndicatorEntry {
                    number: i.number,
                    name_vi: i.name_vi.clone(),
                    name_en: i.name_en.clone(),
                    text: i.text.clone(),
                    agencies: codes(&i.agencies),
                    agencies_inferred: i.agencies_inferred,
                    qualitative: i.is_qualitative(),
                    metrics: i
                        .metrics
                        .iter()
                        .map(|m| MetricEntry {
                            code: m.code.clone(),
                            name_vi: m.name_vi.clone(),
                            name_en: m.name_en.clone(),
                            unit: m.unit.clone(),
                            target: m.target.to_string(),
                            direction: m.direction.as_str().to_owned(),
                            wording: m.wording.clone(),
                            agency: (!m.agency_from_indicator).then(|| m.agency.as_str().to_owned()),
                            agency_inferred: m.agency_inferred,
                        })
                        .collect(),
                })
                .collect(),
            rounds: self
                .rounds
                .iter()
                .map(|r| RoundEntry {
                    code: r.code.clone(),
                    name_vi: r.name_vi.clone(),
                    name_en: r.name_en.clone(),
                    wording: r.wording.clone(),
                    asks: [
                        ("tasks", r.asks.tasks),
                        ("metrics", r.asks.metrics),
                        ("document", r.asks.document),
                    ]
                    .into_iter()
                    .filter(|(_, on)| *on)
                    .map(|(name, _)| name.to_owned())
                    .collect(),
                    recipients: r.recipients.as_deref().map_or_else(|| vec!["*".to_owned()], codes),
                    to: r.to.as_str().to_owned(),
                    schedule: match r.schedule {
                        Schedule::Once { due_before } => ScheduleEntry {
                            kind: "once".into(),
                            due_before: Some(date(due_before)),
                            every: None,
                            month: None,
                            due_before_day: None,
                        },
                        Schedule::Recurring { every, month, due_before_day } => ScheduleEntry {
                            kind: "recurring".into(),
                            due_before: None,
                            every: Some(every.as_str().to_owned()),
                            month: Some(month),
                            due_before_day: Some(due_before_day),
                        },
                    },
                })
                .collect(),
            holidays: self
                .holidays
                .iter()
                .map(|h| HolidayEntry {
                    from: date(h.from),
                    to: (h.to != h.from).then(|| date(h.to)),
                    name: h.name.clone(),
                })
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

impl std::fmt::Display for Target {
    /// Vietnamese notation, as a plan file writes it: "9.002", "36/51".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = Quantity { value: self.value, out_of: self.out_of, unit: None };
        q.fmt(f)
    }
}
