//! Loading the plan being followed back from its tables, in the file's shape.

use std::collections::BTreeMap;

use super::db::{query_as, query_scalar};
use super::on_sqlite::row;
use super::{Result, Store, StoreError, parse_json};
use crate::domain::Plan;
use crate::domain::plan_file::*;

row! {
    #[derive(sqlx::FromRow)]
    struct PlanRow {
        id: i64,
        code: String,
        title: String,
        title_en: Option<String>,
        province: String,
        year: i64,
        issued: Option<String>,
        time_zone: String,
        coordinator: String,
        reminders: String,
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct IndicatorRow {
        number: i64,
        name_vi: String,
        name_en: String,
        text: String,
        agencies: String,
        agencies_inferred: bool,
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct AgencyRow {
        code: String,
        name_vi: String,
        name_en: String,
        short_vi: Option<String>,
        short_en: Option<String>,
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct TaskRow {
        number: i64,
        letter: String,
        text: String,
        lead: String,
        cooperating: String,
        due_by: Option<String>,
        due_before: Option<String>,
        output: Option<String>,
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct MetricRow {
        number: i64,
        code: String,
        name_vi: String,
        name_en: String,
        unit: String,
        target: String,
        target_out_of: Option<String>,
        target_high: Option<String>,
        direction: String,
        strict: bool,
        about: bool,
        reduction: Option<String>,
        wording: String,
        agency: String,
        agency_from_indicator: bool,
        agency_inferred: bool,
        owners: String,
        combine: Option<String>,
        part_of: Option<String>,
        kind: Option<String>,
        last_year: Option<String>,
        same_period_last_year: String,
        estimate: bool,
    }
}

impl MetricRow {
    fn into_entry(self) -> Result<MetricEntry> {
        let owners: Vec<String> = parse_json(&self.owners, "metric.owners")?;
        let same_period_last_year: BTreeMap<String, String> =
            parse_json(&self.same_period_last_year, "metric.same_period_last_year")?;
        Ok(MetricEntry {
            target: super::target_text(
                &self.target,
                self.target_out_of.as_deref(),
                self.target_high.as_deref(),
            )?,
            // The file names one `agency`, several `agencies`, or none (the indicator's).
            agency: (!self.agency_from_indicator && owners.is_empty()).then_some(self.agency),
            agencies: owners,
            code: self.code,
            name_vi: self.name_vi,
            name_en: self.name_en,
            unit: self.unit,
            direction: self.direction,
            strict: self.strict,
            about: self.about,
            reduction: self.reduction,
            wording: self.wording,
            combine: self.combine,
            agency_inferred: self.agency_inferred,
            part_of: self.part_of,
            kind: self.kind,
            last_year: self.last_year,
            same_period_last_year,
            estimate: self.estimate,
            replaces: None,
        })
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct RoundRow {
        code: String,
        name_vi: String,
        name_en: String,
        wording: String,
        asks: String,
        recipients: String,
        to_agency: String,
        schedule: String,
        sections: Option<String>,
        indicators: Option<String>,
    }
}

impl RoundRow {
    fn into_entry(self) -> Result<RoundEntry> {
        let numbers = |text: Option<String>, what| text.map(|t| parse_json::<Vec<u32>>(&t, what)).transpose();
        Ok(RoundEntry {
            asks: parse_json(&self.asks, "reporting_round.asks")?,
            recipients: parse_json(&self.recipients, "reporting_round.recipients")?,
            schedule: parse_json(&self.schedule, "reporting_round.schedule")?,
            sections: numbers(self.sections, "reporting_round.sections")?,
            indicators: numbers(self.indicators, "reporting_round.indicators")?,
            code: self.code,
            name_vi: self.name_vi,
            name_en: self.name_en,
            wording: self.wording,
            to: self.to_agency,
            replaces: None,
        })
    }
}

impl Store {
    /// Whether any plan has been imported.
    pub async fn has_plan(&self) -> Result<bool> {
        Ok(query_scalar::<i64>("SELECT count(*) FROM plan").fetch_one(&self.scan).await? > 0)
    }

    /// A plan as its tables hold it, in the file's shape (the latest version is the same; the
    /// tables are read only to make the first version of a plan imported before versions).
    pub(super) async fn plan_file_from_tables(&self, plan_id: i64) -> Result<Option<PlanFile>> {
        let Some(row) = query_as::<PlanRow>(
            "SELECT id, code, title, title_en, province, year, issued, time_zone, coordinator, reminders
             FROM plan WHERE id = $1",
        )
        .bind(plan_id)
        .fetch_optional(&self.scan)
        .await?
        else {
            return Ok(None);
        };
        let plan_id = row.id;
        let reminders: Option<ReminderEntry> = parse_json(&row.reminders, "plan.reminders")?;
        let header = PlanHeader {
            code: row.code,
            title: row.title,
            title_en: row.title_en,
            province: row.province,
            year: i32::try_from(row.year).map_err(|e| StoreError::Corrupt(format!("plan.year: {e}")))?,
            issued: row.issued,
            time_zone: row.time_zone,
            coordinator: row.coordinator,
            amends: vec![],
        };

        let agencies = query_as::<AgencyRow>(
            "SELECT code, name_vi, name_en, short_vi, short_en FROM agency
             WHERE plan_id = $1 AND retired = FALSE ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        .into_iter()
        .map(|a| AgencyEntry {
            code: a.code,
            name_vi: a.name_vi,
            name_en: a.name_en,
            short_vi: a.short_vi,
            short_en: a.short_en,
        })
        .collect();

        let mut groups = Vec::new();
        for (code, name_vi, name_en, members) in query_as::<(String, String, String, String)>(
            "SELECT code, name_vi, name_en, members FROM agency_group WHERE plan_id = $1 AND retired = FALSE ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        {
            groups.push(GroupEntry { code, name_vi, name_en, members: parse_json(&members, "agency_group.members")? });
        }

        let sections = self.sections(plan_id).await?;
        let indicators = self.indicators(plan_id).await?;

        let mut indicator_groups = Vec::new();
        for (code, name_vi, name_en, numbers) in query_as::<(String, String, String, String)>(
            "SELECT code, name_vi, name_en, indicators FROM indicator_group
             WHERE plan_id = $1 AND retired = FALSE ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        {
            let indicators = parse_json(&numbers, "indicator_group.indicators")?;
            indicator_groups.push(IndicatorGroupEntry { code, name_vi, name_en, indicators });
        }

        let rounds = query_as::<RoundRow>(
            "SELECT code, name_vi, name_en, wording, asks, recipients, to_agency, schedule, sections, indicators
             FROM reporting_round WHERE plan_id = $1 AND retired = FALSE ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        .into_iter()
        .map(RoundRow::into_entry)
        .collect::<Result<Vec<_>>>()?;

        let holidays = query_as::<(String, String, String)>(
            "SELECT first_day, last_day, name FROM holiday WHERE plan_id = $1 AND retired = FALSE ORDER BY first_day",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        .into_iter()
        .map(|(from, to, name)| HolidayEntry { to: (to != from).then_some(to), from, name })
        .collect();

        let working_days = query_as::<(String, String)>(
            "SELECT day, name FROM working_day WHERE plan_id = $1 AND retired = FALSE ORDER BY day",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        .into_iter()
        .map(|(date, name)| WorkingDayEntry { date, name })
        .collect();

        Ok(Some(PlanFile {
            plan: header,
            agencies,
            groups,
            sections,
            indicators,
            indicator_groups,
            rounds,
            holidays,
            working_days,
            reminders,
        }))
    }

    async fn sections(&self, plan_id: i64) -> Result<Vec<SectionEntry>> {
        let tasks = query_as::<TaskRow>(
            "SELECT s.number, t.letter, t.text, t.lead, t.cooperating, t.due_by, t.due_before, t.output
             FROM task t JOIN section s ON s.id = t.section_id
             WHERE t.plan_id = $1 AND t.retired = FALSE ORDER BY s.number, t.position",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?;
        let mut sections = Vec::new();
        for (number, heading, inferred, assignees) in query_as::<(i64, String, bool, String)>(
            "SELECT number, heading, heading_inferred, assignees FROM section
             WHERE plan_id = $1 AND retired = FALSE ORDER BY number",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        {
            let mut entries = Vec::new();
            for t in tasks.iter().filter(|t| t.number == number) {
                entries.push(TaskEntry {
                    id: t.letter.clone(),
                    text: t.text.clone(),
                    lead: parse_json(&t.lead, "task.lead")?,
                    cooperating: parse_json(&t.cooperating, "task.cooperating")?,
                    due_by: t.due_by.clone(),
                    due_before: t.due_before.clone(),
                    output: t.output.clone(),
                    replaces: None,
                });
            }
            sections.push(SectionEntry {
                number: u32::try_from(number).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                heading,
                heading_inferred: inferred,
                assignees: parse_json(&assignees, "section.assignees")?,
                tasks: entries,
            });
        }
        Ok(sections)
    }

    async fn indicators(&self, plan_id: i64) -> Result<Vec<IndicatorEntry>> {
        let mut metrics = query_as::<MetricRow>(
            "SELECT i.number, m.code, m.name_vi, m.name_en, m.unit, m.target, m.target_out_of, m.target_high,
                    m.direction, m.strict, m.about, m.reduction, m.wording, a.code AS agency,
                    m.agency_from_indicator, m.agency_inferred, m.owners, m.combine, m.part_of, m.kind,
                    m.last_year, m.same_period_last_year, m.estimate
             FROM metric m JOIN indicator i ON i.id = m.indicator_id JOIN agency a ON a.id = m.agency_id
             WHERE m.plan_id = $1 AND m.retired = FALSE ORDER BY i.number, m.position",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        .into_iter()
        .peekable();
        let mut indicators = Vec::new();
        for row in query_as::<IndicatorRow>(
            "SELECT number, name_vi, name_en, text, agencies, agencies_inferred FROM indicator
             WHERE plan_id = $1 AND retired = FALSE ORDER BY number",
        )
        .bind(plan_id)
        .fetch_all(&self.scan)
        .await?
        {
            let number = row.number;
            let mut entries = Vec::new();
            while let Some(m) = metrics.next_if(|m| m.number <= number) {
                if m.number == number {
                    entries.push(m.into_entry()?);
                }
            }
            indicators.push(IndicatorEntry {
                number: u32::try_from(number).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                agencies: parse_json(&row.agencies, "indicator.agencies")?,
                name_vi: row.name_vi,
                name_en: row.name_en,
                text: row.text,
                agencies_inferred: row.agencies_inferred,
                qualitative: entries.is_empty(),
                metrics: entries,
            });
        }
        Ok(indicators)
    }

    /// The plan followed last imported, checked (the default of the commands that take one).
    pub async fn active_plan(&self) -> Result<Option<Plan>> {
        Ok(self.plans_followed().await?.into_iter().next().map(|(plan, _)| plan))
    }
}
