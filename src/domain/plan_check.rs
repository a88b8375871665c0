//! Checking a plan file: every problem at once, each with its place.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

use super::number::Quantity;
use super::plan::*;
use super::plan_file::*;
use super::problems::{PlanProblem, ProblemKind, Problems};

/// Checks a plan file and builds the plan, or returns every problem found, each with its place.
impl TryFrom<&PlanFile> for Plan {
    type Error = Problems;

    fn try_from(file: &PlanFile) -> Result<Plan, Problems> {
        let mut p = Checker::default();
        let header = &file.plan;
        p.text("plan.code", &header.code);
        p.text("plan.title", &header.title);
        p.text("plan.province", &header.province);
        if !(2000..=2100).contains(&header.year) {
            p.push("plan.year", ProblemKind::BadYear { value: header.year.to_string() });
        }
        let year = header.year;
        let issued = header.issued.as_deref().and_then(|d| p.date("plan.issued", d, None));
        let time_zone = match header.time_zone.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                p.push("plan.time_zone", ProblemKind::BadTimeZone { value: header.time_zone.clone() });
                None
            }
        };

        // Agencies and groups share one namespace of codes.
        let mut codes = HashSet::new();
        let mut agencies = Vec::new();
        for (i, a) in file.agencies.iter().enumerate() {
            let place = format!("agencies[{i}]");
            p.text(&format!("{place}.name_vi"), &a.name_vi);
            p.text(&format!("{place}.name_en"), &a.name_en);
            if let Some(code) = p.code(&format!("{place}.code"), &a.code, &mut codes) {
                agencies.push(Agency { code, name_vi: a.name_vi.clone(), name_en: a.name_en.clone() });
            }
        }
        if file.agencies.is_empty() {
            p.push("agencies", ProblemKind::Empty);
        }
        let agency_codes: HashSet<&str> = file.agencies.iter().map(|a| a.code.as_str()).collect();
        let mut groups = Vec::new();
        for (i, g) in file.groups.iter().enumerate() {
            let place = format!("groups[{}]", g.code);
            let code = p.code(&format!("groups[{i}].code"), &g.code, &mut codes);
            if g.members.is_empty() {
                p.push(&format!("{place}.members"), ProblemKind::Empty);
            }
            let members = p.agency_refs(&format!("{place}.members"), &g.members, &agency_codes);
            if let Some(code) = code {
                groups.push(AgencyGroup {
                    code,
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    members,
                });
            }
        }
        let assignable: HashSet<&str> =
            agency_codes.iter().copied().chain(file.groups.iter().map(|g| g.code.as_str())).collect();
        let coordinator = p.agency_ref("plan.coordinator", &header.coordinator, &agency_codes);

        let mut sections = Vec::new();
        let mut numbers = HashSet::new();
        for s in &file.sections {
            let place = format!("sections[{}]", s.number);
            if !numbers.insert(s.number) {
                p.push(&place, ProblemKind::DuplicateCode { code: s.number.to_string() });
            }
            p.text(&format!("{place}.heading"), &s.heading);
            if s.assignees.is_empty() {
                p.push(&format!("{place}.assignees"), ProblemKind::Empty);
            }
            let assignees = p.agency_refs(&format!("{place}.assignees"), &s.assignees, &assignable);
            if s.tasks.is_empty() {
                p.push(&format!("{place}.tasks"), ProblemKind::Empty);
            }
            let mut letters = HashSet::new();
            let mut tasks = Vec::new();
            for t in &s.tasks {
                let tplace = format!("{place}.tasks[{}]", t.id);
                if !letters.insert(t.id.as_str()) {
                    p.push(&tplace, ProblemKind::DuplicateCode { code: t.id.clone() });
                }
                if t.id.chars().count() > 3 || t.id.contains(|c: char| !c.is_alphanumeric()) {
                    p.push(&tplace, ProblemKind::BadCode { code: t.id.clone() });
                }
                p.text(&format!("{tplace}.text"), &t.text);
                let code =
                    if t.id.is_empty() { s.number.to_string() } else { format!("{}.{}", s.number, t.id) };
                tasks.push(Task { code, letter: t.id.clone(), text: t.text.clone() });
            }
            sections.push(Section {
                number: s.number,
                heading: s.heading.clone(),
                heading_inferred: s.heading_inferred,
                assignees,
                tasks,
            });
        }

        let mut indicators = Vec::new();
        let mut inumbers = HashSet::new();
        let mut metric_codes = HashSet::new();
        for ind in &file.indicators {
            let place = format!("indicators[{}]", ind.number);
            if !inumbers.insert(ind.number) {
                p.push(&place, ProblemKind::DuplicateCode { code: ind.number.to_string() });
            }
            p.text(&format!("{place}.name_vi"), &ind.name_vi);
            p.text(&format!("{place}.text"), &ind.text);
            if ind.agencies.is_empty() {
                p.push(&format!("{place}.agencies"), ProblemKind::Empty);
            }
            let ind_agencies = p.agency_refs(&format!("{place}.agencies"), &ind.agencies, &agency_codes);
            if ind.qualitative != ind.metrics.is_empty() {
                p.push(&place, ProblemKind::QualitativeMismatch);
            }
            let mut metrics = Vec::new();
            for m in &ind.metrics {
                let mplace = format!("{place}.metrics[{}]", m.code);
                if !metric_codes.insert(m.code.as_str()) {
                    p.push(&mplace, ProblemKind::DuplicateCode { code: m.code.clone() });
                }
                p.text(&format!("{mplace}.code"), &m.code);
                p.text(&format!("{mplace}.name_vi"), &m.name_vi);
                p.text(&format!("{mplace}.unit"), &m.unit);
                let target = p.target(&format!("{mplace}.target"), &m.target);
                let direction = Direction::parse(&m.direction);
                if direction.is_none() {
                    p.push(
                        &format!("{mplace}.direction"),
                        ProblemKind::BadChoice {
                            value: m.direction.clone(),
                            allowed: "at_least, at_most, reduce_by",
                        },
                    );
                }
                let agency = match &m.agency {
                    Some(code) => p.agency_ref(&format!("{mplace}.agency"), code, &agency_codes),
                    None => ind_agencies.first().cloned(),
                };
                if let (Some(target), Some(direction), Some(agency)) = (target, direction, agency) {
                    metrics.push(Metric {
                        code: m.code.clone(),
                        name_vi: m.name_vi.clone(),
                        name_en: m.name_en.clone(),
                        unit: m.unit.clone(),
                        target,
                        direction,
                        wording: m.wording.clone(),
                        agency,
                        agency_from_indicator: m.agency.is_none(),
                        agency_inferred: m.agency_inferred,
                    });
                }
            }
            indicators.push(Indicator {
                number: ind.number,
                name_vi: ind.name_vi.clone(),
                name_en: ind.name_en.clone(),
                text: ind.text.clone(),
                agencies: ind_agencies,
                agencies_inferred: ind.agencies_inferred,
                metrics,
            });
        }

        let mut rounds = Vec::new();
        let mut round_codes = HashSet::new();
        for r in &file.rounds {
            let place = format!("rounds[{}]", r.code);
            if !round_codes.insert(r.code.as_str()) {
                p.push(&place, ProblemKind::DuplicateCode { code: r.code.clone() });
            }
            let slug_ok = !r.code.is_empty()
                && r.code.len() <= 32
                && r.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !slug_ok {
                p.push(&format!("{place}.code"), ProblemKind::BadCode { code: r.code.clone() });
            }
            p.text(&format!("{place}.name_vi"), &r.name_vi);
            let mut asks = Asks::default();
            for a in &r.asks {
                match a.as_str() {
                    "tasks" => asks.tasks = true,
                    "metrics" => asks.metrics = true,
                    "document" => asks.document = true,
                    _ => p.push(
                        &format!("{place}.asks"),
                        ProblemKind::BadChoice { value: a.clone(), allowed: "tasks, metrics, document" },
                    ),
                }
            }
            if r.asks.is_empty() {
                p.push(&format!("{place}.asks"), ProblemKind::Empty);
            }
            let recipients = if r.recipients.iter().any(|c| c == "*") {
                None
            } else {
                if r.recipients.is_empty() {
                    p.push(&format!("{place}.recipients"), ProblemKind::NoRecipients);
                }
                Some(p.agency_refs(&format!("{place}.recipients"), &r.recipients, &assignable))
            };
            let to = p.agency_ref(&format!("{place}.to"), &r.to, &agency_codes);
            let schedule = p.schedule(&format!("{place}.schedule"), &r.schedule, year);
            if let (Some(to), Some(schedule)) = (to, schedule) {
                rounds.push(ReportingRound {
                    code: r.code.clone(),
                    name_vi: r.name_vi.clone(),
                    name_en: r.name_en.clone(),
                    wording: r.wording.clone(),
                    asks,
                    recipients,
                    to,
                    schedule,
                });
            }
        }

        let mut holidays = Vec::new();
        for (i, h) in file.holidays.iter().enumerate() {
            let place = format!("holidays[{i}]");
            let from = p.date(&format!("{place}.from"), &h.from, Some(year));
            let to = match &h.to {
                Some(to) => p.date(&format!("{place}.to"), to, Some(year)),
                None => from,
            };
            if let (Some(from), Some(to)) = (from, to) {
                if to < from {
                    p.push(&place, ProblemKind::EndBeforeStart);
                } else {
                    holidays.push(Holiday { from, to, name: h.name.clone() });
                }
            }
        }

        let reminders = p.reminders(file.reminders.as_ref());

        let problems = p.problems;
        match (time_zone, coordinator) {
            (Some(time_zone), Some(coordinator)) if problems.is_empty() => Ok(Plan {
                code: header.code.clone(),
                title: header.title.clone(),
                title_en: header.title_en.clone(),
                province: header.province.clone(),
                year,
                issued,
                time_zone,
                coordinator,
                agencies,
                groups,
                sections,
                indicators,
                rounds,
                holidays,
                reminders,
            }),
            _ => Err(Problems(problems)),
        }
    }
}

/// Collects problems while reading a file; each helper returns what it could read.
#[derive(Default)]
struct Checker {
    problems: Vec<PlanProblem>,
}

impl Checker {
    fn push(&mut self, place: &str, kind: ProblemKind) {
        self.problems.push(PlanProblem { place: place.to_owned(), kind });
    }

    fn text(&mut self, place: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(place, ProblemKind::Empty);
        }
    }

    fn code(&mut self, place: &str, code: &str, seen: &mut HashSet<String>) -> Option<AgencyCode> {
        let Some(parsed) = AgencyCode::parse(code) else {
            self.push(place, ProblemKind::BadCode { code: code.to_owned() });
            return None;
        };
        if !seen.insert(code.to_owned()) {
            self.push(place, ProblemKind::DuplicateCode { code: code.to_owned() });
            return None;
        }
        Some(parsed)
    }

    fn agency_ref(&mut self, place: &str, code: &str, known: &HashSet<&str>) -> Option<AgencyCode> {
        if known.contains(code) {
            AgencyCode::parse(code)
        } else {
            self.push(place, ProblemKind::UnknownAgency { code: code.to_owned() });
            None
        }
    }

    fn agency_refs(&mut self, place: &str, codes: &[String], known: &HashSet<&str>) -> Vec<AgencyCode> {
        codes.iter().filter_map(|c| self.agency_ref(place, c, known)).collect()
    }

    fn date(&mut self, place: &str, value: &str, year: Option<i32>) -> Option<NaiveDate> {
        let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") else {
            self.push(place, ProblemKind::BadDate { value: value.to_owned() });
            return None;
        };
        if let Some(year) = year
            && date.year() != year
        {
            self.push(place, ProblemKind::DateOutsideYear { value: value.to_owned(), year });
        }
        Some(date)
    }

    fn time(&mut self, place: &str, value: Option<&str>, default: NaiveTime) -> NaiveTime {
        let Some(value) = value else { return default };
        NaiveTime::parse_from_str(value, "%H:%M").unwrap_or_else(|_| {
            self.push(place, ProblemKind::BadTime { value: value.to_owned() });
            default
        })
    }

    fn target(&mut self, place: &str, value: &str) -> Option<Target> {
        match Quantity::parse(value) {
            Ok(q) if q.unit.is_none() => Some(Target { value: q.value, out_of: q.out_of }),
            _ => {
                self.push(place, ProblemKind::NotANumber { value: value.to_owned() });
                None
            }
        }
    }

    fn schedule(&mut self, place: &str, s: &ScheduleEntry, year: i32) -> Option<Schedule> {
        match s.kind.as_str() {
            "once" => {
                let Some(due) = &s.due_before else {
                    self.push(&format!("{place}.due_before"), ProblemKind::Empty);
                    return None;
                };
                // "Before 1 January of the next year" is still a deadline within the plan year.
                let date = self.date(&format!("{place}.due_before"), due, None)?;
                let last_day = date.pred_opt()?;
                if last_day.year() != year {
                    self.push(
                        &format!("{place}.due_before"),
                        ProblemKind::DateOutsideYear { value: due.clone(), year },
                    );
                    return None;
                }
                Some(Schedule::Once { due_before: date })
            }
            "recurring" => {
                let every = s.every.as_deref().and_then(Cadence::parse);
                if every.is_none() {
                    self.push(
                        &format!("{place}.every"),
                        ProblemKind::BadChoice {
                            value: s.every.clone().unwrap_or_default(),
                            allowed: "month, quarter, half_year, year",
                        },
                    );
                }
                let month = s.month.unwrap_or(1);
                if !(1..=12).contains(&month) {
                    self.push(
                        &format!("{place}.month"),
                        ProblemKind::OutOfRange { value: month.to_string(), min: 1, max: 12 },
                    );
                }
                // Day 1 would put the last day in the month before; 29..31 do not exist every month.
                let day = s.due_before_day.unwrap_or(0);
                if !(2..=28).contains(&day) {
                    self.push(
                        &format!("{place}.due_before_day"),
                        ProblemKind::OutOfRange { value: day.to_string(), min: 2, max: 28 },
                    );
                }
                let every = every?;
                ((1..=12).contains(&month) && (2..=28).contains(&day)).then_some(Schedule::Recurring {
                    every,
                    month,
                    due_before_day: day,
                })
            }
            other => {
                self.push(
                    &format!("{place}.kind"),
                    ProblemKind::BadChoice { value: other.to_owned(), allowed: "once, recurring" },
                );
                None
            }
        }
    }

    fn reminders(&mut self, r: Option<&ReminderEntry>) -> ReminderPolicy {
        let d = ReminderPolicy::default();
        let Some(r) = r else { return d };
        let mut days_before = r.days_before.clone().unwrap_or(d.days_before.clone());
        days_before.sort_unstable_by(|a, b| b.cmp(a));
        days_before.dedup();
        if days_before.iter().any(|&n| n > 60) {
            self.push(
                "reminders.days_before",
                ProblemKind::OutOfRange { value: format!("{days_before:?}"), min: 0, max: 60 },
            );
        }
        let digest_weekday = match r.digest_weekday.as_deref() {
            None => d.digest_weekday,
            Some(w) => weekday(w).unwrap_or_else(|| {
                self.push(
                    "reminders.digest_weekday",
                    ProblemKind::BadChoice {
                        value: w.to_owned(),
                        allowed: "mon, tue, wed, thu, fri, sat, sun",
                    },
                );
                d.digest_weekday
            }),
        };
        let policy = ReminderPolicy {
            days_before,
            send_at: self.time("reminders.send_at", r.send_at.as_deref(), d.send_at),
            quiet_from: self.time("reminders.quiet_from", r.quiet_from.as_deref(), d.quiet_from),
            quiet_until: self.time("reminders.quiet_until", r.quiet_until.as_deref(), d.quiet_until),
            overdue_every_working_days: r.overdue_every_working_days.unwrap_or(d.overdue_every_working_days),
            overdue_max: r.overdue_max.unwrap_or(d.overdue_max),
            escalate_after_working_days: r
                .escalate_after_working_days
                .unwrap_or(d.escalate_after_working_days),
            digest_weekday,
            digest_at: self.time("reminders.digest_at", r.digest_at.as_deref(), d.digest_at),
        };
        if policy.overdue_every_working_days == 0 {
            self.push(
                "reminders.overdue_every_working_days",
                ProblemKind::OutOfRange { value: "0".into(), min: 1, max: 30 },
            );
        }
        if policy.is_quiet(policy.send_at) {
            self.push(
                "reminders.send_at",
                ProblemKind::InQuietHours { value: policy.send_at.format("%H:%M").to_string() },
            );
        }
        if policy.is_quiet(policy.digest_at) {
            self.push(
                "reminders.digest_at",
                ProblemKind::InQuietHours { value: policy.digest_at.format("%H:%M").to_string() },
            );
        }
        policy
    }
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

pub(super) fn weekday_str(w: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][w.num_days_from_monday() as usize]
}

#[cfg(test)]
#[path = "plan_check_tests.rs"]
mod tests;
