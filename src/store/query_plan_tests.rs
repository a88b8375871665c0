//! What every update reads, read by index: a focal point's screens look up their agency's
//! reports and extensions on every step, and a scan there costs O(reports) per screen, a few
//! thousand rows a quarter at a province's size (issue 13). SQLite's own plans, checked on a
//! database migrated to the last version.

use rusqlite::Connection;

use super::carry_over::earlier_answers_sql;
use super::extensions::agency_extensions_sql;
use super::narratives::NARRATIVE;
use super::people::context_sql;
use super::reports::{ATTACHMENTS, agency_periods_sql, items_sql};
use crate::store::db::Backend;
use crate::store::testing::temp_file_store;

/// Column `column` of each row of `explain sql` (`EXPLAIN QUERY PLAN`: the steps; `EXPLAIN`:
/// the virtual machine's operations).
fn explained(conn: &Connection, explain: &str, sql: &str, column: usize) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("{explain} {sql}")).expect("prepare");
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().expect("step") {
        out.push(row.get::<_, String>(column).expect("text"));
    }
    out
}

/// SQLite's plan of `sql`, a line per step ("SEARCH r USING INDEX …", "SCAN r", …).
fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    explained(conn, "EXPLAIN QUERY PLAN", sql, 3)
}

/// A step that reads a whole table (or index) through; the list bound as JSON and a constant
/// row are not tables.
fn scans(steps: &[String]) -> Vec<&String> {
    steps
        .iter()
        .filter(|s| s.starts_with("SCAN ") && !s.contains("json_each") && !s.contains("CONSTANT ROW"))
        .collect()
}

async fn migrated() -> (Connection, tempfile::TempDir) {
    let (store, dir) = temp_file_store().await;
    store.close().await;
    let conn = Connection::open(dir.path().join("test.db")).expect("open");
    (conn, dir)
}

#[tokio::test]
async fn a_focal_points_screens_find_their_agencys_reports_and_extensions_by_index() {
    let (conn, _dir) = migrated().await;
    let each = Backend::Sqlite.dialect().each("$2");
    for sql in [agency_periods_sql(&each), agency_extensions_sql(&each)] {
        let steps = plan(&conn, &sql);
        assert!(scans(&steps).is_empty(), "{sql}\nreads a table through: {steps:#?}");
    }
}

#[tokio::test]
async fn an_updates_context_is_read_without_a_temporary_index() {
    let (conn, _dir) = migrated().await;
    let sql = context_sql();
    let steps = plan(&conn, sql);
    assert!(scans(&steps).iter().all(|s| s.starts_with("SCAN one")), "{steps:#?}");
    let ops = explained(&conn, "EXPLAIN", sql, 1);
    assert!(!ops.iter().any(|op| op == "OpenEphemeral"), "{sql}\nbuilds a temporary index: {ops:?}");
}

/// The operations that build a temporary table (an `IN` list, a materialized subquery) or sort
/// rows: each a B-tree or sorter opened, filled and freed per statement (its pages zeroed
/// first), a few thousand instructions of every screen (callgrind, benches/replies).
fn temporaries(conn: &Connection, sql: &str) -> Vec<String> {
    explained(conn, "EXPLAIN", sql, 1)
        .into_iter()
        .filter(|op| matches!(op.as_str(), "OpenEphemeral" | "SorterOpen" | "OpenAutoindex"))
        .collect()
}

#[tokio::test]
async fn a_focal_points_screen_is_read_without_temporary_tables_or_sorting() {
    let (conn, _dir) = migrated().await;
    let each = Backend::Sqlite.dialect().each("$2");
    for sql in [
        agency_periods_sql(&each),
        agency_extensions_sql(&each),
        items_sql().to_owned(),
        ATTACHMENTS.to_owned(),
        NARRATIVE.to_owned(),
    ] {
        let built = temporaries(&conn, &sql);
        assert!(built.is_empty(), "{sql}\nbuilds {built:?}: {:#?}", plan(&conn, &sql));
    }
}

/// An item's screen shows its earlier answers: the agency's own reports of the round, found
/// by the agency, not every agency's reports of the round's earlier periods (at the year's
/// last quarter, every agency's three quarters were read on every item's screen).
#[tokio::test]
async fn an_items_earlier_answers_are_found_through_the_agencys_reports() {
    let (conn, _dir) = migrated().await;
    let sql = earlier_answers_sql();
    let steps = plan(&conn, sql);
    assert!(scans(&steps).is_empty(), "{steps:#?}");
    let reports = steps.iter().find(|s| s.starts_with("SEARCH r ")).expect("reports searched");
    assert!(reports.contains("report_agency (agency_id=?"), "{reports}\n{steps:#?}");
}
