//! Chat commands: Vietnamese names with English aliases, and the menus each role sees.

use crate::domain::people::{Lang, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Start,
    Help,
    Cancel,
    Language,
    Name,
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

/// Who may use a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Anyone, joined or not.
    Anyone,
    /// Focal points.
    Focal,
    /// Leaders and admins.
    Reader,
    Admin,
}

impl Who {
    pub fn allows(self, role: Option<Role>) -> bool {
        match self {
            Who::Anyone => true,
            Who::Focal => role == Some(Role::Focal),
            Who::Reader => role.is_some_and(Role::reads_everything),
            Who::Admin => role == Some(Role::Admin),
        }
    }
    /// Locale key of the refusal a person of another role gets.
    pub fn refusal_key(self) -> &'static str {
        match self {
            Who::Focal => "only-focal",
            Who::Admin => "only-admin",
            Who::Reader | Who::Anyone => "only-leader",
        }
    }
}

/// Each command once: who may use it, whether it shows in their menu, its Vietnamese and
/// English names (every other spelling is an alias). Menus, the router's guard and the
/// refusals are all derived from this table.
struct Spec {
    command: Command,
    who: Who,
    in_menu: bool,
    vi: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
}

const fn spec(
    command: Command,
    who: Who,
    in_menu: bool,
    vi: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
) -> Spec {
    Spec { command, who, in_menu, vi, en, aliases }
}

const COMMANDS: &[Spec] = &[
    spec(Command::Start, Who::Anyone, false, "start", "start", &[]),
    spec(Command::Report, Who::Focal, true, "baocao", "report", &[]),
    spec(Command::Status, Who::Reader, true, "tinhhinh", "status", &[]),
    spec(Command::Indicator, Who::Reader, true, "chitieu", "indicator", &[]),
    spec(Command::Agency, Who::Reader, true, "donvi", "agency", &[]),
    spec(Command::Overdue, Who::Reader, true, "quahan", "overdue", &[]),
    spec(Command::Export, Who::Reader, true, "xuat", "export", &[]),
    spec(Command::Invite, Who::Admin, true, "moi", "invite", &[]),
    spec(Command::People, Who::Admin, true, "nguoidung", "people", &[]),
    spec(Command::Remove, Who::Admin, false, "xoa", "remove", &[]),
    spec(Command::Extend, Who::Admin, true, "giahan", "extend", &[]),
    spec(Command::Broadcast, Who::Admin, true, "thongbao", "broadcast", &[]),
    spec(Command::History, Who::Admin, true, "lichsu", "history", &[]),
    spec(Command::Help, Who::Anyone, true, "trogiup", "help", &["huongdan"]),
    spec(Command::Cancel, Who::Anyone, true, "huy", "cancel", &["thoat"]),
    spec(Command::Language, Who::Anyone, true, "ngonngu", "language", &["lang"]),
    spec(Command::Name, Who::Anyone, true, "ten", "name", &[]),
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
    // "/baocao@" (a name cut short by the phone) is still ours.
    if target.is_some_and(|t| !t.is_empty() && !t.eq_ignore_ascii_case(bot_username)) {
        return Some(Parsed::OtherBot);
    }
    let name = name.to_ascii_lowercase();
    Some(
        COMMANDS
            .iter()
            .find(|c| c.vi == name || c.en == name || c.aliases.contains(&name.as_str()))
            .map_or_else(|| Parsed::Unknown(name.clone()), |c| Parsed::Command(c.command, arg.to_owned())),
    )
}

impl Command {
    /// The name shown in a language's menu.
    pub fn name(self, lang: Lang) -> &'static str {
        COMMANDS
            .iter()
            .find(|c| c.command == self)
            .map_or("help", |c| if lang == Lang::En { c.en } else { c.vi })
    }

    /// Who may use it.
    pub fn who(self) -> Who {
        COMMANDS.iter().find(|c| c.command == self).map_or(Who::Admin, |c| c.who)
    }

    /// Whether a person of `role` (`None`: not joined) may use it.
    pub fn allowed(self, role: Option<Role>) -> bool {
        self.who().allows(role)
    }

    /// Locale key of the menu description.
    pub fn description_key(self) -> &'static str {
        match self {
            Command::Start => "menu-start",
            Command::Help => "menu-help",
            Command::Cancel => "menu-cancel",
            Command::Language => "menu-language",
            Command::Name => "menu-name",
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

/// The commands a role sees in its menu; `None` is someone who has not joined (who sees how
/// to start).
pub fn menu(role: Option<Role>) -> Vec<Command> {
    let mut out: Vec<Command> = if role.is_none() { vec![Command::Start] } else { vec![] };
    out.extend(
        COMMANDS
            .iter()
            .filter(|c| c.in_menu && c.command != Command::Start && role.is_some() && c.who.allows(role))
            .map(|c| c.command),
    );
    for c in [Command::Help, Command::Cancel, Command::Language] {
        if !out.contains(&c) {
            out.push(c);
        }
    }
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
        assert_eq!(p("/baocao@"), Some(Parsed::Command(Command::Report, String::new())), "a name cut short");
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
        assert_eq!(menu(None), vec![Command::Start, Command::Help, Command::Cancel, Command::Language]);
        assert_eq!(
            menu(Some(Role::Leader)),
            vec![
                Command::Status,
                Command::Indicator,
                Command::Agency,
                Command::Overdue,
                Command::Export,
                Command::Help,
                Command::Cancel,
                Command::Language,
                Command::Name
            ]
        );
        // The guard and the menu say the same: what a role sees it may use.
        for role in [Role::Focal, Role::Leader, Role::Admin] {
            assert!(menu(Some(role)).iter().all(|c| c.allowed(Some(role))), "{role:?}");
        }
        assert!(!Command::Remove.allowed(Some(Role::Leader)));
        assert_eq!(Command::Remove.who().refusal_key(), "only-admin");
        for c in menu(Some(Role::Admin)) {
            assert_ne!(c.name(Lang::Vi), "");
            assert!(c.name(Lang::En).chars().all(|ch| ch.is_ascii_lowercase()));
        }
    }
}
