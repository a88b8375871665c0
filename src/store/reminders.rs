//! The reminder and digest logs: one row per key, claimed before sending, so that a restart,
//! two ticks racing or a crash never sends a key twice.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::domain::reminders::{ReminderKey, Step};
use crate::domain::report::ReportState;
use crate::domain::{AgencyCode, PeriodKey};

/// How a send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent {
        message_id: i64,
    },
    /// Telegram refused for good (blocked, chat gone): never retried.
    Failed {
        error: String,
    },
    /// Telegram or the network failed for now: the key may be claimed again by a later tick.
    Retry {
        error: String,
    },
}

/// (round, period, agency, state) of every report of the plan being followed.
pub type ReportState4 = (String, PeriodKey, AgencyCode, ReportState);

const ACTIVE_ROUND: &str = "rr.plan_id = (SELECT id FROM plan WHERE active = 1)";

impl Store {
    /// Every report's state, for deciding who is still to be chased.
    pub async fn report_states(&self) -> Result<Vec<ReportState4>> {
        let sql = format!(
            "SELECT rr.code AS round, r.period, a.code AS agency, r.state FROM report r
             JOIN reporting_round rr ON rr.id = r.round_id JOIN agency a ON a.id = r.agency_id WHERE {ACTIVE_ROUND}"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.read).await?;
        rows.iter()
            .map(|r| {
                let corrupt = |w: &str| StoreError::Corrupt(format!("report.{w}"));
                Ok((
                    r.get::<String, _>("round"),
                    r.get::<&str, _>("period").parse().map_err(|_| corrupt("period"))?,
                    AgencyCode::parse(r.get("agency")).ok_or_else(|| corrupt("agency"))?,
                    ReportState::parse(r.get("state")).ok_or_else(|| corrupt("state"))?,
                ))
            })
            .collect()
    }

    /// Keys that must not be sent again: sent, failed for good, or claimed by a send that never
    /// reported back (a crash between send and record: better silent than twice).
    pub async fn reminder_keys_done(&self) -> Result<HashSet<ReminderKey>> {
        let sql = format!(
            "SELECT rr.code AS round, l.period, a.code AS agency, l.person_id, l.step FROM reminder_log l
             JOIN reporting_round rr ON rr.id = l.round_id JOIN agency a ON a.id = l.agency_id
             WHERE l.status != 'retry' AND {ACTIVE_ROUND}"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.read).await?;
        let mut out = HashSet::new();
        for r in &rows {
            let (Ok(period), Some(agency), Some(step)) = (
                r.get::<&str, _>("period").parse::<PeriodKey>(),
                AgencyCode::parse(r.get("agency")),
                Step::parse(r.get("step")),
            ) else {
                return Err(StoreError::Corrupt("reminder_log row".into()));
            };
            out.insert(ReminderKey {
                round: r.get("round"),
                period,
                agency,
                person: r.get("person_id"),
                step,
            });
        }
        Ok(out)
    }

    /// Claims a key before sending; false when it is already sent, failed or being sent.
    pub async fn claim_reminder(&self, key: &ReminderKey, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO reminder_log (round_id, period, agency_id, person_id, step, status, attempts, created_at, updated_at)
             SELECT rr.id, ?2, a.id, ?4, ?5, 'sending', 1, ?6, ?6 FROM reporting_round rr, agency a
             WHERE rr.code = ?1 AND a.code = ?3 AND rr.plan_id = a.plan_id
               AND rr.plan_id = (SELECT id FROM plan WHERE active = 1)
             ON CONFLICT (round_id, period, agency_id, ifnull(person_id, 0), step)
             DO UPDATE SET status = 'sending', attempts = attempts + 1, updated_at = excluded.updated_at
             WHERE status = 'retry'",
        )
        .bind(&key.round)
        .bind(key.period.to_string())
        .bind(key.agency.as_str())
        .bind(key.person)
        .bind(key.step.as_str())
        .bind(now)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Records how the send of a claimed key ended.
    pub async fn record_reminder(
        &self,
        key: &ReminderKey,
        outcome: &SendOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (status, message_id, error) = outcome_columns(outcome);
        sqlx::query(
            "UPDATE reminder_log SET status = ?1, message_id = ?2, error = ?3, updated_at = ?4
             WHERE period = ?6 AND ifnull(person_id, 0) = ifnull(?8, 0) AND step = ?9
               AND round_id = (SELECT rr.id FROM reporting_round rr WHERE rr.code = ?5
                               AND rr.plan_id = (SELECT id FROM plan WHERE active = 1))
               AND agency_id = (SELECT a.id FROM agency a WHERE a.code = ?7
                                AND a.plan_id = (SELECT id FROM plan WHERE active = 1))",
        )
        .bind(status)
        .bind(message_id)
        .bind(error)
        .bind(now)
        .bind(&key.round)
        .bind(key.period.to_string())
        .bind(key.agency.as_str())
        .bind(key.person)
        .bind(key.step.as_str())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Digest keys that must not be sent again, per person.
    pub async fn digest_keys_done(&self) -> Result<HashSet<(String, i64)>> {
        let rows = sqlx::query_as::<_, (String, i64)>(
            "SELECT digest_key, person_id FROM digest_log WHERE status != 'retry'",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().collect())
    }

    pub async fn claim_digest(&self, key: &str, person: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO digest_log (digest_key, person_id, status, attempts, created_at, updated_at)
             VALUES (?1, ?2, 'sending', 1, ?3, ?3)
             ON CONFLICT (digest_key, person_id) DO UPDATE SET status = 'sending', attempts = attempts + 1,
                updated_at = excluded.updated_at WHERE status = 'retry'",
        )
        .bind(key)
        .bind(person)
        .bind(now)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub async fn record_digest(
        &self,
        key: &str,
        person: i64,
        outcome: &SendOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (status, message_id, error) = outcome_columns(outcome);
        sqlx::query(
            "UPDATE digest_log SET status = ?, message_id = ?, error = ?, updated_at = ? WHERE digest_key = ? AND person_id = ?",
        )
        .bind(status)
        .bind(message_id)
        .bind(error)
        .bind(now)
        .bind(key)
        .bind(person)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// How many reminder rows are in each status (for tests and the operator).
    pub async fn reminder_log_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as("SELECT status, count(*) FROM reminder_log GROUP BY status ORDER BY status")
            .fetch_all(&self.read)
            .await?)
    }
}

fn outcome_columns(outcome: &SendOutcome) -> (&'static str, Option<i64>, Option<String>) {
    match outcome {
        SendOutcome::Sent { message_id } => ("sent", Some(*message_id), None),
        SendOutcome::Failed { error } => ("failed", None, Some(error.clone())),
        SendOutcome::Retry { error } => ("retry", None, Some(error.clone())),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::bundled::seed_plan;
    use crate::store::testing::temp_store;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2022-03-07T01:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn key(person: Option<i64>) -> ReminderKey {
        ReminderKey {
            round: "bao-cao-quy".into(),
            period: PeriodKey::Quarter(2022, 1),
            agency: AgencyCode::parse("SYT").unwrap(),
            person,
            step: Step::Before(7),
        }
    }

    #[tokio::test]
    async fn a_key_is_claimed_once_and_a_crash_after_the_claim_never_sends_it_again() {
        let (store, _dir) = temp_store().await;
        store.import_plan(&seed_plan(), now()).await.unwrap();
        // Agency-wide keys (no person) are as unique as personal ones.
        assert!(store.claim_reminder(&key(None), now()).await.unwrap());
        assert!(!store.claim_reminder(&key(None), now()).await.unwrap(), "a racing tick gets nothing");
        assert!(
            store.claim_reminder(&key(Some(1)), now()).await.is_err(),
            "no such person: the log keeps its references"
        );
        assert_eq!(store.reminder_log_counts().await.unwrap(), vec![("sending".to_owned(), 1)]);
        // The process died between the claim and the record: the key counts as done.
        assert!(store.reminder_keys_done().await.unwrap().contains(&key(None)));
        assert!(!store.claim_reminder(&key(None), now()).await.unwrap());
    }

    #[tokio::test]
    async fn a_retry_can_be_claimed_again_a_failure_cannot() {
        let (store, _dir) = temp_store().await;
        store.import_plan(&seed_plan(), now()).await.unwrap();
        let k = key(None);
        assert!(store.claim_reminder(&k, now()).await.unwrap());
        store.record_reminder(&k, &SendOutcome::Retry { error: "500".into() }, now()).await.unwrap();
        assert!(!store.reminder_keys_done().await.unwrap().contains(&k));
        assert!(store.claim_reminder(&k, now()).await.unwrap(), "a retry is claimed again");
        store.record_reminder(&k, &SendOutcome::Failed { error: "blocked".into() }, now()).await.unwrap();
        assert!(!store.claim_reminder(&k, now()).await.unwrap());
        assert!(store.reminder_keys_done().await.unwrap().contains(&k));
    }
}
