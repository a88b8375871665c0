use chrono::{DateTime, Utc};

use crate::bundled::seed_plan;
use crate::domain::Plan;
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
        sqlx::query_scalar("SELECT id FROM task WHERE code = '1.g'").fetch_one(&store.read).await.unwrap();
    sqlx::query(
        "INSERT INTO report (round_id, period, agency_id, created_at, updated_at)
         SELECT r.id, '2022-Q1', a.id, ?1, ?1 FROM reporting_round r, agency a
         WHERE r.code = 'bao-cao-quy' AND a.code = 'SKHDT'",
    )
    .bind(now())
    .execute(&store.write)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO report_item (report_id, task_id, status, updated_at) VALUES ((SELECT max(id) FROM report), ?, 'done', ?)",
    )
    .bind(task_id)
    .bind(now())
    .execute(&store.write)
    .await
    .unwrap();
    let edited_id: i64 =
        sqlx::query_scalar("SELECT id FROM task WHERE code = '1.a'").fetch_one(&store.read).await.unwrap();

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
        sqlx::query_scalar("SELECT id FROM task WHERE code = '1.a'").fetch_one(&store.read).await.unwrap();
    assert_eq!(same_id, edited_id, "an edited task keeps its identity");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM report_item WHERE task_id = ?")
        .bind(task_id)
        .fetch_one(&store.read)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the report on a retired task stays");

    // Putting the task back brings it back under the same identity.
    let summary = store.import_plan(&plan, now()).await.unwrap();
    assert_eq!(count(&summary, "tasks").retired, 0);
    assert_eq!(count(&summary, "metrics").retired, 1);
    let back: i64 = sqlx::query_scalar("SELECT id FROM task WHERE code = '1.g' AND retired = 0")
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
