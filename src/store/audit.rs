//! The audit log: who did what; refusals rolled up per sender and hour, and forgotten after a while.

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as, query_scalar};
use super::{Result, Store};

impl Store {
    /// Records who did what; forged buttons and refused actions land here too. The same
    /// refusal from the same sender within the hour adds to one row's count, so a flood of
    /// bad codes is one row, not thousands.
    pub async fn audit(
        &self,
        person_id: Option<i64>,
        telegram_id: Option<i64>,
        action: &str,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        audit(&mut tx, person_id, telegram_id, action, &detail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets refusals older than `keep` (joins, moves and removals stay).
    pub async fn prune_audit(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(query(&format!("DELETE FROM audit_log WHERE at < $1 AND action IN ({ROLLED_UP})"))
            .bind(before)
            .execute(&self.write)
            .await?
            .rows_affected())
    }

    /// How many times an action was recorded (rolled-up rows counted in full).
    pub async fn audit_count(&self, action: &str) -> Result<i64> {
        Ok(query_scalar("SELECT CAST(coalesce(sum(count), 0) AS BIGINT) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.read)
            .await?)
    }

    /// Audit entries with an action, newest first (for tests and the admins).
    pub async fn audit_entries(&self, action: &str) -> Result<Vec<(Option<i64>, serde_json::Value)>> {
        let rows = query_as::<(Option<i64>, String)>(
            "SELECT person_id, detail FROM audit_log WHERE action = $1 ORDER BY id DESC",
        )
        .bind(action)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|(p, d)| (p, serde_json::from_str(&d).unwrap_or_default())).collect())
    }
}

/// Refusals that are rolled up per sender and hour, and forgotten after a while.
const ROLLED_UP: &str = "'invite_refused', 'unreadable_button', 'forged_button', 'stranger', 'flood'";

pub(super) async fn audit(
    tx: &mut Tx,
    person_id: Option<i64>,
    telegram_id: Option<i64>,
    action: &str,
    detail: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    if ROLLED_UP.contains(&format!("'{action}'")) {
        let sql = "UPDATE audit_log SET count = count + 1, detail = $1 WHERE id = (SELECT id FROM audit_log
                   WHERE telegram_id IS NOT DISTINCT FROM $2 AND action = $3 AND at > $4 ORDER BY id DESC LIMIT 1)";
        let n = query(sql)
            .bind(detail.to_string())
            .bind(telegram_id)
            .bind(action)
            .bind(now - chrono::Duration::hours(1))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            return Ok(());
        }
    }
    query("INSERT INTO audit_log (at, person_id, telegram_id, action, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(now)
        .bind(person_id)
        .bind(telegram_id)
        .bind(action)
        .bind(detail.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}
