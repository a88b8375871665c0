//! What can be wrong with a plan file, each problem with its place.
//!
//! The texts live in `locales/*/plan.ftl` and `locales/*/plan_shapes.ftl` under
//! `problem-<kind>`; [`ProblemKind::key`] and [`ProblemKind::args`] say which message and with
//! what values. Warnings use the same kinds; they are printed but do not refuse the file.

/// One problem and where it is, as a path into the file: `sections[4].tasks[c].text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    pub place: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not valid TOML or has a field of the wrong type.
    Syntax {
        message: String,
    },
    Empty,
    BadCode {
        code: String,
    },
    DuplicateCode {
        code: String,
    },
    UnknownAgency {
        code: String,
    },
    NotANumber {
        value: String,
    },
    BadDate {
        value: String,
    },
    DateOutsideYear {
        value: String,
        year: i32,
    },
    BadTime {
        value: String,
    },
    BadTimeZone {
        value: String,
    },
    BadYear {
        value: String,
    },
    BadChoice {
        value: String,
        allowed: &'static str,
    },
    OutOfRange {
        value: String,
        min: u32,
        max: u32,
    },
    NoRecipients,
    QualitativeMismatch,
    EndBeforeStart,
    InQuietHours {
        value: String,
    },
    /// A key the table does not have (a typo, or a field of another table).
    UnknownField {
        name: String,
        allowed: String,
    },
    /// Two fields that say the same thing in different ways; write one.
    BothSet {
        first: &'static str,
        second: &'static str,
    },
    /// Neither of two fields is there; write one.
    MissingOneOf {
        first: &'static str,
        second: &'static str,
    },
    /// A holiday or working day outside the plan's year and the next.
    DateOutsideYears {
        value: String,
        year: i32,
        next: i32,
    },
    /// A field that means something only together with another setting.
    OnlyWith {
        field: &'static str,
        with: &'static str,
    },
    /// Not a period of the given year ("2023-Q1", "2023-H1", "2023-06", "2023").
    BadPeriod {
        value: String,
        year: i32,
    },
    /// A working day listed that is not a Saturday or Sunday.
    NotAWeekend {
        value: String,
    },
    /// A section, indicator or metric number or code that the plan does not have (or, for a
    /// part, not earlier in the same indicator).
    UnknownRef {
        value: String,
    },
    /// Several agencies report a metric and the file does not say how their values combine.
    CombineNeeded,
    /// "The lead reports the total", but the first owner is a group.
    LeadIsGroup {
        code: String,
    },
    /// Warning: the target's number is not among the numbers of its own wording.
    TargetNotInWording {
        target: String,
        found: String,
    },
}

impl ProblemKind {
    /// The locale message id.
    pub fn key(&self) -> &'static str {
        match self {
            ProblemKind::Syntax { .. } => "problem-syntax",
            ProblemKind::Empty => "problem-empty",
            ProblemKind::BadCode { .. } => "problem-bad-code",
            ProblemKind::DuplicateCode { .. } => "problem-duplicate-code",
            ProblemKind::UnknownAgency { .. } => "problem-unknown-agency",
            ProblemKind::NotANumber { .. } => "problem-not-a-number",
            ProblemKind::BadDate { .. } => "problem-bad-date",
            ProblemKind::DateOutsideYear { .. } => "problem-date-outside-year",
            ProblemKind::BadTime { .. } => "problem-bad-time",
            ProblemKind::BadTimeZone { .. } => "problem-bad-time-zone",
            ProblemKind::BadYear { .. } => "problem-bad-year",
            ProblemKind::BadChoice { .. } => "problem-bad-choice",
            ProblemKind::OutOfRange { .. } => "problem-out-of-range",
            ProblemKind::NoRecipients => "problem-no-recipients",
            ProblemKind::QualitativeMismatch => "problem-qualitative-mismatch",
            ProblemKind::EndBeforeStart => "problem-end-before-start",
            ProblemKind::InQuietHours { .. } => "problem-in-quiet-hours",
            ProblemKind::UnknownField { .. } => "problem-unknown-field",
            ProblemKind::BothSet { .. } => "problem-both-set",
            ProblemKind::MissingOneOf { .. } => "problem-missing-one-of",
            ProblemKind::DateOutsideYears { .. } => "problem-date-outside-years",
            ProblemKind::NotAWeekend { .. } => "problem-not-a-weekend",
            ProblemKind::OnlyWith { .. } => "problem-only-with",
            ProblemKind::BadPeriod { .. } => "problem-bad-period",
            ProblemKind::UnknownRef { .. } => "problem-unknown-ref",
            ProblemKind::CombineNeeded => "problem-combine-needed",
            ProblemKind::LeadIsGroup { .. } => "problem-lead-is-group",
            ProblemKind::TargetNotInWording { .. } => "problem-target-not-in-wording",
        }
    }

    /// The values the message shows.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ProblemKind::Syntax { message } => vec![("message", message.clone())],
            ProblemKind::BadCode { code }
            | ProblemKind::DuplicateCode { code }
            | ProblemKind::UnknownAgency { code } => vec![("code", code.clone())],
            ProblemKind::NotANumber { value }
            | ProblemKind::BadDate { value }
            | ProblemKind::BadTime { value }
            | ProblemKind::BadTimeZone { value }
            | ProblemKind::BadYear { value }
            | ProblemKind::InQuietHours { value }
            | ProblemKind::NotAWeekend { value }
            | ProblemKind::UnknownRef { value } => vec![("value", value.clone())],
            ProblemKind::LeadIsGroup { code } => vec![("code", code.clone())],
            ProblemKind::UnknownField { name, allowed } => {
                vec![("name", name.clone()), ("allowed", allowed.clone())]
            }
            ProblemKind::BothSet { first, second } | ProblemKind::MissingOneOf { first, second } => {
                vec![("first", (*first).to_owned()), ("second", (*second).to_owned())]
            }
            ProblemKind::OnlyWith { field, with } => {
                vec![("field", (*field).to_owned()), ("with", (*with).to_owned())]
            }
            ProblemKind::BadPeriod { value, year } => {
                vec![("value", value.clone()), ("year", year.to_string())]
            }
            ProblemKind::DateOutsideYears { value, year, next } => {
                vec![("value", value.clone()), ("year", year.to_string()), ("next", next.to_string())]
            }
            ProblemKind::TargetNotInWording { target, found } => {
                vec![("target", target.clone()), ("found", found.clone())]
            }
            ProblemKind::DateOutsideYear { value, year } => {
                vec![("value", value.clone()), ("year", year.to_string())]
            }
            ProblemKind::BadChoice { value, allowed } => {
                vec![("value", value.clone()), ("allowed", (*allowed).to_owned())]
            }
            ProblemKind::OutOfRange { value, min, max } => {
                vec![("value", value.clone()), ("min", min.to_string()), ("max", max.to_string())]
            }
            ProblemKind::Empty
            | ProblemKind::NoRecipients
            | ProblemKind::QualitativeMismatch
            | ProblemKind::EndBeforeStart
            | ProblemKind::CombineNeeded => vec![],
        }
    }
}

/// Every problem of a plan file; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<PlanProblem>);

impl std::fmt::Display for Problems {
    /// A plain listing for logs; people read the localized rendering.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.0 {
            writeln!(f, "{}: {:?}", p.place, p.kind)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
