//! The fake Telegram server itself, driven by a real `teloxide::Bot`: if teloxide parses what it
//! answers and gets Telegram's errors from it, the end-to-end tests built on it are meaningful.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::telegram::format::plain_text;
use support::telegram::{Failure, FakeOptions, FakeTelegram, SentKind, TOKEN};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode,
    Recipient, UpdateKind,
};
use teloxide::{ApiError, RequestError};

const LAN: i64 = 1001;

fn keyboard(rows: &[&[(&str, &str)]]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        rows.iter().map(|row| row.iter().map(|(text, data)| InlineKeyboardButton::callback(*text, *data))),
    )
}

async fn updates(bot: &Bot, offset: Option<i32>, timeout: u32) -> Vec<Update> {
    let mut request = bot.get_updates().timeout(timeout);
    if let Some(offset) = offset {
        request = request.offset(offset);
    }
    request.await.expect("getUpdates")
}

#[tokio::test]
async fn get_me_answers_the_test_bot() {
    let fake = FakeTelegram::start().await;
    let bot = Bot::new(TOKEN).set_api_url(fake.api_url());
    let me = bot.get_me().await.expect("getMe parses");
    assert_eq!(me.username(), "dondoc_test_bot");
    assert_eq!(me.id, UserId(7_000_000_001));
    assert_eq!(fake.requests_for("getme").len(), 1);
    assert_eq!(fake.requests()[0].method, "GetMe");
}

#[tokio::test]
async fn a_sent_keyboard_is_recorded_and_the_returned_message_parses() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let markup = keyboard(&[&[("Báo cáo ngay", "report:q1"), ("Để sau", "later")], &[("Trợ giúp", "help")]]);
    let sent =
        bot.send_message(ChatId(LAN), "Sắp đến hạn báo cáo").reply_markup(markup.clone()).await.unwrap();
    assert_eq!(sent.id, MessageId(1));
    assert_eq!(sent.text(), Some("Sắp đến hạn báo cáo"));
    assert_eq!(sent.reply_markup(), Some(&markup));

    let seen = fake.next_message(LAN).await;
    assert_eq!((seen.message_id, seen.text.as_str(), seen.edited), (1, "Sắp đến hạn báo cáo", false));
    assert_eq!(seen.kind, SentKind::Text);
    assert_eq!(seen.buttons.len(), 2);
    assert_eq!(seen.data("Báo cáo"), "report:q1");
    assert_eq!(seen.all_buttons().len(), 3);
    assert_eq!(fake.requests_for("SendMessage")[0].body["chat_id"], json!(LAN));
    assert_eq!(fake.stats().sends, 1);
}

#[tokio::test]
async fn an_edit_is_a_new_entry_and_telegram_edit_errors_are_reproduced() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let lan = fake.user(LAN, "Lan", "vi");
    let sent = bot
        .send_message(ChatId(LAN), "Chọn chỉ tiêu")
        .reply_markup(keyboard(&[&[("1", "i:1")]]))
        .await
        .unwrap();
    let edited = bot.edit_message_text(ChatId(LAN), sent.id, "Đã chọn chỉ tiêu 1").await.unwrap();
    assert_eq!(edited.text(), Some("Đã chọn chỉ tiêu 1"));

    let entries = fake.messages(LAN);
    assert_eq!(entries.len(), 2);
    assert!(entries[1].edited && entries[1].message_id == entries[0].message_id);
    assert_eq!(entries[1].text, "Đã chọn chỉ tiêu 1");
    assert!(entries[1].buttons.is_empty(), "an edit without reply_markup drops the keyboard, as on Telegram");

    let same = bot.edit_message_text(ChatId(LAN), sent.id, "Đã chọn chỉ tiêu 1").await;
    assert!(matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))), "{same:?}");
    let missing = bot.edit_message_text(ChatId(LAN), MessageId(99), "x").await;
    assert!(matches!(missing, Err(RequestError::Api(ApiError::MessageToEditNotFound))), "{missing:?}");
    let markup =
        bot.edit_message_reply_markup(ChatId(LAN), sent.id).reply_markup(keyboard(&[&[("2", "i:2")]]));
    markup.await.unwrap();

    // A press carries the message as it is now.
    let (_, query_id) = fake.press(&lan, sent.id.0.into(), "i:2");
    let update = updates(&bot, None, 0).await.pop().unwrap();
    let UpdateKind::CallbackQuery(query) = update.kind else { panic!("{update:?}") };
    assert_eq!(query.id.0, query_id);
    assert_eq!(query.data.as_deref(), Some("i:2"));
    let message = query.regular_message().expect("a regular message");
    assert_eq!(message.text(), Some("Đã chọn chỉ tiêu 1"));
    assert_eq!(message.reply_markup(), Some(&keyboard(&[&[("2", "i:2")]])));

    bot.answer_callback_query(query.id.clone()).text("Đã lưu").await.unwrap();
    assert_eq!(fake.callback_answers(), vec![(query_id, Some("Đã lưu".to_owned()))]);
    let twice = bot.answer_callback_query(query.id).await;
    assert!(matches!(twice, Err(RequestError::Api(ApiError::InvalidQueryId))), "{twice:?}");
}

#[tokio::test]
async fn long_polling_waits_confirms_and_redelivers_unconfirmed_updates() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let lan = fake.user(LAN, "Lan", "vi");

    let started = Instant::now();
    let empty = updates(&bot, None, 1).await;
    assert!(empty.is_empty() && started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());

    let pusher = fake.clone();
    let later = lan.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        pusher.send_text(&later, "/start abc");
    });
    let started = Instant::now();
    let first = updates(&bot, None, 5).await;
    assert!(started.elapsed() < Duration::from_secs(2), "the long poll returns once an update arrives");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id.0, 1);
    let UpdateKind::Message(message) = &first[0].kind else { panic!("{first:?}") };
    assert_eq!(message.text(), Some("/start abc"));
    assert_eq!(message.chat.id, ChatId(LAN));
    assert_eq!(message.from.as_ref().unwrap().language_code.as_deref(), Some("vi"));
    assert_eq!(message.parse_entities().unwrap()[0].kind(), &teloxide::types::MessageEntityKind::BotCommand);

    // Not confirmed: a second caller (a restarted bot) gets it again.
    let again = updates(&bot, None, 0).await;
    assert_eq!(again.iter().map(|u| u.id.0).collect::<Vec<_>>(), vec![1]);

    // Confirmed by a later offset: gone.
    assert!(updates(&bot, Some(2), 0).await.is_empty());
    assert_eq!(fake.pending_updates(), 0);

    // A redelivered update comes back with its id even though it was confirmed.
    fake.send_text(&lan, "hai");
    fake.redeliver(1);
    let ids: Vec<u32> = updates(&bot, Some(2), 0).await.iter().map(|u| u.id.0).collect();
    assert_eq!(ids, vec![1, 2]);
    assert!(updates(&bot, Some(3), 0).await.is_empty());
}

#[tokio::test]
async fn a_newer_get_updates_ends_the_waiting_one_with_409() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let old = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(5).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(updates(&bot, None, 0).await.is_empty());
    let old = old.await.unwrap();
    assert!(matches!(old, Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates))), "{old:?}");
}

#[tokio::test]
async fn every_kind_of_user_update_parses() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let lan = fake.user(LAN, "Lan", "vi").with_username("lan_dpi");
    let text = fake.send_text(&lan, "60,26");
    fake.send_group_text(&lan, -4001, "/status");
    fake.send_document(&lan, "BQAdoc1", "AgADdoc1", "bao-cao-q1.xlsx", 18_600, "application/vnd.ms-excel");
    fake.send_photo(&lan, "AgAphoto1", "AgADph1", 120_000);
    fake.send_sticker(&lan);
    fake.send_voice(&lan);
    fake.edit_text(&lan, fake.user_message_id(text).unwrap(), "60,27");
    fake.push_update(json!({ "my_chat_member": "not a real shape" }));

    let got = updates(&bot, None, 0).await;
    assert_eq!(got.len(), 8);
    let message = |i: usize| match &got[i].kind {
        UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m.clone(),
        other => panic!("update {i}: {other:?}"),
    };
    assert_eq!(message(0).from.unwrap().username.as_deref(), Some("lan_dpi"));
    assert!(message(1).chat.is_group());
    assert_eq!(message(2).document().unwrap().file_name.as_deref(), Some("bao-cao-q1.xlsx"));
    assert_eq!(message(3).photo().unwrap().last().unwrap().file.id.0, "AgAphoto1");
    assert!(message(4).sticker().is_some());
    assert!(message(5).voice().is_some());
    assert!(matches!(got[6].kind, UpdateKind::EditedMessage(_)));
    assert_eq!(message(6).text(), Some("60,27"));
    assert_eq!(message(6).id, message(0).id);
    assert!(matches!(got[7].kind, UpdateKind::Error(_)));

    let file = bot.get_file(teloxide::types::FileId("BQAdoc1".into())).await.unwrap();
    assert_eq!(file.size, 18_600);
    fake.set_file_content("BQAdoc1", b"xlsx bytes".to_vec());
    let file = bot.get_file(teloxide::types::FileId("BQAdoc1".into())).await.unwrap();
    let mut downloaded = Vec::new();
    bot.download_file(&file.path, &mut downloaded).await.unwrap();
    assert_eq!(downloaded, b"xlsx bytes");
}

#[tokio::test]
async fn injected_failures_come_back_as_teloxide_errors() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();

    fake.fail_next("SendMessage", Some(LAN), Failure::RetryAfter(1), 1);
    let other_chat = bot.send_message(ChatId(2002), "khác").await;
    assert!(other_chat.is_ok(), "the failure targets chat {LAN} only");
    match bot.send_message(ChatId(LAN), "x").await {
        Err(RequestError::RetryAfter(seconds)) => assert_eq!(seconds.seconds(), 1),
        other => panic!("{other:?}"),
    }
    bot.send_message(ChatId(LAN), "x").await.expect("only the next call fails");

    fake.block(LAN);
    let blocked = bot.send_message(ChatId(LAN), "x").await;
    assert!(matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))), "{blocked:?}");
    fake.unblock(LAN);
    bot.send_message(ChatId(LAN), "x").await.unwrap();

    fake.fail_next("sendmessage", None, Failure::ServerError, 1);
    let started = Instant::now();
    let server = bot.send_message(ChatId(LAN), "x").await;
    assert!(matches!(&server, Err(RequestError::Api(ApiError::Unknown(d))) if d == "Internal Server Error"));
    assert!(started.elapsed() < Duration::from_secs(2), "teloxide must not sleep on the fake's 500");
    fake.fail_next("SendMessage", None, Failure::BadRequest("chat not found".into()), 1);
    let bad = bot.send_message(ChatId(LAN), "x").await;
    assert!(matches!(bad, Err(RequestError::Api(ApiError::ChatNotFound))), "{bad:?}");
    fake.fail_next("GetUpdates", None, Failure::Blocked, 1);
    assert!(bot.get_updates().await.is_err());

    assert_eq!(fake.stats().sends, 3);
    assert_eq!(fake.stats().too_many_requests, 1);
    assert_eq!(fake.stats().errors, 3);
    assert_eq!(fake.messages(LAN).len(), 2);
}

#[tokio::test]
async fn bot_bugs_are_answered_with_telegrams_400s() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let long = bot.send_message(ChatId(LAN), "đ".repeat(4097)).await;
    assert!(matches!(long, Err(RequestError::Api(ApiError::MessageIsTooLong))), "{long:?}");
    bot.send_message(ChatId(LAN), "đ".repeat(4096)).await.expect("4096 characters are fine");
    let data = "x".repeat(65);
    let too_much = bot.send_message(ChatId(LAN), "x").reply_markup(keyboard(&[&[("a", &data)]])).await;
    assert!(matches!(too_much, Err(RequestError::Api(ApiError::ButtonDataInvalid))), "{too_much:?}");

    let html =
        bot.send_message(ChatId(LAN), "<b>Đạt</b> 8,5 &lt; 9").parse_mode(ParseMode::Html).await.unwrap();
    assert_eq!(html.text(), Some("Đạt 8,5 < 9"));
    let last = fake.messages(LAN).pop().unwrap();
    assert_eq!((last.text.as_str(), last.raw_text.as_str()), ("Đạt 8,5 < 9", "<b>Đạt</b> 8,5 &lt; 9"));
    let broken = bot.send_message(ChatId(LAN), "8,5 < 9").parse_mode(ParseMode::Html).await;
    assert!(matches!(broken, Err(RequestError::Api(ApiError::CantParseEntities(_)))), "{broken:?}");

    assert_eq!(plain_text("R&D <i>x</i>", Some("HTML")).unwrap(), "R&D x");
    assert!(
        plain_text("<br>", Some("HTML")).is_err() && plain_text("<b><i>x</b></i>", Some("HTML")).is_err()
    );
    assert_eq!(plain_text("*Đạt* 8\\.5", Some("MarkdownV2")).unwrap(), "Đạt 8.5");
    assert!(plain_text("8.5", Some("MarkdownV2")).is_err());
}

#[tokio::test]
async fn uploads_are_recorded_with_their_names_and_bytes() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let bytes = b"PK\x03\x04 a spreadsheet".to_vec();
    let document = InputFile::memory(bytes.clone()).file_name("x.xlsx");
    let markup = keyboard(&[&[("Tải lại", "export:again")]]);
    let sent =
        bot.send_document(ChatId(LAN), document).caption("Báo cáo quý I").reply_markup(markup).await.unwrap();
    assert_eq!(sent.document().unwrap().file_name.as_deref(), Some("x.xlsx"));
    assert_eq!(sent.caption(), Some("Báo cáo quý I"));

    let seen = fake.next_message(LAN).await;
    assert_eq!(seen.kind, SentKind::Document { file_name: "x.xlsx".into() });
    assert_eq!(seen.text, "Báo cáo quý I");
    assert_eq!(seen.data("Tải lại"), "export:again");
    assert_eq!(fake.file_bytes(LAN, seen.message_id), Some(bytes.clone()));
    let request = &fake.requests_for("SendDocument")[0];
    assert_eq!(request.body["document"], json!({ "file_name": "x.xlsx", "len": bytes.len() }));
    assert_eq!(request.body["chat_id"], json!(LAN.to_string()));

    let photo =
        bot.send_photo(ChatId(LAN), InputFile::memory(vec![1, 2, 3]).file_name("chart.png")).await.unwrap();
    assert!(photo.photo().is_some());
    assert_eq!(fake.next_message(LAN).await.kind, SentKind::Photo);
    let resent = bot.send_document(ChatId(LAN), InputFile::file_id(sent.document().unwrap().file.id.clone()));
    resent.await.expect("a file id the bot got back can be sent again");
    let mut downloaded = Vec::new();
    let file = bot.get_file(sent.document().unwrap().file.id.clone()).await.unwrap();
    bot.download_file(&file.path, &mut downloaded).await.unwrap();
    assert_eq!(downloaded, bytes);
}

#[tokio::test]
async fn flood_limits_answer_429_when_enforced() {
    let fake = FakeTelegram::start_with(FakeOptions { enforce_limits: true, ..FakeOptions::default() }).await;
    let bot = fake.bot();
    let sends: Vec<_> = (0..40)
        .map(|i| {
            let bot = bot.clone();
            tokio::spawn(async move { bot.send_message(ChatId(5000 + i), "Nhắc hạn").await })
        })
        .collect();
    let mut refused = 0;
    for send in sends {
        match send.await.unwrap() {
            Ok(_) => {}
            Err(RequestError::RetryAfter(seconds)) => {
                assert_eq!(seconds.seconds(), 1);
                refused += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    // All 40 normally land within the second (then exactly 10 are refused); a loaded machine
    // may spread them out, so only "some" is certain.
    assert!(refused > 0, "at most 30 sends per second: none refused");
    assert_eq!(fake.stats().too_many_requests, refused);
    assert_eq!(fake.stats().sends, 40 - refused);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let first = bot.send_message(ChatId(LAN), "một").await;
    let second = bot.send_message(ChatId(LAN), "hai").await;
    assert!(first.is_ok());
    assert!(matches!(second, Err(RequestError::RetryAfter(_))), "one message per second per chat");
    assert_eq!(fake.stats().too_many_requests, refused + 1);
}

#[tokio::test]
async fn commands_webhook_and_latency() {
    let fake =
        FakeTelegram::start_with(FakeOptions { latency: Duration::from_millis(150), ..Default::default() })
            .await;
    let bot = fake.bot();
    let started = Instant::now();
    bot.get_me().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));

    let report = BotCommand::new("report", "Báo cáo tiến độ");
    let vi = bot.set_my_commands([report.clone()]).language_code("vi");
    vi.await.unwrap();
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(LAN)) };
    bot.set_my_commands([BotCommand::new("status", "Status")]).scope(scope.clone()).await.unwrap();
    assert_eq!(bot.get_my_commands().language_code("vi").await.unwrap(), vec![report]);
    assert!(bot.get_my_commands().await.unwrap().is_empty());
    assert_eq!(bot.get_my_commands().scope(scope).await.unwrap()[0].command, "status");
    let recorded = fake.my_commands();
    assert_eq!(
        recorded[0],
        (json!({ "type": "default" }), Some("vi".into()), vec![("report".into(), "Báo cáo tiến độ".into())])
    );
    assert_eq!(recorded[1].0, json!({ "type": "chat", "chat_id": LAN }));
    let invalid = bot.set_my_commands([BotCommand::new("Báo-cáo", "x")]).await;
    assert!(invalid.is_err());

    bot.set_webhook("https://dondoc.example/hook".parse().unwrap()).await.unwrap();
    assert_eq!(fake.webhook_url().as_deref(), Some("https://dondoc.example/hook"));
    let polled = bot.get_updates().await;
    // Telegram's own wording, which teloxide 0.17 does not map to `CantGetUpdates`.
    let conflict =
        matches!(&polled, Err(RequestError::Api(ApiError::Unknown(d))) if d.contains("webhook is active"));
    assert!(conflict, "{polled:?}");
    bot.delete_webhook().await.unwrap();
    assert_eq!(fake.webhook_url(), None);
    bot.send_chat_action(ChatId(LAN), teloxide::types::ChatAction::UploadDocument).await.unwrap();
    assert_eq!(fake.stats().sends, 0);
}

#[tokio::test]
#[should_panic(expected = "was to stay silent but received")]
async fn expect_silence_fails_on_an_unread_message() {
    let fake = FakeTelegram::start().await;
    fake.bot().send_message(ChatId(LAN), "ồn").await.unwrap();
    fake.expect_silence(LAN, Duration::from_millis(100)).await;
}

#[tokio::test]
async fn the_cursor_moves_with_next_message_wait_for_and_mark_read() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    for text in ["một", "hai", "ba", "bốn"] {
        bot.send_message(ChatId(LAN), text).await.unwrap();
    }
    assert_eq!(fake.next_message(LAN).await.text, "một");
    assert_eq!(fake.wait_for(LAN, |m| m.text == "ba").await.message_id, 3);
    assert_eq!(fake.next_message(LAN).await.text, "bốn");
    assert!(fake.next_message_within(LAN, Duration::from_millis(100)).await.is_none());
    bot.send_message(ChatId(LAN), "năm").await.unwrap();
    fake.mark_read(LAN);
    fake.expect_silence(LAN, Duration::from_millis(100)).await;
}

#[tokio::test]
async fn teloxides_own_dispatcher_polls_answers_and_confirms_on_shutdown() {
    let fake = FakeTelegram::start().await;
    let lan = fake.user(LAN, "Lan", "vi");
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        bot.send_message(msg.chat.id, format!("echo {}", msg.text().unwrap_or(""))).await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(fake.bot(), handler).build();
    let shutdown = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    fake.send_text(&lan, "xin chào");
    assert_eq!(fake.next_message(LAN).await.text, "echo xin chào");
    fake.send_text(&lan, "lần hai");
    assert_eq!(fake.next_message(LAN).await.text, "echo lần hai");

    shutdown.shutdown().expect("the dispatcher is running").await;
    running.await.unwrap();
    assert_eq!(fake.pending_updates(), 0, "a graceful shutdown confirms what was handled");
    let methods: Vec<String> = fake.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods[..2], ["GetWebhookInfo", "GetMe"], "teloxide checks for a webhook first");
    let polls = fake.requests_for("GetUpdates");
    assert_eq!(
        polls[0].body["allowed_updates"],
        json!(["message"]),
        "teloxide tells which updates it handles"
    );
}
