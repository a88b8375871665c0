//! Everything `/xuat` and `dondoc export` hand over for one period, read from the store once:
//! the workbook, its CSV twin and the draft report document.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::figures::{LastYear, period_figures};
use super::report_doc::{self, AgencyNarrative, Input};
use super::workbook;
use crate::answered::{Answered, answered};
use crate::domain::figures::Figures;
use crate::domain::report::ItemEntry;
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::export::docx::{DocxError, ReportDoc};
use crate::export::{CsvStyle, ExportData, ExportError};
use crate::i18n::Lang;
use crate::overview::Overview;
use crate::store::{HandedInItem, ItemKinds, Store};

/// What the workbook and the report are made from.
pub struct Reads {
    pub overview: Overview,
    /// The period's handed-in items, every kind.
    pub items: Vec<HandedInItem>,
    /// Each metric's figures for the period (by code), from the year's values.
    pub figures: HashMap<String, Figures>,
    /// The names of the files attached to each agency's report.
    pub attachments: HashMap<AgencyCode, Vec<String>>,
    pub narratives: HashMap<AgencyCode, AgencyNarrative>,
    /// The plan as the period's answers answered it (the words and targets of the versions
    /// they were filed under), and which versions those were: what is shown and judged.
    pub answered: Answered,
}

impl Reads {
    /// `None` when the period is not the round's.
    pub async fn load(
        store: &Store,
        plan: &Plan,
        round: &str,
        period: PeriodKey,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Reads>> {
        let Some(r) = plan.round(round) else { return Ok(None) };
        let Some(overview) = Overview::load_timeliness(store, plan, round, period, now).await? else {
            return Ok(None);
        };
        let items = store.handed_in_items(&plan.code, round, Some(period), ItemKinds::All).await?;
        let year = store.handed_in_items(&plan.code, round, None, ItemKinds::MetricsAndNarratives).await?;
        let entries: Vec<&ItemEntry> = items.iter().map(|i| &i.entry).collect();
        let answered = answered(store, plan, &entries).await?;
        // Last year's figures are not known yet: they will come from the plan file or from a
        // previous year's reports.
        let figures = period_figures(&answered.plan, r, period, &year, &LastYear::new());
        let mut attachments: HashMap<AgencyCode, Vec<String>> = HashMap::new();
        for (agency, name) in store.period_attachments(&plan.code, round, period).await? {
            attachments.entry(agency).or_default().push(name.unwrap_or_else(|| "—".to_owned()));
        }
        let narratives = store
            .period_narratives(&plan.code, round, period)
            .await?
            .into_iter()
            .map(|(agency, n)| {
                let n = AgencyNarrative {
                    results: n.results,
                    shortcomings: n.shortcomings,
                    causes: n.causes,
                    proposals: n.proposals,
                };
                (agency, n)
            })
            .collect();
        Ok(Some(Reads { overview, items, figures, attachments, narratives, answered }))
    }
}

/// The workbook's rows and the report's content for one period.
pub struct Consolidated {
    pub workbook: ExportData,
    pub report: ReportDoc,
}

/// `None` when the period is not the round's.
pub async fn build(
    store: &Store,
    plan: &Plan,
    round: &str,
    period: PeriodKey,
    now: DateTime<Utc>,
    lang: Lang,
) -> anyhow::Result<Option<Consolidated>> {
    let Some(reads) = Reads::load(store, plan, round, period, now).await? else { return Ok(None) };
    Ok(Some(assemble(&reads.answered.plan, &reads, now, lang)))
}

pub fn assemble(plan: &Plan, reads: &Reads, now: DateTime<Utc>, lang: Lang) -> Consolidated {
    let input = Input {
        plan,
        overview: &reads.overview,
        items: &reads.items,
        figures: &reads.figures,
        narratives: &reads.narratives,
        versions: &reads.answered.versions,
        now,
        lang,
    };
    Consolidated {
        workbook: workbook::assemble(plan, reads, now, lang),
        report: report_doc::assemble(&input),
    }
}

/// The three files, with their names ("09-KH-UBND_2022-Q1.xlsx", ".csv", ".docx").
pub struct Files {
    pub xlsx: Vec<u8>,
    pub xlsx_name: String,
    pub csv: String,
    pub csv_name: String,
    pub docx: Vec<u8>,
    pub docx_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error(transparent)]
    Xlsx(#[from] ExportError),
    #[error(transparent)]
    Docx(#[from] DocxError),
}

/// CPU work: call it off the async threads.
pub fn files(c: &Consolidated, csv_style: CsvStyle) -> Result<Files, FilesError> {
    let data = &c.workbook;
    let name = |ext: &str| crate::export::file_name(&data.plan_code, &data.period, ext);
    Ok(Files {
        xlsx: crate::export::xlsx(data)?,
        xlsx_name: name("xlsx"),
        csv: crate::export::csv(data, csv_style),
        csv_name: name("csv"),
        docx: crate::export::docx::docx(&c.report)?,
        docx_name: name("docx"),
    })
}
