//! People and their rights: roles, languages, invites.

use chrono::Duration;
use serde::{Deserialize, Serialize};

/// The languages dondoc speaks; Vietnamese first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// From a Telegram `language_code`: English for "en*", else Vietnamese.
    pub fn from_code(code: Option<&str>) -> Lang {
        match code {
            Some(c) if c.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Leader,
    Focal,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Focal => "focal",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "leader" => Some(Role::Leader),
            "focal" => Some(Role::Focal),
            _ => None,
        }
    }
    /// Leaders and admins may read every agency's reports.
    pub fn reads_everything(self) -> bool {
        matches!(self, Role::Admin | Role::Leader)
    }
}

/// Why an invite does not let someone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefusal {
    Unknown,
    Used,
    Expired,
    /// An admin took it back.
    Revoked,
    /// The person is an admin: an invite never takes that away.
    AdminStays,
}

/// A person's name as Vietnamese readers expect it, from Telegram's first and last names:
/// family name first ("Trần Thị" + "Lan" → "Trần Thị Lan"). Telegram's fields follow Western
/// order, so "Lan" and "Trần Thị" would read "Lan Trần Thị".
pub fn vietnamese_name(first: &str, last: Option<&str>) -> String {
    let parts = [last.unwrap_or_default().trim(), first.trim()];
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// A name a person typed for themselves: spaces tidied, at most 64 characters, not empty.
pub fn typed_name(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = name.chars().count();
    (length > 0 && length <= 64 && !name.starts_with('/')).then_some(name)
}

/// Telegram's `/start` payload allows 64 characters of `A–Z a–z 0–9 _ -`.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// An invite code from 16 random bytes (128 bits): 22 characters that fit a deep link.
pub fn invite_code(random: [u8; 16]) -> String {
    let mut bits: u128 = u128::from_be_bytes(random);
    (0..22)
        .map(|_| {
            let c = ALPHABET[(bits & 63) as usize] as char;
            bits >>= 6;
            c
        })
        .collect()
}

/// What is stored of an invite code: its SHA-256, in hex. The code itself is shown once, to
/// the admin who made it, and travels only in the link.
pub fn invite_hash(code: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(code.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `s` looks like an invite code (so a stray `/start hello` is not looked up).
pub fn looks_like_invite(s: &str) -> bool {
    s.len() == 22 && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// "7d", "48h", "30m" → a duration (at most a year).
pub fn parse_validity(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (number, unit) = s.split_at(s.len().checked_sub(1)?);
    let n: i64 = number.parse().ok().filter(|n| *n > 0)?;
    let d = match unit {
        "d" => Duration::days(n),
        "h" => Duration::hours(n),
        "m" => Duration::minutes(n),
        _ => return None,
    };
    (d <= Duration::days(366)).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_fit_the_start_payload_and_carry_128_bits() {
        let a = invite_code([0u8; 16]);
        let b = invite_code([255u8; 16]);
        assert_eq!(a.len(), 22);
        assert!(looks_like_invite(&a) && looks_like_invite(&b));
        assert_ne!(a, b);
        assert_ne!(invite_code([1; 16]), invite_code([2; 16]));
        assert!(!looks_like_invite("hello"));
        assert_eq!(invite_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_ne!(invite_hash(&a), invite_hash(&b));
        assert!(!looks_like_invite("AAAAAAAAAAAAAAAAAAAAA!"));
    }

    #[test]
    fn validity_is_days_hours_or_minutes() {
        assert_eq!(parse_validity("7d"), Some(Duration::days(7)));
        assert_eq!(parse_validity("48h"), Some(Duration::hours(48)));
        assert_eq!(parse_validity("0d"), None);
        assert_eq!(parse_validity("400d"), None);
        assert_eq!(parse_validity("7"), None);
        assert_eq!(parse_validity(""), None);
    }

    #[test]
    fn names_read_family_name_first() {
        assert_eq!(vietnamese_name("Lan", Some("Trần Thị")), "Trần Thị Lan");
        assert_eq!(vietnamese_name("Trần Thị Lan", None), "Trần Thị Lan");
        assert_eq!(vietnamese_name(" Minh ", Some("")), "Minh");
        assert_eq!(typed_name("  Nguyễn   Văn  An "), Some("Nguyễn Văn An".to_owned()));
        assert_eq!(typed_name("   "), None);
        assert_eq!(typed_name("/baocao"), None);
        assert_eq!(typed_name(&"a".repeat(65)), None);
    }

    #[test]
    fn languages_come_from_telegram_codes_with_vietnamese_as_fallback() {
        assert_eq!(Lang::from_code(Some("en-US")), Lang::En);
        assert_eq!(Lang::from_code(Some("vi")), Lang::Vi);
        assert_eq!(Lang::from_code(Some("fr")), Lang::Vi);
        assert_eq!(Lang::from_code(None), Lang::Vi);
    }
}
