//! Checking a plan file, continued: reporting rounds and their schedules, the calendar's
//! holidays and working days, and the reminder policy.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, Weekday};

use super::*;

impl Checker {
    pub(super) fn rounds(&mut self, file: &[RoundEntry], known: &Known) -> Vec<ReportingRound> {
        let mut codes = HashSet::new();
        let mut out = Vec::new();
        for r in file {
            let at = format!("rounds[{}]", r.code);
            if !codes.insert(r.code.as_str()) {
                self.push(&at, ProblemKind::DuplicateCode { code: r.code.clone() });
            }
            self.slug(&format!("{at}.code"), &r.code);
            self.text(&format!("{at}.name_vi"), &r.name_vi);
            let asks = self.asks(&at, &r.asks);
            let recipients = if r.recipients.iter().any(|c| c == "*") {
                None
            } else {
                if r.recipients.is_empty() {
                    self.push(&format!("{at}.recipients"), ProblemKind::NoRecipients);
                }
                Some(self.agency_refs(&format!("{at}.recipients"), &r.recipients, &known.assignable))
            };
            let to = self.agency_ref(&format!("{at}.to"), &r.to, &known.agencies);
            let sections =
                r.sections.as_deref().map(|s| self.numbers(&format!("{at}.sections"), s, &known.sections));
            let indicators = r
                .indicators
                .as_deref()
                .map(|i| self.numbers(&format!("{at}.indicators"), i, &known.indicators));
            let schedule = self.schedule(&format!("{at}.schedule"), &r.schedule, known.year);
            if let (Some(to), Some(schedule)) = (to, schedule) {
                out.push(ReportingRound {
                    code: r.code.clone(),
                    name_vi: r.name_vi.clone(),
                    name_en: r.name_en.clone(),
                    wording: r.wording.clone(),
                    asks,
                    recipients,
                    to,
                    schedule,
                    sections,
                    indicators,
                    replaces: r.replaces.clone(),
                });
            }
        }
        out
    }

    fn asks(&mut self, at: &str, asks: &[String]) -> Asks {
        let mut out = Asks::default();
        for a in asks {
            match a.as_str() {
                "tasks" => out.tasks = true,
                "metrics" => out.metrics = true,
                "document" => out.document = true,
                _ => self.push(
                    &format!("{at}.asks"),
                    ProblemKind::BadChoice { value: a.clone(), allowed: "tasks, metrics, document" },
                ),
            }
        }
        if asks.is_empty() {
            self.push(&format!("{at}.asks"), ProblemKind::Empty);
        }
        out
    }

    /// Section or indicator numbers a round is limited to: each must exist.
    fn numbers(&mut self, at: &str, numbers: &[u32], known: &HashSet<u32>) -> Vec<u32> {
        if numbers.is_empty() {
            self.push(at, ProblemKind::Empty);
        }
        for n in numbers.iter().filter(|n| !known.contains(n)) {
            self.push(at, ProblemKind::UnknownRef { value: n.to_string() });
        }
        numbers.to_vec()
    }

    fn schedule(&mut self, at: &str, s: &ScheduleEntry, year: i32) -> Option<Schedule> {
        match s.kind.as_str() {
            "once" => {
                let recurring = "kind = \"recurring\"";
                for (field, set) in [
                    ("every", s.every.is_some()),
                    ("month", s.month.is_some()),
                    ("due_before_day", s.due_before_day.is_some()),
                    ("due_by_day", s.due_by_day.is_some()),
                    ("skip", !s.skip.is_empty()),
                ] {
                    if set {
                        self.push(&format!("{at}.{field}"), ProblemKind::OnlyWith { field, with: recurring });
                    }
                }
                let due = self.due_date(at, s.due_by.as_deref(), s.due_before.as_deref(), Some(year))?;
                Some(Schedule::Once { due })
            }
            "recurring" => {
                let once = "kind = \"once\"";
                for (field, set) in [("due_before", s.due_before.is_some()), ("due_by", s.due_by.is_some())] {
                    if set {
                        self.push(&format!("{at}.{field}"), ProblemKind::OnlyWith { field, with: once });
                    }
                }
                let every = s.every.as_deref().unwrap_or_default();
                let every = self.choice(
                    &format!("{at}.every"),
                    every,
                    Cadence::parse,
                    "month, quarter, half_year, year",
                );
                let month = s.month.unwrap_or(1);
                let month_ok = self.in_range(&format!("{at}.month"), month, 1, 12);
                let day = self.due_day(at, s);
                let periods = every.map_or(12, |e| 12 / e.months());
                let skip_ok = s.skip.iter().all(|&n| self.in_range(&format!("{at}.skip"), n, 1, periods));
                match (every, day) {
                    (Some(every), Some(day)) if month_ok && skip_ok => {
                        Some(Schedule::Recurring { every, month, day, skip: s.skip.clone() })
                    }
                    _ => None,
                }
            }
            other => {
                self.push(
                    &format!("{at}.kind"),
                    ProblemKind::BadChoice { value: other.to_owned(), allowed: "once, recurring" },
                );
                None
            }
        }
    }

    /// A recurring round's day: "before day N" (2–28: day 1 would put the last day in the month
    /// before, and 29–31 do not exist every month) or "by day N" (1–31, clamped).
    fn due_day(&mut self, at: &str, s: &ScheduleEntry) -> Option<DueDay> {
        match (s.due_before_day, s.due_by_day) {
            (Some(_), Some(_)) => {
                self.push(at, ProblemKind::BothSet { first: "due_before_day", second: "due_by_day" });
                None
            }
            (Some(n), None) => {
                self.in_range(&format!("{at}.due_before_day"), n, 2, 28).then_some(DueDay::Before(n))
            }
            (None, Some(n)) => self.in_range(&format!("{at}.due_by_day"), n, 1, 31).then_some(DueDay::By(n)),
            (None, None) => {
                self.push(at, ProblemKind::MissingOneOf { first: "due_by_day", second: "due_before_day" });
                None
            }
        }
    }

    /// A one-off date written as `due_by` or `due_before` (not both). With `year`, one of them
    /// is required and the last day must fall in that year ("before 1 January" of the next year
    /// is still the plan year's 31 December).
    pub(super) fn due_date(
        &mut self,
        at: &str,
        by: Option<&str>,
        before: Option<&str>,
        year: Option<i32>,
    ) -> Option<DueDate> {
        let due = match (by, before) {
            (Some(_), Some(_)) => {
                self.push(at, ProblemKind::BothSet { first: "due_by", second: "due_before" });
                return None;
            }
            (Some(d), None) => DueDate::By(self.date(&format!("{at}.due_by"), d, None)?),
            (None, Some(d)) => DueDate::Before(self.date(&format!("{at}.due_before"), d, None)?),
            (None, None) => {
                if year.is_some() {
                    self.push(at, ProblemKind::MissingOneOf { first: "due_by", second: "due_before" });
                }
                return None;
            }
        };
        if let Some(year) = year
            && due.last_day()?.year() != year
        {
            let (field, value) = match (by, before) {
                (Some(d), _) => ("due_by", d),
                (_, Some(d)) => ("due_before", d),
                _ => return None,
            };
            self.push(
                &format!("{at}.{field}"),
                ProblemKind::DateOutsideYear { value: value.to_owned(), year },
            );
            return None;
        }
        Some(due)
    }

    /// Days off, in the plan's year or the next (for deadlines and nudges in January).
    pub(super) fn holidays(&mut self, file: &[HolidayEntry], year: i32) -> Vec<Holiday> {
        let mut out = Vec::new();
        for (i, h) in file.iter().enumerate() {
            let at = place::nth("holidays", i);
            let from = self.calendar_day(&format!("{at}.from"), &h.from, year);
            let to = match &h.to {
                Some(to) => self.calendar_day(&format!("{at}.to"), to, year),
                None => from,
            };
            if let (Some(from), Some(to)) = (from, to) {
                if to < from {
                    self.push(&at, ProblemKind::EndBeforeStart);
                } else {
                    out.push(Holiday { from, to, name: h.name.clone() });
                }
            }
        }
        out
    }

    /// Saturdays and Sundays worked to make up for a day off, in the plan's year or the next.
    pub(super) fn working_days(&mut self, file: &[WorkingDayEntry], year: i32) -> Vec<WorkingDay> {
        let mut out = Vec::new();
        for (i, w) in file.iter().enumerate() {
            let at = place::nth("working_days", i);
            self.text(&format!("{at}.name"), &w.name);
            let Some(date) = self.calendar_day(&format!("{at}.date"), &w.date, year) else { continue };
            if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                out.push(WorkingDay { date, name: w.name.clone() });
            } else {
                self.push(&format!("{at}.date"), ProblemKind::NotAWeekend { value: w.date.clone() });
            }
        }
        out
    }

    fn calendar_day(&mut self, at: &str, value: &str, year: i32) -> Option<NaiveDate> {
        let date = self.date(at, value, None)?;
        if date.year() != year && date.year() != year + 1 {
            self.push(at, ProblemKind::DateOutsideYears { value: value.to_owned(), year, next: year + 1 });
        }
        Some(date)
    }

    pub(super) fn reminders(&mut self, r: Option<&ReminderEntry>) -> ReminderPolicy {
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
