//! What filed answers answered: the plan read with the words and targets of the versions they
//! were filed under, so that a report handed in before an amendment is shown, exported and
//! judged as it was asked, and says which version that was.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::Plan;
use crate::domain::plan_diff::as_answered;
use crate::domain::report::{ItemEntry, ItemKey};
use crate::i18n::Lang;
use crate::store::{PlanVersion, Store};
use crate::{present, t};

/// A plan version answers were filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNote {
    pub number: i64,
    pub imported_at: DateTime<Utc>,
}

/// The plan as some answers answered it.
pub struct Answered {
    pub plan: Plan,
    /// The versions they were filed under, oldest first, when any is not the current one
    /// (empty when everything answered the plan as it reads now).
    pub versions: Vec<VersionNote>,
}

/// `plan` (as followed now) read with the words and targets `entries` answered.
pub async fn answered(store: &Store, plan: &Plan, entries: &[&ItemEntry]) -> anyhow::Result<Answered> {
    let current = store.plan_versions(&plan.code).await?.last().map(|(id, ..)| *id);
    let mut versions: BTreeMap<i64, PlanVersion> = BTreeMap::new();
    for id in entries.iter().filter_map(|e| e.plan_version) {
        if Some(id) == current || versions.contains_key(&id) {
            continue;
        }
        if let Some(v) = store.plan_version(id).await? {
            versions.insert(id, v);
        }
    }
    if versions.is_empty() {
        return Ok(Answered { plan: plan.clone(), versions: vec![] });
    }
    let answers = entries.iter().filter_map(|e| {
        let then = versions.get(&e.plan_version?)?;
        let code = match &e.key {
            ItemKey::Task(c) | ItemKey::Metric(c) => c.as_str(),
            ItemKey::Narrative(_) => return None,
        };
        Some((&e.key, &then.plan, e.asked_as.as_deref().unwrap_or(code)))
    });
    let read = as_answered(plan, answers);
    let notes =
        versions.values().map(|v| VersionNote { number: v.number, imported_at: v.imported_at }).collect();
    Ok(Answered { plan: read, versions: notes })
}

/// "Số liệu kỳ này trả lời Kế hoạch … bản 1 (nhập 15/01/2022)": said when the period's answers
/// were filed under an earlier version than the plan followed now, whose words and targets
/// they are shown and judged by.
pub fn answered_under(lang: Lang, plan: &Plan, versions: &[VersionNote]) -> Option<String> {
    if versions.is_empty() {
        return None;
    }
    let list = versions
        .iter()
        .map(|v| {
            t!(
                lang,
                "plan-version-name",
                number = v.number,
                date = present::date(local_day(plan, v.imported_at))
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(t!(lang, "answered-under-versions", plan = plan.code.clone(), versions = list))
}

fn local_day(plan: &Plan, at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&plan.time_zone).date_naive()
}
