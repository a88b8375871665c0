//! What the tests read back (calls, messages per chat, answers) and the failures they inject.

use std::time::{Duration, Instant};

use super::{ApiRequest, Commands, DEFAULT_WAIT, Failure, FakeTelegram, SentMessage, Stats};

impl FakeTelegram {
    /// Every call the bot made, in arrival order.
    pub fn requests(&self) -> Vec<ApiRequest> {
        self.shared.lock().requests.clone()
    }

    /// The calls of one method (any case: "SendMessage", "sendMessage").
    pub fn requests_for(&self, method: &str) -> Vec<ApiRequest> {
        let state = self.shared.lock();
        state.requests.iter().filter(|r| r.method.eq_ignore_ascii_case(method)).cloned().collect()
    }

    /// Every message the bot sent or edited in the chat, in order (an edit is a new entry).
    /// When an update was first handed to the bot (for latency measurements).
    pub fn delivered_at(&self, update_id: i64) -> Option<Instant> {
        self.shared.lock().delivered.get(&update_id).copied()
    }

    pub fn messages(&self, chat_id: i64) -> Vec<SentMessage> {
        self.shared.lock().log.get(&chat_id).cloned().unwrap_or_default()
    }

    /// The chat's next entry after those already consumed; panics after 5 s listing what the
    /// chat received.
    pub async fn next_message(&self, chat_id: i64) -> SentMessage {
        match self.consume(chat_id, DEFAULT_WAIT, |_| true).await {
            Some(message) => message,
            None => panic!("{}", self.nothing_came(chat_id, "no new message", DEFAULT_WAIT)),
        }
    }

    pub async fn next_message_within(&self, chat_id: i64, timeout: Duration) -> Option<SentMessage> {
        self.consume(chat_id, timeout, |_| true).await
    }

    /// The first entry from the cursor on that matches; the cursor moves past it (and past the
    /// entries skipped on the way). Panics after 5 s listing what the chat received.
    pub async fn wait_for(&self, chat_id: i64, pred: impl Fn(&SentMessage) -> bool) -> SentMessage {
        match self.consume(chat_id, DEFAULT_WAIT, pred).await {
            Some(message) => message,
            None => panic!("{}", self.nothing_came(chat_id, "no matching message", DEFAULT_WAIT)),
        }
    }

    /// Panics if the chat has, or gets within `for_`, any entry beyond the cursor.
    pub async fn expect_silence(&self, chat_id: i64, for_: Duration) {
        let deadline = tokio::time::Instant::now() + for_;
        let mut changes = self.shared.log.subscribe();
        loop {
            let unread: Vec<String> = {
                let state = self.shared.lock();
                let cursor = state.cursors.get(&chat_id).copied().unwrap_or(0);
                let log = state.log.get(&chat_id).map(Vec::as_slice).unwrap_or_default();
                log.iter().skip(cursor).map(SentMessage::summary).collect()
            };
            if !unread.is_empty() {
                panic!("chat {chat_id} was to stay silent but received: {unread:#?}");
            }
            if tokio::time::timeout_at(deadline, changes.changed()).await.is_err() {
                return;
            }
        }
    }

    /// Consider everything the chat received so far as read.
    pub fn mark_read(&self, chat_id: i64) {
        let mut state = self.shared.lock();
        let len = state.log.get(&chat_id).map_or(0, Vec::len);
        state.cursors.insert(chat_id, len);
    }

    async fn consume(
        &self,
        chat_id: i64,
        timeout: Duration,
        pred: impl Fn(&SentMessage) -> bool,
    ) -> Option<SentMessage> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.log.subscribe();
        loop {
            {
                let mut state = self.shared.lock();
                let cursor = state.cursors.get(&chat_id).copied().unwrap_or(0);
                let log = state.log.get(&chat_id).map(Vec::as_slice).unwrap_or_default();
                if let Some(at) = log.iter().skip(cursor).position(&pred) {
                    let found = log[cursor + at].clone();
                    state.cursors.insert(chat_id, cursor + at + 1);
                    return Some(found);
                }
            }
            if tokio::time::timeout_at(deadline, changes.changed()).await.is_err() {
                return None;
            }
        }
    }

    fn nothing_came(&self, chat_id: i64, what: &str, waited: Duration) -> String {
        let state = self.shared.lock();
        let cursor = state.cursors.get(&chat_id).copied().unwrap_or(0);
        let log = state.log.get(&chat_id).map(Vec::as_slice).unwrap_or_default();
        let lines: Vec<String> = log
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{} {}", if i < cursor { "(read)" } else { "(new) " }, m.summary()))
            .collect();
        let calls: Vec<String> = state
            .requests
            .iter()
            .filter(|r| super::methods::int(&r.body, "chat_id") == Some(chat_id))
            .map(|r| format!("{} {}", r.method, r.body))
            .rev()
            .take(5)
            .collect();
        format!(
            "{what} in chat {chat_id} within {waited:?}; the chat received {} message(s):\n{}\nlast calls for this chat (newest first):\n{}",
            lines.len(),
            lines.join("\n"),
            calls.join("\n")
        )
    }

    /// Answers to callback queries: (query id, text).
    pub fn callback_answers(&self) -> Vec<(String, Option<String>)> {
        self.shared.lock().callback_answers.clone()
    }

    pub fn webhook_url(&self) -> Option<String> {
        self.shared.lock().webhook.clone()
    }

    /// The command lists set: (scope, language code, [(command, description)]).
    pub fn my_commands(&self) -> Commands {
        self.shared.lock().commands.clone()
    }

    /// The bytes of a document or photo the bot uploaded as that message.
    pub fn file_bytes(&self, chat_id: i64, message_id: i64) -> Option<Vec<u8>> {
        self.shared.lock().uploads.get(&(chat_id, message_id)).cloned()
    }

    /// The next `times` calls of `method` (to `chat_id`, if given) fail with `failure`.
    pub fn fail_next(&self, method: &str, chat_id: Option<i64>, failure: Failure, times: u32) {
        self.shared.lock().add_failure(method, chat_id, failure, times);
    }

    /// From now on, `share` (0..1) of the calls to `methods` fail with 500 or 502 at random,
    /// from `seed` (the failed call changes nothing, as on Telegram).
    pub fn flaky(&self, methods: &[&str], share: f64, seed: u64) {
        self.shared.lock().set_flaky(methods, share, seed);
    }

    /// The next `times` calls of `method` (to `chat_id`, if given) take effect at once but are
    /// answered only after `delay` (a client that gives up sooner may send them again).
    pub fn delay_next(&self, method: &str, chat_id: Option<i64>, delay: Duration, times: u32) {
        self.shared.lock().add_delay(method, chat_id, delay, times);
    }

    /// From now on every call to that chat answers 403 "bot was blocked by the user".
    pub fn block(&self, user_id: i64) {
        self.shared.lock().blocked.insert(user_id);
    }

    pub fn unblock(&self, user_id: i64) {
        self.shared.lock().blocked.remove(&user_id);
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().stats
    }
}
