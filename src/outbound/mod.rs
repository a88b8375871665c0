//! Everything the bot sends leaves through here, under one budget (see [`budget`]): replies
//! first, the bulk in the room they leave. Replies are retried briefly and then reported to
//! the handler (which tells the person); bulk messages are tried once per call and the outbox
//! (`crate::postman`) decides when to try again, so nothing waits in memory that a crash would
//! lose.

mod budget;
mod screen;
mod updates;
mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile, MessageId};
use teloxide::{ApiError, RequestError};

pub use budget::{Budget, Busy, Lane, Limits};
pub use screen::{MAX_TEXT, Screen, split};
pub use wire::Wire;

/// How failures are retried; from the settings, so that tests wait milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// First wait after a network or server failure; doubled each time.
    pub first: Duration,
    /// Longest wait between two tries of an outbox message.
    pub max: Duration,
    /// Tries of a reply before the person is told to try again.
    pub reply_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { first: Duration::from_secs(1), max: Duration::from_secs(300), reply_attempts: 3 }
    }
}

impl RetryPolicy {
    /// The wait before try `attempt` + 1 of an outbox message.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.first.saturating_mul(factor).min(self.max)
    }
}

/// What happened to one bulk message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent {
        message_id: i64,
    },
    /// The person blocked the bot or left Telegram: stop sending to them.
    Blocked,
    /// Refused for good for another reason (a bad request).
    Refused(String),
    /// Not sent for now; `uncertain` when the request timed out and may have arrived.
    Retry {
        error: String,
        uncertain: bool,
        after: Option<Duration>,
    },
}

/// Counters an operator reads (and `/metrics` will export).
#[derive(Debug, Default)]
pub struct Stats {
    pub replies: AtomicU64,
    pub bulk_sent: AtomicU64,
    pub retries: AtomicU64,
    pub too_many_requests: AtomicU64,
    /// Requests that timed out and were tried again: each may have arrived twice.
    pub uncertain: AtomicU64,
    pub failures: AtomicU64,
}

impl Stats {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// The one way out.
#[derive(Clone)]
pub struct Sender {
    bot: Bot,
    wire: Wire,
    budget: Arc<Budget>,
    policy: RetryPolicy,
    stats: Arc<Stats>,
}

/// How a failed request should be treated.
enum Failure {
    /// 429: wait this long, then again.
    SlowDown(Duration),
    /// Network or Telegram's own failure: worth another try; `timeout` when it may have arrived.
    Transient { error: String, timeout: bool },
    /// The person blocked the bot, or is gone.
    Blocked,
    /// Refused for good.
    Refused(RequestError),
}

fn classify(e: RequestError) -> Failure {
    match e {
        RequestError::RetryAfter(after) => Failure::SlowDown(after.duration()),
        RequestError::Api(ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::ChatNotFound) => {
            Failure::Blocked
        }
        // Telegram's 5xx arrive as unknown API errors ("Internal Server Error", "Bad Gateway");
        // its 4xx descriptions start with the status' name.
        RequestError::Api(ApiError::Unknown(text))
            if !["Bad Request", "Forbidden", "Unauthorized", "Not Found", "Conflict"]
                .iter()
                .any(|p| text.starts_with(p)) =>
        {
            Failure::Transient { error: text, timeout: false }
        }
        RequestError::Network(n) => {
            let timeout = n.is_timeout();
            Failure::Transient { error: crate::telemetry::redact(&n.to_string(), None), timeout }
        }
        RequestError::Io(io) => Failure::Transient { error: io.to_string(), timeout: false },
        RequestError::InvalidJson { .. } => {
            Failure::Transient { error: "invalid answer".into(), timeout: false }
        }
        other => Failure::Refused(other),
    }
}

impl Sender {
    pub fn new(bot: Bot, limits: Limits, policy: RetryPolicy) -> Sender {
        let wire = Wire::of(&bot);
        Sender { bot, wire, budget: Arc::new(Budget::new(limits)), policy, stats: Arc::new(Stats::default()) }
    }

    /// For the calls that are not messages (getFile, setMyCommands): no budget.
    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Runs a reply request: a 429 pauses the whole budget and is waited out; a transient
    /// failure is tried again a few times; anything else is the caller's to handle.
    async fn reply_request<T, F, Fut>(&self, chat: Option<i64>, mut request: F) -> Result<T, RequestError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, RequestError>>,
    {
        let mut transient = 0;
        let mut slowed = 0;
        let mut wait = self.policy.first;
        loop {
            if let Some(chat) = chat {
                self.budget.reply(chat).await;
            }
            let e = match request().await {
                Ok(v) => {
                    Stats::bump(&self.stats.replies);
                    return Ok(v);
                }
                Err(e) => e,
            };
            match classify(e) {
                Failure::SlowDown(after) if slowed < 5 => {
                    slowed += 1;
                    Stats::bump(&self.stats.too_many_requests);
                    self.budget.pause(after);
                    tracing::warn!(
                        seconds = after.as_secs(),
                        "Telegram asked to slow down; every send waits"
                    );
                    if chat.is_none() {
                        tokio::time::sleep(after).await;
                    }
                }
                Failure::Transient { error, timeout } if transient + 1 < self.policy.reply_attempts => {
                    transient += 1;
                    Stats::bump(&self.stats.retries);
                    if timeout {
                        Stats::bump(&self.stats.uncertain);
                    }
                    tracing::warn!(error = %error, timeout, "a reply failed; trying again");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(self.policy.max);
                }
                Failure::SlowDown(after) => {
                    return Err(RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(
                        after.as_secs() as u32,
                    )));
                }
                Failure::Transient { error, .. } => {
                    Stats::bump(&self.stats.failures);
                    return Err(RequestError::Api(ApiError::Unknown(error)));
                }
                Failure::Blocked => return Err(RequestError::Api(ApiError::BotBlocked)),
                Failure::Refused(e) => return Err(e),
            }
        }
    }

    /// A reply as new messages (split when long); the id of the last.
    pub async fn send(&self, chat: ChatId, screen: &Screen) -> Result<MessageId, RequestError> {
        let mut last = None;
        for (text, keyboard) in screen.parts() {
            let sent =
                self.reply_request(Some(chat.0), || self.wire.send_message(chat, &text, keyboard)).await?;
            last = Some(sent);
        }
        last.ok_or_else(|| RequestError::Api(ApiError::Unknown("Bad Request: message text is empty".into())))
    }

    /// A screen over an earlier message (no budget: edits are not sends).
    pub async fn edit(&self, chat: ChatId, message: MessageId, screen: &Screen) -> Result<(), RequestError> {
        self.reply_request(None, || {
            self.wire.edit_text(chat, message, &screen.text, screen.keyboard.as_ref())
        })
        .await?;
        self.budget.answered(chat.0);
        Ok(())
    }

    /// Only the buttons of an earlier message (e.g. a reminder's, once answered).
    pub async fn edit_keyboard(
        &self,
        chat: ChatId,
        message: MessageId,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<(), RequestError> {
        self.reply_request(None, || self.wire.edit_markup(chat, message, keyboard.as_ref())).await
    }

    /// Stops the spinner on a tapped button, with a short notice when given.
    pub async fn answer_callback(
        &self,
        query: &CallbackQuery,
        notice: Option<String>,
    ) -> Result<(), RequestError> {
        self.reply_request(None, || self.wire.answer_query(&query.id.0, notice.as_deref())).await
    }

    /// A picture (PNG bytes) with its caption.
    pub async fn send_photo(&self, chat: ChatId, png: Vec<u8>, caption: String) -> Result<(), RequestError> {
        let file = InputFile::memory(png).file_name("chart.png");
        self.reply_request(Some(chat.0), || {
            self.bot.send_photo(chat, file.clone()).caption(caption.clone()).into_future()
        })
        .await
        .map(|_| ())
    }

    /// A file as a document with its caption.
    pub async fn send_document(
        &self,
        chat: ChatId,
        bytes: Vec<u8>,
        name: String,
        caption: String,
    ) -> Result<(), RequestError> {
        let file = InputFile::memory(bytes).file_name(name);
        self.reply_request(Some(chat.0), || {
            self.bot.send_document(chat, file.clone()).caption(caption.clone()).into_future()
        })
        .await
        .map(|_| ())
    }

    /// One bulk message, once: the caller holds the budget's slot for its first part (the
    /// outbox takes it before claiming the row, so a crash loses no queue); later parts wait
    /// for theirs. The delivery of the last part, or of the first that failed.
    pub async fn deliver(&self, chat: ChatId, screen: &Screen) -> Delivery {
        let mut delivery = Delivery::Refused("empty message".into());
        for (i, (text, keyboard)) in screen.parts().into_iter().enumerate() {
            if i > 0 {
                self.budget.bulk(chat.0).await;
            }
            delivery = match self.wire.send_message(chat, &text, keyboard).await {
                Ok(id) => {
                    Stats::bump(&self.stats.bulk_sent);
                    Delivery::Sent { message_id: i64::from(id.0) }
                }
                Err(e) => self.bulk_failure(e),
            };
            if !matches!(delivery, Delivery::Sent { .. }) {
                break;
            }
        }
        delivery
    }

    fn bulk_failure(&self, e: RequestError) -> Delivery {
        match classify(e) {
            Failure::SlowDown(after) => {
                Stats::bump(&self.stats.too_many_requests);
                self.budget.pause(after);
                Delivery::Retry {
                    error: format!("429, retry after {}s", after.as_secs()),
                    uncertain: false,
                    after: Some(after),
                }
            }
            Failure::Transient { error, timeout } => {
                Stats::bump(&self.stats.retries);
                if timeout {
                    Stats::bump(&self.stats.uncertain);
                }
                Delivery::Retry { error, uncertain: timeout, after: None }
            }
            Failure::Blocked => Delivery::Blocked,
            Failure::Refused(e) => {
                Stats::bump(&self.stats.failures);
                Delivery::Refused(crate::telemetry::redact(&e.to_string(), None))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let p =
            RetryPolicy { first: Duration::from_millis(100), max: Duration::from_secs(1), reply_attempts: 3 };
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(4), Duration::from_millis(800));
        assert_eq!(p.backoff(5), Duration::from_secs(1));
        assert_eq!(p.backoff(60), Duration::from_secs(1));
    }

    #[test]
    fn server_failures_are_transient_refusals_are_not() {
        let t = |s: &str| classify(RequestError::Api(ApiError::Unknown(s.into())));
        assert!(matches!(t("Internal Server Error"), Failure::Transient { .. }));
        assert!(matches!(t("Bad Gateway"), Failure::Transient { .. }));
        assert!(matches!(t("Bad Request: message is too long"), Failure::Refused(_)));
        assert!(matches!(classify(RequestError::Api(ApiError::BotBlocked)), Failure::Blocked));
    }
}
