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
#[path = "number_tests.rs"]
mod tests;
