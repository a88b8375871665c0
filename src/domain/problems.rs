//! What can be wrong with a plan file, each problem with its place.
//!
//! The texts live in `locales/*/plan.ftl` under `problem-<kind>`; [`ProblemKind::key`] and
//! [`ProblemKind::args`] say which message and with what values.

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
            | ProblemKind::InQuietHours { value } => vec![("value", value.clone())],
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
            | ProblemKind::EndBeforeStart => vec![],
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
