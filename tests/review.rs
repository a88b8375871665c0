//! The planning department reviews what the agencies send: return with a comment, the focal
//! point corrects and sends again, accept and the report locks; a second admin, a leader and a
//! focal point pressing what is not theirs change nothing.

mod support;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::ReportState;
use dondoc::domain::{AgencyCode, PeriodKey};
use dondoc::store::Store;
use support::app::{TestApp, text};
use support::reports::{hand_in, value};
use support::telegram::{SentMessage, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

/// Lan types a value for 13.1, skips the note, reviews and sends; returns her last screen.
async fn send_malnutrition(t: &TestApp, lan: &TgUser, menu: &SentMessage, typed: &str) -> SentMessage {
    let metric = t.tap(lan, menu, " 13.1 ").await;
    assert!(metric.text.contains("Chỉ số 13.1"), "{}", metric.summary());
    let next = t.say(lan, typed).await;
    let menu = t.tap(lan, &next, "« Danh sách").await;
    let review = t.tap(lan, &menu, "Xem lại và gửi").await;
    let sent = t.tap(lan, &review, "Gửi báo cáo").await;
    assert!(sent.text.starts_with("✅"), "{}", sent.summary());
    sent
}

/// Everything a person can change, as one comparable value.
async fn snapshot(store: &Store) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for table in ["person", "report", "report_item", "report_event", "deadline_extension", "reminder_log"] {
        out.push((table.to_owned(), store.count_rows(table).await.unwrap()));
    }
    out.push(("items".into(), store.fingerprint().await.unwrap()));
    out
}

#[tokio::test]
async fn an_admin_returns_a_report_the_focal_point_corrects_it_and_the_admin_accepts_it() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let mai = t.tg.user(9002, "Mai", "vi");
    t.join(&mai, Role::Admin, None).await;
    let lan = t.tg.user(9101, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;

    let menu = t.say(&lan, "/baocao").await;
    send_malnutrition(&t, &lan, &menu, "10,8").await;
    let told = t.tg.next_message(t.admin.id).await;
    let told_mai = t.tg.next_message(mai.id).await;
    assert!(told_mai.text.starts_with("📥 Sở Y tế"), "{}", told_mai.summary());

    // The admin returns it: first the comment, then the agency hears it with a way back in.
    t.set_time("2022-03-07T10:00");
    let names = [("round", "Báo cáo tiến độ hàng quý"), ("period", "quý I/2022"), ("agency", "Sở Y tế")];
    let prompt = t.tap(&t.admin, &told, "Trả lại").await;
    assert_eq!(prompt.text, vi("review-ask-comment", &names));
    let comment = "Số liệu 13.1 chưa khớp với Cục Thống kê";
    let done = t.say(&t.admin, comment).await;
    assert_eq!(done.text, vi("review-returned-done", &[names[0], names[1], names[2], ("comment", comment)]));
    let back = t.tg.next_message(lan.id).await;
    assert_eq!(back.text, vi("review-focal-returned", &[names[0], names[1], names[2], ("comment", comment)]));
    let syt = AgencyCode::parse("SYT").unwrap();
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt).await.unwrap().unwrap();
    assert_eq!((report.state, report.review_comment.as_deref()), (ReportState::Returned, Some(comment)));

    // Lan opens it from that message, sees the comment, corrects the value and sends again.
    t.set_time("2022-03-07T11:00");
    let menu = t.tap(&lan, &back, "Mở báo cáo để sửa").await;
    assert!(menu.text.contains(&vi("report-returned", &[("comment", comment)])), "{}", menu.summary());
    send_malnutrition(&t, &lan, &menu, "10,2").await;
    let again = t.tg.next_message(t.admin.id).await;
    let again_mai = t.tg.next_message(mai.id).await;

    // Accepted: locked, the agency told.
    t.set_time("2022-03-07T12:00");
    let accepted = t.tap(&t.admin, &again, "Chấp nhận").await;
    assert_eq!(accepted.text, vi("review-accepted-done", &names));
    let ok = t.tg.next_message(lan.id).await;
    assert_eq!(
        ok.text,
        vi("review-focal-accepted", &[names[0], names[1], names[2], ("at", "12:00 07/03/2022")])
    );

    // The second admin's taps, on either notification, change nothing and say why.
    let before = snapshot(t.store()).await;
    let already = vi(
        "review-already-accepted",
        &[names[0], names[1], names[2], ("by", "Quản trị"), ("at", "12:00 07/03/2022")],
    );
    assert_eq!(t.tap(&mai, &again_mai, "Chấp nhận").await.text, already);
    assert_eq!(t.tap(&mai, &told_mai, "Trả lại").await.text, already);
    // Lan's old screen cannot change the accepted report.
    let locked = t.tap(&lan, &menu, " 13.1 ").await;
    assert!(locked.text.contains("🔒"), "{}", locked.summary());
    assert_eq!(snapshot(t.store()).await, before);

    let report = t.store().report(report.id).await.unwrap().unwrap();
    assert_eq!(report.state, ReportState::Accepted);
    let kinds: Vec<String> = t
        .store()
        .report_events(report.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.item.is_none())
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["submitted", "returned", "submitted", "accepted"]);

    // The history of the item and of the decisions, as the admin asks for it.
    let history = t.say(&t.admin, "/lichsu syt 13.1").await;
    let heading = vi(
        "history-heading",
        &[
            ("item", "13.1"),
            ("agency", "Sở Y tế"),
            ("round", "Báo cáo tiến độ hàng quý"),
            ("period", "quý I/2022"),
        ],
    );
    for expected in [
        heading,
        vi(
            "history-value-line",
            &[
                ("at", "09:00 07/03/2022"),
                ("person", "Lan"),
                ("before", &vi("history-empty-value", &[])),
                ("after", "10,8%"),
            ],
        ),
        vi(
            "history-value-line",
            &[("at", "11:00 07/03/2022"), ("person", "Lan"), ("before", "10,8%"), ("after", "10,2%")],
        ),
        vi("history-submitted", &[("at", "09:00 07/03/2022"), ("person", "Lan")]),
        vi("history-returned", &[("at", "10:00 07/03/2022"), ("person", "Quản trị"), ("comment", comment)]),
        vi("history-accepted", &[("at", "12:00 07/03/2022"), ("person", "Quản trị")]),
    ] {
        assert!(history.text.contains(&expected), "{expected:?} not in:\n{}", history.text);
    }

    // Only an admin reopens an accepted report, and it is recorded.
    t.set_time("2022-03-08T08:00");
    let reopened = t.tap(&t.admin, &accepted, "Mở lại").await;
    assert_eq!(reopened.text, vi("review-reopened-done", &names));
    let told_lan = t.tg.next_message(lan.id).await;
    assert_eq!(told_lan.text, vi("review-focal-reopened", &names));
    told_lan.button("Mở báo cáo để sửa");
    let report = t.store().report(report.id).await.unwrap().unwrap();
    assert_eq!(report.state, ReportState::Draft);
    let events = t.store().report_events(report.id).await.unwrap();
    let last = events.last().unwrap();
    let admin_id = t.store().person_by_telegram(t.admin.id).await.unwrap().unwrap().id;
    assert_eq!((last.kind.as_str(), last.person), ("reopened", Some(admin_id)));
    assert_eq!(last.detail["from"], "accepted");
}

#[tokio::test]
async fn leaders_pressing_admin_buttons_and_focal_points_asking_for_others_change_nothing() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let leader = t.tg.user(9200, "Phó Chủ tịch", "vi");
    t.join(&leader, Role::Leader, None).await;
    let hoa = t.tg.user(9201, "Hoa", "vi");
    t.join(&hoa, Role::Focal, Some("STC")).await;
    let lan = t.tg.user(9202, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let finance = hand_in(&t, &hoa, "STC", Q1, vec![value("5.1", "2250")]).await;
    let health = hand_in(&t, &lan, "SYT", Q1, vec![value("13.1", "10")]).await;
    let before = snapshot(t.store()).await;
    let forbidden = vi("report-forbidden", &[]);

    // A leader reads, and only reads.
    let status = t.say(&leader, "/tinhhinh").await;
    for data in [
        format!("A:{}", finance.id),
        format!("R:{}", finance.id),
        format!("O:{}", finance.id),
        format!("x:{}", 1),
        "B".to_owned(),
    ] {
        t.tg.press(&leader, status.message_id, &data);
        assert_eq!(t.tg.next_message(leader.id).await.text, forbidden, "{data}");
    }
    for command in ["/giahan STC 2022-Q1 21/03/2022", "/thongbao Họp gấp", "/lichsu STC 5.1", "/moi SYT"]
    {
        assert_eq!(t.say(&leader, command).await.text, vi("only-admin", &[]), "{command}");
    }

    // A focal point sees only their own agency.
    for command in ["/donvi STC", "/tinhhinh", "/chitieu 5", "/quahan", "/xuat 2022-Q1"] {
        assert_eq!(t.say(&lan, command).await.text, vi("only-leader", &[]), "{command}");
    }
    let last = t.say(&lan, "/trogiup").await;
    for data in [format!("V:{}", finance.id), format!("o:{}", finance.id), format!("A:{}", health.id)] {
        t.tg.press(&lan, last.message_id, &data);
        assert_eq!(t.tg.next_message(lan.id).await.text, forbidden, "{data}");
    }
    // Someone who has not joined sees nothing of the plan.
    let stranger = t.tg.user(9300, "Khách", "vi");
    assert_eq!(t.say(&stranger, "/tinhhinh").await.text, vi("join-how", &[]));

    assert_eq!(snapshot(t.store()).await, before);
    for id in [finance.id, health.id] {
        assert_eq!(t.store().report(id).await.unwrap().unwrap().state, ReportState::Submitted);
    }
    let forged = t.store().audit_count("forged_button").await.unwrap();
    assert!(forged >= 8, "every forged tap is logged: {forged}");
}

#[tokio::test]
async fn a_long_report_is_shown_in_full_over_several_messages() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let hello = t.say(&t.admin, "/start").await;
    let hoa = t.tg.user(9401, "Hoa", "vi");
    t.join(&hoa, Role::Focal, Some("STC")).await;
    // Five tasks with long notes: more than one Telegram message can hold.
    let mut changes = Vec::new();
    for letter in ["a", "b", "c", "d", "đ"] {
        let task = format!("9.{letter}");
        changes.push(support::reports::progress(&task, dondoc::domain::report::TaskStatus::InProgress, 50));
        let long = format!("Ghi chú {task}: {}", "đã triển khai theo kế hoạch, ".repeat(30));
        changes.push(support::reports::note(dondoc::domain::report::ItemKey::Task(task), long.trim_end()));
    }
    let report = hand_in(&t, &hoa, "STC", Q1, changes).await;

    // As from the notification's "Xem báo cáo" button.
    t.tg.press(&t.admin, hello.message_id, &format!("V:{}", report.id));
    let mut parts = vec![t.tg.next_message(t.admin.id).await];
    while let Some(more) = t.tg.next_message_within(t.admin.id, std::time::Duration::from_millis(300)).await {
        parts.push(more);
    }
    assert!(parts.len() >= 2, "{} part(s)", parts.len());
    assert!(parts.iter().all(|p| p.text.chars().count() <= 4096));
    let all = parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    for letter in ["a", "b", "c", "d", "đ"] {
        assert!(all.contains(&format!("Ghi chú 9.{letter}:")), "9.{letter} is missing");
    }
    // The decisions come with the last part.
    let last = parts.last().unwrap();
    last.button("Chấp nhận");
    last.button("Trả lại");
    assert!(parts[..parts.len() - 1].iter().all(|p| p.buttons.is_empty()));
}
