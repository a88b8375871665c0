//! The bot's own bookkeeping: where each conversation is, and which updates were handled.

use chrono::{DateTime, Duration, Utc};

use super::{Result, Store};

impl Store {
    pub async fn dialogue_state(&self, chat_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT state FROM dialogue_state WHERE chat_id = ?")
            .bind(chat_id)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn set_dialogue_state(&self, chat_id: i64, state: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO dialogue_state (chat_id, state, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(chat_id)
        .bind(state)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn remove_dialogue_state(&self, chat_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM dialogue_state WHERE chat_id = ?")
            .bind(chat_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Records that an update (or callback query) is being handled; false if it already was,
    /// so a duplicate delivery changes nothing.
    pub async fn first_delivery(&self, key: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query("INSERT OR IGNORE INTO handled_update (update_key, handled_at) VALUES (?, ?)")
            .bind(key)
            .bind(now)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Forgets handled updates older than a week: Telegram redelivers within a day at most.
    pub async fn prune_handled_updates(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM handled_update WHERE handled_at < ?")
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
        Ok(sqlx::query_scalar(&sql).fetch_one(&self.read).await?)
    }

    /// A digest of every report item's content, to compare states in tests.
    pub async fn fingerprint(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT coalesce(sum(length(coalesce(status,'')) + coalesce(percent,0) * 7 + length(coalesce(value,''))
                  * 13 + length(coalesce(note,'')) * 17 + id * 19), 0) FROM report_item",
        )
        .fetch_one(&self.read)
        .await?)
    }
}
