//! The rest of a focal point's experience: "no change" from the last quarter, a doubtful value,
//! cancel, reopening a sent report, English, a state that no longer parses, a long review.

mod support;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, ReportState, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use rust_decimal::Decimal;
use support::app::{TestApp, text};
use support::telegram::{SentMessage, TgUser};

/// /baocao, then the round of `period` ("quý I/2022") when another is more urgent.
async fn open(t: &TestApp, user: &TgUser, period: &str) -> SentMessage {
    let first = t.say(user, "/baocao").await;
    if first.text.contains(&format!(" {period}\n")) { first } else { t.tap(user, &first, period).await }
}

/// The report a screen's buttons name.
fn report_of(msg: &SentMessage) -> i64 {
    msg.all_buttons()[0].data.as_ref().unwrap().split(':').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn no_change_copies_last_quarters_answer_and_a_doubtful_value_is_confirmed() {
    let t = TestApp::spawn_at("2022-03-09T09:00").await;
    let an = t.tg.user(7001, "An", "vi");
    t.join(&an, Role::Focal, Some("CTHUE")).await;
    // Q1: task 10.a done with a note, sent.
    let menu = open(&t, &an, "quý I/2022").await;
    let task = t.tap(&an, &menu, " 10.a ").await;
    let next = t.tap(&an, &task, "🔄 75%").await;
    let note = t.tap(&an, &next, "Ghi chú cho 10.a").await;
    let next = t.say(&an, "Thu đạt 24% dự toán").await;
    let menu = t.tap(&an, &next, "« Danh sách").await;
    let review = t.tap(&an, &menu, "Xem lại và gửi").await;
    assert!(
        review.text.contains(&text(Lang::Vi, "review-missing", &[("count", "5")])),
        "{}",
        review.summary()
    );
    t.tap(&an, &review, "Gửi báo cáo").await;
    let q1 = t
        .store()
        .find_report(
            "09/KH-UBND",
            "bao-cao-quy",
            PeriodKey::Quarter(2022, 1),
            &AgencyCode::parse("CTHUE").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let _ = note;

    // Q2: "no change" on 10.a copies status, percent and note in one tap.
    t.set_time("2022-05-10T09:00");
    let menu = open(&t, &an, "quý II/2022").await;
    let item = t.tap(&an, &menu, " 10.a ").await;
    // The previous answer is shown before it is kept.
    assert!(
        item.text.contains("Kỳ trước (quý I/2022): Đang thực hiện, 75% — Thu đạt 24% dự toán"),
        "{}",
        item.summary()
    );
    let menu = t.tap(&an, &item, "Không thay đổi").await;
    assert!(menu.text.contains("đã nhập 1/6"), "{}", menu.summary());
    let q2 = report_of(&menu);
    let items = t.store().items(q2).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].status, items[0].percent, items[0].note.as_deref()),
        (Some(TaskStatus::InProgress), Some(75), Some("Thu đạt 24% dự toán"))
    );
    let events = t.store().report_events(q2).await.unwrap();
    assert_eq!(events[0].detail["copied_from_report"], q1.id);

    // A value far from the target is shown back; "type again" keeps nothing, "yes" saves it.
    let _ = menu;
    let (hoa, metric) = {
        let hoa = t.tg.user(7002, "Hoa", "vi");
        t.join(&hoa, Role::Focal, Some("STC")).await;
        let menu = open(&t, &hoa, "quý II/2022").await;
        let metric = t.tap(&hoa, &menu, " 5.1 ").await;
        (hoa, metric)
    };
    let doubt = t.say(&hoa, "9,002").await;
    assert!(
        doubt.text.contains(&text(
            Lang::Vi,
            "doubt-far-from-target",
            &[("percent", "0,1"), ("target", "9.002")]
        )),
        "{}",
        doubt.summary()
    );
    let again = t.tap(&hoa, &doubt, "Gõ lại").await;
    assert!(again.text.contains("Chỉ số 5.1"), "{}", again.summary());
    let report = report_of(&metric);
    assert!(t.store().items(report).await.unwrap().is_empty(), "nothing saved on a doubt");
    let doubt = t.say(&hoa, "9,002").await;
    let next = t.tap(&hoa, &doubt, "Đúng, lưu").await;
    assert!(next.text.starts_with("✅ Đã lưu 5.1: 9,002 tỷ đồng"), "{}", next.summary());
    let saved = t.store().items(report).await.unwrap();
    assert_eq!(saved[0].value, Some(Decimal::from_str_exact("9.002").unwrap()));
    // The same "yes" pressed again on the old screen is out of date and saves nothing twice.
    t.tg.press(&hoa, doubt.message_id, &doubt.data("Đúng, lưu"));
    assert!(t.tg.next_message(hoa.id).await.text.starts_with(&text(Lang::Vi, "button-stale", &[])));
}

#[tokio::test]
async fn cancel_keeps_what_was_saved_and_a_sent_report_can_be_reopened() {
    let t = TestApp::spawn_at("2022-03-09T09:00").await;
    let ly = t.tg.user(7101, "Ly", "vi");
    t.join(&ly, Role::Focal, Some("KBNN")).await;
    let menu = open(&t, &ly, "quý I/2022").await;
    let task = t.tap(&ly, &menu, " 11 ").await;
    let note = t.tap(&ly, &task, "Hoàn thành").await;
    assert_eq!(t.say(&ly, "/huy").await.text, text(Lang::Vi, "cancel-report", &[]));
    let report = t
        .store()
        .find_report(
            "09/KH-UBND",
            "bao-cao-quy",
            PeriodKey::Quarter(2022, 1),
            &AgencyCode::parse("KBNN").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.store().items(report.id).await.unwrap()[0].status, Some(TaskStatus::Done));
    // After cancel, a typed text is not taken as a note.
    assert_eq!(t.say(&ly, "ghi chú lạc").await.text, text(Lang::Vi, "idle-focal", &[]));
    assert_eq!(t.store().items(report.id).await.unwrap()[0].note, None);
    let _ = note;

    let menu = open(&t, &ly, "quý I/2022").await;
    let review = t.tap(&ly, &menu, "Xem lại và gửi").await;
    let sent = t.tap(&ly, &review, "Gửi báo cáo").await;
    assert!(sent.text.starts_with("✅"));
    // Handed in, the quarter is a tap away from the overdue action programme /baocao opens.
    let menu = open(&t, &ly, "quý I/2022").await;
    assert!(menu.text.contains("✅"), "{}", menu.summary());
    let reopened = t.tap(&ly, &menu, "Mở lại để sửa").await;
    assert!(reopened.text.contains(&text(Lang::Vi, "report-hint", &[])), "{}", reopened.summary());
    let task = t.tap(&ly, &reopened, " 11 ").await;
    let note = t.tap(&ly, &task, "Có vướng mắc").await;
    let note = t.tap(&ly, &note, "25%").await;
    let menu = t.say(&ly, "Chờ hướng dẫn của Bộ Tài chính").await;
    let review = t.tap(&ly, &menu, "Xem lại và gửi").await;
    t.tap(&ly, &review, "Gửi báo cáo").await;
    let _ = note;
    let again = t.store().report(report.id).await.unwrap().unwrap();
    assert_eq!(again.state, ReportState::Submitted);
    assert_eq!(again.first_submitted_at, Some(dondoc_first(&t, report.id).await));
    let kinds: Vec<String> =
        t.store().report_events(report.id).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "submitted").count(), 2);
    assert_eq!(kinds.iter().filter(|k| *k == "reopened").count(), 1);
}

async fn dondoc_first(t: &TestApp, report: i64) -> chrono::DateTime<chrono::Utc> {
    t.store().report_events(report).await.unwrap().into_iter().find(|e| e.kind == "submitted").unwrap().at
}

#[tokio::test]
async fn english_stale_states_and_long_reviews() {
    let t = TestApp::spawn_at("2022-03-09T09:00").await;
    let john = t.tg.user(7201, "John", "en");
    let hello = t.join(&john, Role::Focal, Some("SKHDT")).await;
    assert!(hello.text.starts_with("Hello John!"), "{}", hello.summary());
    let menu = t.say(&john, "/report").await;
    assert!(menu.text.contains("Quarterly progress report Q1 2022"), "{}", menu.summary());
    assert!(menu.text.contains("Department of Planning and Investment"), "{}", menu.summary());
    // Switch to Vietnamese and back.
    assert_eq!(t.say(&john, "/ngonngu vi").await.text, text(Lang::Vi, "language-set", &[]));
    assert_eq!(t.say(&john, "/language").await.text, text(Lang::En, "language-set", &[]));

    // Long notes on every item: the review is split under Telegram's limit.
    let report = menu.data("Review").split(':').nth(1).unwrap().parse::<i64>().unwrap();
    let person = t.store().person_by_telegram(john.id).await.unwrap().unwrap();
    let plan = dondoc::bundled::plan().unwrap();
    for (_, task) in plan.tasks_of(&AgencyCode::parse("SKHDT").unwrap()) {
        let key = ItemKey::Task(task.code.clone());
        t.store()
            .save_item(
                report,
                &key,
                dondoc::store::ItemChange::Status(TaskStatus::InProgress),
                person.id,
                t.clock_now(),
            )
            .await
            .unwrap();
        t.store()
            .save_item(
                report,
                &key,
                dondoc::store::ItemChange::Note(Some("ghi chú dài ".repeat(80))),
                person.id,
                t.clock_now(),
            )
            .await
            .unwrap();
    }
    t.tg.press(&john, menu.message_id, &menu.data("Review"));
    let first_part = t.tg.next_message(john.id).await;
    let mut parts = vec![first_part];
    while let Some(m) = t.tg.next_message_within(john.id, std::time::Duration::from_millis(300)).await {
        parts.push(m);
    }
    assert!(parts.len() >= 3, "a review of ~10,000 characters comes in parts: {}", parts.len());
    assert!(parts.iter().all(|p| p.text.chars().count() <= 4096));
    parts.last().unwrap().button("Send report");

    // A stored step this version cannot read: a friendly restart, not an error.
    t.store().set_dialogue_state(john.id, "{\"step\":\"receive_age\"}", t.clock_now()).await.unwrap();
    let restart = t.say(&john, "hello").await;
    assert_eq!(restart.text, text(Lang::En, "restart", &[]));
    let again = t.tg.next_message(john.id).await;
    assert!(again.text.contains("Q1 2022"), "{}", again.summary());
}
