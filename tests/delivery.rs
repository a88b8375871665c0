//! What a flaky or slow Telegram and two colleagues at once must not cost: every notice that
//! matters arrives, a conversation's step moves only once its prompt is delivered, and nothing
//! a person confirmed is overwritten without them being told (issue 8).

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, ReportState, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use support::app::{TestApp, text};
use support::reports::{dec, draft, progress};
use support::telegram::{Failure, SentMessage, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

/// What a person does when Telegram drops their tap or its answer: they wait a moment and do it
/// again, until the bot answers with something other than "try again".
async fn persist(t: &TestApp, user: &TgUser, action: impl Fn()) -> SentMessage {
    let sorry = vi("error-try-again", &[]);
    for _ in 0..20 {
        action();
        match t.tg.next_message_within(user.id, Duration::from_secs(3)).await {
            Some(m) if m.text != sorry => return m,
            _ => {}
        }
    }
    panic!("{} never got an answer", user.first_name);
}

#[tokio::test]
async fn every_submission_and_return_notice_arrives_through_a_telegram_failing_one_answer_in_five() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let agencies = ["SYT", "STC", "SXD", "SGTVT", "SCT", "SNNPTNT"];
    let plan = t.app.plan.get();
    let mut people = Vec::new();
    for (i, agency) in agencies.iter().enumerate() {
        let user = t.tg.user(7100 + i as i64, &format!("Đầu mối {agency}"), "vi");
        t.join(&user, Role::Focal, Some(agency)).await;
        let task = plan.tasks_of(&AgencyCode::parse(agency).unwrap())[0].1.code.clone();
        let report = draft(&t, &user, agency, Q1, vec![progress(&task, TaskStatus::Done, 100)]).await;
        people.push((user, report.id));
    }
    t.tg.mark_read(t.admin.id);
    // From now on one answer in five is a 500 or a 502 (round 1 lost 5 of 18 submission
    // notices and 7 of 16 return notices this way).
    t.tg.flaky(&["SendMessage", "EditMessageText"], 0.2, 20_221_207);

    // Each sends their report from its review screen, trying again when told to.
    for (user, report) in &people {
        let review = persist(&t, user, || {
            t.tg.press(user, 1, &format!("v:{report}"));
        })
        .await;
        let sent = persist(&t, user, || {
            t.tg.press(user, review.message_id, &review.data("Gửi báo cáo"));
        })
        .await;
        assert!(sent.text.starts_with("✅ Đã gửi"), "{}", sent.summary());
    }
    // The admin hears of every one of them, in whatever order the retries bring them (one a
    // second to one chat, as Telegram asks).
    let notice_of = |report: i64| {
        t.tg.messages(t.admin.id).into_iter().find(|m| {
            m.text.starts_with("📥")
                && m.buttons.concat().iter().any(|b| b.data.as_deref() == Some(&format!("A:{report}")))
        })
    };
    let until = tokio::time::Instant::now() + Duration::from_secs(30);
    while people.iter().any(|(_, report)| notice_of(*report).is_none()) {
        assert!(tokio::time::Instant::now() < until, "some submission notices never came");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    t.tg.mark_read(t.admin.id);
    let notices: Vec<_> = people.iter().map(|(_, report)| notice_of(*report).unwrap()).collect();
    // The admin returns every other one, with a comment; each agency hears of it.
    for (i, (user, report)) in people.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let notice = &notices[i];
        let prompt = persist(&t, &t.admin, || {
            t.tg.press(&t.admin, notice.message_id, &notice.data("Trả lại"));
        })
        .await;
        assert!(prompt.text.starts_with("↩️ Trả lại"), "{}", prompt.summary());
        let comment = format!("Xem lại số liệu 13.1 (lần {i})");
        let done = persist(&t, &t.admin, || {
            t.tg.send_text(&t.admin, &comment);
        })
        .await;
        assert!(done.text.starts_with("↩️ Đã trả lại") && done.text.contains(&comment), "{}", done.summary());
        let back = t.tg.wait_for(user.id, |m| m.text.contains(&comment)).await;
        assert!(back.button("Mở báo cáo").data.is_some());
        let row = t.store().report(*report).await.unwrap().unwrap();
        assert_eq!(row.state, ReportState::Returned);
    }
    t.outbox_idle().await;
    assert_eq!(
        t.store().outbox_counts().await.unwrap().into_iter().filter(|(s, _)| s != "sent").count(),
        0,
        "every notice was sent"
    );
}

#[tokio::test]
async fn a_step_moves_only_once_its_prompt_is_delivered() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let lan = t.tg.user(7201, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let menu = t.say(&lan, "/baocao").await;
    let task = t.tap(&lan, &menu, " 16.a ").await;
    let percent = t.tap(&lan, &task, "🔄 %…").await;
    assert!(percent.text.contains("16.a"), "{}", percent.summary());
    // Lan types 27; the next screen fails every try (three), so the bot says to try again.
    t.tg.fail_next("SendMessage", Some(lan.id), Failure::ServerError, 3);
    let sorry = t.say(&lan, "27").await;
    assert_eq!(sorry.text, vi("error-try-again", &[]));
    // She types 49: it is the percent again (round 1 took it as the note and said "saved 27").
    let next = t.say(&lan, "49").await;
    assert!(
        next.text.starts_with(&vi("item-saved-value", &[("code", "16.a"), ("value", "Đang thực hiện, 49%")])),
        "{}",
        next.summary()
    );
    t.tap(&lan, &next, "Ghi chú cho 16.a").await;
    t.say(&lan, "Đang triển khai ở 8 huyện").await;
    let report = t
        .store()
        .find_report("09/KH-UBND", "bao-cao-quy", Q1, &AgencyCode::parse("SYT").unwrap())
        .await
        .unwrap()
        .unwrap();
    let items = t.store().items(report.id).await.unwrap();
    let item = items.iter().find(|e| e.key == ItemKey::Task("16.a".into())).unwrap();
    assert_eq!(item.status, Some(TaskStatus::InProgress));
    assert_eq!(item.percent, Some(49));
    assert_eq!(item.note.as_deref(), Some("Đang triển khai ở 8 huyện"));
}

/// Two focal points of the health department with the Q1 report open.
async fn colleagues(t: &TestApp) -> (TgUser, TgUser, SentMessage, SentMessage) {
    let lan = t.tg.user(7301, "Lan", "vi");
    let hoa = t.tg.user(7302, "Hoa", "vi");
    let mut menus = Vec::new();
    for u in [&lan, &hoa] {
        t.join(u, Role::Focal, Some("SYT")).await;
        menus.push(t.say(u, "/baocao").await);
    }
    let hoa_menu = menus.pop().unwrap();
    let lan_menu = menus.pop().unwrap();
    (lan, hoa, lan_menu, hoa_menu)
}

fn syt() -> AgencyCode {
    AgencyCode::parse("SYT").unwrap()
}

#[tokio::test]
async fn two_colleagues_racing_on_one_value_twenty_times_never_lose_a_confirmed_one() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let (lan, hoa, mut lan_menu, mut hoa_menu) = colleagues(&t).await;
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt()).await.unwrap().unwrap();
    let saved_marker = "✅ Đã lưu 13.1:";
    let (mut lan_won, mut hoa_won) = (0, 0);
    for round in 0..20 {
        let lan_screen = t.tap(&lan, &lan_menu, " 13.1 ").await;
        let hoa_screen = t.tap(&hoa, &hoa_menu, " 13.1 ").await;
        let (lan_value, hoa_value) = (format!("{},{}", 10 + round, 1), format!("{},{}", 10 + round, 2));
        // Both type at the same instant.
        t.tg.send_text(&lan, &lan_value);
        t.tg.send_text(&hoa, &hoa_value);
        let (a, b) = tokio::join!(t.tg.next_message(lan.id), t.tg.next_message(hoa.id));
        let stored = t.store().items(report.id).await.unwrap();
        let stored = stored.iter().find(|e| e.key == ItemKey::Metric("13.1".into())).unwrap().value.unwrap();
        let lan_saved = a.text.starts_with(saved_marker);
        let hoa_saved = b.text.starts_with(saved_marker);
        assert!(
            lan_saved ^ hoa_saved,
            "round {round}: exactly one is saved: {} / {}",
            a.summary(),
            b.summary()
        );
        // The one told "saved" holds the value; the other is shown it, with who wrote it.
        let (winner, loser, loser_name) =
            if lan_saved { (&lan_value, &b, "Lan") } else { (&hoa_value, &a, "Hoa") };
        assert_eq!(stored, dec(&winner.replace(',', ".")), "round {round}");
        assert!(
            loser.text.contains(loser_name) && loser.text.contains(winner.as_str()),
            "round {round}: {}",
            loser.summary()
        );
        if lan_saved {
            lan_won += 1
        } else {
            hoa_won += 1
        }
        // Back to the lists for the next round.
        let _ = (lan_screen, hoa_screen);
        for (user, menu) in [(&lan, &mut lan_menu), (&hoa, &mut hoa_menu)] {
            t.say(user, "/huy").await;
            *menu = t.say(user, "/baocao").await;
        }
    }
    assert_eq!(lan_won + hoa_won, 20);
}

#[tokio::test]
async fn a_status_and_its_percent_go_together_and_a_colleagues_newer_answer_is_not_overwritten() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let (lan, hoa, lan_menu, hoa_menu) = colleagues(&t).await;
    let lan_task = t.tap(&lan, &lan_menu, " 16.a ").await;
    let hoa_task = t.tap(&hoa, &hoa_menu, " 16.a ").await;
    // Lan taps "in progress" (nothing is saved until the percent), Hoa taps "done".
    let percent = t.tap(&lan, &lan_task, "🔄 %…").await;
    t.tap(&hoa, &hoa_task, "Hoàn thành").await;
    // Lan types 30: refused, with Hoa's answer shown (round 1 ended "done at 30 %").
    let refused = t.say(&lan, "30").await;
    assert!(
        refused.text.starts_with("⚠️") && refused.text.contains("Hoa") && refused.text.contains("Hoàn thành"),
        "{}",
        refused.summary()
    );
    let _ = percent;
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt()).await.unwrap().unwrap();
    let items = t.store().items(report.id).await.unwrap();
    let item = items.iter().find(|e| e.key == ItemKey::Task("16.a".into())).unwrap();
    assert_eq!((item.status, item.percent), (Some(TaskStatus::Done), Some(100)));
    // The screen Lan now has is Hoa's answer with fresh buttons: her choice now counts.
    t.tap(&lan, &refused, "🔄 75%").await;
    let items = t.store().items(report.id).await.unwrap();
    let item = items.iter().find(|e| e.key == ItemKey::Task("16.a".into())).unwrap();
    assert_eq!((item.status, item.percent), (Some(TaskStatus::InProgress), Some(75)));
}

#[tokio::test]
async fn typing_while_a_colleague_sends_the_report_says_so_and_shows_the_way_back() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let (lan, hoa, lan_menu, hoa_menu) = colleagues(&t).await;
    t.tap(&lan, &lan_menu, " 13.1 ").await;
    t.tap(&hoa, &hoa_menu, " 13.2 ").await;
    let next = t.say(&hoa, "25").await;
    let menu = t.tap(&hoa, &next, "« Danh sách").await;
    let review = t.tap(&hoa, &menu, "Xem lại và gửi").await;
    t.tap(&hoa, &review, "Gửi báo cáo").await;
    // Lan, on 13.1 all along, types her value.
    let locked = t.say(&lan, "10,4").await;
    assert!(locked.text.starts_with("⚠️") && locked.text.contains("Hoa"), "{}", locked.summary());
    let screen = t.tg.next_message(lan.id).await;
    assert!(screen.button("Mở lại").data.is_some(), "{}", screen.summary());
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt()).await.unwrap().unwrap();
    let items = t.store().items(report.id).await.unwrap();
    assert!(
        items.iter().all(|e| e.key != ItemKey::Metric("13.1".into())),
        "nothing saved over the sent report"
    );
}

#[tokio::test]
async fn a_send_that_times_out_is_tried_again_once_and_counted() {
    let t = TestApp::spawn_with("2022-03-07T08:00", |s| s.send_timeout = Duration::from_secs(1)).await;
    let lan = t.tg.user(7401, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    // Telegram takes the reminder but answers after the client gave up.
    t.tg.delay_next("SendMessage", Some(lan.id), Duration::from_secs(2), 1);
    t.remind_at("2022-03-07T08:00").await;
    let reminders: Vec<_> = t.tg.messages(lan.id).into_iter().filter(|m| m.text.starts_with('⏰')).collect();
    assert_eq!(reminders.len(), 2, "it may arrive twice, and only twice");
    let (_, uncertain) = t.store().outbox_repeats().await.unwrap();
    assert_eq!(uncertain, 1, "the repeat is counted");
    assert_eq!(dondoc::outbound::Stats::get(&t.app.out.stats().uncertain), 1);
}

#[tokio::test]
async fn a_blocked_notice_waits_for_the_first_admin() {
    let t = TestApp::spawn_at("2022-03-07T08:00").await;
    let lan = t.tg.user(7501, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    t.tg.block(lan.id);
    t.remind_at("2022-03-07T08:00").await;
    assert!(!t.store().person_by_telegram(lan.id).await.unwrap().unwrap().reachable);
    // No admin has written to the bot yet; the first one hears of it as they arrive.
    t.tg.send_text(&t.admin, "/start");
    let told = t.tg.wait_for(t.admin.id, |m| m.text.starts_with('⛔')).await;
    assert_eq!(told.text, vi("notice-blocked", &[("name", "Lan"), ("agency", "Sở Y tế"), ("left", "0")]));
}

/// A reminder due while a person is in the middle of their report does not land between their
/// taps: it waits for the moment just after the bot answers them, when they read, so it never
/// holds their next reply back by Telegram's second per chat (in the fan-out benchmark 12–25
/// of 50 reporters' reminders did, and made most of their p99).
#[tokio::test]
async fn a_reminder_waits_for_a_gap_in_a_conversation_and_holds_no_reply_back() {
    let t = TestApp::spawn_with("2022-03-07T08:00", |s| s.conversation = Duration::from_secs(10)).await;
    let lan = t.tg.user(7601, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let menu = t.say(&lan, "/baocao").await;
    // 08:00: her reminder falls due while she reads the list.
    t.scheduler.run_at(support::app::local("2022-03-07T08:00")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let early: Vec<_> = t.tg.messages(lan.id).into_iter().filter(|m| m.text.starts_with('⏰')).collect();
    assert!(
        early.is_empty(),
        "the reminder landed in her conversation: {:?}",
        early.first().map(|m| m.summary())
    );
    // She taps; the answer comes, and the reminder right after it.
    let button = menu.all_buttons().first().and_then(|b| b.data.clone()).expect("a button on the list");
    t.tg.press(&lan, menu.message_id, &button);
    let answer = t.tg.wait_for(lan.id, |m| !m.text.starts_with('⏰')).await;
    let reminder = t.tg.wait_for(lan.id, |m| m.text.starts_with('⏰')).await;
    assert!(reminder.at >= answer.at, "{}", reminder.summary());
    assert!(
        reminder.at - answer.at < Duration::from_millis(500),
        "it waited {:?} after the answer",
        reminder.at - answer.at
    );
    // She reads, then asks again: nothing holds her reply back.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let asked = t.tg.send_text(&lan, "/baocao");
    let reply = t.tg.next_message(lan.id).await;
    let latency = reply.at - t.tg.delivered_at(asked).expect("delivered");
    assert!(latency < Duration::from_millis(300), "her reply waited {latency:?}");
    t.outbox_idle().await;
}
