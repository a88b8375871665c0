//! People, invites, and the audit log.

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as, query_scalar};
use super::on_sqlite::row;
use super::{Result, Store, StoreError};
use crate::domain::AgencyCode;
use crate::domain::people::{InviteRefusal, Lang, Role, invite_hash};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub code: String,
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub expires_at: DateTime<Utc>,
}

/// What using an invite did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Joined(Person),
    /// An existing person took another agency or role, after confirming.
    Moved(Person),
    /// An existing person would change agency or role: nothing is used until they confirm.
    AsksToMove {
        invite: i64,
        current: Person,
        role: Role,
        agency: Option<AgencyCode>,
    },
}

impl Redeemed {
    /// The person as they are now (for a move not yet confirmed: as they were).
    pub fn person(self) -> Person {
        match self {
            Redeemed::Joined(p) | Redeemed::Moved(p) | Redeemed::AsksToMove { current: p, .. } => p,
        }
    }
}

row! {
    /// An invite as the admins list it (never its code).
    #[derive(Debug, Clone, sqlx::FromRow)]
    pub struct InviteRow {
        pub id: i64,
        pub role: String,
        pub agency: Option<String>,
        pub created_by: Option<String>,
        pub created_at: DateTime<Utc>,
        pub expires_at: DateTime<Utc>,
        pub used_by: Option<String>,
        pub used_at: Option<DateTime<Utc>>,
        pub revoked_at: Option<DateTime<Utc>>,
    }
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

/// The active plan's agency id for a code, as a subquery.
/// A person belongs to an agency by its code, the same in every plan followed; the row kept is
/// that of the plan imported last that has the code.
const AGENCY_ID: &str = "(SELECT id FROM agency WHERE code = $3 ORDER BY plan_id DESC LIMIT 1)";

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
        let row = query_as::<ContextRow>(&context_sql())
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

    /// Stores a new invite: only the hash of its code.
    pub async fn create_invite(
        &self,
        invite: &Invite,
        created_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let sql = format!(
            "INSERT INTO invite (code_hash, role, agency_id, created_by, created_at, expires_at)
             VALUES ($1, $2, {AGENCY_ID}, $4, $5, $6) RETURNING id"
        );
        Ok(query_scalar(&sql)
            .bind(invite_hash(&invite.code))
            .bind(invite.role.as_str())
            .bind(invite.agency.as_ref().map(AgencyCode::as_str))
            .bind(created_by)
            .bind(now)
            .bind(invite.expires_at)
            .fetch_one(&self.write)
            .await?)
    }

    /// Uses an invite, once. A newcomer joins; a person who would change agency or role is
    /// asked first (nothing is used until they confirm with [`Store::redeem_invite_by_id`]);
    /// an admin is never made anything less.
    pub async fn redeem_invite(
        &self,
        code: &str,
        who: &Newcomer,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Redeemed, InviteRefusal>> {
        let id: Option<i64> = query_scalar("SELECT id FROM invite WHERE code_hash = $1")
            .bind(invite_hash(code))
            .fetch_optional(&self.read)
            .await?;
        match id {
            Some(id) => self.redeem(id, who, now, false).await,
            None => Ok(Err(InviteRefusal::Unknown)),
        }
    }

    /// Uses an invite the person confirmed moving by (the id comes from their conversation).
    pub async fn redeem_invite_by_id(
        &self,
        id: i64,
        who: &Newcomer,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Redeemed, InviteRefusal>> {
        self.redeem(id, who, now, true).await
    }

    async fn redeem(
        &self,
        invite_id: i64,
        who: &Newcomer,
        now: DateTime<Utc>,
        confirmed: bool,
    ) -> Result<std::result::Result<Redeemed, InviteRefusal>> {
        row! {
        #[derive(sqlx::FromRow)]
        struct InviteState {
            role: String,
            agency_id: Option<i64>,
            agency: Option<String>,
            expires_at: DateTime<Utc>,
            used_at: Option<DateTime<Utc>>,
            revoked_at: Option<DateTime<Utc>>,
        }
        }
        let mut tx = self.begin().await?;
        let Some(row) = query_as::<InviteState>(
            "SELECT i.role, i.agency_id, a.code AS agency, i.expires_at, i.used_at, i.revoked_at
             FROM invite i LEFT JOIN agency a ON a.id = i.agency_id WHERE i.id = $1",
        )
        .bind(invite_id)
        .fetch_optional(&mut tx)
        .await?
        else {
            return Ok(Err(InviteRefusal::Unknown));
        };
        if row.revoked_at.is_some() {
            return Ok(Err(InviteRefusal::Revoked));
        }
        if row.used_at.is_some() {
            return Ok(Err(InviteRefusal::Used));
        }
        if row.expires_at <= now {
            return Ok(Err(InviteRefusal::Expired));
        }
        let role = Role::parse(&row.role).ok_or_else(|| StoreError::Corrupt("invite.role".into()))?;
        let agency_id = row.agency_id;
        let agency = row.agency.as_deref().and_then(AgencyCode::parse);
        let current = self.person_by_telegram(who.telegram_id).await?;
        if let Some(p) = &current {
            if p.role == Role::Admin && role != Role::Admin {
                return Ok(Err(InviteRefusal::AdminStays));
            }
            if (p.role, &p.agency) != (role, &agency) && !confirmed {
                return Ok(Ok(Redeemed::AsksToMove { invite: invite_id, current: p.clone(), role, agency }));
            }
        }
        let person_id: i64 = query_scalar(
            "INSERT INTO person (telegram_id, chat_id, name, username, language, role, agency_id, joined_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id,
                name = CASE WHEN person.name_source = 'typed' THEN person.name ELSE excluded.name END,
                username = excluded.username, role = excluded.role, agency_id = excluded.agency_id,
                reachable = TRUE, removed_at = NULL, joined_at = excluded.joined_at
             RETURNING id",
        )
        .bind(who.telegram_id)
        .bind(who.chat_id)
        .bind(&who.name)
        .bind(&who.username)
        .bind(who.language.as_str())
        .bind(role.as_str())
        .bind(agency_id)
        .bind(now)
        .fetch_one(&mut tx)
        .await?;
        // Used once, even by two people at the same instant on two replicas: the second finds
        // it used, and its person is not written (the transaction is dropped).
        let used = query(
            "UPDATE invite SET used_by = $1, used_at = $2 WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(person_id)
        .bind(now)
        .bind(invite_id)
        .execute(&mut tx)
        .await?;
        if used.rows_affected() == 0 {
            return Ok(Err(InviteRefusal::Used));
        }
        if let Some(p) = current.as_ref().filter(|p| (p.role, &p.agency) != (role, &agency)) {
            let detail = serde_json::json!({
                "invite": invite_id,
                "from_role": p.role.as_str(), "from_agency": p.agency.as_ref().map(AgencyCode::as_str),
                "to_role": role.as_str(), "to_agency": agency.as_ref().map(AgencyCode::as_str),
            });
            audit(&mut tx, Some(person_id), Some(who.telegram_id), "person_moved", &detail, now).await?;
        }
        tx.commit().await?;
        let joined = self
            .person(person_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("joined person vanished".into()))?;
        Ok(Ok(match current {
            Some(_) => Redeemed::Moved(joined),
            None => Redeemed::Joined(joined),
        }))
    }

    /// Every invite, newest first, with what became of it.
    pub async fn invites(&self) -> Result<Vec<InviteRow>> {
        Ok(query_as(
            "SELECT i.id, i.role, a.code AS agency, c.name AS created_by, i.created_at, i.expires_at,
                u.name AS used_by, i.used_at, i.revoked_at
             FROM invite i LEFT JOIN agency a ON a.id = i.agency_id
             LEFT JOIN person c ON c.id = i.created_by LEFT JOIN person u ON u.id = i.used_by
             ORDER BY i.id DESC",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Takes an unused invite back; false when it was used, revoked already, or unknown.
    pub async fn revoke_invite(&self, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool> {
        Ok(query(
            "UPDATE invite SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&self.write)
        .await?
        .rows_affected()
            > 0)
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

async fn audit(
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

/// An update's context: the person of Telegram user `$1` (if any), the dialogue of chat `$2`,
/// and whether either of its keys `$3`, `$4` was handled. The keys are looked up one by one:
/// `= $3 OR = $4` made SQLite build a temporary index of the two for every update.
pub(super) fn context_sql() -> String {
    format!(
        "SELECT {PERSON_COLUMNS},
            (SELECT state FROM dialogue_state WHERE chat_id = $2) AS dialogue,
            EXISTS (SELECT 1 FROM handled_update WHERE update_key = $3)
                OR EXISTS (SELECT 1 FROM handled_update WHERE update_key = $4) AS handled
         FROM (SELECT 1) one
         LEFT JOIN person p ON p.telegram_id = $1 AND p.removed_at IS NULL
         LEFT JOIN agency a ON a.id = p.agency_id"
    )
}
