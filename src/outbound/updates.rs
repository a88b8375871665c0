//! `getUpdates` answers read without serde's buffer, for the two shapes nearly every update
//! has: a text typed in a private chat, and a tap on a button of a text message (the message
//! comes back with the tap, its keyboard included, which is stepped over: nothing reads it).
//! Anything else, or anything with a field this reader does not know, is read by teloxide as
//! before.
//!
//! Why: teloxide's `Update` and `Message` are read through `#[serde(flatten)]` and untagged
//! enums, so serde first copies each update into its untagged buffer (every key, string, map
//! and list of it allocated), then reads the buffer again once per layer. heaptrack on
//! `benches/replies` (200 people) counted 156 of the 671 allocations of a reply there. Here the
//! same JSON is read in one pass into the few fields these two shapes have, and the teloxide
//! values are built from them: equal, field for field, to what teloxide reads, but for the tapped
//! message's keyboard (the tests compare both readers on each shape, and that every other shape
//! goes to teloxide).
//!
//! Every struct here refuses unknown fields, so a field Telegram adds one day, a forwarded or
//! replied-to message, a link preview, a group chat or a photo all fall back to teloxide's
//! reader instead of being dropped.

use serde::Deserialize;
use serde::de::IgnoredAny;
use teloxide::types::{
    CallbackQuery, CallbackQueryId, Chat, ChatId, ChatKind, ChatPrivate, MaybeInaccessibleMessage, MediaKind,
    MediaText, Message, MessageCommon, MessageEntity, MessageId, MessageKind, Update, UpdateId, UpdateKind,
    User,
};

/// An update of one of the two common shapes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lean {
    update_id: u32,
    message: Option<LeanMessage>,
    callback_query: Option<LeanQuery>,
}

/// A text message in a private chat (typed by a person, or the bot's own under a tapped button).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanMessage {
    message_id: i32,
    from: Option<User>,
    chat: LeanChat,
    date: i64,
    edit_date: Option<i64>,
    text: String,
    #[serde(default)]
    entities: Vec<MessageEntity>,
    /// The keyboard of the bot's message under a tap: nothing here reads it (the tap's data says
    /// which button), so it is stepped over, not built through teloxide's flattened button kind.
    /// Reading the updates of a 50-person run of benches/replies fell from 37 to 24 million
    /// instructions (callgrind). The message is built with no keyboard.
    #[serde(rename = "reply_markup")]
    _keyboard: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanChat {
    id: i64,
    #[serde(rename = "type")]
    kind: PrivateOnly,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

/// A chat's `type`, read only when it is `private` (a group is another shape).
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum PrivateOnly {
    Private,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanQuery {
    id: String,
    from: User,
    message: Option<LeanMessage>,
    chat_instance: String,
    data: Option<String>,
}

impl Lean {
    /// The update teloxide would read from the same JSON; `None` when the shape is not one of
    /// the two (then teloxide reads it).
    pub fn into_update(self) -> Option<Update> {
        let kind = match (self.message, self.callback_query) {
            (Some(message), None) => UpdateKind::Message(message.into_message()?),
            (None, Some(q)) => UpdateKind::CallbackQuery(CallbackQuery {
                id: CallbackQueryId(q.id),
                from: q.from,
                message: match q.message {
                    // A message too old to be read arrives with date 0 and no text: that shape
                    // is teloxide's to read.
                    Some(m) if m.date != 0 => {
                        Some(MaybeInaccessibleMessage::Regular(Box::new(m.into_message()?)))
                    }
                    Some(_) => return None,
                    None => None,
                },
                inline_message_id: None,
                chat_instance: q.chat_instance,
                data: q.data,
                game_short_name: None,
            }),
            _ => return None,
        };
        Some(Update { id: UpdateId(self.update_id), kind })
    }
}

impl LeanMessage {
    fn into_message(self) -> Option<Message> {
        let PrivateOnly::Private = self.chat.kind;
        let edit_date = match self.edit_date {
            Some(at) => Some(chrono::DateTime::from_timestamp(at, 0)?),
            None => None,
        };
        Some(Message {
            id: MessageId(self.message_id),
            thread_id: None,
            from: self.from,
            sender_chat: None,
            date: chrono::DateTime::from_timestamp(self.date, 0)?,
            chat: Chat {
                id: ChatId(self.chat.id),
                kind: ChatKind::Private(ChatPrivate {
                    username: self.chat.username,
                    first_name: self.chat.first_name,
                    last_name: self.chat.last_name,
                }),
            },
            is_topic_message: false,
            via_bot: None,
            sender_business_bot: None,
            kind: MessageKind::Common(MessageCommon {
                author_signature: None,
                paid_star_count: None,
                effect_id: None,
                forward_origin: None,
                reply_to_message: None,
                external_reply: None,
                quote: None,
                reply_to_story: None,
                sender_boost_count: None,
                edit_date,
                media_kind: MediaKind::Text(MediaText {
                    text: self.text,
                    entities: self.entities,
                    link_preview_options: None,
                }),
                reply_markup: None,
                is_automatic_forward: false,
                has_protected_content: false,
                is_from_offline: false,
                business_connection_id: None,
            }),
        })
    }
}

/// Every update of a `getUpdates` result, each built by this reader when all are of the two
/// common shapes; `None` when one is not (then teloxide reads the whole answer).
pub fn all(lean: Vec<Lean>) -> Option<Vec<Update>> {
    lean.into_iter().map(Lean::into_update).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn person() -> Value {
        json!({"id": 100_001, "is_bot": false, "first_name": "Lan", "last_name": "Nguyễn",
               "username": "lan_syt", "language_code": "vi"})
    }

    fn private_chat() -> Value {
        json!({"id": 100_001, "first_name": "Lan", "last_name": "Nguyễn", "username": "lan_syt",
               "type": "private"})
    }

    fn bot() -> Value {
        json!({"id": 7_000_000_001_i64, "is_bot": true, "first_name": "dondoc", "username": "dondoc_bot"})
    }

    fn typed(text: &str) -> Value {
        json!({"update_id": 5001, "message": {"message_id": 42, "from": person(), "chat": private_chat(),
               "date": 1_646_614_800, "text": text}})
    }

    fn tapped(data: &str) -> Value {
        json!({"update_id": 5002, "callback_query": {
            "id": "4382bfdwdsb323b2d9", "from": person(), "chat_instance": "-8137364581827",
            "data": data,
            "message": {"message_id": 43, "from": bot(), "chat": private_chat(), "date": 1_646_614_801,
                "edit_date": 1_646_614_860,
                "text": "📋 Báo cáo Quý I/2022\nSở Y tế\n\n2.a Tiêm chủng — 49 %",
                "entities": [{"type": "bold", "offset": 0, "length": 23}],
                "reply_markup": {"inline_keyboard": [
                    [{"text": "2.a Tiêm chủng", "callback_data": "i:1:t2.a"}],
                    [{"text": "Hoàn thành", "callback_data": "s:1"}, {"text": "« Danh sách", "callback_data": "o:1"}],
                    [{"text": "Hướng dẫn", "url": "https://example.org/huong-dan"}]]}}}})
    }

    /// What each reader makes of a `getUpdates` result: this one's (`None` when it hands the
    /// shape to teloxide) and teloxide's.
    fn both(result: &[Value]) -> (Option<Vec<Update>>, Vec<Update>) {
        let text = serde_json::to_string(result).unwrap();
        let lean = serde_json::from_str::<Vec<Lean>>(&text).ok().and_then(all);
        let full: Vec<Update> = serde_json::from_str(&text).unwrap();
        (lean, full)
    }

    #[test]
    fn a_typed_text_and_a_command_read_as_teloxide_reads_them() {
        let mut command = typed("/baocao");
        command["message"]["entities"] = json!([{"type": "bot_command", "offset": 0, "length": 7}]);
        let mut english = typed("12 000,5");
        english["message"]["from"] = json!({"id": 100_002, "is_bot": false, "first_name": "Ann",
                                            "language_code": "en", "is_premium": true});
        english["message"]["chat"] = json!({"id": 100_002, "first_name": "Ann", "type": "private"});
        for update in [typed("49"), command, english, typed("")] {
            let (lean, full) = both(std::slice::from_ref(&update));
            assert_eq!(lean.expect("read here"), full, "{update}");
        }
    }

    /// The same update with no keyboard on the tapped message.
    fn without_keyboard(mut update: Value) -> Value {
        if let Some(message) = update.pointer_mut("/callback_query/message").and_then(Value::as_object_mut) {
            message.remove("reply_markup");
        }
        update
    }

    #[test]
    fn a_tap_reads_as_teloxide_reads_it_edit_date_included_the_keyboard_stepped_over() {
        let mut plain = tapped("i:1:t2.a");
        let message = plain["callback_query"]["message"].as_object_mut().unwrap();
        message.remove("edit_date");
        message.remove("entities");
        let batch = [tapped("s:1"), typed("30"), plain];
        let (lean, _) = both(&batch);
        let (_, full) = both(&batch.map(without_keyboard));
        assert_eq!(lean.expect("read here"), full);
        let UpdateKind::CallbackQuery(q) = &full[0].kind else { panic!("a tap") };
        assert_eq!(q.message.as_ref().map(|m| m.id()), Some(MessageId(43)));
    }

    #[test]
    fn every_other_shape_is_left_to_teloxide() {
        let with = |path: &[&str], field: &str, value: Value| {
            let mut update = if path[0] == "callback_query" { tapped("s:1") } else { typed("49") };
            let mut at = &mut update;
            for key in path {
                at = &mut at[*key];
            }
            at[field] = value;
            update
        };
        let others = [
            with(&["message"], "reply_to_message", typed("48")["message"].clone()),
            with(&["message"], "link_preview_options", json!({"is_disabled": true})),
            with(
                &["message"],
                "forward_origin",
                json!({"type": "hidden_user", "date": 1, "sender_user_name": "X"}),
            ),
            with(&["message"], "chat", json!({"id": -100_123, "type": "group", "title": "Tổ công tác"})),
            with(&["message"], "some_field_of_2027", json!(1)),
            with(&["callback_query"], "inline_message_id", json!("AAA")),
            with(&["callback_query", "message"], "date", json!(0)),
            json!({"update_id": 5003, "edited_message": typed("50")["message"].clone()}),
            json!({"update_id": 5004, "message": {"message_id": 44, "from": person(), "chat": private_chat(),
                   "date": 1_646_614_802, "document": {"file_id": "F", "file_unique_id": "U",
                   "file_name": "bao-cao.xlsx", "file_size": 2048}}}),
        ];
        for update in others {
            let (lean, full) = both(&[typed("49"), update.clone()]);
            assert!(lean.is_none(), "read here, not by teloxide: {update}");
            assert_eq!(full.len(), 2);
        }
    }
}
