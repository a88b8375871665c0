//! What the leaders and the planning department read across reports: the items of handed-in
//! reports, an agency's reports over the year, the names behind a history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::db::{query_as, query_scalar};
use super::on_sqlite::row;
use super::reports::{REPORT_COLUMNS, REPORT_FROM, ReportColumns, decimal, report_row};
use super::{Result, Store, StoreError, parse_json};
use crate::domain::report::{ItemEntry, ItemKey, ReportState, TaskStatus};
use crate::domain::{AgencyCode, PeriodKey};
use crate::store::ReportRow;

/// One item of a report that was handed in (submitted or accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandedInItem {
    pub period: PeriodKey,
    pub agency: AgencyCode,
    pub state: ReportState,
    pub entry: ItemEntry,
    /// The name of whoever last changed it, removed people included.
    pub by: Option<String>,
}

/// Which items: metrics and narratives are what the indicators need; tasks are many more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKinds {
    MetricsAndNarratives,
    All,
}

impl Store {
    /// The items of every handed-in report of a round (of one period, when given), by period,
    /// agency (in plan order), then item.
    pub async fn handed_in_items(
        &self,
        plan: &str,
        round: &str,
        period: Option<PeriodKey>,
        kinds: ItemKinds,
    ) -> Result<Vec<HandedInItem>> {
        let period_filter = if period.is_some() { "AND r.period = $2" } else { "AND $2 IS NULL" };
        let kind_filter = match kinds {
            ItemKinds::MetricsAndNarratives => "AND i.task_id IS NULL",
            ItemKinds::All => "",
        };
        // A period holds tens of thousands of items and sqlx decodes rows one at a time (a few
        // µs each): the database hands them over as one JSON array instead.
        use super::reports::ASKED_AS;
        let rows = self.backend().dialect().json_rows(&format!(
            "r.period, a.code, r.state, a.position, i.id, i.status, i.percent,
                    i.value, i.value_out_of, i.note, i.updated_at, i.updated_by, t.code, m.code, ind.number, p.name,
                    i.plan_version_id, {ASKED_AS}"
        ));
        let sql = format!(
            "SELECT {rows}
             FROM report r JOIN reporting_round rr ON rr.id = r.round_id JOIN agency a ON a.id = r.agency_id
             JOIN report_item i ON i.report_id = r.id
             LEFT JOIN task t ON t.id = i.task_id LEFT JOIN metric m ON m.id = i.metric_id
             LEFT JOIN indicator ind ON ind.id = i.indicator_id LEFT JOIN person p ON p.id = i.updated_by
             WHERE rr.plan_id = (SELECT id FROM plan WHERE code = $3) AND rr.code = $1 {period_filter}
               AND r.state IN ('submitted', 'accepted') {kind_filter}"
        );
        let json: String = query_scalar(&sql)
            .bind(round)
            .bind(period.map(|p| p.to_string()))
            .bind(plan)
            .fetch_one(&self.scan)
            .await?;
        let mut rows: Vec<JsonItem> = parse_json(&json, "handed-in items")?;
        rows.sort_by(|x, y| (&x.0, x.3, x.4).cmp(&(&y.0, y.3, y.4)));
        rows.into_iter().map(JsonItem::into_item).collect()
    }

    /// The names of the files attached to each report of a round and period, by agency (in plan
    /// order), then in the order they were attached. A file sent without a name shows as `None`.
    pub async fn period_attachments(
        &self,
        plan: &str,
        round: &str,
        period: PeriodKey,
    ) -> Result<Vec<(AgencyCode, Option<String>)>> {
        row! {
        #[derive(sqlx::FromRow)]
        struct Row {
            agency: String,
            file_name: Option<String>,
        }
        }
        let rows: Vec<Row> = query_as(
            "SELECT a.code AS agency, f.file_name FROM report_attachment f
             JOIN report r ON r.id = f.report_id JOIN reporting_round rr ON rr.id = r.round_id
             JOIN agency a ON a.id = r.agency_id
             WHERE rr.plan_id = (SELECT id FROM plan WHERE code = $1) AND rr.code = $2 AND r.period = $3
               AND f.removed_at IS NULL
             ORDER BY a.position, f.id",
        )
        .bind(plan)
        .bind(round)
        .bind(period.to_string())
        .fetch_all(&self.scan)
        .await?;
        rows.into_iter()
            .map(|r| {
                let agency = AgencyCode::parse(&r.agency)
                    .ok_or_else(|| StoreError::Corrupt("report_attachment.agency".into()))?;
                Ok((agency, r.file_name))
            })
            .collect()
    }

    /// Every report of one agency in the plan being followed, oldest period first.
    pub async fn agency_reports(&self, plan: &str, agency: &AgencyCode) -> Result<Vec<ReportRow>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM}
             WHERE a.code = $1 AND p.code = $2
             ORDER BY r.period, rr.position"
        );
        let rows =
            query_as::<ReportColumns>(&sql).bind(agency.as_str()).bind(plan).fetch_all(&self.scan).await?;
        rows.into_iter().map(report_row).collect()
    }

    /// The names of people, removed ones included (a history keeps who did what).
    pub async fn person_names(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        let list = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = format!(
            "SELECT id, name FROM person WHERE id IN (SELECT CAST(value AS BIGINT) FROM {})",
            self.backend().dialect().each("$1")
        );
        let rows = query_as::<(i64, String)>(&sql).bind(list).fetch_all(&self.scan).await?;
        Ok(rows.into_iter().collect())
    }
}

/// One item as `json_array` gives it: period, agency, state, agency position, item id, status,
/// percent, value, value out of, note, updated at, updated by, task, metric, indicator, by name,
/// plan version, code as asked.
#[derive(serde::Deserialize)]
struct JsonItem(
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

impl JsonItem {
    fn into_item(self) -> Result<HandedInItem> {
        let corrupt = |w: &str| StoreError::Corrupt(format!("report_item.{w}"));
        let key = match (self.12, self.13, self.14) {
            (Some(task), _, _) => ItemKey::Task(task),
            (None, Some(metric), _) => ItemKey::Metric(metric),
            (None, None, Some(n)) => ItemKey::Narrative(u32::try_from(n).map_err(|_| corrupt("indicator"))?),
            (None, None, None) => return Err(corrupt("item")),
        };
        let updated_at = DateTime::parse_from_rfc3339(&self.10).map_err(|_| corrupt("updated_at"))?;
        Ok(HandedInItem {
            period: self.0.parse().map_err(|_| corrupt("period"))?,
            agency: AgencyCode::parse(&self.1).ok_or_else(|| corrupt("agency"))?,
            state: ReportState::parse(&self.2).ok_or_else(|| corrupt("state"))?,
            entry: ItemEntry {
                key,
                status: self.5.as_deref().and_then(TaskStatus::parse),
                percent: self.6.map(|p| p.clamp(0, 100) as u8),
                value: decimal(self.7)?,
                value_out_of: decimal(self.8)?,
                note: self.9,
                updated_at: updated_at.with_timezone(&Utc),
                updated_by: self.11,
                version: 0,
                plan_version: self.16,
                asked_as: self.17,
            },
            by: self.15,
        })
    }
}

#[cfg(test)]
#[path = "leadership_tests.rs"]
mod tests;
