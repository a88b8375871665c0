//! Backup and restore as an operator does them, on the real binary: `dondoc backup` while the
//! bot runs and people report through it, `dondoc restore` into a fresh place, and the restored
//! database answers the same `plan show --json` and the same workbook as the original.

mod support;

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::ItemKey;
use dondoc::domain::{AgencyCode, PeriodKey};
use dondoc::store::{Invite, Newcomer, Store};
use support::app::{local, text};
use support::process::Running;
use support::telegram::{FakeTelegram, SentMessage, TOKEN, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
const FIRST: i64 = 610_000;

fn dondoc(database: &Path, tg: Option<&FakeTelegram>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    c.current_dir(database.parent().unwrap())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DONDOC_DATABASE", database)
        .env("DONDOC_LANG", "vi")
        .env("DONDOC_HTTP_LISTEN", "off")
        .env("RUST_LOG", "warn");
    if let Some(tg) = tg {
        c.env("TELOXIDE_TOKEN", TOKEN).env("TELOXIDE_API_URL", tg.api_url().to_string());
    }
    c
}

async fn output(database: &Path, args: &[&str]) -> Output {
    let mut c = dondoc(database, None);
    c.args(args);
    tokio::task::spawn_blocking(move || c.output().expect("run dondoc")).await.unwrap()
}

fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The bot on a rehearsal clock in the first quarter's reporting window.
fn run(database: &Path, tg: &FakeTelegram) -> Running {
    let mut c = dondoc(database, Some(tg));
    c.args(["run", "--clock-start", "2022-03-09T10:00:00+07:00"]).stdout(Stdio::null()).stderr(Stdio::null());
    Running::spawn(&mut c)
}

fn stop(mut child: Running) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
}

/// The agencies with the most metrics, each with its metric codes.
fn reporting_agencies(n: usize) -> Vec<(String, Vec<String>)> {
    let plan = dondoc::bundled::plan().unwrap();
    let mut by_agency: HashMap<String, Vec<String>> = HashMap::new();
    for m in plan.indicators.iter().flat_map(|i| &i.metrics) {
        by_agency.entry(m.agency.as_str().to_owned()).or_default().push(m.code.clone());
    }
    let mut all: Vec<_> = by_agency.into_iter().collect();
    all.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    all.truncate(n);
    all
}

/// A database with the bundled plan and one focal point of each agency; their users.
async fn prepared(database: &Path, tg: &FakeTelegram, agencies: &[(String, Vec<String>)]) -> Vec<TgUser> {
    let store = Store::open(database).await.unwrap();
    let now = local("2022-03-01T09:00");
    store.import_plan(&dondoc::bundled::plan().unwrap(), now).await.unwrap();
    let mut users = Vec::new();
    for (i, (agency, _)) in agencies.iter().enumerate() {
        let invite = Invite {
            code: format!("BACKUP{i:016}"),
            role: Role::Focal,
            agency: AgencyCode::parse(agency),
            expires_at: now + chrono::Duration::days(30),
        };
        store.create_invite(&invite, None, now).await.unwrap();
        let id = FIRST + i as i64;
        let name = format!("Đầu mối {agency}");
        let who =
            Newcomer { telegram_id: id, chat_id: id, name: name.clone(), username: None, language: Lang::Vi };
        store.redeem_invite(&invite.code, &who, now).await.unwrap().unwrap();
        users.push(tg.user(id, &name, "vi"));
    }
    store.close().await;
    users
}

/// The person's next screen (reminders the catch-up tick sends meanwhile are skipped).
async fn next(tg: &FakeTelegram, user: &TgUser) -> SentMessage {
    tg.wait_for(user.id, |m| !m.text.starts_with('⏰')).await
}

async fn say(tg: &FakeTelegram, user: &TgUser, words: &str) -> SentMessage {
    tg.send_text(user, words);
    next(tg, user).await
}

async fn tap(tg: &FakeTelegram, user: &TgUser, msg: &SentMessage, button: &str) -> SentMessage {
    tg.press(user, msg.message_id, &msg.data(button));
    next(tg, user).await
}

/// `/baocao`, then the first quarter's report: its menu.
async fn open_q1(tg: &FakeTelegram, user: &TgUser) -> SentMessage {
    let first = say(tg, user, "/baocao").await;
    // The most urgent report opens; the quarter's is it, or one tap away on its screen.
    if first.text.contains("quý I/2022") { first } else { tap(tg, user, &first, "quý I/2022").await }
}

fn has(msg: &SentMessage, button: &str) -> bool {
    msg.all_buttons().iter().any(|b| b.text.contains(button))
}

/// The page of the report's menu that shows the item `code`.
async fn page_with(tg: &FakeTelegram, user: &TgUser, mut menu: SentMessage, code: &str) -> SentMessage {
    let previous = text(Lang::Vi, "button-previous", &[]);
    let next_page = text(Lang::Vi, "button-next", &[]);
    while has(&menu, &previous) {
        menu = tap(tg, user, &menu, &previous).await;
    }
    while !has(&menu, &format!(" {code} ")) {
        assert!(has(&menu, &next_page), "no item {code} on any page: {}", menu.summary());
        menu = tap(tg, user, &menu, &next_page).await;
    }
    menu
}

/// Types `value` for a metric from the report's menu; back at the menu.
async fn report_metric(
    tg: &FakeTelegram,
    user: &TgUser,
    menu: SentMessage,
    code: &str,
    value: &str,
) -> SentMessage {
    let menu = page_with(tg, user, menu, code).await;
    let screen = tap(tg, user, &menu, &format!(" {code} ")).await;
    assert!(screen.text.contains(&format!("Chỉ số {code}")), "{}", screen.summary());
    let mut saved = say(tg, user, value).await;
    // A value far from the target is confirmed first.
    if saved.all_buttons().iter().any(|b| b.text.contains("Đúng, lưu")) {
        saved = tap(tg, user, &saved, "Đúng, lưu").await;
    }
    // Echoed in one line above the next item (or the report's list when none is left).
    assert!(saved.text.contains(&format!("✅ Đã lưu {code}:")), "{}", saved.summary());
    let back = text(Lang::Vi, "button-back", &[]);
    if has(&saved, &back) { tap(tg, user, &saved, &back).await } else { saved }
}

/// Every sheet's cells as text; the "made at" cell, which says when the file was written, left
/// out.
fn workbook_cells(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let bytes = std::fs::read(path).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let made_at = text(Lang::Vi, "export-generated-label", &[]);
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|row| {
                    row.iter()
                        .map(|c| c.to_string())
                        .map(|c| if c.contains(&made_at) { "<made at>".to_owned() } else { c })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// What a database answers: `plan show --json` and the first quarter's workbook.
async fn answers(database: &Path) -> (String, Vec<(String, Vec<Vec<String>>)>) {
    let shown = output(database, &["plan", "show", "--json"]).await;
    assert!(shown.status.success(), "{}", said(&shown));
    let xlsx = database.with_extension("q1.xlsx");
    let out = output(database, &["export", "--period", "2022-Q1", "--out", xlsx.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    (String::from_utf8(shown.stdout).unwrap(), workbook_cells(&xlsx))
}

/// Each report's draft and handed-in items: (agency, item) → value.
async fn items(database: &Path, agencies: &[(String, Vec<String>)]) -> HashMap<(String, String), String> {
    let store = Store::open(database).await.unwrap();
    let mut all = HashMap::new();
    for (agency, _) in agencies {
        let code = AgencyCode::parse(agency).unwrap();
        let Some(report) = store.find_report("09/KH-UBND", "bao-cao-quy", Q1, &code).await.unwrap() else {
            continue;
        };
        for item in store.items(report.id).await.unwrap() {
            if let (ItemKey::Metric(m), Some(v)) = (&item.key, item.value) {
                all.insert((agency.clone(), m.clone()), v.to_string());
            }
        }
    }
    store.close().await;
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_people_report_restores_to_the_same_plan_and_workbook() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("dondoc.db");
    let agencies = reporting_agencies(6);
    let users = prepared(&database, &tg, &agencies).await;
    let bot = run(&database, &tg);

    // Three agencies hand in their first quarter: that is what the workbook shows.
    for (user, (_, codes)) in users.iter().zip(&agencies).take(3) {
        let mut menu = open_q1(&tg, user).await;
        for (i, code) in codes.iter().take(3).enumerate() {
            menu = report_metric(&tg, user, menu, code, &format!("{}", 40 + i)).await;
        }
        let review = tap(&tg, user, &menu, "Xem lại và gửi").await;
        let done = tap(&tg, user, &review, "Gửi báo cáo").await;
        assert!(done.text.starts_with('✅'), "{}", done.summary());
    }

    // Three more keep typing values into their drafts, without pause, while the backup is taken.
    let typing = Arc::new(AtomicBool::new(true));
    let typed = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for (user, (_, codes)) in users.iter().zip(&agencies).skip(3) {
        let (tg, user, codes) = (tg.clone(), user.clone(), codes.clone());
        let (typing, typed) = (typing.clone(), typed.clone());
        writers.push(tokio::spawn(async move {
            let mut menu = open_q1(&tg, &user).await;
            let mut round = 0;
            while typing.load(Ordering::SeqCst) {
                let code = &codes[round % codes.len()];
                menu = report_metric(&tg, &user, menu, code, &format!("{}", 10 + round % 50)).await;
                typed.fetch_add(1, Ordering::SeqCst);
                round += 1;
            }
        }));
    }
    while typed.load(Ordering::SeqCst) < 6 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let during = dir.path().join("during.db");
    let before = typed.load(Ordering::SeqCst);
    let out = output(&database, &["backup", during.to_str().unwrap()]).await;
    let after = typed.load(Ordering::SeqCst);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("Đã sao lưu"), "{}", said(&out));
    tokio::time::sleep(Duration::from_millis(300)).await;
    typing.store(false, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    eprintln!("{before} values typed before the backup began, {after} when it ended");

    // Once the typing is over, a second backup, the bot still running; a name in use is refused.
    let quiet = dir.path().join("quiet.db");
    assert!(output(&database, &["backup", quiet.to_str().unwrap()]).await.status.success());
    let again = output(&database, &["backup", quiet.to_str().unwrap()]).await;
    assert_eq!(again.status.code(), Some(1), "{}", said(&again));
    assert!(said(&again).contains("--force"), "{}", said(&again));
    assert!(output(&database, &["backup", quiet.to_str().unwrap(), "--force"]).await.status.success());
    stop(bot);

    let original = answers(&database).await;
    let original_items = items(&database, &agencies).await;
    // The workbook shows what the first three handed in (so that equal workbooks mean something).
    let cells = original.1.iter().flat_map(|(_, rows)| rows.iter().flatten());
    assert!(cells.filter(|c| *c == "40").count() >= 3, "{:?}", original.1[0]);
    for (name, backup) in [("during", &during), ("quiet", &quiet)] {
        let place = tempfile::tempdir().unwrap();
        let restored = place.path().join("dondoc.db");
        let out = output(&restored, &["restore", backup.to_str().unwrap()]).await;
        assert!(out.status.success(), "{name}: {}", said(&out));
        let answered = answers(&restored).await;
        assert_eq!(answered.0, original.0, "{name}: plan show --json differs");
        assert_eq!(answered.1, original.1, "{name}: the workbook differs");
        // The drafts are those of one instant: only items that were typed, some of them.
        let drafts = items(&restored, &agencies).await;
        for (key, value) in &drafts {
            assert!(original_items.contains_key(key), "{name}: {key:?} = {value} was never typed");
        }
        if name == "quiet" {
            assert_eq!(drafts, original_items, "the quiet backup holds every draft");
        } else {
            let draft_count =
                drafts.keys().filter(|(a, _)| agencies[3..].iter().any(|(x, _)| x == a)).count();
            assert!(draft_count > 0, "the backup began after values were typed: {drafts:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_running_bot_and_a_bad_file_and_keeps_the_database_it_replaces() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("dondoc.db");
    let agencies = reporting_agencies(1);
    let users = prepared(&database, &tg, &agencies).await;
    let bot = run(&database, &tg);
    let menu = open_q1(&tg, &users[0]).await;
    let code = agencies[0].1[0].clone();
    let menu = report_metric(&tg, &users[0], menu, &code, "12,5").await;
    let backup = dir.path().join("backup.db");
    // The copy is no more readable than the database.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(output(&database, &["backup", backup.to_str().unwrap()]).await.status.success());
    assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
    let _ = report_metric(&tg, &users[0], menu, &code, "99").await;

    // While the bot runs, nothing is replaced.
    let refused = output(&database, &["restore", backup.to_str().unwrap()]).await;
    assert_eq!(refused.status.code(), Some(1), "{}", said(&refused));
    assert!(said(&refused).contains("pid "), "{}", said(&refused));
    // The bot crashes: its last writes may be in the write-ahead log only.
    let mut crashed = bot;
    crashed.kill().unwrap();
    crashed.wait().unwrap();
    let key = (agencies[0].0.clone(), code.clone());

    // A file that is not a dondoc database changes nothing.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "không phải cơ sở dữ liệu".repeat(100)).unwrap();
    let bad = output(&database, &["restore", junk.to_str().unwrap()]).await;
    assert_eq!(bad.status.code(), Some(1), "{}", said(&bad));
    assert!(said(&bad).contains("chưa có gì thay đổi"), "{}", said(&bad));
    assert!(!dir.path().join("dondoc.db.restoring").exists());

    // The restore puts the backup's value back and keeps the database it replaced.
    let out = output(&database, &["restore", backup.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(items(&database, &agencies).await.get(&key).map(String::as_str), Some("12.5"));
    // What it replaced is kept whole, the crash's last write included.
    let kept: PathBuf = dir.path().join("dondoc.db.before-restore");
    assert!(!dir.path().join("dondoc.db.before-restore-wal").exists());
    assert_eq!(items(&kept, &agencies).await.get(&key).map(String::as_str), Some("99"));
    // A second restore would overwrite the kept one: not without --force.
    let twice = output(&database, &["restore", backup.to_str().unwrap()]).await;
    assert_eq!(twice.status.code(), Some(1), "{}", said(&twice));
    assert!(said(&twice).contains("before-restore"), "{}", said(&twice));
    let forced = output(&database, &["restore", backup.to_str().unwrap(), "--force"]).await;
    assert!(forced.status.success(), "{}", said(&forced));

    // The bot starts on the restored database.
    let bot = run(&database, &tg);
    let menu = open_q1(&tg, &users[0]).await;
    let menu = page_with(&tg, &users[0], menu, &code).await;
    let item = tap(&tg, &users[0], &menu, &format!(" {code} ")).await;
    assert!(item.text.contains("12,5"), "the restored value: {}", item.summary());
    stop(bot);
}
