//! Text as people type it on a phone: copied from a document or a web page, it may carry
//! characters that show nothing (zero-width spaces, direction marks, soft hyphens, a byte order
//! mark) and letters in decomposed form. Removed and normalized before anything reads it, so
//! that "5\u{200b}" is 5 and a note of one zero-width space is no note at all.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is a character that shows nothing and means nothing in typed text: format
/// characters (zero-width space and joiners, direction marks and embeddings, word joiner and
/// invisible operators, byte order mark, soft hyphen, Arabic letter mark), variation
/// selectors, the blank Hangul fillers (used to fake empty names) and the other controls.
/// Tabs and line breaks are whitespace, not invisible.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
    ) || (c.is_control() && !c.is_whitespace())
}

/// Whether `c` puts ink on the screen: neither whitespace nor invisible.
pub fn is_visible(c: char) -> bool {
    !c.is_whitespace() && !is_invisible(c)
}

/// `text` without its invisible characters, in NFC (the plan's own form, and the one the
/// chart font draws); borrowed when it is already so.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let stripped: Cow<'_, str> = if text.contains(is_invisible) {
        Cow::Owned(text.chars().filter(|&c| !is_invisible(c)).collect())
    } else {
        Cow::Borrowed(text)
    };
    if unicode_normalization::is_nfc_quick(stripped.chars()) == unicode_normalization::IsNormalized::Yes {
        stripped
    } else {
        Cow::Owned(stripped.nfc().collect())
    }
}

/// A typed text (a note, a comment, a name) cleaned for keeping: invisible characters removed,
/// NFC, trimmed. `None` when nothing visible is left, so that a note of zero-width spaces
/// counts as no note.
pub fn clean(input: &str) -> Option<String> {
    let text = normalize(input);
    let text = text.trim();
    text.contains(is_visible).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every character the issue lists, one by one.
    const LISTED: &[char] = &[
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{2060}', '\u{2061}', '\u{2062}',
        '\u{2063}', '\u{2064}', '\u{FEFF}', '\u{00AD}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}',
        '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ];

    #[test]
    fn invisible_characters_alone_leave_nothing() {
        for &c in LISTED {
            assert!(is_invisible(c), "U+{:04X}", c as u32);
            assert_eq!(clean(&c.to_string()), None, "U+{:04X}", c as u32);
        }
        assert_eq!(clean(""), None);
        assert_eq!(clean(" \t\n\u{a0}\u{202f}"), None);
        assert_eq!(clean("\u{200b} \u{200b}\u{feff}\n\u{2060}"), None);
        assert_eq!(clean("\u{0007}\u{fe0f}"), None);
    }

    #[test]
    fn visible_text_is_kept_without_its_invisible_characters() {
        assert_eq!(clean("  Đã xong\u{200b}  ").as_deref(), Some("Đã xong"));
        assert_eq!(clean("\u{feff}Kế\u{00ad}hoạch").as_deref(), Some("Kếhoạch"));
        assert_eq!(clean("\u{202b}Sở Y tế\u{202c}").as_deref(), Some("Sở Y tế"));
        // Line breaks inside a note stay: they are whitespace, not invisible.
        assert_eq!(clean("Dòng 1\nDòng 2\n").as_deref(), Some("Dòng 1\nDòng 2"));
        assert!(!is_invisible('\n') && !is_invisible('\t') && !is_invisible(' '));
    }

    #[test]
    fn decomposed_letters_are_composed() {
        // "Hậu Giang" typed with combining marks (as some keyboards and copied PDFs give it).
        let decomposed = "Ha\u{0323}\u{0302}u Giang";
        assert_eq!(clean(decomposed).as_deref(), Some("Hậu Giang"));
        assert!(matches!(normalize("Hậu Giang"), Cow::Borrowed(_)));
        assert_eq!(normalize("Ngu\u{031B}o\u{031B}\u{0300}i"), "Người");
    }

    proptest! {
        #[test]
        fn cleaned_text_has_no_invisible_character_and_is_stable(
            chars in prop::collection::vec(
                prop_oneof![any::<char>(), prop::sample::select(LISTED), Just(' '), Just('a')],
                0..40,
            )
        ) {
            let input: String = chars.into_iter().collect();
            let cleaned = clean(&input);
            prop_assert_eq!(cleaned.is_none(), !input.chars().any(is_visible), "{:?}", input);
            if let Some(text) = cleaned {
                prop_assert!(!text.contains(is_invisible), "{:?}", text);
                prop_assert_eq!(text.trim(), text.as_str());
                prop_assert_eq!(clean(&text), Some(text.clone()));
            }
        }
    }
}
