//! A focal point's whole report, as a person does it on a phone: join by link, fill in every
//! item of the agency, attach a file, review, send; the database holds exactly that.

mod support;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, ReportState, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use rust_decimal::Decimal;
use support::app::{TestApp, text};
use support::telegram::{SentMessage, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

/// /baocao, and the first-quarter report out of the open rounds.
async fn open_q1(t: &TestApp, user: &TgUser) -> SentMessage {
    let choose = t.say(user, "/baocao").await;
    assert_eq!(choose.text, text(Lang::Vi, "report-choose", &[]), "{}", choose.summary());
    t.tap(user, &choose, "2022-Q1").await
}

/// Task flow: the item, a status, then (for "in progress") a percent, then a note or skip.
async fn report_task(
    t: &TestApp,
    user: &TgUser,
    menu: &SentMessage,
    code: &str,
    done: bool,
    note: Option<&str>,
) -> SentMessage {
    let task = t.tap(user, menu, &format!(" {code} ")).await;
    assert!(task.text.contains(&format!("{code}:")), "{}", task.summary());
    let status = if done { "Hoàn thành" } else { "Đang thực hiện" };
    let mut next = t.tap(user, &task, status).await;
    if !done {
        assert!(next.text.contains("phần trăm"), "{}", next.summary());
        next = t.tap(user, &next, "50%").await;
    }
    assert_eq!(next.text, text(Lang::Vi, "item-ask-note", &[("code", code), ("max", "1000")]));
    match note {
        Some(n) => {
            let saved = t.say(user, n).await;
            assert_eq!(saved.text, text(Lang::Vi, "item-saved", &[("code", code)]));
            t.tg.next_message(user.id).await
        }
        None => t.tap(user, &next, "Bỏ qua").await,
    }
}

async fn report_metric(
    t: &TestApp,
    user: &TgUser,
    menu: &SentMessage,
    code: &str,
    value: &str,
) -> SentMessage {
    let screen = t.tap(user, menu, &format!(" {code} ")).await;
    assert!(screen.text.contains(&format!("Chỉ số {code}")), "{}", screen.summary());
    let note = t.say(user, value).await;
    assert_eq!(
        note.text,
        text(Lang::Vi, "item-ask-note", &[("code", code), ("max", "1000")]),
        "{}",
        note.summary()
    );
    t.tap(user, &note, "Bỏ qua").await
}

#[tokio::test]
async fn a_focal_point_joins_reports_every_item_and_submits() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    // The planning department's admin has used the bot, so reports reach them.
    t.tg.send_text(&t.admin, "/start");
    t.tg.next_message(t.admin.id).await;

    let lan = t.tg.user(5001, "Lan", "vi");
    let greeting = t.join(&lan, Role::Focal, Some("SYT")).await;
    assert_eq!(
        greeting.text,
        text(
            Lang::Vi,
            "join-welcome-focal",
            &[("name", "Lan"), ("agency", "Sở Y tế"), ("plan", "09/KH-UBND")]
        )
    );
    let menu_commands = t.tg.my_commands();
    assert!(
        menu_commands.iter().any(|(_, _, cmds)| cmds.iter().any(|(c, _)| c == "baocao")),
        "a focal point's menu: {menu_commands:?}"
    );

    let mut menu = open_q1(&t, &lan).await;
    assert!(menu.text.contains("Sở Y tế") && menu.text.contains("Thứ Hai, 14/03/2022"), "{}", menu.summary());
    assert!(menu.text.contains(&text(
        Lang::Vi,
        "report-progress",
        &[("filled", "0"), ("total", "10"), ("files", "0")]
    )));

    // Five tasks: done with a note, in progress at 50 %, and so on.
    menu = report_task(&t, &lan, &menu, "16.a", true, Some("Đã tiêm đủ 3 mũi cho 95% dân số")).await;
    menu = report_task(&t, &lan, &menu, "16.b", false, None).await;
    menu = report_task(&t, &lan, &menu, "16.c", true, None).await;
    // "No change" in the first quarter: there is nothing before it to keep.
    let item = t.tap(&lan, &menu, " 16.d ").await;
    let nothing = t.tap(&lan, &item, "Không thay đổi").await;
    assert!(nothing.text.starts_with(&text(Lang::Vi, "no-change-nothing", &[])), "{}", nothing.summary());
    menu = t.tap(&lan, &nothing, "« Danh sách").await;
    menu = report_task(&t, &lan, &menu, "16.d", false, Some("Đang vận động mua BHYT")).await;
    menu = report_task(&t, &lan, &menu, "16.đ", true, None).await;

    // Five metrics, typed the Vietnamese way.
    menu = report_metric(&t, &lan, &menu, "8.1", "6,1").await;
    menu = report_metric(&t, &lan, &menu, "13.1", "10,2").await;
    menu = report_metric(&t, &lan, &menu, "13.2", "8,7").await;
    menu = report_metric(&t, &lan, &menu, "13.3", "35").await;
    menu = report_metric(&t, &lan, &menu, "13.4", "91,5 %").await;
    assert!(
        menu.text.contains(&text(
            Lang::Vi,
            "report-progress",
            &[("filled", "10"), ("total", "10"), ("files", "0")]
        )),
        "{}",
        menu.summary()
    );

    // A file as evidence.
    t.tg.send_document(&lan, "FILE-1", "UNIQ-1", "bao-cao-y-te-q1.pdf", 245_000, "application/pdf");
    let attached = t.tg.next_message(lan.id).await;
    assert_eq!(
        attached.text,
        text(Lang::Vi, "attach-done", &[("name", "bao-cao-y-te-q1.pdf"), ("size", "240 KB")])
    );
    menu = t.tap(&lan, &attached, "« Danh sách").await;

    // Review on one screen, then send.
    let review = t.tap(&lan, &menu, "Xem lại và gửi").await;
    assert!(review.text.contains("6,1 ‰") || review.text.contains("6,1‰"), "{}", review.summary());
    assert!(review.text.contains("bao-cao-y-te-q1.pdf"));
    assert!(review.text.contains(&text(Lang::Vi, "review-complete", &[])));
    let done = t.tap(&lan, &review, "Gửi báo cáo").await;
    assert!(done.text.starts_with("✅"), "{}", done.summary());

    // The admin was told, with the agency, round and period, and the review buttons.
    let told = t.tg.next_message(t.admin.id).await;
    assert!(
        told.text.contains("Sở Y tế") && told.text.contains("2022-Q1") && told.text.contains("10/10"),
        "{}",
        told.summary()
    );
    told.button("Chấp nhận");

    // The database holds exactly what was confirmed.
    let store = t.store();
    let syt = AgencyCode::parse("SYT").unwrap();
    let report = store.find_report("09/KH-UBND", "bao-cao-quy", Q1, &syt).await.unwrap().unwrap();
    assert_eq!(report.state, ReportState::Submitted);
    assert!(report.first_submitted_at.is_some());
    let items = store.items(report.id).await.unwrap();
    assert_eq!(items.len(), 10);
    let item = |k: ItemKey| items.iter().find(|i| i.key == k).cloned().unwrap();
    let a = item(ItemKey::Task("16.a".into()));
    assert_eq!(
        (a.status, a.percent, a.note.as_deref()),
        (Some(TaskStatus::Done), Some(100), Some("Đã tiêm đủ 3 mũi cho 95% dân số"))
    );
    let b = item(ItemKey::Task("16.b".into()));
    assert_eq!((b.status, b.percent, b.note.as_deref()), (Some(TaskStatus::InProgress), Some(50), None));
    assert_eq!(item(ItemKey::Task("16.d".into())).note.as_deref(), Some("Đang vận động mua BHYT"));
    assert_eq!(item(ItemKey::Metric("8.1".into())).value, Some(dec("6.1")));
    assert_eq!(item(ItemKey::Metric("13.1".into())).value, Some(dec("10.2")));
    assert_eq!(item(ItemKey::Metric("13.3".into())).value, Some(dec("35")));
    assert_eq!(item(ItemKey::Metric("13.4".into())).value, Some(dec("91.5")));
    let files = store.attachments(report.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].file_id.as_str(), files[0].file_size), ("FILE-1", Some(245_000)));
    // Every change is in the history, with who and when.
    let events = store.report_events(report.id).await.unwrap();
    let person = store.person_by_telegram(lan.id).await.unwrap().unwrap();
    assert!(events.iter().all(|e| e.person == Some(person.id)));
    assert_eq!(events.iter().filter(|e| e.kind == "submitted").count(), 1);
    assert_eq!(events.iter().filter(|e| e.kind == "attached").count(), 1);
    // Tasks: one change each (a status and its percent, together); two notes; metrics: a value
    // each.
    assert_eq!(events.iter().filter(|e| e.kind == "item_changed").count(), 3 + 2 + 2 + 5);
}

#[tokio::test]
async fn a_conversation_resumes_at_its_step_after_a_restart() {
    let mut t = TestApp::spawn_at("2022-03-08T10:00").await;
    let minh = t.tg.user(5002, "Minh", "vi");
    t.join(&minh, Role::Focal, Some("STC")).await;
    let menu = open_q1(&t, &minh).await;
    let menu = report_task(&t, &minh, &menu, "9.a", true, None).await;
    // Open the revenue metric, then the bot restarts before the value is typed.
    let screen = t.tap(&minh, &menu, " 5.1 ").await;
    assert!(screen.text.contains("9.002"), "{}", screen.summary());
    t.restart().await;
    let note = t.say(&minh, "2.250").await;
    assert_eq!(
        note.text,
        text(Lang::Vi, "item-ask-note", &[("code", "5.1"), ("max", "1000")]),
        "{}",
        note.summary()
    );
    t.restart().await;
    // The old message's buttons still work after a second restart.
    let menu = t.tap(&minh, &note, "Bỏ qua").await;
    assert!(
        menu.text.contains(&text(
            Lang::Vi,
            "report-progress",
            &[("filled", "2"), ("total", "9"), ("files", "0")]
        )),
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
