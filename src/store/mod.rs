//! Every query lives here. SQLite through sqlx: WAL, foreign keys, a busy timeout, and the
//! migrations of `migrations/` applied on open.
//!
//! Writes go through a pool of one connection, so they queue in memory instead of sleeping in
//! SQLite's busy handler; reads use their own pool and see every committed write (WAL).

mod carry_over;
mod conversation;
mod extensions;
mod leadership;
mod names;
mod narratives;
mod ops;
mod outbox;
mod people;
mod plan;
mod plan_load;
mod plan_versions;
mod reminders;
mod report_history;
mod reports;
mod review_items;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::domain::Problems;

pub use carry_over::EarlierAnswer;
pub use extensions::Extension;
pub use leadership::{HandedInItem, ItemKinds};
pub use narratives::{NarrativeNewer, StoredNarrative};
pub use ops::{CopySummary, OutboxGauge};
pub use outbox::{Broadcast, BroadcastProgress, Mail, MailOutcome, MailTo, NewBroadcast, NewMail, ReportKey};
pub use people::{Invite, InviteRow, Newcomer, Person, Redeemed};
pub use plan::{ImportSummary, KindCount};
pub use plan_versions::{PlanStamp, PlanVersion};
pub use reminders::DueGroup;
pub use report_history::ReportEvent;
pub use reports::{Attachment, ItemChange, ReportRow, SaveRefused};

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
        // SQLITE_FULL (13): say so plainly, it is the one a person can act on.
        if let sqlx::Error::Database(db) = &e
            && db.code().as_deref() == Some("13")
        {
            return StoreError::DiskFull;
        }
        StoreError::Database(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
pub struct Store {
    read: SqlitePool,
    write: SqlitePool,
    maintenance: SqlitePool,
    checkpoints: std::sync::Arc<tokio::task::AbortHandle>,
    finisher: tokio::sync::mpsc::UnboundedSender<conversation::Finish>,
}

/// Connections that read at once.
const READERS: u32 = 4;

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(StoreError::Database)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // The writer never checkpoints inline (a checkpoint syncs the disk and would stall a
        // person's reply); a background connection does it, beside the writes.
        // A pool asks its connection's thread whether it is alive before lending it and again
        // when it comes back: two round trips around every statement. Ours live as long as the
        // process and are checked on release; the one before lending is skipped.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        sqlx::migrate!("./migrations").run(&write).await?;
        // Invites made before codes were stored hashed: hash them now, once.
        hash_legacy_invites(&write).await?;
        // Readers: on two cores, four are as fast as eight at 500 people at once (benches/replies),
        // and each keeps a page cache of its own; a province's database is a few MB that the
        // kernel caches anyway, so half a MB each.
        let read = SqlitePoolOptions::new()
            .max_connections(READERS)
            .test_before_acquire(false)
            .connect_with(options.clone().read_only(true).pragma("cache_size", "-512"))
            .await?;
        let maintenance = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        let checkpoints = tokio::spawn(checkpoint_now_and_then(maintenance.clone()));
        let finisher = conversation::start_finisher(write.clone());
        let store = Store {
            read,
            write,
            maintenance,
            checkpoints: std::sync::Arc::new(checkpoints.abort_handle()),
            finisher,
        };
        // Plans imported before versions existed: their first version, once.
        store.version_legacy_plans().await?;
        Ok(store)
    }

    /// Closes the pools, waiting for work in flight, and folds the log into the database.
    pub async fn close(&self) {
        self.checkpoints.abort();
        self.write.close().await;
        self.read.close().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.maintenance).await {
            tracing::warn!(error = %e, "could not fold the write-ahead log at close");
        }
        self.maintenance.close().await;
    }
}

async fn hash_legacy_invites(write: &SqlitePool) -> Result<()> {
    let legacy: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, legacy_code FROM invite WHERE legacy_code IS NOT NULL")
            .fetch_all(write)
            .await?;
    for (id, code) in legacy {
        sqlx::query("UPDATE invite SET code_hash = ?, legacy_code = NULL WHERE id = ?")
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
pub(crate) mod testing {
    use super::Store;

    /// A store on a fresh temporary file; keep the directory alive as long as the store.
    pub async fn temp_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("test.db")).await.expect("open store");
        (store, dir)
    }
}
