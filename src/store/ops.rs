//! What the operator's tools ask of the database: a ping for the health check, the outbox's
//! gauges for the metrics, a consistent copy of a live database (backup), and the checks a copy
//! meets before it replaces one (restore). The copies work on files, not on an open `Store`,
//! so that a backup never migrates the database it copies.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::db::{query_as, query_scalar};
use super::on_sqlite::row;
use super::{Result, Store, StoreError};

row! {
    /// Outbox rows not yet sent, of one kind and status (`pending` or `sending`); `due`: how many
    /// of them the postman may send now.
    #[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
    pub struct OutboxGauge {
        pub kind: String,
        pub status: String,
        pub count: i64,
        pub due: i64,
    }
}

/// What a database copy holds, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    /// The newest migration applied to it.
    pub schema_version: i64,
    /// The codes of the plans it follows, if any.
    pub plan: Option<String>,
    pub reports: i64,
    pub people: i64,
    pub bytes: u64,
}

impl Store {
    /// A query that reads the database (on SQLite its file's schema), for the health check.
    pub async fn ping(&self) -> Result<()> {
        let sql = match self.backend() {
            super::Backend::Sqlite => "SELECT count(*) FROM sqlite_master",
            super::Backend::Postgres => "SELECT count(*) FROM pg_catalog.pg_namespace",
        };
        query_scalar::<i64>(sql).fetch_one(&self.read).await?;
        Ok(())
    }

    /// The outbox rows not yet sent, by kind and status, and how many are due at `wall`.
    pub async fn outbox_gauges(&self, wall: DateTime<Utc>) -> Result<Vec<OutboxGauge>> {
        // One query per status, each on its partial index.
        Ok(query_as(
            "SELECT kind, 'pending' AS status, count(*) AS count,
                    coalesce(sum(CASE WHEN audience IS NULL AND not_before <= $1 THEN 1 ELSE 0 END), 0) AS due
             FROM outbox WHERE status = 'pending' GROUP BY kind
             UNION ALL
             SELECT kind, 'sending' AS status, count(*) AS count, 0 AS due
             FROM outbox WHERE status = 'sending' GROUP BY kind
             ORDER BY kind, status",
        )
        .bind(wall)
        .fetch_all(&self.read)
        .await?)
    }

    /// Writes a consistent copy of the database at `database` (which may be in use by a running
    /// bot) to `target`, which must not exist: `VACUUM INTO` reads one snapshot in one read
    /// transaction, so the bot's writes go on meanwhile and none is half in the copy.
    pub async fn copy_into(database: &Path, target: &Path) -> Result<()> {
        if !database.exists() {
            return Err(StoreError::NotFound(format!("no database at {}", database.display())));
        }
        let mut conn = connect(database, true).await?;
        let into = target.to_str().ok_or_else(|| {
            StoreError::NotFound(format!("{} is not a path SQLite can write to", target.display()))
        })?;
        sqlx::query("VACUUM INTO ?").bind(into).execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    }

    /// Checks a copy before it is trusted: SQLite's integrity check, a dondoc schema this
    /// program knows (it may be older: it is brought up to date when opened), and what it holds.
    pub async fn check_copy(path: &Path) -> Result<CopySummary> {
        let bytes = std::fs::metadata(path)
            .map_err(|e| StoreError::NotFound(format!("{}: {e}", path.display())))?
            .len();
        // Read-write: the copies checked are our own (a backup being written, a restore's copy),
        // and a read-write connection cleans up its log when it closes.
        let mut conn = connect(path, false).await?;
        let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await?;
        if problems != ["ok"] {
            return Err(StoreError::Corrupt(format!("the integrity check failed: {}", problems.join("; "))));
        }
        let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut conn)
            .await?;
        if !["_sqlx_migrations", "plan", "report", "person"].iter().all(|t| tables.iter().any(|n| n == t)) {
            return Err(StoreError::Corrupt("this is not a dondoc database".into()));
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1 ORDER BY version")
                .fetch_all(&mut conn)
                .await?;
        let known: Vec<i64> = sqlx::migrate!("./migrations").iter().map(|m| m.version).collect();
        if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
            return Err(StoreError::Corrupt(format!(
                "it was made by a newer dondoc (schema version {unknown}, this one knows up to {})",
                known.last().copied().unwrap_or_default()
            )));
        }
        // Every plan followed ("09/KH-UBND, 26/KH-UBND"), the last imported first.
        let plan: Option<String> = sqlx::query_scalar(
            "SELECT group_concat(code, ', ') FROM (SELECT code FROM plan WHERE active = TRUE ORDER BY id DESC)",
        )
        .fetch_one(&mut conn)
        .await?;
        let reports: i64 = sqlx::query_scalar("SELECT count(*) FROM report").fetch_one(&mut conn).await?;
        let people: i64 = sqlx::query_scalar("SELECT count(*) FROM person").fetch_one(&mut conn).await?;
        conn.close().await?;
        Ok(CopySummary {
            schema_version: applied.last().copied().unwrap_or_default(),
            plan,
            reports,
            people,
            bytes,
        })
    }

    /// Folds a database's write-ahead log into its file (no bot may be running on it), so that
    /// the file alone holds everything and can be moved.
    pub async fn fold_log(database: &Path) -> Result<()> {
        let mut conn = connect(database, false).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    }
}

/// One plain connection to an existing file: no migration, no pool.
async fn connect(path: &Path, read_only: bool) -> Result<SqliteConnection> {
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(StoreError::Database)?
        .filename(path)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(Duration::from_secs(10));
    Ok(SqliteConnection::connect_with(&options).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{temp_file_store, temp_store};

    #[tokio::test]
    async fn a_copy_taken_while_writes_go_on_is_whole_and_checks_out() {
        let (store, dir) = temp_file_store().await;
        store.import_plan(&crate::bundled::plan().unwrap(), Utc::now()).await.unwrap();
        let db = dir.path().join("test.db");
        // Writes go on through the store while the copy is taken.
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..200 {
                    store.set_runtime(&format!("k{i}"), "v", Utc::now()).await.unwrap();
                }
            })
        };
        let target = dir.path().join("copy.db");
        Store::copy_into(&db, &target).await.unwrap();
        writer.await.unwrap();
        let summary = Store::check_copy(&target).await.unwrap();
        assert_eq!(summary.plan.as_deref(), Some("09/KH-UBND"));
        assert!(summary.schema_version >= 2, "{summary:?}");
        // The copy is a snapshot: some prefix of the 200 writes, all of it or none of each.
        let copy = Store::open(&target).await.unwrap();
        let n = copy.count_rows("runtime WHERE key LIKE 'k%'").await.unwrap();
        assert!((0..=200).contains(&n));
        for i in 0..n {
            assert_eq!(copy.runtime(&format!("k{i}")).await.unwrap().as_deref(), Some("v"), "a gap at {i}");
        }
        copy.close().await;
        // It never overwrites.
        assert!(Store::copy_into(&db, &target).await.is_err());
        assert!(Store::copy_into(&dir.path().join("none.db"), &dir.path().join("x.db")).await.is_err());
        store.close().await;
    }

    #[tokio::test]
    async fn a_file_that_is_not_a_dondoc_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database at all, just text that is long enough").unwrap();
        assert!(Store::check_copy(&junk).await.is_err());
        let other = dir.path().join("other.db");
        let mut conn = SqliteConnection::connect_with(
            &SqliteConnectOptions::from_str("sqlite:").unwrap().filename(&other).create_if_missing(true),
        )
        .await
        .unwrap();
        sqlx::query("CREATE TABLE t (x)").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        let err = Store::check_copy(&other).await.unwrap_err().to_string();
        assert!(err.contains("not a dondoc database"), "{err}");
    }

    #[tokio::test]
    async fn the_outbox_gauges_count_what_waits_and_what_is_due() {
        let (store, _dir) = temp_store().await;
        store.import_plan(&crate::bundled::plan().unwrap(), Utc::now()).await.unwrap();
        let now = Utc::now();
        let mail = |key: &str, kind: &'static str, to: crate::store::MailTo| crate::store::NewMail {
            key: key.into(),
            kind,
            to,
            payload: "{}".into(),
            priority: 1,
            expires_at: None,
            stale_if_handed_in: None,
            broadcast: None,
        };
        let who = crate::store::Newcomer {
            telegram_id: 77,
            chat_id: 77,
            name: "Lan".into(),
            username: None,
            language: crate::domain::people::Lang::Vi,
        };
        let admin = store.ensure_admin(&who, now).await.unwrap();
        let to_lan = crate::store::MailTo::Person { id: admin.id, chat: 77 };
        let mails = [
            mail("a", "notice", crate::store::MailTo::Admins),
            mail("b", "notice", crate::store::MailTo::Admins),
            mail("c", "reminder", to_lan.clone()),
        ];
        store.enqueue(&mails, now, now).await.unwrap();
        let later = [mail("d", "reminder", to_lan)];
        store.enqueue(&later, now, now + chrono::Duration::hours(1)).await.unwrap();
        let gauges = store.outbox_gauges(now + chrono::Duration::seconds(1)).await.unwrap();
        let gauge =
            |kind: &str, count, due| OutboxGauge { kind: kind.into(), status: "pending".into(), count, due };
        // Waiting for the first admin, or for its time: pending, but not the postman's to send now.
        assert_eq!(gauges, vec![gauge("notice", 2, 0), gauge("reminder", 2, 1)]);
        store.close().await;
    }
}
