//! What a report's past holds: every change with who and when and the review decisions (its
//! events), and the agency's earlier answers that "no change" copies and doubts compare with.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::db::{query_as, query_scalar};
use super::reports::{ITEM_SELECT, ItemColumns, decimal, item_entry};
use super::{Result, Store};
use crate::domain::report::{ItemEntry, ItemKey};
use crate::store::ReportRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEvent {
    pub kind: String,
    pub item: Option<ItemKey>,
    pub person: Option<i64>,
    pub at: DateTime<Utc>,
    pub detail: serde_json::Value,
}

impl Store {
    /// The agency's latest earlier answer for an item in the same round: what "no change" copies.
    pub async fn previous_entry(
        &self,
        report: &ReportRow,
        key: &ItemKey,
    ) -> Result<Option<(i64, ItemEntry)>> {
        let sql = format!(
            "{ITEM_SELECT} JOIN report r ON r.id = i.report_id JOIN reporting_round rr ON rr.id = r.round_id
             JOIN agency a ON a.id = r.agency_id
             WHERE rr.code = $1 AND a.code = $2 AND r.period < $3 AND r.id != $4
               AND rr.plan_id = (SELECT rr0.plan_id FROM report r0 JOIN reporting_round rr0 ON rr0.id = r0.round_id
                                 WHERE r0.id = $4)
               AND (i.status IS NOT NULL OR i.value IS NOT NULL OR i.note IS NOT NULL)
             ORDER BY r.period DESC"
        );
        let rows = query_as::<ItemColumns>(&sql)
            .bind(&report.round)
            .bind(report.agency.as_str())
            .bind(report.period.to_string())
            .bind(report.id)
            .fetch_all(&self.read)
            .await?;
        for row in &rows {
            let entry = item_entry(row)?;
            if &entry.key == key {
                let report_id: i64 = query_scalar("SELECT report_id FROM report_item WHERE id = $1")
                    .bind(row.id)
                    .fetch_one(&self.read)
                    .await?;
                return Ok(Some((report_id, entry)));
            }
        }
        Ok(None)
    }

    /// The agency's last accepted value of a metric before the report's period, in the report's
    /// plan: the yardstick for doubts.
    pub async fn last_accepted_value(&self, report: &ReportRow, metric: &str) -> Result<Option<Decimal>> {
        let value: Option<String> = query_scalar(
            "SELECT i.value FROM report_item i JOIN report r ON r.id = i.report_id JOIN agency a ON a.id = r.agency_id
             JOIN metric m ON m.id = i.metric_id
             WHERE a.code = $1 AND m.code = $2 AND r.state = 'accepted' AND r.period < $3 AND i.value IS NOT NULL
               AND m.plan_id = (SELECT id FROM plan WHERE code = $4)
             ORDER BY r.period DESC LIMIT 1",
        )
        .bind(report.agency.as_str())
        .bind(metric)
        .bind(report.period.to_string())
        .bind(&report.plan)
        .fetch_optional(&self.read)
        .await?;
        decimal(value)
    }

    /// The history of a report (and of its items), oldest first.
    pub async fn report_events(&self, report_id: i64) -> Result<Vec<ReportEvent>> {
        let rows = query_as::<(String, Option<i64>, DateTime<Utc>, String)>(
            "SELECT e.kind, e.person_id, e.at, e.detail FROM report_event e WHERE e.report_id = $1 ORDER BY e.id",
        )
        .bind(report_id)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, person, at, detail)| {
                let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
                ReportEvent {
                    kind,
                    item: detail.get("item").and_then(|i| i.as_str()).and_then(ItemKey::decode),
                    person,
                    at,
                    detail,
                }
            })
            .collect())
    }
}
