//! What every message to leaders and admins must be: one phone screen, each agency named once.

use dondoc::domain::Plan;
use dondoc::domain::people::Lang;

use super::telegram::{SentKind, SentMessage};

/// One phone screen.
pub const SCREEN: usize = 1000;

/// How many times a name stands in a text on its own: "H. Châu Thành" is not counted inside
/// "H. Châu Thành A".
pub fn count_whole(text: &str, name: &str) -> usize {
    text.match_indices(name)
        .filter(|(i, _)| {
            let rest: Vec<char> = text[i + name.len()..].chars().take(3).collect();
            let letter_follows = rest.first().is_some_and(|c| c.is_alphanumeric());
            let another_name = rest.first() == Some(&' ')
                && rest.get(1).is_some_and(|c| c.is_uppercase())
                && !rest.get(2).is_some_and(|c| c.is_alphanumeric());
            !letter_follows && !another_name
        })
        .count()
}

/// Checks the text messages (not pictures or files): each at most one screen, no agency named
/// twice in one (by its full or short name). Returns how many were checked.
pub fn assert_short_and_each_name_once(plan: &Plan, messages: &[SentMessage]) -> usize {
    let names: Vec<String> = plan
        .agencies
        .iter()
        .flat_map(|a| [a.name_vi.clone(), dondoc::present::agency_short(plan, Lang::Vi, a.code.as_str())])
        .collect();
    let mut checked = 0;
    for m in messages.iter().filter(|m| m.kind == SentKind::Text) {
        checked += 1;
        let length = m.text.chars().count();
        assert!(length <= SCREEN, "{length} characters, more than one screen:\n{}", m.text);
        for n in &names {
            assert!(count_whole(&m.text, n) <= 1, "{n} twice in:\n{}", m.text);
        }
    }
    checked
}
