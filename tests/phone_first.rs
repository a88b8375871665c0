//! Issue 11's findings (and issue 10's in the chat), one test each, as a person meets them on a
//! phone: a report in few taps, straight from one item to the next; "unchanged" only where it can
//! be; reminders that stay in the chat; messages to leaders and admins that fit one screen;
//! names family name first; periods as people write them; narratives; item-by-item review.

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, ReportState, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use support::app::{TestApp, text};
use support::reports::{dec, hand_in, progress, value};
use support::telegram::TgUser;

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

async fn item(
    t: &TestApp,
    agency: &str,
    period: PeriodKey,
    key: ItemKey,
) -> Option<dondoc::domain::report::ItemEntry> {
    let code = AgencyCode::parse(agency).unwrap();
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", period, &code).await.unwrap()?;
    t.store().items(report.id).await.unwrap().into_iter().find(|e| e.key == key)
}

async fn accept(t: &TestApp, report: i64) {
    let admin = t.store().person_by_telegram(t.admin.id).await.unwrap().expect("the admin wrote once").id;
    t.store()
        .change_report_state(
            report,
            &[ReportState::Submitted],
            ReportState::Accepted,
            admin,
            None,
            t.clock_now(),
        )
        .await
        .unwrap();
}

/// A focal point of `agency`, joined, the name question answered with a tap.
async fn focal(t: &TestApp, user: &TgUser, agency: &str) {
    let greeting = t.join(user, Role::Focal, Some(agency)).await;
    if greeting.all_buttons().iter().any(|b| b.text.starts_with("✅")) {
        t.tap(user, &greeting, "✅").await;
    }
}

#[tokio::test]
async fn a_task_is_one_tap_and_the_next_empty_item_follows_on_the_same_screen() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let lan = t.tg.user(1101, "Lan", "vi");
    focal(&t, &lan, "SYT").await;
    t.take_counts();
    // /baocao opens the quarter at once (the action programme, also open, is a tap away).
    let menu = t.say(&lan, "/baocao").await;
    assert!(menu.text.contains("quý I/2022") && menu.text.contains("Sở Y tế"), "{}", menu.summary());
    let task = t.tap(&lan, &menu, " 16.a ").await;
    // "Done" is one tap; what was saved is echoed on the next item's screen, in place.
    let next = t.tap(&lan, &task, "Hoàn thành").await;
    assert!(next.edited && next.message_id == task.message_id, "{}", next.summary());
    assert!(
        next.text.starts_with(&vi("item-saved-value", &[("code", "16.a"), ("value", "Hoàn thành, 100%")])),
        "{}",
        next.summary()
    );
    assert!(next.text.contains("Nhiệm vụ 16.b:"), "{}", next.summary());
    assert!(!next.all_buttons().iter().any(|b| b.text == "Bỏ qua"), "no note prompt: {}", next.summary());
    // "In progress" at a common percent is one tap too.
    let next = t.tap(&lan, &next, "🔄 50%").await;
    assert!(
        next.text.contains("16.b: Đang thực hiện, 50%") && next.text.contains("Nhiệm vụ 16.c:"),
        "{}",
        next.summary()
    );
    // A note only when the person wants one: a button for the item just saved.
    let ask = t.tap(&lan, &next, "Ghi chú cho 16.b").await;
    assert!(
        ask.text.starts_with(&vi("item-ask-note", &[("code", "16.b"), ("max", "1000")])),
        "{}",
        ask.summary()
    );
    let after = t.say(&lan, "Đã tiêm 2 mũi").await;
    // One message answers one typed message: the note saved and the next item.
    assert!(after.text.starts_with(&vi("item-note-saved", &[("code", "16.b")])), "{}", after.summary());
    assert!(after.text.contains("Nhiệm vụ 16.c:"), "{}", after.summary());
    t.tg.expect_silence(lan.id, Duration::from_millis(150)).await;
    let (taps, typed) = t.take_counts();
    assert_eq!((taps, typed), (4, 2), "two tasks and a note");
    let a = item(&t, "SYT", Q1, ItemKey::Task("16.a".into())).await.unwrap();
    assert_eq!((a.status, a.percent), (Some(TaskStatus::Done), Some(100)));
    let b = item(&t, "SYT", Q1, ItemKey::Task("16.b".into())).await.unwrap();
    assert_eq!(
        (b.status, b.percent, b.note.as_deref()),
        (Some(TaskStatus::InProgress), Some(50), Some("Đã tiêm 2 mũi"))
    );
}

#[tokio::test]
async fn a_blocked_task_is_saved_only_with_what_blocks_it() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let lan = t.tg.user(1201, "Lan", "vi");
    focal(&t, &lan, "SYT").await;
    let menu = t.say(&lan, "/baocao").await;
    let task = t.tap(&lan, &menu, " 16.a ").await;
    let percent = t.tap(&lan, &task, "Có vướng mắc").await;
    let ask = t.tap(&lan, &percent, "25%").await;
    assert!(ask.text.contains("16.a") && ask.text.contains("bắt buộc"), "{}", ask.summary());
    assert_eq!(
        item(&t, "SYT", Q1, ItemKey::Task("16.a".into())).await,
        None,
        "nothing saved without the note"
    );
    let saved = t.say(&lan, "Thiếu kinh phí đối ứng").await;
    assert!(saved.text.contains("Có vướng mắc, 25% — Thiếu kinh phí đối ứng"), "{}", saved.summary());
    let a = item(&t, "SYT", Q1, ItemKey::Task("16.a".into())).await.unwrap();
    assert_eq!(
        (a.status, a.percent, a.note.as_deref()),
        (Some(TaskStatus::Blocked), Some(25), Some("Thiếu kinh phí đối ứng"))
    );
}

#[tokio::test]
async fn a_value_is_asked_in_words_doubted_against_the_pace_and_echoed_with_its_unit() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let hoa = t.tg.user(1301, "Hoa", "vi");
    focal(&t, &hoa, "STC").await;
    let menu = t.say(&hoa, "/baocao").await;
    let metric = t.tap(&hoa, &menu, " 5.1 ").await;
    assert!(metric.text.contains("số lũy kế từ đầu năm đến hết quý I/2022"), "{}", metric.summary());
    // The year's target typed in the first quarter is doubted.
    let doubt = t.say(&hoa, "9.002").await;
    assert!(doubt.text.contains("100% chỉ tiêu cả năm"), "{}", doubt.summary());
    let again = t.tap(&hoa, &doubt, "Gõ lại").await;
    assert!(again.text.contains("Chỉ số 5.1"), "{}", again.summary());
    let saved = t.say(&hoa, "2.250").await;
    assert!(
        saved.text.starts_with(&vi("item-saved-value", &[("code", "5.1"), ("value", "2.250 tỷ đồng")])),
        "{}",
        saved.summary()
    );
    assert!(saved.text.contains("Chỉ số 5.2"), "the next item, same message: {}", saved.summary());
    t.tg.expect_silence(hoa.id, Duration::from_millis(150)).await;
    assert_eq!(item(&t, "STC", Q1, ItemKey::Metric("5.1".into())).await.unwrap().value, Some(dec("2250")));
}

#[tokio::test]
async fn unchanged_is_offered_only_where_there_is_an_answer_to_keep_and_all_the_rest_in_one_tap() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let hoa = t.tg.user(1401, "Hoa", "vi");
    focal(&t, &hoa, "STC").await;
    // The first quarter has nothing before it: no "unchanged".
    let menu = t.say(&hoa, "/baocao").await;
    assert!(!menu.all_buttons().iter().any(|b| b.text.contains("Giữ nguyên")), "{}", menu.summary());
    let task = t.tap(&hoa, &menu, " 9.a ").await;
    assert!(!task.all_buttons().iter().any(|b| b.text.contains("Không thay đổi")), "{}", task.summary());
    let q1 = hand_in(
        &t,
        &hoa,
        "STC",
        Q1,
        vec![
            value("5.1", "2250"),
            progress("9.a", TaskStatus::InProgress, 50),
            progress("9.b", TaskStatus::Done, 100),
        ],
    )
    .await;
    accept(&t, q1.id).await;

    t.set_time("2022-06-07T09:00");
    let menu = t.say(&hoa, "/baocao").await;
    assert!(menu.text.contains("quý II/2022"), "{}", menu.summary());
    // What would be copied is shown before the one tap; the cumulative revenue is not in it.
    assert!(
        menu.text.contains("9.a: Đang thực hiện, 50%") && menu.text.contains("9.b: Hoàn thành, 100%"),
        "{}",
        menu.summary()
    );
    assert!(!menu.text.contains("5.1:"), "a cumulative figure is never kept: {}", menu.summary());
    let revenue = t.tap(&hoa, &menu, " 5.1 ").await;
    assert!(
        !revenue.all_buttons().iter().any(|b| b.text.contains("Không thay đổi")),
        "{}",
        revenue.summary()
    );
    assert!(revenue.text.contains("đến hết quý II/2022"), "{}", revenue.summary());
    let menu = t.tap(&hoa, &revenue, "« Danh sách").await;
    let after = t.tap(&hoa, &menu, "Giữ nguyên 2 mục").await;
    assert!(after.text.starts_with(&vi("keep-all-done", &[("count", "2")])), "{}", after.summary());
    let q2 = PeriodKey::Quarter(2022, 2);
    let a = item(&t, "STC", q2, ItemKey::Task("9.a".into())).await.unwrap();
    assert_eq!((a.status, a.percent), (Some(TaskStatus::InProgress), Some(50)));
    assert_eq!(item(&t, "STC", q2, ItemKey::Metric("5.1".into())).await, None);
    // A task keeps its previous answer in one tap, shown first.
    let task = t.tap(&hoa, &menu, " 9.a ").await;
    assert!(
        task.text
            .contains(&vi("item-previous", &[("period", "quý I/2022"), ("value", "Đang thực hiện, 50%")])),
        "{}",
        task.summary()
    );
}

#[tokio::test]
async fn the_report_now_button_opens_a_new_screen_below_a_reminder_that_names_the_items() {
    let t = TestApp::spawn_at("2022-03-07T07:00").await;
    let lan = t.tg.user(1501, "Lan", "vi");
    focal(&t, &lan, "SYT").await;
    t.remind_at("2022-03-07T08:00").await;
    let reminder = t.tg.wait_for(lan.id, |m| m.text.starts_with("⏰")).await;
    assert!(reminder.text.contains("quý I/2022"), "{}", reminder.summary());
    // Items by short name, not bare codes.
    assert!(reminder.text.contains("16.a Nâng cao năng lực"), "{}", reminder.summary());
    let menu = t.tap(&lan, &reminder, "Báo cáo ngay").await;
    assert!(!menu.edited && menu.message_id != reminder.message_id, "a new screen: {}", menu.summary());
    assert!(menu.text.contains("quý I/2022") && menu.text.contains("0/10"), "{}", menu.summary());
    let still = t.tg.messages(lan.id).into_iter().rfind(|m| m.message_id == reminder.message_id).unwrap();
    assert_eq!(still.text, reminder.text, "the reminder stays in the chat");
}

#[tokio::test]
async fn an_old_reminder_button_leads_to_the_report_as_it_is_now() {
    let t = TestApp::spawn_at("2022-03-07T07:00").await;
    t.say(&t.admin, "/start").await;
    let hoa = t.tg.user(1601, "Hoa", "vi");
    focal(&t, &hoa, "STC").await;
    t.remind_at("2022-03-07T08:00").await;
    let reminder = t.tg.wait_for(hoa.id, |m| m.text.starts_with("⏰")).await;
    t.set_time("2022-03-08T09:00");
    let report = hand_in(&t, &hoa, "STC", Q1, vec![value("5.1", "2250")]).await;
    accept(&t, report.id).await;
    // The period is still open: the accepted report's locked screen, not "closed".
    let screen = t.tap(&hoa, &reminder, "Báo cáo ngay").await;
    assert_ne!(screen.text, vi("report-closed", &[]));
    assert!(screen.text.contains("🔒") && screen.text.contains("quý I/2022"), "{}", screen.summary());
}

#[tokio::test]
async fn baocao_opens_the_most_urgent_round_and_says_when_one_is_overdue_and_another_done() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let hoa = t.tg.user(1701, "Hoa", "vi");
    focal(&t, &hoa, "STC").await;
    let menu = t.say(&hoa, "/baocao").await;
    assert!(menu.text.contains("Báo cáo tiến độ hàng quý, quý I/2022"), "{}", menu.summary());
    // The other open round is one tap away, marked overdue.
    let other = menu.button("Chương trình hành động");
    assert!(other.text.contains("quá hạn 37 ngày"), "{}", menu.summary());

    let report = hand_in(&t, &hoa, "STC", Q1, vec![value("5.1", "2250")]).await;
    accept(&t, report.id).await;
    let menu = t.say(&hoa, "/baocao").await;
    assert!(menu.text.contains("Chương trình hành động, năm 2022"), "{}", menu.summary());
    assert!(
        menu.text.contains(&vi("report-open-overdue", &[("days", "37"), ("last_day", "29/01/2022")])),
        "{}",
        menu.summary()
    );
    assert!(
        menu.text.contains("Báo cáo tiến độ hàng quý, quý I/2022: đã được chấp nhận"),
        "{}",
        menu.summary()
    );
}

#[tokio::test]
async fn messages_to_leaders_and_admins_fit_one_screen_and_name_each_agency_once() {
    let t = TestApp::spawn_at("2022-03-07T07:00").await;
    t.say(&t.admin, "/start").await;
    let leader = t.tg.user(1801, "Minh", "vi");
    t.join(&leader, Role::Leader, None).await;
    let lan = t.tg.user(1802, "Lan", "vi");
    focal(&t, &lan, "SYT").await;
    let plan = dondoc::bundled::plan().unwrap();
    for at in
        ["2022-03-07T07:30", "2022-03-07T08:00", "2022-03-15T08:00", "2022-03-21T08:00", "2022-03-28T07:30"]
    {
        t.set_time(at);
        t.remind_at(at).await;
    }
    t.set_time("2022-03-28T09:00");
    t.tg.mark_read(leader.id);
    t.tg.mark_read(t.admin.id);
    let overdue = t.say(&leader, "/quahan").await;
    assert!(!overdue.text.contains("/moi"), "an admin's command, to a leader: {}", overdue.text);
    let page = t.tap(&leader, &overdue, "📋").await;
    assert!(page.text.contains("trang 1/"), "{}", page.summary());
    let page2 = t.tap(&leader, &page, "Sau").await;
    assert!(page2.text.contains("trang 2/"), "{}", page2.summary());
    t.say(&t.admin, "/quahan").await;

    let mut seen = 0;
    for chat in [leader.id, t.admin.id] {
        seen += support::screens::assert_short_and_each_name_once(&plan, &t.tg.messages(chat));
    }
    assert!(seen >= 8, "digests, notices and /quahan were read: {seen}");
}

#[tokio::test]
async fn names_read_family_name_first_and_can_be_changed() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let lan = t.tg.user(1901, "Lan", "vi").with_last_name("Trần Thị");
    let greeting = t.join(&lan, Role::Focal, Some("SYT")).await;
    assert!(greeting.text.contains("Trần Thị Lan"), "{}", greeting.summary());
    assert!(!greeting.text.contains("Lan Trần Thị"), "{}", greeting.summary());
    let stored = t.store().person_by_telegram(lan.id).await.unwrap().unwrap();
    assert_eq!(stored.name, "Trần Thị Lan");
    let done = t.say(&lan, "/ten Trần Thị Ngọc Lan").await;
    assert!(done.text.contains("Trần Thị Ngọc Lan"), "{}", done.summary());
    let agency = t.say(&t.admin, "/donvi SYT").await;
    assert!(agency.text.contains("Trần Thị Ngọc Lan"), "{}", agency.summary());
    // Telegram's names no longer replace a typed one.
    t.say(&lan, "/trogiup").await;
    assert_eq!(t.store().person_by_telegram(lan.id).await.unwrap().unwrap().name, "Trần Thị Ngọc Lan");
}

#[tokio::test]
async fn a_leader_invite_names_no_agency_and_the_leaders_welcome_mentions_the_export() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let invite = t.say(&t.admin, "/moi lanhdao").await;
    assert!(invite.text.starts_with("Link mời lãnh đạo,"), "{}", invite.summary());
    assert!(!invite.text.contains('—'), "{}", invite.summary());
    let leader = t.tg.user(2001, "Minh", "vi");
    let welcome = t.join(&leader, Role::Leader, None).await;
    assert!(welcome.text.contains("/xuat"), "{}", welcome.summary());
}

#[tokio::test]
async fn the_admin_returns_items_to_fix_and_the_focal_point_meets_them_first() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let hello = t.say(&t.admin, "/start").await;
    let lan = t.tg.user(2101, "Lan", "vi");
    focal(&t, &lan, "SYT").await;
    let report = hand_in(
        &t,
        &lan,
        "SYT",
        Q1,
        vec![value("13.1", "10.8"), value("13.4", "91.5"), progress("16.a", TaskStatus::Done, 100)],
    )
    .await;
    t.tg.press(&t.admin, hello.message_id, &format!("R:{}", report.id));
    let ret = t.tg.next_message(t.admin.id).await;
    let asked = t.tap(&t.admin, &ret, " 13.1 ").await;
    assert!(asked.text.contains("13.1"), "{}", asked.summary());
    let comment = "Số liệu 13.1 chưa khớp với Cục Thống kê";
    let marked = t.say(&t.admin, comment).await;
    assert!(marked.text.contains(comment), "{}", marked.summary());
    let done = t.tap(&t.admin, &marked, "Trả lại với 1 mục").await;
    assert!(done.text.contains(comment), "{}", done.summary());

    let told = t.tg.wait_for(lan.id, |m| m.text.starts_with("↩️")).await;
    assert!(told.text.contains(comment), "{}", told.summary());
    let menu = t.tap(&lan, &told, "Mở báo cáo để sửa").await;
    assert!(menu.text.contains(comment), "{}", menu.summary());
    // The item asked for comes first.
    let first = &menu
        .buttons
        .iter()
        .flatten()
        .find(|b| b.data.as_deref().is_some_and(|d| d.starts_with("i:")))
        .unwrap()
        .text;
    assert!(first.starts_with('❗') && first.contains("13.1"), "{}", menu.summary());
    let screen = t.tap(&lan, &menu, " 13.1 ").await;
    assert!(screen.text.contains(comment), "{}", screen.summary());
    t.say(&lan, "10,2").await;
    let history = t.say(&t.admin, "/lichsu SYT 13.1").await;
    assert!(
        history.text.contains(comment) && history.text.contains("yêu cầu sửa mục này"),
        "{}",
        history.summary()
    );
    let other = t.say(&t.admin, "/lichsu SYT 13.4").await;
    assert!(other.text.contains("yêu cầu sửa mục khác: 13.1"), "{}", other.summary());
}

#[tokio::test]
async fn narratives_are_typed_prefilled_from_the_last_period_and_reach_the_report_document() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let lan = t.tg.user(2201, "Lan", "vi");
    focal(&t, &lan, "SYT").await;
    let menu = t.say(&lan, "/baocao").await;
    let task = t.tap(&lan, &menu, " 16.a ").await;
    let next = t.tap(&lan, &task, "Hoàn thành").await;
    let menu = t.tap(&lan, &next, "« Danh sách").await;
    let narrative = t.tap(&lan, &menu, "Nhận định").await;
    let ask = t.tap(&lan, &narrative, "Kiến nghị").await;
    assert!(ask.text.contains("Kiến nghị, đề xuất"), "{}", ask.summary());
    let proposal = "Đề nghị tỉnh bổ sung kinh phí tiêm chủng mở rộng";
    let saved = t.say(&lan, proposal).await;
    assert!(saved.text.contains(proposal), "{}", saved.summary());
    let review = t.tap(&lan, &saved, "Xem lại và gửi").await;
    assert!(review.text.contains(proposal), "{}", review.summary());
    t.tap(&lan, &review, "Gửi báo cáo").await;
    let syt = AgencyCode::parse("SYT").unwrap();
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt).await.unwrap().unwrap();
    accept(&t, report.id).await;
    let plan = dondoc::bundled::plan().unwrap();
    let built =
        dondoc::leadership::consolidated::build(t.store(), &plan, "bao-cao-quy", Q1, t.clock_now(), Lang::Vi)
            .await
            .unwrap()
            .unwrap();
    assert!(built.report.proposals.items.iter().any(|p| p.text == proposal), "{:?}", built.report.proposals);

    // The next quarter starts from it.
    t.set_time("2022-06-07T09:00");
    let menu = t.say(&lan, "/baocao").await;
    let narrative = t.tap(&lan, &menu, "Nhận định").await;
    assert!(
        narrative.text.contains(proposal) && narrative.text.contains("quý I/2022"),
        "{}",
        narrative.summary()
    );
}
