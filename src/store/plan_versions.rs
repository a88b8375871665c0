//! Plan versions: every import that changes a plan keeps the whole plan as it was imported, so
//! that an answer stays with the wording and the target it answered, and the history can show
//! which version asked what. The plans followed are the latest versions of the active plans.

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as, query_scalar};
use super::{Result, Store, StoreError};
use crate::domain::{Plan, PlanFile};

/// Which plan, as of which version: an import changes it.
pub type PlanStamp = (String, i64);

/// A plan as one import made it.
#[derive(Debug, Clone)]
pub struct PlanVersion {
    pub id: i64,
    /// 1, 2, … per plan.
    pub number: i64,
    pub imported_at: DateTime<Utc>,
    pub plan: Plan,
}

fn plan_of(file: &str) -> Result<Plan> {
    let file: PlanFile =
        serde_json::from_str(file).map_err(|e| StoreError::Corrupt(format!("plan_version.file: {e}")))?;
    Plan::try_from(&file).map_err(StoreError::StoredPlan)
}

/// Adds a version of `plan` (the next number) with the plan as imported; returns its id.
pub(super) async fn add_version(
    tx: &mut Tx,
    plan_id: i64,
    plan: &Plan,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let file = serde_json::to_string(&plan.to_file()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(query_scalar(
        "INSERT INTO plan_version (plan_id, number, file, imported_at, summary)
         VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM plan_version WHERE plan_id = $1), $2, $3, $4)
         RETURNING id",
    )
    .bind(plan_id)
    .bind(file)
    .bind(now)
    .bind(summary)
    .fetch_one(&mut *tx)
    .await?)
}

impl Store {
    /// The plans followed (active), each at its latest version, the last imported first.
    pub async fn plans_followed(&self) -> Result<Vec<(Plan, PlanStamp)>> {
        let rows = query_as::<(String, i64, String)>(
            "SELECT p.code, v.id AS version, v.file FROM plan p JOIN plan_version v ON v.plan_id = p.id
             WHERE p.active = TRUE AND v.number = (SELECT max(number) FROM plan_version WHERE plan_id = p.id)
             ORDER BY p.id DESC",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|(code, version, file)| Ok((plan_of(file)?, (code.clone(), *version)))).collect()
    }

    /// The plans no longer followed, each at its latest version.
    pub async fn plans_stopped(&self) -> Result<Vec<Plan>> {
        let files: Vec<String> = query_scalar(
            "SELECT v.file FROM plan p JOIN plan_version v ON v.plan_id = p.id
             WHERE p.active = FALSE AND v.number = (SELECT max(number) FROM plan_version WHERE plan_id = p.id)
             ORDER BY p.id DESC",
        )
        .fetch_all(&self.read)
        .await?;
        files.iter().map(|f| plan_of(f)).collect()
    }

    /// Which plans are followed, at which versions (cheap: to see whether an import changed them).
    pub async fn plan_stamps(&self) -> Result<Vec<PlanStamp>> {
        Ok(query_as(
            "SELECT p.code, max(v.id) FROM plan p JOIN plan_version v ON v.plan_id = p.id
             WHERE p.active = TRUE GROUP BY p.id ORDER BY p.id DESC",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// One version of a plan, as it was imported.
    pub async fn plan_version(&self, id: i64) -> Result<Option<PlanVersion>> {
        let row: Option<(i64, DateTime<Utc>, String)> =
            query_as("SELECT number, imported_at, file FROM plan_version WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        row.map(|(number, imported_at, file)| {
            Ok(PlanVersion { id, number, imported_at, plan: plan_of(&file)? })
        })
        .transpose()
    }

    /// (version id, number, imported at) of a plan's versions, oldest first.
    pub async fn plan_versions(&self, code: &str) -> Result<Vec<(i64, i64, DateTime<Utc>)>> {
        Ok(query_as(
            "SELECT v.id, v.number, v.imported_at FROM plan_version v JOIN plan p ON p.id = v.plan_id
             WHERE p.code = $1 ORDER BY v.number",
        )
        .bind(code)
        .fetch_all(&self.read)
        .await?)
    }

    /// At start-up: a plan imported before versions existed gets its first version, made from
    /// its tables (dated when it was imported), and every answer already filed against it is
    /// stamped with it.
    pub(super) async fn version_legacy_plans(&self) -> Result<u64> {
        let bare: Vec<i64> = query_scalar(
            "SELECT id FROM plan p WHERE NOT EXISTS (SELECT 1 FROM plan_version v WHERE v.plan_id = p.id)",
        )
        .fetch_all(&self.write)
        .await?;
        for plan_id in &bare {
            let Some(file) = self.plan_file_from_tables(*plan_id).await? else { continue };
            let plan = Plan::try_from(&file).map_err(StoreError::StoredPlan)?;
            let imported: DateTime<Utc> = query_scalar("SELECT imported_at FROM plan WHERE id = $1")
                .bind(plan_id)
                .fetch_one(&self.write)
                .await?;
            let mut tx = self.begin().await?;
            super::replicas::one_import_at_a_time(&mut tx).await?;
            // Another replica starting beside this one may have versioned it meanwhile.
            let versioned: bool =
                query_scalar("SELECT EXISTS (SELECT 1 FROM plan_version WHERE plan_id = $1)")
                    .bind(plan_id)
                    .fetch_one(&mut tx)
                    .await?;
            if versioned {
                continue;
            }
            let version = add_version(&mut tx, *plan_id, &plan, "", imported).await?;
            stamp_answers(&mut tx, *plan_id, version).await?;
            tx.commit().await?;
        }
        Ok(bare.len() as u64)
    }
}

impl Store {
    /// Answers filed per task and metric, and reports per round, of a plan (by code), for
    /// `plan diff`: an amendment must not move them silently.
    pub async fn filed_counts(&self, plan: &str) -> Result<crate::domain::plan_diff::Filed> {
        use crate::domain::plan_diff::Kind;
        let rows: Vec<(String, String, i64)> = query_as(
            "SELECT 'task', t.code, count(*) FROM report_item i JOIN task t ON t.id = i.task_id
             WHERE t.plan_id = (SELECT id FROM plan WHERE code = $1) GROUP BY t.code
             UNION ALL
             SELECT 'metric', m.code, count(*) FROM report_item i JOIN metric m ON m.id = i.metric_id
             WHERE m.plan_id = (SELECT id FROM plan WHERE code = $1) GROUP BY m.code
             UNION ALL
             SELECT 'round', rr.code, count(*) FROM report r JOIN reporting_round rr ON rr.id = r.round_id
             WHERE rr.plan_id = (SELECT id FROM plan WHERE code = $1) GROUP BY rr.code",
        )
        .bind(plan)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, code, n)| {
                let kind = match kind.as_str() {
                    "task" => Kind::Task,
                    "metric" => Kind::Metric,
                    _ => Kind::Round,
                };
                ((kind, code), n as u64)
            })
            .collect())
    }

    /// Stops following a plan: no more reminders or questions; what was filed stays, and
    /// importing its file again follows it again.
    pub async fn stop_following(&self, code: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = query("UPDATE plan SET active = FALSE, updated_at = $1 WHERE code = $2 AND active = TRUE")
            .bind(now)
            .bind(code)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    /// The plan followed that a file would update: the one with its code, or the one it amends.
    pub async fn plan_for_file(&self, code: &str, amends: &[String]) -> Result<Option<Plan>> {
        let plans: Vec<Plan> = self.plans_followed().await?.into_iter().map(|(p, _)| p).collect();
        let same = plans.iter().find(|p| p.code == code);
        Ok(same.or_else(|| plans.iter().find(|p| amends.contains(&p.code))).cloned())
    }
}

/// Answers of a plan's reports with no version yet get `version`.
async fn stamp_answers(tx: &mut Tx, plan_id: i64, version: i64) -> Result<()> {
    query(
        "UPDATE report_item SET plan_version_id = $1 WHERE plan_version_id IS NULL AND report_id IN
            (SELECT r.id FROM report r JOIN reporting_round rr ON rr.id = r.round_id WHERE rr.plan_id = $2)",
    )
    .bind(version)
    .bind(plan_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
