//! A screen is a text and its buttons: what one reply, reminder or notice shows.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use teloxide::types::InlineKeyboardMarkup;

/// Telegram's limit is 4096 characters; leave room for nothing to be cut.
pub const MAX_TEXT: usize = 4000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Screen {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyboard: Option<InlineKeyboardMarkup>,
}

impl Screen {
    pub fn text(text: impl Into<String>) -> Screen {
        Screen { text: text.into(), keyboard: None }
    }
    pub fn with(text: impl Into<String>, keyboard: InlineKeyboardMarkup) -> Screen {
        Screen { text: text.into(), keyboard: Some(keyboard) }
    }
    /// The parts Telegram takes, split at line ends; the buttons go with the last. A text
    /// within the limit is one part, borrowed.
    pub fn parts(&self) -> Vec<(Cow<'_, str>, Option<&InlineKeyboardMarkup>)> {
        if self.text.chars().count() <= MAX_TEXT {
            let text = self.text.trim_end_matches('\n');
            return if text.is_empty() {
                vec![]
            } else {
                vec![(Cow::Borrowed(text), self.keyboard.as_ref())]
            };
        }
        let parts = split(&self.text, MAX_TEXT);
        let last = parts.len().saturating_sub(1);
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| (Cow::Owned(p), if i == last { self.keyboard.as_ref() } else { None }))
            .collect()
    }
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
    use super::*;

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

    #[test]
    fn a_screens_parts_are_its_split_text_with_the_buttons_on_the_last() {
        let kb = InlineKeyboardMarkup::new(vec![vec![teloxide::types::InlineKeyboardButton::callback(
            "x", "o:1",
        )]]);
        let long = (0..400).map(|i| format!("dòng số {i} của báo cáo\n")).collect::<String>();
        for text in ["ngắn", "hai\ndòng\n\n", "", "\n\n", long.as_str()] {
            let screen = Screen::with(text, kb.clone());
            let parts = screen.parts();
            let texts: Vec<String> = parts.iter().map(|(t, _)| t.to_string()).collect();
            assert_eq!(texts, split(text, MAX_TEXT), "{text:?}");
            let buttons: Vec<bool> = parts.iter().map(|(_, k)| k.is_some()).collect();
            let mut expected = vec![false; parts.len()];
            if let Some(last) = expected.last_mut() {
                *last = true;
            }
            assert_eq!(buttons, expected, "{text:?}");
        }
    }

    #[test]
    fn a_screen_survives_the_outbox_as_json() {
        let kb = InlineKeyboardMarkup::new(vec![vec![teloxide::types::InlineKeyboardButton::callback(
            "Báo cáo ngay",
            "o:12",
        )]]);
        let screen = Screen::with("Nhắc việc", kb);
        let json = serde_json::to_string(&screen).unwrap();
        assert_eq!(serde_json::from_str::<Screen>(&json).unwrap(), screen);
        assert_eq!(serde_json::from_str::<Screen>(r#"{"text":"x"}"#).unwrap(), Screen::text("x"));
    }
}
