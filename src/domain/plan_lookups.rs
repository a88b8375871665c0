//! What a plan answers on every screen, looked up instead of searched: built the first time
//! it is asked for, from the plan as checked.

use super::plan::{AgencyCode, Plan, Section, Task, TaskRole};

/// Lookups derived from a plan, built the first time they are asked for: a plan is not changed
/// once checked (a clone, which may be, starts without them). Two plans equal in every field are
/// equal whatever was built.
#[derive(Default)]
pub struct Lookups {
    /// Each agency's (or group's) duties.
    duties: std::sync::OnceLock<Duties>,
}

/// Each code's duties, as (section, task, role) positions in plan order.
type Duties = std::collections::HashMap<AgencyCode, Vec<(usize, usize, TaskRole)>>;

impl Clone for Lookups {
    fn clone(&self) -> Self {
        Lookups::default()
    }
}

impl PartialEq for Lookups {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lookups")
    }
}

impl Plan {
    /// The tasks an agency answers for, leading or co-operating, with their sections and its
    /// role, in plan order. Looked up: asking [`Plan::task_role`] of every task for every
    /// screen was 2–3 % of a reply's instructions (benches/replies).
    pub fn duties_of(&self, agency: &AgencyCode) -> Vec<(&Section, &Task, TaskRole)> {
        let all = self.lookups.duties.get_or_init(|| self.all_duties());
        all.get(agency)
            .into_iter()
            .flatten()
            .map(|&(s, t, role)| (&self.sections[s], &self.sections[s].tasks[t], role))
            .collect()
    }

    /// Every code's duties, as [`Plan::task_role`] finds them: each code named by a task, and
    /// each member of a group named, leads it or co-operates (leading first).
    fn all_duties(&self) -> Duties {
        let mut all = Duties::new();
        for (si, section) in self.sections.iter().enumerate() {
            for (ti, task) in section.tasks.iter().enumerate() {
                let lead = self.task_lead(section, task).iter().map(|c| (c, TaskRole::Lead));
                let cooperating = task.cooperating.iter().map(|c| (c, TaskRole::Cooperating));
                for (named, role) in lead.chain(cooperating) {
                    let members =
                        self.group(named.as_str()).map(|g| g.members.as_slice()).unwrap_or_default();
                    for agency in std::iter::once(named).chain(members) {
                        let duties = all.entry(agency.clone()).or_default();
                        if duties.last().is_none_or(|&(s, t, _)| (s, t) != (si, ti)) {
                            duties.push((si, ti, role));
                        }
                    }
                }
            }
        }
        all
    }
}
