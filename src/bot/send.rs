//! Replies: a tap edits the screen in place, a typed message gets a new one. Everything goes
//! through the one way out (`crate::outbound`), replies first in Telegram's budget.

use teloxide::prelude::*;
use teloxide::types::MessageId;
use teloxide::{ApiError, RequestError};

use crate::outbound::Sender;
pub use crate::outbound::{MAX_TEXT, Screen, split};

/// Where a reply goes: a new message, or over the message whose button was tapped.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    Typed,
    Tapped(MessageId),
}

/// Shows a screen: over the tapped message when there is one, else as new messages.
pub async fn show(out: &Sender, chat: ChatId, origin: Origin, screen: Screen) -> Result<(), RequestError> {
    if let Origin::Tapped(message) = origin
        && screen.text.chars().count() <= MAX_TEXT
    {
        match out.edit(chat, message, &screen).await {
            Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
            // Too old or gone: say it in a new message instead.
            Err(RequestError::Api(_)) => {}
            Err(e) => return Err(e),
        }
    }
    send(out, chat, screen).await
}

/// Sends a screen as new messages, split at line ends when longer than Telegram allows; the
/// buttons go with the last part.
pub async fn send(out: &Sender, chat: ChatId, screen: Screen) -> Result<(), RequestError> {
    out.send(chat, &screen).await.map(|_| ())
}

pub async fn say(out: &Sender, chat: ChatId, text: impl Into<String>) -> Result<(), RequestError> {
    send(out, chat, Screen::text(text)).await
}
