//! The scheduler against the fake Telegram: the right people get exactly one reminder each,
//! with a working "report now" button; restarts and second ticks send nothing again; 429s are
//! waited out; a person who blocked the bot is marked and the admins are told.

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use support::app::{TestApp, local, text};
use support::telegram::{Failure, SentMessage};

async fn admin_ready(t: &TestApp) {
    t.tg.send_text(&t.admin, "/start");
    t.tg.next_message(t.admin.id).await;
}

fn count_reminders(msgs: &[SentMessage]) -> usize {
    msgs.iter().filter(|m| m.text.starts_with("⏰")).count()
}

#[tokio::test]
async fn each_focal_point_gets_one_reminder_with_a_working_button_and_nothing_twice() {
    let mut t = TestApp::spawn_at("2022-03-07T07:00").await;
    admin_ready(&t).await;
    let lan = t.tg.user(9001, "Lan", "vi");
    let mai = t.tg.user(9002, "Mai", "en");
    let hoa = t.tg.user(9003, "Hoa", "vi");
    let an = t.tg.user(9004, "An", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    t.join(&mai, Role::Focal, Some("SYT")).await;
    t.join(&hoa, Role::Focal, Some("STC")).await;
    t.join(&an, Role::Focal, Some("CTHUE")).await;
    // The tax department has already sent its first-quarter report.
    let cthue = dondoc::domain::AgencyCode::parse("CTHUE").unwrap();
    let report = t
        .store()
        .open_report(
            "09/KH-UBND",
            "bao-cao-quy",
            dondoc::domain::PeriodKey::Quarter(2022, 1),
            &cthue,
            t.clock_now(),
        )
        .await
        .unwrap();
    let an_id = t.store().person_by_telegram(an.id).await.unwrap().unwrap().id;
    t.store()
        .save_item(
            report.id,
            &dondoc::domain::report::ItemKey::Task("10.a".into()),
            dondoc::store::ItemChange::Status(dondoc::domain::report::TaskStatus::Done),
            an_id,
            t.clock_now(),
        )
        .await
        .unwrap();
    t.store().submit_report(report.id, an_id, t.clock_now()).await.unwrap();

    // 07:00 is before the 08:00 send time: no reminder yet (the admins hear of the action
    // programme, still missing everywhere, and get last week's digest).
    t.scheduler.run_at(local("2022-03-07T07:00")).await.unwrap();
    assert_eq!(count_reminders(&t.tg.messages(lan.id)), 0);
    t.tg.mark_read(t.admin.id);
    // 08:00 on Monday 07/03: seven days before the Q1 last day (14/03).
    t.set_time("2022-03-07T08:00");
    let report = t.scheduler.run_at(local("2022-03-07T08:00")).await.unwrap();
    let reminder = t.tg.next_message(lan.id).await;
    assert!(
        reminder.text.starts_with("⏰ Nhắc báo cáo: Báo cáo tiến độ hàng quý, quý I/2022"),
        "{}",
        reminder.summary()
    );
    assert!(
        reminder.text.contains("Thứ Hai, 14/03/2022") && reminder.text.contains("còn 7 ngày"),
        "{}",
        reminder.summary()
    );
    // The items by short name: the first three, and how many more.
    assert!(
        reminder.text.contains("Còn 10 mục chưa nhập: 16.a Nâng cao năng lực")
            && reminder.text.contains("và 7 mục khác"),
        "{}",
        reminder.summary()
    );
    let english = t.tg.next_message(mai.id).await;
    assert!(
        english.text.starts_with("⏰ Reminder: Quarterly progress report Q1 2022"),
        "{}",
        english.summary()
    );
    assert!(t.tg.next_message(hoa.id).await.text.starts_with("⏰"));
    t.tg.expect_silence(an.id, Duration::from_millis(100)).await;
    // The admins hear once about the 33 agencies nobody can be reached at.
    let notice =
        t.tg.wait_for(t.admin.id, |m| m.text.contains("quý I/2022") && m.text.starts_with("☎️")).await;
    assert!(
        notice.text.starts_with(&text(
            Lang::Vi,
            "notice-unreachable",
            &[
                ("count", "33"),
                ("round", "Báo cáo tiến độ hàng quý"),
                ("period", "quý I/2022"),
                ("last_day", "14/03/2022")
            ]
        )),
        "{}",
        notice.summary()
    );
    // Three reminders, one notice (of 33 agencies) and the admin's weekly digest were queued.
    assert_eq!(report.queued, 5, "{report:?}");

    // The button opens the report conversation on that report.
    t.tg.press(&lan, reminder.message_id, &reminder.data("Báo cáo ngay"));
    let menu = t.tg.next_message(lan.id).await;
    assert!(
        menu.text.contains("Sở Y tế") && menu.text.contains("quý I/2022") && menu.text.contains("0/10"),
        "{}",
        menu.summary()
    );

    // A second tick, and a restart and another tick, send nothing again.
    t.outbox_idle().await;
    t.tg.mark_read(t.admin.id);
    let again = t.scheduler.run_at(local("2022-03-07T08:01")).await.unwrap();
    assert_eq!(again.queued, 0, "{again:?}");
    t.restart().await;
    let after_restart = t.scheduler.run_at(local("2022-03-07T09:00")).await.unwrap();
    assert_eq!(after_restart.queued, 0, "{after_restart:?}");
    assert_eq!(count_reminders(&t.tg.messages(lan.id)), 1);
    t.tg.expect_silence(t.admin.id, Duration::from_millis(100)).await;

    // Two ticks racing for the next step: each key goes out once.
    let (a, b) = tokio::join!(
        t.scheduler.run_at(local("2022-03-11T08:00")),
        t.scheduler.run_at(local("2022-03-11T08:00"))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    t.outbox_idle().await;
    assert_eq!(count_reminders(&t.tg.messages(lan.id)), 2, "{a:?} {b:?}");
    assert_eq!(count_reminders(&t.tg.messages(hoa.id)), 2);
    t.stop().await;
}

#[tokio::test]
async fn too_many_requests_are_waited_out_and_nothing_is_lost() {
    let t = TestApp::spawn_at("2022-03-07T08:00").await;
    let lan = t.tg.user(9101, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    t.tg.fail_next("SendMessage", Some(lan.id), Failure::RetryAfter(1), 2);
    let started = std::time::Instant::now();
    t.scheduler.run_at(local("2022-03-07T08:00")).await.unwrap();
    let reminder = t.tg.next_message(lan.id).await;
    assert!(started.elapsed() >= Duration::from_secs(2), "each 429 was waited out");
    assert!(reminder.text.starts_with("⏰"));
    assert_eq!(t.tg.stats().too_many_requests, 2);
    t.outbox_idle().await;
    assert_eq!(count_reminders(&t.tg.messages(lan.id)), 1, "sent once");
}

#[tokio::test]
async fn a_server_error_is_retried_later_and_not_lost() {
    let t = TestApp::spawn_at("2022-03-07T08:00").await;
    let lan = t.tg.user(9151, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    // Telegram fails four times running: the message waits in the outbox, backing off (by the
    // settings: milliseconds here), until it goes.
    t.tg.fail_next("SendMessage", Some(lan.id), Failure::ServerError, 4);
    let started = std::time::Instant::now();
    t.remind_at("2022-03-07T08:00").await;
    assert_eq!(count_reminders(&t.tg.messages(lan.id)), 1);
    // Four tries and the success, one chat: Telegram's one-a-second per chat is the wait, not
    // a backoff (round 1 waited 15 s here).
    assert!(
        started.elapsed() < Duration::from_secs(7),
        "no real backoff was waited: {:?}",
        started.elapsed()
    );
    let later = t.scheduler.run_at(local("2022-03-07T08:01")).await.unwrap();
    assert_eq!(later.queued, 0, "{later:?}");
    assert_eq!(count_reminders(&t.tg.messages(lan.id)), 1);
}

#[tokio::test]
async fn a_person_who_blocked_the_bot_is_marked_and_the_admins_are_told() {
    let t = TestApp::spawn_at("2022-03-07T08:00").await;
    admin_ready(&t).await;
    let lan = t.tg.user(9201, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    t.tg.block(lan.id);
    t.remind_at("2022-03-07T08:00").await;
    let person = t.store().person_by_telegram(lan.id).await.unwrap().unwrap();
    assert!(!person.reachable);
    let told = t.tg.wait_for(t.admin.id, |m| m.text.starts_with("⛔")).await;
    assert_eq!(
        told.text,
        text(Lang::Vi, "notice-blocked", &[("name", "Lan"), ("agency", "Sở Y tế"), ("left", "0")])
    );
    // The next step: Lan is not sent to; the admins learn the agency is unreachable.
    t.scheduler.run_at(local("2022-03-11T08:00")).await.unwrap();
    let unreachable =
        t.tg.wait_for(t.admin.id, |m| {
            m.text.contains("1 đơn vị có mọi đầu mối đã chặn bot (hãy gọi điện): Sở Y tế")
        })
        .await;
    assert!(unreachable.text.starts_with("☎️"));
    // Lan writes again: reachable, and chased again at the next step.
    t.tg.unblock(lan.id);
    t.tg.send_text(&lan, "/trogiup");
    t.tg.wait_for(lan.id, |m| m.text.contains("/baocao")).await;
    assert!(t.store().person_by_telegram(lan.id).await.unwrap().unwrap().reachable);
    t.scheduler.run_at(local("2022-03-14T08:00")).await.unwrap();
    let today = t.tg.wait_for(lan.id, |m| m.text.starts_with("⏰")).await;
    assert!(
        today.text.contains(&text(Lang::Vi, "reminder-today", &[("last_day", "Thứ Hai, 14/03/2022")])),
        "{}",
        today.summary()
    );
}

#[tokio::test]
async fn escalations_and_digests_reach_the_leadership() {
    let t = TestApp::spawn_at("2022-03-07T07:00").await;
    admin_ready(&t).await;
    let chu_tich = t.tg.user(9301, "Chủ tịch", "vi");
    t.join(&chu_tich, Role::Leader, None).await;
    let lan = t.tg.user(9302, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    // Monday 07:30: the weekly digest.
    t.scheduler.run_at(local("2022-03-07T07:30")).await.unwrap();
    let digest = t.tg.wait_for(chu_tich.id, |m| m.text.starts_with("📊")).await;
    assert!(digest.text.contains("2022-W10") && digest.text.contains("quý I/2022"), "{}", digest.summary());
    // Tuesday 15/03 08:00, the first working day after the Q1 deadline: the after-deadline digest.
    t.scheduler.run_at(local("2022-03-15T08:00")).await.unwrap();
    let after =
        t.tg.wait_for(chu_tich.id, |m| m.text.contains("Hết hạn Báo cáo tiến độ hàng quý, quý I/2022")).await;
    assert!(after.text.contains("chưa nộp 36"), "{}", after.summary());
    // Monday 21/03 08:00, five working days late: the admins get the escalation.
    t.scheduler.run_at(local("2022-03-21T08:00")).await.unwrap();
    let escalated = t.tg.wait_for(t.admin.id, |m| m.text.starts_with("⚠️")).await;
    assert!(
        escalated.text.contains("36 đơn vị") && escalated.text.contains("(5 ngày)"),
        "{}",
        escalated.summary()
    );
    assert!(escalated.text.chars().count() <= 1000, "one screen: {}", escalated.text);
    // Every agency is a tap away, a page at a time, below the notice.
    t.set_time("2022-03-21T09:00");
    let list = t.tap(&t.admin, &escalated, "Danh sách đủ").await;
    assert!(list.text.contains("36 đơn vị (trang 1/5)"), "{}", list.summary());
    // The next weekly digest lists the escalated agencies.
    t.scheduler.run_at(local("2022-03-28T07:30")).await.unwrap();
    let weekly = t.tg.wait_for(chu_tich.id, |m| m.text.contains("2022-W13")).await;
    assert!(weekly.text.contains("⚠️ 36 đơn vị quá hạn nhiều ngày"), "{}", weekly.summary());
    weekly.button("Chưa nộp quý I/2022 (36)");
}
