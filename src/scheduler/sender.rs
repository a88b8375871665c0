//! The one place bulk messages leave: reminders, digests, notices and broadcasts. Each message
//! takes the next slot of an even pace (29/s by default) and then goes through teloxide's
//! `Throttle` (1/s per chat, 30/s overall). The even pace matters: the throttle lets a second's
//! worth go at once, and a burst of 29 plus the next second's first few breaks Telegram's
//! rolling limit. Interactive replies bypass both and keep the rest of the budget. A 429 waits
//! for its `retry_after`, a network or server failure retries with backoff, a 403 says the
//! person blocked the bot.

use std::sync::Arc;
use std::time::Duration;

use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use crate::bot::send::{MAX_TEXT, Screen, split};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent {
        message_id: i64,
    },
    /// The person blocked the bot (or left Telegram): stop sending to them.
    Blocked,
    /// Refused for good for another reason.
    Failed(String),
    /// Still failing after the retries: worth trying again later.
    Retry(String),
}

#[derive(Clone)]
pub struct BulkSender {
    bot: Throttle<Bot>,
    pace: Arc<Pace>,
    backoff: Duration,
}

/// Evenly spaced slots: a message waits for the next one.
struct Pace {
    next: tokio::sync::Mutex<tokio::time::Instant>,
    every: Duration,
}

impl Pace {
    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + self.every;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

impl BulkSender {
    /// Must be made inside the runtime: the throttle runs a worker task.
    pub fn new(bot: Bot, per_second: u32) -> BulkSender {
        let per_second = per_second.clamp(1, 30);
        let pace = Pace {
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
            every: Duration::from_secs(1) / per_second,
        };
        BulkSender {
            bot: Throttle::new_spawn(bot, Limits::default()),
            pace: Arc::new(pace),
            backoff: Duration::from_secs(1),
        }
    }

    /// The same sender with another first backoff (tests wait less).
    pub fn with_backoff(mut self, backoff: Duration) -> BulkSender {
        self.backoff = backoff;
        self
    }

    /// Sends a screen (split when long); the delivery of its last part.
    pub async fn send(&self, chat: ChatId, screen: &Screen) -> Delivery {
        let parts = split(&screen.text, MAX_TEXT);
        let last = parts.len().saturating_sub(1);
        let mut delivery = Delivery::Failed("empty message".into());
        for (i, part) in parts.into_iter().enumerate() {
            let keyboard = if i == last { screen.keyboard.clone() } else { None };
            delivery = self.send_one(chat, part, keyboard).await;
            if !matches!(delivery, Delivery::Sent { .. }) {
                break;
            }
        }
        delivery
    }

    async fn send_one(
        &self,
        chat: ChatId,
        text: String,
        keyboard: Option<teloxide::types::InlineKeyboardMarkup>,
    ) -> Delivery {
        let mut wait = self.backoff;
        let mut last_error = String::new();
        for _ in 0..4 {
            self.pace.wait().await;
            let mut req = self.bot.send_message(chat, text.clone());
            if let Some(kb) = &keyboard {
                req = req.reply_markup(kb.clone());
            }
            match req.await {
                Ok(m) => return Delivery::Sent { message_id: i64::from(m.id.0) },
                Err(RequestError::Api(
                    ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::ChatNotFound,
                )) => {
                    return Delivery::Blocked;
                }
                // The throttle already waited and retried once; wait again as asked.
                Err(RequestError::RetryAfter(after)) => {
                    last_error = format!("429, retry after {}s", after.seconds());
                    tokio::time::sleep(after.duration()).await;
                    continue;
                }
                Err(RequestError::Api(ApiError::Unknown(e))) => last_error = e,
                Err(e @ RequestError::Api(_)) => return Delivery::Failed(e.to_string()),
                Err(e) => last_error = crate::telemetry::redact(&e.to_string(), None),
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
        Delivery::Retry(last_error)
    }
}
