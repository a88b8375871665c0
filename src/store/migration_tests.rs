//! A database made by every earlier schema version is migrated forward with nothing lost: on
//! SQLite from each of `migrations/`, on PostgreSQL from each of `migrations/postgres/` (which
//! starts at 4, its own init).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::db::{Backend, Pool, query, query_as};
use super::{Location, Store};
use crate::bundled::seed_plan;
use crate::domain::Plan;

/// The migrations of `backend` up to `version`, alone in a directory: what a program of that
/// version applied.
fn migrations_up_to(backend: Backend, version: i64) -> tempfile::TempDir {
    let source = match backend {
        Backend::Sqlite => concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"),
        Backend::Postgres => concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"),
    };
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let number = name.split('_').next().and_then(|n| n.parse::<i64>().ok());
        if path.is_file() && name.ends_with(".sql") && number.is_some_and(|n| n <= version) {
            std::fs::copy(&path, dir.path().join(&name)).unwrap();
        }
    }
    dir
}

/// The schema versions of `backend`, oldest first.
fn versions(backend: Backend) -> Vec<i64> {
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations").iter().map(|m| m.version).collect(),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").iter().map(|m| m.version).collect(),
    }
}

/// A database as a program of schema `version` left it: its migrations, then the plan in its
/// columns and a submitted report with its items, written as round 1 wrote them (every later
/// column has a default).
pub(crate) async fn database_at(
    pool: &Pool,
    version: i64,
    file: &crate::domain::PlanFile,
    now: DateTime<Utc>,
) {
    let dir = migrations_up_to(pool.backend(), version);
    let migrator = sqlx::migrate::Migrator::new(dir.path()).await.unwrap();
    match pool {
        Pool::Sqlite(p) => p.file().migrate(&migrator).await.unwrap(),
        Pool::Postgres(p) => migrator.run(p).await.unwrap(),
    }
    let p = &file.plan;
    let reminders = serde_json::to_string(&file.reminders).unwrap();
    query(
        "INSERT INTO plan (code, title, title_en, province, year, issued, time_zone, coordinator, reminders,
                           imported_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&p.code)
    .bind(&p.title)
    .bind(&p.title_en)
    .bind(&p.province)
    .bind(p.year)
    .bind(&p.issued)
    .bind(&p.time_zone)
    .bind(&p.coordinator)
    .bind(reminders)
    .bind(now)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    let run = |sql: &'static str| query(sql);
    for (i, a) in file.agencies.iter().enumerate() {
        run("INSERT INTO agency (plan_id, code, name_vi, name_en, position) VALUES (1, $1, $2, $3, $4)")
            .bind(&a.code)
            .bind(&a.name_vi)
            .bind(&a.name_en)
            .bind(i as i64)
            .execute(pool)
            .await
            .unwrap();
    }
    for (i, g) in file.groups.iter().enumerate() {
        run("INSERT INTO agency_group (plan_id, code, name_vi, name_en, members, position) VALUES (1, $1, $2, $3, $4, $5)")
            .bind(&g.code)
            .bind(&g.name_vi)
            .bind(&g.name_en)
            .bind(serde_json::to_string(&g.members).unwrap())
            .bind(i as i64)
            .execute(pool)
            .await
            .unwrap();
    }
    for s in &file.sections {
        run("INSERT INTO section (plan_id, number, heading, heading_inferred, assignees) VALUES (1, $1, $2, $3, $4)")
            .bind(s.number)
            .bind(&s.heading)
            .bind(s.heading_inferred)
            .bind(serde_json::to_string(&s.assignees).unwrap())
            .execute(pool)
            .await
            .unwrap();
        for (i, t) in s.tasks.iter().enumerate() {
            let code = if t.id.is_empty() { s.number.to_string() } else { format!("{}.{}", s.number, t.id) };
            run("INSERT INTO task (plan_id, section_id, code, letter, text, position)
                 VALUES (1, (SELECT id FROM section WHERE number = $1), $2, $3, $4, $5)")
            .bind(s.number)
            .bind(code)
            .bind(&t.id)
            .bind(&t.text)
            .bind(i as i64)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    for ind in &file.indicators {
        run("INSERT INTO indicator (plan_id, number, name_vi, name_en, text, agencies, agencies_inferred)
             VALUES (1, $1, $2, $3, $4, $5, $6)")
        .bind(ind.number)
        .bind(&ind.name_vi)
        .bind(&ind.name_en)
        .bind(&ind.text)
        .bind(serde_json::to_string(&ind.agencies).unwrap())
        .bind(ind.agencies_inferred)
        .execute(pool)
        .await
        .unwrap();
        for (i, m) in ind.metrics.iter().enumerate() {
            let target = crate::domain::plan::Target::parse(&m.target).unwrap();
            let agency = m.agency.clone().unwrap_or_else(|| ind.agencies[0].clone());
            run("INSERT INTO metric (plan_id, indicator_id, code, name_vi, name_en, unit, target, target_out_of,
                                     direction, wording, agency_id, agency_from_indicator, agency_inferred, position)
                 VALUES (1, (SELECT id FROM indicator WHERE number = $1), $2, $3, $4, $5, $6, $7, $8, $9,
                         (SELECT id FROM agency WHERE code = $10), $11, $12, $13)")
            .bind(ind.number)
            .bind(&m.code)
            .bind(&m.name_vi)
            .bind(&m.name_en)
            .bind(&m.unit)
            .bind(target.value.to_string())
            .bind(target.out_of.map(|d| d.to_string()))
            .bind(&m.direction)
            .bind(&m.wording)
            .bind(agency)
            .bind(m.agency.is_none())
            .bind(m.agency_inferred)
            .bind(i as i64)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    for (i, r) in file.rounds.iter().enumerate() {
        run("INSERT INTO reporting_round (plan_id, code, name_vi, name_en, wording, asks, recipients, to_agency,
                                          schedule, position) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&r.code)
        .bind(&r.name_vi)
        .bind(&r.name_en)
        .bind(&r.wording)
        .bind(serde_json::to_string(&r.asks).unwrap())
        .bind(serde_json::to_string(&r.recipients).unwrap())
        .bind(&r.to)
        .bind(serde_json::to_string(&r.schedule).unwrap())
        .bind(i as i64)
        .execute(pool)
        .await
        .unwrap();
    }
    for h in &file.holidays {
        run("INSERT INTO holiday (plan_id, first_day, last_day, name) VALUES (1, $1, $2, $3)")
            .bind(&h.from)
            .bind(h.to.as_ref().unwrap_or(&h.from))
            .bind(&h.name)
            .execute(pool)
            .await
            .unwrap();
    }
    // The health department's submitted Q1 report: a task, a metric and a narrative.
    run("INSERT INTO report (round_id, period, agency_id, state, created_at, updated_at, first_submitted_at,
                             submitted_at)
         SELECT r.id, '2022-Q1', a.id, 'submitted', $1, $1, $1, $1 FROM reporting_round r, agency a
         WHERE r.code = 'bao-cao-quy' AND a.code = 'SYT'")
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    run("INSERT INTO report_item (report_id, task_id, status, percent, note, updated_at)
         VALUES (1, (SELECT id FROM task WHERE code = '13.a'), 'in_progress', 40, 'đang triển khai', $1)")
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    run("INSERT INTO report_item (report_id, metric_id, value, updated_at)
         VALUES (1, (SELECT id FROM metric WHERE code = '13.1'), '10.2', $1)")
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
}

/// Every value of every table, by table and column, keyed by the row's first column (its id or
/// key), as text: what "nothing lost" compares.
type Values = BTreeMap<(String, String), BTreeMap<String, String>>;

async fn every_value(pool: &Pool) -> Values {
    let columns_sql = match pool.backend() {
        Backend::Sqlite => {
            "SELECT m.name, p.name, p.cid FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'
             ORDER BY m.name, p.cid"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(ordinal_position AS BIGINT)
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'
             ORDER BY table_name, ordinal_position"
        }
    };
    let columns: Vec<(String, String, i64)> = query_as(columns_sql).fetch_all(pool).await.unwrap();
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for (table, column, _) in &columns {
        first.entry(table.clone()).or_insert_with(|| column.clone());
    }
    let mut values = Values::new();
    for (table, column, _) in &columns {
        let key = &first[table];
        let sql = format!(
            "SELECT CAST(\"{key}\" AS TEXT), coalesce(CAST(\"{column}\" AS TEXT), '∅') FROM \"{table}\""
        );
        let rows: Vec<(String, String)> = query_as(&sql).fetch_all(pool).await.unwrap();
        values.insert((table.clone(), column.clone()), rows.into_iter().collect());
    }
    values
}

/// Every value `before` had is there after, in the same row of the same column; a NULL may have
/// been filled in (plans given their first version stamp the answers filed before).
fn nothing_lost(version: i64, before: &Values, after: &Values) {
    let mut compared = 0;
    for ((table, column), rows) in before {
        for (key, value) in rows {
            let now = after.get(&(table.clone(), column.clone())).and_then(|rows| rows.get(key));
            assert!(
                now == Some(value) || (value == "∅" && now.is_some()),
                "from version {version}: {table}.{column} of row {key} was {value:?}, is {now:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "from version {version}: only {compared} values compared");
}

/// Makes a database of each version on `fresh()`, opens it with this program, and checks it.
async fn each_version_migrates(backend: Backend, fresh: impl AsyncFn() -> (Location, Pool)) {
    // The seed as round 1 knew it: none of the fields later rounds added.
    let mut file = seed_plan().to_file();
    for a in &mut file.agencies {
        (a.short_vi, a.short_en) = (None, None);
    }
    for m in file.indicators.iter_mut().flat_map(|i| &mut i.metrics) {
        (m.part_of, m.reduction) = (None, None);
    }
    for version in versions(backend) {
        let (location, pool) = fresh().await;
        database_at(&pool, version, &file, now()).await;
        let before = every_value(&pool).await;
        pool.close().await;
        let store = Store::open(location).await.unwrap();
        let after = every_value(&store.write).await;
        nothing_lost(version, &before, &after);
        // And the program reads it as it was written.
        let plan = store.active_plan().await.unwrap().unwrap();
        assert_eq!(plan, Plan::try_from(&file).unwrap(), "from version {version}: the plan reads back");
        let syt = crate::domain::AgencyCode::parse("SYT").unwrap();
        let q1 = crate::domain::PeriodKey::Quarter(2022, 1);
        let report = store.find_report("09/KH-UBND", "bao-cao-quy", q1, &syt).await.unwrap().unwrap();
        assert_eq!(store.items(report.id).await.unwrap().len(), 2, "from version {version}");
        store.close().await;
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2022-03-01T09:00:00+07:00").unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn a_sqlite_database_of_every_version_migrates_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::sync::atomic::AtomicUsize::new(0);
    each_version_migrates(Backend::Sqlite, async || {
        let path = dir.path().join(format!("v{}.db", made.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
        let pool = crate::store::Connections::open(crate::store::SqliteFile::new(&path), 1).await.unwrap();
        (Location::File(path), Pool::Sqlite(pool))
    })
    .await;
}

#[tokio::test]
async fn a_postgres_database_of_every_version_migrates_with_nothing_lost() {
    if std::env::var("DONDOC_TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: it needs PostgreSQL; set DONDOC_TEST_DATABASE_URL (.ci/run does)");
        return;
    }
    each_version_migrates(Backend::Postgres, async || {
        let url = super::replicas::testing::fresh_database().await.unwrap();
        let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
        (Location::Postgres(url), Pool::Postgres(pool))
    })
    .await;
}
