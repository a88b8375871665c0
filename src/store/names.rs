//! People's names as they are shown: Telegram's, family name first, until the person types
//! their own (when joining, or with /ten), which Telegram's never overwrite.

use super::{Result, Store};

impl Store {
    /// The name the person typed for themselves.
    pub async fn set_typed_name(&self, person_id: i64, name: &str) -> Result<()> {
        sqlx::query("UPDATE person SET name = ?, name_source = 'typed' WHERE id = ?")
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
            sqlx::query("UPDATE person SET name = ? WHERE id = ? AND name_source = 'telegram' AND name != ?")
                .bind(name)
                .bind(person_id)
                .bind(name)
                .execute(&self.write)
                .await?
                .rows_affected();
        Ok(n > 0)
    }
}
