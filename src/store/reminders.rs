//! The reminder and digest logs: one row per key, written when the key is queued (in the same
//! transaction as its outbox rows), so that a restart or two ticks racing never queue it twice.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as};
use super::outbox::NewMail;
use super::{Result, Store, StoreError};
use crate::domain::reminders::{ReminderKey, Step};
use crate::domain::report::ReportState;
use crate::domain::{AgencyCode, PeriodKey};

/// (round, period, agency, state) of every report of the plan being followed.
pub type ReportState4 = (String, PeriodKey, AgencyCode, ReportState);

const PLAN_ROUND: &str = "rr.plan_id = (SELECT id FROM plan WHERE code = $1)";

/// Reminder and digest keys that go out together, and their messages.
#[derive(Debug, Clone, Default)]
pub struct DueGroup {
    /// The code of the plan the reminders' rounds belong to.
    pub plan: String,
    pub reminders: Vec<ReminderKey>,
    pub digests: Vec<(String, i64)>,
    pub mails: Vec<NewMail>,
}

/// Logs a reminder key as queued; false when an earlier tick queued it already.
async fn log_reminder(tx: &mut Tx, plan: &str, key: &ReminderKey, now: DateTime<Utc>) -> Result<bool> {
    let sql = format!(
        "INSERT INTO reminder_log (round_id, period, agency_id, person_id, step, status, attempts, created_at, updated_at)
         SELECT rr.id, $2, a.id, $4, $5, 'queued', 0, $6, $6 FROM reporting_round rr, agency a
         WHERE rr.code = $1 AND a.code = $3 AND rr.plan_id = a.plan_id
           AND rr.plan_id = (SELECT id FROM plan WHERE code = $7)
         ON CONFLICT {}
         DO UPDATE SET status = 'queued', updated_at = excluded.updated_at WHERE reminder_log.status = 'retry'",
        tx.backend().dialect().reminder_key()
    );
    let n = query(&sql)
        .bind(&key.round)
        .bind(key.period.to_string())
        .bind(key.agency.as_str())
        .bind(key.person)
        .bind(key.step.as_str())
        .bind(now)
        .bind(plan)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

async fn log_digest(tx: &mut Tx, key: &str, person: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = query(
        "INSERT INTO digest_log (digest_key, person_id, status, attempts, created_at, updated_at)
         VALUES ($1, $2, 'queued', 0, $3, $3)
         ON CONFLICT (digest_key, person_id) DO UPDATE SET status = 'queued', updated_at = excluded.updated_at
         WHERE digest_log.status = 'retry'",
    )
    .bind(key)
    .bind(person)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

impl Store {
    /// Every report's state, for deciding who is still to be chased.
    pub async fn report_states(&self, plan: &str) -> Result<Vec<ReportState4>> {
        let sql = format!(
            "SELECT rr.code AS round, r.period, a.code AS agency, r.state FROM report r
             JOIN reporting_round rr ON rr.id = r.round_id JOIN agency a ON a.id = r.agency_id WHERE {PLAN_ROUND}"
        );
        let rows =
            query_as::<(String, String, String, String)>(&sql).bind(plan).fetch_all(&self.read).await?;
        rows.into_iter()
            .map(|(round, period, agency, state)| {
                let corrupt = |w: &str| StoreError::Corrupt(format!("report.{w}"));
                Ok((
                    round,
                    period.parse().map_err(|_| corrupt("period"))?,
                    AgencyCode::parse(&agency).ok_or_else(|| corrupt("agency"))?,
                    ReportState::parse(&state).ok_or_else(|| corrupt("state"))?,
                ))
            })
            .collect()
    }

    /// Keys that must not be sent again: sent, failed for good, or claimed by a send that never
    /// reported back (a crash between send and record: better silent than twice).
    pub async fn reminder_keys_done(&self, plan: &str) -> Result<HashSet<ReminderKey>> {
        let sql = format!(
            "SELECT rr.code AS round, l.period, a.code AS agency, l.person_id, l.step FROM reminder_log l
             JOIN reporting_round rr ON rr.id = l.round_id JOIN agency a ON a.id = l.agency_id
             WHERE l.status != 'retry' AND {PLAN_ROUND}"
        );
        let rows = query_as::<(String, String, String, Option<i64>, String)>(&sql)
            .bind(plan)
            .fetch_all(&self.read)
            .await?;
        let mut out = HashSet::new();
        for (round, period, agency, person, step) in rows {
            let (Ok(period), Some(agency), Some(step)) =
                (period.parse::<PeriodKey>(), AgencyCode::parse(&agency), Step::parse(&step))
            else {
                return Err(StoreError::Corrupt("reminder_log row".into()));
            };
            out.insert(ReminderKey { round, period, agency, person, step });
        }
        Ok(out)
    }

    /// Queues reminders and digests in one transaction: each group's keys are logged as
    /// queued, and its messages go to the outbox when at least one of its keys is new (a key
    /// already queued by an earlier tick is never queued twice). Returns (groups queued,
    /// groups skipped).
    pub async fn queue_due(
        &self,
        groups: &[DueGroup],
        now: DateTime<Utc>,
        wall: DateTime<Utc>,
    ) -> Result<(usize, usize)> {
        let mut tx = self.begin().await?;
        let (mut queued, mut skipped) = (0, 0);
        for g in groups {
            let mut new = false;
            for key in &g.reminders {
                new |= log_reminder(&mut tx, &g.plan, key, now).await?;
            }
            for (key, person) in &g.digests {
                new |= log_digest(&mut tx, key, *person, now).await?;
            }
            if new {
                super::outbox::enqueue(&mut tx, &g.mails, now, wall).await?;
                queued += 1;
            } else {
                skipped += 1;
            }
        }
        tx.commit().await?;
        Ok((queued, skipped))
    }

    /// Digest keys that must not be sent again, per person.
    pub async fn digest_keys_done(&self) -> Result<HashSet<(String, i64)>> {
        let rows =
            query_as::<(String, i64)>("SELECT digest_key, person_id FROM digest_log WHERE status != 'retry'")
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// How many reminder rows are in each status (for tests and the operator).
    pub async fn reminder_log_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(query_as("SELECT status, count(*) FROM reminder_log GROUP BY status ORDER BY status")
            .fetch_all(&self.read)
            .await?)
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

    fn mail(key: &str) -> NewMail {
        NewMail {
            key: key.into(),
            kind: "reminder",
            to: super::super::outbox::MailTo::Admins,
            payload: r#"{"vi":{"text":"x"}}"#.into(),
            priority: 1,
            expires_at: None,
            stale_if_handed_in: None,
            broadcast: None,
        }
    }

    #[tokio::test]
    async fn a_key_is_queued_once_with_its_messages_and_a_racing_tick_gets_nothing() {
        let (store, _dir) = temp_store().await;
        store.import_plan(&seed_plan(), now()).await.unwrap();
        let group = DueGroup {
            plan: "09/KH-UBND".into(),
            reminders: vec![key(None)],
            digests: vec![],
            mails: vec![mail("k1")],
        };
        assert_eq!(store.queue_due(std::slice::from_ref(&group), now(), now()).await.unwrap(), (1, 0));
        assert_eq!(
            store.queue_due(&[group], now(), now()).await.unwrap(),
            (0, 1),
            "a racing tick queues nothing"
        );
        assert_eq!(store.outbox_counts().await.unwrap(), vec![("pending".to_owned(), 1)]);
        assert!(store.reminder_keys_done("09/KH-UBND").await.unwrap().contains(&key(None)));
        let bad = DueGroup {
            plan: "09/KH-UBND".into(),
            reminders: vec![key(Some(1))],
            digests: vec![],
            mails: vec![mail("k2")],
        };
        assert!(
            store.queue_due(&[bad], now(), now()).await.is_err(),
            "no such person: the log keeps its references"
        );
        assert_eq!(
            store.outbox_counts().await.unwrap(),
            vec![("pending".to_owned(), 1)],
            "nothing half-queued"
        );
    }
}
