//! Agencies by a short name a reader recognizes, where a full name does not fit (a chart row,
//! a button): "Sở NN&PTNT", "BQL Khu NNƯDCNC", "UBND huyện Châu Thành A", not the codes
//! BQLKNNCNC and H-CHAUTHANHA.
//!
//! The abbreviations are the ones Vietnamese administrative writing uses: "Ủy ban nhân dân" is
//! "UBND", "Ban Quản lý" is "BQL", the province's own name goes (every agency is of the
//! province), and a name still too long keeps its first word and abbreviates the rest by
//! initials, "và" as "&" and a comma or dash as "-" ("Sở Lao động - Thương binh và Xã hội" is
//! "Sở LĐ-TB&XH"). English names get the same treatment in their own words.

use unicode_normalization::UnicodeNormalization;

use crate::domain::search::fold;

/// Longest short name, in characters: what a chart row or a button shows without cutting.
pub const SHORT_NAME_MAX: usize = 26;

/// The short name of an agency: `explicit` (a short name the plan gives) when there is one,
/// else `name` shortened by the rules above until it fits in [`SHORT_NAME_MAX`] characters;
/// `province` is the plan's ("Hậu Giang"), dropped from the name with or without diacritics.
pub fn agency_short_name(explicit: Option<&str>, name: &str, province: &str) -> String {
    if let Some(short) = explicit.map(str::trim).filter(|s| !s.is_empty()) {
        return short.to_owned();
    }
    let mut words: Vec<String> = name.split_whitespace().map(str::to_owned).collect();
    // Always: what every reader abbreviates anyway, and the province everyone is in.
    for (phrase, short) in ALWAYS {
        replace_phrase(&mut words, phrase, short);
    }
    drop_province(&mut words, province);
    // Then, only while the name is too long, shorter and shorter forms.
    for step in WHILE_TOO_LONG {
        if fits(&words) {
            break;
        }
        step(&mut words);
    }
    let short = words.join(" ");
    if short.is_empty() { name.trim().to_owned() } else { cut(&short) }
}

/// Phrases and their abbreviation, in both languages.
const ALWAYS: [(&str, &str); 4] = [
    ("Ủy ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("Ban Quản lý", "BQL"),
    ("People's Committee", "PC"),
];

type Step = fn(&mut Vec<String>);

const WHILE_TOO_LONG: [Step; 7] = [
    drop_trailing_province_word,
    |w| replace_phrase(w, "Management Board", "Board"),
    |w| {
        replace_phrase(w, "thành phố", "TP");
        replace_phrase(w, "thị xã", "TX");
    },
    department_first,
    |w| replace_phrase(w, "and", "&"),
    initials_after_the_head,
    acronym,
];

fn fits(words: &[String]) -> bool {
    words.join(" ").chars().count() <= SHORT_NAME_MAX
}

/// Replaces every occurrence of `phrase` by `short`, whatever its case and diacritics.
fn replace_phrase(words: &mut Vec<String>, phrase: &str, short: &str) {
    let (target, len) = (fold(phrase), phrase.split_whitespace().count());
    let mut i = 0;
    while i + len <= words.len() {
        if fold(&words[i..i + len].join(" ")) == target {
            words.splice(i..i + len, [short.to_owned()]);
        }
        i += 1;
    }
}

/// "… tỉnh Hậu Giang" keeps "tỉnh"; "Hậu Giang …" and "Hau Giang …" go.
fn drop_province(words: &mut Vec<String>, province: &str) {
    let province: Vec<String> = province.split_whitespace().map(fold).collect();
    if province.is_empty() {
        return;
    }
    let mut i = 0;
    while i + province.len() <= words.len() {
        if words[i..i + province.len()].iter().map(|w| fold(w)).eq(province.iter().cloned()) {
            words.drain(i..i + province.len());
        } else {
            i += 1;
        }
    }
}

/// "Cục Thuế tỉnh" → "Cục Thuế"; "Provincial Statistics Office" → "Statistics Office".
fn drop_trailing_province_word(words: &mut Vec<String>) {
    if words.len() > 1 && words.last().is_some_and(|w| fold(w) == "tinh") {
        words.pop();
    }
    if words.len() > 1 {
        words.retain(|w| fold(w) != "provincial");
    }
}

/// "Department of Education and Training" → "Education and Training Dept.".
fn department_first(words: &mut Vec<String>) {
    if words.len() > 2 && fold(&words[0]) == "department" && fold(&words[1]) == "of" {
        words.drain(..2);
        words.push("Dept.".to_owned());
    }
}

/// Org kinds that stay whole at the start of an abbreviated name: "BQL Khu NNƯDCNC".
const KINDS: [&str; 7] = ["khu", "cuc", "chi cuc", "trung tam", "phong", "vien", "truong"];

/// "Sở Nông nghiệp và Phát triển nông thôn" → "Sở NN&PTNT": the leading lowercase-joined
/// head ("Sở", "Đài", "Kho bạc", "BQL Khu") stays, the rest becomes initials.
fn initials_after_the_head(words: &mut Vec<String>) {
    if words.iter().any(|w| fold(w) == "dept") || !words.iter().any(|w| is_vietnamese(w)) {
        return;
    }
    let mut head = 1;
    while head < words.len() && !starts_upper(&words[head]) {
        head += 1;
    }
    if head < words.len() && KINDS.iter().any(|k| fold(&words[head]) == *k) {
        head += 1;
    }
    if head >= words.len() {
        return;
    }
    let body = abbreviate(&words[head..]);
    words.truncate(head);
    words.push(body);
}

/// The last resort for English names: "Department of Information and Communications" →
/// "DOIC", "Committee for Ethnic Minority Affairs" → "CEMA".
fn acronym(words: &mut Vec<String>) {
    if words.iter().any(|w| is_vietnamese(w)) {
        return;
    }
    let department = words.last().is_some_and(|w| w == "Dept.");
    let letters: String = words
        .iter()
        .filter(|w| !["of", "and", "&", "for", "the", "dept"].contains(&fold(w).as_str()))
        .flat_map(|w| w.split('-').filter_map(initial).collect::<Vec<_>>())
        .collect();
    *words = vec![if department { format!("DO{letters}") } else { letters }];
}

/// "Lao động - Thương binh và Xã hội" → "LĐ-TB&XH".
fn abbreviate(words: &[String]) -> String {
    let mut out = String::new();
    for word in words {
        let (core, comma) = match word.strip_suffix(',') {
            Some(core) => (core, true),
            None => (word.as_str(), false),
        };
        match fold(core).as_str() {
            "va" | "and" => out.push('&'),
            "" => out.push('-'),
            _ => out.extend(initial(core)),
        }
        if comma {
            out.push('-');
        }
    }
    out
}

/// The first letter, capital, without its tone mark but with its own shape: "động" → 'Đ',
/// "ứng" → 'Ư', "Ủy" → 'U'.
fn initial(word: &str) -> Option<char> {
    let first = word.chars().find(|c| c.is_alphanumeric())?;
    let upper: String = first.to_uppercase().collect();
    // Tone marks: grave, acute, tilde, hook above, dot below. Circumflex, breve and horn stay.
    let toneless: String = upper
        .nfd()
        .filter(|c| !matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'))
        .nfc()
        .collect();
    toneless.chars().next()
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a word has a letter outside ASCII (Vietnamese names always have some).
fn is_vietnamese(word: &str) -> bool {
    word.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
}

/// Cut with "…" to [`SHORT_NAME_MAX`] characters.
fn cut(text: &str) -> String {
    if text.chars().count() <= SHORT_NAME_MAX {
        return text.to_owned();
    }
    let kept: String = text.chars().take(SHORT_NAME_MAX - 1).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::bundled::seed_plan;

    fn short(name: &str) -> String {
        agency_short_name(None, name, "Hậu Giang")
    }

    #[test]
    fn administrative_names_are_abbreviated_as_people_write_them() {
        let cases = [
            ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT"),
            ("Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH"),
            ("Sở Văn hóa, Thể thao và Du lịch", "Sở VH-TT&DL"),
            ("Sở Tài nguyên và Môi trường", "Sở TN&MT"),
            ("Ban Quản lý Khu nông nghiệp ứng dụng công nghệ cao Hậu Giang", "BQL Khu NNƯDCNC"),
            ("Ban Quản lý các khu công nghiệp tỉnh", "BQL các khu công nghiệp"),
            ("Đài Phát thanh và Truyền hình tỉnh Hậu Giang", "Đài PT&TH"),
            ("Kho bạc Nhà nước Hậu Giang", "Kho bạc Nhà nước"),
            ("Ủy ban nhân dân huyện Châu Thành A", "UBND huyện Châu Thành A"),
            ("Uỷ ban nhân dân thành phố Vị Thanh", "UBND thành phố Vị Thanh"),
            ("Sở Y tế", "Sở Y tế"),
            ("Cục Thuế tỉnh", "Cục Thuế tỉnh"),
            ("Department of Labour, Invalids and Social Affairs", "DOLISA"),
            ("Department of Education and Training", "Education & Training Dept."),
            ("Department of Health", "Department of Health"),
            ("Hau Giang State Treasury", "State Treasury"),
            ("Chau Thanh A District People's Committee", "Chau Thanh A District PC"),
            ("Provincial Committee for Ethnic Minority Affairs", "CEMA"),
            ("Office of the Provincial People's Committee", "Office of the PC"),
        ];
        for (name, expected) in cases {
            assert_eq!(short(name), expected, "{name}");
        }
    }

    #[test]
    fn an_explicit_short_name_comes_first() {
        assert_eq!(agency_short_name(Some("Sở KH&ĐT"), "Sở Kế hoạch và Đầu tư", "Hậu Giang"), "Sở KH&ĐT");
        assert_eq!(agency_short_name(Some("  "), "Sở Y tế", "Hậu Giang"), "Sở Y tế");
    }

    #[test]
    fn every_agency_of_the_bundled_plan_gets_a_distinct_short_name_that_fits() {
        let plan = seed_plan();
        assert_eq!(plan.agencies.len(), 36);
        for english in [false, true] {
            let names: Vec<String> = plan
                .agencies
                .iter()
                .map(|a| if english { &a.name_en } else { &a.name_vi })
                .map(|name| agency_short_name(None, name, &plan.province))
                .collect();
            for (agency, name) in plan.agencies.iter().zip(&names) {
                assert!(name.chars().count() <= SHORT_NAME_MAX, "{}: {name}", agency.code);
                assert!(!name.contains('…'), "{}: {name} was cut", agency.code);
                assert!(!name.contains("Hậu Giang") && !name.contains("Hau Giang"), "{name}");
            }
            let distinct: HashSet<&String> = names.iter().collect();
            assert_eq!(distinct.len(), names.len(), "{names:#?}");
        }
    }

    #[test]
    fn nothing_is_lost_when_nothing_is_left() {
        assert_eq!(short("Hậu Giang"), "Hậu Giang");
        let long = "Trung tâm Xúc tiến Đầu tư Thương mại và Du lịch Phát triển Rất Dài Tên";
        assert!(short(long).chars().count() <= SHORT_NAME_MAX);
    }
}
