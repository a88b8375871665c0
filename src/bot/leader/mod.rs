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
