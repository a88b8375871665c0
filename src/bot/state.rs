//! What the bot waits for from a person. Small (ids and codes, not rows) and stored in our own
//! table, so a conversation resumes at its step after a restart.

use serde::{Deserialize, Serialize};

use crate::domain::narrative::NarrativePart;
use crate::domain::report::TaskStatus;
use crate::domain::review::FixRequest;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum State {
    #[default]
    Idle,
    /// A stored state this version cannot read: the person gets a friendly restart.
    #[serde(skip)]
    Stale,
    /// Several rounds or periods are open; buttons ask which.
    ChooseRound,
    /// The report's list of items is on screen.
    Report { report: i64 },
    /// A task was tapped; status buttons are on screen.
    TaskStatus { report: i64, task: String },
    /// A status that needs a percent was tapped: it is saved together with the percent.
    TaskPercent {
        report: i64,
        task: String,
        #[serde(default)]
        status: Option<TaskStatus>,
        /// The item's version when the person saw it (0: no answer yet); `None` in states
        /// stored before versions existed.
        #[serde(default)]
        seen: Option<i64>,
    },
    TaskNote {
        report: i64,
        task: String,
        #[serde(default)]
        seen: Option<i64>,
    },
    MetricValue {
        report: i64,
        metric: String,
        #[serde(default)]
        seen: Option<i64>,
    },
    /// A doubtful value (or one a colleague's change stopped) waits for "yes, save" or a new
    /// value.
    ConfirmValue {
        report: i64,
        metric: String,
        value: String,
        out_of: Option<String>,
        #[serde(default)]
        seen: Option<i64>,
    },
    MetricNote {
        report: i64,
        metric: String,
        #[serde(default)]
        seen: Option<i64>,
    },
    /// "Blocked" was chosen (with its percent): saved only together with what blocks it.
    BlockedNote { report: i64, task: String, percent: Option<u8>, seen: Option<i64> },
    /// One part of the report's narrative is being typed, over the version the person saw.
    NarrativePart { report: i64, part: NarrativePart, seen: i64 },
    Narrative {
        report: i64,
        indicator: u32,
        #[serde(default)]
        seen: Option<i64>,
    },
    /// The whole report is on screen with "send".
    Review { report: i64 },
    /// An admin returns a report and is asked for the comment; items marked to fix so far,
    /// each with its comment, wait here until the report goes back.
    ReturnComment {
        report: i64,
        #[serde(default)]
        marks: Vec<FixRequest>,
    },
    /// …and types the comment of one item to fix.
    ReturnItem { report: i64, item: String, marks: Vec<FixRequest> },
    /// An admin extends a deadline and is asked for the reason.
    ExtensionReason { round: String, period: String, agency: String, last_day: String },
    /// An admin is asked for the text of a notice to every focal point.
    BroadcastText,
    /// The notice waits for confirmation.
    ConfirmBroadcast { text: String },
    /// A person who already belongs somewhere used an invite to another agency or role: it
    /// waits for them to confirm (nothing is used until then).
    ConfirmMove { invite: i64 },
    /// A person who just joined (or typed /ten) is asked their name, family name first.
    AskName,
}

impl State {
    /// The report the conversation is about, if any: a file sent now is attached to it.
    pub fn report(&self) -> Option<i64> {
        match self {
            State::Report { report }
            | State::TaskStatus { report, .. }
            | State::TaskPercent { report, .. }
            | State::TaskNote { report, .. }
            | State::MetricValue { report, .. }
            | State::ConfirmValue { report, .. }
            | State::MetricNote { report, .. }
            | State::BlockedNote { report, .. }
            | State::NarrativePart { report, .. }
            | State::Narrative { report, .. }
            | State::Review { report } => Some(*report),
            _ => None,
        }
    }

    /// Locale key of the help for this step.
    pub fn help_key(&self) -> &'static str {
        match self {
            State::Idle | State::Stale => "help-idle",
            State::ChooseRound => "help-choose-round",
            State::Report { .. } => "help-report",
            State::TaskStatus { .. } => "help-task-status",
            State::TaskPercent { .. } => "help-task-percent",
            State::TaskNote { .. } | State::MetricNote { .. } => "help-note",
            State::BlockedNote { .. } => "help-blocked-note",
            State::NarrativePart { .. } => "help-narrative-part",
            State::ReturnItem { .. } => "help-return-item",
            State::AskName => "help-ask-name",
            State::MetricValue { .. } => "help-metric-value",
            State::ConfirmValue { .. } => "help-confirm-value",
            State::Narrative { .. } => "help-narrative",
            State::Review { .. } => "help-review",
            State::ReturnComment { .. } => "help-return-comment",
            State::ExtensionReason { .. } => "help-extension-reason",
            State::BroadcastText | State::ConfirmBroadcast { .. } => "help-broadcast",
            State::ConfirmMove { .. } => "help-confirm-move",
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"step\":\"idle\"}".to_owned())
    }

    /// A stored state; one that no longer parses becomes `Stale`.
    pub fn from_json(text: &str) -> State {
        serde_json::from_str(text).unwrap_or(State::Stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_unknown_ones_become_stale() {
        let s = State::ConfirmValue {
            report: 7,
            metric: "5.1".into(),
            value: "9002".into(),
            out_of: None,
            seen: Some(3),
        };
        assert_eq!(State::from_json(&s.to_json()), s);
        let s = State::TaskPercent {
            report: 7,
            task: "2.a".into(),
            status: Some(TaskStatus::InProgress),
            seen: Some(0),
        };
        assert_eq!(State::from_json(&s.to_json()), s);
        // A step stored before versions existed still reads, with nothing known of them.
        assert_eq!(
            State::from_json(r#"{"step":"task_note","report":7,"task":"2.a"}"#),
            State::TaskNote { report: 7, task: "2.a".into(), seen: None }
        );
        assert_eq!(State::from_json("{\"step\":\"receive_age\",\"name\":\"x\"}"), State::Stale);
        assert_eq!(State::from_json("not json"), State::Stale);
        assert_eq!(State::from_json(&State::Idle.to_json()), State::Idle);
        // A return started before items could be marked reads with none marked.
        assert_eq!(
            State::from_json(r#"{"step":"return_comment","report":7}"#),
            State::ReturnComment { report: 7, marks: vec![] }
        );
        let s = State::ReturnItem {
            report: 7,
            item: "m13.1".into(),
            marks: vec![FixRequest { item: "t16.a".into(), comment: "Ghi rõ".into() }],
        };
        assert_eq!(State::from_json(&s.to_json()), s);
    }
}
