//! Numbers typed the Vietnamese way: dot for thousands, comma for decimals
//! ("1.234.567,5"), optionally followed by a fraction ("36/51") and a unit ("tỷ đồng").
//! Exact decimals only: plan figures are compared and summed, floats would drift.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::text;

/// Longest accepted input: a typed value never needs more, and it bounds the work per message.
pub const MAX_LEN: usize = 64;

/// Spaces people put between thousands ("12 000"): the ordinary one, and the no-break,
/// narrow no-break, thin and figure spaces that word processors and phones put there.
const GROUP_SPACES: [char; 5] = [' ', '\u{A0}', '\u{202F}', '\u{2009}', '\u{2007}'];

/// A value typed the Vietnamese way, with the unit text that followed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: Decimal,
    /// "36/51" → Some(51).
    pub out_of: Option<Decimal>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("empty input")]
    Empty,
    #[error("input longer than {max} characters")]
    TooLong { max: usize },
    #[error("not a number: {input:?}")]
    NotANumber { input: String },
    #[error("ambiguous number {input:?}: could be {} or {}", .readings[0], .readings[1])]
    Ambiguous { input: String, readings: [String; 2] },
    #[error("malformed number {input:?}{}", hint(.suggestion))]
    Malformed { input: String, suggestion: Option<String> },
    /// "12 00", "1.234.56": a separator that is not followed by a group of three digits.
    #[error("malformed number {input:?}: a thousands group after the first has three digits")]
    BadGroup { input: String },
    #[error("expected a plain number, got unit {unit:?}")]
    UnexpectedUnit { unit: String },
    #[error("expected a plain number, got a fraction")]
    UnexpectedFraction,
}

impl Quantity {
    pub fn parse(input: &str) -> Result<Quantity, NumberError> {
        // Checked on the raw input, before any allocation.
        if input.chars().nth(MAX_LEN).is_some() {
            return Err(NumberError::TooLong { max: MAX_LEN });
        }
        // A zero-width space copied along with a figure is no part of it, and an error must
        // never show a value that looks empty.
        let normalized = text::normalize(input);
        // str::trim and split_whitespace treat no-break spaces (U+00A0, U+202F) as spaces.
        let text = normalized.trim();
        if text.is_empty() {
            return Err(NumberError::Empty);
        }
        if !text.contains(|c: char| c.is_ascii_digit()) {
            return Err(NumberError::NotANumber { input: text.to_owned() });
        }
        let (negative, body) = match text.strip_prefix(['-', '\u{2212}']) {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (token, rest) = split_token(body.trim_start());
        let value = parse_token(token, negative, text)?;
        let (out_of, rest) = match rest.trim_start().strip_prefix('/') {
            Some(den) => {
                let (token, rest) = split_token(den.trim_start());
                let out_of = parse_token(token, false, text)?;
                if out_of <= Decimal::ZERO {
                    return Err(malformed(text, None));
                }
                (Some(out_of), rest)
            }
            None => (None, rest),
        };
        let unit = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        // A unit never starts with a digit or a number's punctuation: "12  34", "5-7", "5 ,2".
        if unit.starts_with(|c: char| c.is_numeric() || ".,/+-\u{2212}".contains(c)) {
            return Err(malformed(text, None));
        }
        let unit = (!unit.is_empty()).then_some(unit);
        Ok(Quantity { value, out_of, unit })
    }

    /// Just a number: the value of `parse` when it has neither unit nor out_of.
    pub fn parse_plain(input: &str) -> Result<Decimal, NumberError> {
        let q = Quantity::parse(input)?;
        match (q.out_of, q.unit) {
            (Some(_), _) => Err(NumberError::UnexpectedFraction),
            (None, Some(unit)) => Err(NumberError::UnexpectedUnit { unit }),
            (None, None) => Ok(q.value),
        }
    }
}

impl FromStr for Quantity {
    type Err = NumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_vn(&self.value))?;
        if let Some(out_of) = &self.out_of {
            write!(f, "/{}", format_vn(out_of))?;
        }
        match &self.unit {
            // Vietnamese typography glues "%" and "‰" to the number, words get a space.
            Some(unit) if unit.starts_with(['%', '‰']) => f.write_str(unit),
            Some(unit) => write!(f, " {unit}"),
            None => Ok(()),
        }
    }
}

/// Vietnamese notation of a decimal: dot thousands, comma decimals, no trailing zeros, "-" sign.
pub fn format_vn(value: &Decimal) -> String {
    // normalize() drops trailing zeros and turns -0 into 0.
    let value = value.normalize();
    let plain = value.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let mut out = String::from(if value.is_sign_negative() { "-" } else { "" });
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if frac.is_empty() { out } else { format!("{out},{frac}") }
}

/// Same, rounded to at most `places` decimals (for percentages in reports): (82.1947, 2) → "82,19".
pub fn format_vn_rounded(value: &Decimal, places: u32) -> String {
    // Half away from zero, as people round by hand (82,195 → 82,2), not banker's rounding.
    format_vn(&value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default()
}

fn malformed(input: &str, suggestion: Option<String>) -> NumberError {
    NumberError::Malformed { input: input.to_owned(), suggestion }
}

/// Splits `s` after its leading run of digits, dots, commas and single spaces between digits.
fn split_token(s: &str) -> (&str, &str) {
    let mut end = 0;
    let mut previous_digit = false;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_digit = chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
        let group_space = GROUP_SPACES.contains(&c) && previous_digit && next_digit;
        if !(c.is_ascii_digit() || c == '.' || c == ',' || group_space) {
            break;
        }
        end = i + c.len_utf8();
        previous_digit = c.is_ascii_digit();
    }
    s.split_at(end)
}

/// Parses digits with dots (or spaces) and commas in Vietnamese notation; "", "." or "36/-5"
/// fail here.
fn parse_token(token: &str, negative: bool, input: &str) -> Result<Decimal, NumberError> {
    if token.contains(GROUP_SPACES) {
        return parse_spaced(&token.replace(GROUP_SPACES, " "), negative, input);
    }
    let comma_before_dot = token.find(',').is_some_and(|c| token[c..].contains('.'));
    if comma_before_dot || token.matches(',').count() > 1 {
        // English grouping ("1,234.56"): never taken, but its meaning makes a good hint.
        let suggestion = english_value(token, negative).map(|v| format_vn(&v));
        return Err(malformed(input, suggestion));
    }
    let (int, frac) = match token.split_once(',') {
        Some((int, frac)) => (int, Some(frac)),
        None => (token, None),
    };
    if frac.is_none()
        && let Some((a, b)) = int.split_once('.')
        && is_digits(a)
        && is_digits(b)
        && !is_grouped(int, '.')
    {
        return single_dot(a, b, negative, input);
    }
    if frac.is_some_and(|f| !is_digits(f)) {
        return Err(malformed(input, None));
    }
    if !(is_digits(int) || is_grouped(int, '.')) {
        return Err(if int.contains('.') && int.split('.').all(is_digits) {
            NumberError::BadGroup { input: input.to_owned() }
        } else {
            malformed(input, None)
        });
    }
    exact(negative, &int.replace('.', ""), frac.unwrap_or("")).ok_or_else(|| malformed(input, None))
}

/// One dot not followed by a thousands group: an English decimal point, or, before three
/// digits, a thousands separator with the one before it missing ("1234.567"). Only readings
/// that exist are offered, and none is taken: the readings differ by orders of magnitude.
fn single_dot(a: &str, b: &str, negative: bool, input: &str) -> Result<Decimal, NumberError> {
    let decimal = exact(negative, a, b);
    if decimal == Some(Decimal::ZERO) {
        // "0.00": zero whichever way it is read, nothing to ask.
        return Ok(Decimal::ZERO);
    }
    // A thousands group has three digits, and no grouped number starts with "0.".
    let thousands = (b.len() == 3 && !a.starts_with('0')).then(|| exact(negative, &format!("{a}{b}"), ""));
    match (decimal, thousands.flatten()) {
        (Some(d), Some(t)) => {
            Err(NumberError::Ambiguous { input: input.to_owned(), readings: [format_vn(&d), format_vn(&t)] })
        }
        (Some(d), None) => Err(malformed(input, Some(format_vn(&d)))),
        _ => Err(malformed(input, None)),
    }
}

/// "12 000", "1 234 567,5": spaces as thousands separators (normalized to ' '), never mixed
/// with dots; "1 234.5" reads as English and is suggested the Vietnamese way.
fn parse_spaced(token: &str, negative: bool, input: &str) -> Result<Decimal, NumberError> {
    let (int, frac) = match token.split_once(',') {
        Some((int, frac)) => (int, Some(frac)),
        None => (token, None),
    };
    if frac.is_some_and(|f| !is_digits(f)) {
        return Err(malformed(input, None));
    }
    if let Some((int, english_frac)) = int.split_once('.') {
        // Before three digits the dot may be one more thousands separator: nothing to offer.
        let english =
            frac.is_none() && is_grouped(int, ' ') && is_digits(english_frac) && english_frac.len() != 3;
        let suggestion = english.then(|| exact(negative, &int.replace(' ', ""), english_frac)).flatten();
        return Err(malformed(input, suggestion.map(|v| format_vn(&v))));
    }
    if !is_grouped(int, ' ') {
        return Err(NumberError::BadGroup { input: input.to_owned() });
    }
    exact(negative, &int.replace(' ', ""), frac.unwrap_or("")).ok_or_else(|| malformed(input, None))
}

/// "1,234,567.5" read the English way, if it is well-formed English notation.
fn english_value(token: &str, negative: bool) -> Option<Decimal> {
    // No dot: an integer; "1,234." leaves an empty fraction, which is rejected.
    let (int, frac) = token.split_once('.').unwrap_or((token, "0"));
    (is_grouped(int, ',') && is_digits(frac)).then(|| exact(negative, &int.replace(',', ""), frac))?
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// "1.234.567": a first group of 1–3 digits (no leading zero), then groups of exactly 3.
fn is_grouped(s: &str, sep: char) -> bool {
    let mut groups = s.split(sep);
    let first = groups.next().unwrap_or("");
    s.contains(sep)
        && (1..=3).contains(&first.len())
        && is_digits(first)
        && !first.starts_with('0')
        && groups.all(|g| g.len() == 3 && is_digits(g))
}

/// Exact decimal from plain digit strings; None when Decimal cannot hold it exactly.
fn exact(negative: bool, int: &str, frac: &str) -> Option<Decimal> {
    // Leading and trailing zeros carry no value but could push the parser past its 28 digits.
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    let dot = if frac.is_empty() { "" } else { "." };
    Decimal::from_str_exact(&format!("{sign}{int}{dot}{frac}")).ok().map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn quantity(value: &str, out_of: Option<&str>, unit: Option<&str>) -> Quantity {
        let (value, out_of, unit) = (d(value), out_of.map(d), unit.map(String::from));
        Quantity { value, out_of, unit }
    }

    fn suggestion(s: &str) -> Option<String> {
        match Quantity::parse(s) {
            Err(NumberError::Malformed { suggestion, .. }) => suggestion,
            other => panic!("{s:?}: expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn plain_numbers() {
        let cases = [
            ("60,26", "60.26"),
            ("0,125", "0.125"),
            ("1,500", "1.5"),
            ("18.600", "18600"),
            ("9.002", "9002"),
            ("1.058", "1058"),
            ("4.300", "4300"),
            ("15.000", "15000"),
            ("1.234.567,5", "1234567.5"),
            ("18600", "18600"),
            ("-1,5", "-1.5"),
            ("+2", "2"),
            ("\u{2212}1,5", "-1.5"),
            ("  60,26 \n", "60.26"),
            ("\u{a0}9.002\u{202f}", "9002"),
        ];
        for (s, v) in cases {
            assert_eq!(Quantity::parse_plain(s), Ok(d(v)), "{s}");
        }
        assert!(!q("-0").value.is_sign_negative());
        assert_eq!(q("0.00").value, Decimal::ZERO);
    }

    #[test]
    fn units_and_fractions() {
        let cases = [
            ("1.058 triệu USD", "1058", None, "triệu USD"),
            ("6,08‰", "6.08", None, "‰"),
            ("82,19 %", "82.19", None, "%"),
            ("82,19%", "82.19", None, "%"),
            ("9.002 tỷ đồng", "9002", None, "tỷ đồng"),
            (" 5\u{a0}triệu \t USD ", "5", None, "triệu USD"),
            ("36/51 xã", "36", Some("51"), "xã"),
            ("36 / 51 xã", "36", Some("51"), "xã"),
        ];
        for (s, v, out_of, unit) in cases {
            assert_eq!(q(s), quantity(v, out_of, Some(unit)), "{s}");
        }
        assert_eq!(q("36/51"), quantity("36", Some("51"), None));
    }

    #[test]
    fn a_single_dot_before_a_group_of_three_is_ambiguous() {
        // Both readings exist: an English decimal point, or a thousands separator with one
        // more missing.
        let cases = [("1234.567", ["1.234,567", "1.234.567"]), ("-1234.500 %", ["-1.234,5", "-1.234.500"])];
        for (s, readings) in cases {
            let (input, readings) = (s.to_owned(), readings.map(String::from));
            let expected = Err(NumberError::Ambiguous { input, readings });
            assert_eq!(Quantity::parse(s), expected, "{s}");
        }
    }

    #[test]
    fn a_single_dot_before_anything_but_a_group_of_three_suggests_the_decimal() {
        // A thousands group has three digits (and no number starts "0."), so "92.1" can only
        // be 92,1 with an English decimal point: that is the one suggestion.
        let cases = [
            ("92.1", "92,1"),
            ("1.5", "1,5"),
            ("12.25", "12,25"),
            ("0.5", "0,5"),
            ("0.500", "0,5"),
            ("-1.5 %", "-1,5"),
            ("01.234", "1,234"),
            ("12.3456", "12,3456"),
        ];
        for (s, reading) in cases {
            assert_eq!(suggestion(s).as_deref(), Some(reading), "{s}");
        }
    }

    #[test]
    fn malformed() {
        assert_eq!(suggestion("1,234.56").as_deref(), Some("1.234,56"));
        assert_eq!(suggestion("1,234,567").as_deref(), Some("1.234.567"));
        assert_eq!(suggestion("-1,234,567.5").as_deref(), Some("-1.234.567,5"));
        let no_hint = [
            "1..2", ",5", "5,", "1,2,3", "5.", ".5", "1,5.000", "36/0", "36/-51", "36/", "36/51/2", "5-7",
            "5 ,2",
        ];
        for s in no_hint {
            assert_eq!(suggestion(s), None, "{s}");
        }
    }

    #[test]
    fn not_numbers_and_limits() {
        assert_eq!(Quantity::parse(""), Err(NumberError::Empty));
        assert_eq!(Quantity::parse(" \t\u{a0}"), Err(NumberError::Empty));
        for s in ["abc", "không", "-", "%"] {
            let expected = NumberError::NotANumber { input: s.into() };
            assert_eq!(Quantity::parse(s), Err(expected), "{s}");
        }
        // Digits, but not where a number starts: typed wrong rather than not a number.
        assert_eq!(suggestion("khoảng 5"), None);
        let too_long = Err(NumberError::TooLong { max: 64 });
        assert_eq!(Quantity::parse(&"1".repeat(65)), too_long);
        assert_eq!(Quantity::parse(&"đ".repeat(65)), too_long);
        // Too big or too precise for Decimal: an error, never a panic.
        assert_eq!(suggestion(&"9".repeat(40)), None);
        assert_eq!(suggestion(&"1".repeat(64)), None);
        assert_eq!(suggestion(&format!("0,{}1", "0".repeat(30))), None);
        assert_eq!(q(&format!("1,5{}", "0".repeat(40))).value, d("1.5"));
    }

    #[test]
    fn spaces_of_every_kind_separate_thousands() {
        let spaces = [' ', '\u{a0}', '\u{202f}', '\u{2009}', '\u{2007}'];
        for sp in spaces {
            let cases = [
                (format!("12{sp}000"), "12000"),
                (format!("1{sp}234{sp}567,5"), "1234567.5"),
                (format!("-2{sp}500"), "-2500"),
                (format!("100{sp}000{sp}tỷ đồng"), "100000"),
            ];
            for (s, v) in cases {
                assert_eq!(q(&s).value, d(v), "{s:?}");
            }
            assert_eq!(q(&format!("18{sp}600 tỷ đồng")), quantity("18600", None, Some("tỷ đồng")));
            assert_eq!(q(&format!("36/1{sp}000")), quantity("36", Some("1000"), None));
        }
    }

    #[test]
    fn groups_after_the_first_have_three_digits() {
        for s in
            ["12 00", "12 34", "1 2345", "1234 567", "0 500", "1 234 56", "1.234.56", "1.23.4", "12\u{a0}00"]
        {
            assert_eq!(Quantity::parse(s), Err(NumberError::BadGroup { input: s.into() }), "{s}");
        }
        // Spaces and dots do not mix in one number, and a space is not a decimal separator.
        assert_eq!(suggestion("1 234.567"), None);
        assert_eq!(suggestion("12 000,5 5"), None);
        assert_eq!(suggestion("1 234.5").as_deref(), Some("1.234,5"));
    }

    #[test]
    fn invisible_characters_are_ignored_and_never_shown() {
        let invisible = [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{2060}', '\u{feff}', '\u{ad}',
            '\u{61c}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
        ];
        for c in invisible {
            assert_eq!(q(&format!("60,26{c}")).value, d("60.26"), "U+{:04X}", c as u32);
            assert_eq!(q(&format!("{c}9.002{c} tỷ{c} đồng")), quantity("9002", None, Some("tỷ đồng")));
            assert_eq!(q(&format!("1{c}2{c}.000")).value, d("12000"));
            assert_eq!(Quantity::parse(&c.to_string()), Err(NumberError::Empty));
        }
        // Decomposed letters in a unit are composed, so the unit matches the plan's.
        assert_eq!(q("5 ty\u{0309} đồng").unit.as_deref(), Some("tỷ đồng"));
    }

    #[test]
    fn plain_rejects_units_and_fractions() {
        let unit = Err(NumberError::UnexpectedUnit { unit: "xã".into() });
        assert_eq!(Quantity::parse_plain("5 xã"), unit);
        let fraction = Quantity::parse_plain("36/51");
        assert_eq!(fraction, Err(NumberError::UnexpectedFraction));
    }

    #[test]
    fn formatting() {
        let cases = [
            ("9002", "9.002"),
            ("60.26", "60,26"),
            ("-1.5", "-1,5"),
            ("0", "0"),
            ("-0.00", "0"),
            ("1234567.5", "1.234.567,5"),
            ("0.05", "0,05"),
            ("-123456", "-123.456"),
        ];
        for (v, s) in cases {
            assert_eq!(format_vn(&d(v)), s, "{v}");
        }
        assert_eq!(format_vn_rounded(&d("82.1947"), 2), "82,19");
        assert_eq!(format_vn_rounded(&d("82.195"), 2), "82,2");
        assert_eq!(format_vn_rounded(&d("-0.001"), 2), "0");
        assert_eq!(format_vn_rounded(&d("18600"), 2), "18.600");
    }

    #[test]
    fn display_round_trips() {
        let shown = ["9.002 tỷ đồng", "36/51 xã", "6,08‰", "82,19%", "-1,5"];
        for s in shown {
            assert_eq!(q(s).to_string(), s);
            assert_eq!(s.parse::<Quantity>(), Ok(q(s)));
        }
        assert_eq!(q("82,19 %").to_string(), "82,19%");
    }

    #[test]
    fn error_messages() {
        let message = |s: &str| Quantity::parse(s).unwrap_err().to_string();
        let hint = r#"malformed number "1,234.5" (did you mean 1.234,5?)"#;
        assert_eq!(message("1,234.5"), hint);
        assert_eq!(message("1,2.3"), r#"malformed number "1,2.3""#);
        let ambiguous = r#"ambiguous number "1234.567": could be 1.234,567 or 1.234.567"#;
        assert_eq!(message("1234.567"), ambiguous);
        assert_eq!(message("1.5"), r#"malformed number "1.5" (did you mean 1,5?)"#);
        let group = r#"malformed number "12 00": a thousands group after the first has three digits"#;
        assert_eq!(message("12 00"), group);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    const UNITS: [&str; 5] = ["%", "‰", " tỷ đồng", " xã", " triệu USD"];

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s))
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(v in decimal()) {
            let q = Quantity::parse(&format_vn(&v)).unwrap();
            prop_assert_eq!(q.value.normalize(), v.normalize());
            prop_assert_eq!(q.unit, None);
            prop_assert_eq!(q.out_of, None);
        }

        #[test]
        fn round_trips_with_a_unit(v in decimal(), unit in prop::sample::select(&UNITS[..])) {
            let q = Quantity::parse(&format!("{}{unit}", format_vn(&v))).unwrap();
            prop_assert_eq!(q.value.normalize(), v.normalize());
            prop_assert_eq!(q.unit.as_deref(), Some(unit.trim()));
        }

        #[test]
        fn never_panics(
            chars in prop::collection::vec(any::<char>(), 0..=80),
            s in "[0-9.,/ +−%x-]{0,64}",
        ) {
            let _ = Quantity::parse(&chars.into_iter().collect::<String>());
            let _ = Quantity::parse(&s);
        }

        #[test]
        fn single_dot_short_or_long_group_suggests_the_decimal(
            s in "[1-9][0-9]{0,2}\\.[0-9]{1,2}|[1-9][0-9]{0,2}\\.[0-9]{4,5}"
        ) {
            let decimal = format_vn(&Decimal::from_str_exact(&s).unwrap());
            let r = Quantity::parse(&s);
            let expected = Err(NumberError::Malformed { input: s.clone(), suggestion: Some(decimal) });
            prop_assert_eq!(r, expected);
        }

        #[test]
        fn every_suggested_reading_can_be_typed_back(
            s in "[-]?[0-9]{1,5}([., \u{a0}\u{202f}][0-9]{1,5}){0,3}( ?%)?"
        ) {
            let offered = match Quantity::parse(&s) {
                Err(NumberError::Ambiguous { readings, .. }) => readings.to_vec(),
                Err(NumberError::Malformed { suggestion: Some(x), .. }) => vec![x],
                _ => vec![],
            };
            for reading in offered {
                let back = Quantity::parse_plain(&reading);
                prop_assert!(back.is_ok(), "{:?} suggested {:?}, which reads {:?}", s, reading, back);
                prop_assert_eq!(back.unwrap().is_sign_negative(), s.starts_with('-') && reading != "0");
            }
        }

        #[test]
        fn an_error_never_shows_an_empty_or_invisible_value(
            chars in prop::collection::vec(
                prop_oneof![
                    any::<char>(),
                    prop::sample::select(&['\u{200b}', '\u{feff}', '\u{2060}', '\u{ad}', '\u{202e}', ' ', '5', '.', ','][..]),
                ],
                0..20,
            )
        ) {
            let input: String = chars.into_iter().collect();
            let shown = match Quantity::parse_plain(&input) {
                Err(NumberError::NotANumber { input })
                | Err(NumberError::Ambiguous { input, .. })
                | Err(NumberError::Malformed { input, .. })
                | Err(NumberError::BadGroup { input }) => Some(input),
                Err(NumberError::UnexpectedUnit { unit }) => Some(unit),
                _ => None,
            };
            if let Some(shown) = shown {
                prop_assert!(shown.contains(crate::domain::text::is_visible), "{:?} shows {:?}", input, shown);
                prop_assert!(!shown.contains(crate::domain::text::is_invisible), "{:?} shows {:?}", input, shown);
            }
        }

        #[test]
        fn space_grouped_integers_round_trip(
            n in any::<i64>(),
            sp in prop::sample::select(&[' ', '\u{a0}', '\u{202f}', '\u{2009}', '\u{2007}'][..]),
        ) {
            let dotted = format_vn(&Decimal::from(n));
            prop_assert_eq!(Quantity::parse_plain(&dotted.replace('.', &sp.to_string())), Ok(Decimal::from(n)));
        }

        #[test]
        fn dot_grouped_integers_round_trip(n in any::<i64>()) {
            // Grouped independently of format_vn, so the two cannot share a bug.
            let reversed: Vec<char> = n.unsigned_abs().to_string().chars().rev().collect();
            let groups: Vec<String> =
                reversed.chunks(3).rev().map(|g| g.iter().rev().collect()).collect();
            let text = format!("{}{}", if n < 0 { "-" } else { "" }, groups.join("."));
            prop_assert_eq!(Quantity::parse_plain(&text), Ok(Decimal::from(n)));
        }

        #[test]
        fn format_has_no_dot_after_the_comma(m in any::<i64>(), scale in 0u32..=28) {
            let s = format_vn(&Decimal::new(m, scale));
            if let Some(comma) = s.find(',') {
                prop_assert!(!s[comma..].contains('.'), "{}", s);
            }
        }
    }
}
