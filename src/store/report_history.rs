//! What a report's past holds: every change with who and when and the review decisions (its
//! events). The agency's earlier answers are in `carry_over`.

use super::db::query_as;
use chrono::{DateTime, Utc};

use super::{Result, Store};
use crate::domain::report::ItemKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEvent {
    pub kind: String,
    pub item: Option<ItemKey>,
    pub person: Option<i64>,
    pub at: DateTime<Utc>,
    pub detail: serde_json::Value,
}

impl Store {
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
