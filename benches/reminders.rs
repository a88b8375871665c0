//! Bulk sending under Telegram's limits: 1,000 agencies' focal points are due at once; the fake
//! Bot API enforces 30 messages/s overall and 1/s per chat (429 beyond). Prints the rate
//! achieved and the 429 answers.
//!
//! cargo bench --bench reminders -- [--agencies 1000] [--per-second 29]

#[path = "../tests/support/mod.rs"]
mod support;

use support::bench::arg;

use std::time::Instant;

use dondoc::clock::ManualClock;
use dondoc::domain::Plan;
use dondoc::domain::people::{Lang, Role};
use dondoc::domain::plan_file::*;
use dondoc::startup::Application;
use dondoc::store::{Invite, Newcomer, Store};
use support::app::{TestApp, local};
use support::telegram::{FakeOptions, FakeTelegram};

/// A plan with `n` agencies, each with one task, and the quarterly round.
fn synthetic_plan(n: usize) -> Plan {
    let seed = dondoc::bundled::plan().expect("bundled plan").to_file();
    let agencies: Vec<AgencyEntry> = (0..n)
        .map(|i| AgencyEntry {
            code: format!("A{i:04}"),
            name_vi: format!("Đơn vị {i}"),
            name_en: format!("Agency {i}"),
            ..AgencyEntry::default()
        })
        .collect();
    let sections = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| SectionEntry {
            number: i as u32 + 1,
            heading: a.name_vi.clone(),
            heading_inferred: false,
            assignees: vec![a.code.clone()],
            tasks: vec![TaskEntry {
                id: "a".into(),
                text: format!("Nhiệm vụ của {}", a.name_vi),
                ..TaskEntry::default()
            }],
        })
        .collect();
    let mut round = seed.rounds.iter().find(|r| r.code == "bao-cao-quy").expect("quarterly round").clone();
    round.to = agencies[0].code.clone();
    let file = PlanFile {
        plan: PlanHeader { coordinator: agencies[0].code.clone(), ..seed.plan.clone() },
        agencies,
        groups: vec![],
        sections,
        indicators: vec![],
        rounds: vec![round],
        holidays: seed.holidays.clone(),
        reminders: seed.reminders.clone(),
        ..PlanFile::default()
    };
    Plan::try_from(&file).expect("synthetic plan checks out")
}

#[tokio::main]
async fn main() {
    let n = arg("--agencies", 1000) as usize;
    let per_second = arg("--per-second", 29) as u32;
    let tg = FakeTelegram::start_with(FakeOptions { enforce_limits: true, ..Default::default() }).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let now = local("2022-03-07T08:00");
    {
        let store = Store::open(&dir.path().join("dondoc.db")).await.expect("store");
        let plan = synthetic_plan(n);
        store.import_plan(&plan, now).await.expect("import");
        for (i, a) in plan.agencies.iter().enumerate() {
            let code = format!("BENCH{i:017}");
            let invite = Invite {
                code: code.clone(),
                role: Role::Focal,
                agency: Some(a.code.clone()),
                expires_at: now + chrono::Duration::days(7),
            };
            store.create_invite(&invite, None, now).await.expect("invite");
            let id = 200_000 + i as i64;
            let who = Newcomer {
                telegram_id: id,
                chat_id: id,
                name: format!("Đầu mối {i}"),
                username: None,
                language: Lang::Vi,
            };
            store.redeem_invite(&code, &who, now).await.expect("redeem").expect("joined");
        }
        store.close().await;
    }
    let mut settings = TestApp::settings(&dir, &tg);
    settings.admins.clear();
    settings.bulk_per_second = per_second;
    let application = Application::build(settings, ManualClock::new(now)).await.expect("application");
    let scheduler = application.scheduler();
    let before = tg.stats();
    let started = Instant::now();
    let report = scheduler.run_at(now).await.expect("tick");
    let elapsed = started.elapsed().as_secs_f64();
    let stats = tg.stats();
    let sent = stats.sends - before.sends;
    println!(
        "reminders benchmark: {n} agencies due at once, pacing {per_second}/s, fake Telegram enforcing 30/s overall and 1/s per chat"
    );
    println!(
        "  reminders sent: {} (logged {}), failed {}, to retry {}",
        sent, report.sent, report.failed, report.retry
    );
    println!("  elapsed: {elapsed:.1} s  rate: {:.2} messages/s", sent as f64 / elapsed);
    println!("  429 answers: {}", stats.too_many_requests - before.too_many_requests);
    println!("  target: at least 28.5 messages/s and zero 429 answers");
}
