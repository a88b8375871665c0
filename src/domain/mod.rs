//! The plan's own terms, with no Telegram and no SQL; the time is always passed in.

pub mod calendar;
pub mod number;
pub mod people;
pub mod plan;
pub mod plan_check;
pub mod plan_file;
pub mod problems;
pub mod progress;
pub mod reminders;
pub mod report;
pub mod search;
pub mod timeliness;

pub use calendar::{Deadline, PeriodKey};
pub use number::Quantity;
pub use plan::{AgencyCode, Plan};
pub use plan_file::PlanFile;
pub use problems::{PlanProblem, ProblemKind, Problems};

/// What checking a plan file found: the plan or every problem, and the warnings, which are
/// printed but do not refuse the file.
#[derive(Debug, Clone)]
pub struct PlanCheck {
    pub plan: Result<Plan, Problems>,
    pub warnings: Vec<PlanProblem>,
}

impl Plan {
    /// Reads and checks a plan file's TOML text, with its warnings.
    pub fn check(text: &str) -> PlanCheck {
        PlanCheck { plan: Plan::from_toml(text), warnings: vec![] }
    }

    /// Reads and checks a plan file's TOML text.
    pub fn from_toml(text: &str) -> Result<Plan, Problems> {
        let file = PlanFile::from_toml(text).map_err(|e| {
            Problems(vec![PlanProblem {
                place: syntax_place(text, e.span()),
                kind: ProblemKind::Syntax { message: e.message().to_owned() },
            }])
        })?;
        Plan::try_from(&file)
    }
}

/// "line 12, column 3" style place of a TOML error.
fn syntax_place(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return "file".to_owned() };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}:{column}")
}
