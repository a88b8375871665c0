//! A fake Telegram Bot API server on 127.0.0.1 for the end-to-end tests and benchmarks: the real
//! bot talks to it over HTTP as it would to api.telegram.org, the test plays the users, reads
//! what the bot sent, and injects Telegram's failures.
//!
//! ```ignore
//! let fake = FakeTelegram::start().await;
//! let bot = teloxide::Bot::new(TOKEN).set_api_url(fake.api_url());
//! let lan = fake.user(1001, "Lan", "vi");
//! fake.send_text(&lan, "/start");
//! let reply = fake.next_message(lan.id).await;
//! fake.press(&lan, reply.message_id, &reply.data("Báo cáo"));
//! ```

pub mod format;
mod methods;
mod observe;
mod server;
mod state;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The command lists set: (scope, language code, [(command, description)]).
pub use self::state::Commands;
use self::state::Shared;
pub use super::updates::TgUser;
use super::updates::{
    callback_query, document_content, group_chat, message, now, photo_content, sticker_content, text_content,
    voice_content,
};

/// Shaped like a real token (`<bot id>:<35 characters>`), so token checks accept it.
pub const TOKEN: &str = "1234567890:TESTtokenTESTtokenTESTtokenTESTtokenAA";
/// How long `next_message`, `wait_for` and friends wait by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, Default)]
pub struct FakeOptions {
    /// Telegram's flood limits: at most 30 message sends per rolling second in all and one per
    /// rolling second per chat; beyond, 429 with `retry_after` 1.
    pub enforce_limits: bool,
    /// Added to every answer, after the call took effect (a sent message is visible to
    /// `next_message` before the bot gets its answer, as a user sees it before the bot does).
    pub latency: Duration,
}

/// A failure to inject with `fail_next`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after`.
    RetryAfter(u32),
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// error_code 500 "Internal Server Error" (sent with HTTP 200; see `server::answer`).
    ServerError,
    /// error_code 502 "Bad Gateway" (sent with HTTP 200, as above).
    BadGateway,
    /// 400 "Bad Request: <text>" (the prefix is added when missing).
    BadRequest(String),
}

/// One call the bot made.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    /// As received in the URL (teloxide sends PascalCase: `SendMessage`).
    pub method: String,
    /// The JSON body; for multipart, text fields as JSON strings and files as
    /// `{"file_name": .., "len": ..}` under the field that refers to them (`document`).
    pub body: Value,
    pub at: Instant,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentKind {
    Text,
    Document { file_name: String },
    Photo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    /// `callback_data`.
    pub data: Option<String>,
    pub url: Option<String>,
}

/// A message the bot sent, or an edit of one (same `message_id`, `edited` set).
#[derive(Clone, Debug)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i64,
    /// What the user sees: the text (or caption), with HTML/MarkdownV2 markup read away.
    pub text: String,
    /// The inline keyboard, row by row.
    pub buttons: Vec<Vec<Button>>,
    pub edited: bool,
    pub kind: SentKind,
    pub at: Instant,
    /// The text (or caption) exactly as the bot sent it, markup included.
    pub raw_text: String,
    /// The rows of a reply keyboard (`keyboard` markup) sent with the message, if any.
    pub keyboard: Vec<Vec<String>>,
}

impl SentMessage {
    pub fn all_buttons(&self) -> Vec<&Button> {
        self.buttons.iter().flatten().collect()
    }

    /// The first button whose text contains `text_contains`; panics listing the buttons.
    pub fn button(&self, text_contains: &str) -> &Button {
        let found = self.all_buttons().into_iter().find(|b| b.text.contains(text_contains));
        found.unwrap_or_else(|| {
            panic!(
                "no button containing {text_contains:?} in message {}: {}",
                self.message_id,
                self.summary()
            )
        })
    }

    /// The callback data of the button whose text contains `text_contains`.
    pub fn data(&self, text_contains: &str) -> String {
        let button = self.button(text_contains);
        button.data.clone().unwrap_or_else(|| panic!("button {:?} has no callback data", button.text))
    }

    /// One line per message, for failure messages: `#3 (edited) "text" [Button|Button]`.
    pub fn summary(&self) -> String {
        let kind = match &self.kind {
            SentKind::Text => String::new(),
            SentKind::Document { file_name } => format!(" document {file_name:?}"),
            SentKind::Photo => " photo".into(),
        };
        let edited = if self.edited { " (edited)" } else { "" };
        let rows: Vec<String> = self
            .buttons
            .iter()
            .map(|row| row.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join(" | "))
            .collect();
        let buttons = if rows.is_empty() { String::new() } else { format!(" [{}]", rows.join(" / ")) };
        format!("#{}{edited}{kind} {:?}{buttons}", self.message_id, self.text)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Successful message sends (SendMessage, SendDocument, SendPhoto).
    pub sends: u64,
    /// 429 answers, injected or from the flood limits.
    pub too_many_requests: u64,
    /// Other error answers, to any method but GetUpdates.
    pub errors: u64,
}

/// The fake server. Clones share it; it runs until the tokio runtime that started it ends.
#[derive(Clone)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
    url: url::Url,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        FakeTelegram::start_with(FakeOptions::default()).await
    }

    pub async fn start_with(options: FakeOptions) -> FakeTelegram {
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Telegram server");
        let address = listener.local_addr().expect("the fake server's address");
        let shared = Arc::new(Shared::new(options));
        tokio::spawn(server::serve(listener, shared.clone()));
        let url = url::Url::parse(&format!("http://{address}/")).expect("the fake server's url");
        FakeTelegram { shared, url }
    }

    /// What to give `Bot::set_api_url`.
    pub fn api_url(&self) -> url::Url {
        self.url.clone()
    }

    /// A bot pointed at this server, with a client that never goes through a proxy.
    pub fn bot(&self) -> teloxide::Bot {
        let client = teloxide::net::default_reqwest_settings().no_proxy().build().expect("http client");
        teloxide::Bot::with_client(TOKEN, client).set_api_url(self.api_url())
    }

    // ---- users and their updates ----

    /// A user (their private chat with the bot has their id); `language_code` "" = none.
    pub fn user(&self, id: i64, first_name: &str, language_code: &str) -> TgUser {
        let user = TgUser::new(id, first_name, language_code);
        self.shared.lock().users.insert(id, user.clone());
        user
    }

    fn push_user_message(&self, from: &TgUser, chat: Value, content: Value) -> i64 {
        let chat_id = chat["id"].as_i64().expect("chat id");
        let update_id = {
            let mut state = self.shared.lock();
            state.users.insert(from.id, from.clone());
            state.chats.insert(chat_id, chat.clone());
            let message_id = state.next_message_id(chat_id);
            let message = message(message_id, from.json(), chat, content);
            state.stored.insert((chat_id, message_id), message.clone());
            let update_id = state.push_update(json!({ "message": message }));
            state.update_messages.insert(update_id, (chat_id, message_id));
            update_id
        };
        self.shared.wake_pollers();
        update_id
    }

    /// A text message in the user's private chat; "/word ..." carries a bot_command entity.
    pub fn send_text(&self, from: &TgUser, text: &str) -> i64 {
        self.push_user_message(from, from.private_chat(), text_content(text))
    }

    /// A text message in a group chat (negative id).
    pub fn send_group_text(&self, from: &TgUser, chat_id: i64, text: &str) -> i64 {
        assert!(chat_id < 0, "group chat ids are negative, got {chat_id}");
        let chat = self.shared.lock().chats.get(&chat_id).cloned();
        let chat = chat.unwrap_or_else(|| group_chat(chat_id, &format!("Nhóm {}", chat_id.unsigned_abs())));
        self.push_user_message(from, chat, text_content(text))
    }

    pub fn send_document(
        &self,
        from: &TgUser,
        file_id: &str,
        file_unique_id: &str,
        file_name: &str,
        file_size: u64,
        mime: &str,
    ) -> i64 {
        self.register_file(file_id, file_unique_id, file_size, Some(file_name), "documents");
        let content = document_content(file_id, file_unique_id, file_name, file_size, mime);
        self.push_user_message(from, from.private_chat(), content)
    }

    pub fn send_photo(&self, from: &TgUser, file_id: &str, file_unique_id: &str, file_size: u64) -> i64 {
        self.register_file(file_id, file_unique_id, file_size, None, "photos");
        let thumb = (format!("{file_id}-thumb"), format!("{file_unique_id}-thumb"));
        self.register_file(&thumb.0, &thumb.1, file_size.min(4_000), None, "photos");
        self.push_user_message(from, from.private_chat(), photo_content(file_id, file_unique_id, file_size))
    }

    pub fn send_sticker(&self, from: &TgUser) -> i64 {
        let seq = self.shared.lock().next_seq();
        let content = sticker_content(&format!("CAACAgIAAxkBAAI{seq:06}-sticker"), &format!("AgADst{seq}"));
        self.push_user_message(from, from.private_chat(), content)
    }

    pub fn send_voice(&self, from: &TgUser) -> i64 {
        let seq = self.shared.lock().next_seq();
        let content = voice_content(&format!("AwACAgIAAxkBAAI{seq:06}-voice"), &format!("AgADvo{seq}"));
        self.push_user_message(from, from.private_chat(), content)
    }

    /// The content `GetFile` + download serve for a file a user sent (default: zero bytes of
    /// the announced size).
    pub fn set_file_content(&self, file_id: &str, bytes: Vec<u8>) {
        let mut state = self.shared.lock();
        let file = state.files.get_mut(file_id).unwrap_or_else(|| panic!("no file {file_id:?} was sent"));
        file.size = bytes.len() as u64;
        file.bytes = Some(bytes);
    }

    fn register_file(&self, file_id: &str, unique_id: &str, size: u64, name: Option<&str>, folder: &str) {
        let mut state = self.shared.lock();
        let seq = state.next_seq();
        let ext = name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e).unwrap_or("jpg");
        let entry = state::FileEntry {
            unique_id: unique_id.to_owned(),
            size,
            path: format!("{folder}/user_file_{seq}.{ext}"),
            bytes: None,
            file_name: name.map(str::to_owned),
        };
        state.files.insert(file_id.to_owned(), entry);
    }

    /// The user edits their own earlier message (an `edited_message` update).
    pub fn edit_text(&self, from: &TgUser, message_id: i64, new_text: &str) -> i64 {
        let update_id = {
            let mut state = self.shared.lock();
            let key = (from.id, message_id);
            let mut message = state.stored.get(&key).cloned().unwrap_or_else(|| {
                panic!("edit_text: {} sent no message {message_id} in their chat", from.first_name)
            });
            assert_eq!(
                message["from"]["id"].as_i64(),
                Some(from.id),
                "edit_text: message {message_id} is not theirs"
            );
            if let Some(fields) = message.as_object_mut() {
                fields.remove("entities");
            }
            super::updates::merge(&mut message, text_content(new_text));
            message["edit_date"] = json!(now());
            state.stored.insert(key, message.clone());
            state.push_update(json!({ "edited_message": message }))
        };
        self.shared.wake_pollers();
        update_id
    }

    /// The message id of the user message an update carried (`send_text` & co return update ids).
    pub fn user_message_id(&self, update_id: i64) -> Option<i64> {
        self.shared.lock().update_messages.get(&update_id).map(|(_, message_id)| *message_id)
    }

    /// The user presses a button of the bot's message `message_id` in their private chat: a
    /// callback query carrying that message as it is now. Returns (update id, query id).
    pub fn press(&self, from: &TgUser, message_id: i64, data: &str) -> (i64, String) {
        let query_id = {
            let mut state = self.shared.lock();
            let seq = state.next_seq();
            format!("{}{seq:08}", from.id.unsigned_abs())
        };
        (self.press_with_query_id(from, message_id, data, &query_id), query_id)
    }

    /// The same callback query id again under a new update id (a duplicate delivery).
    pub fn press_with_query_id(&self, from: &TgUser, message_id: i64, data: &str, query_id: &str) -> i64 {
        let update_id = {
            let mut state = self.shared.lock();
            let Some(message) = state.stored.get(&(from.id, message_id)).cloned() else {
                let sent: Vec<String> =
                    state.log.get(&from.id).into_iter().flatten().map(|m| m.summary()).collect();
                panic!(
                    "press: no message {message_id} in {}'s chat; the bot sent: {sent:#?}",
                    from.first_name
                );
            };
            state.issued_queries.insert(query_id.to_owned());
            state.push_update(json!({ "callback_query": callback_query(query_id, from, message, data) }))
        };
        self.shared.wake_pollers();
        update_id
    }

    /// A raw update (everything but `update_id`); returns its id.
    pub fn push_update(&self, update_without_id: Value) -> i64 {
        let id = self.shared.lock().push_update(update_without_id);
        self.shared.wake_pollers();
        id
    }

    /// Queue update `update_id` again (same id, same content), even if already confirmed: the
    /// next `getUpdates` returns it whatever its offset.
    pub fn redeliver(&self, update_id: i64) {
        self.shared.lock().redeliver(update_id);
        self.shared.wake_pollers();
    }

    /// The updates queued, taken off the queue as Telegram takes them to post to a webhook
    /// (full, with `update_id`); the test posts them (tests/replicas.rs).
    pub fn take_updates(&self) -> Vec<Value> {
        let mut state = self.shared.lock();
        let updates = state.select(0, usize::MAX);
        state.pending.clear();
        updates
    }

    /// Updates queued and not yet confirmed by an offset.
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().pending.len()
    }
}
