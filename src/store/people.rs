//! People, invites, and the audit log.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Result, Store, StoreError};
use crate::domain::AgencyCode;
use crate::domain::people::{InviteRefusal, Lang, Role};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub code: String,
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub expires_at: DateTime<Utc>,
}

const PERSON_COLUMNS: &str = "p.id, p.telegram_id, p.chat_id, p.name, p.username, p.language, p.role, \
     a.code AS agency, p.reachable, p.joined_at";

fn person(row: &SqliteRow) -> Result<Person> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("person.{what}"));
    Ok(Person {
        id: row.get("id"),
        telegram_id: row.get("telegram_id"),
        chat_id: row.get("chat_id"),
        name: row.get("name"),
        username: row.get("username"),
        language: Lang::parse(row.get("language")).ok_or_else(|| corrupt("language"))?,
        role: Role::parse(row.get("role")).ok_or_else(|| corrupt("role"))?,
        agency: row.get::<Option<String>, _>("agency").as_deref().and_then(AgencyCode::parse),
        reachable: row.get("reachable"),
        joined_at: row.get("joined_at"),
    })
}

/// The active plan's agency id for a code, as a subquery.
const AGENCY_ID: &str =
    "(SELECT id FROM agency WHERE code = ? AND plan_id = (SELECT id FROM plan WHERE active = 1))";

impl Store {
    /// The person behind a Telegram user, unless removed.
    pub async fn person_by_telegram(&self, telegram_id: i64) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.telegram_id = ? AND p.removed_at IS NULL"
        );
        sqlx::query(&sql).bind(telegram_id).fetch_optional(&self.read).await?.as_ref().map(person).transpose()
    }

    pub async fn person(&self, id: i64) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.id = ? AND p.removed_at IS NULL"
        );
        sqlx::query(&sql).bind(id).fetch_optional(&self.read).await?.as_ref().map(person).transpose()
    }

    /// People still in, optionally of one agency, by agency then name.
    pub async fn people(&self, agency: Option<&AgencyCode>) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.removed_at IS NULL AND (?1 IS NULL OR a.code = ?1)
             ORDER BY a.position IS NULL, a.position, p.role, p.name"
        );
        let rows = sqlx::query(&sql).bind(agency.map(AgencyCode::as_str)).fetch_all(&self.read).await?;
        rows.iter().map(person).collect()
    }

    pub async fn people_with_role(&self, role: Role) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p LEFT JOIN agency a ON a.id = p.agency_id
             WHERE p.removed_at IS NULL AND p.role = ? ORDER BY p.id"
        );
        let rows = sqlx::query(&sql).bind(role.as_str()).fetch_all(&self.read).await?;
        rows.iter().map(person).collect()
    }

    /// An admin named in the settings who writes for the first time (or again after removal).
    pub async fn ensure_admin(&self, who: &Newcomer, now: DateTime<Utc>) -> Result<Person> {
        sqlx::query(
            "INSERT INTO person (telegram_id, chat_id, name, username, language, role, joined_at)
             VALUES (?, ?, ?, ?, ?, 'admin', ?)
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

    pub async fn create_invite(
        &self,
        invite: &Invite,
        created_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO invite (code, role, agency_id, created_by, created_at, expires_at)
             VALUES (?, ?, {AGENCY_ID}, ?, ?, ?)"
        );
        sqlx::query(&sql)
            .bind(&invite.code)
            .bind(invite.role.as_str())
            .bind(invite.agency.as_ref().map(AgencyCode::as_str))
            .bind(created_by)
            .bind(now)
            .bind(invite.expires_at)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Uses an invite, once: the person joins (or moves) with its role and agency.
    pub async fn redeem_invite(
        &self,
        code: &str,
        who: &Newcomer,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Person, InviteRefusal>> {
        let mut tx = self.write.begin().await?;
        let Some(row) =
            sqlx::query("SELECT id, role, agency_id, expires_at, used_at FROM invite WHERE code = ?")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(Err(InviteRefusal::Unknown));
        };
        if row.get::<Option<DateTime<Utc>>, _>("used_at").is_some() {
            return Ok(Err(InviteRefusal::Used));
        }
        if row.get::<DateTime<Utc>, _>("expires_at") <= now {
            return Ok(Err(InviteRefusal::Expired));
        }
        let invite_id: i64 = row.get("id");
        let role: String = row.get("role");
        let agency_id: Option<i64> = row.get("agency_id");
        let person_id: i64 = sqlx::query_scalar(
            "INSERT INTO person (telegram_id, chat_id, name, username, language, role, agency_id, joined_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id, name = excluded.name,
                username = excluded.username, role = excluded.role, agency_id = excluded.agency_id,
                reachable = 1, removed_at = NULL, joined_at = excluded.joined_at
             RETURNING id",
        )
        .bind(who.telegram_id)
        .bind(who.chat_id)
        .bind(&who.name)
        .bind(&who.username)
        .bind(who.language.as_str())
        .bind(&role)
        .bind(agency_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE invite SET used_by = ?, used_at = ? WHERE id = ?")
            .bind(person_id)
            .bind(now)
            .bind(invite_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let joined = self
            .person(person_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("joined person vanished".into()))?;
        Ok(Ok(joined))
    }

    /// Takes a person's rights away; returns false if they were not in.
    pub async fn remove_person(&self, person_id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query("UPDATE person SET removed_at = ? WHERE id = ? AND removed_at IS NULL")
            .bind(now)
            .bind(person_id)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    pub async fn set_language(&self, person_id: i64, lang: Lang) -> Result<()> {
        sqlx::query("UPDATE person SET language = ? WHERE id = ?")
            .bind(lang.as_str())
            .bind(person_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Telegram said the person blocked the bot (false), or the person wrote again (true).
    /// Returns whether anything changed.
    pub async fn set_reachable(&self, person_id: i64, reachable: bool) -> Result<bool> {
        let n = sqlx::query("UPDATE person SET reachable = ? WHERE id = ? AND reachable != ?")
            .bind(reachable)
            .bind(person_id)
            .bind(reachable)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    /// Records who did what; forged buttons and refused actions land here too.
    pub async fn audit(
        &self,
        person_id: Option<i64>,
        telegram_id: Option<i64>,
        action: &str,
        detail: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, person_id, telegram_id, action, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(now)
        .bind(person_id)
        .bind(telegram_id)
        .bind(action)
        .bind(detail.to_string())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Audit entries with an action, newest first (for tests and the admins).
    pub async fn audit_entries(&self, action: &str) -> Result<Vec<(Option<i64>, serde_json::Value)>> {
        let rows = sqlx::query_as::<_, (Option<i64>, String)>(
            "SELECT person_id, detail FROM audit_log WHERE action = ? ORDER BY id DESC",
        )
        .bind(action)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|(p, d)| (p, serde_json::from_str(&d).unwrap_or_default())).collect())
    }
}
