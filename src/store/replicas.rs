//! Several replicas on one PostgreSQL: an update is claimed by the replica that handles it, and
//! one replica at a time holds the scheduler lock. On SQLite one bot runs per database (the
//! single-instance lock of `startup`), so there is nothing to claim and the lock is its own.

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::db::{Backend, Pool, Tx, query, query_scalar};
use super::{Result, Store};

/// A claim of another replica that did not finish its update within this time lapses: it may
/// have died, and the update is handled again when delivered again. Longer than any update takes.
const CLAIM_LAPSES: &str = "interval '60 seconds'";

/// The advisory lock of the scheduler and the postman ("dondoc" in ASCII).
const SCHEDULER_LOCK: i64 = 0x646f_6e64_6f63;

impl Store {
    /// Claims an update's keys for this replica. False when another replica holds a live claim
    /// on one of them: it is handling the same update. A replica's own claim is its own again
    /// (the same replica restarted after a crash), and a claim older than a minute lapses.
    pub(super) async fn claim_update(&self, keys: &[String]) -> Result<bool> {
        if self.backend() == Backend::Sqlite || keys.is_empty() {
            return Ok(true);
        }
        let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        keys.dedup();
        let rows: Vec<String> = (0..keys.len()).map(|i| format!("(${}, $1, now())", i + 2)).collect();
        let sql = format!(
            "INSERT INTO update_claim (update_key, replica, claimed_at) VALUES {}
             ON CONFLICT (update_key) DO UPDATE SET replica = excluded.replica, claimed_at = excluded.claimed_at
             WHERE update_claim.replica = excluded.replica OR update_claim.claimed_at < now() - {CLAIM_LAPSES}
             RETURNING update_key",
            rows.join(", ")
        );
        let mut claim = query_scalar::<String>(&sql).bind(&*self.replica);
        for key in &keys {
            claim = claim.bind(*key);
        }
        Ok(claim.fetch_all(&self.write).await?.len() == keys.len())
    }

    /// Takes the scheduler lock if no other replica holds it. On PostgreSQL it is an advisory
    /// lock of a connection of its own: the server lets it go the moment that connection ends
    /// (a replica killed), or when its keepalives go unanswered for about 25 s (a machine gone).
    pub async fn try_scheduler_lock(&self) -> Result<Option<SchedulerLock>> {
        let Pool::Postgres(pool) = &self.write else {
            return Ok(Some(SchedulerLock { conn: None }));
        };
        let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
        for setting in ["tcp_keepalives_idle = 10", "tcp_keepalives_interval = 5", "tcp_keepalives_count = 3"]
        {
            sqlx::query(&format!("SET {setting}")).execute(&mut conn).await?;
        }
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(SCHEDULER_LOCK)
            .fetch_one(&mut conn)
            .await?;
        if !taken {
            conn.close().await?;
            return Ok(None);
        }
        Ok(Some(SchedulerLock { conn: Some(conn) }))
    }
}

/// The right to run the scheduler and the postman, held until dropped or lost.
pub struct SchedulerLock {
    conn: Option<PgConnection>,
}

impl SchedulerLock {
    /// Whether the lock is still this replica's: its connection answers within `within`. A
    /// replica whose connection broke must stop its scheduler, as another may have the lock now.
    pub async fn still_held(&mut self, within: Duration) -> bool {
        let Some(conn) = self.conn.as_mut() else { return true };
        matches!(tokio::time::timeout(within, conn.ping()).await, Ok(Ok(())))
    }

    /// Lets the lock go now (a clean stop), so that another replica takes it at once.
    pub async fn release(self) {
        if let Some(mut conn) = self.conn {
            let _ =
                sqlx::query("SELECT pg_advisory_unlock($1)").bind(SCHEDULER_LOCK).execute(&mut conn).await;
            let _ = conn.close().await;
        }
    }
}

/// Holds back other imports of a plan until this transaction ends (replicas starting together on
/// an empty database each import the bundled plan: the second finds it there). SQLite has one
/// writer at a time already.
pub(super) async fn one_import_at_a_time(tx: &mut Tx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        query("SELECT pg_advisory_xact_lock($1)").bind(SCHEDULER_LOCK + 1).execute(&mut *tx).await?;
    }
    Ok(())
}

/// At the end of updates: their claims go (the handled marks written beside them answer now).
pub(super) async fn release_claims(tx: &mut Tx, keys: &[&str]) -> Result<()> {
    if tx.backend() == Backend::Sqlite || keys.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
    let sql = format!("DELETE FROM update_claim WHERE update_key IN ({})", list.join(", "));
    let mut release = query(&sql);
    for key in keys {
        release = release.bind(*key);
    }
    release.execute(&mut *tx).await?;
    Ok(())
}

/// Claims left by updates found handled already, or by replicas gone, after a day.
pub(super) async fn prune_claims(pool: &Pool) -> Result<()> {
    if pool.backend() == Backend::Postgres {
        query("DELETE FROM update_claim WHERE claimed_at < now() - interval '1 day'").execute(pool).await?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testing {
    use std::str::FromStr;

    use sqlx::Connection;
    use sqlx::postgres::{PgConnectOptions, PgConnection};

    /// A new, empty database on the server of `DONDOC_TEST_DATABASE_URL`, as a URL; `None` when
    /// the variable is not set (the tests then run on SQLite).
    pub async fn fresh_database() -> Option<String> {
        let server = std::env::var("DONDOC_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
        let options = PgConnectOptions::from_str(&server).expect("DONDOC_TEST_DATABASE_URL is a URL");
        let mut conn = PgConnection::connect_with(&options).await.expect("the test PostgreSQL answers");
        let name = format!("dondoc_unit_{}", random_suffix());
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create a database");
        conn.close().await.expect("close");
        let (base, params) = server.split_once('?').map_or((server.as_str(), None), |(b, p)| (b, Some(p)));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        Some(match params {
            Some(p) => format!("{base}/{name}?{p}"),
            None => format!("{base}/{name}"),
        })
    }

    fn random_suffix() -> String {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("random");
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
