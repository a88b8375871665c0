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
            lookups: Default::default(),
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

#[path = "plan_check_calendar.rs"]
mod calendar;

#[cfg(test)]
#[path = "plan_check_tests.rs"]
mod tests;
