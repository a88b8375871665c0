//! Loading the plan being followed back from its tables, in the file's shape.

use sqlx::Row;

use super::{Result, Store, StoreError, parse_json};
use crate::domain::Plan;
use crate::domain::plan_file::*;

impl Store {
    /// The code and last change of the plan being followed.
    pub async fn active_plan_stamp(&self) -> Result<Option<(String, chrono::DateTime<chrono::Utc>)>> {
        Ok(sqlx::query_as("SELECT code, updated_at FROM plan WHERE active = 1 ORDER BY id DESC LIMIT 1")
            .fetch_optional(&self.read)
            .await?)
    }

    /// Whether any plan has been imported.
    pub async fn has_plan(&self) -> Result<bool> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT count(*) FROM plan").fetch_one(&self.read).await? > 0)
    }

    /// The plan being followed (the last imported), in the file's shape.
    pub async fn active_plan_file(&self) -> Result<Option<PlanFile>> {
        let Some(row) = sqlx::query(
            "SELECT id, code, title, title_en, province, year, issued, time_zone, coordinator, reminders
             FROM plan WHERE active = 1 ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        let plan_id: i64 = row.get("id");
        let header = PlanHeader {
            code: row.get("code"),
            title: row.get("title"),
            title_en: row.get("title_en"),
            province: row.get("province"),
            year: row.get("year"),
            issued: row.get("issued"),
            time_zone: row.get("time_zone"),
            coordinator: row.get("coordinator"),
        };
        let reminders: Option<ReminderEntry> = parse_json(row.get::<&str, _>("reminders"), "plan.reminders")?;

        let agencies = sqlx::query_as::<_, (String, String, String)>(
            "SELECT code, name_vi, name_en FROM agency WHERE plan_id = ? AND retired = 0 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(|(code, name_vi, name_en)| AgencyEntry { code, name_vi, name_en })
        .collect();

        let mut groups = Vec::new();
        for (code, name_vi, name_en, members) in sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT code, name_vi, name_en, members FROM agency_group WHERE plan_id = ? AND retired = 0 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?
        {
            groups.push(GroupEntry { code, name_vi, name_en, members: parse_json(&members, "agency_group.members")? });
        }

        let tasks = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT s.number, t.letter, t.text FROM task t JOIN section s ON s.id = t.section_id
             WHERE t.plan_id = ? AND t.retired = 0 ORDER BY s.number, t.position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?;
        let mut sections = Vec::new();
        for (number, heading, inferred, assignees) in sqlx::query_as::<_, (i64, String, bool, String)>(
            "SELECT number, heading, heading_inferred, assignees FROM section
             WHERE plan_id = ? AND retired = 0 ORDER BY number",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?
        {
            sections.push(SectionEntry {
                number: u32::try_from(number).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                heading,
                heading_inferred: inferred,
                assignees: parse_json(&assignees, "section.assignees")?,
                tasks: tasks
                    .iter()
                    .filter(|(n, _, _)| *n == number)
                    .map(|(_, id, text)| TaskEntry { id: id.clone(), text: text.clone() })
                    .collect(),
            });
        }

        let metrics = sqlx::query(
            "SELECT i.number, m.code, m.name_vi, m.name_en, m.unit, m.target, m.target_out_of, m.direction,
                    m.wording, a.code AS agency, m.agency_from_indicator, m.agency_inferred
             FROM metric m JOIN indicator i ON i.id = m.indicator_id JOIN agency a ON a.id = m.agency_id
             WHERE m.plan_id = ? AND m.retired = 0 ORDER BY i.number, m.position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?;
        let mut indicators = Vec::new();
        for row in sqlx::query(
            "SELECT number, name_vi, name_en, text, agencies, agencies_inferred FROM indicator
             WHERE plan_id = ? AND retired = 0 ORDER BY number",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?
        {
            let number: i64 = row.get("number");
            let mut entries = Vec::new();
            for m in metrics.iter().filter(|m| m.get::<i64, _>("number") == number) {
                let from_indicator: bool = m.get("agency_from_indicator");
                entries.push(MetricEntry {
                    code: m.get("code"),
                    name_vi: m.get("name_vi"),
                    name_en: m.get("name_en"),
                    unit: m.get("unit"),
                    target: super::decimal_text_to_vn(m.get("target"), m.get("target_out_of"))?,
                    direction: m.get("direction"),
                    wording: m.get("wording"),
                    agency: (!from_indicator).then(|| m.get("agency")),
                    agency_inferred: m.get("agency_inferred"),
                });
            }
            indicators.push(IndicatorEntry {
                number: u32::try_from(number).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                name_vi: row.get("name_vi"),
                name_en: row.get("name_en"),
                text: row.get("text"),
                agencies: parse_json(row.get::<&str, _>("agencies"), "indicator.agencies")?,
                agencies_inferred: row.get("agencies_inferred"),
                qualitative: entries.is_empty(),
                metrics: entries,
            });
        }

        let mut rounds = Vec::new();
        for row in sqlx::query(
            "SELECT code, name_vi, name_en, wording, asks, recipients, to_agency, schedule FROM reporting_round
             WHERE plan_id = ? AND retired = 0 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?
        {
            rounds.push(RoundEntry {
                code: row.get("code"),
                name_vi: row.get("name_vi"),
                name_en: row.get("name_en"),
                wording: row.get("wording"),
                asks: parse_json(row.get::<&str, _>("asks"), "reporting_round.asks")?,
                recipients: parse_json(row.get::<&str, _>("recipients"), "reporting_round.recipients")?,
                to: row.get("to_agency"),
                schedule: parse_json(row.get::<&str, _>("schedule"), "reporting_round.schedule")?,
            });
        }

        let holidays = sqlx::query_as::<_, (String, String, String)>(
            "SELECT first_day, last_day, name FROM holiday WHERE plan_id = ? AND retired = 0 ORDER BY first_day",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(|(from, to, name)| HolidayEntry { to: (to != from).then_some(to), from, name })
        .collect();

        Ok(Some(PlanFile {
            plan: header,
            agencies,
            groups,
            sections,
            indicators,
            rounds,
            holidays,
            reminders,
        }))
    }

    /// The plan being followed, checked.
    pub async fn active_plan(&self) -> Result<Option<Plan>> {
        match self.active_plan_file().await? {
            None => Ok(None),
            Some(file) => Plan::try_from(&file).map(Some).map_err(StoreError::StoredPlan),
        }
    }
}
