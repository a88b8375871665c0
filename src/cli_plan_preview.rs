//! What importing a plan file would change: the changes against the plan it updates (each
//! with what was filed under it), other plans of the same province and year, and how the
//! operator reads them.

use crate::domain::Plan;
use crate::domain::plan_diff::{self, Aim, Change, Kind, PlanDiff, What};
use crate::i18n::Lang;
use crate::present;
use crate::store::Store;
use crate::t;

/// What importing a file would do to the plans followed, and whether it would be refused.
pub(crate) struct Preview {
    /// The plan followed that the file updates (its code, or one it amends), if any.
    pub(crate) old: Option<Plan>,
    pub(crate) diff: PlanDiff,
    /// Other plans of the same province and year followed, when the file does not amend them:
    /// importing it would chase the same agencies twice.
    pub(crate) siblings: Vec<Plan>,
    pub(crate) followed: Vec<String>,
    /// The current version number of the plan updated.
    pub(crate) version: Option<i64>,
}

pub(crate) async fn preview(store: &Store, new: &Plan) -> anyhow::Result<Preview> {
    let followed: Vec<Plan> = store.plans_followed().await?.into_iter().map(|(p, _)| p).collect();
    let old = store.plan_for_file(&new.code, &new.amends).await?;
    let (diff, version) = match &old {
        Some(old) => {
            let filed = store.filed_counts(&old.code).await?;
            let version = store.plan_versions(&old.code).await?.last().map(|(_, n, _)| *n);
            (plan_diff::diff(old, new, &filed), version)
        }
        None => (PlanDiff::default(), None),
    };
    let siblings = match &old {
        Some(_) => vec![],
        None => followed
            .iter()
            .filter(|p| p.province == new.province && p.year == new.year && !new.amends.contains(&p.code))
            .cloned()
            .collect(),
    };
    Ok(Preview { old, diff, siblings, followed: followed.into_iter().map(|p| p.code).collect(), version })
}

pub(crate) fn sibling_warning(lang: Lang, new: &Plan, other: &Plan, key: &str) -> String {
    t!(
        lang,
        key,
        code = new.code.clone(),
        other = other.code.clone(),
        province = other.province.clone(),
        year = other.year as i64
    )
}

fn aim(lang: Lang, a: &Aim) -> String {
    format!("{} {} {}", present::direction(lang, a.direction).to_lowercase(), a.target, a.unit)
        .trim_end()
        .to_owned()
}

/// One change, with what becomes of the answers filed against it.
fn change_line(lang: Lang, c: &Change, confirmed: &[String]) -> String {
    let code = c.code.clone();
    let (main, filed) = match &c.what {
        What::Added => (t!(lang, "plan-diff-added", code = code), None),
        What::Removed => (t!(lang, "plan-diff-removed", code = code), Some("plan-diff-filed-history")),
        What::Reworded { .. } => (t!(lang, "plan-diff-reworded", code = code), Some("plan-diff-filed-kept")),
        What::Retargeted { before, after } => (
            t!(
                lang,
                "plan-diff-retargeted",
                code = code,
                before = aim(lang, before),
                after = aim(lang, after)
            ),
            Some("plan-diff-filed-kept"),
        ),
        What::Moved { from, said: true } => (
            t!(lang, "plan-diff-moved-said", code = code, from = from.clone()),
            Some("plan-diff-filed-follow"),
        ),
        What::Moved { from, said: false } => {
            let waiting = c.needs_confirmation() && !confirmed.iter().any(|x| x == from);
            let follow = if waiting { "plan-diff-needs-confirm" } else { "plan-diff-filed-follow" };
            (t!(lang, "plan-diff-moved-found", code = code, from = from.clone()), Some(follow))
        }
    };
    match filed.filter(|_| c.filed > 0) {
        Some(key) => {
            let key = if c.kind == Kind::Round && key == "plan-diff-filed-follow" {
                "plan-diff-reports-follow"
            } else {
                key
            };
            let note =
                t!(lang, key, count = c.filed as i64, code = c.code.clone(), from = c.old_code().to_owned());
            format!("{main} {note}")
        }
        None => main,
    }
}

pub(crate) fn render_preview(lang: Lang, new: &Plan, p: &Preview, confirmed: &[String]) -> String {
    let mut out = Vec::new();
    let Some(old) = &p.old else {
        out.push(plan_counts(lang, new, "plan-diff-new"));
        for other in &p.siblings {
            out.push(sibling_warning(lang, new, other, "plan-import-sibling-refused"));
        }
        if p.siblings.is_empty() && !p.followed.is_empty() {
            out.push(t!(
                lang,
                "plan-diff-alongside",
                code = new.code.clone(),
                others = p.followed.join(", ")
            ));
        }
        return out.join("\n");
    };
    if old.code != new.code {
        out.push(t!(lang, "plan-diff-renumber", old = old.code.clone(), code = new.code.clone()));
    }
    if p.diff.is_empty() {
        out.push(t!(lang, "plan-diff-none", code = old.code.clone()));
        return out.join("\n");
    }
    let version = p.version.unwrap_or(1);
    out.push(t!(lang, "plan-diff-update", code = new.code.clone(), version = version, next = version + 1));
    for kind in [Kind::Task, Kind::Metric, Kind::Round] {
        let mut changes: Vec<&Change> = p.diff.changes.iter().filter(|c| c.kind == kind).collect();
        if changes.is_empty() {
            continue;
        }
        changes.sort_by_key(|a| natural(&a.code));
        out.push(t!(lang, &format!("plan-diff-kind-{}", kind.as_str()), count = changes.len() as i64));
        out.extend(changes.iter().map(|c| format!("  {}", change_line(lang, c, confirmed))));
    }
    if !p.diff.duties.is_empty() {
        out.push(t!(lang, "plan-diff-duties"));
        for (agency, d) in &p.diff.duties {
            let mut parts = Vec::new();
            if !d.gained.is_empty() {
                parts.push(t!(lang, "plan-diff-gained", codes = d.gained.join(", ")));
            }
            if !d.lost.is_empty() {
                parts.push(t!(lang, "plan-diff-lost", codes = d.lost.join(", ")));
            }
            let name = present::agency_short(new, lang, agency.as_str());
            out.push(format!("  {name}: {}", parts.join("; ")));
        }
    }
    let waiting = p.diff.refusals(confirmed).count();
    if waiting > 0 {
        out.push(t!(lang, "plan-diff-refused", count = waiting as i64));
    }
    out.join("\n")
}

/// "2.b" before "2.c" before "10.a": numbers by value, letters in the Vietnamese order.
fn natural(code: &str) -> Vec<(u32, String)> {
    code.split('.')
        .map(|part| match part.parse::<u32>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u32::MAX, part.replace('đ', "d~")),
        })
        .collect()
}

pub(crate) fn plan_counts(lang: Lang, plan: &Plan, key: &str) -> String {
    t!(
        lang,
        key,
        code = plan.code.clone(),
        agencies = plan.agencies.len() as i64,
        groups = plan.groups.len() as i64,
        sections = plan.sections.len() as i64,
        tasks = plan.task_count() as i64,
        indicators = plan.indicators.len() as i64,
        metrics = plan.metric_count() as i64,
        rounds = plan.rounds.len() as i64,
        holidays = plan.holidays.len() as i64
    )
}
