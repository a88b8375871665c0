//! A provincial leader asks the bot where the plan stands, as on a phone: the current period,
//! an indicator, an agency, who is overdue, the charts. What the bot says is what the reports
//! in the database say.

mod support;

use std::time::Duration;

use dondoc::domain::PeriodKey;
use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemKey, TaskStatus};
use support::app::{TestApp, text};
use support::reports::{hand_in, narrative, note, progress, value};
use support::telegram::{SentKind, SentMessage, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);

/// Sends a command and returns everything the bot answers (a long answer comes in parts).
async fn ask(t: &TestApp, user: &TgUser, words: &str) -> Vec<SentMessage> {
    t.tg.send_text(user, words);
    let mut out = vec![t.tg.next_message(user.id).await];
    while let Some(more) = t.tg.next_message_within(user.id, Duration::from_millis(300)).await {
        out.push(more);
    }
    out
}

fn joined(messages: &[SentMessage]) -> String {
    messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// Decodes a PNG and returns its size.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("the PNG's image data");
    (info.width, info.height)
}

/// The picture a button sends, checked as a real PNG a phone shows well.
async fn chart_from(t: &TestApp, user: &TgUser, msg: &SentMessage, button: &str) -> SentMessage {
    t.tg.press(user, msg.message_id, &msg.data(button));
    let photo = t.tg.next_message(user.id).await;
    assert_eq!(photo.kind, SentKind::Photo, "{}", photo.summary());
    let bytes = t.tg.file_bytes(user.id, photo.message_id).expect("the uploaded picture");
    let (w, h) = png_size(&bytes);
    assert!(w >= 800 && h >= 600, "a {w}×{h} chart");
    photo
}

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

#[tokio::test]
async fn a_leader_asks_each_command_and_sees_what_the_reports_say() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let plan = dondoc::bundled::plan().unwrap();
    let agencies = plan.agencies.len();
    let hoa = t.tg.user(7001, "Hoa", "vi");
    t.join(&hoa, Role::Focal, Some("STC")).await;
    let lan = t.tg.user(7002, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let an = t.tg.user(7003, "An", "vi");
    t.join(&an, Role::Focal, Some("CAT")).await;
    let leader = t.tg.user(7100, "Chủ tịch", "vi");
    t.join(&leader, Role::Leader, None).await;

    // Finance hands in revenue and a task; Health two metrics; the police a narrative.
    hand_in(
        &t,
        &hoa,
        "STC",
        Q1,
        vec![
            value("5.1", "2250.5"),
            progress("9.a", TaskStatus::InProgress, 60),
            note(ItemKey::Task("9.a".into()), "Đang rà soát nguồn thu"),
        ],
    )
    .await;
    hand_in(&t, &lan, "SYT", Q1, vec![value("13.1", "10.2"), value("13.4", "91.5")]).await;
    hand_in(&t, &an, "CAT", Q1, vec![narrative(17, "Giữ vững an ninh chính trị")]).await;
    // Lan is later marked as having blocked the bot.
    let lan_id = t.store().person_by_telegram(lan.id).await.unwrap().unwrap().id;
    t.store().set_reachable(lan_id, false).await.unwrap();

    // /tinhhinh: the quarter whose last day is next, and the action programme still open.
    let status = ask(&t, &leader, "/tinhhinh").await;
    let screen = &status[0];
    let rate = |n: usize| ((n * 100 + agencies / 2) / agencies).to_string();
    for expected in [
        vi(
            "status-heading",
            &[
                ("plan", "09/KH-UBND"),
                ("round", "Báo cáo tiến độ hàng quý"),
                ("period", "quý I/2022"),
                ("last_day", "Thứ Hai, 14/03/2022"),
            ],
        ),
        vi(
            "status-agencies",
            &[
                ("total", &agencies.to_string()),
                ("on_time", "3"),
                ("late", "0"),
                ("missing", "0"),
                ("pending", &(agencies - 3).to_string()),
            ],
        ),
        vi("status-rates", &[("reporting", &rate(3)), ("punctual", &rate(3))]),
        // 5.1 reaches a quarter of 9.002 and 13.1 stays under 10,5 %; 13.4 misses 92,81 %.
        vi(
            "status-metrics",
            &[
                ("total", &plan.metric_count().to_string()),
                ("on_track", "2"),
                ("behind", "1"),
                ("not_reported", &(plan.metric_count() - 3).to_string()),
            ],
        ),
        vi(
            "status-other-line",
            &[
                ("round", "Chương trình hành động"),
                ("period", "năm 2022"),
                ("last_day", "29/01/2022"),
                ("reporting", "0"),
                ("punctual", "0"),
                ("missing", &agencies.to_string()),
            ],
        ),
    ] {
        assert!(screen.text.contains(&expected), "{expected:?} not in:\n{}", screen.text);
    }
    assert!(screen.text.chars().count() < 1000, "one phone screen: {}", screen.text);
    chart_from(&t, &leader, screen, "Biểu đồ nộp báo cáo").await;

    // /quahan: nobody has sent the action programme, 37 days after its last day. One screen:
    // the counts (who the bot reaches), the first names, every agency a tap away.
    let overdue = ask(&t, &leader, "/quahan").await;
    assert_eq!(overdue.len(), 1, "one message");
    let overdue = &overdue[0];
    for expected in [
        vi(
            "overdue-heading",
            &[
                ("round", "Chương trình hành động"),
                ("period", "năm 2022"),
                ("last_day", "29/01/2022"),
                ("count", &agencies.to_string()),
                ("days", "37"),
            ],
        ),
        vi(
            "overdue-counts",
            &[("reachable", "2"), ("blocked", "1"), ("nobody", &(agencies - 3).to_string())],
        ),
        vi("overdue-no-focal-hint-leader", &[]),
    ] {
        assert!(overdue.text.contains(&expected), "{expected:?} not in:\n{}", overdue.text);
    }
    assert!(overdue.text.ends_with(&vi("overdue-blocked-hint", &[])), "{}", overdue.text);
    assert!(!overdue.text.contains("/moi"), "an admin's command: {}", overdue.text);
    assert!(overdue.text.chars().count() <= 1000, "{}", overdue.text);
    let mut page = t.tap(&leader, overdue, "📋").await;
    let mut pages = vec![page.text.clone()];
    while page.all_buttons().iter().any(|b| b.text.contains("Sau")) {
        page = t.tap(&leader, &page, "Sau").await;
        assert!(page.edited, "pages turn in place");
        pages.push(page.text.clone());
    }
    let full = pages.join("\n");
    let short = |code: &str| dondoc::present::agency_short(&plan, Lang::Vi, code);
    let hoa_ok = vi("overdue-focal-reachable", &[("name", "Hoa")]);
    let finance = vi("overdue-line", &[("agency", &short("STC")), ("days", "37"), ("focal", &hoa_ok)]);
    assert!(full.contains(&finance), "{finance:?} not in:\n{full}");
    let lan_blocked = vi("overdue-focal-blocked", &[("name", "Lan")]);
    let health = vi("overdue-line", &[("agency", &short("SYT")), ("days", "37"), ("focal", &lan_blocked)]);
    assert!(full.contains(&health), "{health:?} not in:\n{full}");
    let nobody = vi("overdue-no-focal", &[]);
    let building = vi("overdue-line", &[("agency", &short("SXD")), ("days", "37"), ("focal", &nobody)]);
    assert!(full.contains(&building), "{building:?} not in:\n{full}");
    assert!(pages.iter().all(|p| p.chars().count() <= 1000), "{pages:#?}");

    // /donvi: by a few unaccented letters; the latest report item by item and the year.
    let finance = joined(&ask(&t, &leader, "/donvi tai chinh").await);
    for expected in [
        vi("agency-heading", &[("name", "Sở Tài chính"), ("code", "STC")]),
        vi("agency-focal", &[("people", "Hoa")]),
        vi(
            "agency-latest",
            &[
                ("round", "Báo cáo tiến độ hàng quý"),
                ("period", "quý I/2022"),
                ("state", &vi("state-submitted", &[])),
                ("at", "09:00 07/03/2022"),
            ],
        ),
        "• 5.1 Tổng thu ngân sách nhà nước: 2.250,5 tỷ đồng · ▓▓░░░░░░░░ 25,0%".to_owned(),
        "🔄 đang làm 1".to_owned(),
        format!("⬜ 5.2 Thu ngân sách trên địa bàn: {}", vi("agency-item-missing", &[])),
        vi("agency-year-round", &[("round", "Chương trình hành động"), ("periods", "năm 2022 ❌")]),
        vi(
            "agency-year-round",
            &[
                ("round", "Báo cáo tiến độ hàng quý"),
                ("periods", "quý I/2022 ✅ · quý II/2022 ⏳ · quý III/2022 ⏳ · quý IV/2022 ⏳"),
            ],
        ),
    ] {
        assert!(finance.contains(&expected), "{expected:?} not in:\n{finance}");
    }
    let several = ask(&t, &leader, "/donvi châu thành").await;
    assert_eq!(several[0].text, vi("agency-choose", &[("count", "2"), ("query", "châu thành")]));
    t.tg.press(&leader, several[0].message_id, &several[0].data("Châu Thành A"));
    let chau_thanh_a = t.tg.next_message(leader.id).await;
    assert!(
        chau_thanh_a.text.starts_with("🏢 UBND huyện Châu Thành A (H-CHAUTHANHA)"),
        "{}",
        chau_thanh_a.summary()
    );
    assert!(chau_thanh_a.text.contains(&vi("agency-no-focal", &[])));
    assert!(chau_thanh_a.text.contains(&vi("agency-no-report", &[])));
    assert_eq!(
        ask(&t, &leader, "/donvi bộ ngoại giao").await[0].text,
        vi("agency-not-found", &[("query", "bộ ngoại giao")])
    );

    // In June, Finance hands in the second quarter: the indicator shows it beside the first.
    t.set_time("2022-06-10T09:00");
    hand_in(&t, &hoa, "STC", Q2, vec![value("5.1", "4600")]).await;
    let budget = ask(&t, &leader, "/chitieu ngân sách").await;
    let screen = &budget[0];
    for expected in [
        vi("indicator-heading", &[("number", "5"), ("name", "Thu ngân sách nhà nước")]),
        vi(
            "indicator-latest",
            &[
                ("period", "quý II/2022"),
                ("value", "4.600 tỷ đồng"),
                ("bar", "▓▓▓▓▓░░░░░ 51,0%"),
                ("progress", &vi("progress-on-track", &[])),
            ],
        ),
        vi("indicator-previous", &[("period", "quý I/2022"), ("value", "2.250,5 tỷ đồng")]),
        vi("indicator-who", &[("agency", "Sở Tài chính"), ("person", "Hoa"), ("at", "09:00 10/06/2022")]),
        // Sở Tài chính is named once, by the first metric.
        vi("indicator-no-value-again", &[]),
    ] {
        assert!(screen.text.contains(&expected), "{expected:?} not in:\n{}", screen.text);
    }
    chart_from(&t, &leader, screen, "Biểu đồ").await;

    // A qualitative indicator shows its narratives; a word of several names asks which.
    let defence = ask(&t, &leader, "/chitieu 17").await;
    assert!(
        defence[0].text.contains(&vi(
            "indicator-narrative",
            &[
                ("agency", "Công an tỉnh"),
                ("period", "quý I/2022"),
                ("person", "An"),
                ("at", "09:00 07/03/2022"),
                ("text", "Giữ vững an ninh chính trị"),
            ]
        )),
        "{}",
        defence[0].summary()
    );
    // "Tỷ lệ" starts the names of six indicators' metrics (8 to 13).
    let rates = ask(&t, &leader, "/chitieu tỷ lệ").await;
    assert_eq!(rates[0].text, vi("indicator-choose", &[("count", "6"), ("query", "tỷ lệ")]));
    t.tg.press(&leader, rates[0].message_id, &rates[0].data("(9)"));
    let urban = t.tg.next_message(leader.id).await;
    assert!(urban.text.starts_with("📈 (9) Đô thị hóa"), "{}", urban.summary());
    assert_eq!(ask(&t, &leader, "/chitieu 99").await[0].text, vi("indicator-not-found", &[("query", "99")]));

    // A leader who reads English gets the same screen in English.
    let governor = t.tg.user(7101, "Governor", "en");
    t.join(&governor, Role::Leader, None).await;
    let status = ask(&t, &governor, "/status").await;
    let heading = text(
        Lang::En,
        "status-heading",
        &[
            ("plan", "09/KH-UBND"),
            ("round", "Quarterly progress report"),
            ("period", "Q2 2022"),
            (
                "last_day",
                &text(Lang::En, "date-with-weekday", &[("weekday", "Tuesday"), ("date", "14/06/2022")]),
            ),
        ],
    );
    assert!(status[0].text.starts_with(&heading), "{}", status[0].text);
    status[0].button("Reporting chart");
}
