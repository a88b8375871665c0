//! What leaders (and admins) ask by command: where the current period stands, one indicator,
//! one agency, who is overdue, the charts and the consolidated workbook. They read: nothing
//! here changes a report.

mod agency;
mod charts;
mod export;
mod indicator;
mod overdue;
mod status;

pub use agency::agency;
pub use charts::{chart, timeliness_chart};
pub use export::export;
pub use indicator::{indicator, show_indicator};
pub use overdue::{full_list, overdue};
pub use status::status;

use crate::domain::Plan;
use crate::domain::people::Lang;
use crate::store::Person;

/// The plans a leader's command is about: the one named by its code (or the start of it,
/// "45/KH"), else every plan followed.
fn plans_named(app: &crate::bot::AppRef, arg: &str) -> Vec<std::sync::Arc<Plan>> {
    let all = app.plan.all();
    let word = arg.trim();
    if word.is_empty() {
        return all;
    }
    let named: Vec<_> = all.iter().filter(|p| p.code.starts_with(word)).cloned().collect();
    if named.is_empty() { all } else { named }
}

/// A leader's command naming a plan among its words ("/chitieu 5 45/KH"): that plan, and the
/// other words; without one, the default (`None`) and the words as typed.
fn plan_word(app: &crate::bot::AppRef, arg: &str) -> (Option<std::sync::Arc<Plan>>, String) {
    let all = app.plan.all();
    let mut named = None;
    let mut rest = Vec::new();
    for word in arg.split_whitespace() {
        let plan = (named.is_none() && word.contains('/'))
            .then(|| all.iter().find(|p| p.code.starts_with(word) || p.amends.iter().any(|a| a == word)))
            .flatten();
        match plan {
            Some(p) => named = Some(p.clone()),
            None => rest.push(word),
        }
    }
    (named, rest.join(" "))
}

/// The plan a leader's button is about.
fn plan_of_button(app: &crate::bot::AppRef, code: Option<&str>) -> std::sync::Arc<Plan> {
    code.and_then(|c| app.plan.by_code(c)).unwrap_or_else(|| app.plan.get())
}

/// A person as a leader reads them: "Lan (@lan)".
fn person_label(p: &Person) -> String {
    match &p.username {
        Some(u) => format!("{} (@{u})", p.name),
        None => p.name.clone(),
    }
}

/// "Sở Y tế" in the reader's language, or the code when the plan has no such agency.
fn agency_name(plan: &Plan, lang: Lang, code: &str) -> String {
    super::report::agency_name(plan, lang, code)
}

fn round_name(plan: &Plan, lang: Lang, code: &str) -> String {
    super::report::round_name(plan, lang, code)
}
