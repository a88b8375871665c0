//! Leadership at provincial scale, on a synthetic plan: 1,000 agencies, 50 sections of 24 tasks
//! (each section for 20 agencies), 100 indicators of 10 metrics (one metric per agency), a year
//! of quarterly reports (25 items each: 100,000 items) and 10,000 people. Prints:
//!
//! - the consolidated workbook of each quarter: `ExportData` built from the store, then
//!   `export::xlsx` (target: at most 1 s);
//! - the draft report document of each quarter: the same reads, then `export::docx::docx`
//!   (target: at most 1 s);
//! - `/tinhhinh`: from the update being handed to the bot to its reply reaching the Bot API
//!   (target: at most 50 ms);
//! - start to first poll: from starting the release binary (`dondoc run`) on a copy of this
//!   database to its first getUpdates at the fake Bot API (target: at most 0.1 s), beside the
//!   same on a database holding only the bundled plan (the baseline, measured in the same run).
//!
//! cargo bench --bench leadership [-- --agencies 1000 --people-per-agency 10 --asks 30]

#[path = "../tests/support/mod.rs"]
mod support;

use support::bench::arg;

use std::fmt::Write;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Utc};
use dondoc::domain::calendar::deadline_of;
use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, TaskStatus};
use dondoc::domain::{PeriodKey, Plan};
use dondoc::store::{Invite, ItemChange, Newcomer, Store};
use rust_decimal::Decimal;
use support::app::{TestApp, local};

const SECTION_AGENCIES: usize = 20;
const TASKS: usize = 24;
const INDICATOR_METRICS: usize = 10;
const ROUND: &str = "bao-cao-quy";

fn code(i: usize) -> String {
    format!("A{i:04}")
}

/// The synthetic plan as a plan file, so that it passes the same checks as a real one.
fn plan_file(agencies: usize) -> String {
    let mut f = String::new();
    let _ = writeln!(
        f,
        "[plan]\ncode = \"BENCH/KH\"\ntitle = \"Kế hoạch thử tải\"\nprovince = \"Thử\"\nyear = 2022\n\
         issued = \"2022-01-10\"\ntime_zone = \"Asia/Ho_Chi_Minh\"\ncoordinator = \"{}\"\n",
        code(0)
    );
    for i in 0..agencies {
        let _ = writeln!(
            f,
            "[[agencies]]\ncode = \"{}\"\nname_vi = \"Đơn vị số {i}\"\nname_en = \"Agency {i}\"\n",
            code(i)
        );
    }
    for s in 0..agencies / SECTION_AGENCIES {
        let assignees: Vec<String> =
            (0..SECTION_AGENCIES).map(|k| format!("\"{}\"", code(s * SECTION_AGENCIES + k))).collect();
        let _ = writeln!(
            f,
            "[[sections]]\nnumber = {}\nheading = \"Nhóm nhiệm vụ {}\"\nassignees = [{}]\n",
            s + 1,
            s + 1,
            assignees.join(", ")
        );
        for t in 1..=TASKS {
            let _ = writeln!(
                f,
                "[[sections.tasks]]\nid = \"t{t}\"\ntext = \"Nhiệm vụ {t} của nhóm {}: triển khai, theo dõi, đôn đốc và báo cáo kết quả thực hiện.\"\n",
                s + 1
            );
        }
    }
    for i in 0..agencies / INDICATOR_METRICS {
        let _ = writeln!(
            f,
            "[[indicators]]\nnumber = {}\nname_vi = \"Chỉ tiêu {}\"\nname_en = \"Indicator {}\"\ntext = \"Chỉ tiêu thử {}\"\nagencies = [\"{}\"]\n",
            i + 1,
            i + 1,
            i + 1,
            i + 1,
            code(i * INDICATOR_METRICS)
        );
        for m in 0..INDICATOR_METRICS {
            let _ = writeln!(
                f,
                "[[indicators.metrics]]\ncode = \"{}.{}\"\nname_vi = \"Chỉ số {}.{}\"\nname_en = \"Metric {}.{}\"\n\
                 unit = \"tỷ đồng\"\ntarget = \"1.000\"\ndirection = \"at_least\"\nwording = \"Đạt 1.000 tỷ đồng\"\nagency = \"{}\"\n",
                i + 1,
                m + 1,
                i + 1,
                m + 1,
                i + 1,
                m + 1,
                code(i * INDICATOR_METRICS + m)
            );
        }
    }
    f.push_str(
        "[[rounds]]\ncode = \"chuong-trinh-hanh-dong\"\nname_vi = \"Chương trình hành động\"\nname_en = \"Action programme\"\n\
         wording = \"Ban hành chương trình hành động\"\nasks = [\"document\"]\nrecipients = [\"*\"]\nto = \"A0000\"\n\n\
         [rounds.schedule]\nkind = \"once\"\ndue_before = \"2022-01-30\"\n\n\
         [[rounds]]\ncode = \"bao-cao-quy\"\nname_vi = \"Báo cáo quý\"\nname_en = \"Quarterly report\"\n\
         wording = \"Báo cáo hàng quý trước ngày 15 tháng cuối quý\"\nasks = [\"tasks\", \"metrics\"]\nrecipients = [\"*\"]\nto = \"A0000\"\n\n\
         [rounds.schedule]\nkind = \"recurring\"\nevery = \"quarter\"\nmonth = 3\ndue_before_day = 15\n",
    );
    f
}

/// People join as the store records them (joining is not what is measured).
async fn people(store: &Store, plan: &Plan, per_agency: usize, now: DateTime<Utc>) {
    let mut n = 0i64;
    for agency in &plan.agencies {
        for _ in 0..per_agency {
            n += 1;
            let invite = Invite {
                code: format!("bench-{n}"),
                role: Role::Focal,
                agency: Some(agency.code.clone()),
                expires_at: now + chrono::Duration::days(7),
            };
            store.create_invite(&invite, None, now).await.unwrap();
            let who = Newcomer {
                telegram_id: 1_000_000 + n,
                chat_id: 1_000_000 + n,
                name: format!("Đầu mối {n}"),
                username: None,
                language: Lang::Vi,
            };
            store.redeem_invite(&invite.code, &who, now).await.unwrap().unwrap().person();
        }
    }
}

/// A year of reports: per quarter, 80 % of the agencies on time, 10 % late, 10 % a draft.
async fn reports(store: &Store, plan: &Plan, per_agency: usize) -> usize {
    let round = plan.round(ROUND).unwrap();
    let mut items = 0;
    for q in 1..=4 {
        let period = PeriodKey::Quarter(2022, q);
        let deadline = deadline_of(plan, round, period).unwrap();
        let noon = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let on_time = dondoc::domain::calendar::local_instant(plan, deadline.last_day - Days::new(2), noon);
        let late = dondoc::domain::calendar::local_instant(plan, deadline.last_day + Days::new(3), noon);
        for (i, agency) in plan.agencies.iter().enumerate() {
            let first = 1_000_000 + 1 + (i * per_agency) as i64;
            let person = store.person_by_telegram(first).await.unwrap().expect("a focal point").id;
            let at = if i % 10 == 8 { late } else { on_time };
            let report = store.open_report(&plan.code, ROUND, period, &agency.code, at).await.unwrap();
            for (_, task) in plan.tasks_of(&agency.code) {
                let change = ItemChange::Progress(TaskStatus::InProgress, Some((25 * q) as u8));
                store
                    .save_item(report.id, &ItemKey::Task(task.code.clone()), change, person, at)
                    .await
                    .unwrap();
                items += 1;
            }
            for (_, metric) in plan.metrics_of(&agency.code) {
                let value = Decimal::from(250 * q as i64 - 40 + (i % 97) as i64);
                let change = ItemChange::Value { value, out_of: None };
                store
                    .save_item(report.id, &ItemKey::Metric(metric.code.clone()), change, person, at)
                    .await
                    .unwrap();
                items += 1;
            }
            if i % 10 != 9 {
                store.submit_report(report.id, person, at).await.unwrap();
            }
        }
    }
    items
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted.get(((sorted.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let agencies = arg("--agencies", 1000);
    let per_agency = arg("--people-per-agency", 10).max(1);
    let asks = arg("--asks", 30);
    let t = TestApp::spawn_at("2022-12-20T09:00").await;
    let plan = Plan::from_toml(&plan_file(agencies)).unwrap_or_else(|p| panic!("the synthetic plan:\n{p}"));
    let now = local("2022-12-20T09:00");
    let setup = Instant::now();
    t.store().import_plan(&plan, now).await.unwrap();
    // The synthetic plan alone is followed: leaders' answers are about it only.
    t.store().stop_following(&dondoc::bundled::plan().unwrap().code, now).await.unwrap();
    t.app.reload_plan_if_changed().await.unwrap();
    people(t.store(), &plan, per_agency, now).await;
    let items = reports(t.store(), &plan, per_agency).await;
    let leader = t.tg.user(900_100, "Lãnh đạo", "vi");
    t.join(&leader, Role::Leader, None).await;
    let people_count = t.store().count_rows("person").await.unwrap();
    println!(
        "leadership benchmark: {agencies} agencies, {} tasks, {} metrics, {people_count} people, {items} report items \
         (set up in {:.1} s)",
        plan.task_count(),
        plan.metric_count(),
        setup.elapsed().as_secs_f64()
    );

    // The consolidated workbook and the report document, each quarter (a few runs; the best and
    // the worst shown). Both are made from one read of the store, as `/xuat` does.
    for q in 1..=4 {
        let period = PeriodKey::Quarter(2022, q);
        let mut workbook_runs = Vec::new();
        let mut docx_runs = Vec::new();
        let (mut size, mut docx_size, mut rows, mut table_rows) = (0, 0, 0, 0);
        for _ in 0..3 {
            let started = Instant::now();
            let both =
                dondoc::leadership::consolidated::build(t.store(), &plan, ROUND, period, now, Lang::Vi)
                    .await
                    .unwrap()
                    .unwrap();
            let built = started.elapsed();
            let xlsx_started = Instant::now();
            let bytes = dondoc::export::xlsx(&both.workbook).unwrap();
            let xlsx = xlsx_started.elapsed();
            let docx_started = Instant::now();
            let document = dondoc::export::docx::docx(&both.report).unwrap();
            let docx = docx_started.elapsed();
            workbook_runs.push((built + xlsx, built));
            docx_runs.push((built + docx, docx));
            size = bytes.len();
            docx_size = document.len();
            let data = &both.workbook;
            rows = data.indicators.iter().map(|i| i.metrics.len()).sum::<usize>()
                + data.sections.iter().map(|s| s.tasks.len()).sum::<usize>()
                + data.timeliness.len();
            table_rows = both.report.indicators.lines.len();
        }
        workbook_runs.sort();
        docx_runs.sort();
        println!(
            "  export {period}: {} (data from the store {}), worst {}; {rows} rows, {} KB  [target <= 1 s]",
            ms(workbook_runs[0].0),
            ms(workbook_runs[0].1),
            ms(workbook_runs[workbook_runs.len() - 1].0),
            size / 1024
        );
        println!(
            "  report {period} (.docx): {} (writing {}), worst {}; {table_rows} indicator rows, {} KB  [target <= 1 s]",
            ms(docx_runs[0].0),
            ms(docx_runs[0].1),
            ms(docx_runs[docx_runs.len() - 1].0),
            docx_size / 1024
        );
    }

    // What /tinhhinh reads, without Telegram in between.
    let mut loads = Vec::new();
    for _ in 0..asks {
        let started = Instant::now();
        let view = dondoc::leadership::status::StatusView::load(t.store(), &plan, now).await.unwrap();
        assert!(view.is_some());
        loads.push(started.elapsed());
    }
    loads.sort();
    println!(
        "  status from the store x{asks}: p50 {}  max {}",
        ms(percentile(&loads, 0.5)),
        ms(loads[loads.len() - 1])
    );

    // /tinhhinh, asked again and again by a leader.
    let mut latencies = Vec::new();
    let mut reply_text = String::new();
    for _ in 0..asks {
        let update = t.tg.send_text(&leader, "/tinhhinh");
        let reply = t.tg.next_message_within(leader.id, Duration::from_secs(10)).await.expect("a reply");
        let delivered = t.tg.delivered_at(update).unwrap_or(reply.at);
        latencies.push(reply.at.saturating_duration_since(delivered));
        reply_text = reply.text;
    }
    latencies.sort();
    println!(
        "  /tinhhinh x{asks}: p50 {}  p95 {}  max {}  [target <= 50 ms]",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!("  the reply:\n    {}", reply_text.replace('\n', "\n    "));

    start_to_first_poll(&t).await;
}

/// How long `dondoc run` takes from its start to its first long poll, on `database`: the best
/// of a few starts (a start is killed once it polled).
async fn first_poll(database: &std::path::Path, starts: usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..starts {
        let tg = support::telegram::FakeTelegram::start().await;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"));
        command
            .arg("run")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DONDOC_DATABASE", database)
            .env("TELOXIDE_TOKEN", support::telegram::TOKEN)
            .env("TELOXIDE_API_URL", tg.api_url().to_string())
            .env("DONDOC_HTTP_LISTEN", "off")
            .env("DONDOC_ADMINS", "1")
            .env("RUST_LOG", "error");
        let started = Instant::now();
        let _bot = support::process::Running::spawn(&mut command);
        let polled = loop {
            if let Some(r) = tg.requests_for("GetUpdates").first() {
                break r.at;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "dondoc never polled");
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        best = best.min(polled.saturating_duration_since(started));
    }
    best
}

async fn start_to_first_poll(t: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.db");
    Store::copy_into(&t.dir.path().join("dondoc.db"), &big).await.unwrap();
    // The baseline: a database with the bundled plan only, made by a first start.
    let small = dir.path().join("small.db");
    first_poll(&small, 1).await;
    let baseline = first_poll(&small, 5).await;
    let loaded = first_poll(&big, 5).await;
    println!(
        "  start to first poll: {} with this database, {} with the bundled plan only ({:.2}x)  [target <= 100 ms]",
        ms(loaded),
        ms(baseline),
        loaded.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
    );
}
