//! A fan-out of reminders while people report: 1,000 agencies' focal points are due at 08:00
//! while 50 others report at human pace (1–2 s between taps), against the fake Bot API with
//! Telegram's limits on (30 sends per rolling second in all, one per second per chat, 429
//! beyond). First the reporters alone (the baseline), then the fan-out among them. Prints, from
//! one run: 429 answers, reminders delivered exactly once, the reporters' p99 during the
//! fan-out over their p99 alone, and the fan-out's rate over what the replies leave of 30/s;
//! then where the fan-out's time went (the first reminder, the steady pace, the tail, and the
//! gaps between reminders).
//!
//! cargo bench --bench fanout -- [--agencies 1000] [--reporters 50] [--think-ms 1500] [--baseline-s 15]
//! [--reply-reserve 3] (the setting `reply_reserve`: the slots the bulk leaves for replies)

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dondoc::clock::ManualClock;
use dondoc::domain::people::{Lang, Role};
use dondoc::startup::Application;
use dondoc::store::{Invite, Newcomer, Store};
use support::app::{TestApp, local};
use support::bench::{arg, ms, percentile, synthetic_plan};
use support::telegram::{FakeOptions, FakeTelegram, SentMessage, TgUser};
use tokio::sync::Mutex;

const REMINDED: i64 = 200_000;
const REPORTERS: i64 = 400_000;

/// A reply's latency, stamped with when the action was taken.
struct Sample {
    at: Instant,
    latency: Duration,
}

struct Run {
    samples: Mutex<Vec<Sample>>,
    stop: std::sync::atomic::AtomicBool,
    errors: std::sync::atomic::AtomicUsize,
}

/// One action and the bot's answer, timed from the update's delivery to the answer.
async fn step(
    tg: &FakeTelegram,
    run: &Run,
    user: &TgUser,
    action: impl FnOnce() -> i64,
) -> Option<SentMessage> {
    let started = Instant::now();
    let update = action();
    // A reporter is also reminded: the reminder is not the answer.
    let answer = async {
        loop {
            match tg.next_message_within(user.id, Duration::from_secs(15)).await {
                Some(m) if m.text.starts_with('⏰') => continue,
                other => return other,
            }
        }
    };
    match answer.await {
        Some(reply) => {
            let delivered = tg.delivered_at(update).unwrap_or(reply.at);
            let latency = reply.at.saturating_duration_since(delivered);
            run.samples.lock().await.push(Sample { at: started, latency });
            Some(reply)
        }
        None => {
            run.errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            None
        }
    }
}

/// A focal point reporting at human pace until told to stop: open the report, a task, "done",
/// back to the list, and again.
async fn reporter(tg: FakeTelegram, run: Arc<Run>, user: TgUser, think: Duration) {
    let mut rng = (user.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut pause = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let ms = think.as_millis() as u64;
        tokio::time::sleep(Duration::from_millis(ms * 2 / 3 + rng % (ms * 2 / 3).max(1)))
    };
    pause().await;
    while !run.stop.load(std::sync::atomic::Ordering::Relaxed) {
        let Some(menu) = step(&tg, &run, &user, || tg.send_text(&user, "/baocao")).await else { continue };
        pause().await;
        let Some(task) = menu
            .all_buttons()
            .into_iter()
            .find(|b| b.data.as_deref().is_some_and(|d| d.starts_with("i:")))
            .cloned()
        else {
            continue;
        };
        let Some(status) =
            step(&tg, &run, &user, || tg.press(&user, menu.message_id, task.data.as_deref().unwrap()).0)
                .await
        else {
            continue;
        };
        pause().await;
        let Some(note) =
            step(&tg, &run, &user, || tg.press(&user, status.message_id, &status.data("Hoàn thành")).0).await
        else {
            continue;
        };
        pause().await;
        // The next item follows "done" on the same screen; the list is a tap away (the screen is
        // the list when every item is filled).
        if note.all_buttons().iter().any(|b| b.text.contains("« Danh sách")) {
            step(&tg, &run, &user, || tg.press(&user, note.message_id, &note.data("« Danh sách")).0).await;
        }
        pause().await;
    }
}

fn p99_between(samples: &[Sample], from: Instant, to: Instant) -> (Duration, usize) {
    let mut v: Vec<Duration> =
        samples.iter().filter(|s| s.at >= from && s.at < to).map(|s| s.latency).collect();
    v.sort();
    (percentile(&v, 0.99), v.len())
}

#[tokio::main]
async fn main() {
    let n = arg("--agencies", 1000) as usize;
    let reporters = arg("--reporters", 50) as usize;
    let think = Duration::from_millis(arg("--think-ms", 1500));
    let baseline = Duration::from_secs(arg("--baseline-s", 15));
    let tg = FakeTelegram::start_with(FakeOptions { enforce_limits: true, ..Default::default() }).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let now = local("2022-03-07T08:00");
    // Agencies A0000.. each have a focal point due a reminder; the reporters are second focal
    // points of the first agencies (their reminders count too).
    let plan = synthetic_plan(n);
    let mut people: Vec<(i64, usize)> = (0..n).map(|i| (REMINDED + i as i64, i)).collect();
    people.extend((0..reporters).map(|i| (REPORTERS + i as i64, i % n)));
    {
        let store = Store::open(&dir.path().join("dondoc.db")).await.expect("store");
        store.import_plan(&plan, now).await.expect("import");
        for (id, agency) in &people {
            let code = format!("FAN{id:019}");
            let invite = Invite {
                code: code.clone(),
                role: Role::Focal,
                agency: Some(plan.agencies[*agency].code.clone()),
                expires_at: now + chrono::Duration::days(7),
            };
            store.create_invite(&invite, None, now).await.expect("invite");
            let who = Newcomer {
                telegram_id: *id,
                chat_id: *id,
                name: format!("Đầu mối {id}"),
                username: None,
                language: Lang::Vi,
            };
            store.redeem_invite(&code, &who, now).await.expect("redeem").expect("joined");
        }
        store.close().await;
    }
    let mut settings = TestApp::settings(&dir, &tg);
    settings.admins.clear();
    settings.bulk_per_second = 29;
    settings.conversation = dondoc::config::Settings::default().conversation;
    let reply_reserve = arg("--reply-reserve", 3u32);
    settings.reply_reserve = reply_reserve;
    settings.flood_per_minute = 1_000_000;
    // The bot on a runtime of its own, the one `dondoc run` uses, in a thread of its own (as a
    // process of its own would be): the fake and the reporters do not share its thread.
    let (ready, started) = tokio::sync::oneshot::channel();
    let running = std::thread::spawn(move || {
        let runtime = dondoc::startup::runtime().expect("the bot's runtime");
        runtime.block_on(async move {
            let application = Application::build(settings, ManualClock::new(now)).await.expect("application");
            let bot =
                (application.scheduler(), application.shutdown_handle(), tokio::runtime::Handle::current());
            let _ = ready.send(bot);
            application.run_until_stopped().await
        })
    });
    let (scheduler, handle, bot_runtime) = started.await.expect("the bot started");

    let run = Arc::new(Run {
        samples: Mutex::new(Vec::new()),
        stop: std::sync::atomic::AtomicBool::new(false),
        errors: std::sync::atomic::AtomicUsize::new(0),
    });
    let users: Vec<TgUser> =
        (0..reporters).map(|i| tg.user(REPORTERS + i as i64, &format!("Báo cáo {i}"), "vi")).collect();
    let tasks: Vec<_> =
        users.iter().cloned().map(|u| tokio::spawn(reporter(tg.clone(), run.clone(), u, think))).collect();

    // The reporters alone.
    let base_from = Instant::now() + Duration::from_secs(3);
    tokio::time::sleep(baseline).await;
    let base_to = Instant::now();
    let sends_before = tg.stats();

    // 08:00: the fan-out among them.
    let fan_from = Instant::now();
    let tick =
        bot_runtime.spawn(async move { scheduler.run_at(now).await }).await.expect("tick").expect("tick");
    let queued_in = fan_from.elapsed();
    let reminded: Vec<i64> = people.iter().map(|(id, _)| *id).collect();
    let received = |tg: &FakeTelegram| -> HashMap<i64, usize> {
        reminded
            .iter()
            .map(|id| (*id, tg.messages(*id).iter().filter(|m| m.text.starts_with('⏰')).count()))
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(600);
    while received(&tg).values().filter(|c| **c > 0).count() < reminded.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Every reminder's arrival, in order: the fan-out ends with the last.
    let mut arrivals: Vec<Instant> = reminded
        .iter()
        .flat_map(|id| tg.messages(*id))
        .filter(|m| m.text.starts_with('⏰'))
        .map(|m| m.at)
        .collect();
    arrivals.sort();
    let fan_to = arrivals.last().copied().unwrap_or_else(Instant::now);
    run.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    handle.shutdown();
    let _ = tokio::task::spawn_blocking(move || running.join()).await;

    // Figures.
    let stats = tg.stats();
    let counts = received(&tg);
    let once = counts.values().filter(|c| **c == 1).count();
    let missing = counts.values().filter(|c| **c == 0).count();
    let twice = counts.values().filter(|c| **c > 1).count();
    let samples = run.samples.lock().await;
    let (base_p99, base_n) = p99_between(&samples, base_from, base_to);
    let (fan_p99, fan_n) = p99_between(&samples, fan_from, fan_to);
    let seconds = (fan_to - fan_from).as_secs_f64();
    let reporter_ids: std::collections::HashSet<i64> = users.iter().map(|u| u.id).collect();
    let reply_sends = tg
        .requests_for("SendMessage")
        .iter()
        .filter(|r| r.at >= fan_from && r.at < fan_to)
        .filter(|r| r.body["chat_id"].as_i64().is_some_and(|c| reporter_ids.contains(&c)))
        .filter(|r| !r.body["text"].as_str().unwrap_or_default().starts_with('⏰'))
        .count() as f64
        / seconds;
    let rate = (reminded.len() - missing) as f64 / seconds;
    let left = 30.0 - reply_sends;
    println!(
        "fan-out benchmark: {} reminders due at once, {reporters} focal points reporting (~{} ms between taps), {} slots a second left for replies",
        reminded.len(),
        think.as_millis(),
        reply_reserve
    );
    println!("  queued groups: {}   sends during the run: {}", tick.queued, stats.sends - sends_before.sends);
    println!("  429 answers: {}   (target 0)", stats.too_many_requests);
    println!(
        "  reminders delivered exactly once: {once}/{}   missing {missing}, twice {twice}   (target all once)",
        reminded.len()
    );
    println!(
        "  reporters' p99 alone: {:.1} ms ({base_n} replies)   during the fan-out: {:.1} ms ({fan_n} replies)",
        ms(base_p99),
        ms(fan_p99)
    );
    println!("  p99 during / alone: {:.2}   (target <= 2)", ms(fan_p99) / ms(base_p99).max(0.001));
    println!(
        "  fan-out: {:.1} s, {rate:.2} reminders/s; reply sends {reply_sends:.2}/s leave {left:.2}/s",
        seconds
    );
    println!("  fan-out rate / (30 - reply sends/s): {:.3}   (target >= 0.95)", rate / left);
    // Where the time goes: the first reminder, the steady pace between the 5th and the 95th
    // percentile of arrivals, and the tail.
    if arrivals.len() >= 20 {
        let at = |q: f64| arrivals[((arrivals.len() - 1) as f64 * q) as usize];
        let steady = (arrivals.len() as f64 * 0.9) / (at(0.95) - at(0.05)).as_secs_f64().max(1e-9);
        println!(
            "  timeline: queued in {:.0} ms, first reminder at {:.0} ms, steady {steady:.2}/s (5th to 95th percentile, {:.3} of what replies leave), last 5 % took {:.1} s",
            ms(queued_in),
            ms(arrivals[0] - fan_from),
            steady / left,
            (fan_to - at(0.95)).as_secs_f64()
        );
        // Gaps between reminders: the bulk held back for the replies (a wave of them fills
        // the window) or stalled.
        let gaps: Vec<Duration> =
            arrivals[arrivals.len() / 20..arrivals.len() * 19 / 20].windows(2).map(|w| w[1] - w[0]).collect();
        let long: Vec<&Duration> = gaps.iter().filter(|g| **g > Duration::from_millis(100)).collect();
        println!(
            "  gaps over 100 ms between reminders (5th to 95th percentile): {}, {:.1} s in all, the longest {:.0} ms",
            long.len(),
            long.iter().map(|g| g.as_secs_f64()).sum::<f64>(),
            gaps.iter().max().map_or(0.0, |g| ms(*g))
        );
    }
    println!("  reporter steps without an answer: {}", run.errors.load(std::sync::atomic::Ordering::Relaxed));
}
