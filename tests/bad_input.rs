//! Bad input, forged buttons, reused invites and duplicate deliveries: each gets one clear
//! sentence (or nothing) and changes nothing that was saved.

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use dondoc::store::Store;
use support::app::{TestApp, text};
use support::telegram::{SentMessage, TgUser};

/// Everything a person can change, as one comparable value.
async fn snapshot(store: &Store) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for table in [
        "person",
        "invite",
        "report",
        "report_item",
        "report_attachment",
        "report_event",
        "deadline_extension",
    ] {
        out.push((table.to_owned(), store.count_rows(table).await.unwrap()));
    }
    out.push(("items".into(), store.fingerprint().await.unwrap()));
    out
}

/// A focal point of the finance department with the Q1 report open on its revenue metric.
async fn on_revenue(t: &TestApp) -> (TgUser, SentMessage) {
    let hoa = t.tg.user(6001, "Hoa", "vi");
    t.join(&hoa, Role::Focal, Some("STC")).await;
    let menu = t.say(&hoa, "/baocao").await;
    let metric = t.tap(&hoa, &menu, " 5.1 ").await;
    (hoa, metric)
}

#[tokio::test]
async fn a_dozen_bad_inputs_each_get_one_sentence_and_change_nothing() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let (hoa, _) = on_revenue(&t).await;
    let before = snapshot(t.store()).await;
    let vi = |key: &str, args: &[(&'static str, &str)]| text(Lang::Vi, key, args);
    let step = vi("help-metric-value", &[]);

    // A value in the English notation: only readings that exist are offered (a thousands group
    // has three digits, so "1.5" is not 15), both when there are two, nothing is guessed.
    assert_eq!(
        t.say(&hoa, "1.5").await.text,
        vi("value-malformed-suggest", &[("typed", "1.5"), ("suggestion", "1,5")])
    );
    assert_eq!(
        t.say(&hoa, "2250.500").await.text,
        vi("value-ambiguous", &[("typed", "2250.500"), ("first", "2.250,5"), ("second", "2.250.500")])
    );
    // A thousands group of two digits says why, with an example.
    assert_eq!(
        t.say(&hoa, "22 50").await.text,
        vi("value-bad-group", &[("typed", "22 50"), ("example", "2.250")])
    );
    assert_eq!(
        t.say(&hoa, "1,234.5").await.text,
        vi("value-malformed-suggest", &[("typed", "1,234.5"), ("suggestion", "1.234,5")])
    );
    assert_eq!(t.say(&hoa, "chín nghìn").await.text, vi("value-unreadable", &[("example", "2.250")]));
    assert_eq!(
        t.say(&hoa, "2.250 triệu đồng").await.text,
        vi("value-wrong-unit", &[("typed", "triệu đồng"), ("unit", "tỷ đồng")])
    );
    assert_eq!(t.say(&hoa, &"9".repeat(70)).await.text, vi("value-too-long", &[("max", "64")]));
    // A sticker, a voice message, an edited message.
    t.tg.send_sticker(&hoa);
    assert_eq!(t.tg.next_message(hoa.id).await.text, vi("unsupported-message", &[("step", &step)]));
    t.tg.send_voice(&hoa);
    assert_eq!(t.tg.next_message(hoa.id).await.text, vi("unsupported-message", &[("step", &step)]));
    // A zero-width space copied along with the figure is no unit: the value is taken.
    let update = t.tg.send_text(&hoa, "2.250\u{200b}");
    let reply = t.tg.next_message(hoa.id).await;
    assert!(reply.text.contains("5.1"), "the value was taken: {}", reply.summary());
    let after_value = snapshot(t.store()).await;
    let message = t.tg.user_message_id(update).unwrap();
    t.tg.edit_text(&hoa, message, "22.500");
    assert_eq!(t.tg.next_message(hoa.id).await.text, vi("edited-ignored", &[]));
    // A note over the limit, on the value just saved.
    let ask = t.tap(&hoa, &reply, "Ghi chú cho 5.1").await;
    assert!(ask.text.contains("5.1"), "{}", ask.summary());
    let long = "x".repeat(1001);
    assert_eq!(t.say(&hoa, &long).await.text, vi("note-too-long", &[("length", "1001"), ("max", "1000")]));
    // A command while a note is awaited is not run (a note cannot start something by
    // accident); /huy leaves the step. Then an unknown command, and one in a group chat.
    assert_eq!(
        t.say(&hoa, "/baocao đã xong").await.text,
        vi("command-while-typing", &[("command", "/baocao"), ("step", &vi("help-note", &[]))])
    );
    t.say(&hoa, "/huy").await;
    assert_eq!(t.say(&hoa, "/xyz").await.text, vi("unknown-command", &[("command", "xyz")]));
    t.tg.send_group_text(&hoa, -100_123, "/baocao");
    assert_eq!(t.tg.next_message(-100_123).await.text, vi("private-only", &[("bot", "dondoc_test_bot")]));
    // A number where a button is expected: the task's status is chosen with buttons.
    let menu = t.say(&hoa, "/baocao").await;
    let task = t.tap(&hoa, &menu, " 9.a ").await;
    assert!(task.text.contains("9.a"), "{}", task.summary());
    assert_eq!(t.say(&hoa, "50").await.text, vi("use-buttons", &[]));
    // A leader's command from a focal point.
    assert_eq!(t.say(&hoa, "/tinhhinh").await.text, vi("only-leader", &[]));
    assert_eq!(t.say(&hoa, "/moi SYT").await.text, vi("only-admin", &[]));
    t.tg.expect_silence(hoa.id, Duration::from_millis(200)).await;
    // Only the one good value changed anything.
    assert_eq!(snapshot(t.store()).await, after_value);
    assert_ne!(after_value, before);
}

#[tokio::test]
async fn strangers_and_used_or_expired_invites_get_no_rights() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let stranger = t.tg.user(6100, "Khách", "vi");
    let how = text(Lang::Vi, "join-how", &[]);
    assert_eq!(t.say(&stranger, "xin chào").await.text, how);
    assert!(!how.contains("Sở Y tế") && !how.contains("09/KH-UBND"), "reveals nothing of the plan");
    // A stranger is answered once every few minutes; the rest is ignored quietly (and costs
    // nothing), but an invite link always goes through.
    t.tg.send_text(&stranger, "/baocao");
    t.tg.send_text(&stranger, "/start");
    t.tg.expect_silence(stranger.id, Duration::from_millis(400)).await;
    assert_eq!(t.say(&stranger, "/start hello").await.text, text(Lang::Vi, "join-unknown", &[]));
    assert_eq!(
        t.say(&stranger, "/start AAAAAAAAAAAAAAAAAAAAAA").await.text,
        text(Lang::Vi, "join-unknown", &[])
    );

    let code = t.invite(Role::Focal, Some("SYT")).await;
    let first = t.tg.user(6101, "Một", "vi");
    assert!(t.say(&first, &format!("/start {code}")).await.text.starts_with("Chào Một"));
    let late = t.invite(Role::Leader, None).await;
    let before = snapshot(t.store()).await;
    let second = t.tg.user(6102, "Hai", "vi");
    assert_eq!(t.say(&second, &format!("/start {code}")).await.text, text(Lang::Vi, "join-used", &[]));
    assert_eq!(t.say(&second, "/baocao").await.text, how);

    t.clock.advance(chrono::Duration::days(8));
    assert_eq!(t.say(&second, &format!("/start {late}")).await.text, text(Lang::Vi, "join-expired", &[]));
    assert_eq!(snapshot(t.store()).await, before);
    assert!(t.store().person_by_telegram(second.id).await.unwrap().is_none());
    // An English speaker is answered in English.
    let anna = t.tg.user(6103, "Anna", "en");
    assert_eq!(t.say(&anna, "hello").await.text, text(Lang::En, "join-how", &[]));
}

#[tokio::test]
async fn a_forged_button_naming_another_agency_changes_nothing_and_is_logged() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    // Another agency's report exists.
    let (hoa, metric) = on_revenue(&t).await;
    let stc_report: i64 = metric.data("« Danh sách").split(':').nth(1).unwrap().parse().unwrap();
    let binh = t.tg.user(6002, "Bình", "vi");
    t.join(&binh, Role::Focal, Some("SYT")).await;
    let before = snapshot(t.store()).await;
    // Bình's client sends buttons naming the finance department's report.
    for data in [
        format!("s:{stc_report}:9.a:2:0"),
        format!("S:{stc_report}"),
        format!("i:{stc_report}:m5.1"),
        format!("u:{stc_report}:t9.a"),
        "s:999999:9.a:2:0".to_owned(),
    ] {
        t.tg.press(&binh, 1, &data);
        let reply = t.tg.next_message(binh.id).await;
        assert_eq!(reply.text, text(Lang::Vi, "report-forbidden", &[]), "{data}");
    }
    // A focal point pressing an admin's button, and garbage.
    t.tg.press(&binh, 1, &format!("A:{stc_report}"));
    assert_eq!(t.tg.next_message(binh.id).await.text, text(Lang::Vi, "report-forbidden", &[]));
    t.tg.press(&binh, 1, "zz:top");
    assert!(t.tg.next_message(binh.id).await.text.starts_with(&text(Lang::Vi, "button-stale", &[])));
    assert_eq!(snapshot(t.store()).await, before);
    // Rolled up: one row for the sender's hour, counting every forged tap.
    assert_eq!(t.store().audit_count("forged_button").await.unwrap(), 6);
    assert_eq!(t.store().audit_entries("forged_button").await.unwrap().len(), 1);
    let _ = hoa;
}

#[tokio::test]
async fn an_update_delivered_twice_is_handled_once() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let (hoa, _) = on_revenue(&t).await;
    // A zero-width space copied along with the figure is no unit: the value is taken.
    let update = t.tg.send_text(&hoa, "2.250\u{200b}");
    let note = t.tg.next_message(hoa.id).await;
    assert!(note.text.contains("5.1"));
    let after = snapshot(t.store()).await;
    t.tg.redeliver(update);
    t.tg.expect_silence(hoa.id, Duration::from_millis(400)).await;
    assert_eq!(snapshot(t.store()).await, after);
    // The same callback query under a new update id: once.
    let (_, query) = t.tg.press(&hoa, note.message_id, &note.data("« Danh sách"));
    let menu = t.tg.next_message(hoa.id).await;
    let task = t.tap(&hoa, &menu, " 9.a ").await;
    let data = task.data("Hoàn thành");
    let (_, status_query) = t.tg.press(&hoa, task.message_id, &data);
    t.tg.next_message(hoa.id).await;
    let counted = snapshot(t.store()).await;
    t.tg.press_with_query_id(&hoa, task.message_id, &data, &status_query);
    t.tg.expect_silence(hoa.id, Duration::from_millis(400)).await;
    assert_eq!(snapshot(t.store()).await, counted);
    let _ = query;
}
