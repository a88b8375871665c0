//! Bot API objects as Telegram sends them: users, chats, messages and updates, as JSON.
//!
//! The shapes follow the Bot API and were checked against what teloxide-core 0.13 parses
//! (`types/{user,me,chat,message,callback_query,document,photo_size,sticker,voice}.rs`).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub const BOT_ID: i64 = 7_000_000_001;
pub const BOT_FIRST_NAME: &str = "dondoc";
pub const BOT_USERNAME: &str = "dondoc_test_bot";

/// A Telegram user the tests act as. Their private chat with the bot has the user's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    /// Telegram's "last name" (a Vietnamese family name and middle name, "Trần Thị").
    pub last_name: Option<String>,
    /// IETF tag as Telegram sends it ("vi", "en"); empty = the client sent none.
    pub language_code: String,
    pub username: Option<String>,
}

impl TgUser {
    pub fn new(id: i64, first_name: &str, language_code: &str) -> TgUser {
        TgUser {
            id,
            first_name: first_name.to_owned(),
            last_name: None,
            language_code: language_code.to_owned(),
            username: None,
        }
    }

    pub fn with_last_name(mut self, last_name: &str) -> TgUser {
        self.last_name = Some(last_name.to_owned());
        self
    }

    pub fn with_username(mut self, username: &str) -> TgUser {
        self.username = Some(username.to_owned());
        self
    }

    /// The `User` object.
    pub fn json(&self) -> Value {
        let mut user = json!({ "id": self.id, "is_bot": false, "first_name": self.first_name });
        if !self.language_code.is_empty() {
            user["language_code"] = json!(self.language_code);
        }
        if let Some(username) = &self.username {
            user["username"] = json!(username);
        }
        if let Some(last) = &self.last_name {
            user["last_name"] = json!(last);
        }
        user
    }

    /// The `Chat` object of the user's private chat with the bot.
    pub fn private_chat(&self) -> Value {
        let mut chat = json!({ "id": self.id, "type": "private", "first_name": self.first_name });
        if let Some(username) = &self.username {
            chat["username"] = json!(username);
        }
        chat
    }
}

/// Current unix time, as Telegram dates are.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The bot's own `User` object.
pub fn bot_user() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME })
}

/// The answer to `getMe`.
pub fn me() -> Value {
    let mut me = bot_user();
    let fields = json!({
        "can_join_groups": true,
        "can_read_all_group_messages": false,
        "supports_inline_queries": false,
        "can_connect_to_business": false,
        "has_main_web_app": false,
    });
    merge(&mut me, fields);
    me
}

/// A group chat; ids at or below -10^12 are supergroups, as on Telegram.
pub fn group_chat(id: i64, title: &str) -> Value {
    let kind = if id <= -1_000_000_000_000 { "supergroup" } else { "group" };
    json!({ "id": id, "type": kind, "title": title })
}

/// A chat the fake knows nothing about: private for positive ids, a group otherwise.
pub fn unknown_chat(id: i64) -> Value {
    if id > 0 {
        json!({ "id": id, "type": "private", "first_name": format!("User {id}") })
    } else {
        group_chat(id, &format!("Group {id}"))
    }
}

/// Length in UTF-16 code units, the unit of entity offsets and lengths.
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A `bot_command` entity for the first word, when the text starts with "/".
pub fn command_entities(text: &str) -> Vec<Value> {
    if !text.starts_with('/') {
        return Vec::new();
    }
    let word = text.split_whitespace().next().unwrap_or("/");
    vec![json!({ "type": "bot_command", "offset": 0, "length": utf16_len(word) })]
}

/// Adds every field of `fields` (an object) to `target` (an object).
pub fn merge(target: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), fields) {
        target.extend(fields);
    }
}

/// A message: id, sender, chat, date now, plus the content fields (`text`, `document`, ...).
pub fn message(message_id: i64, from: Value, chat: Value, content: Value) -> Value {
    let mut message = json!({ "message_id": message_id, "from": from, "chat": chat, "date": now() });
    merge(&mut message, content);
    message
}

/// The content of a text message, with a command entity when it starts with "/".
pub fn text_content(text: &str) -> Value {
    let entities = command_entities(text);
    if entities.is_empty() { json!({ "text": text }) } else { json!({ "text": text, "entities": entities }) }
}

pub fn document_content(
    file_id: &str,
    file_unique_id: &str,
    file_name: &str,
    size: u64,
    mime: &str,
) -> Value {
    json!({ "document": {
        "file_id": file_id, "file_unique_id": file_unique_id, "file_name": file_name,
        "mime_type": mime, "file_size": size,
    }})
}

/// A photo as Telegram sends it: several sizes, the largest (the one given) last.
pub fn photo_content(file_id: &str, file_unique_id: &str, size: u64) -> Value {
    json!({ "photo": [
        { "file_id": format!("{file_id}-thumb"), "file_unique_id": format!("{file_unique_id}-thumb"),
          "file_size": size.min(4_000), "width": 90, "height": 68 },
        { "file_id": file_id, "file_unique_id": file_unique_id, "file_size": size, "width": 1280, "height": 960 },
    ]})
}

pub fn sticker_content(file_id: &str, file_unique_id: &str) -> Value {
    json!({ "sticker": {
        "file_id": file_id, "file_unique_id": file_unique_id, "file_size": 20_000,
        "width": 512, "height": 512, "type": "regular", "is_animated": false, "is_video": false,
        "emoji": "👍", "set_name": "TestStickers",
    }})
}

pub fn voice_content(file_id: &str, file_unique_id: &str) -> Value {
    json!({ "voice": {
        "file_id": file_id, "file_unique_id": file_unique_id, "file_size": 12_000,
        "duration": 3, "mime_type": "audio/ogg",
    }})
}

/// A callback query from `from` on `message` (a message the bot sent).
pub fn callback_query(query_id: &str, from: &TgUser, message: Value, data: &str) -> Value {
    let chat_id = message["chat"]["id"].as_i64().unwrap_or(from.id);
    json!({
        "id": query_id,
        "from": from.json(),
        "message": message,
        "chat_instance": format!("{}", chat_id.unsigned_abs() * 7919 + 13),
        "data": data,
    })
}

/// The kind of an update: its one field besides `update_id` ("message", "callback_query", ...).
pub fn update_kind(update: &Value) -> Option<&str> {
    update.as_object()?.keys().map(String::as_str).find(|key| *key != "update_id")
}
