//! What people type that round 1 misread, invites taken back and moved between, guessed codes
//! and floods slowed (issue 8, items 10 to 13): each gets a clear answer and changes nothing it
//! should not.

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use support::app::{TestApp, text};
use support::telegram::TgUser;

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

#[tokio::test]
async fn commands_typed_wrong_get_a_clear_answer() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    // "-1" is no indicator (round 1 showed indicator 1).
    assert_eq!(t.say(&t.admin, "/chitieu -1").await.text, vi("indicator-not-found", &[("query", "-1")]));
    // Two agencies for one invite (round 1 silently used the second).
    assert_eq!(
        t.say(&t.admin, "/moi SYT CTK").await.text,
        vi("invite-two-agencies", &[("first", "SYT"), ("second", "CTK")])
    );
    // An extension to the year 9999 (round 1 took it).
    assert_eq!(
        t.say(&t.admin, "/giahan SYT 2022-Q1 31/12/9999").await.text,
        vi(
            "extend-too-late",
            &[("round", "Báo cáo tiến độ hàng quý"), ("period", "quý I/2022"), ("latest", "14/06/2022")]
        )
    );
    assert_eq!(t.store().count_rows("deadline_extension").await.unwrap(), 0);
    // A command whose bot name the phone cut short (round 1 said nothing).
    let lan = t.tg.user(8001, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let menu = t.say(&lan, "/baocao@").await;
    assert!(menu.text.starts_with("📋 Báo cáo tiến độ hàng quý, quý I/2022"), "{}", menu.summary());
}

#[tokio::test]
async fn a_note_of_invisible_characters_is_empty_and_a_huge_file_is_explained() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let lan = t.tg.user(8101, "Lan", "vi");
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let menu = t.say(&lan, "/baocao").await;
    let task = t.tap(&lan, &menu, " 16.a ").await;
    let next = t.tap(&lan, &task, "Hoàn thành").await;
    t.tap(&lan, &next, "Ghi chú cho 16.a").await;
    assert_eq!(t.say(&lan, "\u{200B}\u{200D}\u{FEFF}").await.text, vi("note-empty", &[]));
    // A 5 GB file: not "the bot reads only text, numbers, files and photos".
    t.tg.send_document(&lan, "BIG-1", "big-1", "video-hop.mp4", 5 * 1024 * 1024 * 1024, "video/mp4");
    let said = t.tg.next_message(lan.id).await;
    assert_eq!(said.text, vi("message-unreadable", &[]), "{}", said.summary());
}

/// A focal point of the health department, joined, their name kept with a tap.
async fn focal(t: &TestApp, id: i64, agency: &str) -> TgUser {
    let user = t.tg.user(id, "Lan", "vi");
    let welcome = t.join(&user, Role::Focal, Some(agency)).await;
    t.tap(&user, &welcome, "✅").await;
    user
}

#[tokio::test]
async fn invites_are_listed_taken_back_and_a_move_is_confirmed_first() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    t.say(&t.admin, "/start").await;
    let lan = focal(&t, 8201, "SYT").await;
    // An invite to the statistics office: Lan is asked before she is moved (round 1 moved her
    // silently, and SYT lost its focal point).
    let code = t.invite(Role::Focal, Some("CTK")).await;
    let ask = t.say(&lan, &format!("/start {code}")).await;
    assert!(ask.text.contains("Sở Y tế") && ask.text.contains("Cục Thống kê"), "{}", ask.summary());
    let kept = t.tap(&lan, &ask, "Giữ nguyên").await;
    assert_eq!(kept.text, vi("join-kept", &[]));
    let person = t.store().person_by_telegram(lan.id).await.unwrap().unwrap();
    assert_eq!(person.agency.as_ref().map(|a| a.as_str()), Some("SYT"));
    let ask = t.say(&lan, &format!("/start {code}")).await;
    let moved = t.tap(&lan, &ask, "Chuyển").await;
    assert!(moved.text.starts_with("Chào Lan") && moved.text.contains("Cục Thống kê"), "{}", moved.summary());
    assert_eq!(t.store().audit_count("person_moved").await.unwrap(), 1);
    // The admin lists the open invites and takes one back; its link no longer works.
    let spare = t.invite(Role::Leader, None).await;
    let list = t.say(&t.admin, "/moi ds").await;
    assert!(
        list.text.contains(&vi("invites-header", &[("open", "1"), ("total", "3")])),
        "{}",
        list.summary()
    );
    assert!(!list.text.contains(&spare), "codes are never shown again");
    let revoked = t.tap(&t.admin, &list, "Thu hồi").await;
    assert!(revoked.text.starts_with("Đã thu hồi"), "{}", revoked.summary());
    let late = t.tg.user(8202, "Minh", "vi");
    assert_eq!(t.say(&late, &format!("/start {spare}")).await.text, vi("join-revoked", &[]));
    // An admin who follows a focal point's link stays an admin.
    let focal_code = t.invite(Role::Focal, Some("SXD")).await;
    assert_eq!(t.say(&t.admin, &format!("/start {focal_code}")).await.text, vi("join-admin-stays", &[]));
    let admin = t.store().person_by_telegram(t.admin.id).await.unwrap().unwrap();
    assert_eq!(admin.role, Role::Admin);
}

#[tokio::test]
async fn guessed_invite_codes_lock_the_guesser_out_for_a_while() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let guesser = t.tg.user(8301, "Đoán", "vi");
    for i in 0..5 {
        let reply = t.say(&guesser, &format!("/start AAAAAAAAAAAAAAAAAAAAA{i}")).await;
        assert_eq!(reply.text, vi("join-unknown", &[]));
    }
    // Even a right code waits now (round 1 took about 670 guesses a second).
    let code = t.invite(Role::Focal, Some("SYT")).await;
    let locked = t.say(&guesser, &format!("/start {code}")).await;
    assert!(locked.text.starts_with("Bạn đã nhập sai mã mời nhiều lần"), "{}", locked.summary());
    assert!(t.store().person_by_telegram(guesser.id).await.unwrap().is_none());
    // Someone else is not held back.
    let other = t.tg.user(8302, "Khác", "vi");
    assert!(t.say(&other, &format!("/start {code}")).await.text.starts_with("Chào Khác"));
    // Five refusals, one audit row.
    assert_eq!(t.store().audit_count("invite_refused").await.unwrap(), 5);
    assert_eq!(t.store().audit_entries("invite_refused").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_flood_is_told_once_and_then_ignored() {
    let t = TestApp::spawn_with("2022-03-07T09:00", |s| s.flood_per_minute = 10).await;
    let lan = focal(&t, 8401, "SYT").await;
    t.tg.mark_read(lan.id);
    for i in 0..15 {
        t.tg.send_text(&lan, &format!("tin {i}"));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got = t.tg.messages(lan.id);
    let idle = vi("idle-focal", &[]);
    let answered = got.iter().filter(|m| m.text == idle).count();
    let slowed = got.iter().filter(|m| m.text == vi("slow-down", &[])).count();
    // The join's /start and the tap that kept the name counted as two of the ten.
    assert_eq!((answered, slowed), (8, 1), "{:#?}", got.iter().map(|m| m.summary()).collect::<Vec<_>>());
}
