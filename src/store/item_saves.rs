//! Saving one item's answer: the change asked, refused over a colleague's newer answer or a
//! report handed in meanwhile, else written with its history entry in one transaction on the
//! report's lock.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use super::db::{Tx, query, query_as, query_scalar};
use super::reports::{ITEM_SELECT, ItemColumns, ReportRow, check_editable, event, item_entry};
use super::{Result, Store, StoreError};
use crate::domain::report::{ItemEntry, ItemKey, TaskStatus};

/// One change to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemChange {
    Status(TaskStatus),
    /// A status and its percent, always together, so that a colleague's status never ends
    /// with another's percent ("done at 30 %").
    Progress(TaskStatus, Option<u8>),
    Percent(Option<u8>),
    /// A status, its percent and the note that goes with it, together: a blocked task is
    /// saved only with what blocks it.
    ProgressNote(TaskStatus, Option<u8>, String),
    Note(Option<String>),
    Value {
        value: Decimal,
        out_of: Option<Decimal>,
    },
    /// "No change since the last period": the previous entry's answer, copied.
    CopiedFrom {
        report: i64,
        entry: ItemEntry,
    },
}

/// Why a change to an item was not saved; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveRefused {
    /// A colleague saved the item since the person saw it: their answer stands, shown back.
    Newer { current: ItemEntry },
    /// The report was handed in (or accepted) meanwhile: it must be reopened first.
    Locked { report: ReportRow },
}

/// What saving an item needs of its report, read (and on PostgreSQL locked) in one statement:
/// that the report may be changed, the column and id of what the item is about in the report's
/// own plan, and that plan's current version (an answer records the version it answered).
async fn save_target(tx: &mut Tx, report_id: i64, key: &ItemKey) -> Result<(&'static str, i64, Option<i64>)> {
    let (column, table, condition, code) = match key {
        ItemKey::Task(c) => ("task_id", "task", "code = $2", c.clone()),
        ItemKey::Metric(c) => ("metric_id", "metric", "code = $2", c.clone()),
        // The number is bound as text with the codes; PostgreSQL compares like types only.
        ItemKey::Narrative(n) => ("indicator_id", "indicator", "number = CAST($2 AS BIGINT)", n.to_string()),
    };
    let sql = format!(
        "SELECT r.state, (SELECT id FROM {table} WHERE plan_id = rr.plan_id AND {condition}) AS target,
            (SELECT max(v.id) FROM plan_version v WHERE v.plan_id = rr.plan_id) AS plan_version
         FROM report r JOIN reporting_round rr ON rr.id = r.round_id WHERE r.id = $1{}",
        tx.backend().dialect().for_update("r")
    );
    let row: Option<(String, Option<i64>, Option<i64>)> =
        query_as(&sql).bind(report_id).bind(code).fetch_optional(&mut *tx).await?;
    let (state, target, plan_version) = match row {
        Some((state, target, version)) => (Some(state), target, version),
        None => (None, None, None),
    };
    check_editable(report_id, state.as_deref())?;
    let target = target.ok_or_else(|| StoreError::NotFound(format!("item {}", key.encode())))?;
    Ok((column, target, plan_version))
}

fn entry_json(e: &ItemEntry) -> serde_json::Value {
    json!({
        "status": e.status.map(TaskStatus::as_str),
        "percent": e.percent,
        "value": e.value.map(|v| v.to_string()),
        "value_out_of": e.value_out_of.map(|v| v.to_string()),
        "note": e.note,
    })
}

impl Store {
    /// Saves one change to one item of an editable report, with its history entry, whatever
    /// was saved before (imports, tests; people go through [`Store::save_item_seen`]).
    pub async fn save_item(
        &self,
        report_id: i64,
        key: &ItemKey,
        change: ItemChange,
        person: i64,
        now: DateTime<Utc>,
    ) -> Result<ItemEntry> {
        match self.save_item_seen(report_id, key, change, None, person, now).await? {
            Ok(saved) => Ok(saved),
            Err(SaveRefused::Locked { report }) => {
                Err(StoreError::Conflict(format!("report {report_id} is {}", report.state.as_str())))
            }
            Err(SaveRefused::Newer { .. }) => Err(StoreError::Conflict(format!("item {}", key.encode()))),
        }
    }

    /// Saves one change to one item, if the item is still at the version the person saw
    /// (`seen`: 0 when it had no answer; `None` when not known). A change that leaves the item
    /// as it is now changes nothing and is no conflict (a repeated message, a redelivered
    /// update). The report's state is checked in the same transaction.
    pub async fn save_item_seen(
        &self,
        report_id: i64,
        key: &ItemKey,
        change: ItemChange,
        seen: Option<i64>,
        person: i64,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<ItemEntry, SaveRefused>> {
        let mut tx = self.begin().await?;
        let (column, target, plan_version) = match save_target(&mut tx, report_id, key).await {
            Ok(found) => found,
            Err(e) => {
                drop(tx);
                return match (e, self.report(report_id).await?) {
                    (StoreError::Conflict(_), Some(report)) => Ok(Err(SaveRefused::Locked { report })),
                    (e, _) => Err(e),
                };
            }
        };
        let sql = format!("{ITEM_SELECT} WHERE i.report_id = $1 AND i.{column} = $2");
        let existing =
            query_as::<ItemColumns>(&sql).bind(report_id).bind(target).fetch_optional(&mut tx).await?;
        let item_id: Option<i64> = existing.as_ref().map(|r| r.id);
        let before = existing.as_ref().map(item_entry).transpose()?;
        let mut after = before.clone().unwrap_or(ItemEntry {
            key: key.clone(),
            status: None,
            percent: None,
            value: None,
            value_out_of: None,
            note: None,
            updated_at: now,
            updated_by: Some(person),
            version: 0,
            plan_version: None,
            asked_as: None,
        });
        let (kind, copied_from) = apply(&mut after, &change);
        let current_version = before.as_ref().map_or(0, |b| b.version);
        if let Some(b) = before.as_ref().filter(|b| b.same_answer(&after)) {
            return Ok(Ok(b.clone()));
        }
        // Only a colleague's newer answer stops a save; the person's own earlier one (a step
        // repeated after a failed reply, another device) is theirs to change.
        if seen.is_some_and(|v| v != current_version)
            && let Some(current) = before.as_ref().filter(|b| b.updated_by != Some(person))
        {
            return Ok(Err(SaveRefused::Newer { current: current.clone() }));
        }
        after.version = current_version + 1;
        after.updated_at = now;
        after.updated_by = Some(person);
        let values = (
            after.status.map(TaskStatus::as_str),
            after.percent.map(i64::from),
            after.value.map(|v| v.to_string()),
            after.value_out_of.map(|v| v.to_string()),
            after.note.clone(),
        );
        // The answer records the plan version it answered (its wording, its target).
        after.plan_version = plan_version;
        after.asked_as = None;
        let item_id = match item_id {
            Some(id) => {
                query(
                    "UPDATE report_item SET status = $1, percent = $2, value = $3, value_out_of = $4, note = $5,
                        updated_by = $6, updated_at = $7, version = version + 1, plan_version_id = $8 WHERE id = $9",
                )
                .bind(values.0)
                .bind(values.1)
                .bind(&values.2)
                .bind(&values.3)
                .bind(&values.4)
                .bind(person)
                .bind(now)
                .bind(plan_version)
                .bind(id)
                .execute(&mut tx)
                .await?;
                id
            }
            None => {
                let sql = format!(
                    "INSERT INTO report_item (report_id, {column}, status, percent, value, value_out_of, note,
                        updated_by, updated_at, plan_version_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
                );
                query_scalar(&sql)
                    .bind(report_id)
                    .bind(target)
                    .bind(values.0)
                    .bind(values.1)
                    .bind(&values.2)
                    .bind(&values.3)
                    .bind(&values.4)
                    .bind(person)
                    .bind(now)
                    .bind(plan_version)
                    .fetch_one(&mut tx)
                    .await?
            }
        };
        let detail = json!({
            "item": key.encode(),
            "change": kind,
            "copied_from_report": copied_from,
            "before": before.as_ref().map(entry_json),
            "after": entry_json(&after),
        });
        event(&mut tx, report_id, Some(item_id), "item_changed", Some(person), now, detail).await?;
        tx.commit().await?;
        Ok(Ok(after))
    }
}

/// One change applied to an item's answer: what kind of change it was, and the report an
/// unchanged answer was copied from.
fn apply(after: &mut ItemEntry, change: &ItemChange) -> (&'static str, Option<i64>) {
    match change {
        ItemChange::Status(s) => {
            after.status = Some(*s);
            ("status", None)
        }
        ItemChange::Progress(s, p) => {
            after.status = Some(*s);
            after.percent = *p;
            ("status", None)
        }
        ItemChange::Percent(p) => {
            after.percent = *p;
            ("percent", None)
        }
        ItemChange::ProgressNote(s, p, note) => {
            after.status = Some(*s);
            after.percent = *p;
            after.note = Some(note.clone());
            ("status", None)
        }
        ItemChange::Note(n) => {
            after.note = n.clone();
            ("note", None)
        }
        ItemChange::Value { value, out_of } => {
            after.value = Some(*value);
            after.value_out_of = *out_of;
            ("value", None)
        }
        ItemChange::CopiedFrom { report, entry } => {
            after.status = entry.status;
            after.percent = entry.percent;
            after.value = entry.value;
            after.value_out_of = entry.value_out_of;
            after.note = entry.note.clone();
            ("no_change", Some(*report))
        }
    }
}
