//! The bot's own bookkeeping: where each conversation is, and which updates were handled.

use chrono::{DateTime, Duration, Utc};

use super::db::{query, query_scalar};
use super::{Result, Store};

impl Store {
    pub async fn set_dialogue_state(&self, chat_id: i64, state: &str, now: DateTime<Utc>) -> Result<()> {
        query(
            "INSERT INTO dialogue_state (chat_id, state, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(chat_id)
        .bind(state)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Ends an update in one transaction: marks its keys handled and moves the conversation to
    /// its next step (`None`: the step stays). Called once the reply was delivered, so a crash
    /// before it leaves the update to be handled again on redelivery, and a failed reply leaves
    /// the step where it was.
    pub async fn finish_update(
        &self,
        keys: &[String],
        chat_id: i64,
        next: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for key in keys {
            query(
                "INSERT INTO handled_update (update_key, handled_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(key)
            .bind(now)
            .execute(&mut tx)
            .await?;
        }
        if let Some(state) = next {
            query(
                "INSERT INTO dialogue_state (chat_id, state, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            )
            .bind(chat_id)
            .bind(state)
            .bind(now)
            .execute(&mut tx)
            .await?;
        }
        super::replicas::release_claims(&mut tx, keys).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A value the running bot shares with the commands beside it.
    pub async fn set_runtime(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
        query(
            "INSERT INTO runtime (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn runtime(&self, key: &str) -> Result<Option<String>> {
        Ok(query_scalar("SELECT value FROM runtime WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn clear_runtime(&self, key: &str) -> Result<()> {
        query("DELETE FROM runtime WHERE key = $1").bind(key).execute(&self.write).await?;
        Ok(())
    }

    /// Forgets handled updates older than a week: Telegram redelivers within a day at most.
    pub async fn prune_handled_updates(&self, now: DateTime<Utc>) -> Result<u64> {
        super::replicas::prune_claims(&self.write).await?;
        Ok(query("DELETE FROM handled_update WHERE handled_at < $1")
            .bind(now - Duration::days(7))
            .execute(&self.write)
            .await?
            .rows_affected())
    }
}

impl Store {
    /// Rows in a table (for tests and the operator's checks).
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        // Table names come from code, never from a person.
        let sql = format!("SELECT count(*) FROM {table}");
        Ok(query_scalar(&sql).fetch_one(&self.read).await?)
    }

    /// A digest of every report item's content, to compare states in tests.
    pub async fn fingerprint(&self) -> Result<i64> {
        Ok(query_scalar(
            "SELECT CAST(coalesce(sum(length(coalesce(status,'')) + coalesce(percent,0) * 7 + length(coalesce(value,''))
                  * 13 + length(coalesce(note,'')) * 17 + id * 19), 0) AS BIGINT) FROM report_item",
        )
        .fetch_one(&self.read)
        .await?)
    }
}
