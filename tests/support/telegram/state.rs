//! What the fake Telegram remembers: the update queue, the chats and their messages, files,
//! injected failures and the flood limits. One mutex, never held across an await.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::watch;

use super::super::updates::{TgUser, unknown_chat};
use super::{ApiRequest, Failure, FakeOptions, SentMessage, Stats};

/// An error answer of the Bot API.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn bad_request(what: &str) -> ApiError {
        let description =
            if what.starts_with("Bad Request:") { what.to_owned() } else { format!("Bad Request: {what}") };
        ApiError { code: 400, description, retry_after: None }
    }
    pub fn retry_after(seconds: u32) -> ApiError {
        let description = format!("Too Many Requests: retry after {seconds}");
        ApiError { code: 429, description, retry_after: Some(seconds) }
    }
    pub fn blocked() -> ApiError {
        ApiError {
            code: 403,
            description: "Forbidden: bot was blocked by the user".into(),
            retry_after: None,
        }
    }
    pub fn server_error() -> ApiError {
        ApiError { code: 500, description: "Internal Server Error".into(), retry_after: None }
    }
    pub fn conflict(what: &str) -> ApiError {
        ApiError { code: 409, description: format!("Conflict: {what}"), retry_after: None }
    }
    pub fn other(code: u16, description: &str) -> ApiError {
        ApiError { code, description: description.into(), retry_after: None }
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> ApiError {
        match failure {
            Failure::RetryAfter(seconds) => ApiError::retry_after(seconds),
            Failure::Blocked => ApiError::blocked(),
            Failure::ServerError => ApiError::server_error(),
            Failure::BadGateway => {
                ApiError { code: 502, description: "Bad Gateway".into(), retry_after: None }
            }
            Failure::BadRequest(what) => ApiError::bad_request(&what),
        }
    }
}

/// A queued update. `forced`: queued again by `redeliver`, so it is served once whatever the
/// offset says; `returned` records that it was.
pub struct Pending {
    pub id: i64,
    pub forced: bool,
    pub returned: bool,
}

impl Pending {
    /// Whether a `getUpdates` with this offset still gets it.
    fn due(&self, offset: i64) -> bool {
        self.id >= offset || (self.forced && !self.returned)
    }
}

pub struct FileEntry {
    pub unique_id: String,
    pub size: u64,
    pub path: String,
    pub bytes: Option<Vec<u8>>,
    pub file_name: Option<String>,
}

struct InjectedFailure {
    method: String,
    chat: Option<i64>,
    failure: Failure,
    remaining: u32,
}

pub type Commands = Vec<(Value, Option<String>, Vec<(String, String)>)>;

#[derive(Default)]
pub struct State {
    next_update_id: i64,
    pub pending: Vec<Pending>,
    /// Every update ever pushed, by id, without its `update_id`.
    pub history: HashMap<i64, Value>,
    pub allowed_updates: Vec<String>,
    pub poll_generation: u64,
    pub webhook: Option<String>,
    pub requests: Vec<ApiRequest>,
    pub log: HashMap<i64, Vec<SentMessage>>,
    pub cursors: HashMap<i64, usize>,
    /// Every message of every chat, bot's and users', as the Bot API object, by (chat, id).
    pub stored: HashMap<(i64, i64), Value>,
    next_message_id: HashMap<i64, i64>,
    pub chats: HashMap<i64, Value>,
    pub users: HashMap<i64, TgUser>,
    /// The user message an update carried, by update id.
    pub update_messages: HashMap<i64, (i64, i64)>,
    pub issued_queries: HashSet<String>,
    pub answered_queries: HashSet<String>,
    pub callback_answers: Vec<(String, Option<String>)>,
    pub commands: Commands,
    pub files: HashMap<String, FileEntry>,
    pub uploads: HashMap<(i64, i64), Vec<u8>>,
    failures: Vec<InjectedFailure>,
    pub blocked: HashSet<i64>,
    recent_sends: VecDeque<Instant>,
    /// Random failures: (methods, share of calls, xorshift state).
    flaky: Option<(Vec<String>, f64, u64)>,
    /// Answers held back after the call took effect: (method, chat, delay, times left).
    delays: Vec<(String, Option<i64>, Duration, u32)>,
    last_send_to: HashMap<i64, Instant>,
    pub stats: Stats,
    pub seq: u64,
    /// When each update was first handed to the bot by `getUpdates`.
    pub delivered: HashMap<i64, Instant>,
}

impl State {
    /// A fresh number for file ids, query ids and the like.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Message ids are per chat, shared by the bot's and the users' messages, from 1.
    pub fn next_message_id(&mut self, chat: i64) -> i64 {
        let next = self.next_message_id.entry(chat).or_insert(0);
        *next += 1;
        *next
    }

    pub fn chat_json(&self, chat: i64) -> Value {
        match (self.chats.get(&chat), self.users.get(&chat)) {
            (Some(known), _) => known.clone(),
            (None, Some(user)) => user.private_chat(),
            (None, None) => unknown_chat(chat),
        }
    }

    pub fn push_update(&mut self, update: Value) -> i64 {
        self.next_update_id += 1;
        let id = self.next_update_id;
        self.history.insert(id, update);
        self.pending.push(Pending { id, forced: false, returned: false });
        id
    }

    pub fn redeliver(&mut self, id: i64) {
        assert!(self.history.contains_key(&id), "redeliver: no update {id} was ever pushed");
        let at = self.pending.partition_point(|p| p.id <= id);
        self.pending.insert(at, Pending { id, forced: true, returned: false });
    }

    /// `offset` confirms every update with a smaller id; a negative one keeps only the last
    /// `-offset` updates, as on Telegram.
    pub fn confirm(&mut self, offset: i64) {
        if offset > 0 {
            self.pending.retain(|p| p.due(offset));
        } else if offset < 0 {
            let keep = offset.unsigned_abs() as usize;
            let drop = self.pending.len().saturating_sub(keep);
            self.pending.drain(..drop);
        }
    }

    /// The updates a `getUpdates` with this offset gets now (full objects, with `update_id`).
    pub fn select(&mut self, offset: i64, limit: usize) -> Vec<Value> {
        let mut out = Vec::new();
        for pending in &mut self.pending {
            if out.len() >= limit {
                break;
            }
            if !pending.due(offset) {
                continue;
            }
            let update = &self.history[&pending.id];
            let kind = super::super::updates::update_kind(update).unwrap_or("");
            if !self.allowed_updates.is_empty() && !self.allowed_updates.iter().any(|a| a == kind) {
                continue;
            }
            pending.returned = true;
            self.delivered.entry(pending.id).or_insert_with(Instant::now);
            let mut full = json!({ "update_id": pending.id });
            super::super::updates::merge(&mut full, update.clone());
            out.push(full);
        }
        out
    }

    pub fn add_failure(&mut self, method: &str, chat: Option<i64>, failure: Failure, times: u32) {
        let method = method.to_ascii_lowercase();
        self.failures.push(InjectedFailure { method, chat, failure, remaining: times });
    }

    /// From now on, a share of the calls to these methods fail with 500 or 502, at random
    /// (from `seed`, so a run can be repeated).
    pub fn set_flaky(&mut self, methods: &[&str], share: f64, seed: u64) {
        let methods = methods.iter().map(|m| m.to_ascii_lowercase()).collect();
        self.flaky = Some((methods, share, seed | 1));
    }

    pub fn add_delay(&mut self, method: &str, chat: Option<i64>, delay: Duration, times: u32) {
        self.delays.push((method.to_ascii_lowercase(), chat, delay, times));
    }

    /// How long this call's answer is held back, if at all (used up by one).
    pub fn take_delay(&mut self, method: &str, chat: Option<i64>) -> Option<Duration> {
        let at =
            self.delays.iter().position(|d| d.3 > 0 && d.0 == method && (d.1.is_none() || d.1 == chat))?;
        let delay = self.delays[at].2;
        self.delays[at].3 -= 1;
        if self.delays[at].3 == 0 {
            self.delays.remove(at);
        }
        Some(delay)
    }

    /// The injected failure this call meets, if any (used up by one).
    pub fn take_failure(&mut self, method: &str, chat: Option<i64>) -> Option<Failure> {
        if let Some((methods, share, rng)) = &mut self.flaky
            && methods.iter().any(|m| m == method)
        {
            let mut x = *rng;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *rng = x;
            if ((x % 10_000) as f64) < *share * 10_000.0 {
                return Some(if x % 2 == 0 { Failure::ServerError } else { Failure::BadGateway });
            }
        }
        let at = self
            .failures
            .iter()
            .position(|f| f.remaining > 0 && f.method == method && (f.chat.is_none() || f.chat == chat))?;
        let failure = &mut self.failures[at];
        failure.remaining -= 1;
        let found = failure.failure.clone();
        if failure.remaining == 0 {
            self.failures.remove(at);
        }
        Some(found)
    }

    /// Telegram's flood limits: 30 message sends per rolling second in all, 1 per chat.
    pub fn check_limits(&mut self, chat: i64, options: &FakeOptions) -> Result<(), ApiError> {
        if !options.enforce_limits {
            return Ok(());
        }
        let now = Instant::now();
        let second = Duration::from_secs(1);
        while self.recent_sends.front().is_some_and(|t| now.duration_since(*t) >= second) {
            self.recent_sends.pop_front();
        }
        let chat_busy = self.last_send_to.get(&chat).is_some_and(|t| now.duration_since(*t) < second);
        if self.recent_sends.len() >= 30 || chat_busy {
            return Err(ApiError::retry_after(1));
        }
        self.recent_sends.push_back(now);
        self.last_send_to.insert(chat, now);
        Ok(())
    }

    /// Appends a sent or edited message to the chat's log.
    pub fn log_message(&mut self, message: SentMessage) {
        self.log.entry(message.chat_id).or_default().push(message);
    }
}

pub struct Shared {
    pub state: Mutex<State>,
    pub options: FakeOptions,
    /// Bumped when an update is queued or a new `getUpdates` arrives: wakes long polls.
    pub updates: watch::Sender<u64>,
    /// Bumped when a chat log grows: wakes `next_message` and friends.
    pub log: watch::Sender<u64>,
}

impl Shared {
    pub fn new(options: FakeOptions) -> Shared {
        Shared {
            state: Mutex::new(State::default()),
            options,
            updates: watch::channel(0).0,
            log: watch::channel(0).0,
        }
    }

    /// The state; a panic in another test thread does not poison it for the rest.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn wake_pollers(&self) {
        self.updates.send_modify(|v| *v += 1);
    }

    pub fn wake_readers(&self) {
        self.log.send_modify(|v| *v += 1);
    }
}
