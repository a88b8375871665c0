//! A quarter on phones, end to end: the focal points of Sở Y tế and Sở Tài chính report their
//! first quarter (one from the reminder's button), the planning department's admin returns one
//! item and accepts, a leader reads where things stand and exports the report, and the second
//! quarter starts from the first. Every tap and typed message is counted, and printed per report.

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, ReportState, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use rust_decimal::Decimal;
use support::app::{TestApp, text};
use support::telegram::{SentKind, SentMessage, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);
const PROPOSAL: &str = "Đề nghị tỉnh bổ sung kinh phí tiêm chủng mở rộng";
const COMMENT: &str = "Số liệu 13.1 chưa khớp với Cục Thống kê";

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

/// A typed message is answered by one message, not two.
async fn nothing_more(t: &TestApp, user: &TgUser) {
    t.tg.expect_silence(user.id, Duration::from_millis(100)).await;
}

/// The taps and typed messages of one report, printed and returned.
fn counted(t: &TestApp, what: &str) -> (usize, usize) {
    let (taps, typed) = t.take_counts();
    println!("{what}: {taps} taps, {typed} typed messages");
    (taps, typed)
}

/// Lan's reply to a typed value: "✅ Đã lưu 8.1: 6,1 ‰", then the next item, in one message.
async fn value(t: &TestApp, lan: &TgUser, typed: &str, code: &str, echo: &str) -> SentMessage {
    let reply = t.say(lan, typed).await;
    assert!(
        reply.text.starts_with(&vi("item-saved-value", &[("code", code), ("value", echo)])),
        "{}",
        reply.summary()
    );
    nothing_more(t, lan).await;
    reply
}

#[tokio::test]
async fn a_quarter_on_phones_for_two_focal_points_the_admin_and_a_leader() {
    let t = TestApp::spawn_at("2022-03-07T07:00").await;
    let plan = dondoc::bundled::plan().unwrap();
    t.say(&t.admin, "/start").await;

    // The admin invites a leader; a leader has no agency, and the invite says none.
    let invite = t.say(&t.admin, "/moi lanhdao").await;
    assert!(invite.text.starts_with("Link mời lãnh đạo,") && !invite.text.contains("(—)"), "{}", invite.text);
    // Joining asks each person's name once, family name first, in the welcome itself.
    let minh = t.tg.user(5100, "Minh", "vi").with_last_name("Nguyễn Văn");
    let welcome = t.join(&minh, Role::Leader, None).await;
    assert!(
        welcome.text.contains("/xuat") && welcome.text.contains("\"Nguyễn Văn Minh\""),
        "{}",
        welcome.summary()
    );
    t.tap(&minh, &welcome, "Nguyễn Văn Minh").await;
    let lan = t.tg.user(5001, "Lan", "vi").with_last_name("Trần Thị");
    let greeting = t.join(&lan, Role::Focal, Some("SYT")).await;
    let hello = vi("join-welcome-focal", &[("name", "Lan"), ("agency", "Sở Y tế"), ("plan", "09/KH-UBND")]);
    assert!(
        greeting.text.starts_with(&hello) && greeting.text.contains("\"Trần Thị Lan\""),
        "{}",
        greeting.summary()
    );
    t.tap(&lan, &greeting, "Trần Thị Lan").await;
    let hoa = t.tg.user(5002, "Hoa", "vi");
    let greeting = t.join(&hoa, Role::Focal, Some("STC")).await;
    let hoa_name = t.say(&hoa, "Lê Thị Hoa").await;
    assert_eq!(hoa_name.text, vi("name-saved", &[("name", "Lê Thị Hoa")]), "{}", greeting.summary());
    assert!(
        t.tg.my_commands().iter().any(|(_, _, cmds)| cmds.iter().any(|(c, _)| c == "baocao")),
        "a focal point's menu"
    );

    // Monday 07:30, the weekly digest; 08:00, the reminders (seven days before the last day)
    // and the admins' notice of the agencies nobody can be reached at.
    t.remind_at("2022-03-07T07:30").await;
    t.remind_at("2022-03-07T08:00").await;
    let reminder = t.tg.wait_for(lan.id, |m| m.text.starts_with("⏰")).await;
    assert!(reminder.text.contains("quý I/2022") && !reminder.text.contains("2022-Q1"), "{}", reminder.text);
    assert!(reminder.text.contains("16.a Nâng cao năng lực"), "items by short name: {}", reminder.text);
    let notice = t.tg.wait_for(t.admin.id, |m| m.text.starts_with("☎️")).await;
    assert!(notice.text.matches("/moi").count() == 1, "the advice once: {}", notice.text);
    notice.button("Danh sách đủ");

    // ---- Lan's first quarter, from the reminder ----
    t.set_time("2022-03-07T09:00");
    t.take_counts();
    let menu = t.tap(&lan, &reminder, "Báo cáo ngay").await;
    assert!(!menu.edited && menu.message_id != reminder.message_id, "the reminder stays: {}", menu.summary());
    assert!(menu.text.contains("quý I/2022") && menu.text.contains("0/10"), "{}", menu.summary());
    assert!(menu.button("Chương trình hành động").text.contains("quá hạn 37 ngày"), "{}", menu.summary());
    assert!(!menu.all_buttons().iter().any(|b| b.text.contains("Giữ nguyên")), "nothing before Q1");
    let screen = t.tap(&lan, &menu, " 16.a ").await;
    assert!(!screen.all_buttons().iter().any(|b| b.text.contains("Không thay đổi")), "{}", screen.summary());
    // A task is one tap; the next item follows on the same screen, the saved one echoed.
    let screen = t.tap(&lan, &screen, "Hoàn thành").await;
    assert!(
        screen.text.contains("✅ Đã lưu 16.a: Hoàn thành, 100%") && screen.text.contains("Nhiệm vụ 16.b:")
    );
    // A note only when she wants one.
    let ask = t.tap(&lan, &screen, "Ghi chú cho 16.a").await;
    assert!(
        ask.text.starts_with(&vi("item-ask-note", &[("code", "16.a"), ("max", "1000")])),
        "{}",
        ask.summary()
    );
    let screen = t.say(&lan, "Đã tiêm đủ 3 mũi cho 95% dân số").await;
    assert!(screen.text.contains("Nhiệm vụ 16.b:"), "{}", screen.summary());
    nothing_more(&t, &lan).await;
    let screen = t.tap(&lan, &screen, "🔄 50%").await;
    let screen = t.tap(&lan, &screen, "Hoàn thành").await;
    // "Blocked" is saved with what blocks it, required.
    let screen = t.tap(&lan, &screen, "Có vướng mắc").await;
    let ask = t.tap(&lan, &screen, "25%").await;
    assert!(ask.text.contains("16.d") && ask.text.contains("bắt buộc"), "{}", ask.summary());
    let screen = t.say(&lan, "Thiếu kinh phí mua BHYT cho người cận nghèo").await;
    nothing_more(&t, &lan).await;
    assert!(screen.text.contains("Nhiệm vụ 16.đ:"), "{}", screen.summary());
    let screen = t.tap(&lan, &screen, "Hoàn thành").await;
    // A metric: the value typed, the prompt saying what the period's value means.
    assert!(screen.text.contains("Chỉ số 8.1") && screen.text.contains("số tại thời điểm cuối quý I/2022"));
    value(&t, &lan, "6,1", "8.1", "6,1‰").await;
    value(&t, &lan, "10,2", "13.1", "10,2%").await;
    value(&t, &lan, "8,7", "13.2", "8,7 bác sĩ").await;
    value(&t, &lan, "35", "13.3", "35 giường").await;
    let menu = value(&t, &lan, "91,5 %", "13.4", "91,5%").await;
    assert!(
        menu.text.contains(&vi("report-all-filled", &[])) && menu.text.contains("10/10"),
        "{}",
        menu.summary()
    );
    // The agency's assessment, optional: a proposal.
    let screen = t.tap(&lan, &menu, "Nhận định").await;
    let ask = t.tap(&lan, &screen, "Kiến nghị").await;
    assert!(ask.text.contains("Kiến nghị, đề xuất"), "{}", ask.summary());
    let screen = t.say(&lan, PROPOSAL).await;
    let review = t.tap(&lan, &screen, "Xem lại và gửi").await;
    assert!(review.text.contains("6,1‰") && review.text.contains(PROPOSAL), "{}", review.summary());
    assert!(review.text.contains(&vi("review-complete", &[])));
    let done = t.tap(&lan, &review, "Gửi báo cáo").await;
    assert!(done.text.starts_with("✅") && done.text.contains("quý I/2022"), "{}", done.summary());
    let (taps, typed) = counted(&t, "Sở Y tế, quý I/2022 (10 items, 2 notes, 1 proposal)");
    assert!(taps <= 14, "{taps} taps");
    assert_eq!(typed, 8);

    // ---- Hoa's first quarter: the revenue, doubted against the pace ----
    t.tg.mark_read(hoa.id);
    let menu = t.say(&hoa, "/baocao").await;
    let screen = t.tap(&hoa, &menu, " 5.1 ").await;
    assert!(screen.text.contains("số lũy kế từ đầu năm đến hết quý I/2022"), "{}", screen.summary());
    let doubt = t.say(&hoa, "9.002").await;
    assert!(doubt.text.contains("100% chỉ tiêu cả năm"), "{}", doubt.summary());
    t.tap(&hoa, &doubt, "Gõ lại").await;
    let screen = t.say(&hoa, "2.250").await;
    assert!(screen.text.starts_with("✅ Đã lưu 5.1: 2.250 tỷ đồng") && screen.text.contains("Chỉ số 5.2"));
    let menu = t.tap(&hoa, &screen, "« Danh sách").await;
    let screen = t.tap(&hoa, &menu, " 9.a ").await;
    let screen = t.tap(&hoa, &screen, "🔄 75%").await;
    let review = t.tap(&hoa, &screen, "« Danh sách").await;
    let review = t.tap(&hoa, &review, "Xem lại và gửi").await;
    t.tap(&hoa, &review, "Gửi báo cáo").await;
    counted(&t, "Sở Tài chính, quý I/2022 (2 of 9 items, one value doubted)");

    // ---- The admin returns one item of Lan's, with its own comment ----
    t.set_time("2022-03-07T10:00");
    let told = t.tg.wait_for(t.admin.id, |m| m.text.starts_with("📥") && m.text.contains("Sở Y tế")).await;
    assert!(told.text.contains("quý I/2022") && told.text.contains("10/10"), "{}", told.summary());
    let ret = t.tap(&t.admin, &told, "Trả lại").await;
    let asked = t.tap(&t.admin, &ret, " 13.1 ").await;
    assert!(asked.text.contains("13.1"), "{}", asked.summary());
    let marked = t.say(&t.admin, COMMENT).await;
    t.tap(&t.admin, &marked, "Trả lại với 1 mục").await;
    counted(&t, "the admin's return of one item");

    // Lan meets the item asked for first, fixes it, sends again.
    t.set_time("2022-03-07T11:00");
    let back = t.tg.wait_for(lan.id, |m| m.text.starts_with("↩️")).await;
    assert!(back.text.contains(COMMENT), "{}", back.summary());
    let menu = t.tap(&lan, &back, "Mở báo cáo để sửa").await;
    let first = menu
        .all_buttons()
        .into_iter()
        .find(|b| b.data.as_deref().is_some_and(|d| d.starts_with("i:")))
        .unwrap();
    assert!(first.text.starts_with('❗') && first.text.contains("13.1"), "{}", menu.summary());
    let screen = t.tap(&lan, &menu, " 13.1 ").await;
    assert!(screen.text.contains(COMMENT), "{}", screen.summary());
    let menu = value(&t, &lan, "10,4", "13.1", "10,4%").await;
    let review = t.tap(&lan, &menu, "Xem lại và gửi").await;
    t.tap(&lan, &review, "Gửi báo cáo").await;
    counted(&t, "Sở Y tế, the item fixed");

    // The admin accepts both; the history says which item was asked for.
    t.set_time("2022-03-07T12:00");
    let again = t.tg.wait_for(t.admin.id, |m| m.text.starts_with("📥") && m.text.contains("Sở Y tế")).await;
    t.tap(&t.admin, &again, "Chấp nhận").await;
    let finance =
        t.tg.messages(t.admin.id)
            .into_iter()
            .find(|m| m.text.starts_with("📥") && m.text.contains("Sở Tài chính"))
            .unwrap();
    t.tap(&t.admin, &finance, "Chấp nhận").await;
    t.tg.mark_read(t.admin.id);
    let history = t.say(&t.admin, "/lichsu SYT 13.1").await;
    assert!(
        history.text.contains("yêu cầu sửa mục này") && history.text.contains(COMMENT),
        "{}",
        history.text
    );
    t.take_counts();

    // The old reminder's button shows the accepted report locked; /baocao opens the overdue
    // action programme and says so, and that the quarter is done.
    t.outbox_idle().await;
    t.tg.mark_read(lan.id);
    let locked = t.tap(&lan, &reminder, "Báo cáo ngay").await;
    assert!(locked.text.contains("🔒") && locked.text.contains("quý I/2022"), "{}", locked.summary());
    let next = t.say(&lan, "/baocao").await;
    assert!(
        next.text.contains(&vi("report-open-overdue", &[("days", "37"), ("last_day", "29/01/2022")])),
        "{}",
        next.text
    );
    assert!(next.text.contains("quý I/2022: đã được chấp nhận"), "{}", next.text);

    // ---- The leader, after the deadline and a week on ----
    t.remind_at("2022-03-15T08:00").await;
    t.remind_at("2022-03-21T08:00").await;
    t.set_time("2022-03-21T09:00");
    t.tg.mark_read(minh.id);
    let status = t.say(&minh, "/tinhhinh").await;
    assert!(status.text.contains("quý I/2022"), "{}", status.text);
    let overdue = t.say(&minh, "/quahan").await;
    assert!(!overdue.text.contains("/moi"), "{}", overdue.text);
    let page = t.tap(&minh, &overdue, "📋").await;
    assert!(page.text.contains("trang 1/"), "{}", page.summary());
    let agency = t.say(&minh, "/donvi SYT").await;
    assert!(agency.text.contains("Trần Thị Lan") && !agency.text.contains("Lan Trần Thị"), "{}", agency.text);
    t.say(&minh, "/chitieu 13").await;
    t.tg.send_text(&minh, "/xuat 2022-Q1");
    let docx =
        t.tg.wait_for(
            minh.id,
            |m| matches!(&m.kind, SentKind::Document { file_name } if file_name.ends_with(".docx")),
        )
        .await;
    let bytes = t.tg.file_bytes(minh.id, docx.message_id).unwrap();
    assert!(support::docx::read(&bytes).all_text().contains(PROPOSAL), "the proposal reaches the report");
    t.outbox_idle().await;
    let checked = support::screens::assert_short_and_each_name_once(&plan, &t.tg.messages(minh.id))
        + support::screens::assert_short_and_each_name_once(&plan, &t.tg.messages(t.admin.id));
    println!("{checked} messages to the leader and the admin, each one screen, each agency named once");

    // ---- The second quarter starts from the first ----
    t.set_time("2022-06-07T09:00");
    t.take_counts();
    let menu = t.say(&lan, "/baocao").await;
    assert!(
        menu.text.contains("quý II/2022") && menu.text.contains("16.a: Hoàn thành, 100%"),
        "{}",
        menu.summary()
    );
    let screen = t.tap(&lan, &menu, " 13.1 ").await;
    assert!(
        screen.text.contains(&vi("item-previous", &[("period", "quý I/2022"), ("value", "10,4%")])),
        "{}",
        screen.text
    );
    let screen = value(&t, &lan, "9,8", "13.1", "9,8%").await;
    let menu = t.tap(&lan, &screen, "« Danh sách").await;
    let menu = t.tap(&lan, &menu, "Giữ nguyên 9 mục").await;
    assert!(menu.text.contains("10/10"), "{}", menu.summary());
    let narrative = t.tap(&lan, &menu, "Nhận định").await;
    assert!(narrative.text.contains(PROPOSAL) && narrative.text.contains("quý I/2022"), "{}", narrative.text);
    let review = t.tap(&lan, &narrative, "Xem lại và gửi").await;
    t.tap(&lan, &review, "Gửi báo cáo").await;
    let (taps, _) = counted(&t, "Sở Y tế, quý II/2022 (one value changed, nine kept)");
    assert!(taps <= 8, "{taps} taps");

    // Hoa: the cumulative revenue is never "kept", and a lower cumulative figure is doubted.
    t.tg.mark_read(hoa.id);
    let menu = t.say(&hoa, "/baocao").await;
    assert!(
        menu.text.contains("9.a: Đang thực hiện, 75%") && !menu.text.contains("5.1:"),
        "{}",
        menu.summary()
    );
    let screen = t.tap(&hoa, &menu, " 5.1 ").await;
    assert!(screen.text.contains("đến hết quý II/2022"), "{}", screen.text);
    assert!(!screen.all_buttons().iter().any(|b| b.text.contains("Không thay đổi")), "{}", screen.summary());
    let doubt = t.say(&hoa, "2.000").await;
    assert!(doubt.text.contains("thấp hơn số đã báo cáo kỳ trước"), "{}", doubt.summary());
    t.tap(&hoa, &doubt, "Gõ lại").await;
    // Twice the first quarter's cumulative is the pace, not a doubtful jump.
    t.say(&hoa, "4.600").await;
    counted(&t, "Sở Tài chính, quý II/2022 (the revenue)");

    // The database holds what was confirmed.
    let store = t.store();
    let syt = AgencyCode::parse("SYT").unwrap();
    let q1 = store.find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt).await.unwrap().unwrap();
    assert_eq!(q1.state, ReportState::Accepted);
    let items = store.items(q1.id).await.unwrap();
    let item = |k: &str| {
        items
            .iter()
            .find(|i| i.key == ItemKey::Task(k.into()) || i.key == ItemKey::Metric(k.into()))
            .cloned()
            .unwrap()
    };
    assert_eq!(item("16.a").note.as_deref(), Some("Đã tiêm đủ 3 mũi cho 95% dân số"));
    assert_eq!((item("16.b").status, item("16.b").percent), (Some(TaskStatus::InProgress), Some(50)));
    assert_eq!((item("16.d").status, item("16.d").percent), (Some(TaskStatus::Blocked), Some(25)));
    assert_eq!(item("13.1").value, Some(dec("10.4")));
    let q2 = store.find_report("09/KH-UBND", "bao-cao-quy", Q2, &syt).await.unwrap().unwrap();
    let kept = store.items(q2.id).await.unwrap();
    assert_eq!(kept.iter().filter(|e| e.is_filled()).count(), 10);
    let stc = AgencyCode::parse("STC").unwrap();
    let hoa_q2 = store.find_report("09/KH-UBND", "bao-cao-quy", Q2, &stc).await.unwrap().unwrap();
    let revenue = store.items(hoa_q2.id).await.unwrap();
    assert_eq!(
        revenue.iter().find(|e| e.key == ItemKey::Metric("5.1".into())).unwrap().value,
        Some(dec("4600"))
    );
    let person = store.person_by_telegram(lan.id).await.unwrap().unwrap();
    assert_eq!(person.name, "Trần Thị Lan");
}

#[tokio::test]
async fn a_conversation_resumes_at_its_step_after_a_restart() {
    let mut t = TestApp::spawn_at("2022-03-08T10:00").await;
    let minh = t.tg.user(5002, "Minh", "vi");
    t.join(&minh, Role::Focal, Some("STC")).await;
    let menu = t.say(&minh, "/baocao").await;
    let task = t.tap(&minh, &menu, " 9.a ").await;
    let screen = t.tap(&minh, &task, "Hoàn thành").await;
    // Open the revenue metric, then the bot restarts before the value is typed.
    let menu = t.tap(&minh, &screen, "« Danh sách").await;
    let screen = t.tap(&minh, &menu, " 5.1 ").await;
    assert!(screen.text.contains("9.002"), "{}", screen.summary());
    t.restart().await;
    let next = t.say(&minh, "2.250").await;
    assert!(next.text.starts_with("✅ Đã lưu 5.1: 2.250 tỷ đồng"), "{}", next.summary());
    t.restart().await;
    // The old message's buttons still work after a second restart.
    let menu = t.tap(&minh, &next, "« Danh sách").await;
    assert!(
        menu.text.contains(&vi("report-progress", &[("filled", "2"), ("total", "9"), ("files", "0")])),
        "{}",
        menu.summary()
    );
    let stc = AgencyCode::parse("STC").unwrap();
    let report = t.store().find_report("09/KH-UBND", "bao-cao-quy", Q1, &stc).await.unwrap().unwrap();
    let items = t.store().items(report.id).await.unwrap();
    let revenue = items.iter().find(|i| i.key == ItemKey::Metric("5.1".into())).unwrap();
    assert_eq!(revenue.value, Some(dec("2250")));
    t.stop().await;
}
