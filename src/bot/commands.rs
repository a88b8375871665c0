//! Chat commands: Vietnamese names with English aliases, and the menus each role sees.

use crate::domain::people::{Lang, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Start,
    Help,
    Cancel,
    Language,
    Report,
    Status,
    Indicator,
    Agency,
    Overdue,
    Export,
    Invite,
    People,
    Remove,
    Extend,
    Broadcast,
    History,
}

/// (command, Vietnamese name, English name); every other spelling is an alias.
const NAMES: &[(Command, &str, &str, &[&str])] = &[
    (Command::Start, "start", "start", &[]),
    (Command::Help, "trogiup", "help", &["huongdan"]),
    (Command::Cancel, "huy", "cancel", &["thoat"]),
    (Command::Language, "ngonngu", "language", &["lang"]),
    (Command::Report, "baocao", "report", &[]),
    (Command::Status, "tinhhinh", "status", &[]),
    (Command::Indicator, "chitieu", "indicator", &[]),
    (Command::Agency, "donvi", "agency", &[]),
    (Command::Overdue, "quahan", "overdue", &[]),
    (Command::Export, "xuat", "export", &[]),
    (Command::Invite, "moi", "invite", &[]),
    (Command::People, "nguoidung", "people", &[]),
    (Command::Remove, "xoa", "remove", &[]),
    (Command::Extend, "giahan", "extend", &[]),
    (Command::Broadcast, "thongbao", "broadcast", &[]),
    (Command::History, "lichsu", "history", &[]),
];

/// A command in a message, with the rest of the text as its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Command(Command, String),
    /// Starts with "/" but is no command of ours.
    Unknown(String),
    /// Addressed to another bot: not ours to answer.
    OtherBot,
}

/// Reads "/baocao", "/report@dondoc_bot arg", case-insensitively. `None` for plain text.
pub fn parse(text: &str, bot_username: &str) -> Option<Parsed> {
    let text = text.trim_start();
    let rest = text.strip_prefix('/')?;
    let (word, arg) = match rest.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (rest, ""),
    };
    let (name, target) = match word.split_once('@') {
        Some((n, t)) => (n, Some(t)),
        None => (word, None),
    };
    if target.is_some_and(|t| !t.eq_ignore_ascii_case(bot_username)) {
        return Some(Parsed::OtherBot);
    }
    let name = name.to_ascii_lowercase();
    Some(
        NAMES
            .iter()
            .find(|(_, vi, en, aliases)| *vi == name || *en == name || aliases.contains(&name.as_str()))
            .map_or_else(|| Parsed::Unknown(name.clone()), |(c, ..)| Parsed::Command(*c, arg.to_owned())),
    )
}

impl Command {
    /// The name shown in a language's menu.
    pub fn name(self, lang: Lang) -> &'static str {
        NAMES
            .iter()
            .find(|(c, ..)| *c == self)
            .map_or("help", |(_, vi, en, _)| if lang == Lang::En { en } else { vi })
    }

    /// Locale key of the menu description.
    pub fn description_key(self) -> &'static str {
        match self {
            Command::Start => "menu-start",
            Command::Help => "menu-help",
            Command::Cancel => "menu-cancel",
            Command::Language => "menu-language",
            Command::Report => "menu-report",
            Command::Status => "menu-status",
            Command::Indicator => "menu-indicator",
            Command::Agency => "menu-agency",
            Command::Overdue => "menu-overdue",
            Command::Export => "menu-export",
            Command::Invite => "menu-invite",
            Command::People => "menu-people",
            Command::Remove => "menu-remove",
            Command::Extend => "menu-extend",
            Command::Broadcast => "menu-broadcast",
            Command::History => "menu-history",
        }
    }
}

/// The commands a role sees in its menu; `None` is someone who has not joined.
pub fn menu(role: Option<Role>) -> Vec<Command> {
    use Command::*;
    let mut out = match role {
        None => vec![Start],
        Some(Role::Focal) => vec![Report],
        Some(Role::Leader) => vec![Status, Indicator, Agency, Overdue, Export],
        Some(Role::Admin) => {
            vec![Status, Indicator, Agency, Overdue, Export, Invite, People, Extend, Broadcast, History]
        }
    };
    out.extend([Help, Cancel, Language]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_in_both_languages_with_arguments() {
        let p = |t: &str| parse(t, "dondoc_test_bot");
        assert_eq!(p("/baocao"), Some(Parsed::Command(Command::Report, String::new())));
        assert_eq!(p("/REPORT"), Some(Parsed::Command(Command::Report, String::new())));
        assert_eq!(p("/chitieu 13"), Some(Parsed::Command(Command::Indicator, "13".into())));
        assert_eq!(p("/start@dondoc_test_bot abc"), Some(Parsed::Command(Command::Start, "abc".into())));
        assert_eq!(p("/start@other_bot abc"), Some(Parsed::OtherBot));
        assert_eq!(p("/nope"), Some(Parsed::Unknown("nope".into())));
        assert_eq!(p("hello"), None);
        assert_eq!(p("/donvi  Sở Y tế "), Some(Parsed::Command(Command::Agency, "Sở Y tế".into())));
    }

    #[test]
    fn menus_follow_the_role() {
        assert!(menu(Some(Role::Focal)).contains(&Command::Report));
        assert!(!menu(Some(Role::Leader)).contains(&Command::Invite));
        assert!(menu(Some(Role::Admin)).contains(&Command::Invite));
        assert_eq!(menu(None)[0], Command::Start);
        for c in menu(Some(Role::Admin)) {
            assert_ne!(c.name(Lang::Vi), "");
            assert!(c.name(Lang::En).chars().all(|ch| ch.is_ascii_lowercase()));
        }
    }
}
