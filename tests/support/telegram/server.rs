//! The HTTP side: `POST /bot<token>/<Method>` with a JSON or multipart body, `GET
//! /file/bot<token>/<path>` for downloads; long polling; the common checks every call meets.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use super::state::{ApiError, Shared};
use super::{ApiRequest, TOKEN, methods};

/// Telegram's upload limit for bots.
const MAX_BODY: usize = 50 * 1024 * 1024;

/// A file part of a multipart request, under the field that names it (`document`, `photo`).
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let app = Router::new().fallback(handle).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(shared);
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("fake Telegram server stopped: {error}");
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() == Method::GET {
        return match path.strip_prefix(&format!("/file/bot{TOKEN}/")) {
            Some(file_path) => download(&shared, file_path),
            None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
        };
    }
    let Some(method) = path.strip_prefix(&format!("/bot{TOKEN}/")).map(str::to_owned) else {
        let error = if path.starts_with("/bot") {
            ApiError::other(401, "Unauthorized")
        } else {
            ApiError::other(404, "Not Found")
        };
        return answer(Err(error));
    };
    let at = Instant::now();
    let (body, uploads) = match read_body(request).await {
        Ok(read) => read,
        Err(error) => return answer(Err(error)),
    };
    shared.lock().requests.push(ApiRequest { method: method.clone(), body: body.clone(), at });

    let lower = method.to_ascii_lowercase();
    let result = if lower == "getupdates" {
        get_updates(&shared, &body).await
    } else {
        let result = methods::call(&shared, &lower, &body, &uploads);
        shared.wake_readers();
        result
    };
    if let Err(error) = &result {
        let mut state = shared.lock();
        if error.code == 429 {
            state.stats.too_many_requests += 1;
        } else if lower != "getupdates" {
            state.stats.errors += 1;
        }
    }
    if !shared.options.latency.is_zero() {
        tokio::time::sleep(shared.options.latency).await;
    }
    let held = shared.lock().take_delay(&lower, methods::int(&body, "chat_id"));
    if let Some(delay) = held {
        tokio::time::sleep(delay).await;
    }
    answer(result)
}

/// The Bot API envelope. Server errors go out with HTTP 200: on a 5xx status teloxide sleeps
/// 10 s before it even reads the answer, which would only slow the tests down.
fn answer(result: Result<Value, ApiError>) -> Response {
    let (status, body) = match result {
        Ok(result) => (200, json!({ "ok": true, "result": result })),
        Err(error) => {
            let mut body = json!({ "ok": false, "error_code": error.code, "description": error.description });
            if let Some(seconds) = error.retry_after {
                body["parameters"] = json!({ "retry_after": seconds });
            }
            (if error.code >= 500 { 200 } else { error.code }, body)
        }
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The request's parameters as one JSON object (multipart text fields as JSON strings, files
/// as `{"file_name", "len"}` under the field that refers to them), and the uploaded files.
async fn read_body(request: Request) -> Result<(Value, HashMap<String, Upload>), ApiError> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if !content_type.starts_with("multipart/form-data") {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
            .await
            .map_err(|e| ApiError::bad_request(&format!("can't read the request: {e}")))?;
        return Ok((json_body(&bytes, &content_type)?, HashMap::new()));
    }
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::bad_request(&format!("bad multipart request: {e}")))?;
    let mut fields = Map::new();
    let mut files = HashMap::new();
    let bad =
        |e: axum::extract::multipart::MultipartError| ApiError::bad_request(&format!("bad multipart: {e}"));
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                files.insert(name, Upload { file_name, bytes });
            }
            None => {
                fields.insert(name, Value::String(field.text().await.map_err(bad)?));
            }
        }
    }
    // teloxide sends `document=attach://<id>` and the file as the part `<id>`.
    let mut uploads = HashMap::new();
    for (key, value) in fields.iter_mut() {
        let Some(part) = value.as_str().and_then(|v| v.strip_prefix("attach://")) else { continue };
        if let Some(upload) = files.remove(part) {
            *value = json!({ "file_name": upload.file_name, "len": upload.bytes.len() });
            uploads.insert(key.clone(), upload);
        }
    }
    for (key, upload) in files {
        fields.insert(key.clone(), json!({ "file_name": upload.file_name, "len": upload.bytes.len() }));
        uploads.insert(key, upload);
    }
    Ok((Value::Object(fields), uploads))
}

fn json_body(bytes: &Bytes, content_type: &str) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let text = String::from_utf8_lossy(bytes);
        let fields = text.split('&').filter_map(|pair| pair.split_once('='));
        let map = fields.map(|(k, v)| (k.to_owned(), Value::String(v.replace('+', " ")))).collect();
        return Ok(Value::Object(map));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_request(&format!("can't parse JSON: {e}")))
}

/// teloxide sends the file path as one URL segment ("documents%2Ffile_1.xlsx").
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex =
            bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn download(shared: &Shared, file_path: &str) -> Response {
    let file_path = percent_decode(file_path);
    let state = shared.lock();
    let Some(entry) = state.files.values().find(|f| f.path == file_path) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    // A user's file the test gave no content: bytes of the announced size.
    let bytes = entry.bytes.clone().unwrap_or_else(|| vec![0; entry.size.min(20 << 20) as usize]);
    (StatusCode::OK, Body::from(bytes)).into_response()
}

/// Long polling, as Telegram: `offset` confirms, pending updates come at once, otherwise the
/// call waits for one until `timeout`. A newer call ends an older waiting one with 409.
async fn get_updates(shared: &Shared, body: &Value) -> Result<Value, ApiError> {
    let offset = methods::int(body, "offset").unwrap_or(0);
    let limit = methods::int(body, "limit").filter(|l| (1..=100).contains(l)).unwrap_or(100) as usize;
    let timeout = Duration::from_secs(methods::int(body, "timeout").unwrap_or(0).max(0) as u64);
    let deadline = tokio::time::Instant::now() + timeout;
    let generation = {
        let mut state = shared.lock();
        if let Some(failure) = state.take_failure("getupdates", None) {
            return Err(failure.into());
        }
        if state.webhook.is_some() {
            return Err(ApiError::conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        if let Some(allowed) =
            methods::json_field(body, "allowed_updates").and_then(|v| v.as_array().cloned())
        {
            state.allowed_updates = allowed.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        }
        state.confirm(offset);
        state.poll_generation += 1;
        state.poll_generation
    };
    shared.wake_pollers();
    let mut changes = shared.updates.subscribe();
    loop {
        {
            let mut state = shared.lock();
            if state.poll_generation != generation {
                return Err(ApiError::conflict(
                    "terminated by other getUpdates request; make sure that only one bot instance is running",
                ));
            }
            let updates = state.select(offset, limit);
            if !updates.is_empty() {
                return Ok(Value::Array(updates));
            }
        }
        match tokio::time::timeout_at(deadline, changes.changed()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => return Ok(json!([])),
        }
    }
}
