//! The rows of the consolidated workbook for one period, from the store: the same for `/xuat`
//! and `dondoc export`.
//!
//! A metric's value is the one its responsible agency handed in (submitted or accepted) for the
//! period; anything else is "not reported". Its own, cumulative and last year's figures are
//! derived from the year's values ([`super::figures`]). A task gets one row per agency it is
//! assigned to.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::consolidated::Reads;
use crate::domain::AgencyCode;
use crate::domain::report::{ItemKey, ReportState};
use crate::domain::{PeriodKey, Plan};
use crate::export::{
    ExportData, ExportText, IndicatorHeaders, IndicatorRows, MetricRow, SectionRows, TaskHeaders, TaskRow,
    TimelinessHeaders, TimelinessRow,
};
use crate::i18n::Lang;
use crate::store::{HandedInItem, Store};
use crate::{present, t};

/// The workbook's data for one round and period; `None` when the period is not the round's.
pub async fn build(
    store: &Store,
    plan: &Plan,
    round: &str,
    period: PeriodKey,
    now: DateTime<Utc>,
    lang: Lang,
) -> anyhow::Result<Option<ExportData>> {
    let Some(reads) = Reads::load(store, plan, round, period, now).await? else {
        return Ok(None);
    };
    Ok(Some(assemble(&reads.answered.plan, &reads, now, lang)))
}

/// The review state of a report as a column label ("Chờ duyệt").
pub fn review_label(lang: Lang, state: ReportState) -> String {
    t!(lang, &format!("export-review-{}", state.as_str()))
}

/// The same from what was read (pure).
pub fn assemble(plan: &Plan, reads: &Reads, now: DateTime<Utc>, lang: Lang) -> ExportData {
    let (overview, items) = (&reads.overview, reads.items.as_slice());
    let local = |at: DateTime<Utc>| -> NaiveDateTime { at.with_timezone(&plan.time_zone).naive_local() };
    let by_key: HashMap<(&AgencyCode, &ItemKey), &HandedInItem> =
        items.iter().map(|i| ((&i.agency, &i.entry.key), i)).collect();
    let agency_name = |code: &AgencyCode| {
        plan.agency(code.as_str())
            .map_or_else(|| code.to_string(), |a| present::name(lang, &a.name_vi, &a.name_en).to_owned())
    };
    let indicators = plan
        .indicators
        .iter()
        .map(|ind| {
            let metrics = ind
                .metrics
                .iter()
                .map(|m| {
                    let key = ItemKey::Metric(m.code.clone());
                    let got = by_key.get(&(&m.agency, &key)).filter(|i| i.entry.value.is_some());
                    let value = got.and_then(|i| i.entry.value);
                    let figures = reads.figures.get(&m.code);
                    MetricRow {
                        number: if ind.metrics.len() == 1 { ind.number.to_string() } else { m.code.clone() },
                        code: m.code.clone(),
                        name: present::name(lang, &m.name_vi, &m.name_en).to_owned(),
                        unit: m.unit.clone(),
                        target: m.target.value,
                        target_out_of: m.target.out_of,
                        direction: present::direction(lang, m.direction),
                        value,
                        own: figures.and_then(|f| f.own),
                        cumulative: figures.and_then(|f| f.cumulative),
                        last_year: figures.and_then(|f| f.same_period_last_year),
                        percent_of_target: figures.and_then(|f| f.percent_of_plan),
                        agency: agency_name(&m.agency),
                        review: got.map(|i| review_label(lang, i.state)),
                        reported_at: got.map(|i| local(i.entry.updated_at)),
                        note: got.and_then(|i| i.entry.note.clone()),
                    }
                })
                .collect();
            let key = ItemKey::Narrative(ind.number);
            let told: Vec<(&AgencyCode, String)> = plan
                .expand(&ind.agencies)
                .into_iter()
                .filter_map(|a| {
                    let item = by_key.get(&(&a.code, &key)).filter(|i| i.entry.is_filled())?;
                    Some((&a.code, item.entry.note.clone().unwrap_or_default()))
                })
                .collect();
            let (narrative, narrative_agency) = match told.as_slice() {
                [] => (None, None),
                [(a, text)] => (Some(text.clone()), Some(agency_name(a))),
                several => (
                    Some(
                        several
                            .iter()
                            .map(|(a, text)| format!("{}: {text}", agency_name(a)))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                    Some(several.iter().map(|(a, _)| agency_name(a)).collect::<Vec<_>>().join(", ")),
                ),
            };
            IndicatorRows {
                number: ind.number,
                name: present::name(lang, &ind.name_vi, &ind.name_en).to_owned(),
                metrics,
                narrative,
                narrative_agency,
            }
        })
        .collect();
    let sections = plan
        .sections
        .iter()
        .map(|s| {
            let section_leads = plan.expand(&s.assignees);
            let tasks = s
                .tasks
                .iter()
                .flat_map(|task| {
                    let key = ItemKey::Task(task.code.clone());
                    // Every agency that answers for the task: its leads (its own, else the
                    // section's), then those co-operating, in plan order within each.
                    let leading =
                        if task.lead.is_empty() { section_leads.clone() } else { plan.expand(&task.lead) };
                    let helping: Vec<_> = if task.cooperating.is_empty() {
                        vec![]
                    } else {
                        plan.expand(&task.cooperating).into_iter().filter(|a| !leading.contains(a)).collect()
                    };
                    leading.into_iter().chain(helping).map(move |a| (task, a, key.clone()))
                })
                .map(|(task, a, key)| {
                    let got = by_key.get(&(&a.code, &key));
                    TaskRow {
                        code: task.code.clone(),
                        text: task.text.clone(),
                        agency: present::name(lang, &a.name_vi, &a.name_en).to_owned(),
                        status: got.and_then(|i| i.entry.status).map(|st| present::task_status(lang, st)),
                        percent: got.and_then(|i| i.entry.percent),
                        note: got.and_then(|i| i.entry.note.clone()),
                        review: got.map(|i| review_label(lang, i.state)),
                        updated_at: got.map(|i| local(i.entry.updated_at)),
                    }
                })
                .collect();
            SectionRows { number: s.number, heading: s.heading.clone(), tasks }
        })
        .collect();
    let timeliness = overview
        .lines
        .iter()
        .map(|l| TimelinessRow {
            agency_code: l.agency.to_string(),
            agency: agency_name(&l.agency),
            last_day: overview.deadline.last_day,
            extended_to: l.extended.then_some(l.deadline.last_day),
            submitted_at: l
                .report
                .as_ref()
                .filter(|r| r.state.is_handed_in())
                .and_then(|r| r.first_submitted_at)
                .map(local),
            status: present::timeliness(lang, l.timeliness),
            days_late: match l.timeliness {
                crate::domain::timeliness::Timeliness::Late { days } => Some(days),
                _ => None,
            },
            review: l.report.as_ref().map(|r| review_label(lang, r.state)),
            attachments: reads.attachments.get(&l.agency).cloned().unwrap_or_default(),
        })
        .collect();
    ExportData {
        plan_code: plan.code.clone(),
        plan_title: plan.title.clone(),
        period: overview.period.to_string(),
        generated: local(now),
        answered_under: crate::answered::answered_under(lang, plan, &reads.answered.versions),
        indicators,
        sections,
        timeliness,
        text: ExportText {
            period_words: crate::present::period(lang, overview.period),
            ..export_text(lang, &plan.code)
        },
    }
}

/// Every text of the workbook, from the locales.
pub fn export_text(lang: Lang, plan_code: &str) -> ExportText {
    let s = |key: &str| t!(lang, key);
    ExportText {
        indicators_sheet: s("export-indicators-sheet"),
        timeliness_sheet: s("export-timeliness-sheet"),
        report_title: t!(lang, "export-report-title", plan = plan_code.to_owned()),
        indicators_heading: s("export-indicators-heading"),
        timeliness_heading: s("export-timeliness-heading"),
        period_label: s("export-period-label"),
        period_words: String::new(),
        generated_label: s("export-generated-label"),
        not_reported: s("export-not-reported"),
        narrative: s("export-narrative"),
        indicator_headers: IndicatorHeaders {
            number: s("export-h-number"),
            indicator: s("export-h-indicator"),
            metric: s("export-h-metric"),
            unit: s("export-h-unit"),
            target: s("export-h-target"),
            target_out_of: s("export-h-target-out-of"),
            value: s("export-h-reported-value"),
            own: s("export-h-own"),
            cumulative: s("export-h-cumulative"),
            last_year: s("export-h-last-year"),
            percent_of_target: s("export-h-percent-of-target"),
            direction: s("export-h-direction"),
            agency: s("export-h-reporting-agency"),
            review: s("export-h-review"),
            reported_at: s("export-h-reported-at"),
            note: s("export-h-note"),
        },
        task_headers: TaskHeaders {
            code: s("export-h-task-code"),
            task: s("export-h-task"),
            agency: s("export-h-task-agency"),
            status: s("export-h-status"),
            percent: s("export-h-percent-done"),
            note: s("export-h-note"),
            review: s("export-h-review"),
            updated_at: s("export-h-updated-at"),
        },
        timeliness_headers: TimelinessHeaders {
            agency_code: s("export-h-agency-code"),
            agency: s("export-h-agency"),
            last_day: s("export-h-last-day"),
            extended_to: s("export-h-extended-to"),
            submitted_at: s("export-h-submitted-at"),
            status: s("export-h-status"),
            days_late: s("export-h-days-late"),
            review: s("export-h-review"),
            attachments: s("export-h-attachments"),
        },
        csv_headers: crate::export::CSV_COLUMNS
            .iter()
            .map(|c| s(&format!("csv-h-{}", c.replace('_', "-"))))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overview::Overview;

    #[test]
    fn a_tasks_rows_are_its_leads_then_the_agencies_co_operating() {
        let plan = Plan::from_toml(include_str!("../../plans/vinh-long-2024.toml")).unwrap();
        let period = PeriodKey::Half(2024, 1);
        let round = plan.round("bao-cao-6-thang").unwrap();
        let deadline = crate::domain::calendar::deadline_of(&plan, round, period).unwrap();
        let overview = Overview { round: round.code.clone(), period, deadline, lines: vec![] };
        let now = DateTime::parse_from_rfc3339("2024-06-01T03:00:00Z").unwrap().with_timezone(&Utc);
        let reads = crate::leadership::consolidated::Reads {
            overview,
            items: vec![],
            figures: Default::default(),
            attachments: Default::default(),
            narratives: Default::default(),
            answered: crate::answered::Answered { plan: plan.clone(), versions: vec![] },
        };
        let data = assemble(&plan, &reads, now, Lang::En);
        let rows = |code: &str| -> Vec<String> {
            data.sections
                .iter()
                .flat_map(|s| &s.tasks)
                .filter(|t| t.code == code)
                .map(|t| t.agency.clone())
                .collect()
        };
        // 1.c: the Department of Agriculture leads; Natural Resources and each district co-operate.
        let c = rows("1.c");
        assert_eq!(c.len(), 1 + 1 + 8);
        assert_eq!(
            c[..2],
            [
                "Department of Agriculture and Rural Development",
                "Department of Natural Resources and Environment"
            ]
        );
        // 3.b: led by the Tax Department in the Finance Department's section, which co-operates.
        assert_eq!(rows("3.b"), ["Provincial Tax Department", "Department of Finance"]);
        assert_eq!(rows("3.a"), ["Department of Finance"]);
    }
}
