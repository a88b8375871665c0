//! A report handed in, accepted, returned or reopened: the state change, its history entry
//! and the messages that tell of it, in one transaction.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::db::{query, query_scalar};
use super::outbox::NewMail;
use super::reports::{ReportRow, editable, event, report_state_sql};
use super::{Result, Store, StoreError};
use crate::domain::report::ReportState;

impl Store {
    /// Hands an editable report in; the first submission is what timeliness counts.
    pub async fn submit_report(&self, report_id: i64, person: i64, now: DateTime<Utc>) -> Result<ReportRow> {
        self.submit_report_and_tell(report_id, person, now, &[], now).await
    }

    /// Same, queuing the messages that tell of it in the same transaction: a submission is
    /// never saved without its notices, nor the notices sent for a submission that failed.
    pub async fn submit_report_and_tell(
        &self,
        report_id: i64,
        person: i64,
        now: DateTime<Utc>,
        mails: &[NewMail],
        wall: DateTime<Utc>,
    ) -> Result<ReportRow> {
        let mut tx = self.begin().await?;
        editable(&mut tx, report_id).await?;
        query(
            "UPDATE report SET state = 'submitted', submitted_at = $1, submitted_by = $2,
                first_submitted_at = coalesce(first_submitted_at, $1), updated_at = $1 WHERE id = $3",
        )
        .bind(now)
        .bind(person)
        .bind(report_id)
        .execute(&mut tx)
        .await?;
        event(&mut tx, report_id, None, "submitted", Some(person), now, json!({})).await?;
        super::outbox::enqueue(&mut tx, mails, now, wall).await?;
        tx.commit().await?;
        self.report(report_id).await?.ok_or_else(|| StoreError::NotFound(format!("report {report_id}")))
    }

    /// Moves a report from one state to another, recording who and why; fails when it is not
    /// in `from` (someone else got there first).
    pub async fn change_report_state(
        &self,
        report_id: i64,
        from: &[ReportState],
        to: ReportState,
        person: i64,
        comment: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReportRow> {
        self.change_report_state_and_tell(report_id, from, to, person, comment, now, &[], now).await
    }

    /// Same, queuing the messages that tell of it in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_report_state_and_tell(
        &self,
        report_id: i64,
        from: &[ReportState],
        to: ReportState,
        person: i64,
        comment: Option<&str>,
        now: DateTime<Utc>,
        mails: &[NewMail],
        wall: DateTime<Utc>,
    ) -> Result<ReportRow> {
        let mut tx = self.begin().await?;
        let state: Option<String> =
            query_scalar(&report_state_sql(&tx)).bind(report_id).fetch_optional(&mut tx).await?;
        let state = state
            .as_deref()
            .and_then(ReportState::parse)
            .ok_or(StoreError::NotFound(format!("report {report_id}")))?;
        if !from.contains(&state) {
            return Err(StoreError::Conflict(format!("report {report_id} is {}", state.as_str())));
        }
        let reviewed = matches!(to, ReportState::Accepted | ReportState::Returned);
        query(
            "UPDATE report SET state = $1, updated_at = $2,
                reviewed_at = CASE WHEN $3 THEN $2 ELSE reviewed_at END,
                reviewed_by = CASE WHEN $3 THEN $4 ELSE reviewed_by END,
                review_comment = CASE WHEN $3 THEN $5 ELSE review_comment END
             WHERE id = $6",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(reviewed)
        .bind(person)
        .bind(comment)
        .bind(report_id)
        .execute(&mut tx)
        .await?;
        let detail = json!({"from": state.as_str(), "to": to.as_str(), "comment": comment});
        event(&mut tx, report_id, None, to_event(to), Some(person), now, detail).await?;
        super::outbox::enqueue(&mut tx, mails, now, wall).await?;
        tx.commit().await?;
        self.report(report_id).await?.ok_or_else(|| StoreError::NotFound(format!("report {report_id}")))
    }
}

fn to_event(to: ReportState) -> &'static str {
    match to {
        ReportState::Draft => "reopened",
        ReportState::Submitted => "submitted",
        ReportState::Accepted => "accepted",
        ReportState::Returned => "returned",
    }
}
