//! Typed button data. It only names things; every handler checks rights again from the
//! database. Telegram allows 64 bytes.

use crate::domain::PeriodKey;
use crate::domain::narrative::NarrativePart;
use crate::domain::report::{ItemKey, TaskStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Show a report's list of items (page 0).
    Open {
        report: i64,
    },
    Page {
        report: i64,
        page: u8,
    },
    /// Open one item of a report.
    Item {
        report: i64,
        item: ItemKey,
    },
    /// A status button; `seen` is the item's version the screen showed (0: no answer yet), so
    /// that a colleague's newer answer is never silently overwritten.
    Status {
        report: i64,
        task: String,
        status: TaskStatus,
        seen: i64,
    },
    /// A percent button, carrying the status it goes with (saved together); `None` is "skip".
    Percent {
        report: i64,
        task: String,
        status: TaskStatus,
        percent: Option<u8>,
        seen: i64,
    },
    /// "Skip" on a note.
    SkipNote {
        report: i64,
    },
    /// "No change since the last period" on an item; `seen` is the item's version on screen
    /// (`None` on buttons sent before it was carried).
    NoChange {
        report: i64,
        item: ItemKey,
        seen: Option<i64>,
    },
    /// "Add a note" to an item just saved.
    AddNote {
        report: i64,
        item: ItemKey,
    },
    /// Every item still empty that the previous period answered, copied as it was.
    KeepAll {
        report: i64,
    },
    /// Another open round, from a report's screen (shown in place).
    Switch {
        round: String,
        period: PeriodKey,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// The report's narrative: results, shortcomings, causes, proposals.
    Narrative {
        report: i64,
    },
    /// Type one part of the narrative.
    NarrativePart {
        report: i64,
        part: NarrativePart,
    },
    /// Clear one part of the narrative.
    ClearPart {
        report: i64,
        part: NarrativePart,
    },
    /// Admin: mark an item of a report being returned as one to fix.
    MarkFix {
        report: i64,
        item: ItemKey,
    },
    /// Admin: return the report with the items marked.
    ReturnNow {
        report: i64,
    },
    /// A full list behind a short message, one page at a time: opened below the message
    /// (`turn: false`), its pages turned in place (`turn: true`).
    List {
        list: ListKind,
        round: String,
        period: PeriodKey,
        page: u8,
        turn: bool,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// Keep the name the bot suggested (the person's step holds nothing else).
    KeepName,
    /// Admin: a page of the people list (`/nguoidung`), turned in place.
    People {
        page: u8,
    },
    /// The full wording of a task, in the report's plan.
    Wording {
        report: i64,
        task: String,
    },
    /// "Yes, save" on a doubtful value; the value itself is in the conversation state.
    ConfirmValue {
        report: i64,
        metric: String,
    },
    Retype {
        report: i64,
        metric: String,
    },
    /// How to attach a file.
    AttachHelp {
        report: i64,
    },
    Review {
        report: i64,
    },
    Submit {
        report: i64,
    },
    Reopen {
        report: i64,
    },
    /// Which open round and period to report on.
    Choose {
        round: String,
        period: PeriodKey,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// Admin review.
    Accept {
        report: i64,
    },
    Return {
        report: i64,
    },
    /// Admin: reopen an accepted report.
    AdminReopen {
        report: i64,
    },
    /// Read a report (admins, leaders).
    View {
        report: i64,
    },
    /// Send an indicator's chart.
    Chart {
        indicator: u32,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// Show an indicator (leaders' search with several matches).
    Indicator {
        number: u32,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// Send the chart of every agency's timeliness in one round and period.
    TimelinessChart {
        round: String,
        period: PeriodKey,
        plan: Option<String>,
    },
    /// Show an agency (leaders' search with several matches).
    Agency {
        code: String,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// Admin: remove a person, then confirm.
    Remove {
        person: i64,
    },
    ConfirmRemove {
        person: i64,
    },
    /// Admin: send the prepared notice.
    SendBroadcast,
    /// Admin: export a period.
    Export {
        period: PeriodKey,
        /// The plan, when several are followed.
        plan: Option<String>,
    },
    /// Admin: stop a broadcast going out.
    CancelBroadcast {
        id: i64,
    },
    /// Admin: take back an unused invite.
    RevokeInvite {
        id: i64,
    },
    /// A person confirms moving to the agency or role of the invite they used (which invite is
    /// in their conversation, never in the button).
    ConfirmMove,
    /// …or keeps what they are.
    KeepRole,
}

/// Which full list a [`Callback::List`] pages through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Agencies that have not handed in (past their last day: overdue).
    Missing,
    /// Agencies nobody can be reached at.
    Unreachable,
}

impl ListKind {
    fn code(self) -> &'static str {
        match self {
            ListKind::Missing => "m",
            ListKind::Unreachable => "u",
        }
    }
    fn parse(s: &str) -> Option<ListKind> {
        match s {
            "m" => Some(ListKind::Missing),
            "u" => Some(ListKind::Unreachable),
            _ => None,
        }
    }
}

impl Callback {
    pub fn encode(&self) -> String {
        use Callback::*;
        match self {
            Open { report } => format!("o:{report}"),
            Page { report, page } => format!("p:{report}:{page}"),
            Item { report, item } => format!("i:{report}:{}", item.encode()),
            Status { report, task, status, seen } => format!("s:{report}:{task}:{}:{seen}", status.index()),
            Percent { report, task, status, percent, seen } => format!(
                "c:{report}:{task}:{}:{}:{seen}",
                status.index(),
                percent.map_or("-".to_owned(), |p| p.to_string())
            ),
            SkipNote { report } => format!("k:{report}"),
            NoChange { report, item, seen: Some(seen) } => format!("u:{report}:{}:{seen}", item.encode()),
            NoChange { report, item, seen: None } => format!("u:{report}:{}", item.encode()),
            AddNote { report, item } => format!("e:{report}:{}", item.encode()),
            KeepAll { report } => format!("C:{report}"),
            Switch { round, period, plan } => with_plan(format!("D:{round}:{period}"), plan),
            Narrative { report } => format!("h:{report}"),
            NarrativePart { report, part } => format!("j:{report}:{}", part.index()),
            ClearPart { report, part } => format!("z:{report}:{}", part.index()),
            MarkFix { report, item } => format!("F:{report}:{}", item.encode()),
            ReturnNow { report } => format!("Q:{report}"),
            List { list, round, period, page, turn, plan } => with_plan(
                format!("{}:{}:{round}:{period}:{page}", if *turn { "l" } else { "L" }, list.code()),
                plan,
            ),
            KeepName => "W".to_owned(),
            People { page } => format!("P:{page}"),
            Wording { report, task } => format!("w:{report}:{task}"),
            ConfirmValue { report, metric } => format!("y:{report}:{metric}"),
            Retype { report, metric } => format!("n:{report}:{metric}"),
            AttachHelp { report } => format!("a:{report}"),
            Review { report } => format!("v:{report}"),
            Submit { report } => format!("S:{report}"),
            Reopen { report } => format!("r:{report}"),
            Choose { round, period, plan } => with_plan(format!("d:{round}:{period}"), plan),
            Accept { report } => format!("A:{report}"),
            Return { report } => format!("R:{report}"),
            AdminReopen { report } => format!("O:{report}"),
            View { report } => format!("V:{report}"),
            Chart { indicator, plan } => with_plan(format!("g:{indicator}"), plan),
            Indicator { number, plan } => with_plan(format!("I:{number}"), plan),
            TimelinessChart { round, period, plan } => with_plan(format!("T:{round}:{period}"), plan),
            Agency { code, plan } => with_plan(format!("G:{code}"), plan),
            Remove { person } => format!("x:{person}"),
            ConfirmRemove { person } => format!("X:{person}"),
            SendBroadcast => "B".to_owned(),
            Export { period, plan } => with_plan(format!("E:{period}"), plan),
            CancelBroadcast { id } => format!("b:{id}"),
            RevokeInvite { id } => format!("Y:{id}"),
            ConfirmMove => "M".to_owned(),
            KeepRole => "K".to_owned(),
        }
    }

    /// Reads button data; anything malformed is `None` (an old or forged button).
    pub fn decode(data: &str) -> Option<Callback> {
        use Callback::*;
        if data.len() > 64 {
            return None;
        }
        let mut parts = data.split(':');
        let tag = parts.next()?;
        let args: Vec<&str> = parts.collect();
        let id = |i: usize| args.get(i).and_then(|s| s.parse::<i64>().ok()).filter(|n| *n > 0);
        let text = |i: usize| args.get(i).filter(|s| !s.is_empty() && s.len() <= 40).map(|s| (*s).to_owned());
        let arity = |n: usize| (args.len() == n).then_some(());
        let version = |i: usize| args.get(i).and_then(|s| s.parse::<i64>().ok()).filter(|n| *n >= 0);
        // `n` arguments, then the plan's code when several plans are followed.
        let plan_after = |n: usize| match args.len() {
            l if l == n => Some(None),
            l if l == n + 1 => text(n).map(Some),
            _ => None,
        };
        Some(match tag {
            "o" => arity(1).and(id(0)).map(|report| Open { report })?,
            "p" => {
                arity(2)?;
                Page { report: id(0)?, page: args[1].parse().ok()? }
            }
            "i" => {
                arity(2)?;
                Item { report: id(0)?, item: ItemKey::decode(args[1])? }
            }
            "s" => {
                arity(4)?;
                let status = TaskStatus::from_index(args[2].parse().ok()?)?;
                Status { report: id(0)?, task: text(1)?, status, seen: version(3)? }
            }
            "c" => {
                arity(5)?;
                let status = TaskStatus::from_index(args[2].parse().ok()?)?;
                let percent = match args[3] {
                    "-" => None,
                    p => Some(p.parse::<u8>().ok().filter(|p| *p <= 100)?),
                };
                Percent { report: id(0)?, task: text(1)?, status, percent, seen: version(4)? }
            }
            "k" => arity(1).and(id(0)).map(|report| SkipNote { report })?,
            "u" => match args.len() {
                2 => NoChange { report: id(0)?, item: ItemKey::decode(args[1])?, seen: None },
                3 => NoChange { report: id(0)?, item: ItemKey::decode(args[1])?, seen: Some(version(2)?) },
                _ => return None,
            },
            "e" => {
                arity(2)?;
                AddNote { report: id(0)?, item: ItemKey::decode(args[1])? }
            }
            "C" => arity(1).and(id(0)).map(|report| KeepAll { report })?,
            "D" => {
                let plan = plan_after(2)?;
                Switch { round: text(0)?, period: args[1].parse().ok()?, plan }
            }
            "h" => arity(1).and(id(0)).map(|report| Narrative { report })?,
            "j" | "z" => {
                arity(2)?;
                let part = crate::domain::narrative::NarrativePart::from_index(args[1].parse().ok()?)?;
                let report = id(0)?;
                if tag == "j" { NarrativePart { report, part } } else { ClearPart { report, part } }
            }
            "F" => {
                arity(2)?;
                MarkFix { report: id(0)?, item: ItemKey::decode(args[1])? }
            }
            "Q" => arity(1).and(id(0)).map(|report| ReturnNow { report })?,
            "L" | "l" => {
                let plan = plan_after(4)?;
                List {
                    plan,
                    list: ListKind::parse(args[0])?,
                    round: text(1)?,
                    period: args[2].parse().ok()?,
                    page: args[3].parse().ok()?,
                    turn: tag == "l",
                }
            }
            "W" => arity(0).map(|_| KeepName)?,
            "P" => {
                arity(1)?;
                People { page: args[0].parse().ok()? }
            }
            "w" => {
                arity(2)?;
                Wording { report: id(0)?, task: text(1)? }
            }
            "y" => {
                arity(2)?;
                ConfirmValue { report: id(0)?, metric: text(1)? }
            }
            "n" => {
                arity(2)?;
                Retype { report: id(0)?, metric: text(1)? }
            }
            "a" => arity(1).and(id(0)).map(|report| AttachHelp { report })?,
            "v" => arity(1).and(id(0)).map(|report| Review { report })?,
            "S" => arity(1).and(id(0)).map(|report| Submit { report })?,
            "r" => arity(1).and(id(0)).map(|report| Reopen { report })?,
            "d" => Choose { round: text(0)?, period: args[1].parse().ok()?, plan: plan_after(2)? },
            "A" => arity(1).and(id(0)).map(|report| Accept { report })?,
            "R" => arity(1).and(id(0)).map(|report| Return { report })?,
            "O" => arity(1).and(id(0)).map(|report| AdminReopen { report })?,
            "V" => arity(1).and(id(0)).map(|report| View { report })?,
            "g" => {
                let plan = plan_after(1)?;
                Chart { indicator: args[0].parse().ok().filter(|n| (1..=99).contains(n))?, plan }
            }
            "I" => {
                let plan = plan_after(1)?;
                Indicator { number: args[0].parse().ok().filter(|n| (1..=99).contains(n))?, plan }
            }
            "T" => {
                let plan = plan_after(2)?;
                TimelinessChart { round: text(0)?, period: args[1].parse().ok()?, plan }
            }
            "G" => {
                let plan = plan_after(1)?;
                Agency { code: text(0)?, plan }
            }
            "x" => arity(1).and(id(0)).map(|person| Remove { person })?,
            "X" => arity(1).and(id(0)).map(|person| ConfirmRemove { person })?,
            "B" => arity(0).map(|_| SendBroadcast)?,
            "E" => {
                let plan = plan_after(1)?;
                Export { period: args[0].parse().ok()?, plan }
            }
            "b" => arity(1).and(id(0)).map(|id| CancelBroadcast { id })?,
            "Y" => arity(1).and(id(0)).map(|id| RevokeInvite { id })?,
            "M" => arity(0).map(|_| ConfirmMove)?,
            "K" => arity(0).map(|_| KeepRole)?,
            _ => return None,
        })
    }
}

/// A button's data with the plan it is about, when one is named and fits Telegram's 64 bytes
/// (else the button is about the default plan).
fn with_plan(data: String, plan: &Option<String>) -> String {
    match plan {
        Some(code) if data.len() + 1 + code.len() <= 64 => format!("{data}:{code}"),
        _ => data,
    }
}

#[cfg(test)]
#[path = "callback_tests.rs"]
mod tests;
