//! Two `dondoc run` replicas in webhook mode on one PostgreSQL, behind a loopback load balancer
//! that hands updates to each in turn. The one running the scheduler is killed (SIGKILL) in the
//! middle of a fan-out: every reminder still arrives (at most once more, as after a crash), the
//! other replica takes the scheduler over within a minute, and no update is handled twice, not
//! even one Telegram delivers to both replicas at once. Needs PostgreSQL
//! (`DONDOC_TEST_DATABASE_URL`, as `.ci/run` sets it); skipped on SQLite, where a second bot is
//! refused (tests/crash.rs).

mod support;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dondoc::store::Location;
use serde_json::json;
use support::app::ADMIN_ID;
use support::telegram::{FakeTelegram, TOKEN, TgUser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const FIRST: i64 = 400_000;
const FOCAL_POINTS: usize = 30;
/// What the log says when a replica starts running the scheduler and the postman.
const HOLDS: &str = "this replica runs the scheduler and the postman";

/// A database with the bundled plan and `n` focal points spread over the agencies; their
/// Telegram ids.
async fn prepared(url: &str, n: usize) -> Vec<i64> {
    let focal = support::db::spread(FIRST, n);
    support::db::with_focal_points(Location::Postgres(url.to_owned()), &focal).await;
    focal.iter().map(|f| f.0).collect()
}

struct Replica {
    child: Option<Child>,
    listen: SocketAddr,
    log: PathBuf,
}

impl Replica {
    /// A replica on a rehearsal clock from `start`, its webhook on `listen`, Telegram told to
    /// post to the balancer at `public`; a slow bulk (2/s) so that a fan-out is still going
    /// when its holder is killed, and the lock asked for every second.
    fn start(
        dir: &Path,
        url: &str,
        tg: &FakeTelegram,
        public: SocketAddr,
        name: &str,
        start: &str,
    ) -> Replica {
        let listen = free_port();
        let log = dir.join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_dondoc"))
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DONDOC_DATABASE", url)
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", tg.api_url().to_string())
            .env("DONDOC_WEBHOOK_URL", format!("http://{public}/telegram"))
            .env("DONDOC_WEBHOOK_LISTEN", listen.to_string())
            .env("DONDOC_HTTP_LISTEN", "off")
            .env("DONDOC_ADMINS", ADMIN_ID.to_string())
            .env("DONDOC_LANG", "vi")
            .env("DONDOC_BULK_PER_SECOND", "2")
            .env("DONDOC_FLOOD_PER_MINUTE", "100000")
            .env("DONDOC_TAKEOVER_SECS", "1")
            .env("DONDOC_RETRY_FIRST_MS", "50")
            .env("DONDOC_RETRY_MAX_MS", "500")
            .env("RUST_LOG", "warn,dondoc=info")
            .args(["run", "--clock-start", start])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("start dondoc");
        Replica { child: Some(child), listen, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn holds_scheduler(&self) -> bool {
        self.log().contains(HOLDS)
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// Posts one update as Telegram posts it to a webhook; the HTTP status, `None` when nothing
/// answered.
async fn post(to: SocketAddr, secret: &str, update: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(to).await.ok()?;
    let request = format!(
        "POST /telegram HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/json\r\n\
         X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{update}",
        update.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    String::from_utf8_lossy(&answer).split_whitespace().nth(1)?.parse().ok()
}

/// One HTTP request, read whole (its headers, then as many bytes as its Content-Length says).
async fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                return Some(buffer);
            }
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// The load balancer in front of the replicas: each request goes to the next replica in turn,
/// and a replica that does not answer is a 502 (Telegram then delivers the update again).
async fn balance(listener: TcpListener, replicas: Vec<SocketAddr>) {
    let turn = Arc::new(AtomicUsize::new(0));
    loop {
        let Ok((mut client, _)) = listener.accept().await else { return };
        let target = replicas[turn.fetch_add(1, Ordering::SeqCst) % replicas.len()];
        tokio::spawn(async move {
            let Some(request) = read_request(&mut client).await else { return };
            let answer = async {
                let mut upstream = TcpStream::connect(target).await.ok()?;
                upstream.write_all(&request).await.ok()?;
                let mut answer = Vec::new();
                upstream.read_to_end(&mut answer).await.ok()?;
                (!answer.is_empty()).then_some(answer)
            }
            .await
            .unwrap_or_else(|| {
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            });
            let _ = client.write_all(&answer).await;
            let _ = client.shutdown().await;
        });
    }
}

/// Telegram's side of the webhook: posts every update the users send to the balancer, one at a
/// time, again until it is answered 200. Counts the posts that were not.
async fn deliver(
    tg: Arc<FakeTelegram>,
    to: SocketAddr,
    secret: String,
    stop: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
) {
    let mut queue = VecDeque::new();
    while !stop.load(Ordering::SeqCst) {
        queue.extend(tg.take_updates());
        while let Some(update) = queue.front() {
            if post(to, &secret, &update.to_string()).await == Some(200) {
                queue.pop_front();
            } else {
                refused.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn until(what: &str, limit: Duration, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Per chat, how many messages the bot sent that are not reminders: answers to `/trogiup`.
fn answers(tg: &FakeTelegram, ids: &[i64]) -> HashMap<i64, usize> {
    ids.iter()
        .map(|id| (*id, tg.messages(*id).iter().filter(|m| !m.edited && !m.text.starts_with("⏰")).count()))
        .collect()
}

/// Per chat, how many reminders arrived.
fn reminders(tg: &FakeTelegram, ids: &[i64]) -> HashMap<i64, usize> {
    ids.iter()
        .map(|id| (*id, tg.messages(*id).iter().filter(|m| !m.edited && m.text.starts_with("⏰")).count()))
        .collect()
}

/// `/trogiup` from `user`, as Telegram posts it, with an update id of the test's own.
fn help_update(update_id: i64, user: &TgUser) -> String {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 1646618400,
            "chat": user.private_chat(),
            "from": user.json(),
            "text": "/trogiup",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}]
        }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_lose_their_scheduler_holder_and_miss_nothing() {
    let Some(server) =
        support::db::postgres_or_skip("two_replicas_lose_their_scheduler_holder_and_miss_nothing")
    else {
        return;
    };
    let url = support::db::fresh_postgres(&server);
    let ids = prepared(&url, FOCAL_POINTS).await;
    let tg = Arc::new(FakeTelegram::start().await);
    let users: Vec<TgUser> = ids.iter().map(|id| tg.user(*id, "Đầu mối", "vi")).collect();
    let dir = tempfile::tempdir().unwrap();
    let balancer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = balancer.local_addr().unwrap();
    // 08:00:05 on the day of the first Q1 reminder: the holder's catch-up tick finds 30 due.
    let start = "2022-03-07T08:00:05+07:00";
    let mut replicas = [
        Replica::start(dir.path(), &url, &tg, public, "a", start),
        Replica::start(dir.path(), &url, &tg, public, "b", start),
    ];
    let up = |r: &Replica| std::net::TcpStream::connect(r.listen).is_ok();
    until("both replicas serving their webhook", Duration::from_secs(60), || replicas.iter().all(up)).await;
    let secret =
        tg.requests_for("SetWebhook")[0].body["secret_token"].as_str().unwrap_or_default().to_owned();
    tokio::spawn(balance(balancer, replicas.iter().map(|r| r.listen).collect()));
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicUsize::new(0));
    tokio::spawn(deliver(tg.clone(), public, secret.clone(), stop.clone(), refused.clone()));

    // One replica runs the scheduler; the fan-out has begun. Meanwhile people ask for help
    // through the balancer, and Telegram delivers five updates to both replicas at once.
    until("a replica running the scheduler", Duration::from_secs(30), || {
        replicas.iter().any(Replica::holds_scheduler)
    })
    .await;
    let holder = replicas.iter().position(Replica::holds_scheduler).unwrap();
    assert!(!replicas[1 - holder].holds_scheduler(), "only one replica runs the scheduler");
    for user in &users[..10] {
        tg.send_text(user, "/trogiup");
    }
    for (i, user) in users[10..15].iter().enumerate() {
        let update = help_update(900_000 + i as i64, user);
        let (a, b) = tokio::join!(
            post(replicas[0].listen, &secret, &update),
            post(replicas[1].listen, &secret, &update)
        );
        assert_eq!((a, b), (Some(200), Some(200)));
    }
    let first: Vec<i64> = ids[..15].to_vec();
    until("answers to the first 15", Duration::from_secs(30), || {
        answers(&tg, &first).values().all(|n| *n >= 1)
    })
    .await;
    let sent = |tg: &FakeTelegram| reminders(tg, &ids).values().filter(|n| **n > 0).count();
    until("part of the fan-out", Duration::from_secs(60), || sent(&tg) >= 6).await;

    // The holder dies mid fan-out; the other takes over.
    replicas[holder].kill();
    let killed = Instant::now();
    assert!(sent(&tg) < ids.len(), "the kill came mid fan-out");
    let survivor = &replicas[1 - holder];
    until("the survivor taking the scheduler", Duration::from_secs(60), || survivor.holds_scheduler()).await;
    let takeover = killed.elapsed();
    assert!(takeover < Duration::from_secs(60), "taken over after {takeover:?}");

    // People keep asking through the balancer, half of whose turns now go to the dead replica.
    for user in &users[15..] {
        tg.send_text(user, "/trogiup");
    }
    until("every reminder", Duration::from_secs(90), || sent(&tg) == ids.len()).await;
    until("every answer", Duration::from_secs(30), || answers(&tg, &ids).values().all(|n| *n >= 1)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);

    let twice: Vec<_> = answers(&tg, &ids).into_iter().filter(|(_, n)| *n != 1).collect();
    assert!(twice.is_empty(), "updates handled other than once: {twice:?}");
    let counts = reminders(&tg, &ids);
    let too_many: Vec<_> = counts.iter().filter(|(_, n)| **n > 2).collect();
    assert!(too_many.is_empty(), "more than one duplicate per crash: {too_many:?}");
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    assert!(refused.load(Ordering::SeqCst) > 0, "the balancer sent some updates to the dead replica");
    eprintln!(
        "takeover after {takeover:?}; {} reminders, {duplicates} duplicates; {} deliveries to the dead replica refused",
        counts.len(),
        refused.load(Ordering::SeqCst)
    );
    replicas[1 - holder].kill();
}
