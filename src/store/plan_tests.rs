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
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let first = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/0001_init.sql"),
        first.path().join("0001_init.sql"),
    )
    .unwrap();
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true).foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(first.path()).await.unwrap().run(&pool).await.unwrap();
    let p = &file.plan;
    let reminders = serde_json::to_string(&file.reminders).unwrap();
    sqlx::query(
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
    .bind(now())
    .bind(now())
    .execute(&pool)
    .await
    .unwrap();
    let run = |sql: &'static str| sqlx::query(sql);
    for (i, a) in file.agencies.iter().enumerate() {
        run("INSERT INTO agency (plan_id, code, name_vi, name_en, position) VALUES (1, $1, $2, $3, $4)")
            .bind(&a.code)
            .bind(&a.name_vi)
            .bind(&a.name_en)
            .bind(i as i64)
            .execute(&pool)
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
            .execute(&pool)
            .await
            .unwrap();
    }
    for s in &file.sections {
        run("INSERT INTO section (plan_id, number, heading, heading_inferred, assignees) VALUES (1, $1, $2, $3, $4)")
            .bind(s.number)
            .bind(&s.heading)
            .bind(s.heading_inferred)
            .bind(serde_json::to_string(&s.assignees).unwrap())
            .execute(&pool)
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
            .execute(&pool)
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
        .execute(&pool)
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
            .execute(&pool)
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
        .execute(&pool)
        .await
        .unwrap();
    }
    for h in &file.holidays {
        run("INSERT INTO holiday (plan_id, first_day, last_day, name) VALUES (1, $1, $2, $3)")
            .bind(&h.from)
            .bind(h.to.as_ref().unwrap_or(&h.from))
            .bind(&h.name)
            .execute(&pool)
            .await
            .unwrap();
    }
    // The health department's submitted Q1 report: a task, a metric and a narrative.
    run("INSERT INTO report (round_id, period, agency_id, state, created_at, updated_at, first_submitted_at,
                             submitted_at)
         SELECT r.id, '2022-Q1', a.id, 'submitted', $1, $1, $1, $1 FROM reporting_round r, agency a
         WHERE r.code = 'bao-cao-quy' AND a.code = 'SYT'")
    .bind(now())
    .execute(&pool)
    .await
    .unwrap();
    run("INSERT INTO report_item (report_id, task_id, status, percent, note, updated_at)
         VALUES (1, (SELECT id FROM task WHERE code = '13.a'), 'in_progress', 40, 'đang triển khai', $1)")
    .bind(now())
    .execute(&pool)
    .await
    .unwrap();
    run("INSERT INTO report_item (report_id, metric_id, value, updated_at)
         VALUES (1, (SELECT id FROM metric WHERE code = '13.1'), '10.2', $1)")
    .bind(now())
    .execute(&pool)
    .await
    .unwrap();
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
