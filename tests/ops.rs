//! What an operator reads of the running bot: `/healthz` and `/metrics` on the real binary, its
//! JSON log lines, and the listeners that tell the health check when Telegram last answered.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dondoc::metrics::Metrics;
use dondoc::ops::listen::{Polling, watch_webhook};
use futures_util::StreamExt;
use serde_json::Value;
use support::process::Running;
use support::telegram::{Failure, FakeTelegram, TOKEN};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET path` on the operator's endpoint: the status and the body.
async fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect to the endpoint");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// The value of an unlabelled sample in a Prometheus text answer.
fn sample(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no sample {name} in:\n{metrics}"))
}

/// A database with the bundled plan and one focal point of the health department; their id.
async fn prepared(dir: &Path, telegram_id: i64) -> i64 {
    let lan = (telegram_id, "Lan".to_owned(), "SYT".to_owned());
    support::db::with_focal_points(support::db::location(dir), &[lan]).await[0]
}

async fn until(what: &str, limit: Duration, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_bot_answers_health_and_metrics_and_logs_json_lines_naming_the_update() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let person = prepared(dir.path(), 9711).await;
    let mut c = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    c.current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DONDOC_DATABASE", support::db::env_value(dir.path()))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", tg.api_url().to_string())
        .env("DONDOC_LANG", "vi")
        // Any free port; the bot says which in its log.
        .env("DONDOC_HTTP_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .args(["run", "--clock-start", "2022-03-09T10:00:00+07:00", "--log-format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = Running::spawn(&mut c);
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let lines = || -> Vec<Value> {
        log.lock()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
            .collect()
    };
    let announced = |lines: &[Value]| {
        lines.iter().find_map(|l| {
            let said = l["message"].as_str()?;
            said.contains("/healthz").then(|| l["address"].as_str().map(str::to_owned)).flatten()
        })
    };
    until("the endpoint's address in the log", Duration::from_secs(20), || announced(&lines()).is_some())
        .await;
    let address = announced(&lines()).unwrap();

    // Healthy from the start: the database answers and Telegram answered getMe.
    assert_eq!(get(&address, "/healthz").await, (200, "ok\n".to_owned()));

    // A person writes; a second delivery of the same update is ignored, and says so in the log.
    let lan = tg.user(9711, "Lan", "vi");
    let update = tg.send_text(&lan, "/trogiup");
    tg.next_message_within(lan.id, Duration::from_secs(10)).await.expect("help");
    tg.redeliver(update);
    let ignored = |lines: &[Value]| {
        lines
            .iter()
            .find(|l| l["message"].as_str().is_some_and(|m| m.contains("duplicate delivery")))
            .cloned()
    };
    until("the duplicate logged", Duration::from_secs(10), || ignored(&lines()).is_some()).await;
    let line = ignored(&lines()).unwrap();
    let span = &line["span"];
    assert_eq!(span["name"], "update", "{line}");
    assert_eq!(span["update_id"].as_i64(), Some(update), "{line}");
    assert_eq!((span["chat"].as_i64(), span["user"].as_i64()), (Some(lan.id), Some(lan.id)), "{line}");
    assert_eq!(span["person"].as_i64(), Some(person), "{line}");

    let (status, metrics) = get(&address, "/metrics").await;
    assert_eq!(status, 200);
    assert!(sample(&metrics, "dondoc_updates_handled_total") >= 2.0, "{metrics}");
    assert!(sample(&metrics, "dondoc_update_handling_seconds_count") >= 2.0, "{metrics}");
    assert!(sample(&metrics, "dondoc_replies_sent_total") >= 1.0, "{metrics}");
    assert!(sample(&metrics, "dondoc_telegram_contact_age_seconds") < 15.0, "{metrics}");
    assert!(sample(&metrics, "dondoc_uptime_seconds") > 0.0, "{metrics}");
    // The catch-up tick at start queues the week's reminder (on PostgreSQL it may come after
    // the exchange above): the outbox is read from the store.
    assert!(sample(&metrics, "dondoc_outbox_queue_depth") >= 0.0, "{metrics}");
    let reminder = |m: &str| {
        m.contains("dondoc_bulk_messages_total{kind=\"reminder\"")
            || m.contains("dondoc_outbox_messages{kind=\"reminder\"")
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut metrics = metrics;
    while !reminder(&metrics) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        metrics = get(&address, "/metrics").await.1;
    }
    assert!(reminder(&metrics), "{metrics}");
    assert_eq!(get(&address, "/nothing").await.0, 404);

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    assert!(exit.success(), "{exit:?}");
    // Every line is one JSON object, marked with the rehearsal clock, and never holds the token.
    let all = lines();
    assert!(all.len() >= 3, "{all:#?}");
    for line in &all {
        let marker = line["marker"].as_str().unwrap_or_default();
        assert!(marker.starts_with("[rehearsal clock 2022-03-09T03:"), "{line}");
        assert!(!line.to_string().contains(&TOKEN[11..]), "the token leaked: {line}");
    }
}

#[tokio::test]
async fn long_polling_notes_every_answer_of_telegram_even_an_empty_one() {
    let tg = FakeTelegram::start().await;
    let metrics = Arc::new(Metrics::default());
    let mut polling = Polling::start(tg.bot(), Duration::from_secs(1), metrics.clone()).await;
    let stop = polling.stop_token();
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut stream = polling.as_stream();
        while let Some(item) = stream.next().await {
            let _ = sender.send(item.map(|u| u.id.0).map_err(|e| e.to_string()));
        }
    });
    // Nobody writes: Telegram answers each poll empty after 1 s, and each answer is a contact,
    // though the stream yields nothing.
    until("a first answer", Duration::from_secs(5), || metrics.last_contact().0.is_some()).await;
    let first = metrics.last_contact().0.unwrap();
    until("a later answer", Duration::from_secs(5), || metrics.last_contact().0 > Some(first)).await;
    assert!(received.try_recv().is_err(), "an empty answer yields no update");

    let lan = tg.user(9712, "Lan", "vi");
    let ids: Vec<i64> = (0..3).map(|i| tg.send_text(&lan, &format!("tin {i}"))).collect();
    for id in &ids {
        let got = tokio::time::timeout(Duration::from_secs(5), received.recv()).await.unwrap().unwrap();
        assert_eq!(got, Ok(*id as u32));
    }

    // Telegram fails once: the failure is reported and kept as the reason, until an answer.
    tg.fail_next("GetUpdates", None, Failure::ServerError, 1);
    let failed = tokio::time::timeout(Duration::from_secs(5), received.recv()).await.unwrap().unwrap();
    assert!(failed.is_err(), "{failed:?}");
    let why = metrics.last_contact().1.expect("the failure is kept");
    assert!(why.contains("Internal Server Error"), "{why}");
    until("an answer after the backoff", Duration::from_secs(5), || metrics.last_contact().1.is_none()).await;

    // Stopping confirms what was handed out: a restart would not get it again.
    stop.stop();
    tokio::time::timeout(Duration::from_secs(5), task).await.unwrap().unwrap();
    let last = tg.requests_for("GetUpdates").pop().unwrap();
    assert_eq!(last.body["offset"].as_i64(), Some(ids[2] + 1), "{:?}", last.body);
    assert_eq!(last.body["timeout"].as_i64(), Some(0), "{:?}", last.body);
    assert_eq!(tg.pending_updates(), 0);
}

#[tokio::test]
async fn a_webhook_counts_as_alive_while_telegram_holds_nothing_back() {
    let tg = FakeTelegram::start().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(Metrics::default());
    tokio::spawn(watch_webhook(tg.bot(), metrics.clone(), stopped.clone()));
    until("the first check", Duration::from_secs(5), || metrics.last_contact().0.is_some()).await;

    // Telegram holds an update it could not deliver: no contact, and the reason why.
    tg.push_update(
        serde_json::json!({"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}),
    );
    let held = Arc::new(Metrics::default());
    tokio::spawn(watch_webhook(tg.bot(), held.clone(), stopped));
    until("the check", Duration::from_secs(5), || held.last_contact().1.is_some()).await;
    let (at, why) = held.last_contact();
    assert_eq!(at, None);
    assert!(why.unwrap().contains("Telegram holds 1 updates"));
    let _ = stop.send(true);
}
