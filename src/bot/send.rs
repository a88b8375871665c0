//! Replies: a screen is a text and its buttons; a tap edits the screen in place, a typed
//! message gets a new one. A 429 is waited out and retried, never dropped.

use std::future::Future;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};
use teloxide::{ApiError, RequestError};

/// Telegram's limit is 4096 characters; leave room for nothing to be cut.
pub const MAX_TEXT: usize = 4000;

#[derive(Debug, Clone, Default)]
pub struct Screen {
    pub text: String,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

impl Screen {
    pub fn text(text: impl Into<String>) -> Screen {
        Screen { text: text.into(), keyboard: None }
    }
    pub fn with(text: impl Into<String>, keyboard: InlineKeyboardMarkup) -> Screen {
        Screen { text: text.into(), keyboard: Some(keyboard) }
    }
}

/// Where a reply goes: a new message, or over the message whose button was tapped.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Typed,
    Tapped(MessageId),
}

/// Retries a request that Telegram answered with 429, after the wait it asked for.
pub async fn retrying<T, F, Fut>(mut request: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempts = 0;
    loop {
        match request().await {
            Err(RequestError::RetryAfter(wait)) if attempts < 5 => {
                attempts += 1;
                tracing::warn!(seconds = wait.seconds(), "Telegram asked to slow down; retrying");
                tokio::time::sleep(wait.duration()).await;
            }
            other => return other,
        }
    }
}

/// Shows a screen: over the tapped message when there is one, else as new messages.
pub async fn show(bot: &Bot, chat: ChatId, origin: Origin, screen: Screen) -> Result<(), RequestError> {
    if let Origin::Tapped(message) = origin
        && screen.text.chars().count() <= MAX_TEXT
    {
        let edited = retrying(|| {
            let mut req = bot.edit_message_text(chat, message, screen.text.clone());
            if let Some(kb) = &screen.keyboard {
                req = req.reply_markup(kb.clone());
            }
            req.into_future()
        })
        .await;
        match edited {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
            // Too old or gone: say it in a new message instead.
            Err(RequestError::Api(_)) => {}
            Err(e) => return Err(e),
        }
    }
    send(bot, chat, screen).await
}

/// Sends a screen as new messages, split at line ends when longer than Telegram allows; the
/// buttons go with the last part.
pub async fn send(bot: &Bot, chat: ChatId, screen: Screen) -> Result<(), RequestError> {
    let parts = split(&screen.text, MAX_TEXT);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.into_iter().enumerate() {
        retrying(|| {
            let mut req = bot.send_message(chat, part.clone());
            if i == last
                && let Some(kb) = &screen.keyboard
            {
                req = req.reply_markup(kb.clone());
            }
            req.into_future()
        })
        .await?;
    }
    Ok(())
}

pub async fn say(bot: &Bot, chat: ChatId, text: impl Into<String>) -> Result<(), RequestError> {
    send(bot, chat, Screen::text(text)).await
}

/// Stops the spinner on a tapped button, with a short notice when given.
pub async fn answer(bot: &Bot, query: &CallbackQuery, notice: Option<String>) -> Result<(), RequestError> {
    retrying(|| {
        let mut req = bot.answer_callback_query(query.id.clone());
        if let Some(n) = &notice {
            req = req.text(n.clone());
        }
        req.into_future()
    })
    .await
    .map(|_| ())
}

/// Splits a text into parts of at most `max` characters, at line ends where possible.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if current.chars().count() + line.chars().count() > max && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        if line.chars().count() > max {
            let chars: Vec<char> = line.chars().collect();
            for chunk in chars.chunks(max) {
                parts.push(chunk.iter().collect());
            }
        } else {
            current.push_str(line);
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts.into_iter().map(|p| p.trim_end_matches('\n').to_owned()).filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn long_texts_split_at_line_ends_within_the_limit() {
        let text = (0..300).map(|i| format!("dòng số {i} của báo cáo\n")).collect::<String>();
        let parts = split(&text, 1000);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= 1000));
        assert_eq!(parts.join("\n"), text.trim_end());
        let one = "x".repeat(2500);
        assert_eq!(split(&one, 1000).len(), 3);
        assert_eq!(split("ngắn", 1000), vec!["ngắn"]);
    }
}
