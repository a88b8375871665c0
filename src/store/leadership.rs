//! What the leaders and the planning department read across reports: the items of handed-in
//! reports, an agency's reports over the year, the names behind a history.

use std::collections::HashMap;

use sqlx::Row;

use super::reports::{REPORT_COLUMNS, REPORT_FROM, item_entry, report_row};
use super::{Result, Store, StoreError};
use crate::domain::report::{ItemEntry, ReportState};
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
    /// The items of every handed-in report of a round (of one period, when given), by period
    /// then agency.
    pub async fn handed_in_items(
        &self,
        round: &str,
        period: Option<PeriodKey>,
        kinds: ItemKinds,
    ) -> Result<Vec<HandedInItem>> {
        let period_filter = if period.is_some() { "AND r.period = ?2" } else { "AND ?2 IS NULL" };
        let kind_filter = match kinds {
            ItemKinds::MetricsAndNarratives => "AND i.task_id IS NULL",
            ItemKinds::All => "",
        };
        let sql = format!(
            "SELECT r.period, a.code AS agency, r.state, i.id, i.status, i.percent, i.value, i.value_out_of,
                    i.note, i.updated_at, i.updated_by, t.code AS task, m.code AS metric,
                    ind.number AS indicator, p.name AS by_name
             FROM report r JOIN reporting_round rr ON rr.id = r.round_id JOIN agency a ON a.id = r.agency_id
             JOIN report_item i ON i.report_id = r.id
             LEFT JOIN task t ON t.id = i.task_id LEFT JOIN metric m ON m.id = i.metric_id
             LEFT JOIN indicator ind ON ind.id = i.indicator_id LEFT JOIN person p ON p.id = i.updated_by
             WHERE rr.plan_id = (SELECT id FROM plan WHERE active = 1) AND rr.code = ?1 {period_filter}
               AND r.state IN ('submitted', 'accepted') {kind_filter}
             ORDER BY r.period, a.position, i.id"
        );
        let rows =
            sqlx::query(&sql).bind(round).bind(period.map(|p| p.to_string())).fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| {
                let corrupt = |w: &str| StoreError::Corrupt(format!("report.{w}"));
                Ok(HandedInItem {
                    period: row.get::<&str, _>("period").parse().map_err(|_| corrupt("period"))?,
                    agency: AgencyCode::parse(row.get("agency")).ok_or_else(|| corrupt("agency"))?,
                    state: ReportState::parse(row.get("state")).ok_or_else(|| corrupt("state"))?,
                    entry: item_entry(row)?,
                    by: row.get("by_name"),
                })
            })
            .collect()
    }

    /// Every report of one agency in the plan being followed, oldest period first.
    pub async fn agency_reports(&self, agency: &AgencyCode) -> Result<Vec<ReportRow>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM}
             WHERE a.code = ? AND rr.plan_id = (SELECT id FROM plan WHERE active = 1)
             ORDER BY r.period, rr.position"
        );
        let rows = sqlx::query(&sql).bind(agency.as_str()).fetch_all(&self.read).await?;
        rows.iter().map(report_row).collect()
    }

    /// The names of people, removed ones included (a history keeps who did what).
    pub async fn person_names(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        let list = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rows = sqlx::query_as::<_, (i64, String)>(
            "SELECT id, name FROM person WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(list)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
#[path = "leadership_tests.rs"]
mod tests;
