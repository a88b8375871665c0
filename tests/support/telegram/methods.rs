//! The Bot API methods the bot uses, with Telegram's checks and errors.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{Value, json};

use super::super::updates::{BOT_ID, bot_user, document_content, me, message, now, photo_content, utf16_len};
use super::format::plain_text;
use super::server::Upload;
use super::state::{ApiError, FileEntry, Shared, State};
use super::{Button, SentKind, SentMessage};

const TEXT_LIMIT: usize = 4096;
const CAPTION_LIMIT: usize = 1024;
const DOWNLOAD_LIMIT: u64 = 20 * 1024 * 1024;
const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply \
     markup are exactly the same as a current content and reply markup of the message";

/// An integer parameter, sent as a JSON number or (multipart) as a string.
pub fn int(body: &Value, key: &str) -> Option<i64> {
    match &body[key] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn string(body: &Value, key: &str) -> Option<String> {
    match &body[key] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A structured parameter, sent as JSON or (multipart) as a string holding JSON.
pub fn json_field(body: &Value, key: &str) -> Option<Value> {
    match &body[key] {
        Value::Null => None,
        Value::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

fn chat_of(body: &Value) -> Result<i64, ApiError> {
    int(body, "chat_id").ok_or_else(|| ApiError::bad_request("chat not found"))
}

fn message_id_of(body: &Value) -> Result<i64, ApiError> {
    int(body, "message_id").ok_or_else(|| ApiError::bad_request("message identifier is not specified"))
}

pub fn call(
    shared: &Shared,
    method: &str,
    body: &Value,
    uploads: &HashMap<String, Upload>,
) -> Result<Value, ApiError> {
    let chat = int(body, "chat_id");
    let mut state = shared.lock();
    if let Some(failure) = state.take_failure(method, chat) {
        return Err(failure.into());
    }
    if chat.is_some_and(|c| state.blocked.contains(&c)) {
        return Err(ApiError::blocked());
    }
    let state = &mut *state;
    match method {
        "getme" => Ok(me()),
        "deletewebhook" => {
            state.webhook = None;
            if body["drop_pending_updates"] == json!(true) || body["drop_pending_updates"] == json!("true") {
                state.pending.clear();
            }
            Ok(json!(true))
        }
        "setwebhook" => {
            state.webhook = string(body, "url").filter(|u| !u.is_empty());
            Ok(json!(true))
        }
        "getwebhookinfo" => Ok(json!({
            "url": state.webhook.clone().unwrap_or_default(),
            "has_custom_certificate": false,
            "pending_update_count": state.pending.len(),
        })),
        "sendmessage" => send_message(state, shared, body),
        "senddocument" => send_file(state, shared, body, uploads, "document"),
        "sendphoto" => send_file(state, shared, body, uploads, "photo"),
        "editmessagetext" => edit(state, body, Edit::Text),
        "editmessagecaption" => edit(state, body, Edit::Caption),
        "editmessagereplymarkup" => edit(state, body, Edit::Markup),
        "answercallbackquery" => {
            let id = string(body, "callback_query_id").unwrap_or_default();
            if !state.issued_queries.contains(&id) || !state.answered_queries.insert(id.clone()) {
                return Err(ApiError::bad_request(
                    "query is too old and response timeout expired or query id is invalid",
                ));
            }
            state.callback_answers.push((id, string(body, "text")));
            Ok(json!(true))
        }
        "getfile" => get_file(state, body),
        "setmycommands" => set_commands(state, body),
        "deletemycommands" => {
            let key = commands_key(body);
            state.commands.retain(|(scope, lang, _)| (scope, lang) != (&key.0, &key.1));
            Ok(json!(true))
        }
        "getmycommands" => {
            let key = commands_key(body);
            let found = state.commands.iter().find(|(scope, lang, _)| (scope, lang) == (&key.0, &key.1));
            let list = found.map(|(_, _, list)| list.clone()).unwrap_or_default();
            Ok(list
                .into_iter()
                .map(|(command, description)| json!({ "command": command, "description": description }))
                .collect())
        }
        "deletemessage" => {
            let key = (chat_of(body)?, message_id_of(body)?);
            match state.stored.remove(&key) {
                Some(_) => Ok(json!(true)),
                None => Err(ApiError::bad_request("message to delete not found")),
            }
        }
        _ => Ok(json!(true)),
    }
}

/// The inline keyboard of a `reply_markup`, checked like Telegram checks callback data.
fn inline_markup(body: &Value) -> Result<Option<Value>, ApiError> {
    let Some(markup) = json_field(body, "reply_markup") else { return Ok(None) };
    let Some(rows) = markup["inline_keyboard"].as_array() else { return Ok(None) };
    for button in rows.iter().filter_map(Value::as_array).flatten() {
        if let Some(data) = button["callback_data"].as_str()
            && (data.is_empty() || data.len() > 64)
        {
            return Err(ApiError::bad_request("BUTTON_DATA_INVALID"));
        }
    }
    Ok(Some(markup))
}

/// The rows of a reply keyboard (`keyboard` markup), if the request sent one.
fn reply_keyboard(body: &Value) -> Vec<Vec<String>> {
    let markup = json_field(body, "reply_markup").unwrap_or(Value::Null);
    let rows = markup["keyboard"].as_array().cloned().unwrap_or_default();
    let label = |b: &Value| b.as_str().or(b["text"].as_str()).unwrap_or("").to_owned();
    rows.iter().map(|row| row.as_array().map(|r| r.iter().map(label).collect()).unwrap_or_default()).collect()
}

/// The text a user sees, or Telegram's error for it.
fn text_param(body: &Value, key: &str, limit: usize, too_long: &str) -> Result<(String, String), ApiError> {
    let raw = string(body, key).unwrap_or_default();
    let parse_mode = string(body, "parse_mode");
    let text = plain_text(&raw, parse_mode.as_deref()).map_err(|e| ApiError::bad_request(&e))?;
    // Telegram counts UTF-16 code units (an emoji outside the BMP counts twice).
    if utf16_len(&text) > limit {
        return Err(ApiError::bad_request(too_long));
    }
    Ok((text, raw))
}

pub fn buttons(markup: &Value) -> Vec<Vec<Button>> {
    let rows = markup["inline_keyboard"].as_array().cloned().unwrap_or_default();
    let button = |b: &Value| Button {
        text: b["text"].as_str().unwrap_or("").to_owned(),
        data: b["callback_data"].as_str().map(str::to_owned),
        url: b["url"].as_str().map(str::to_owned),
    };
    rows.iter()
        .map(|row| row.as_array().map(|r| r.iter().map(button).collect()).unwrap_or_default())
        .collect()
}

/// The log entry for a message object of the bot.
fn entry(message: &Value, edited: bool, raw_text: String, keyboard: Vec<Vec<String>>) -> SentMessage {
    let kind = if let Some(name) = message["document"]["file_name"].as_str() {
        SentKind::Document { file_name: name.to_owned() }
    } else if message["photo"].is_array() {
        SentKind::Photo
    } else {
        SentKind::Text
    };
    let text = message["text"].as_str().or(message["caption"].as_str()).unwrap_or("").to_owned();
    SentMessage {
        chat_id: message["chat"]["id"].as_i64().unwrap_or(0),
        message_id: message["message_id"].as_i64().unwrap_or(0),
        text,
        buttons: buttons(&message["reply_markup"]),
        edited,
        kind,
        at: Instant::now(),
        raw_text,
        keyboard,
    }
}

fn new_message(state: &mut State, chat: i64, content: Value, markup: Option<Value>) -> Value {
    let id = state.next_message_id(chat);
    let mut message = message(id, bot_user(), state.chat_json(chat), content);
    if let Some(markup) = markup {
        message["reply_markup"] = markup;
    }
    state.stored.insert((chat, id), message.clone());
    state.stats.sends += 1;
    message
}

fn send_message(state: &mut State, shared: &Shared, body: &Value) -> Result<Value, ApiError> {
    let chat = chat_of(body)?;
    let (text, raw) = text_param(body, "text", TEXT_LIMIT, "message is too long")?;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("message text is empty"));
    }
    let markup = inline_markup(body)?;
    state.check_limits(chat, &shared.options)?;
    let message = new_message(state, chat, json!({ "text": text }), markup);
    state.log_message(entry(&message, false, raw, reply_keyboard(body)));
    Ok(message)
}

fn send_file(
    state: &mut State,
    shared: &Shared,
    body: &Value,
    uploads: &HashMap<String, Upload>,
    field: &str,
) -> Result<Value, ApiError> {
    let chat = chat_of(body)?;
    let (file_name, bytes) = match (uploads.get(field), string(body, field)) {
        (Some(upload), _) => {
            let name = if upload.file_name.is_empty() { field.to_owned() } else { upload.file_name.clone() };
            (name, upload.bytes.clone())
        }
        (None, Some(file_id)) => {
            let known = state
                .files
                .get(&file_id)
                .ok_or_else(|| ApiError::bad_request("wrong file identifier/HTTP URL specified"))?;
            let bytes = known.bytes.clone().unwrap_or_else(|| vec![0; known.size as usize]);
            (known.file_name.clone().unwrap_or_else(|| "file".into()), bytes)
        }
        (None, None) => return Err(ApiError::bad_request(&format!("there is no {field} in the request"))),
    };
    if bytes.is_empty() {
        return Err(ApiError::bad_request("file must be non-empty"));
    }
    let (caption, raw) = text_param(body, "caption", CAPTION_LIMIT, "message caption is too long")?;
    let markup = inline_markup(body)?;
    state.check_limits(chat, &shared.options)?;
    let seq = state.next_seq();
    let (file_id, unique_id) = (format!("BQACAgIAAxkDAAI{seq:06}-fake"), format!("AgAD{seq:06}"));
    let mut content = if field == "photo" {
        photo_content(&file_id, &unique_id, bytes.len() as u64)
    } else {
        let mime = mime_of(&file_name);
        document_content(&file_id, &unique_id, &file_name, bytes.len() as u64, mime)
    };
    if !caption.is_empty() {
        content["caption"] = json!(caption);
    }
    let folder = if field == "photo" { "photos" } else { "documents" };
    let ext =
        file_name.rsplit_once('.').map(|(_, e)| e).unwrap_or(if field == "photo" { "jpg" } else { "bin" });
    for (id, unique) in
        [(file_id.clone(), unique_id.clone()), (format!("{file_id}-thumb"), format!("{unique_id}-thumb"))]
    {
        let entry = FileEntry {
            unique_id: unique,
            size: bytes.len() as u64,
            path: format!("{folder}/file_{seq}{}.{ext}", if id.ends_with("-thumb") { "_thumb" } else { "" }),
            bytes: Some(bytes.clone()),
            file_name: Some(file_name.clone()),
        };
        state.files.insert(id, entry);
    }
    let message = new_message(state, chat, content, markup);
    let message_id = message["message_id"].as_i64().unwrap_or(0);
    state.uploads.insert((chat, message_id), bytes);
    state.log_message(entry(&message, false, raw, reply_keyboard(body)));
    Ok(message)
}

fn mime_of(file_name: &str) -> &'static str {
    match file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

#[derive(PartialEq)]
enum Edit {
    Text,
    Caption,
    Markup,
}

fn edit(state: &mut State, body: &Value, what: Edit) -> Result<Value, ApiError> {
    if body["inline_message_id"].is_string() {
        return Ok(json!(true));
    }
    let key = (chat_of(body)?, message_id_of(body)?);
    let not_found = || ApiError::bad_request("message to edit not found");
    let mut message = state.stored.get(&key).cloned().ok_or_else(not_found)?;
    if message["from"]["id"].as_i64() != Some(BOT_ID) {
        return Err(ApiError::bad_request("message can't be edited"));
    }
    let mut raw = message["text"].as_str().or(message["caption"].as_str()).unwrap_or("").to_owned();
    match what {
        Edit::Text => {
            if !message["text"].is_string() {
                return Err(ApiError::bad_request("there is no text in the message to edit"));
            }
            let (text, sent) = text_param(body, "text", TEXT_LIMIT, "MESSAGE_TOO_LONG")?;
            if text.trim().is_empty() {
                return Err(ApiError::bad_request("message text is empty"));
            }
            message["text"] = json!(text);
            raw = sent;
        }
        Edit::Caption => {
            if message["text"].is_string() {
                return Err(ApiError::bad_request("there is no caption in the message to edit"));
            }
            let (caption, sent) = text_param(body, "caption", CAPTION_LIMIT, "message caption is too long")?;
            message["caption"] = json!(caption);
            raw = sent;
        }
        Edit::Markup => {}
    }
    // Telegram drops the inline keyboard of an edit that does not send one again.
    match inline_markup(body)? {
        Some(markup) => message["reply_markup"] = markup,
        None => {
            if let Some(fields) = message.as_object_mut() {
                fields.remove("reply_markup");
            }
        }
    }
    let before = &state.stored[&key];
    let same = ["text", "caption", "reply_markup"].iter().all(|f| before[*f] == message[*f]);
    if same {
        return Err(ApiError::bad_request(NOT_MODIFIED));
    }
    message["edit_date"] = json!(now());
    state.stored.insert(key, message.clone());
    state.log_message(entry(&message, true, raw, Vec::new()));
    Ok(message)
}

fn get_file(state: &mut State, body: &Value) -> Result<Value, ApiError> {
    let file_id = string(body, "file_id").unwrap_or_default();
    let file = state.files.get(&file_id).ok_or_else(|| ApiError::bad_request("invalid file_id"))?;
    if file.size > DOWNLOAD_LIMIT {
        return Err(ApiError::bad_request("file is too big"));
    }
    Ok(json!({
        "file_id": file_id, "file_unique_id": file.unique_id, "file_size": file.size, "file_path": file.path,
    }))
}

fn commands_key(body: &Value) -> (Value, Option<String>) {
    let scope = json_field(body, "scope").unwrap_or_else(|| json!({ "type": "default" }));
    (scope, string(body, "language_code").filter(|l| !l.is_empty()))
}

fn set_commands(state: &mut State, body: &Value) -> Result<Value, ApiError> {
    let list = json_field(body, "commands").and_then(|c| c.as_array().cloned()).unwrap_or_default();
    let mut commands = Vec::new();
    for item in list {
        let command = item["command"].as_str().unwrap_or("").to_owned();
        let description = item["description"].as_str().unwrap_or("").to_owned();
        let valid = (1..=32).contains(&command.len())
            && command.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(ApiError::bad_request("BOT_COMMAND_INVALID"));
        }
        if description.trim().is_empty() || description.chars().count() > 256 {
            return Err(ApiError::bad_request("command description is empty or too long"));
        }
        commands.push((command, description));
    }
    let (scope, lang) = commands_key(body);
    state.commands.retain(|(s, l, _)| (s, l) != (&scope, &lang));
    state.commands.push((scope, lang, commands));
    Ok(json!(true))
}
