//! People: who is behind a Telegram user, their agency, role and language.

use chrono::{DateTime, Utc};

use super::db::{query, query_as};
use super::on_sqlite::row;
use super::{Result, Store, StoreError};
use crate::domain::AgencyCode;
use crate::domain::people::{Lang, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub telegram_id: i64,
    pub chat_id: i64,
    pub name: String,
    pub username: Option<String>,
    pub language: Lang,
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub reachable: bool,
    pub joined_at: DateTime<Utc>,
    /// The person typed their name (when joining, or with /ten): Telegram's no longer replaces it.
    pub name_typed: bool,
}

/// Who a new person is, as Telegram tells it.
#[derive(Debug, Clone)]
pub struct Newcomer {
    pub telegram_id: i64,
    pub chat_id: i64,
    pub name: String,
    pub username: Option<String>,
    pub language: Lang,
}

const PERSON_COLUMNS: &str = "p.id, p.telegram_id, p.chat_id, p.name, p.username, p.language, p.role, \
     a.code AS agency, p.reachable, p.joined_at, p.name_source";

row! {
    /// A person as `PERSON_COLUMNS` reads them.
    #[derive(sqlx::FromRow)]
    struct PersonRow {
        id: i64,
        telegram_id: i64,
        chat_id: i64,
        name: String,
        username: Option<String>,
        language: String,
        role: String,
        agency: Option<String>,
        reachable: bool,
        joined_at: DateTime<Utc>,
        name_source: String,
    }
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;

    fn try_from(row: PersonRow) -> Result<Person> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("person.{what}"));
        Ok(Person {
            id: row.id,
            telegram_id: row.telegram_id,
            chat_id: row.chat_id,
            name: row.name,
            username: row.username,
            language: Lang::parse(&row.language).ok_or_else(|| corrupt("language"))?,
            role: Role::parse(&row.role).ok_or_else(|| corrupt("role"))?,
            agency: row.agency.as_deref().and_then(AgencyCode::parse),
            reachable: row.reachable,
            joined_at: row.joined_at,
            name_typed: row.name_source == "typed",
        })
    }
}

row! {
    /// What `update_context` reads: a person's columns (all NULL when nobody is behind the user),
    /// the conversation's step and the handled mark.
    #[derive(sqlx::FromRow)]
    struct ContextRow {
        id: Option<i64>,
        telegram_id: Option<i64>,
        chat_id: Option<i64>,
        name: Option<String>,
        username: Option<String>,
        language: Option<String>,
        role: Option<String>,
        agency: Option<String>,
        reachable: Option<bool>,
        joined_at: Option<DateTime<Utc>>,
        name_source: Option<String>,
        dialogue: Option<String>,
        handled: bool,
    }
}

impl ContextRow {
    fn person(&self) -> Result<Option<Person>> {
        let (Some(id), Some(telegram_id), Some(chat_id), Some(name), Some(language), Some(role)) = (
            self.id,
            self.telegram_id,
            self.chat_id,
            self.name.clone(),
            self.language.clone(),
            self.role.clone(),
        ) else {
            return Ok(None);
        };
        let (Some(reachable), Some(joined_at)) = (self.reachable, self.joined_at) else {
            return Ok(None);
        };
        let row = PersonRow {
            id,
            telegram_id,
            chat_id,
            name,
            username: self.username.clone(),
            language,
            role,
            agency: self.agency.clone(),
            reachable,
            joined_at,
            name_source: self.name_source.clone().unwrap_or_default(),
        };
        Ok(Some(row.try_into()?))
    }
}

fn persons(rows: Vec<PersonRow>) -> Result<Vec<Person>> {
    rows.into_iter().map(Person::try_from).collect()
}

impl Store {
    /// The person behind a Telegram user, unless removed.
    pub async fn person_by_telegram(&self, telegram_id: i64) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.telegram_id = $1 AND p.removed_at IS NULL"
        );
        query_as::<PersonRow>(&sql)
            .bind(telegram_id)
            .fetch_optional(&self.read)
            .await?
            .map(Person::try_from)
            .transpose()
    }

    /// What an update needs to know before it is handled, in one read: the person behind the
    /// Telegram user (unless removed), the step of the chat's conversation, and whether any of
    /// the update's keys was handled already. With replicas (PostgreSQL) the update is claimed
    /// first: one claimed by another replica counts as handled, as that replica handles it.
    pub async fn update_context(
        &self,
        telegram_id: i64,
        chat_id: i64,
        keys: &[String],
    ) -> Result<(Option<Person>, Option<String>, bool)> {
        let claimed = self.claim_update(keys).await?;
        let first = keys.first().map(String::as_str).unwrap_or_default();
        let second = keys.get(1).map(String::as_str).unwrap_or(first);
        let row = query_as::<ContextRow>(context_sql())
            .bind(telegram_id)
            .bind(chat_id)
            .bind(first)
            .bind(second)
            .fetch_one(&self.read)
            .await?;
        Ok((row.person()?, row.dialogue, row.handled || !claimed))
    }

    pub async fn person(&self, id: i64) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.id = $1 AND p.removed_at IS NULL"
        );
        query_as::<PersonRow>(&sql)
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .map(Person::try_from)
            .transpose()
    }

    /// People still in, optionally of one agency, by agency then name.
    pub async fn people(&self, agency: Option<&AgencyCode>) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.removed_at IS NULL AND ($1 IS NULL OR a.code = $1)
             ORDER BY a.position IS NULL, a.position, p.role, p.name"
        );
        persons(query_as(&sql).bind(agency.map(AgencyCode::as_str)).fetch_all(&self.read).await?)
    }

    pub async fn people_with_role(&self, role: Role) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.removed_at IS NULL AND p.role = $1 ORDER BY p.id"
        );
        persons(query_as(&sql).bind(role.as_str()).fetch_all(&self.read).await?)
    }

    /// An admin named in the settings who writes for the first time (or again after removal).
    pub async fn ensure_admin(&self, who: &Newcomer, now: DateTime<Utc>) -> Result<Person> {
        query(
            "INSERT INTO person (telegram_id, chat_id, name, username, language, role, joined_at)
             VALUES ($1, $2, $3, $4, $5, 'admin', $6)
             ON CONFLICT (telegram_id) DO UPDATE SET role = 'admin', agency_id = NULL, removed_at = NULL,
                chat_id = excluded.chat_id",
        )
        .bind(who.telegram_id)
        .bind(who.chat_id)
        .bind(&who.name)
        .bind(&who.username)
        .bind(who.language.as_str())
        .bind(now)
        .execute(&self.write)
        .await?;
        self.person_by_telegram(who.telegram_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("admin vanished".into()))
    }

    /// Takes a person's rights away; returns false if they were not in.
    pub async fn remove_person(&self, person_id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = query("UPDATE person SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL")
            .bind(now)
            .bind(person_id)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    pub async fn set_language(&self, person_id: i64, lang: Lang) -> Result<()> {
        query("UPDATE person SET language = $1 WHERE id = $2")
            .bind(lang.as_str())
            .bind(person_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Telegram said the person blocked the bot (false), or the person wrote again (true).
    /// Returns whether anything changed.
    pub async fn set_reachable(&self, person_id: i64, reachable: bool) -> Result<bool> {
        let n = query("UPDATE person SET reachable = $1 WHERE id = $2 AND reachable != $3")
            .bind(reachable)
            .bind(person_id)
            .bind(reachable)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n > 0)
    }
}

/// An update's context: the person of Telegram user `$1` (if any), the dialogue of chat `$2`,
/// and whether either of its keys `$3`, `$4` was handled. The keys are looked up one by one:
/// `= $3 OR = $4` made SQLite build a temporary index of the two for every update.
pub(super) fn context_sql() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT {PERSON_COLUMNS},
            (SELECT state FROM dialogue_state WHERE chat_id = $2) AS dialogue,
            EXISTS (SELECT 1 FROM handled_update WHERE update_key = $3)
                OR EXISTS (SELECT 1 FROM handled_update WHERE update_key = $4) AS handled
         FROM (SELECT 1) one
         LEFT JOIN person p ON p.telegram_id = $1 AND p.removed_at IS NULL
         LEFT JOIN agency a ON a.id = p.agency_id"
        )
    });
    &SQL
}
