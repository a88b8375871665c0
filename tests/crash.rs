//! The real binary killed (SIGKILL) at the worst moments, then started again on the same
//! database: every reminder and broadcast that was due arrives, at most once more per crash;
//! an update interrupted mid-handler is handled when Telegram delivers it again; a second bot
//! on the same database is refused; a command-line invite follows the running bot's clock.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use dondoc::store::Store;
use support::app::{ADMIN_ID, local};
use support::process::Running;
use support::telegram::{FakeTelegram, TOKEN, TgUser};

const FIRST: i64 = 300_000;

fn dondoc(dir: &Path, tg: &FakeTelegram) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    c.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DONDOC_DATABASE", support::db::env_value(dir))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", tg.api_url().to_string())
        // No fixed port: bots of other tests (or a developer's own) may hold it.
        .env("DONDOC_HTTP_LISTEN", "off")
        .env("DONDOC_ADMINS", ADMIN_ID.to_string())
        .env("DONDOC_LANG", "vi")
        .env("DONDOC_RETRY_FIRST_MS", "50")
        .env("DONDOC_RETRY_MAX_MS", "500")
        .env("RUST_LOG", "warn");
    c
}

/// The bot, running on a rehearsal clock from `start` (RFC 3339), a slow bulk (10/s) so that a
/// fan-out is still going when it is killed.
fn run(dir: &Path, tg: &FakeTelegram, start: &str) -> Running {
    let mut c = dondoc(dir, tg);
    c.args(["run", "--clock-start", start])
        .env("DONDOC_BULK_PER_SECOND", "10")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Running::spawn(&mut c)
}

fn kill(mut child: Running) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

/// A database with the bundled plan and `n` focal points spread over the agencies; their
/// Telegram ids.
async fn prepared(dir: &Path, n: usize) -> Vec<i64> {
    let focal = support::db::spread(FIRST, n);
    support::db::with_focal_points(support::db::location(dir), &focal).await;
    focal.iter().map(|f| f.0).collect()
}

/// How many messages starting with `mark` each chat received.
fn received(tg: &FakeTelegram, ids: &[i64], mark: &str) -> HashMap<i64, usize> {
    ids.iter()
        .map(|id| (*id, tg.messages(*id).iter().filter(|m| !m.edited && m.text.starts_with(mark)).count()))
        .collect()
}

async fn until(what: &str, limit: Duration, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every recipient got it, and no one more than once per crash (plus the first time).
fn assert_all_arrived(counts: &HashMap<i64, usize>, crashes: usize) {
    let missing: Vec<_> = counts.iter().filter(|(_, n)| **n == 0).map(|(id, _)| id).collect();
    assert!(missing.is_empty(), "never arrived: {missing:?}");
    let too_many: Vec<_> = counts.iter().filter(|(_, n)| **n > 1 + crashes).collect();
    assert!(too_many.is_empty(), "more than one duplicate per crash: {too_many:?}");
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    eprintln!("{} recipients, {duplicates} duplicates over {crashes} crashes", counts.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_killed_twice_mid_fan_out_all_arrive() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = prepared(dir.path(), 120).await;
    // 08:00:05 on the day of the first Q1 reminder: the catch-up tick at start finds 120 due.
    let start = "2022-03-07T08:00:05+07:00";
    let total = |tg: &FakeTelegram| received(tg, &ids, "⏰").values().filter(|n| **n > 0).count();
    for crash in 1..=2 {
        let bot = run(dir.path(), &tg, start);
        until("part of the fan-out", Duration::from_secs(60), || total(&tg) >= 25 * crash).await;
        kill(bot);
    }
    assert!(total(&tg) < ids.len(), "the crashes came mid fan-out");
    let bot = run(dir.path(), &tg, start);
    until("every reminder", Duration::from_secs(90), || total(&tg) == ids.len()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    kill(bot);
    assert_all_arrived(&received(&tg, &ids, "⏰"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_killed_mid_way_resumes_and_reaches_everyone() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = prepared(dir.path(), 80).await;
    let admin = tg.user(ADMIN_ID, "Quản trị", "vi");
    // A Wednesday at noon: no reminder is due, only the notice goes out.
    let start = "2022-03-09T12:00:00+07:00";
    let bot = run(dir.path(), &tg, start);
    tg.send_text(&admin, "/thongbao Họp giao ban trực tuyến lúc 14:00 hôm nay.");
    let preview = tg.next_message_within(ADMIN_ID, Duration::from_secs(20)).await.expect("a preview");
    tg.press(&admin, preview.message_id, &preview.data("Gửi"));
    let notice = "📢";
    let total = |tg: &FakeTelegram| received(tg, &ids, notice).values().filter(|n| **n > 0).count();
    until("part of the broadcast", Duration::from_secs(60), || total(&tg) >= 20).await;
    kill(bot);
    assert!(total(&tg) < ids.len(), "the crash came mid-way");
    let bot = run(dir.path(), &tg, start);
    until("the whole broadcast", Duration::from_secs(90), || total(&tg) == ids.len()).await;
    // The admin's progress message ends saying how it went.
    until("the final progress", Duration::from_secs(20), || {
        tg.messages(ADMIN_ID).iter().any(|m| m.text.starts_with("✅ Đã gửi xong thông báo: 80/80"))
    })
    .await;
    kill(bot);
    assert_all_arrived(&received(&tg, &ids, notice), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_cut_short_by_a_crash_is_handled_when_delivered_again() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let ids = prepared(dir.path(), 1).await;
    let lan = TgUser::new(ids[0], "Lan", "vi");
    tg.user(lan.id, "Lan", "vi");
    let start = "2022-03-09T10:00:00+07:00";
    let bot = run(dir.path(), &tg, start);
    // Telegram takes the bot's answer but holds its reply: the handler is mid-way when killed.
    tg.delay_next("SendMessage", Some(lan.id), Duration::from_secs(30), 1);
    let update = tg.send_text(&lan, "/trogiup");
    until("the bot answering", Duration::from_secs(20), || {
        tg.requests_for("SendMessage").iter().any(|r| r.body["chat_id"] == lan.id)
    })
    .await;
    kill(bot);
    // The answer to /trogiup lists the commands; count those (a reminder may come too).
    let helps = |tg: &FakeTelegram| tg.messages(lan.id).iter().filter(|m| m.text.contains("/baocao")).count();
    let before = helps(&tg);
    let bot = run(dir.path(), &tg, start);
    tg.redeliver(update);
    until("the update handled again", Duration::from_secs(20), || helps(&tg) > before).await;
    kill(bot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_bot_on_the_same_database_is_refused() {
    if support::db::on_postgres() {
        // On PostgreSQL a second bot is a replica beside the first (tests/replicas.rs).
        eprintln!("skipped a_second_bot_on_the_same_database_is_refused: SQLite's single-instance lock");
        return;
    }
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    prepared(dir.path(), 1).await;
    let first = run(dir.path(), &tg, "2022-03-09T10:00:00+07:00");
    until("the first bot polling", Duration::from_secs(20), || !tg.requests_for("GetUpdates").is_empty())
        .await;
    let mut second = dondoc(dir.path(), &tg);
    second.args(["run"]);
    let out = tokio::task::spawn_blocking(move || second.output().expect("run")).await.unwrap();
    kill(first);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Một dondoc khác đang chạy") && said.contains("pid "), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_made_on_the_command_line_expires_on_the_running_bots_clock() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    prepared(dir.path(), 0).await;
    let bot = run(dir.path(), &tg, "2022-03-07T08:00:00+07:00");
    until("the bot polling", Duration::from_secs(20), || !tg.requests_for("GetUpdates").is_empty()).await;
    let mut invite = dondoc(dir.path(), &tg);
    invite.args(["invite", "--role", "leader", "--expires", "1d"]);
    let out = tokio::task::spawn_blocking(move || invite.output().expect("run")).await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8_lossy(&out.stdout).to_string();
    let code =
        link.split("start=").nth(1).expect("a deep link").split_whitespace().next().unwrap().to_owned();
    // It works in the rehearsal, and was stored hashed, expiring a day after the bot's "now".
    let chu_tich = tg.user(9801, "Chủ tịch", "vi");
    tg.send_text(&chu_tich, &format!("/start {code}"));
    let welcome = tg.next_message_within(chu_tich.id, Duration::from_secs(20)).await.expect("welcome");
    assert!(welcome.text.starts_with("Chào Chủ tịch"), "{}", welcome.summary());
    kill(bot);
    let store = Store::open(support::db::location(dir.path())).await.unwrap();
    let listed = store.invites().await.unwrap();
    let expires = listed[0].expires_at;
    let wanted = local("2022-03-08T08:00");
    assert!(
        (expires - wanted).num_minutes().abs() <= 2,
        "expires {expires}, not a day after the bot's clock"
    );
    assert_eq!(
        store.count_rows("invite WHERE legacy_code IS NULL AND code_hash IS NOT NULL").await.unwrap(),
        1
    );
    let plain: i64 = store.count_rows(&format!("invite WHERE code_hash = '{code}'")).await.unwrap();
    assert_eq!(plain, 0, "the code itself is not stored");
    store.close().await;
}
