//! People's names as they are shown: Telegram's, family name first, until the person types
//! their own (when joining, or with /ten), which Telegram's never overwrite.

use super::db::query;
use super::{Result, Store};

impl Store {
    /// The name the person typed for themselves.
    pub async fn set_typed_name(&self, person_id: i64, name: &str) -> Result<()> {
        query("UPDATE person SET name = $1, name_source = 'typed' WHERE id = $2")
            .bind(name)
            .bind(person_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Telegram's name, family name first, unless the person typed theirs; returns whether it
    /// changed (names stored before in Western order are put right this way).
    pub async fn refresh_telegram_name(&self, person_id: i64, name: &str) -> Result<bool> {
        let n =
            query("UPDATE person SET name = $1 WHERE id = $2 AND name_source = 'telegram' AND name <> $1")
                .bind(name)
                .bind(person_id)
                .execute(&self.write)
                .await?
                .rows_affected();
        Ok(n > 0)
    }
}
