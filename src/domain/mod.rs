//! The plan's own terms, with no Telegram and no SQL; the time is always passed in.

pub mod calendar;
pub mod figures;
pub mod limits;
pub mod metric;
pub mod narrative;
pub mod number;
pub mod people;
pub mod plan;
pub mod plan_check;
pub mod plan_diff;
pub mod plan_file;
mod plan_keys;
mod plan_lookups;
pub mod problems;
pub mod progress;
pub mod reminders;
pub mod report;
pub mod review;
pub mod search;
pub mod text;
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
    /// Reads and checks a plan file's TOML text: the plan or every problem (an unknown key
    /// is one of them), and the warnings either way. Only a TOML syntax error, or a value of
    /// the wrong type, stops the reading where it is.
    pub fn check(text: &str) -> PlanCheck {
        let syntax = |e: toml::de::Error| PlanProblem {
            place: syntax_place(text, e.span()),
            kind: ProblemKind::Syntax { message: e.message().to_owned() },
        };
        let mut doc = match toml::de::DeTable::parse(text) {
            Ok(doc) => doc,
            Err(e) => return PlanCheck { plan: Err(Problems(vec![syntax(e)])), warnings: vec![] },
        };
        let mut problems = plan_keys::strip_unknown_keys(doc.get_mut());
        let file = match <PlanFile as serde::Deserialize>::deserialize(toml::de::Deserializer::from(doc)) {
            Ok(file) => file,
            Err(e) => {
                problems.push(syntax(e));
                return PlanCheck { plan: Err(Problems(problems)), warnings: vec![] };
            }
        };
        let (plan, warnings) = plan_check::check_file(&file);
        let plan = match plan {
            Ok(plan) if problems.is_empty() => Ok(plan),
            Ok(_) => Err(Problems(problems)),
            Err(Problems(more)) => {
                problems.extend(more);
                Err(Problems(problems))
            }
        };
        PlanCheck { plan, warnings }
    }

    /// Reads and checks a plan file's TOML text.
    pub fn from_toml(text: &str) -> Result<Plan, Problems> {
        Plan::check(text).plan
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
