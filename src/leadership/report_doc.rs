//! The consolidated report's content for one period, from what was read: the heading block
//! from the plan (province, coordinating agency), Part I from the metrics' figures, Part II
//! from the agencies' task statuses and notes, Part III from the timeliness, Part IV from the
//! proposals the agencies made. Pure: [`super::consolidated`] reads, [`crate::export::docx`]
//! writes.
//!
//! A note about a blocked task is a shortcoming, a note that proposes something ("đề nghị",
//! "đề xuất", "kiến nghị") is a proposal, any other note on a task is a result. What an agency
//! wrote in its report's own narrative (results, shortcomings, causes, proposals) comes in
//! [`AgencyNarrative`] and lands in the same places.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};

use crate::answered::{VersionNote, answered_under};
use crate::domain::figures::{Assessment, Figures};
use crate::domain::plan::{Agency, Indicator, Metric, Section};
use crate::domain::report::{ItemKey, TaskStatus};
use crate::domain::timeliness::Timeliness;
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::export::docx::{
    DocHeading, IndicatorColumns, IndicatorLine, IndicatorPart, MetricLine, NarrativeLabels, Point,
    ProposalsPart, ReportDoc, SectionResult, SectionsPart, Signature, TimelinessPart,
};
use crate::i18n::Lang;
use crate::overview::Overview;
use crate::store::HandedInItem;
use crate::{present, t};

/// What one agency wrote about its own work in a period, beyond item notes (its report's
/// narrative).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyNarrative {
    pub results: Option<String>,
    pub shortcomings: Option<String>,
    pub causes: Option<String>,
    pub proposals: Option<String>,
}

/// Words that make a note a proposal, diacritics folded (the notes are typed in Vietnamese
/// whatever the reader's language, sometimes without diacritics).
const PROPOSAL_WORDS: [&str; 3] = ["de nghi", "de xuat", "kien nghi"];

/// Everything the report is made from.
pub struct Input<'a> {
    pub plan: &'a Plan,
    pub overview: &'a Overview,
    /// The period's handed-in items, every kind.
    pub items: &'a [HandedInItem],
    /// The figures of each metric for the period, by code.
    pub figures: &'a HashMap<String, Figures>,
    pub narratives: &'a HashMap<AgencyCode, AgencyNarrative>,
    /// Earlier plan versions the period's answers were filed under (empty: the current one).
    pub versions: &'a [VersionNote],
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// The period's items by agency and item.
type ByKey<'a> = HashMap<(&'a AgencyCode, &'a ItemKey), &'a HandedInItem>;

pub fn assemble(input: &Input) -> ReportDoc {
    let Input { plan, overview, now, lang, .. } = *input;
    let by_key: ByKey = input.items.iter().map(|i| ((&i.agency, &i.entry.key), i)).collect();
    let sections = sections_part(input, &by_key);
    let proposals = proposals(input, &sections, &by_key);
    let local = now.with_timezone(&plan.time_zone).naive_local();
    let coordinator = plan.agency(plan.coordinator.as_str());
    let issuer = coordinator.map_or_else(|| plan.coordinator.to_string(), |a| agency_name(lang, a));
    let period = period_words(lang, overview.period);
    let province = plan.province.clone();
    ReportDoc {
        doc_title: format!("{} {}", plan.code, overview.period),
        generated: local,
        heading: DocHeading {
            parent_body: t!(lang, "doc-parent-body", province = province.to_uppercase()),
            issuer: issuer.to_uppercase(),
            number: t!(
                lang,
                "doc-number",
                symbol = coordinator.map_or_else(String::new, |a| symbol(&a.name_vi))
            ),
            nation: t!(lang, "doc-nation"),
            motto: t!(lang, "doc-motto"),
            place_date: t!(lang, "doc-place-date", place = province.clone(), year = local.year()),
        },
        title: t!(lang, "doc-title"),
        subject: t!(lang, "doc-subject", plan = plan.code.clone(), period = period.clone()),
        recipient: t!(lang, "doc-recipient", province = province.clone()),
        intro: std::iter::once(t!(
            lang,
            "doc-intro",
            plan = plan.code.clone(),
            title = lowercase_first(plan_title(lang, plan)),
            issuer = issuer.clone(),
            period = period.clone()
        ))
        .chain(answered_under(lang, plan, input.versions))
        .collect(),
        indicators: indicator_part(input, &by_key),
        sections,
        timeliness: timeliness_part(input),
        proposals: ProposalsPart {
            heading: t!(lang, "doc-part-proposals"),
            items: proposals,
            none: t!(lang, "doc-none"),
        },
        closing: vec![t!(lang, "doc-closing", plan = plan.code.clone(), period = period, issuer = issuer)],
        signature: Signature {
            recipients_label: t!(lang, "doc-recipients-label"),
            recipients: t!(lang, "doc-recipients").lines().map(str::to_owned).collect(),
            authority: t!(lang, "doc-authority"),
            position: t!(lang, "doc-position"),
            name: String::new(),
        },
    }
}

fn indicator_part(input: &Input, by_key: &ByKey) -> IndicatorPart {
    let (plan, lang) = (input.plan, input.lang);
    let mut lines = Vec::with_capacity(plan.metric_count() + plan.indicators.len());
    for ind in &plan.indicators {
        let name = present::name(lang, &ind.name_vi, &ind.name_en).to_owned();
        match ind.metrics.as_slice() {
            [] => lines.push(IndicatorLine::Narrative {
                number: ind.number.to_string(),
                name,
                text: narrative(input, ind, by_key).unwrap_or_else(|| t!(lang, "doc-not-reported")),
            }),
            [only] => lines.push(IndicatorLine::Metric(metric_line(input, only, ind.number.to_string()))),
            several => {
                lines.push(IndicatorLine::Group { number: ind.number.to_string(), name });
                lines.extend(
                    several.iter().map(|m| IndicatorLine::Metric(metric_line(input, m, m.code.clone()))),
                );
            }
        }
    }
    IndicatorPart {
        heading: t!(lang, "doc-part-indicators"),
        intro: vec![t!(lang, "doc-indicators-intro")],
        headers: IndicatorColumns {
            number: t!(lang, "doc-h-number"),
            name: t!(lang, "doc-h-name"),
            unit: t!(lang, "doc-h-unit"),
            plan: t!(lang, "doc-h-plan", year = plan.year),
            own: t!(lang, "doc-h-own", period = short_period(lang, input.overview.period)),
            cumulative: t!(lang, "doc-h-cumulative"),
            last_year: t!(lang, "doc-h-last-year"),
            percent_of_plan: t!(lang, "doc-h-percent"),
            assessment: t!(lang, "doc-h-assessment"),
        },
        lines,
    }
}

fn metric_line(input: &Input, m: &Metric, number: String) -> MetricLine {
    let lang = input.lang;
    let f = input.figures.get(&m.code);
    let assessment = match f.and_then(|f| f.assessment) {
        Some(a) => assessment(lang, a),
        None => t!(lang, "doc-not-reported"),
    };
    MetricLine {
        number,
        name: present::name(lang, &m.name_vi, &m.name_en).to_owned(),
        unit: m.unit.clone(),
        plan: m.target.value,
        plan_out_of: m.target.out_of,
        own: f.and_then(|f| f.own),
        cumulative: f.and_then(|f| f.cumulative),
        last_year: f.and_then(|f| f.same_period_last_year),
        percent_of_plan: f.and_then(|f| f.percent_of_plan),
        assessment,
    }
}

pub fn assessment(lang: Lang, a: Assessment) -> String {
    t!(lang, &format!("doc-assessment-{}", a.as_str()))
}

/// What the agencies following a qualitative indicator wrote, each named when several did.
fn narrative(input: &Input, ind: &Indicator, by_key: &ByKey) -> Option<String> {
    let key = ItemKey::Narrative(ind.number);
    let told: Vec<(&Agency, &str)> = input
        .plan
        .expand(&ind.agencies)
        .into_iter()
        .filter_map(|a| {
            let item = by_key.get(&(&a.code, &key))?;
            Some((a, item.entry.note.as_deref().filter(|n| !n.trim().is_empty())?))
        })
        .collect();
    match told.as_slice() {
        [] => None,
        [(_, text)] => Some((*text).to_owned()),
        several => Some(
            several
                .iter()
                .map(|(a, text)| format!("{}: {text}", agency_name(input.lang, a)))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

fn sections_part(input: &Input, by_key: &ByKey) -> SectionsPart {
    let lang = input.lang;
    let sections = input.plan.sections.iter().map(|s| section_result(input, s, by_key)).collect();
    SectionsPart {
        heading: t!(lang, "doc-part-sections"),
        labels: NarrativeLabels {
            results: t!(lang, "doc-results"),
            shortcomings: t!(lang, "doc-shortcomings"),
            causes: t!(lang, "doc-causes"),
            proposals: t!(lang, "doc-proposals"),
        },
        sections,
    }
}

fn section_result(input: &Input, section: &Section, by_key: &ByKey) -> SectionResult {
    let lang = input.lang;
    let agencies = input.plan.expand(&section.assignees);
    let mut counts: HashMap<Option<TaskStatus>, i64> = HashMap::new();
    let mut out = SectionResult {
        title: format!("{}. {}", section.number, section.heading),
        summary: String::new(),
        results: vec![],
        shortcomings: vec![],
        causes: vec![],
        proposals: vec![],
    };
    for task in &section.tasks {
        let key = ItemKey::Task(task.code.clone());
        for a in &agencies {
            let item = by_key.get(&(&a.code, &key));
            let status = item.and_then(|i| i.entry.status);
            *counts.entry(status).or_default() += 1;
            let note = item.and_then(|i| i.entry.note.as_deref()).map(str::trim).filter(|n| !n.is_empty());
            let point = |text: String| Point { agency: agency_name(lang, a), text };
            let about =
                |text: &str| t!(lang, "doc-point-task", task = task.code.clone(), text = text.to_owned());
            match (status, note) {
                (_, Some(note)) if is_proposal(note) => out.proposals.push(point(about(note))),
                (Some(TaskStatus::Blocked), Some(note)) => out.shortcomings.push(point(about(note))),
                (Some(TaskStatus::Blocked), None) => {
                    out.shortcomings.push(point(t!(lang, "doc-point-blocked", task = task.code.clone())))
                }
                (Some(_), Some(note)) => out.results.push(point(about(note))),
                _ => {}
            }
        }
    }
    for a in &agencies {
        if let Some(n) = input.narratives.get(&a.code) {
            let point = |text: &Option<String>| {
                text.as_ref().map(|t| Point { agency: agency_name(lang, a), text: t.clone() })
            };
            out.results.extend(point(&n.results));
            out.shortcomings.extend(point(&n.shortcomings));
            out.causes.extend(point(&n.causes));
            out.proposals.extend(point(&n.proposals));
        }
    }
    let count = |s: Option<TaskStatus>| counts.get(&s).copied().unwrap_or(0);
    out.summary = t!(
        lang,
        "doc-section-summary",
        tasks = counts.values().sum::<i64>(),
        done = count(Some(TaskStatus::Done)),
        in_progress = count(Some(TaskStatus::InProgress)),
        blocked = count(Some(TaskStatus::Blocked)),
        not_started = count(Some(TaskStatus::NotStarted)),
        not_reported = count(None)
    );
    out
}

fn is_proposal(note: &str) -> bool {
    let folded = crate::domain::search::fold(note);
    PROPOSAL_WORDS.iter().any(|w| folded.contains(w))
}

fn timeliness_part(input: &Input) -> TimelinessPart {
    let (plan, lang, lines) = (input.plan, input.lang, &input.overview.lines);
    let name = |code: &AgencyCode| present::agency_name(plan, lang, code.as_str());
    let late: Vec<Point> = lines
        .iter()
        .filter_map(|l| match l.timeliness {
            Timeliness::Late { days } => {
                Some(Point { agency: name(&l.agency), text: t!(lang, "doc-late-days", days = days) })
            }
            _ => None,
        })
        .collect();
    let missing: Vec<String> =
        lines.iter().filter(|l| !l.timeliness.is_handed_in()).map(|l| name(&l.agency)).collect();
    let on_time = lines.iter().filter(|l| l.timeliness == Timeliness::OnTime).count();
    TimelinessPart {
        heading: t!(lang, "doc-part-timeliness"),
        summary: t!(
            lang,
            "doc-timeliness-summary",
            handed_in = (on_time + late.len()) as i64,
            agencies = lines.len() as i64,
            on_time = on_time as i64,
            late = late.len() as i64
        ),
        late_label: t!(lang, "doc-late-label"),
        late,
        missing_label: t!(lang, "doc-missing-label"),
        missing,
        none: t!(lang, "doc-none"),
    }
}

/// Every proposal: from task notes and narratives (as in Part II, section by section), then
/// from metric notes, in plan order.
fn proposals(input: &Input, sections: &SectionsPart, by_key: &ByKey) -> Vec<Point> {
    let lang = input.lang;
    let mut out: Vec<Point> = sections.sections.iter().flat_map(|s| s.proposals.iter().cloned()).collect();
    for m in input.plan.indicators.iter().flat_map(|i| &i.metrics) {
        let key = ItemKey::Metric(m.code.clone());
        let note =
            by_key.get(&(&m.agency, &key)).and_then(|i| i.entry.note.as_deref()).filter(|n| is_proposal(n));
        if let Some(note) = note {
            out.push(Point {
                agency: present::agency_name(input.plan, lang, m.agency.as_str()),
                text: t!(lang, "doc-point-metric", metric = m.code.clone(), text = note.trim().to_owned()),
            });
        }
    }
    out
}

fn agency_name(lang: Lang, a: &Agency) -> String {
    present::name(lang, &a.name_vi, &a.name_en).to_owned()
}

fn plan_title(lang: Lang, plan: &Plan) -> &str {
    match (lang, &plan.title_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => &plan.title,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "quý I năm 2022", "6 tháng đầu năm 2022", "tháng 3 năm 2022", "năm 2022".
pub fn period_words(lang: Lang, period: PeriodKey) -> String {
    match period {
        PeriodKey::Quarter(year, q) => t!(lang, "doc-period-quarter", roman = roman(q), year = year),
        PeriodKey::Half(year, 1) => t!(lang, "doc-period-half-first", year = year),
        PeriodKey::Half(year, _) => t!(lang, "doc-period-half-second", year = year),
        PeriodKey::Month(year, m) => t!(lang, "doc-period-month", month = m, year = year),
        PeriodKey::Year(year) => t!(lang, "doc-period-year", year = year),
    }
}

/// The period without its year, for a column header: "quý I".
fn short_period(lang: Lang, period: PeriodKey) -> String {
    let words = period_words(lang, period);
    let year = period.year().to_string();
    let cut = words.trim_end_matches(&year).trim_end();
    let cut = cut.strip_suffix(" năm").or_else(|| cut.strip_suffix(" of")).unwrap_or(cut);
    cut.to_owned()
}

fn roman(n: u32) -> &'static str {
    match n {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        _ => "",
    }
}

/// The issuing body's symbol in a document number: the first letter of each word of its name
/// but "và" (Decree 30's practice): "Sở Kế hoạch và Đầu tư" → "SKHĐT".
pub fn symbol(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("và") && !w.eq_ignore_ascii_case("and"))
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
#[path = "report_doc_tests.rs"]
mod tests;
