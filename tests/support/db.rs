//! The database a test runs on. `DONDOC_TEST_DATABASE_URL` unset: a SQLite file in the test's
//! directory. Set to a PostgreSQL server (`postgres://user@127.0.0.1:port/postgres`, a user who
//! may create databases): a fresh database on it per test directory, so the same tests run on
//! PostgreSQL (`.ci/run` runs the suite both ways).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::str::FromStr;
use std::sync::Mutex;

use dondoc::store::Location;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// The PostgreSQL server the tests may use, if one is given.
pub fn server() -> Option<String> {
    std::env::var("DONDOC_TEST_DATABASE_URL").ok().filter(|u| !u.trim().is_empty())
}

/// The server for a test that needs PostgreSQL; `None`, after saying so, when none is given.
pub fn postgres_or_skip(test: &str) -> Option<String> {
    let server = server();
    if server.is_none() {
        eprintln!("skipped {test}: it needs PostgreSQL; set DONDOC_TEST_DATABASE_URL (.ci/run does)");
    }
    server
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    server().is_some()
}

/// The database of the test whose directory is `dir`: the same each time it is asked for.
pub fn location(dir: &Path) -> Location {
    match server() {
        None => Location::File(dir.join("dondoc.db")),
        Some(server) => Location::Postgres(database_for(&server, dir)),
    }
}

/// The same, as `DONDOC_DATABASE` for the binary.
pub fn env_value(dir: &Path) -> OsString {
    match location(dir) {
        Location::File(path) => path.into_os_string(),
        Location::Postgres(url) => url.into(),
    }
}

/// A new database on `server`, whatever the directory (replicas, benchmarks).
pub fn fresh_postgres(server: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    database_for(server, dir.path())
}

/// URL of the database named after `dir`, created on first use. Created on a thread of its own,
/// so that a test's synchronous code (building a `Command`) may ask for it.
fn database_for(server: &str, dir: &Path) -> String {
    static MADE: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);
    let key = dir.display().to_string();
    let mut made = MADE.lock().unwrap_or_else(|p| p.into_inner());
    let made = made.get_or_insert_with(HashMap::new);
    if let Some(url) = made.get(&key) {
        return url.clone();
    }
    let name = format!("dondoc_test_{}_{}", std::process::id(), made.len());
    let server_url = server.to_owned();
    let db = name.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let options = PgConnectOptions::from_str(&server_url).expect("DONDOC_TEST_DATABASE_URL is a URL");
            let mut conn = PgConnection::connect_with(&options).await.expect("the test PostgreSQL answers");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .expect("drop");
            sqlx::query(&format!("CREATE DATABASE {db}"))
                .execute(&mut conn)
                .await
                .expect("create a database");
            let _ = conn.close().await;
        })
    })
    .join()
    .expect("creating the test database");
    let url = with_database(server, &name);
    made.insert(key, url.clone());
    url
}

/// `postgres://u@h:p/postgres?x=y` with another database name.
fn with_database(server: &str, name: &str) -> String {
    let (base, params) = match server.split_once('?') {
        Some((base, params)) => (base, Some(params)),
        None => (server, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match params {
        Some(params) => format!("{base}/{name}?{params}"),
        None => format!("{base}/{name}"),
    }
}

/// A focal point to join: Telegram id (their chat too), name, agency code.
pub type Focal = (i64, String, String);

/// `n` focal points with Telegram ids from `first`, named "Đầu mối i", spread over the bundled
/// plan's agencies.
pub fn spread(first: i64, n: usize) -> Vec<Focal> {
    let plan = dondoc::bundled::plan().expect("the bundled plan");
    (0..n)
        .map(|i| {
            let agency = plan.agencies[i % plan.agencies.len()].code.as_str().to_owned();
            (first + i as i64, format!("Đầu mối {i}"), agency)
        })
        .collect()
}

/// The database at `location` with the bundled plan and these focal points, each joined
/// through an invite of their own on 1 March 2022; their people ids, in order.
pub async fn with_focal_points(location: Location, focal: &[Focal]) -> Vec<i64> {
    use dondoc::domain::AgencyCode;
    use dondoc::domain::people::{Lang, Role};
    use dondoc::store::{Invite, Newcomer, Store};

    let store = Store::open(location).await.expect("store");
    let now = super::app::local("2022-03-01T09:00");
    store.import_plan(&dondoc::bundled::plan().expect("the bundled plan"), now).await.expect("import");
    let mut ids = Vec::new();
    for (telegram_id, name, agency) in focal {
        let invite = Invite {
            code: format!("FOCAL{telegram_id:017}"),
            role: Role::Focal,
            agency: AgencyCode::parse(agency),
            expires_at: now + chrono::Duration::days(30),
        };
        store.create_invite(&invite, None, now).await.expect("invite");
        let who = Newcomer {
            telegram_id: *telegram_id,
            chat_id: *telegram_id,
            name: name.clone(),
            username: None,
            language: Lang::Vi,
        };
        ids.push(
            store.redeem_invite(&invite.code, &who, now).await.expect("redeem").expect("joined").person().id,
        );
    }
    store.close().await;
    ids
}
