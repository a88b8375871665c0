use chrono::{DateTime, Utc};

use crate::bundled::seed_plan;
use crate::domain::Plan;
use crate::store::db::{query, query_scalar};
use crate::store::testing::temp_store;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2022-01-20T01:00:00Z").unwrap().with_timezone(&Utc)
}

fn count<'a>(summary: &'a super::ImportSummary, kind: &str) -> &'a super::KindCount {
    summary.kinds.iter().find(|k| k.kind == kind).unwrap()
}

#[tokio::test]
async fn importing_the_seed_loads_every_entry_and_reads_back_the_same_plan() {
    let (store, _dir) = temp_store().await;
    assert!(!store.has_plan().await.unwrap());
    let plan = seed_plan();
    let summary = store.import_plan(&plan, now()).await.unwrap();
    assert!(summary.plan_created);
    assert_eq!(count(&summary, "agencies").added, 36);
    assert_eq!(count(&summary, "sections").added, 28);
    assert_eq!(count(&summary, "tasks").added, 154);
    assert_eq!(count(&summary, "indicators").added, 18);
    assert_eq!(count(&summary, "metrics").added, 37);
    assert_eq!(count(&summary, "rounds").added, 2);
    assert_eq!(count(&summary, "holidays").added, 5);
    assert!(store.has_plan().await.unwrap());
    assert_eq!(store.active_plan().await.unwrap().unwrap(), plan);
}

#[tokio::test]
async fn the_same_plan_twice_changes_nothing() {
    let (store, _dir) = temp_store().await;
    let plan = seed_plan();
    store.import_plan(&plan, now()).await.unwrap();
    let again = store.import_plan(&plan, now()).await.unwrap();
    assert!(again.is_unchanged(), "{again:#?}");
}

#[tokio::test]
async fn an_edited_plan_updates_in_place_and_keeps_filed_reports() {
    let (store, _dir) = temp_store().await;
    let plan = seed_plan();
    store.import_plan(&plan, now()).await.unwrap();

    // A report already holds an item on task 1.g.
    let task_id: i64 =
        query_scalar("SELECT id FROM task WHERE code = '1.g'").fetch_one(&store.read).await.unwrap();
    query(
        "INSERT INTO report (round_id, period, agency_id, created_at, updated_at)
         SELECT r.id, '2022-Q1', a.id, $1, $1 FROM reporting_round r, agency a
         WHERE r.code = 'bao-cao-quy' AND a.code = 'SKHDT'",
    )
    .bind(now())
    .execute(&store.write)
    .await
    .unwrap();
    query(
        "INSERT INTO report_item (report_id, task_id, status, updated_at) VALUES ((SELECT max(id) FROM report), $1, 'done', $2)",
    )
    .bind(task_id)
    .bind(now())
    .execute(&store.write)
    .await
    .unwrap();
    let edited_id: i64 =
        query_scalar("SELECT id FROM task WHERE code = '1.a'").fetch_one(&store.read).await.unwrap();

    // The edited file: 1.a reworded, 1.g gone, a new metric on indicator 7.
    let mut file = plan.to_file();
    file.sections[0].tasks[0].text.push_str(" (sửa)");
    file.sections[0].tasks.retain(|t| t.id != "g");
    let mut extra = file.indicators[6].metrics[0].clone();
    extra.code = "7.2".into();
    extra.target = "100".into();
    file.indicators[6].metrics.push(extra);
    let edited = Plan::try_from(&file).unwrap();
    let summary = store.import_plan(&edited, now()).await.unwrap();
    assert!(!summary.is_unchanged());
    assert_eq!(
        (count(&summary, "tasks").updated, count(&summary, "tasks").retired),
        (4, 1),
        "1.a reworded; 1.h, 1.i, 1.k moved up"
    );
    assert_eq!(count(&summary, "metrics").added, 1);
    assert_eq!(count(&summary, "agencies").updated, 0);

    let loaded = store.active_plan().await.unwrap().unwrap();
    assert_eq!(loaded, edited);
    assert!(loaded.task("1.g").is_none());
    let same_id: i64 =
        query_scalar("SELECT id FROM task WHERE code = '1.a'").fetch_one(&store.read).await.unwrap();
    assert_eq!(same_id, edited_id, "an edited task keeps its identity");
    let kept: i64 = query_scalar("SELECT count(*) FROM report_item WHERE task_id = $1")
        .bind(task_id)
        .fetch_one(&store.read)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the report on a retired task stays");

    // Putting the task back brings it back under the same identity.
    let summary = store.import_plan(&plan, now()).await.unwrap();
    assert_eq!(count(&summary, "tasks").retired, 0);
    assert_eq!(count(&summary, "metrics").retired, 1);
    let back: i64 = query_scalar("SELECT id FROM task WHERE code = '1.g' AND retired = FALSE")
        .fetch_one(&store.read)
        .await
        .unwrap();
    assert_eq!(back, task_id);
}

#[tokio::test]
async fn a_failed_import_leaves_nothing_half_written() {
    let (store, _dir) = temp_store().await;
    let plan = seed_plan();
    store.import_plan(&plan, now()).await.unwrap();
    // Break the transaction half-way: a metric whose agency no longer exists fails the
    // NOT NULL constraint after the agencies and tasks were already written.
    let mut file = plan.to_file();
    file.sections[0].tasks[0].text = "changed".into();
    let mut edited = Plan::try_from(&file).unwrap();
    edited.indicators[0].metrics[0].agency = crate::domain::AgencyCode::parse("NOWHERE").unwrap();
    edited.indicators[0].metrics[0].agency_from_indicator = false;
    assert!(store.import_plan(&edited, now()).await.is_err());
    assert_eq!(store.active_plan().await.unwrap().unwrap(), plan);
}

const SECOND: &str = include_str!("../../plans/vinh-long-2024.toml");

#[tokio::test]
async fn a_plan_of_another_shape_reads_back_the_same_and_its_new_fields_count_as_edits() {
    let (store, _dir) = temp_store().await;
    let plan = Plan::from_toml(SECOND).unwrap();
    let summary = store.import_plan(&plan, now()).await.unwrap();
    assert_eq!(count(&summary, "indicator-groups").added, 3);
    assert_eq!(count(&summary, "working-days").added, 1);
    assert_eq!(store.active_plan().await.unwrap().unwrap(), plan);
    assert!(store.import_plan(&plan, now()).await.unwrap().is_unchanged());

    // Each new field is compared on import: a change to one is an update, nothing else moves.
    let mut file = plan.to_file();
    file.agencies[0].short_en = Some("Planning".into());
    file.sections[0].tasks[0].cooperating.push("SCT".into());
    file.indicators[3].metrics[0].strict = false;
    file.indicators[1].metrics[0].same_period_last_year.insert("2023-Q3".into(), "5.000".into());
    file.rounds[1].schedule.skip = vec![6];
    file.working_days[0].name = "Làm bù".into();
    let edited = Plan::try_from(&file).unwrap();
    let summary = store.import_plan(&edited, now()).await.unwrap();
    for kind in ["agencies", "tasks", "metrics", "rounds", "working-days"] {
        assert_eq!(count(&summary, kind).updated, if kind == "metrics" { 2 } else { 1 }, "{kind}");
    }
    assert_eq!(count(&summary, "sections").updated + count(&summary, "holidays").updated, 0);
    assert_eq!(store.active_plan().await.unwrap().unwrap(), edited);
}

/// A database as round 1 left it: only the first migration, the plan in its columns, and a
/// submitted report with its items.
async fn round_one_database(path: &std::path::Path, file: &crate::domain::PlanFile) {
    let pool = crate::store::Connections::open(crate::store::SqliteFile::new(path), 1).await.unwrap();
    let pool = crate::store::db::Pool::Sqlite(pool);
    crate::store::migration_tests::database_at(&pool, 1, file, now()).await;
    pool.close().await;
}

#[tokio::test]
async fn a_round_one_database_migrates_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round1.db");
    // The seed as round 1 knew it: none of the fields this round added.
    let mut file = seed_plan().to_file();
    for a in &mut file.agencies {
        (a.short_vi, a.short_en) = (None, None);
    }
    for m in file.indicators.iter_mut().flat_map(|i| &mut i.metrics) {
        (m.part_of, m.reduction) = (None, None);
    }
    round_one_database(&path, &file).await;

    let store = crate::store::Store::open(&path).await.unwrap();
    let plan = store.active_plan().await.unwrap().unwrap();
    assert_eq!(plan, Plan::try_from(&file).unwrap(), "the plan reads back as it was");
    assert_eq!(store.active_plan().await.unwrap().unwrap().to_file(), file);
    // It got its first version, and the answers filed before are stamped with it.
    assert_eq!(store.plan_versions(&file.plan.code).await.unwrap().len(), 1);
    let syt = crate::domain::AgencyCode::parse("SYT").unwrap();
    let q1 = crate::domain::PeriodKey::Quarter(2022, 1);
    let report = store.find_report("09/KH-UBND", "bao-cao-quy", q1, &syt).await.unwrap().unwrap();
    assert_eq!(report.state, crate::domain::report::ReportState::Submitted);
    let items = store.items(report.id).await.unwrap();
    assert_eq!(items.len(), 2, "{items:#?}");
    let task = items.iter().find(|i| i.key == crate::domain::report::ItemKey::Task("13.a".into())).unwrap();
    assert_eq!((task.percent, task.note.as_deref()), (Some(40), Some("đang triển khai")));
    let first = store.plan_versions(&file.plan.code).await.unwrap()[0].0;
    assert!(items.iter().all(|i| i.plan_version == Some(first)), "stamped with the first version");

    // Importing this round's seed over it fills the new fields and keeps the report.
    let summary = store.import_plan(&seed_plan(), now()).await.unwrap();
    assert_eq!(count(&summary, "agencies").updated, 36, "short names");
    assert_eq!(count(&summary, "metrics").updated, 10, "9 parts and a reduction in points");
    assert_eq!(count(&summary, "tasks").updated, 0);
    assert_eq!(store.active_plan().await.unwrap().unwrap(), seed_plan());
    assert_eq!(store.items(report.id).await.unwrap().len(), 2);
    store.close().await;
}
