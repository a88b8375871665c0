//! SQLite connections, lent by a semaphore and a list, whose statements run on the borrower's
//! own thread.
//!
//! A SQLite connection of sqlx is a thread of its own: every statement, and every row of its
//! answer, crossed between threads twice. A reply runs about eight statements; on two cores
//! the kernel's switching between threads was the largest single cost of a reply, about 40 %
//! of its CPU (benches/replies, issue 13), while the SQL itself took a few microseconds. Here a
//! statement runs where the task that asked for it runs, as a short piece of CPU work: a
//! statement on a province's database of a few MB takes microseconds to a millisecond, about
//! what rendering a screen takes, so it blocks the runtime's thread no longer than the
//! handlers' own work does. The writer never waits on the disk (WAL with `synchronous =
//! NORMAL` syncs only at checkpoints, which a connection of their own does, `mod.rs`), and
//! it waits on a lock only when another process writes (the CLI, for at most the busy timeout).
//!
//! sqlx still opens the file once to apply the migrations, and keeps the checkpoints and the
//! operator's copies (`ops.rs`), which do not run per update.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::kept::Kept;
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a statement waits for another process's write lock before it fails.
const BUSY: Duration = Duration::from_secs(10);

/// How to open the connections to one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteFile {
    path: PathBuf,
    read_only: bool,
    /// `PRAGMA name = value`, run on each connection as it opens.
    pragmas: Vec<(&'static str, String)>,
}

impl SqliteFile {
    /// Read and write, foreign keys enforced, the file created if missing.
    pub fn new(path: &Path) -> SqliteFile {
        SqliteFile { path: path.to_owned(), read_only: false, pragmas: vec![("foreign_keys", "ON".into())] }
    }

    pub fn read_only(mut self) -> SqliteFile {
        self.read_only = true;
        self
    }

    pub fn pragma(mut self, name: &'static str, value: impl Into<String>) -> SqliteFile {
        self.pragmas.retain(|(n, _)| *n != name);
        self.pragmas.push((name, value.into()));
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open(&self) -> rusqlite::Result<Kept> {
        let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        flags |= if self.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        };
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(BUSY)?;
        for (name, value) in &self.pragmas {
            // `journal_mode` answers with a row; the others with none.
            conn.query_row(&format!("PRAGMA {name} = {value}"), [], |_| Ok(())).or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(()),
                e => Err(e),
            })?;
        }
        Ok(Kept::new(conn))
    }

    /// The same file and pragmas for a connection of sqlx's (the migrations, the checkpoints),
    /// in WAL mode.
    pub fn sqlx_options(&self) -> SqliteConnectOptions {
        let options = SqliteConnectOptions::new()
            .filename(&self.path)
            .create_if_missing(!self.read_only)
            .read_only(self.read_only)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(BUSY);
        self.pragmas.iter().fold(options, |o, (name, value)| o.pragma(*name, value.clone()))
    }

    /// Applies `migrator` through a connection of sqlx's, opened for it and closed after (the
    /// file in WAL mode from then on).
    pub async fn migrate(
        &self,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<(), sqlx::migrate::MigrateError> {
        let mut conn = SqliteConnection::connect_with(&self.sqlx_options()).await?;
        let applied = migrator.run(&mut conn).await;
        conn.close().await?;
        applied
    }
}

/// `size` connections to one SQLite database, lent one at a time; and, for the readers of a
/// writer ([`Connections::behind`]), the writer's connection first when it is free.
#[derive(Clone)]
pub struct Connections {
    own: Arc<Inner>,
    first: Option<Arc<Inner>>,
    /// Statements run on a blocking thread of their own ([`Connections::alone`]).
    apart: bool,
}

struct Inner {
    file: SqliteFile,
    idle: Mutex<Vec<Kept>>,
    permits: Arc<Semaphore>,
    size: u32,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections").field("size", &self.own.size).finish_non_exhaustive()
    }
}

impl Connections {
    /// Opens `size` connections (at least one) to `file`.
    pub async fn open(file: SqliteFile, size: u32) -> Result<Connections, sqlx::Error> {
        let size = size.max(1);
        let idle = (0..size).map(|_| file.open()).collect::<rusqlite::Result<Vec<_>>>().map_err(failure)?;
        let own = Arc::new(Inner {
            file,
            idle: Mutex::new(idle),
            permits: Arc::new(Semaphore::new(size as usize)),
            size,
        });
        Ok(Connections { own, first: None, apart: false })
    }

    /// `size` connections to `file` that lend the `writer`'s own connection instead whenever it
    /// is free at once.
    ///
    /// A SQLite connection that begins a read after another connection wrote drops its whole
    /// page cache; with a write every few milliseconds, the readers read every page of every
    /// statement again (through the WAL's index, and a system call each), and that was about a
    /// sixth of a reply's CPU (benches/replies at 200 and 500 people: 0.20–0.22 ms per reply
    /// against 0.24). The writer's cache is never dropped (it made the changes), so a read goes
    /// there when it can; when the writer is in a transaction or reading for someone else, the
    /// readers read beside it, as before. Long reads (the leadership's, a whole period) take
    /// [`Connections::alone`], so that they never hold the writer.
    pub async fn behind(
        writer: &Connections,
        file: SqliteFile,
        size: u32,
    ) -> Result<Connections, sqlx::Error> {
        let own = Connections::open(file, size).await?;
        Ok(Connections { first: Some(writer.own.clone()), ..own })
    }

    /// The same connections for long reads (a whole period, a plan): without the writer's in
    /// front, so that they never hold it, and each statement run on a blocking thread, so that
    /// the runtime's one thread goes on answering everyone else meanwhile (a 1,000-agency
    /// export reads for about 90 ms: every reply waited that long behind it).
    pub fn alone(&self) -> Connections {
        Connections { own: self.own.clone(), first: None, apart: true }
    }

    /// Whether statements run on a blocking thread of their own.
    pub fn apart(&self) -> bool {
        self.apart
    }

    pub fn file(&self) -> &SqliteFile {
        &self.own.file
    }

    /// A connection, once one is free; [`sqlx::Error::PoolClosed`] after [`Connections::close`].
    pub async fn lend(&self) -> Result<Lent, sqlx::Error> {
        if let Some(first) = &self.first
            && let Ok(permit) = first.permits.clone().try_acquire_owned()
            && let Some(conn) = first.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
        {
            return Ok(Lent { conn: Some(conn), home: first.clone(), _permit: permit });
        }
        let permit = self.own.permits.clone().acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let conn = self.own.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        // A permit is given back only with its connection.
        let conn = conn.ok_or(sqlx::Error::PoolClosed)?;
        Ok(Lent { conn: Some(conn), home: self.own.clone(), _permit: permit })
    }

    /// Waits for every lent connection of its own to come back, closes them all, and lends no
    /// more (the writer in front is closed by its own).
    pub async fn close(&self) {
        let Ok(all) = self.own.permits.acquire_many(self.own.size).await else { return };
        self.own.permits.close();
        all.forget();
        let conns: Vec<Kept> = std::mem::take(&mut *self.own.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for conn in conns {
            if let Err(e) = conn.close() {
                tracing::warn!(error = %e, "a database connection did not close cleanly");
            }
        }
    }

    /// A transaction on one connection, held until [`SqliteTx::commit`] or its drop.
    pub async fn begin(&self) -> Result<SqliteTx, sqlx::Error> {
        let lent = self.lend().await?;
        run(&lent, "BEGIN")?;
        Ok(SqliteTx { lent })
    }
}

/// A lent connection; it goes back to the list when dropped, out of any transaction.
pub struct Lent {
    conn: Option<Kept>,
    home: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl std::ops::Deref for Lent {
    type Target = Kept;
    fn deref(&self) -> &Kept {
        self.conn.as_ref().expect("a lent connection until its drop")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // A transaction left open (dropped without commit, or a failed COMMIT) ends here, before
        // the next borrower.
        if !conn.is_autocommit()
            && let Err(e) = conn.execute_batch("ROLLBACK")
        {
            tracing::warn!(error = %e, "a transaction could not be rolled back; reopening its connection");
            drop(conn);
            match self.home.file.open() {
                Ok(fresh) => self.home.idle.lock().unwrap_or_else(|e| e.into_inner()).push(fresh),
                Err(e) => {
                    tracing::error!(error = %e, "could not reopen a database connection");
                    // Its permit goes with it: one connection fewer, rather than a broken one.
                    self.home.permits.forget_permits(1);
                }
            }
            return;
        }
        self.home.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
    }
}

/// A transaction on a lent connection; dropped without [`SqliteTx::commit`], it rolls back
/// before the connection is lent again.
pub struct SqliteTx {
    lent: Lent,
}

impl SqliteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        run(&self.lent, "COMMIT")
    }

    pub fn lent(&mut self) -> &mut Lent {
        &mut self.lent
    }
}

/// `BEGIN` or `COMMIT`, prepared once per connection.
fn run(conn: &Kept, sql: &str) -> Result<(), sqlx::Error> {
    tracing::debug!(target: "dondoc::sql", statement = sql);
    conn.with_statement(sql, |s| s.execute([])).and_then(|done| done).map(drop).map_err(failure)
}

/// SQLite's refusal, as sqlx reports a database's: its code is SQLite's extended result code
/// (`13`, SQLITE_FULL, is what `StoreError::DiskFull` looks for).
#[derive(Debug)]
pub struct Failure {
    message: String,
    code: Option<i32>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl sqlx::error::DatabaseError for Failure {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.code.map(|c| c.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match self.code {
            Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
                ErrorKind::UniqueViolation
            }
            Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => ErrorKind::ForeignKeyViolation,
            Some(ffi::SQLITE_CONSTRAINT_NOTNULL) => ErrorKind::NotNullViolation,
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

/// A rusqlite error as sqlx's.
pub fn failure(e: rusqlite::Error) -> sqlx::Error {
    let code = match &e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
        _ => None,
    };
    sqlx::Error::Database(Box::new(Failure { message: e.to_string(), code }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite is built as `.cargo/config.toml` says (`LIBSQLITE3_FLAGS`): without the global
    /// memory statistics and the shared page-cache group, each of which takes a process-wide
    /// mutex (on every allocation, on every page fetched); the store uses neither. callgrind on
    /// benches/replies: SQLite's steps took 16 % fewer instructions, the whole run 4.8 % fewer.
    #[test]
    fn sqlite_takes_no_global_lock_per_allocation_or_page() {
        let conn = Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    }

    async fn open(size: u32) -> (Connections, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let file = SqliteFile::new(&dir.path().join("t.db")).pragma("journal_mode", "WAL");
        let conns = Connections::open(file, size).await.unwrap();
        conns.lend().await.unwrap().execute_batch("CREATE TABLE t (x INTEGER UNIQUE)").unwrap();
        (conns, dir)
    }

    async fn count(conns: &Connections) -> i64 {
        conns.lend().await.unwrap().query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap()
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
        tx.lent().execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
        drop(tx);
        // The same (only) connection: had the rollback not run first, it would still be inside
        // the transaction and see its row, and a BEGIN would fail.
        assert_eq!(count(&conns).await, 0);
        let mut tx = conns.begin().await.unwrap();
        tx.lent().execute("INSERT INTO t (x) VALUES (2)", []).unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&conns).await, 1);
    }

    #[tokio::test]
    async fn a_connection_lent_back_inside_a_transaction_comes_back_out_of_it() {
        let (conns, _dir) = open(1).await;
        let lent = conns.lend().await.unwrap();
        lent.execute_batch("BEGIN; INSERT INTO t (x) VALUES (3)").unwrap();
        drop(lent);
        assert_eq!(count(&conns).await, 0);
        assert!(conns.lend().await.unwrap().is_autocommit());
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
    async fn readers_behind_the_writer_borrow_it_when_it_is_free_and_their_own_when_not() {
        let (write, _dir) = open(1).await;
        let read = Connections::behind(&write, write.file().clone().read_only(), 2).await.unwrap();
        let writer = |c: &Lent| !c.is_readonly(rusqlite::MAIN_DB).unwrap();
        let first = read.lend().await.unwrap();
        assert!(writer(&first), "a free writer was not lent first");
        let second = read.lend().await.unwrap();
        assert!(!writer(&second), "the writer was lent twice");
        drop((first, second));
        // A write transaction holds the writer: reads go on beside it, on their own.
        let mut tx = write.begin().await.unwrap();
        tx.lent().execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
        let beside = read.lend().await.unwrap();
        assert!(!writer(&beside));
        assert_eq!(beside.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
        drop(beside);
        tx.commit().await.unwrap();
        assert_eq!(count(&read).await, 1);
        // Closed, the writer is no longer lent; the readers still are, until closed themselves.
        write.close().await;
        assert!(!writer(&read.lend().await.unwrap()));
        read.close().await;
        assert!(matches!(read.lend().await, Err(sqlx::Error::PoolClosed)));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_long_read_apart_leaves_the_runtimes_one_thread_to_everyone_else() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let (conns, _dir) = open(1).await;
        let scan = super::super::db::Pool::Sqlite(conns.alone());
        let ticks = Arc::new(AtomicU32::new(0));
        let ticker = tokio::spawn({
            let ticks = ticks.clone();
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        tokio::task::yield_now().await;
        // Counts to three million: a few hundred milliseconds of SQLite's own work.
        let long = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
                    SELECT count(*) FROM c";
        let counted: i64 = super::super::db::query_scalar(long).fetch_one(&scan).await.unwrap();
        // Read before anything else awaits: on one thread, a read run in place would have let
        // the ticker run not once.
        let during = ticks.load(Ordering::Relaxed);
        ticker.abort();
        assert_eq!(counted, 3_000_000);
        assert!(during >= 2, "the runtime's thread was held by the read (the ticker ran {during} times)");
    }

    #[tokio::test]
    async fn sqlite_refusals_keep_their_code_and_kind() {
        let (conns, _dir) = open(1).await;
        let lent = conns.lend().await.unwrap();
        lent.execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
        let again = lent.execute("INSERT INTO t (x) VALUES (1)", []).map_err(failure).unwrap_err();
        let sqlx::Error::Database(db) = again else { panic!("not a database error: {again:?}") };
        assert!(db.is_unique_violation(), "{db}");
        assert_eq!(db.code().as_deref(), Some("2067"), "SQLITE_CONSTRAINT_UNIQUE");
    }
}
