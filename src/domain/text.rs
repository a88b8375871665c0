//! Typed texts, cleaned before they are kept: invisible characters (zero-width spaces and
//! joiners, direction marks, a byte-order mark, soft hyphens) are dropped and the ends trimmed,
//! so that a note of only invisible characters is empty.

/// Whether `c` is a character a person cannot see.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{180E}')
}

/// A typed text without its invisible characters, in NFC, trimmed.
pub fn clean(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.chars().filter(|c| !is_invisible(*c)).nfc().collect::<String>().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_leave_nothing() {
        assert_eq!(clean("\u{200B}\u{200D} \u{FEFF}"), "");
        assert_eq!(clean(" đã\u{200B} xong "), "đã xong");
        assert_eq!(clean("Ke\u{0302}\u{0301}"), "Kế");
    }
}
