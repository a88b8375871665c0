//! Reply latency under load: N focal points go through full reports at once against the fake
//! Telegram; prints p50/p95/p99 from an update being handed to the bot to its reply arriving,
//! and replies per second.
//!
//! cargo bench --bench replies -- [--users 500] [--think-ms 1000] [--items 6]

#[path = "../tests/support/mod.rs"]
mod support;

use support::bench::arg;

use std::sync::Arc;
use std::time::{Duration, Instant};

use dondoc::domain::people::{Lang, Role};
use dondoc::store::Newcomer;
use support::app::TestApp;
use support::telegram::{SentMessage, TgUser};
use tokio::sync::Mutex;

struct Run {
    latencies: Mutex<Vec<Duration>>,
    errors: Mutex<Vec<String>>,
}

/// One step: a tap or a text, then the reply, timed from the update being handed to the bot
/// (its `getUpdates` answer) to the reply reaching the API.
async fn step(t: &TestApp, run: &Run, user: &TgUser, action: impl FnOnce() -> i64) -> Option<SentMessage> {
    let update = action();
    match t.tg.next_message_within(user.id, Duration::from_secs(10)).await {
        Some(reply) => {
            let delivered = t.tg.delivered_at(update).unwrap_or(reply.at);
            run.latencies.lock().await.push(reply.at.saturating_duration_since(delivered));
            Some(reply)
        }
        None => {
            run.errors.lock().await.push(format!("user {} got no reply", user.id));
            None
        }
    }
}

async fn one_person(t: Arc<TestApp>, run: Arc<Run>, user: TgUser, think: Duration, items: usize) {
    // People pause at random between taps (uniform 0.5–1.5 × the think time), as people do:
    // not in lockstep.
    let rng = std::sync::atomic::AtomicU64::new((user.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let pause = || {
        let mut x = rng.load(std::sync::atomic::Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rng.store(x, std::sync::atomic::Ordering::Relaxed);
        let ms = think.as_millis() as u64;
        tokio::time::sleep(Duration::from_millis(ms / 2 + x % ms.max(1)))
    };
    // Not everyone starts at the same instant either.
    pause().await;
    // /baocao opens the quarter's report directly.
    let Some(mut menu) = step(&t, &run, &user, || t.tg.send_text(&user, "/baocao")).await else { return };
    // Tasks are what every agency has: open one, mark it done, back to the list.
    for i in 0..items {
        pause().await;
        let tasks: Vec<_> = menu
            .all_buttons()
            .into_iter()
            .filter(|b| b.data.as_deref().is_some_and(|d| d.starts_with("i:") && d.contains(":t")))
            .cloned()
            .collect();
        let Some(item) = tasks.get(i % tasks.len().max(1)).cloned() else { break };
        let Some(screen) =
            step(&t, &run, &user, || t.tg.press(&user, menu.message_id, item.data.as_deref().unwrap()).0)
                .await
        else {
            return;
        };
        pause().await;
        let Some(next) =
            step(&t, &run, &user, || t.tg.press(&user, screen.message_id, &screen.data("Hoàn thành")).0)
                .await
        else {
            return;
        };
        // The next item follows "done" on the same screen; back to the list (the screen is the
        // list when every item is filled).
        if !next.all_buttons().iter().any(|b| b.text.contains("« Danh sách")) {
            menu = next;
            continue;
        }
        pause().await;
        let Some(m) =
            step(&t, &run, &user, || t.tg.press(&user, next.message_id, &next.data("« Danh sách")).0).await
        else {
            return;
        };
        menu = m;
    }
    // Several focal points share each agency's report: they review it, and do not send it, so
    // that nobody's taps land on a report another has just locked.
    pause().await;
    step(&t, &run, &user, || t.tg.press(&user, menu.message_id, &menu.data("Xem lại")).0).await;
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let users = arg("--users", 500) as usize;
    let think = Duration::from_millis(arg("--think-ms", 1000));
    let items = arg("--items", 6) as usize;
    let t = Arc::new(TestApp::spawn_at("2022-03-07T09:00").await);
    let plan = dondoc::bundled::plan().expect("plan");
    // People join through the store (joining is not what is measured).
    let mut people = Vec::new();
    for i in 0..users {
        let agency = &plan.agencies[i % plan.agencies.len()];
        let code = t.invite(Role::Focal, Some(agency.code.as_str())).await;
        let user = t.tg.user(100_000 + i as i64, &format!("Đầu mối {i}"), "vi");
        let who = Newcomer {
            telegram_id: user.id,
            chat_id: user.id,
            name: user.first_name.clone(),
            username: None,
            language: Lang::Vi,
        };
        t.store().redeem_invite(&code, &who, t.clock_now()).await.unwrap().unwrap();
        people.push(user);
    }
    let run = Arc::new(Run { latencies: Mutex::new(Vec::new()), errors: Mutex::new(Vec::new()) });
    let started = Instant::now();
    let tasks: Vec<_> = people
        .into_iter()
        .map(|u| tokio::spawn(one_person(t.clone(), run.clone(), u, think, items)))
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed();
    let mut latencies = run.latencies.lock().await.clone();
    latencies.sort();
    let errors = run.errors.lock().await.len();
    println!(
        "replies benchmark: {users} focal points, think time ~{} ms, {items} items each",
        think.as_millis()
    );
    println!("  replies: {}  errors: {errors}  elapsed: {:.1} s", latencies.len(), elapsed.as_secs_f64());
    println!("  replies/s: {:.1}", latencies.len() as f64 / elapsed.as_secs_f64());
    println!(
        "  latency p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!("  target: p99 <= 25 ms with 500 focal points, no errors");
}
