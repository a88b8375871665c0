//! SQLite connections lent without sqlx's pool.
//!
//! sqlx's pool, each time a connection comes back, spawns a task that pings the connection's
//! thread before the connection can be lent again. A SQLite connection of sqlx is a thread of
//! its own, so every statement run on the pool cost two round trips between threads instead of
//! one, and a reply runs about ten statements: on two cores, the kernel's switching between
//! threads was the largest single cost of a reply (benches/replies, issue 13). Here a
//! connection is lent by a semaphore and a list, and nothing crosses threads but the statements.
//!
//! What sqlx's ping guards against, and why it is not needed here:
//! - a statement dropped half-way: sqlx-sqlite's thread finishes or drops it and resets it
//!   before its next command, which the next borrower's statement queues behind;
//! - a transaction dropped without commit: [`SqliteTx`] queues its rollback on the connection's
//!   thread before the connection goes back to the list (as sqlx's `Transaction` does);
//! - a connection whose thread died: its error is [`sqlx::Error::WorkerCrashed`]; the connection
//!   is then not lent again, and a new one is opened in its place.

use std::sync::{Arc, Mutex};

use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Database, TransactionManager};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

type Manager = <Sqlite as Database>::TransactionManager;

/// `size` connections to one SQLite database, lent one at a time.
#[derive(Clone)]
pub struct Connections(Arc<Inner>);

struct Inner {
    options: SqliteConnectOptions,
    idle: Mutex<Vec<SqliteConnection>>,
    permits: Arc<Semaphore>,
    size: u32,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections").field("size", &self.0.size).finish_non_exhaustive()
    }
}

impl Connections {
    /// Opens `size` connections (at least one) with `options`.
    pub async fn open(options: SqliteConnectOptions, size: u32) -> Result<Connections, sqlx::Error> {
        let size = size.max(1);
        let mut idle = Vec::with_capacity(size as usize);
        for _ in 0..size {
            idle.push(options.connect().await?);
        }
        Ok(Connections(Arc::new(Inner {
            options,
            idle: Mutex::new(idle),
            permits: Arc::new(Semaphore::new(size as usize)),
            size,
        })))
    }

    /// A connection, once one is free; [`sqlx::Error::PoolClosed`] after [`Connections::close`].
    pub async fn lend(&self) -> Result<Lent, sqlx::Error> {
        let permit = self.0.permits.clone().acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let conn = self.0.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        // A permit is given back only with its connection (or after one is reopened).
        let conn = conn.ok_or(sqlx::Error::PoolClosed)?;
        Ok(Lent { conn: Some(conn), home: self.0.clone(), permit: Some(permit), crashed: false })
    }

    /// Waits for every lent connection to come back, closes them all, and lends no more.
    pub async fn close(&self) {
        let Ok(all) = self.0.permits.acquire_many(self.0.size).await else { return };
        self.0.permits.close();
        all.forget();
        let conns: Vec<SqliteConnection> =
            std::mem::take(&mut *self.0.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for conn in conns {
            if let Err(e) = conn.close().await {
                tracing::warn!(error = %e, "a database connection did not close cleanly");
            }
        }
    }

    /// A transaction on one connection, held until [`SqliteTx::commit`] or its drop.
    pub async fn begin(&self) -> Result<SqliteTx, sqlx::Error> {
        let mut lent = self.lend().await?;
        let begun = Manager::begin(&mut lent, None).await;
        lent.check(begun)?;
        Ok(SqliteTx { lent, open: true })
    }
}

/// A lent connection; it goes back to the list when dropped.
pub struct Lent {
    conn: Option<SqliteConnection>,
    home: Arc<Inner>,
    permit: Option<OwnedSemaphorePermit>,
    crashed: bool,
}

impl Lent {
    /// Passes `result` on, noting a connection whose thread died so that it is replaced.
    pub fn check<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if matches!(result, Err(sqlx::Error::WorkerCrashed)) {
            self.crashed = true;
        }
        result
    }
}

impl std::ops::Deref for Lent {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.conn.as_ref().expect("a lent connection until its drop")
    }
}

impl std::ops::DerefMut for Lent {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("a lent connection until its drop")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let (Some(conn), Some(permit)) = (self.conn.take(), self.permit.take()) else { return };
        if !self.crashed {
            self.home.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
            drop(permit);
            return;
        }
        // Its permit is given back with the connection that replaces it.
        permit.forget();
        drop(conn);
        let home = self.home.clone();
        tracing::warn!("a database connection's thread stopped; opening another");
        let reopen = async move {
            let mut wait = std::time::Duration::from_millis(100);
            loop {
                match home.options.connect().await {
                    Ok(conn) => {
                        home.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
                        home.permits.add_permits(1);
                        return;
                    }
                    Err(e) if !home.permits.is_closed() => {
                        tracing::warn!(error = %e, "could not open a database connection; trying again");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(std::time::Duration::from_secs(10));
                    }
                    Err(_) => return,
                }
            }
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(reopen);
        }
    }
}

/// A transaction on a lent connection; dropped without [`SqliteTx::commit`], it rolls back
/// before the connection is lent again.
pub struct SqliteTx {
    lent: Lent,
    open: bool,
}

impl SqliteTx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let committed = Manager::commit(&mut self.lent).await;
        self.lent.check(committed)?;
        self.open = false;
        Ok(())
    }

    pub fn lent(&mut self) -> &mut Lent {
        &mut self.lent
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            // Queued on the connection's thread, ahead of the next borrower's statements.
            Manager::start_rollback(&mut self.lent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn open(size: u32) -> (Connections, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("t.db"))
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let conns = Connections::open(options, size).await.unwrap();
        let mut c = conns.lend().await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)").execute(&mut *c).await.unwrap();
        drop(c);
        (conns, dir)
    }

    async fn count(conns: &Connections) -> i64 {
        let mut c = conns.lend().await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM t").fetch_one(&mut *c).await.unwrap()
    }

    #[tokio::test]
    async fn a_borrower_waits_for_a_connection_to_come_back() {
        let (conns, _dir) = open(2).await;
        let a = conns.lend().await.unwrap();
        let b = conns.lend().await.unwrap();
        let third = tokio::time::timeout(Duration::from_millis(50), conns.lend()).await;
        assert!(third.is_err(), "a third borrower got one of two connections");
        drop(a);
        let c = tokio::time::timeout(Duration::from_secs(1), conns.lend()).await;
        assert!(c.is_ok_and(|c| c.is_ok()), "the returned connection was not lent again");
        drop(b);
    }

    #[tokio::test]
    async fn a_transaction_dropped_without_commit_is_rolled_back_before_the_next_borrower() {
        let (conns, _dir) = open(1).await;
        let mut tx = conns.begin().await.unwrap();
        sqlx::query("INSERT INTO t (x) VALUES (1)").execute(&mut **tx.lent()).await.unwrap();
        drop(tx);
        // The same (only) connection: had the rollback not run first, it would still be inside
        // the transaction and see its row, and a BEGIN would fail.
        assert_eq!(count(&conns).await, 0);
        let mut tx = conns.begin().await.unwrap();
        sqlx::query("INSERT INTO t (x) VALUES (2)").execute(&mut **tx.lent()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&conns).await, 1);
    }

    #[tokio::test]
    async fn a_statement_dropped_half_way_leaves_the_connection_usable() {
        let (conns, _dir) = open(1).await;
        {
            let mut c = conns.lend().await.unwrap();
            sqlx::query("INSERT INTO t (x) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i FROM n")
                .execute(&mut *c)
                .await
                .unwrap();
        }
        for _ in 0..20 {
            let mut c = conns.lend().await.unwrap();
            // Cancelled while its rows stream: the future is dropped after the first poll.
            let rows = sqlx::query_scalar::<_, i64>("SELECT x FROM t ORDER BY x").fetch_all(&mut *c);
            let _ = tokio::time::timeout(Duration::from_micros(1), rows).await;
        }
        assert_eq!(count(&conns).await, 20000);
        // And a write transaction is still possible (no read was left open in a transaction).
        let mut tx = conns.begin().await.unwrap();
        sqlx::query("DELETE FROM t").execute(&mut **tx.lent()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&conns).await, 0);
    }

    #[tokio::test]
    async fn close_waits_for_lent_connections_then_lends_no_more() {
        let (conns, _dir) = open(2).await;
        let lent = conns.lend().await.unwrap();
        let closing = tokio::spawn({
            let conns = conns.clone();
            async move { conns.close().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!closing.is_finished(), "closed with a connection still lent");
        drop(lent);
        tokio::time::timeout(Duration::from_secs(5), closing).await.unwrap().unwrap();
        assert!(matches!(conns.lend().await, Err(sqlx::Error::PoolClosed)));
    }

    #[tokio::test]
    async fn a_connection_whose_thread_died_is_replaced() {
        let (conns, _dir) = open(1).await;
        let mut c = conns.lend().await.unwrap();
        let crashed: Result<(), sqlx::Error> = Err(sqlx::Error::WorkerCrashed);
        assert!(c.check(crashed).is_err());
        drop(c);
        // Lent again only once its replacement is open, and that one works.
        let n = tokio::time::timeout(Duration::from_secs(5), count(&conns)).await.unwrap();
        assert_eq!(n, 0);
    }
}
