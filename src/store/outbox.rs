//! The outbox: every message that matters, a row per recipient, from queued to sent. Rows are
//! claimed one at a time when their send slot comes, so a crash leaves at most the few in
//! flight, and those go again at start-up.

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as, query_scalar};
use super::on_sqlite::row;
use super::{Result, Store};
use crate::domain::{AgencyCode, PeriodKey};

/// A report by what names it: plan code, round code, period, agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportKey {
    pub plan: String,
    pub round: String,
    pub period: PeriodKey,
    pub agency: AgencyCode,
}

/// Who a queued message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTo {
    Person {
        id: i64,
        chat: i64,
    },
    /// Every admin, including those who join later (the message waits for the first).
    Admins,
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    /// Unique: queuing the same key twice queues it once.
    pub key: String,
    /// reminder, notice, digest, review, blocked, broadcast.
    pub kind: &'static str,
    pub to: MailTo,
    /// JSON: a screen per language code, `{"vi": {...}, "en": {...}}`.
    pub payload: String,
    /// 0 goes before 1 (what a person just did before the bulk).
    pub priority: i64,
    /// On the bot's clock: not sent after this (a reminder a day late says the wrong thing).
    pub expires_at: Option<DateTime<Utc>>,
    /// Dropped unsent once this agency's report of this plan, round and period is handed in.
    pub stale_if_handed_in: Option<ReportKey>,
    pub broadcast: Option<i64>,
}

row! {
    /// A queued message due now.
    #[derive(Debug, Clone, sqlx::FromRow)]
    pub struct Mail {
        pub id: i64,
        pub key: String,
        pub kind: String,
        pub priority: i64,
        pub person_id: Option<i64>,
        pub chat_id: i64,
        pub language: Option<String>,
        pub payload: String,
        pub attempts: i64,
        pub broadcast_id: Option<i64>,
    }
}

/// How one try of a claimed row ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Sent {
        message_id: i64,
    },
    Failed {
        error: String,
    },
    /// Back to pending, tried again after `not_before` (wall clock).
    Retry {
        error: String,
        not_before: DateTime<Utc>,
        uncertain: bool,
    },
}

row! {
    /// Progress of a broadcast.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
    pub struct BroadcastProgress {
        pub total: i64,
        pub sent: i64,
        pub failed: i64,
        pub cancelled: i64,
    }
}

impl BroadcastProgress {
    pub fn finished(&self) -> bool {
        self.sent + self.failed + self.cancelled >= self.total
    }
}

/// A notice to every focal point, about to be queued.
#[derive(Debug, Clone, Copy)]
pub struct NewBroadcast<'a> {
    pub text: &'a str,
    pub created_by: Option<i64>,
    /// The admin's chat, where the progress shows.
    pub chat_id: i64,
    pub language: &'a str,
}

row! {
    #[derive(Debug, Clone, sqlx::FromRow)]
    pub struct Broadcast {
        pub id: i64,
        pub text: String,
        pub created_by: Option<i64>,
        pub chat_id: i64,
        pub progress_message_id: Option<i64>,
        pub language: String,
        pub total: i64,
        pub status: String,
        pub created_at: DateTime<Utc>,
    }
}

const PLAN: &str = "(SELECT id FROM plan WHERE code = $16)";

/// Queues messages inside a transaction; returns how many were new.
pub(super) async fn enqueue(
    tx: &mut Tx,
    mails: &[NewMail],
    now: DateTime<Utc>,
    wall: DateTime<Utc>,
) -> Result<usize> {
    let mut added = 0;
    for m in mails {
        let (person, chat, audience) = match &m.to {
            MailTo::Person { id, chat } => (Some(*id), Some(*chat), None),
            MailTo::Admins => (None, None, Some("admins")),
        };
        let language = match &m.to {
            MailTo::Person { id, .. } => {
                query_scalar::<String>("SELECT language FROM person WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            MailTo::Admins => None,
        };
        let (plan, round, period, agency) = match &m.stale_if_handed_in {
            Some(k) => (
                Some(k.plan.as_str()),
                Some(k.round.as_str()),
                Some(k.period.to_string()),
                Some(k.agency.as_str()),
            ),
            None => (None, None, None, None),
        };
        let sql = format!(
            "INSERT INTO outbox (key, kind, priority, person_id, chat_id, audience, payload, not_before,
                expires_at, stale_round, stale_period, stale_agency, broadcast_id, created_at, updated_at, language)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                (SELECT id FROM reporting_round WHERE code = $10 AND plan_id = {PLAN}), $11,
                (SELECT id FROM agency WHERE code = $12 AND plan_id = {PLAN}), $13, $14, $14, $15)
             ON CONFLICT (key) DO NOTHING"
        );
        added += query(&sql)
            .bind(&m.key)
            .bind(m.kind)
            .bind(m.priority)
            .bind(person)
            .bind(chat)
            .bind(audience)
            .bind(&m.payload)
            .bind(wall)
            .bind(m.expires_at)
            .bind(round)
            .bind(period)
            .bind(agency)
            .bind(m.broadcast)
            .bind(now)
            .bind(language)
            .bind(plan)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
    }
    Ok(added)
}

impl Store {
    /// Queues messages; returns how many were new (a key already queued is not queued again).
    pub async fn enqueue(&self, mails: &[NewMail], now: DateTime<Utc>, wall: DateTime<Utc>) -> Result<usize> {
        let mut tx = self.begin().await?;
        let added = enqueue(&mut tx, mails, now, wall).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Copies the messages waiting for "every admin" to each admin there is now; returns how
    /// many were copied (none while no admin has joined).
    pub async fn expand_admin_mail(&self, now: DateTime<Utc>) -> Result<u64> {
        let waiting: i64 =
            query_scalar("SELECT count(*) FROM outbox WHERE audience = 'admins' AND status = 'pending'")
                .fetch_one(&self.read)
                .await?;
        if waiting == 0 {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let copied = query(
            "INSERT INTO outbox (key, kind, priority, person_id, chat_id, language, payload, not_before, expires_at,
                stale_round, stale_period, stale_agency, created_at, updated_at)
             SELECT o.key || ':' || p.id, o.kind, o.priority, p.id, p.chat_id, p.language, o.payload, o.not_before,
                o.expires_at, o.stale_round, o.stale_period, o.stale_agency, o.created_at, $1
             FROM outbox o JOIN person p ON p.role = 'admin' AND p.removed_at IS NULL AND p.reachable = TRUE
             WHERE o.audience = 'admins' AND o.status = 'pending'
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(now)
        .execute(&mut tx)
        .await?
        .rows_affected();
        query(
            "UPDATE outbox SET status = 'expanded', updated_at = $1 WHERE audience = 'admins' AND status = 'pending'
               AND EXISTS (SELECT 1 FROM person WHERE role = 'admin' AND removed_at IS NULL AND reachable = TRUE)",
        )
        .bind(now)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(copied)
    }

    /// When the next message backing off is due (wall clock), if any is waiting.
    pub async fn next_mail_at(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(query_scalar("SELECT min(not_before) FROM outbox WHERE status = 'pending' AND audience IS NULL")
            .fetch_one(&self.read)
            .await?)
    }

    /// Takes up to `limit` messages due at `wall` (pending, not backing off) for sending, most
    /// urgent first, in one transaction; first drops, unsent, those whose report was handed in
    /// meanwhile and those too late (their kinds are the second value). A claimed row left in
    /// flight by a crash goes again at start-up ([`Store::recover_in_flight`]): claiming a few
    /// ahead of their send slots loses nothing.
    pub async fn claim_due_mail(
        &self,
        wall: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<(Vec<Mail>, Vec<String>)> {
        let due = "SELECT id FROM outbox WHERE status = 'pending' AND audience IS NULL AND not_before <= $1
                   ORDER BY priority, id LIMIT $2";
        let mut tx = self.begin().await?;
        let mut dropped: Vec<String> = query_scalar(&format!(
            "UPDATE outbox SET status = 'cancelled', updated_at = $3 WHERE id IN ({due}) AND status = 'pending'
               AND stale_round IS NOT NULL AND EXISTS (SELECT 1 FROM report r WHERE r.round_id = outbox.stale_round
                 AND r.period = outbox.stale_period AND r.agency_id = outbox.stale_agency
                 AND r.state IN ('submitted', 'accepted'))
             RETURNING kind"
        ))
        .bind(wall)
        .bind(limit)
        .bind(now)
        .fetch_all(&mut tx)
        .await?;
        let late: Vec<String> = query_scalar(&format!(
            "UPDATE outbox SET status = 'expired', updated_at = $3 WHERE id IN ({due}) AND status = 'pending'
               AND expires_at <= $3
             RETURNING kind"
        ))
        .bind(wall)
        .bind(limit)
        .bind(now)
        .fetch_all(&mut tx)
        .await?;
        dropped.extend(late);
        let mut claimed: Vec<Mail> = query_as(&format!(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = $3 WHERE id IN ({due})
               AND status = 'pending'
             RETURNING id, key, kind, priority, person_id, chat_id, language, payload, attempts - 1 AS attempts,
                broadcast_id"
        ))
        .bind(wall)
        .bind(limit)
        .bind(now)
        .fetch_all(&mut tx)
        .await?;
        tx.commit().await?;
        claimed.sort_by_key(|m| (m.priority, m.id));
        Ok((claimed, dropped))
    }

    /// Records how a claimed row's try ended.
    pub async fn record_mail(&self, id: i64, outcome: &MailOutcome, now: DateTime<Utc>) -> Result<()> {
        let q = match outcome {
            MailOutcome::Sent { message_id } => query(
                "UPDATE outbox SET status = 'sent', message_id = $1, error = NULL, updated_at = $2 WHERE id = $3",
            )
            .bind(*message_id)
            .bind(now)
            .bind(id),
            MailOutcome::Failed { error } => {
                query("UPDATE outbox SET status = 'failed', error = $1, updated_at = $2 WHERE id = $3")
                    .bind(error.clone())
                    .bind(now)
                    .bind(id)
            }
            MailOutcome::Retry { error, not_before, uncertain } => query(
                "UPDATE outbox SET status = 'pending', error = $1, not_before = $2, uncertain = uncertain + $3,
                    updated_at = $4 WHERE id = $5 AND status = 'sending'",
            )
            .bind(error.clone())
            .bind(*not_before)
            .bind(i64::from(*uncertain))
            .bind(now)
            .bind(id),
        };
        q.execute(&self.write).await?;
        Ok(())
    }

    /// Claimed rows that were never sent go back to the queue (the bot is stopping), so that
    /// they are not counted as possibly sent twice at the next start.
    pub async fn release_mail(&self, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for id in ids {
            query(
                "UPDATE outbox SET status = 'pending', attempts = attempts - 1, updated_at = $1
                  WHERE id = $2 AND status = 'sending'",
            )
            .bind(now)
            .bind(*id)
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// At start-up: rows a crash left in flight go again (they may have arrived: at least once).
    pub async fn recover_in_flight(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(query(
            "UPDATE outbox SET status = 'pending', resent = resent + 1, updated_at = $1 WHERE status = 'sending'",
        )
        .bind(now)
        .execute(&self.write)
        .await?
        .rows_affected())
    }

    /// How many rows are in each status (for the operator and the tests).
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(query_as("SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status")
            .fetch_all(&self.read)
            .await?)
    }

    /// Messages to known recipients not yet sent nor given up (waiting, backing off, in flight).
    pub async fn outbox_in_progress(&self) -> Result<i64> {
        Ok(query_scalar(
            "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') AND audience IS NULL",
        )
        .fetch_one(&self.read)
        .await?)
    }

    /// Totals of the messages that were sent again after a crash or a timeout.
    pub async fn outbox_repeats(&self) -> Result<(i64, i64)> {
        Ok(query_as("SELECT CAST(coalesce(sum(resent), 0) AS BIGINT), CAST(coalesce(sum(uncertain), 0) AS BIGINT) FROM outbox")
            .fetch_one(&self.read)
            .await?)
    }

    // ---- broadcasts ----

    /// A broadcast and its recipients' rows, queued together.
    pub async fn create_broadcast(
        &self,
        b: &NewBroadcast<'_>,
        mails: impl Fn(i64) -> Vec<NewMail>,
        now: DateTime<Utc>,
        wall: DateTime<Utc>,
    ) -> Result<(i64, usize)> {
        let NewBroadcast { text, created_by, chat_id, language } = *b;
        let mut tx = self.begin().await?;
        let id: i64 = query_scalar(
            "INSERT INTO broadcast (text, created_by, chat_id, language, total, created_at)
             VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
        )
        .bind(text)
        .bind(created_by)
        .bind(chat_id)
        .bind(language)
        .bind(now)
        .fetch_one(&mut tx)
        .await?;
        let list = mails(id);
        let added = enqueue(&mut tx, &list, now, wall).await?;
        query("UPDATE broadcast SET total = $1 WHERE id = $2")
            .bind(added as i64)
            .bind(id)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok((id, added))
    }

    pub async fn set_broadcast_message(&self, id: i64, message_id: i64) -> Result<()> {
        query("UPDATE broadcast SET progress_message_id = $1 WHERE id = $2")
            .bind(message_id)
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn broadcast(&self, id: i64) -> Result<Option<Broadcast>> {
        Ok(query_as(
            "SELECT id, text, created_by, chat_id, progress_message_id, language, total, status, created_at FROM broadcast WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Broadcasts still going out.
    pub async fn active_broadcasts(&self) -> Result<Vec<Broadcast>> {
        Ok(query_as(
            "SELECT id, text, created_by, chat_id, progress_message_id, language, total, status, created_at
             FROM broadcast WHERE status = 'sending' ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn broadcast_progress(&self, id: i64) -> Result<BroadcastProgress> {
        Ok(query_as(
            "SELECT (SELECT total FROM broadcast WHERE id = $1) AS total,
                count(*) FILTER (WHERE status = 'sent') AS sent,
                count(*) FILTER (WHERE status IN ('failed', 'expired')) AS failed,
                count(*) FILTER (WHERE status = 'cancelled') AS cancelled
             FROM outbox WHERE broadcast_id = $1",
        )
        .bind(id)
        .fetch_one(&self.read)
        .await?)
    }

    /// Stops a broadcast: what has not gone yet never will. False when it had finished.
    pub async fn cancel_broadcast(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = query(
            "UPDATE broadcast SET status = 'cancelled', finished_at = $1 WHERE id = $2 AND status = 'sending'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?
        .rows_affected();
        query("UPDATE outbox SET status = 'cancelled', updated_at = $1 WHERE broadcast_id = $2 AND status = 'pending'")
            .bind(now)
            .bind(id)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    pub async fn finish_broadcast(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        Ok(query(
            "UPDATE broadcast SET status = 'done', finished_at = $1 WHERE id = $2 AND status = 'sending'",
        )
        .bind(now)
        .bind(id)
        .execute(&self.write)
        .await?
        .rows_affected()
            > 0)
    }
}
