//! What importing a plan file would change in the plan followed: tasks, metrics and rounds
//! added, removed, reworded and moved, targets changed, and the agencies that gain or lose
//! duties. A move is what an amendment does when it inserts a task before others ("2.c" now
//! reads as the old "2.b" did): the file says so with `replaces`, or the diff finds the old text
//! under a new code. Pure: the caller says which entries have answers filed against them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::metric::{Direction, Target};
use super::plan::{AgencyCode, Plan};
use super::report::ItemKey;

/// What kind of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Task,
    Metric,
    Round,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Task => "task",
            Kind::Metric => "metric",
            Kind::Round => "round",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Added,
    Removed,
    /// Same code, other words.
    Reworded {
        before: String,
        after: String,
    },
    /// A metric's target, or its direction, changed.
    Retargeted {
        before: Aim,
        after: Aim,
    },
    /// Now under this code, from `from`: said by the file (`replaces`) or found by the diff.
    Moved {
        from: String,
        said: bool,
    },
}

/// What a metric aims at: "at least 8 %".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aim {
    pub direction: Direction,
    pub target: Target,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    /// The code in the new file (the old one for a removal).
    pub code: String,
    pub what: What,
    /// Answers (or reports, for a round) filed against the old entry this change touches.
    pub filed: u64,
}

impl Change {
    /// A move the file does not say, over answers already filed: importing it would attach
    /// them to another entry's words. Refused unless the file maps it or the operator confirms.
    pub fn needs_confirmation(&self) -> bool {
        matches!(self.what, What::Moved { said: false, .. }) && self.filed > 0
    }

    /// The old code the filed answers belong to.
    pub fn old_code(&self) -> &str {
        match &self.what {
            What::Moved { from, .. } => from,
            _ => &self.code,
        }
    }
}

/// Duties an agency gains or loses (task and metric codes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Duties {
    pub gained: Vec<String>,
    pub lost: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDiff {
    pub changes: Vec<Change>,
    pub duties: BTreeMap<AgencyCode, Duties>,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.duties.is_empty()
    }
    /// The unmapped moves over filed answers that the operator has not confirmed.
    pub fn refusals<'a>(&'a self, confirmed: &'a [String]) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes.iter().filter(|c| c.needs_confirmation() && !confirmed.iter().any(|x| x == c.old_code()))
    }
}

/// Filed answers per (kind, old code).
pub type Filed = HashMap<(Kind, String), u64>;

fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The changes of one kind, from (code → words, code → replaces) of the old and the new plan.
fn changes(
    kind: Kind,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, (String, Option<String>)>,
    filed: &Filed,
) -> Vec<Change> {
    let count = |code: &str| filed.get(&(kind, code.to_owned())).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut moved_away: BTreeSet<String> = BTreeSet::new();
    // Moves first: said by the file, or the old words found under another code.
    let by_words: HashMap<String, &String> = old.iter().map(|(c, w)| (norm(w), c)).collect();
    let mut moves: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for (code, (words, replaces)) in new {
        if let Some(from) = replaces.as_ref().filter(|f| *f != code && old.contains_key(*f)) {
            moves.insert(code.clone(), (from.clone(), true));
        } else if old.get(code).is_none_or(|w| norm(w) != norm(words))
            && let Some(from) = by_words.get(&norm(words)).filter(|from| **from != code)
            && new.get(*from).is_none_or(|(w, _)| norm(w) != norm(words))
        {
            moves.insert(code.clone(), ((*from).clone(), false));
        }
    }
    for (code, (from, said)) in &moves {
        moved_away.insert(from.clone());
        out.push(Change {
            kind,
            code: code.clone(),
            what: What::Moved { from: from.clone(), said: *said },
            filed: count(from),
        });
    }
    for (code, (words, _)) in new {
        if moves.contains_key(code) {
            continue;
        }
        match old.get(code) {
            // A code whose entry moved away and that now holds other words is a new entry.
            Some(_) if moved_away.contains(code) => {
                out.push(Change { kind, code: code.clone(), what: What::Added, filed: 0 })
            }
            Some(before) if norm(before) != norm(words) => out.push(Change {
                kind,
                code: code.clone(),
                what: What::Reworded { before: before.clone(), after: words.clone() },
                filed: count(code),
            }),
            Some(_) => {}
            None => out.push(Change { kind, code: code.clone(), what: What::Added, filed: 0 }),
        }
    }
    for code in old.keys() {
        if !new.contains_key(code) && !moved_away.contains(code) {
            out.push(Change { kind, code: code.clone(), what: What::Removed, filed: count(code) });
        }
    }
    out
}

/// What importing `new` over `old` would do.
pub fn diff(old: &Plan, new: &Plan, filed: &Filed) -> PlanDiff {
    let new = &without_applied(old, new);
    let tasks_old =
        old.sections.iter().flat_map(|s| &s.tasks).map(|t| (t.code.clone(), t.text.clone())).collect();
    let tasks_new = new
        .sections
        .iter()
        .flat_map(|s| &s.tasks)
        .map(|t| (t.code.clone(), (t.text.clone(), t.replaces.clone())))
        .collect();
    let mut out = changes(Kind::Task, &tasks_old, &tasks_new, filed);

    // Metrics are known by their names; a target is compared on its own.
    let metrics = |p: &Plan| -> Vec<(String, String, Aim, Option<String>)> {
        p.indicators
            .iter()
            .flat_map(|i| &i.metrics)
            .map(|m| {
                let target = Aim { direction: m.direction, target: m.target.clone(), unit: m.unit.clone() };
                (m.code.clone(), m.name_vi.clone(), target, m.replaces.clone())
            })
            .collect()
    };
    let (m_old, m_new) = (metrics(old), metrics(new));
    let names_old = m_old.iter().map(|(c, n, ..)| (c.clone(), n.clone())).collect();
    let names_new = m_new.iter().map(|(c, n, _, r)| (c.clone(), (n.clone(), r.clone()))).collect();
    let metric_changes = changes(Kind::Metric, &names_old, &names_new, filed);
    let targets_old: HashMap<&str, &Aim> = m_old.iter().map(|(c, _, t, _)| (c.as_str(), t)).collect();
    for (code, _, target, _) in &m_new {
        let from = metric_changes
            .iter()
            .find(|c| &c.code == code)
            .and_then(|c| match &c.what {
                What::Moved { from, .. } => Some(from.as_str()),
                What::Added => None,
                _ => Some(code.as_str()),
            })
            .unwrap_or(code.as_str());
        if let Some(before) = targets_old.get(from).filter(|b| **b != target) {
            let filed = filed.get(&(Kind::Metric, from.to_owned())).copied().unwrap_or(0);
            out.push(Change {
                kind: Kind::Metric,
                code: code.clone(),
                what: What::Retargeted { before: (*before).clone(), after: target.clone() },
                filed,
            });
        }
    }
    out.extend(metric_changes);

    // Rounds are known by what they ask and when.
    let rounds = |p: &Plan| -> BTreeMap<String, String> {
        p.rounds.iter().map(|r| (r.code.clone(), format!("{:?} {:?}", r.schedule, r.asks))).collect()
    };
    let rounds_new = new
        .rounds
        .iter()
        .map(|r| (r.code.clone(), (format!("{:?} {:?}", r.schedule, r.asks), r.replaces.clone())))
        .collect();
    // A round reworded is a schedule changed: said as such, not as words.
    out.extend(changes(Kind::Round, &rounds(old), &rounds_new, filed));

    PlanDiff { changes: out, duties: duties(old, new) }
}

impl Plan {
    /// Says that the entry `code` of this kind was `from` before (what `replaces` says in a
    /// file), as the operator confirmed it.
    pub fn set_replaces(&mut self, kind: Kind, code: &str, from: &str) {
        let from = Some(from.to_owned());
        match kind {
            Kind::Task => {
                if let Some(t) = self.sections.iter_mut().flat_map(|s| &mut s.tasks).find(|t| t.code == code)
                {
                    t.replaces = from;
                }
            }
            Kind::Metric => {
                if let Some(m) =
                    self.indicators.iter_mut().flat_map(|i| &mut i.metrics).find(|m| m.code == code)
                {
                    m.replaces = from;
                }
            }
            Kind::Round => {
                if let Some(r) = self.rounds.iter_mut().find(|r| r.code == code) {
                    r.replaces = from;
                }
            }
        }
    }
}

/// The plan as its answers answered it: each answered task reads with the words, and each
/// answered metric with the name and target, of the version it was filed under (`then`, where
/// it had the code `code_then`); what nobody answered, and who answers for what, read as now.
/// A past period is judged, and shown, against what was asked then.
pub fn as_answered<'a>(
    now: &Plan,
    answers: impl IntoIterator<Item = (&'a ItemKey, &'a Plan, &'a str)>,
) -> Plan {
    let mut plan = now.clone();
    for (key, then, code_then) in answers {
        match key {
            ItemKey::Task(code) => {
                let Some((_, asked)) = then.task(code_then) else { continue };
                if let Some(task) =
                    plan.sections.iter_mut().flat_map(|s| &mut s.tasks).find(|t| &t.code == code)
                {
                    task.text.clone_from(&asked.text);
                    task.output.clone_from(&asked.output);
                    task.due = asked.due;
                }
            }
            ItemKey::Metric(code) => {
                let Some((_, asked)) = then.metric(code_then) else { continue };
                if let Some(m) =
                    plan.indicators.iter_mut().flat_map(|i| &mut i.metrics).find(|m| &m.code == code)
                {
                    m.name_vi.clone_from(&asked.name_vi);
                    m.name_en.clone_from(&asked.name_en);
                    m.unit.clone_from(&asked.unit);
                    m.target = asked.target.clone();
                    m.direction = asked.direction;
                    m.strict = asked.strict;
                    m.about = asked.about;
                    m.reduction = asked.reduction;
                    m.wording.clone_from(&asked.wording);
                }
            }
            ItemKey::Narrative(_) => {}
        }
    }
    plan
}

/// `new` without the `replaces` the plan followed already says (an amendment's file keeps
/// saying them once applied): only a new mapping is a move.
fn without_applied(old: &Plan, new: &Plan) -> Plan {
    let mut new = new.clone();
    for t in new.sections.iter_mut().flat_map(|s| &mut s.tasks) {
        if t.replaces.is_some() && old.task(&t.code).is_some_and(|(_, o)| o.replaces == t.replaces) {
            t.replaces = None;
        }
    }
    for m in new.indicators.iter_mut().flat_map(|i| &mut i.metrics) {
        if m.replaces.is_some() && old.metric(&m.code).is_some_and(|(_, o)| o.replaces == m.replaces) {
            m.replaces = None;
        }
    }
    for r in &mut new.rounds {
        if r.replaces.is_some() && old.round(&r.code).is_some_and(|o| o.replaces == r.replaces) {
            r.replaces = None;
        }
    }
    new
}

/// Per agency, the tasks and metrics it answers for in `new` and not in `old`, and back.
fn duties(old: &Plan, new: &Plan) -> BTreeMap<AgencyCode, Duties> {
    let of = |p: &Plan, a: &AgencyCode| -> BTreeSet<String> {
        let mut out: BTreeSet<String> = p.tasks_of(a).into_iter().map(|(_, t)| t.code.clone()).collect();
        out.extend(p.metrics_of(a).into_iter().map(|(_, m)| m.code.clone()));
        out
    };
    let agencies: BTreeSet<&AgencyCode> = old.agencies.iter().chain(&new.agencies).map(|a| &a.code).collect();
    let mut out = BTreeMap::new();
    for a in agencies {
        let (before, after) = (of(old, a), of(new, a));
        let gained: Vec<String> = after.difference(&before).cloned().collect();
        let lost: Vec<String> = before.difference(&after).cloned().collect();
        if !gained.is_empty() || !lost.is_empty() {
            out.insert(a.clone(), Duties { gained, lost });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;

    /// The seed with a task inserted before 2.c: c…h become d…i.
    fn inserted(plan: &Plan) -> Plan {
        let mut new = plan.clone();
        let section = new.sections.iter_mut().find(|s| s.number == 2).unwrap();
        let at = section.tasks.iter().position(|t| t.letter == "c").unwrap();
        let mut task = section.tasks[at].clone();
        task.text = "Nhiệm vụ mới chèn vào trước điểm c.".into();
        section.tasks.insert(at, task);
        let letters = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m"];
        for (i, t) in section.tasks.iter_mut().enumerate() {
            t.letter = letters[i].to_owned();
            t.code = format!("2.{}", letters[i]);
        }
        new
    }

    #[test]
    fn an_inserted_task_shows_as_added_and_the_ones_after_it_as_moved() {
        let old = seed_plan();
        let new = inserted(&old);
        let filed: Filed = [((Kind::Task, "2.c".to_owned()), 3)].into_iter().collect();
        let d = diff(&old, &new, &filed);
        let task = |code: &str| d.changes.iter().find(|c| c.kind == Kind::Task && c.code == code).unwrap();
        assert_eq!(task("2.c").what, What::Added);
        assert_eq!(task("2.d").what, What::Moved { from: "2.c".into(), said: false });
        assert_eq!(task("2.d").filed, 3);
        assert!(task("2.d").needs_confirmation());
        assert_eq!(d.refusals(&[]).count(), 1, "only the move over filed answers");
        assert_eq!(d.refusals(&["2.c".to_owned()]).count(), 0, "confirmed");
    }

    #[test]
    fn a_move_the_file_says_needs_no_confirmation_and_a_reworded_task_is_not_a_move() {
        let old = seed_plan();
        let mut new = inserted(&old);
        for t in new.sections.iter_mut().flat_map(|s| &mut s.tasks) {
            if t.code == "2.d" {
                t.replaces = Some("2.c".into());
            }
        }
        let first = new.sections[0].tasks[0].clone();
        new.sections[0].tasks[0].text = format!("{} (sửa)", first.text);
        let filed: Filed = [((Kind::Task, "2.c".to_owned()), 3)].into_iter().collect();
        let d = diff(&old, &new, &filed);
        assert_eq!(d.refusals(&[]).count(), 0);
        let reworded = d.changes.iter().find(|c| c.code == first.code).unwrap();
        assert!(matches!(reworded.what, What::Reworded { .. }), "{reworded:?}");
    }

    #[test]
    fn a_changed_target_and_duties_moving_between_agencies_are_shown() {
        let old = seed_plan();
        let mut new = old.clone();
        let metric =
            new.indicators.iter_mut().flat_map(|i| &mut i.metrics).find(|m| m.code == "5.1").unwrap();
        metric.target.value *= rust_decimal::Decimal::from(2);
        let section = new.sections.iter_mut().find(|s| s.number == 16).unwrap();
        section.assignees = vec![AgencyCode::parse("STC").unwrap()];
        let filed: Filed = [((Kind::Metric, "5.1".to_owned()), 2)].into_iter().collect();
        let d = diff(&old, &new, &filed);
        let retargeted = d.changes.iter().find(|c| c.code == "5.1").unwrap();
        assert!(matches!(retargeted.what, What::Retargeted { .. }) && retargeted.filed == 2);
        let syt = &d.duties[&AgencyCode::parse("SYT").unwrap()];
        assert!(syt.lost.contains(&"16.a".to_owned()) && syt.gained.is_empty());
        assert!(d.duties[&AgencyCode::parse("STC").unwrap()].gained.contains(&"16.a".to_owned()));
        assert!(diff(&old, &old, &Filed::new()).is_empty());
    }

    #[test]
    fn an_answer_reads_with_the_words_and_target_it_answered() {
        let then = seed_plan();
        let mut now = inserted(&then);
        let revenue =
            now.indicators.iter_mut().flat_map(|i| &mut i.metrics).find(|m| m.code == "5.1").unwrap();
        revenue.target.value *= rust_decimal::Decimal::from(2);
        // The answer to the old 2.c (now 2.d), and one to 5.1 under its old target.
        let (task, metric) = (ItemKey::Task("2.d".into()), ItemKey::Metric("5.1".into()));
        let answered = as_answered(&now, [(&task, &then, "2.c"), (&metric, &then, "5.1")]);
        assert_eq!(answered.task("2.d").unwrap().1.text, then.task("2.c").unwrap().1.text);
        assert_eq!(answered.metric("5.1").unwrap().1.target, then.metric("5.1").unwrap().1.target.clone());
        // What nobody answered reads as now.
        assert_eq!(answered.task("2.c").unwrap().1.text, now.task("2.c").unwrap().1.text);
        assert_eq!(answered.task_count(), now.task_count());
    }
}
