//! Invites: stored hashed, used once, listed and revoked; a person who would change agency or
//! role is asked first.

use chrono::{DateTime, Utc};

use super::audit::audit;
use super::db::{query, query_as, query_scalar};
use super::on_sqlite::row;
use super::people::Newcomer;
use super::{Person, Result, Store, StoreError};
use crate::domain::AgencyCode;
use crate::domain::people::{InviteRefusal, Role, invite_hash};

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

/// The active plan's agency id for a code, as a subquery.
/// A person belongs to an agency by its code, the same in every plan followed; the row kept is
/// that of the plan imported last that has the code.
const AGENCY_ID: &str = "(SELECT id FROM agency WHERE code = $3 ORDER BY plan_id DESC LIMIT 1)";

impl Store {
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
}
