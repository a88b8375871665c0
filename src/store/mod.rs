//! Every query lives here, on SQLite or PostgreSQL (`db.rs` is what differs).
//!
//! SQLite: WAL, foreign keys, a busy timeout, and the migrations of `migrations/` applied on
//! open (by sqlx). Statements run on the caller's thread (`lender.rs`, `on_sqlite.rs`). Writes
//! go through one connection, so they queue in memory instead of sleeping in SQLite's busy
//! handler; reads use four of their own and see every committed write (WAL).
//!
//! PostgreSQL (`postgres://…`): through sqlx, one pool for reads and writes, the migrations of
//! `migrations/postgres/`; several replicas may share the database (`replicas.rs`).

mod audit;
mod carry_over;
mod conversation;
pub mod db;
mod extensions;
mod invites;
mod item_saves;
mod kept;
mod leadership;
mod lender;
#[cfg(test)]
pub(crate) mod migration_tests;
mod names;
mod narratives;
mod on_sqlite;
mod ops;
mod outbox;
mod people;
mod plan;
mod plan_load;
mod plan_tables;
mod plan_versions;
mod reminders;
mod replicas;
mod report_history;
mod report_states;
mod reports;
mod review_items;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};

use crate::domain::Problems;
pub use db::Backend;
use db::{Pool, Tx, query, query_as};
pub(crate) use lender::{Connections, SqliteFile};

pub use carry_over::EarlierAnswer;
pub use extensions::Extension;
pub use invites::{Invite, InviteRow, Redeemed};
pub use item_saves::{ItemChange, SaveRefused};
pub use leadership::{HandedInItem, ItemKinds};
pub use narratives::{NarrativeNewer, StoredNarrative};
pub use ops::{CopySummary, OutboxGauge};
pub use outbox::{Broadcast, BroadcastProgress, Mail, MailOutcome, MailTo, NewBroadcast, NewMail, ReportKey};
pub use people::{Newcomer, Person};
pub use plan::{ImportSummary, KindCount};
pub use plan_versions::{PlanStamp, PlanVersion};
pub use reminders::DueGroup;
pub use replicas::SchedulerLock;
pub use report_history::ReportEvent;
pub use reports::{Attachment, ReportRow};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database refused the operation: {0}")]
    Database(#[source] sqlx::Error),
    #[error("the disk is full; nothing was saved")]
    DiskFull,
    #[error("the database could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the plan stored in the database does not check out:\n{0}")]
    StoredPlan(Problems),
    #[error("a stored value is unreadable: {0}")]
    Corrupt(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The row is not in the state the change needs (someone else changed it first).
    #[error("not possible now: {0}")]
    Conflict(String),
    /// A transaction shared by several updates failed (each is told this).
    #[error("the database refused the operation: {0}")]
    Shared(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // SQLITE_FULL (13), PostgreSQL's disk_full (53100): say so plainly, it is the one a
        // person can act on.
        if let sqlx::Error::Database(db) = &e
            && matches!(db.code().as_deref(), Some("13" | "53100"))
        {
            return StoreError::DiskFull;
        }
        StoreError::Database(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the database is: a SQLite file, or a PostgreSQL server (`postgres://…`).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a server; anything else a file path.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_owned())
        } else {
            Location::File(PathBuf::from(text))
        }
    }

    /// The SQLite file, if it is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

/// A server's address is shown without its password.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db?password=x` → `postgres://user:***@host/db?password=***`.
fn without_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_owned(),
    };
    let path = match path.split_once('?') {
        Some((path, params)) => {
            let params: Vec<String> = params
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some(("password", _)) => "password=***".to_owned(),
                    _ => p.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => path.to_owned(),
    };
    format!("{scheme}://{authority}{path}")
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Location({self})")
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Location {
        Location::File(path)
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Location {
        Location::File(path.clone())
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Location {
        Location::File(path.to_owned())
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Location {
        location.clone()
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    /// Short reads: on SQLite, the writer's connection when it is free (its page cache is never
    /// stale), else a reader's (`lender.rs`, `Connections::behind`).
    read: Pool,
    /// Long reads (a whole period, a plan): the readers only, so that they never hold the writer.
    scan: Pool,
    write: Pool,
    /// SQLite: the connection that folds the write-ahead log into the file, and its task.
    maintenance: Option<(SqlitePool, std::sync::Arc<tokio::task::AbortHandle>)>,
    /// Which replica this is, for the claims on updates (PostgreSQL).
    replica: std::sync::Arc<str>,
    /// Ends updates together, in shared transactions (`conversation.rs`).
    finisher: tokio::sync::mpsc::UnboundedSender<conversation::Finish>,
}

/// Connections that read at once.
const READERS: u32 = 4;

impl Store {
    /// Opens the database (a SQLite file is created if needed) and brings its schema up to date.
    pub async fn open(location: impl Into<Location>) -> Result<Store> {
        let store = match location.into() {
            Location::File(path) => Store::open_sqlite(&path).await?,
            Location::Postgres(url) => Store::open_postgres(&url).await?,
        };
        // Invites made before codes were stored hashed: hash them now, once.
        hash_legacy_invites(&store.write).await?;
        // Plans imported before versions existed: their first version, once.
        store.version_legacy_plans().await?;
        Ok(store)
    }

    async fn open_sqlite(path: &Path) -> Result<Store> {
        let file = SqliteFile::new(path).pragma("synchronous", "NORMAL");
        file.migrate(&sqlx::migrate!("./migrations")).await?;
        // The writer never checkpoints inline (a checkpoint syncs the disk and would stall a
        // person's reply); a background connection does it, beside the writes.
        let writer = file.clone().pragma("journal_mode", "WAL").pragma("wal_autocheckpoint", "0");
        let write = Connections::open(writer, 1).await?;
        // Readers: on two cores, four are as fast as eight at 500 people at once (benches/replies),
        // and each keeps a page cache of its own; a province's database is a few MB that the
        // kernel caches anyway, so half a MB each.
        let read =
            Connections::behind(&write, file.clone().read_only().pragma("cache_size", "-512"), READERS)
                .await?;
        let maintenance =
            SqlitePoolOptions::new().max_connections(1).connect_with(file.sqlx_options()).await?;
        let checkpoints = tokio::spawn(checkpoint_now_and_then(maintenance.clone()));
        let write = Pool::Sqlite(write);
        Ok(Store {
            scan: Pool::Sqlite(read.alone()),
            read: Pool::Sqlite(read),
            finisher: conversation::start_finisher(write.clone()),
            write,
            maintenance: Some((maintenance, std::sync::Arc::new(checkpoints.abort_handle()))),
            replica: replica_name().into(),
        })
    }

    /// One pool for reads and writes: PostgreSQL runs writers side by side. The migrations
    /// take PostgreSQL's advisory lock (sqlx does), so replicas starting together apply them once.
    async fn open_postgres(url: &str) -> Result<Store> {
        let options =
            PgConnectOptions::from_str(url).map_err(StoreError::Database)?.application_name("dondoc");
        let pool = PgPoolOptions::new().max_connections(10).connect_with(options).await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let pool = Pool::Postgres(pool);
        Ok(Store {
            read: pool.clone(),
            scan: pool.clone(),
            finisher: conversation::start_finisher(pool.clone()),
            write: pool,
            maintenance: None,
            replica: replica_name().into(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.write.backend()
    }

    /// Names the replica this store serves (on PostgreSQL, its claims on updates carry it).
    pub fn with_replica(mut self, name: &str) -> Store {
        self.replica = name.into();
        self
    }

    /// Closes the pools, waiting for work in flight, and folds the log into the database.
    pub async fn close(&self) {
        if let Some((_, checkpoints)) = &self.maintenance {
            checkpoints.abort();
        }
        self.write.close().await;
        // The readers of `scan` are those of `read`.
        self.read.close().await;
        if let Some((maintenance, _)) = &self.maintenance {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(maintenance).await {
                tracing::warn!(error = %e, "could not fold the write-ahead log at close");
            }
            maintenance.close().await;
        }
    }

    /// A write transaction.
    async fn begin(&self) -> Result<Tx> {
        Ok(self.write.begin().await?)
    }
}

/// This machine and process, until the settings name the replica.
fn replica_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("{}:{}", host.trim(), std::process::id())
}

async fn hash_legacy_invites(write: &Pool) -> Result<()> {
    let legacy: Vec<(i64, String)> =
        query_as("SELECT id, legacy_code FROM invite WHERE legacy_code IS NOT NULL").fetch_all(write).await?;
    for (id, code) in legacy {
        query("UPDATE invite SET code_hash = $1, legacy_code = NULL WHERE id = $2")
            .bind(crate::domain::people::invite_hash(&code))
            .bind(id)
            .execute(write)
            .await?;
    }
    Ok(())
}

/// Copies the write-ahead log into the database every few seconds without blocking the writer.
async fn checkpoint_now_and_then(pool: SqlitePool) {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(error = %e, "a background checkpoint failed");
        }
    }
}

/// JSON text of a list of strings, for the list columns.
fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// JSON text of a value, for the JSON columns.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// A target's exact decimal columns ("9002", out of "51", high "7") back in the plan file's
/// notation ("9.002", "36/51", "6,5–7").
fn target_text(value: &str, out_of: Option<&str>, high: Option<&str>) -> Result<String> {
    let parse = |s: &str| {
        rust_decimal::Decimal::from_str_exact(s).map_err(|e| StoreError::Corrupt(format!("decimal {s}: {e}")))
    };
    let target = crate::domain::plan::Target {
        value: parse(value)?,
        out_of: out_of.map(parse).transpose()?,
        high: high.map(parse).transpose()?,
    };
    Ok(target.to_string())
}

#[cfg(test)]
mod phone_first_tests;
#[cfg(test)]
mod query_plan_tests;

#[cfg(test)]
pub(crate) mod testing {
    use super::Store;

    /// A store on a fresh database: a temporary file, or a new database on the PostgreSQL
    /// server of `DONDOC_TEST_DATABASE_URL` when set. Keep the directory alive as long as the
    /// store.
    pub async fn temp_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let location = match super::replicas::testing::fresh_database().await {
            Some(url) => super::Location::Postgres(url),
            None => super::Location::File(dir.path().join("test.db")),
        };
        let store = Store::open(location).await.expect("open store");
        (store, dir)
    }

    /// A store on a fresh temporary SQLite file, whatever the tests run on (what only SQLite
    /// has: its file, its copies).
    pub async fn temp_file_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("test.db")).await.expect("open store");
        (store, dir)
    }
}
