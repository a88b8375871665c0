//! The operators' reminder commands and the rehearsal clock, run as the real binary against the
//! fake Telegram.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::process::Running;
use support::telegram::{FakeTelegram, TOKEN};

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
        .env("DONDOC_LANG", "vi");
    c
}

async fn output(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("run dondoc")).await.unwrap()
}

/// A database with the bundled plan and one focal point of the health department.
async fn prepared(dir: &Path, telegram_id: i64) {
    let lan = (telegram_id, "Lan".to_owned(), "SYT".to_owned());
    support::db::with_focal_points(support::db::location(dir), &[lan]).await;
}

#[tokio::test]
async fn preview_sends_nothing_and_run_sends_each_reminder_once() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    prepared(dir.path(), 9901).await;

    let mut preview = dondoc(dir.path(), &tg);
    preview.args(["reminders", "preview", "--at", "2022-03-07T08:00"]);
    let out = output(preview).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("bao-cao-quy 2022-Q1 SYT before-7 → Lan (SYT)"), "{stdout}");
    assert_eq!(tg.stats().sends, 0, "a preview sends nothing");

    let mut run = dondoc(dir.path(), &tg);
    run.args(["reminders", "run", "--at", "2022-03-07T08:00"]);
    let out = output(run).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Đã gửi 1,"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let reminder = tg.next_message(9901).await;
    assert!(reminder.text.starts_with("⏰"), "{}", reminder.summary());

    let mut again = dondoc(dir.path(), &tg);
    again.args(["reminders", "run", "--at", "2022-03-07T09:30"]);
    let out = output(again).await;
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Đã gửi 0,"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    tg.expect_silence(9901, Duration::from_millis(200)).await;
}

#[tokio::test]
async fn a_rehearsal_clock_marks_every_log_line_and_the_bot_stops_on_sigterm() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    prepared(dir.path(), 9902).await;
    let mut c = dondoc(dir.path(), &tg);
    c.args(["run", "--clock-start", "2022-03-07T08:00:00+07:00"])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped());
    let mut child = Running::spawn(&mut c);
    let stderr = child.stderr.take().unwrap();
    // Read every line for as long as the bot runs (a closed pipe would stop its logging).
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    for _ in 0..200 {
        if log.lock().unwrap().iter().any(|l| l.contains("dondoc is running")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let lines = log.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l.contains("dondoc is running")), "{lines:#?}");
    for line in &lines {
        assert!(line.starts_with("[rehearsal clock 2022-03-07T01:0"), "unmarked line: {line}");
        assert!(!line.contains(&TOKEN[11..]), "the token leaked: {line}");
    }
    // The rehearsal clock answers as of 07/03/2022: the report of Q1 is open.
    // (At start the bot catches up on what is due: the 7-days reminder comes first.)
    let reminder = tg.next_message_within(9902, Duration::from_secs(10)).await;
    assert!(reminder.is_some_and(|m| m.text.starts_with('⏰')), "the catch-up tick at start");
    tg.send_text(&tg.user(9902, "Lan", "vi"), "/baocao");
    let open = match tg.next_message_within(9902, Duration::from_secs(10)).await {
        Some(m) => m,
        None => panic!("no answer; the bot logged: {:#?}", log.lock().unwrap()),
    };
    let quarter = open.text.starts_with("📋 Báo cáo tiến độ hàng quý, quý I/2022");
    if !quarter {
        let _ = child.kill();
    }
    assert!(quarter, "/baocao opens the quarter: {}", open.summary());
    // SIGTERM: a graceful stop.
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    assert!(exit.success(), "{exit:?}");
}
