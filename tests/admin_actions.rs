//! The planning department moves one agency's deadline (with a reason the agency hears) and
//! sends a notice to every focal point through the paced sender.

mod support;

use dondoc::domain::people::{Lang, Role};
use dondoc::domain::{AgencyCode, PeriodKey};
use support::app::{TestApp, text};
use support::reports::{hand_in, value};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

#[tokio::test]
async fn an_extension_is_asked_for_a_reason_recorded_told_and_counted_as_granted() {
    let t = TestApp::spawn_at("2022-03-10T09:00").await;
    t.say(&t.admin, "/start").await;
    let lan = t.tg.user(9501, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let syt = AgencyCode::parse("SYT").unwrap();

    // Mistakes get one sentence each and change nothing.
    assert_eq!(t.say(&t.admin, "/giahan SYT").await.text, vi("extend-usage", &[]));
    assert_eq!(
        t.say(&t.admin, "/giahan SYT 2022-Q5 21/03/2022").await.text,
        vi("extend-bad-period", &[("typed", "2022-Q5")])
    );
    assert_eq!(
        t.say(&t.admin, "/giahan SYT 2022-Q1 21.03.2022").await.text,
        vi("extend-bad-date", &[("typed", "21.03.2022")])
    );
    assert_eq!(
        t.say(&t.admin, "/giahan XYZ 2022-Q1 21/03/2022").await.text,
        vi("agency-not-found", &[("query", "XYZ")])
    );
    assert_eq!(
        t.say(&t.admin, "/giahan SYT 2022-Q1 2022-03-14").await.text,
        vi(
            "extend-not-later",
            &[("round", "Báo cáo tiến độ hàng quý"), ("period", "quý I/2022"), ("last_day", "14/03/2022")]
        )
    );
    assert!(t.store().extensions("09/KH-UBND").await.unwrap().is_empty());

    // Stopped before the reason: nothing is granted.
    t.say(&t.admin, "/giahan SYT 2022-Q1 21/03/2022").await;
    assert_eq!(t.say(&t.admin, "/huy").await.text, vi("cancel-nothing-changed", &[]));
    assert_eq!(t.say(&t.admin, "Lý do").await.text, vi("idle-reader", &[]));
    assert!(t.store().extensions("09/KH-UBND").await.unwrap().is_empty());

    // The quarter by default is the quarterly round; the reason comes next.
    let ask = t.say(&t.admin, "/giahan syt 2022-Q1 21/03/2022").await;
    assert_eq!(
        ask.text,
        vi(
            "extend-ask-reason",
            &[
                ("round", "Báo cáo tiến độ hàng quý"),
                ("period", "quý I/2022"),
                ("agency", "Sở Y tế"),
                ("last_day", "14/03/2022"),
                ("new_day", "21/03/2022"),
            ]
        )
    );
    assert_eq!(t.say(&t.admin, "   ").await.text, vi("extend-reason-empty", &[]));
    let reason = "Đơn vị chờ số liệu tiêm chủng của Bộ Y tế";
    let done = t.say(&t.admin, reason).await;
    assert!(done.text.starts_with("✅"), "{}", done.summary());
    let told = t.tg.next_message(lan.id).await;
    assert_eq!(
        told.text,
        vi(
            "extend-focal",
            &[
                ("agency", "Sở Y tế"),
                ("round", "Báo cáo tiến độ hàng quý"),
                ("period", "quý I/2022"),
                ("new_day", "Thứ Hai, 21/03/2022"),
                ("reason", reason),
            ]
        )
    );
    told.button("Báo cáo ngay");
    let granted = t.store().extension("09/KH-UBND", "bao-cao-quy", Q1, &syt).await.unwrap().unwrap();
    let admin = t.store().person_by_telegram(t.admin.id).await.unwrap().unwrap();
    assert_eq!(granted.last_day, chrono::NaiveDate::from_ymd_opt(2022, 3, 21).unwrap());
    assert_eq!((granted.reason.as_str(), granted.granted_by), (reason, Some(admin.id)));

    // Handed in on the 18th: on time by its own last day, as /donvi and the status count it.
    t.set_time("2022-03-18T09:00");
    hand_in(&t, &lan, "SYT", Q1, vec![value("13.1", "10")]).await;
    let health = t.say(&t.admin, "/donvi SYT").await;
    let line = format!("quý I/2022 ✅ {}", vi("agency-year-extended-to", &[("last_day", "21/03/2022")]));
    assert!(health.text.contains(&line), "{line:?} not in:\n{}", health.text);
    let status = t.say(&t.admin, "/tinhhinh").await;
    assert!(status.text.contains("✅ đúng hạn 1 ·"), "{}", status.text);
}

#[tokio::test]
async fn a_notice_is_previewed_then_sent_to_every_focal_point_and_the_blocked_are_counted() {
    let t = TestApp::spawn_at("2022-03-10T09:00").await;
    t.say(&t.admin, "/start").await;
    let mut people = Vec::new();
    for (id, agency) in [(9601, "SYT"), (9602, "STC"), (9603, "SXD")] {
        let user = t.tg.user(id, &format!("Đầu mối {agency}"), "vi");
        t.join(&user, Role::Focal, Some(agency)).await;
        people.push(user);
    }
    let leader = t.tg.user(9700, "Lãnh đạo", "vi");
    t.join(&leader, Role::Leader, None).await;

    // Without text, the bot asks for it; the preview says to how many it goes.
    assert_eq!(t.say(&t.admin, "/thongbao").await.text, vi("broadcast-ask", &[]));
    let notice = "Họp giao ban trực tuyến lúc 14:00 thứ Sáu, 11/03/2022.";
    let preview = t.say(&t.admin, notice).await;
    assert_eq!(preview.text, vi("broadcast-preview", &[("count", "3"), ("text", notice)]));
    // Nothing goes out before "Gửi".
    t.tg.expect_silence(people[0].id, std::time::Duration::from_millis(200)).await;

    // One of them has blocked the bot since joining.
    t.tg.block(people[2].id);
    t.tg.press(&t.admin, preview.message_id, &preview.data("Gửi"));
    // The admin's chat does not wait: a progress message comes at once, with a stop button, and
    // is brought up to date as the notice goes out.
    let sending = t.tg.next_message(t.admin.id).await;
    assert_eq!(
        sending.text,
        vi("broadcast-progress", &[("sent", "0"), ("failed", "0"), ("total", "3")]),
        "{}",
        sending.summary()
    );
    sending.button("Dừng gửi");
    let finished =
        vi("broadcast-finished", &[("sent", "2"), ("failed", "1"), ("cancelled", "0"), ("total", "3")]);
    let report =
        t.tg.wait_for(t.admin.id, |m| m.message_id == sending.message_id && m.text == finished).await;
    assert!(report.edited && report.buttons.is_empty(), "{}", report.summary());
    // The admins also hear that the third blocked the bot (before or after the last edit).
    t.outbox_idle().await;
    assert!(t.tg.messages(t.admin.id).iter().any(|m| m.text.starts_with("⛔")));
    for user in &people[..2] {
        assert_eq!(t.tg.next_message(user.id).await.text, vi("broadcast-message", &[("text", notice)]));
    }
    let blocked = t.store().person_by_telegram(people[2].id).await.unwrap().unwrap();
    assert!(!blocked.reachable, "a 403 marks the person unreachable");
    t.tg.expect_silence(leader.id, std::time::Duration::from_millis(200)).await;

    // A second tap finds nothing waiting; a notice typed with the command is previewed at once.
    t.tg.mark_read(t.admin.id);
    t.tg.press(&t.admin, preview.message_id, &preview.data("Gửi"));
    assert_eq!(t.tg.next_message(t.admin.id).await.text, vi("broadcast-nothing", &[]));
    let direct = t.say(&t.admin, "/thongbao Nộp báo cáo quý trước 14/03").await;
    assert_eq!(
        direct.text,
        vi("broadcast-preview", &[("count", "3"), ("text", "Nộp báo cáo quý trước 14/03")])
    );
    // Stopped at the preview: nothing goes out.
    assert_eq!(t.say(&t.admin, "/huy").await.text, vi("cancel-nothing-changed", &[]));
    t.tg.press(&t.admin, direct.message_id, &direct.data("Gửi"));
    assert_eq!(t.tg.next_message(t.admin.id).await.text, vi("broadcast-nothing", &[]));
    t.tg.expect_silence(people[0].id, std::time::Duration::from_millis(200)).await;
    assert_eq!(t.store().audit_entries("broadcast").await.unwrap().len(), 1);
}
