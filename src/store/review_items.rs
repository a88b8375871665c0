//! Item-by-item review: a report returned with the items to fix, each with its comment, kept in
//! the return's history entry; and the items asked for at the last return.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::db::{query, query_as, query_scalar};
use super::outbox::NewMail;
use super::{Result, Store, StoreError};
use crate::domain::report::ReportState;
use crate::domain::review::{FixRequest, FixRequests};
use crate::store::ReportRow;

impl Store {
    /// Returns a submitted report to its agency with a general comment (optional when items
    /// are named) and the items to fix, queuing the messages that tell of it, in one
    /// transaction. A conflict when the report is not submitted (someone got there first).
    #[allow(clippy::too_many_arguments)]
    pub async fn return_report(
        &self,
        report_id: i64,
        person: i64,
        comment: Option<&str>,
        fixes: &[FixRequest],
        now: DateTime<Utc>,
        mails: &[NewMail],
        wall: DateTime<Utc>,
    ) -> Result<ReportRow> {
        let mut tx = self.begin().await?;
        let sql =
            format!("SELECT state FROM report WHERE id = $1{}", tx.backend().dialect().for_update("report"));
        let state: Option<String> = query_scalar(&sql).bind(report_id).fetch_optional(&mut tx).await?;
        let state = state
            .as_deref()
            .and_then(ReportState::parse)
            .ok_or(StoreError::NotFound(format!("report {report_id}")))?;
        if state != ReportState::Submitted {
            return Err(StoreError::Conflict(format!("report {report_id} is {}", state.as_str())));
        }
        query(
            "UPDATE report SET state = 'returned', updated_at = $1, reviewed_at = $1, reviewed_by = $2,
                review_comment = $3 WHERE id = $4",
        )
        .bind(now)
        .bind(person)
        .bind(comment)
        .bind(report_id)
        .execute(&mut tx)
        .await?;
        let detail = json!({"from": state.as_str(), "to": "returned", "comment": comment, "items": fixes});
        super::reports::event(&mut tx, report_id, None, "returned", Some(person), now, detail).await?;
        super::outbox::enqueue(&mut tx, mails, now, wall).await?;
        tx.commit().await?;
        self.report(report_id).await?.ok_or_else(|| StoreError::NotFound(format!("report {report_id}")))
    }

    /// The items asked for at the report's last return, if it was returned with any.
    pub async fn fix_requests(&self, report_id: i64) -> Result<Option<FixRequests>> {
        let row: Option<(DateTime<Utc>, String)> = query_as(
            "SELECT at, detail FROM report_event WHERE report_id = $1 AND kind = 'returned' ORDER BY id DESC LIMIT 1",
        )
        .bind(report_id)
        .fetch_optional(&self.read)
        .await?;
        let Some((at, detail)) = row else { return Ok(None) };
        let detail: serde_json::Value = super::parse_json(&detail, "return detail")?;
        let items: Vec<FixRequest> = match detail.get("items") {
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            None => vec![],
        };
        Ok((!items.is_empty()).then_some(FixRequests { returned_at: at, items }))
    }
}
