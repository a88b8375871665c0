//! Importing a plan (one transaction, idempotent, matched by stable codes) and loading it back.

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as, query_scalar};
use super::plan_tables::{
    import_agencies, import_groups, import_holidays, import_indicator_groups, import_indicators,
    import_metrics, import_rounds, import_sections, import_tasks, import_working_days, task_code,
};
use super::{Result, Store, StoreError, json_list};
use crate::domain::Plan;
use crate::domain::plan_file::*;

/// What an import changed, per kind of entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub plan_created: bool,
    pub plan_updated: bool,
    pub kinds: Vec<KindCount>,
    /// The number the plan was followed under, when this import renumbered it (`amends`).
    pub renumbered_from: Option<String>,
    /// Entries an amendment re-coded (`replaces`): (kind, old code, new code).
    pub renamed: Vec<(&'static str, String, String)>,
    /// The version this import made (1 for a new plan), `None` when nothing changed.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindCount {
    pub kind: &'static str,
    pub added: u64,
    pub updated: u64,
    pub retired: u64,
}

impl ImportSummary {
    pub fn is_unchanged(&self) -> bool {
        !self.plan_created
            && !self.plan_updated
            && self.renumbered_from.is_none()
            && self.renamed.is_empty()
            && self.kinds.iter().all(|k| k.added + k.updated + k.retired == 0)
    }
}

/// (old, new) task codes of the file's `replaces`.
fn task_renames(file: &PlanFile) -> Vec<(String, String)> {
    file.sections
        .iter()
        .flat_map(|s| s.tasks.iter().map(move |t| (s.number, t)))
        .filter_map(|(n, t)| t.replaces.clone().map(|old| (old, task_code(n, &t.id))))
        .collect()
}

fn metric_renames(file: &PlanFile) -> Vec<(String, String)> {
    file.indicators
        .iter()
        .flat_map(|i| &i.metrics)
        .filter_map(|m| m.replaces.clone().map(|old| (old, m.code.clone())))
        .collect()
}

fn round_renames(file: &PlanFile) -> Vec<(String, String)> {
    file.rounds.iter().filter_map(|r| r.replaces.clone().map(|old| (old, r.code.clone()))).collect()
}

/// Re-codes rows as an amendment says (`replaces`), keeping each row (its id, so what was filed
/// against it follows). A mapping already applied (its new code taken by a row that stays) is
/// skipped, so importing the same file twice changes nothing; renames may chain or swap.
async fn rename(
    tx: &mut Tx,
    table: &str,
    kind: &'static str,
    plan_id: i64,
    pairs: &[(String, String)],
) -> Result<Vec<Renamed>> {
    if pairs.is_empty() {
        return Ok(vec![]);
    }
    // A mapping applied by an earlier import (the file still says it) is not applied again.
    let recorded = if table == "reporting_round" { "round" } else { table };
    let done: std::collections::HashSet<(String, String)> = query_as::<(String, String)>(
        "SELECT c.old_code, c.new_code FROM code_change c JOIN plan_version v ON v.id = c.plan_version_id
         WHERE v.plan_id = $1 AND c.kind = $2",
    )
    .bind(plan_id)
    .bind(recorded)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let pairs: Vec<&(String, String)> = pairs.iter().filter(|p| !done.contains(p)).collect();
    let current: std::collections::HashMap<String, i64> = query_as::<(String, i64)>(&format!(
        "SELECT code, id FROM {table} WHERE plan_id = $1 AND retired = FALSE"
    ))
    .bind(plan_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let leaving: std::collections::HashSet<&str> = pairs
        .iter()
        .filter(|(old, new)| old != new && current.contains_key(old))
        .map(|(old, _)| old.as_str())
        .collect();
    let applied: Vec<(i64, &str, &str)> = pairs
        .iter()
        .filter(|(old, new)| old != new)
        .filter_map(|(old, new)| {
            let id = *current.get(old)?;
            let free = !current.contains_key(new) || leaving.contains(new.as_str());
            free.then_some((id, old.as_str(), new.as_str()))
        })
        .collect();
    // Two steps, so that a swap or a chain never meets the unique code.
    for (id, _, _) in &applied {
        query(&format!("UPDATE {table} SET code = '~' || id WHERE id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    for (id, _, new) in &applied {
        query(&format!("UPDATE {table} SET code = $1 WHERE id = $2"))
            .bind(new)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(applied
        .into_iter()
        .map(|(id, old, new)| Renamed { kind, id, old: old.to_owned(), new: new.to_owned() })
        .collect())
}

/// A row an import re-coded.
struct Renamed {
    kind: &'static str,
    id: i64,
    old: String,
    new: String,
}

impl Store {
    /// Imports a checked plan in one transaction. Entries are matched by their codes: the same
    /// plan twice changes nothing; an edited one updates in place; entries gone from the file
    /// are retired, never deleted, so reports filed against them stay.
    pub async fn import_plan(&self, plan: &Plan, now: DateTime<Utc>) -> Result<ImportSummary> {
        let file = plan.to_file();
        let mut tx = self.begin().await?;
        super::replicas::one_import_at_a_time(&mut tx).await?;
        let mut summary = ImportSummary::default();
        let header = &file.plan;
        let reminders =
            serde_json::to_string(&file.reminders).map_err(|e| StoreError::Corrupt(e.to_string()))?;

        let mut existing: Option<i64> = query_scalar("SELECT id FROM plan WHERE code = $1")
            .bind(&header.code)
            .fetch_optional(&mut tx)
            .await?;
        // An amendment that renumbered the plan: the plan followed under an earlier number
        // takes the new one, and keeps everything filed under it.
        if existing.is_none() && !header.amends.is_empty() {
            let sql = format!(
                "SELECT id, code FROM plan WHERE code IN (SELECT value FROM {}) ORDER BY id DESC LIMIT 1",
                tx.backend().dialect().each("$1")
            );
            let earlier: Option<(i64, String)> =
                query_as(&sql).bind(json_list(&header.amends)).fetch_optional(&mut tx).await?;
            if let Some((id, old)) = earlier {
                let sql = format!(
                    "UPDATE plan SET code = $1, previous_codes = {} WHERE id = $3",
                    tx.backend().dialect().json_push("previous_codes", "$2")
                );
                query(&sql).bind(&header.code).bind(&old).bind(id).execute(&mut tx).await?;
                summary.renumbered_from = Some(old);
                existing = Some(id);
            }
        }
        let changed = query(
            "INSERT INTO plan (code, title, title_en, province, year, issued, time_zone, coordinator, reminders,
                               active, imported_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $10)
             ON CONFLICT (code) DO UPDATE SET
                title = excluded.title, title_en = excluded.title_en, province = excluded.province,
                year = excluded.year, issued = excluded.issued, time_zone = excluded.time_zone,
                coordinator = excluded.coordinator, reminders = excluded.reminders, active = TRUE,
                updated_at = excluded.updated_at
             WHERE plan.title IS DISTINCT FROM excluded.title OR plan.title_en IS DISTINCT FROM excluded.title_en
                OR plan.province IS DISTINCT FROM excluded.province OR plan.year IS DISTINCT FROM excluded.year
                OR plan.issued IS DISTINCT FROM excluded.issued OR plan.time_zone IS DISTINCT FROM excluded.time_zone
                OR plan.coordinator IS DISTINCT FROM excluded.coordinator OR plan.reminders IS DISTINCT FROM excluded.reminders
                OR NOT plan.active",
        )
        .bind(&header.code)
        .bind(&header.title)
        .bind(&header.title_en)
        .bind(&header.province)
        .bind(header.year)
        .bind(&header.issued)
        .bind(&header.time_zone)
        .bind(&header.coordinator)
        .bind(&reminders)
        .bind(now)
        .execute(&mut tx)
        .await?
        .rows_affected();
        summary.plan_created = existing.is_none();
        summary.plan_updated = existing.is_some() && changed > 0;
        let plan_id: i64 =
            query_scalar("SELECT id FROM plan WHERE code = $1").bind(&header.code).fetch_one(&mut tx).await?;
        // Entries an amendment re-coded keep their rows (and what was filed against them).
        let mut renamed = rename(&mut tx, "task", "tasks", plan_id, &task_renames(&file)).await?;
        renamed.extend(rename(&mut tx, "metric", "metrics", plan_id, &metric_renames(&file)).await?);
        renamed.extend(rename(&mut tx, "reporting_round", "rounds", plan_id, &round_renames(&file)).await?);
        summary.renamed = renamed.iter().map(|r| (r.kind, r.old.clone(), r.new.clone())).collect();

        summary.kinds.push(import_agencies(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_groups(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_sections(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_tasks(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_indicators(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_metrics(&mut tx, plan_id, plan, &file).await?);
        summary.kinds.push(import_indicator_groups(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_rounds(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_holidays(&mut tx, plan_id, &file).await?);
        summary.kinds.push(import_working_days(&mut tx, plan_id, &file).await?);

        let versioned: bool = query_scalar("SELECT EXISTS (SELECT 1 FROM plan_version WHERE plan_id = $1)")
            .bind(plan_id)
            .fetch_one(&mut tx)
            .await?;
        if !summary.is_unchanged() || !versioned {
            query("UPDATE plan SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(plan_id)
                .execute(&mut tx)
                .await?;
            let note = serde_json::json!({
                "created": summary.plan_created,
                "renumbered_from": summary.renumbered_from,
                "renamed": summary.renamed,
                "kinds": summary.kinds.iter().map(|k| (k.kind, k.added, k.updated, k.retired)).collect::<Vec<_>>(),
            });
            let version =
                super::plan_versions::add_version(&mut tx, plan_id, plan, &note.to_string(), now).await?;
            for r in &renamed {
                let kind = match r.kind {
                    "tasks" => "task",
                    "metrics" => "metric",
                    _ => "round",
                };
                query(
                    "INSERT INTO code_change (plan_version_id, kind, row_id, old_code, new_code) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(version)
                .bind(kind)
                .bind(r.id)
                .bind(&r.old)
                .bind(&r.new)
                .execute(&mut tx)
                .await?;
            }
            summary.version = Some(
                query_scalar("SELECT number FROM plan_version WHERE id = $1")
                    .bind(version)
                    .fetch_one(&mut tx)
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(summary)
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
