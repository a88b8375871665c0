//! The planning department brings people in and out; the bot also runs behind a webhook.

mod support;

use std::time::Duration;

use dondoc::domain::people::{Lang, Role};
use support::app::{TestApp, text};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn an_admin_invites_lists_and_removes_people() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    let welcome = t.say(&t.admin, "/start").await;
    assert!(welcome.text.starts_with("Chào Quản trị!"), "{}", welcome.summary());
    let admin_menu = t.tg.my_commands();
    let _ = admin_menu;

    // /moi SYT: a focal invite for the health department, with its deep link.
    let invite = t.say(&t.admin, "/moi SYT 3d").await;
    let link = invite
        .text
        .lines()
        .find(|l| l.starts_with("https://t.me/dondoc_test_bot?start="))
        .expect(&invite.text)
        .to_owned();
    let code = link.rsplit('=').next().unwrap().to_owned();
    assert_eq!(code.len(), 22);
    assert!(
        invite.text.contains("Sở Y tế") && invite.text.contains("cán bộ đầu mối"),
        "{}",
        invite.summary()
    );
    assert_eq!(t.say(&t.admin, "/moi").await.text, text(Lang::Vi, "invite-usage", &[]));
    assert!(t.say(&t.admin, "/moi XYZ").await.text.starts_with("Không hiểu \"XYZ\""));

    let tam = t.tg.user(8001, "Tâm", "vi");
    assert!(t.say(&tam, &format!("/start {code}")).await.text.starts_with("Chào Tâm!"));
    let leader_code = t.say(&t.admin, "/moi lanhdao").await;
    let leader_link = leader_code.text.lines().find(|l| l.starts_with("https://")).unwrap().to_owned();
    let chu_tich = t.tg.user(8002, "Chủ tịch", "vi");
    let hello = t.say(&chu_tich, &format!("/start {}", leader_link.rsplit('=').next().unwrap())).await;
    assert!(hello.text.contains("/tinhhinh"), "{}", hello.summary());

    let people = t.say(&t.admin, "/nguoidung").await;
    assert!(
        people.text.contains("Tâm") && people.text.contains("Sở Y tế") && people.text.contains("Chủ tịch"),
        "{}",
        people.summary()
    );
    let health = t.say(&t.admin, "/nguoidung syt").await;
    assert!(health.text.contains("Tâm") && !health.text.contains("Chủ tịch"), "{}", health.summary());
    // Remove Tâm: ask, confirm.
    t.tg.press(&t.admin, health.message_id, &health.data("Xóa Tâm"));
    let ask = t.tg.next_message(t.admin.id).await;
    assert_eq!(ask.text, text(Lang::Vi, "people-ask-remove", &[("name", "Tâm")]));
    t.tg.press(&t.admin, ask.message_id, &ask.data("Xác nhận"));
    assert_eq!(
        t.tg.next_message(t.admin.id).await.text,
        text(Lang::Vi, "people-removed", &[("name", "Tâm")])
    );
    assert_eq!(t.say(&tam, "/baocao").await.text, text(Lang::Vi, "join-how", &[]));
    // A leader cannot use the admins' commands, nor their buttons.
    let refused = t.say(&chu_tich, "/moi SYT").await;
    assert_eq!(refused.text, text(Lang::Vi, "only-admin", &[]));
    let me = t.store().person_by_telegram(chu_tich.id).await.unwrap().unwrap();
    // A forged "confirm removal" on a message of his own chat.
    t.tg.press(&chu_tich, refused.message_id, &format!("X:{}", me.id));
    assert_eq!(t.tg.next_message(chu_tich.id).await.text, text(Lang::Vi, "report-forbidden", &[]));
    assert!(t.store().person(me.id).await.unwrap().is_some());
}

#[tokio::test]
async fn the_bot_also_runs_behind_a_webhook() {
    let tg = support::telegram::FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut settings = TestApp::settings(&dir, &tg);
    settings.webhook_url = Some(format!("http://127.0.0.1:{port}/telegram").parse().unwrap());
    settings.webhook_listen = format!("127.0.0.1:{port}").parse().unwrap();
    let clock = dondoc::clock::ManualClock::new(support::app::local("2022-03-07T09:00"));
    let application = dondoc::startup::Application::build(settings, clock).await.unwrap();
    let stop = application.shutdown_handle();
    let running = tokio::spawn(application.run_until_stopped());
    for _ in 0..100 {
        if tg.webhook_url().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(tg.webhook_url().as_deref(), Some(format!("http://127.0.0.1:{port}/telegram").as_str()));

    // Telegram posts an update to the webhook; the reply goes through the Bot API.
    let stranger = tg.user(8100, "Khách", "vi");
    let update = serde_json::json!({
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 1646618400,
            "chat": {"id": stranger.id, "type": "private", "first_name": "Khách"},
            "from": {"id": stranger.id, "is_bot": false, "first_name": "Khách", "language_code": "vi"},
            "text": "xin chào"
        }
    })
    .to_string();
    // Telegram proves itself with the secret the bot set with the webhook.
    let set = tg.requests_for("SetWebhook");
    let secret = set[0].body["secret_token"].as_str().unwrap_or_default().to_owned();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{update}",
        update.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(tg.next_message(stranger.id).await.text, text(Lang::Vi, "join-how", &[]));
    stop.shutdown();
    tokio::time::timeout(Duration::from_secs(20), running).await.unwrap().unwrap().unwrap();
    let _ = Role::Admin;
}
