//! Checking a plan file: every problem at once, each with its place, and the warnings.
//!
//! A place names an entry the way the plan does: sections and indicators by their number,
//! tasks by their letter, metrics, groups and rounds by their code. Entries the plan does not
//! number (agencies, holidays, working days) go by their position counted from 1, as a person
//! counts them: `holidays[3]` is the third `[[holidays]]`.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::calendar::PeriodKey;
use super::plan::*;
use super::plan_file::*;
use super::problems::{PlanProblem, ProblemKind, Problems};

/// How places are written; the key walk of `plan_keys` writes them the same way.
pub(super) mod place {
    /// The `i`-th entry (from 0) of a list the plan does not number: "agencies[4]" for the 4th.
    pub fn nth(list: &str, i: usize) -> String {
        format!("{list}[{}]", i + 1)
    }

    /// An entry by its own number or code, else by its position.
    pub fn coded(list: &str, label: Option<String>, i: usize) -> String {
        match label {
            Some(label) => format!("{list}[{label}]"),
            None => nth(list, i),
        }
    }
}

/// Checks a plan file and builds the plan, or returns every problem found, each with its place.
impl TryFrom<&PlanFile> for Plan {
    type Error = Problems;

    fn try_from(file: &PlanFile) -> Result<Plan, Problems> {
        check_file(file).0
    }
}

/// Checks a plan file: the plan or every problem, and the warnings either way.
pub(super) fn check_file(file: &PlanFile) -> (Result<Plan, Problems>, Vec<PlanProblem>) {
    let mut p = Checker::default();
    let header = &file.plan;
    let time_zone = p.header(header);
    let year = header.year;
    let issued = header.issued.as_deref().and_then(|d| p.date("plan.issued", d, None));
    let known = Known::of(file);

    // Agencies and groups share one namespace of codes.
    let mut codes = HashSet::new();
    let agencies = p.agencies(&file.agencies, &mut codes);
    let groups = p.groups(&file.groups, &mut codes, &known);
    let coordinator = p.agency_ref("plan.coordinator", &header.coordinator, &known.agencies);
    let sections = p.sections(&file.sections, &known);
    let indicators = p.indicators(&file.indicators, &known, &file.groups);
    let indicator_groups = p.indicator_groups(&file.indicator_groups, &known);
    let rounds = p.rounds(&file.rounds, &known);
    let holidays = p.holidays(&file.holidays, year);
    let working_days = p.working_days(&file.working_days, year);
    let reminders = p.reminders(file.reminders.as_ref());

    let Checker { problems, warnings } = p;
    let plan = match (time_zone, coordinator) {
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
            indicator_groups,
            rounds,
            holidays,
            working_days,
            reminders,
            amends: header.amends.clone(),
        }),
        _ => Err(Problems(problems)),
    };
    (plan, warnings)
}

/// What entries may refer to.
struct Known<'f> {
    year: i32,
    agencies: HashSet<&'f str>,
    /// Agencies and groups.
    assignable: HashSet<&'f str>,
    sections: HashSet<u32>,
    indicators: HashSet<u32>,
}

impl<'f> Known<'f> {
    fn of(file: &'f PlanFile) -> Known<'f> {
        let agencies: HashSet<&str> = file.agencies.iter().map(|a| a.code.as_str()).collect();
        Known {
            year: file.plan.year,
            assignable: agencies.iter().copied().chain(file.groups.iter().map(|g| g.code.as_str())).collect(),
            agencies,
            sections: file.sections.iter().map(|s| s.number).collect(),
            indicators: file.indicators.iter().map(|i| i.number).collect(),
        }
    }
}

/// Collects problems and warnings while reading a file; each part returns what it could read.
#[derive(Default)]
struct Checker {
    problems: Vec<PlanProblem>,
    warnings: Vec<PlanProblem>,
}

impl Checker {
    fn header(&mut self, header: &PlanHeader) -> Option<Tz> {
        self.text("plan.code", &header.code);
        self.text("plan.title", &header.title);
        self.text("plan.province", &header.province);
        if !(2000..=2100).contains(&header.year) {
            self.push("plan.year", ProblemKind::BadYear { value: header.year.to_string() });
        }
        match header.time_zone.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.push("plan.time_zone", ProblemKind::BadTimeZone { value: header.time_zone.clone() });
                None
            }
        }
    }

    fn agencies(&mut self, file: &[AgencyEntry], codes: &mut HashSet<String>) -> Vec<Agency> {
        if file.is_empty() {
            self.push("agencies", ProblemKind::Empty);
        }
        let mut out = Vec::new();
        for (i, a) in file.iter().enumerate() {
            let at = place::nth("agencies", i);
            self.text(&format!("{at}.name_vi"), &a.name_vi);
            self.text(&format!("{at}.name_en"), &a.name_en);
            self.optional_text(&format!("{at}.short_vi"), a.short_vi.as_deref());
            self.optional_text(&format!("{at}.short_en"), a.short_en.as_deref());
            if let Some(code) = self.code(&format!("{at}.code"), &a.code, codes) {
                out.push(Agency {
                    code,
                    name_vi: a.name_vi.clone(),
                    name_en: a.name_en.clone(),
                    short_vi: a.short_vi.clone(),
                    short_en: a.short_en.clone(),
                });
            }
        }
        out
    }

    fn groups(
        &mut self,
        file: &[GroupEntry],
        codes: &mut HashSet<String>,
        known: &Known,
    ) -> Vec<AgencyGroup> {
        let mut out = Vec::new();
        for (i, g) in file.iter().enumerate() {
            let at = format!("groups[{}]", g.code);
            let code = self.code(&format!("{}.code", place::nth("groups", i)), &g.code, codes);
            if g.members.is_empty() {
                self.push(&format!("{at}.members"), ProblemKind::Empty);
            }
            let members = self.agency_refs(&format!("{at}.members"), &g.members, &known.agencies);
            if let Some(code) = code {
                out.push(AgencyGroup {
                    code,
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    members,
                });
            }
        }
        out
    }

    fn sections(&mut self, file: &[SectionEntry], known: &Known) -> Vec<Section> {
        let mut numbers = HashSet::new();
        let mut out = Vec::new();
        for s in file {
            let at = format!("sections[{}]", s.number);
            if !numbers.insert(s.number) {
                self.push(&at, ProblemKind::DuplicateCode { code: s.number.to_string() });
            }
            self.text(&format!("{at}.heading"), &s.heading);
            let assignees = self.agency_refs(&format!("{at}.assignees"), &s.assignees, &known.assignable);
            if s.tasks.is_empty() {
                self.push(&format!("{at}.tasks"), ProblemKind::Empty);
            }
            let mut letters = HashSet::new();
            let tasks = s.tasks.iter().map(|t| self.task(&at, s, t, &mut letters, known)).collect();
            out.push(Section {
                number: s.number,
                heading: s.heading.clone(),
                heading_inferred: s.heading_inferred,
                assignees,
                tasks,
            });
        }
        out
    }

    fn task<'f>(
        &mut self,
        section_at: &str,
        section: &SectionEntry,
        t: &'f TaskEntry,
        letters: &mut HashSet<&'f str>,
        known: &Known,
    ) -> Task {
        let at = format!("{section_at}.tasks[{}]", t.id);
        if !letters.insert(t.id.as_str()) {
            self.push(&at, ProblemKind::DuplicateCode { code: t.id.clone() });
        }
        if t.id.chars().count() > 3 || t.id.contains(|c: char| !c.is_alphanumeric()) {
            self.push(&at, ProblemKind::BadCode { code: t.id.clone() });
        }
        self.text(&format!("{at}.text"), &t.text);
        // A task needs someone to lead it: its own lead, or its section's assignees.
        if t.lead.is_empty() && section.assignees.is_empty() {
            self.push(&format!("{at}.lead"), ProblemKind::Empty);
        }
        let lead = self.agency_refs(&format!("{at}.lead"), &t.lead, &known.assignable);
        let cooperating = self.agency_refs(&format!("{at}.cooperating"), &t.cooperating, &known.assignable);
        let due = self.due_date(&at, t.due_by.as_deref(), t.due_before.as_deref(), None);
        self.optional_text(&format!("{at}.output"), t.output.as_deref());
        let code =
            if t.id.is_empty() { section.number.to_string() } else { format!("{}.{}", section.number, t.id) };
        Task {
            code,
            letter: t.id.clone(),
            text: t.text.clone(),
            lead,
            cooperating,
            due,
            output: t.output.clone(),
            replaces: t.replaces.clone(),
        }
    }

    fn indicators(
        &mut self,
        file: &[IndicatorEntry],
        known: &Known,
        groups: &[GroupEntry],
    ) -> Vec<Indicator> {
        let mut numbers = HashSet::new();
        // Metric codes are unique in the whole plan, not only in their indicator.
        let mut metric_codes = HashSet::new();
        let mut out = Vec::new();
        for ind in file {
            if !numbers.insert(ind.number) {
                self.push(
                    &format!("indicators[{}]", ind.number),
                    ProblemKind::DuplicateCode { code: ind.number.to_string() },
                );
            }
            for m in &ind.metrics {
                if !metric_codes.insert(m.code.as_str()) {
                    let at = format!("indicators[{}].metrics[{}]", ind.number, m.code);
                    self.push(&at, ProblemKind::DuplicateCode { code: m.code.clone() });
                }
            }
            out.push(self.indicator(ind, known, groups));
        }
        out
    }

    fn indicator(&mut self, ind: &IndicatorEntry, known: &Known, groups: &[GroupEntry]) -> Indicator {
        let at = format!("indicators[{}]", ind.number);
        self.text(&format!("{at}.name_vi"), &ind.name_vi);
        self.text(&format!("{at}.text"), &ind.text);
        if ind.agencies.is_empty() {
            self.push(&format!("{at}.agencies"), ProblemKind::Empty);
        }
        let agencies = self.agency_refs(&format!("{at}.agencies"), &ind.agencies, &known.agencies);
        if ind.qualitative != ind.metrics.is_empty() {
            self.push(&at, ProblemKind::QualitativeMismatch);
        }
        let mut earlier: Vec<&str> = Vec::new();
        let mut metrics = Vec::new();
        for m in &ind.metrics {
            if let Some(metric) = self.metric(&at, &agencies, m, &earlier, known, groups) {
                metrics.push(metric);
            }
            earlier.push(&m.code);
        }
        Indicator {
            number: ind.number,
            name_vi: ind.name_vi.clone(),
            name_en: ind.name_en.clone(),
            text: ind.text.clone(),
            agencies,
            agencies_inferred: ind.agencies_inferred,
            metrics,
        }
    }

    /// One metric; `earlier` are the codes of the metrics before it in its indicator.
    fn metric(
        &mut self,
        indicator_at: &str,
        indicator_agencies: &[AgencyCode],
        m: &MetricEntry,
        earlier: &[&str],
        known: &Known,
        groups: &[GroupEntry],
    ) -> Option<Metric> {
        let at = format!("{indicator_at}.metrics[{}]", m.code);
        self.text(&format!("{at}.code"), &m.code);
        self.text(&format!("{at}.name_vi"), &m.name_vi);
        self.text(&format!("{at}.unit"), &m.unit);
        let target = self.target(&format!("{at}.target"), &m.target);
        if let Some(target) = &target {
            self.target_in_wording(&format!("{at}.target"), target, &m.wording);
        }
        let direction = self.choice(
            &format!("{at}.direction"),
            &m.direction,
            Direction::parse,
            "at_least, at_most, reduce_by",
        );
        if m.strict && m.about {
            self.push(&at, ProblemKind::BothSet { first: "strict", second: "about" });
        }
        let reduction = m
            .reduction
            .as_deref()
            .and_then(|r| self.choice(&format!("{at}.reduction"), r, Reduction::parse, "points, percent"));
        if m.reduction.is_some() && direction.is_some_and(|d| d != Direction::ReduceBy) {
            self.push(
                &format!("{at}.reduction"),
                ProblemKind::OnlyWith { field: "reduction", with: "direction = \"reduce_by\"" },
            );
        }
        let (agency, owners, combine) = self.owners(&at, m, indicator_agencies, known, groups);
        if let Some(parent) = &m.part_of
            && !earlier.contains(&parent.as_str())
        {
            self.push(&format!("{at}.part_of"), ProblemKind::UnknownRef { value: parent.clone() });
        }
        let kind = m
            .kind
            .as_deref()
            .and_then(|k| self.choice(&format!("{at}.kind"), k, ValueKind::parse, "flow, cumulative, level"));
        let last_year = m.last_year.as_deref().and_then(|v| self.target(&format!("{at}.last_year"), v));
        let mut same_period_last_year = BTreeMap::new();
        for (period, value) in &m.same_period_last_year {
            let period_at = format!("{at}.same_period_last_year.{period}");
            let key = period.parse::<PeriodKey>().ok().filter(|p| p.year() == known.year - 1);
            if key.is_none() {
                self.push(&period_at, ProblemKind::BadPeriod { value: period.clone(), year: known.year - 1 });
            }
            if let (Some(key), Some(value)) = (key, self.target(&period_at, value)) {
                same_period_last_year.insert(key, value);
            }
        }
        Some(Metric {
            code: m.code.clone(),
            name_vi: m.name_vi.clone(),
            name_en: m.name_en.clone(),
            unit: m.unit.clone(),
            target: target?,
            direction: direction?,
            strict: m.strict,
            about: m.about,
            reduction,
            wording: m.wording.clone(),
            agency: agency?,
            agency_from_indicator: m.agency.is_none() && m.agencies.is_empty(),
            agency_inferred: m.agency_inferred,
            owners,
            combine,
            part_of: m.part_of.clone(),
            kind,
            last_year,
            same_period_last_year,
            estimate: m.estimate,
            replaces: m.replaces.clone(),
        })
    }

    /// Who reports a metric: (the agency for views of one value, the owners as listed when
    /// several, how their values combine).
    fn owners(
        &mut self,
        at: &str,
        m: &MetricEntry,
        indicator_agencies: &[AgencyCode],
        known: &Known,
        groups: &[GroupEntry],
    ) -> (Option<AgencyCode>, Vec<AgencyCode>, Option<Combine>) {
        let combine = m
            .combine
            .as_deref()
            .and_then(|c| self.choice(&format!("{at}.combine"), c, Combine::parse, "each, sum, lead"));
        if m.agency.is_some() && !m.agencies.is_empty() {
            self.push(at, ProblemKind::BothSet { first: "agency", second: "agencies" });
        }
        if m.combine.is_some() && m.agencies.is_empty() {
            self.push(&format!("{at}.combine"), ProblemKind::OnlyWith { field: "combine", with: "agencies" });
        }
        if let Some(code) = &m.agency {
            return (self.agency_ref(&format!("{at}.agency"), code, &known.agencies), vec![], combine);
        }
        if m.agencies.is_empty() {
            return (indicator_agencies.first().cloned(), vec![], combine);
        }
        let owners = self.agency_refs(&format!("{at}.agencies"), &m.agencies, &known.assignable);
        // The reporters in the order listed, each group standing for its members.
        let mut reporters: Vec<&str> = Vec::new();
        for code in &m.agencies {
            let members = match groups.iter().find(|g| &g.code == code) {
                Some(g) => g.members.iter().map(String::as_str).collect(),
                None => vec![code.as_str()],
            };
            for member in members {
                if !reporters.contains(&member) {
                    reporters.push(member);
                }
            }
        }
        if reporters.len() > 1 && m.combine.is_none() {
            self.push(&format!("{at}.combine"), ProblemKind::CombineNeeded);
        }
        let first = &m.agencies[0];
        if combine == Some(Combine::Lead) && !known.agencies.contains(first.as_str()) {
            self.push(&format!("{at}.agencies"), ProblemKind::LeadIsGroup { code: first.clone() });
        }
        let agency =
            reporters.first().and_then(|c| AgencyCode::parse(c)).filter(|_| owners.len() == m.agencies.len());
        (agency, owners, combine)
    }

    fn indicator_groups(&mut self, file: &[IndicatorGroupEntry], known: &Known) -> Vec<IndicatorGroup> {
        let mut codes = HashSet::new();
        let mut listed = HashSet::new();
        let mut out = Vec::new();
        for g in file {
            let at = format!("indicator_groups[{}]", g.code);
            if !codes.insert(g.code.as_str()) {
                self.push(&at, ProblemKind::DuplicateCode { code: g.code.clone() });
            }
            self.slug(&format!("{at}.code"), &g.code);
            self.text(&format!("{at}.name_vi"), &g.name_vi);
            self.text(&format!("{at}.name_en"), &g.name_en);
            if g.indicators.is_empty() {
                self.push(&format!("{at}.indicators"), ProblemKind::Empty);
            }
            for n in &g.indicators {
                if !known.indicators.contains(n) {
                    self.push(&format!("{at}.indicators"), ProblemKind::UnknownRef { value: n.to_string() });
                } else if !listed.insert(*n) {
                    self.push(
                        &format!("{at}.indicators"),
                        ProblemKind::DuplicateCode { code: n.to_string() },
                    );
                }
            }
            out.push(IndicatorGroup {
                code: g.code.clone(),
                name_vi: g.name_vi.clone(),
                name_en: g.name_en.clone(),
                indicators: g.indicators.clone(),
            });
        }
        out
    }

    fn rounds(&mut self, file: &[RoundEntry], known: &Known) -> Vec<ReportingRound> {
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
    fn due_date(
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
    fn holidays(&mut self, file: &[HolidayEntry], year: i32) -> Vec<Holiday> {
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
    fn working_days(&mut self, file: &[WorkingDayEntry], year: i32) -> Vec<WorkingDay> {
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

    fn push(&mut self, place: &str, kind: ProblemKind) {
        self.problems.push(PlanProblem { place: place.to_owned(), kind });
    }

    fn warn(&mut self, place: &str, kind: ProblemKind) {
        self.warnings.push(PlanProblem { place: place.to_owned(), kind });
    }

    fn text(&mut self, place: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(place, ProblemKind::Empty);
        }
    }

    /// An optional text, when written, must not be blank.
    fn optional_text(&mut self, place: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.text(place, value);
        }
    }

    /// A round or indicator group code: lowercase ASCII letters, digits and '-', 1–32 long.
    fn slug(&mut self, place: &str, code: &str) {
        let ok = !code.is_empty()
            && code.len() <= 32
            && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            self.push(place, ProblemKind::BadCode { code: code.to_owned() });
        }
    }

    fn choice<T>(
        &mut self,
        place: &str,
        value: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &'static str,
    ) -> Option<T> {
        let parsed = parse(value);
        if parsed.is_none() {
            self.push(place, ProblemKind::BadChoice { value: value.to_owned(), allowed });
        }
        parsed
    }

    fn in_range(&mut self, place: &str, value: u32, min: u32, max: u32) -> bool {
        let ok = (min..=max).contains(&value);
        if !ok {
            self.push(place, ProblemKind::OutOfRange { value: value.to_string(), min, max });
        }
        ok
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
        let target = Target::parse(value);
        if target.is_none() {
            self.push(place, ProblemKind::NotANumber { value: value.to_owned() });
        }
        target
    }

    /// Warns when a number of the target is not among the numbers of its own wording ("36.300"
    /// against "3.630 tỷ đồng"), the sign of a mistyped target. A wording without numbers says
    /// nothing either way.
    fn target_in_wording(&mut self, place: &str, target: &Target, wording: &str) {
        let found = numbers_in(wording);
        if !found.is_empty() && target.numbers().iter().any(|n| !found.contains(n)) {
            let found = wording_numbers(wording).join(", ");
            self.warn(place, ProblemKind::TargetNotInWording { target: target.to_string(), found });
        }
    }
}

/// The numbers written in a text, as written: "3.630", "16,89", "36/51" (both parts).
fn wording_numbers(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '/')))
        .flat_map(|run| run.split('/'))
        .map(|run| run.trim_matches(|c| matches!(c, '.' | ',')))
        .filter(|run| run.starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

/// The values of [`wording_numbers`] that read as numbers the Vietnamese way.
fn numbers_in(text: &str) -> Vec<Decimal> {
    wording_numbers(text)
        .into_iter()
        .filter_map(|n| super::number::Quantity::parse(n).ok())
        .filter(|q| q.unit.is_none() && q.out_of.is_none())
        .map(|q| q.value)
        .collect()
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
