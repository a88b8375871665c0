//! The Bot API calls of every reply (sendMessage, editMessageText, editMessageReplyMarkup,
//! answerCallbackQuery) and of polling (getUpdates), posted and read here rather than through
//! teloxide's requests; photos, documents and the rest stay teloxide's.
//!
//! Why: teloxide reads every answer into serde's untagged buffer first (each string, map and
//! list of it allocated, then read a second time into the answer's type), and the answer to a
//! send or an edit is the whole message echoed back, its text and every button included, of
//! which the bot keeps the id. heaptrack on `benches/replies` (200 people) counted about 300 of
//! the 894 allocations of a reply in that buffer, and `perf` about a tenth of the CPU in it and
//! in reading the answer as text before parsing it. Here an answer is read in one pass from its
//! bytes and what is not kept is skipped without allocating; a request borrows the screen it
//! shows instead of a copy; each method's URL is parsed once. The updates `getUpdates` returns
//! are read the same way when they are typed texts and taps (`updates.rs`).
//!
//! Errors come out as teloxide's [`RequestError`], read the way teloxide reads them (the
//! `description` as an [`ApiError`], `parameters` as a retry-after or a migration; an answer
//! that is not JSON as `InvalidJson`), so everything above this module is unchanged.

use std::sync::Arc;

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, InlineKeyboardMarkup, MessageId, ResponseParameters};
use teloxide::{ApiError, RequestError};

/// One method's address, parsed once.
struct Method(Url);

impl Method {
    /// `<api>/bot<token>/<name>`, built as teloxide builds it.
    fn of(bot: &Bot, name: &str) -> Method {
        let mut url = bot.api_url();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(&format!("bot{}", bot.token()));
            segments.push(name);
        }
        Method(url)
    }
}

/// Posts the hot methods of the Bot API with the bot's own HTTP client.
#[derive(Clone)]
pub struct Wire {
    client: reqwest::Client,
    urls: Arc<Urls>,
}

struct Urls {
    send_message: Method,
    edit_text: Method,
    edit_markup: Method,
    answer_query: Method,
    get_updates: Method,
}

#[derive(Serialize)]
struct SendMessage<'a> {
    chat_id: i64,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<&'a InlineKeyboardMarkup>,
}

#[derive(Serialize)]
struct EditText<'a> {
    chat_id: i64,
    message_id: i32,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<&'a InlineKeyboardMarkup>,
}

#[derive(Serialize)]
struct EditMarkup<'a> {
    chat_id: i64,
    message_id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<&'a InlineKeyboardMarkup>,
}

#[derive(Serialize)]
struct AnswerQuery<'a> {
    callback_query_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct GetUpdates<'a> {
    offset: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u8>,
    timeout: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_updates: Option<&'a [AllowedUpdate]>,
}

/// Of a sent message, the one thing kept.
#[derive(Deserialize)]
struct Sent {
    message_id: i32,
}

/// Telegram's answer: `{"ok": true, "result": …}` or `{"ok": false, "description": …,
/// "parameters": …}`, read as one shape so that nothing is buffered.
#[derive(Deserialize)]
struct Answer<T> {
    ok: bool,
    result: Option<T>,
    description: Option<ApiError>,
    parameters: Option<ResponseParameters>,
}

/// Reads an answer's bytes as teloxide would: the result, or the error Telegram described.
fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RequestError> {
    let invalid = |source: serde_json::Error| RequestError::InvalidJson {
        source: Arc::new(source),
        raw: String::from_utf8_lossy(bytes).into(),
    };
    let answer: Answer<T> = serde_json::from_slice(bytes).map_err(invalid)?;
    match answer {
        Answer { ok: true, result: Some(result), .. } => Ok(result),
        Answer { ok: true, result: None, .. } => {
            Err(invalid(<serde_json::Error as serde::de::Error>::missing_field("result")))
        }
        Answer { parameters: Some(ResponseParameters::RetryAfter(after)), .. } => {
            Err(RequestError::RetryAfter(after))
        }
        Answer { parameters: Some(ResponseParameters::MigrateToChatId(to)), .. } => {
            Err(RequestError::MigrateToChatId(to))
        }
        Answer { description, .. } => {
            Err(RequestError::Api(description.unwrap_or_else(|| ApiError::Unknown(String::new()))))
        }
    }
}

/// An answer whose result is not kept (an edit, a tap's answer). Telegram's success begins
/// `{"ok":true,"result":`, and the rest, the edited message echoed back with its keyboard, is
/// not read: stepping over it was 13,000 instructions an edit (callgrind, benches/replies).
/// Any other answer is read whole: an error, or a success written another way.
fn done(bytes: &[u8]) -> Result<(), RequestError> {
    if bytes.starts_with(br#"{"ok":true,"result":"#) {
        return Ok(());
    }
    read::<IgnoredAny>(bytes).map(drop)
}

impl Wire {
    /// The methods of `bot`'s API address, posted with `bot`'s client (and so its timeout).
    pub fn of(bot: &Bot) -> Wire {
        let urls = Urls {
            send_message: Method::of(bot, "sendMessage"),
            edit_text: Method::of(bot, "editMessageText"),
            edit_markup: Method::of(bot, "editMessageReplyMarkup"),
            answer_query: Method::of(bot, "answerCallbackQuery"),
            get_updates: Method::of(bot, "getUpdates"),
        };
        Wire { client: bot.client().clone(), urls: Arc::new(urls) }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &Method,
        body: &impl Serialize,
    ) -> Result<T, RequestError> {
        read(self.post(method, body).await?.as_ref())
    }

    /// Posts `body` to `method` and returns the answer's bytes.
    async fn post(&self, method: &Method, body: &impl Serialize) -> Result<impl AsRef<[u8]>, RequestError> {
        let body = serde_json::to_vec(body)
            .map_err(|e| RequestError::InvalidJson { source: Arc::new(e), raw: "(the request)".into() })?;
        let network = |e: reqwest::Error| RequestError::Network(Arc::new(e));
        let response = self
            .client
            .post(method.0.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body)
            .send()
            .await
            .map_err(network)?;
        response.bytes().await.map_err(network)
    }

    pub async fn send_message(
        &self,
        chat: ChatId,
        text: &str,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<MessageId, RequestError> {
        let body = SendMessage { chat_id: chat.0, text, reply_markup: keyboard };
        let sent: Sent = self.call(&self.urls.send_message, &body).await?;
        Ok(MessageId(sent.message_id))
    }

    pub async fn edit_text(
        &self,
        chat: ChatId,
        message: MessageId,
        text: &str,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<(), RequestError> {
        let body = EditText { chat_id: chat.0, message_id: message.0, text, reply_markup: keyboard };
        done(self.post(&self.urls.edit_text, &body).await?.as_ref())
    }

    pub async fn edit_markup(
        &self,
        chat: ChatId,
        message: MessageId,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<(), RequestError> {
        let body = EditMarkup { chat_id: chat.0, message_id: message.0, reply_markup: keyboard };
        done(self.post(&self.urls.edit_markup, &body).await?.as_ref())
    }

    pub async fn answer_query(&self, query: &str, notice: Option<&str>) -> Result<(), RequestError> {
        let body = AnswerQuery { callback_query_id: query, text: notice };
        done(self.post(&self.urls.answer_query, &body).await?.as_ref())
    }

    /// Updates from `offset` on, waiting up to `timeout` seconds for one.
    pub async fn get_updates(
        &self,
        offset: i32,
        limit: Option<u8>,
        timeout: u32,
        allowed: Option<&[AllowedUpdate]>,
    ) -> Result<Vec<Update>, RequestError> {
        let body = GetUpdates { offset, limit, timeout, allowed_updates: allowed };
        let bytes = self.post(&self.urls.get_updates, &body).await?;
        // Typed texts and taps read in one pass; any other shape in the answer, and an error,
        // as teloxide reads them (`updates.rs`).
        match read::<Vec<super::updates::Lean>>(bytes.as_ref()).ok().and_then(super::updates::all) {
            Some(updates) => Ok(updates),
            None => read(bytes.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use teloxide::payloads::{
        AnswerCallbackQuerySetters, EditMessageTextSetters, GetUpdatesSetters, SendMessageSetters,
    };
    use teloxide::types::{InlineKeyboardButton, Seconds};

    use super::*;

    fn keyboard() -> InlineKeyboardMarkup {
        InlineKeyboardMarkup::new(vec![
            vec![InlineKeyboardButton::callback("2.a Tiếp tục", "i:1:t2.a")],
            vec![InlineKeyboardButton::callback("« Danh sách", "o:1")],
        ])
    }

    fn json(value: impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn requests_are_what_teloxide_would_post() {
        use teloxide::payloads as p;
        let (chat, kb) = (ChatId(42), keyboard());
        assert_eq!(
            json(SendMessage { chat_id: 42, text: "Chào", reply_markup: Some(&kb) }),
            json(p::SendMessage::new(chat, "Chào").reply_markup(kb.clone()))
        );
        assert_eq!(
            json(SendMessage { chat_id: 42, text: "Chào", reply_markup: None }),
            json(p::SendMessage::new(chat, "Chào"))
        );
        assert_eq!(
            json(EditText { chat_id: 42, message_id: 7, text: "Sửa", reply_markup: Some(&kb) }),
            json(p::EditMessageText::new(chat, MessageId(7), "Sửa").reply_markup(kb.clone()))
        );
        assert_eq!(
            json(EditMarkup { chat_id: 42, message_id: 7, reply_markup: None }),
            json(p::EditMessageReplyMarkup::new(chat, MessageId(7)))
        );
        assert_eq!(
            json(AnswerQuery { callback_query_id: "q1", text: Some("Đã lưu") }),
            json(
                p::AnswerCallbackQuery::new(teloxide::types::CallbackQueryId("q1".to_owned())).text("Đã lưu")
            )
        );
        let allowed = [AllowedUpdate::Message, AllowedUpdate::CallbackQuery];
        assert_eq!(
            json(GetUpdates { offset: 5, limit: None, timeout: 10, allowed_updates: Some(&allowed) }),
            json(p::GetUpdates::new().offset(5).timeout(10).allowed_updates(allowed))
        );
    }

    #[test]
    fn a_methods_address_is_the_bots_token_then_the_method() {
        let bot = Bot::new("123:abc").set_api_url("http://127.0.0.1:8081/".parse().unwrap());
        assert_eq!(
            Method::of(&bot, "sendMessage").0.as_str(),
            "http://127.0.0.1:8081/bot123:abc/sendMessage"
        );
    }

    #[test]
    fn an_answer_gives_its_result_and_skips_what_is_not_kept() {
        let echoed = r#"{"ok":true,"result":{"message_id":77,"date":1,"chat":{"id":42,"type":"private"},
            "text":"Chào","reply_markup":{"inline_keyboard":[[{"text":"x","callback_data":"o:1"}]]}}}"#;
        assert_eq!(read::<Sent>(echoed.as_bytes()).unwrap().message_id, 77);
        assert!(read::<IgnoredAny>(echoed.as_bytes()).is_ok());
        assert!(read::<IgnoredAny>(br#"{"ok":true,"result":true}"#).is_ok());
        assert!(matches!(read::<IgnoredAny>(br#"{"ok":true}"#), Err(RequestError::InvalidJson { .. })));
    }

    #[test]
    fn a_success_whose_result_is_not_kept_is_known_by_its_first_bytes_and_anything_else_read_whole() {
        let echoed = r#"{"ok":true,"result":{"message_id":77,"date":1,"chat":{"id":42,"type":"private"},
            "text":"Chào","reply_markup":{"inline_keyboard":[[{"text":"x","callback_data":"o:1"}]]}}}"#;
        assert!(done(echoed.as_bytes()).is_ok());
        assert!(done(br#"{"ok":true,"result":true}"#).is_ok());
        assert!(done(br#"{ "result": true, "ok": true }"#).is_ok(), "written another way: read whole");
        assert!(matches!(done(br#"{"ok":true}"#), Err(RequestError::InvalidJson { .. })));
        assert!(matches!(done(br#"{"ok":true,"res"#), Err(RequestError::InvalidJson { .. })));
        let blocked =
            r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#;
        assert!(matches!(done(blocked.as_bytes()), Err(RequestError::Api(ApiError::BotBlocked))));
        assert!(matches!(done(b"<html>502 Bad Gateway</html>"), Err(RequestError::InvalidJson { .. })));
    }

    #[test]
    fn a_refusal_is_read_as_teloxide_reads_it() {
        let refusal = |body: &str| read::<IgnoredAny>(body.as_bytes()).unwrap_err();
        assert!(matches!(
            refusal(
                r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#
            ),
            RequestError::Api(ApiError::BotBlocked)
        ));
        assert!(matches!(
            refusal(
                r#"{"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}"#
            ),
            RequestError::Api(ApiError::MessageNotModified)
        ));
        assert!(matches!(
            refusal(r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#),
            RequestError::Api(ApiError::Unknown(text)) if text == "Internal Server Error"
        ));
        assert!(matches!(
            refusal(r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#),
            RequestError::RetryAfter(after) if after == Seconds::from_seconds(3)
        ));
        assert!(matches!(
            refusal(r#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-100123}}"#),
            RequestError::MigrateToChatId(to) if to == ChatId(-100123)
        ));
        // A proxy's page instead of Telegram's answer.
        assert!(matches!(
            refusal("<html><body>502 Bad Gateway</body></html>"),
            RequestError::InvalidJson { raw, .. } if raw.contains("502")
        ));
    }
}
