//! Inline keyboards from typed callbacks.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::Callback;

pub fn button(text: impl Into<String>, callback: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), callback.encode())
}

pub fn keyboard(rows: Vec<Vec<InlineKeyboardButton>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.into_iter().filter(|r| !r.is_empty()))
}

/// A button label of at most `max` characters, cut at a word with an ellipsis.
pub fn label(text: &str, max: usize) -> String {
    crate::present::cut_at_word(text, max)
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_are_cut_at_a_word() {
        assert_eq!(label("Ngắn", 20), "Ngắn");
        let l = label("Tăng cường công tác thanh tra, kiểm tra thuế theo nguyên tắc", 30);
        assert!(l.chars().count() <= 30, "{l}");
        assert!(l.ends_with('…'));
        assert!(!l.contains(",…"));
    }
}
