//! Reports, their items, attachments and history. Every change is one transaction that also
//! writes its history entry, so nothing is saved without who and when. A report's state
//! changes (handed in, accepted, returned) are in `report_states.rs`.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use super::db::{Tx, query, query_as, query_scalar};
use super::{Result, Store, StoreError};
use crate::domain::report::{ItemEntry, ItemKey, ReportState, TaskStatus};
use crate::domain::{AgencyCode, PeriodKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    /// The code of the plan the report answers.
    pub plan: String,
    pub round: String,
    pub period: PeriodKey,
    pub agency: AgencyCode,
    pub state: ReportState,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<i64>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<i64>,
    pub review_comment: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// The last day an extension gives the agency for this period, when one was granted.
    pub extended_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub file_id: String,
    pub file_unique_id: String,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub mime_type: Option<String>,
    pub added_by: Option<i64>,
    pub added_at: DateTime<Utc>,
}

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

pub(super) const REPORT_COLUMNS: &str = "r.id, p.code AS plan, rr.code AS round, r.period, a.code AS agency, r.state, r.first_submitted_at, \
     r.submitted_at, r.submitted_by, r.reviewed_at, r.reviewed_by, r.review_comment, r.updated_at, \
     (SELECT e.last_day FROM deadline_extension e \
      WHERE e.round_id = r.round_id AND e.period = r.period AND e.agency_id = r.agency_id) AS extended_to";
pub(super) const REPORT_FROM: &str = "report r JOIN reporting_round rr ON rr.id = r.round_id \
     JOIN plan p ON p.id = rr.plan_id JOIN agency a ON a.id = r.agency_id";

/// A report as `REPORT_COLUMNS` reads it.
#[derive(sqlx::FromRow)]
pub(super) struct ReportColumns {
    id: i64,
    plan: String,
    round: String,
    period: String,
    agency: String,
    state: String,
    first_submitted_at: Option<DateTime<Utc>>,
    submitted_at: Option<DateTime<Utc>>,
    submitted_by: Option<i64>,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by: Option<i64>,
    review_comment: Option<String>,
    updated_at: DateTime<Utc>,
    extended_to: Option<String>,
}

pub(super) fn report_row(row: ReportColumns) -> Result<ReportRow> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("report.{what}"));
    Ok(ReportRow {
        id: row.id,
        plan: row.plan,
        round: row.round,
        period: row.period.parse().map_err(|_| corrupt("period"))?,
        agency: AgencyCode::parse(&row.agency).ok_or_else(|| corrupt("agency"))?,
        state: ReportState::parse(&row.state).ok_or_else(|| corrupt("state"))?,
        first_submitted_at: row.first_submitted_at,
        submitted_at: row.submitted_at,
        submitted_by: row.submitted_by,
        reviewed_at: row.reviewed_at,
        reviewed_by: row.reviewed_by,
        review_comment: row.review_comment,
        updated_at: row.updated_at,
        extended_to: row
            .extended_to
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("extended_to")))
            .transpose()?,
    })
}

/// The code an answer's entry had in the version it answered, when an amendment re-coded it
/// since (`i` is the answer): one SQL expression.
macro_rules! asked_as {
    () => {
        "(SELECT c.old_code FROM code_change c \
          WHERE c.kind = CASE WHEN i.task_id IS NOT NULL THEN 'task' ELSE 'metric' END \
            AND c.row_id = coalesce(i.task_id, i.metric_id) AND c.plan_version_id > coalesce(i.plan_version_id, 0) \
          ORDER BY c.plan_version_id LIMIT 1)"
    };
}
pub(super) const ASKED_AS: &str = asked_as!();

pub(super) const ITEM_SELECT: &str = concat!(
    "SELECT i.id, i.status, i.percent, i.value, i.value_out_of, i.note, i.updated_at, \
     i.updated_by, i.version, i.plan_version_id, t.code AS task, m.code AS metric, ind.number AS indicator, ",
    asked_as!(),
    " AS asked_as FROM report_item i \
     LEFT JOIN task t ON t.id = i.task_id LEFT JOIN metric m ON m.id = i.metric_id \
     LEFT JOIN indicator ind ON ind.id = i.indicator_id"
);

pub(super) fn decimal(text: Option<String>) -> Result<Option<Decimal>> {
    text.map(|t| Decimal::from_str_exact(&t).map_err(|e| StoreError::Corrupt(format!("decimal {t}: {e}"))))
        .transpose()
}

/// An item as `ITEM_SELECT` reads it.
#[derive(sqlx::FromRow)]
pub(super) struct ItemColumns {
    pub(super) id: i64,
    status: Option<String>,
    percent: Option<i64>,
    value: Option<String>,
    value_out_of: Option<String>,
    note: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<i64>,
    version: i64,
    plan_version_id: Option<i64>,
    task: Option<String>,
    metric: Option<String>,
    indicator: Option<i64>,
    asked_as: Option<String>,
}

pub(super) fn item_entry(row: &ItemColumns) -> Result<ItemEntry> {
    let key = match (&row.task, &row.metric, row.indicator) {
        (Some(t), _, _) => ItemKey::Task(t.clone()),
        (None, Some(m), _) => ItemKey::Metric(m.clone()),
        (None, None, Some(n)) => ItemKey::Narrative(
            u32::try_from(n).map_err(|_| StoreError::Corrupt("report_item.indicator".into()))?,
        ),
        (None, None, None) => return Err(StoreError::Corrupt("report_item: about nothing".into())),
    };
    Ok(ItemEntry {
        key,
        status: row.status.as_deref().and_then(TaskStatus::parse),
        percent: row.percent.map(|p| p.clamp(0, 100) as u8),
        value: decimal(row.value.clone())?,
        value_out_of: decimal(row.value_out_of.clone())?,
        note: row.note.clone(),
        updated_at: row.updated_at,
        updated_by: row.updated_by,
        version: row.version,
        plan_version: row.plan_version_id,
        asked_as: row.asked_as.clone(),
    })
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
    /// The report of an agency for a round and period, created as a draft when first opened.
    pub async fn open_report(
        &self,
        plan: &str,
        round: &str,
        period: PeriodKey,
        agency: &AgencyCode,
        now: DateTime<Utc>,
    ) -> Result<ReportRow> {
        query(
            "INSERT INTO report (round_id, period, agency_id, created_at, updated_at)
             SELECT rr.id, $3, a.id, $4, $4 FROM reporting_round rr, agency a
             WHERE rr.code = $1 AND a.code = $2 AND rr.plan_id = a.plan_id
               AND rr.plan_id = (SELECT id FROM plan WHERE code = $5)
             ON CONFLICT (round_id, period, agency_id) DO NOTHING",
        )
        .bind(round)
        .bind(agency.as_str())
        .bind(period.to_string())
        .bind(now)
        .bind(plan)
        .execute(&self.write)
        .await?;
        self.find_report(plan, round, period, agency)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("round {round} or agency {agency}")))
    }

    pub async fn find_report(
        &self,
        plan: &str,
        round: &str,
        period: PeriodKey,
        agency: &AgencyCode,
    ) -> Result<Option<ReportRow>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM}
             WHERE rr.code = $1 AND r.period = $2 AND a.code = $3 AND p.code = $4"
        );
        let row = query_as::<ReportColumns>(&sql)
            .bind(round)
            .bind(period.to_string())
            .bind(agency.as_str())
            .bind(plan)
            .fetch_optional(&self.read)
            .await?;
        row.map(report_row).transpose()
    }

    /// An agency's reports and extensions for the `(plan, round, period)`s asked, in two
    /// statements whatever their number (one when each has its report, which carries its
    /// extension): a report's screen lists the agency's other open rounds on every step.
    /// Returns, in the order asked, each one's report and the last day its extension sets.
    pub async fn agency_periods(
        &self,
        agency: &AgencyCode,
        wanted: &[(&str, &str, PeriodKey)],
    ) -> Result<Vec<(Option<ReportRow>, Option<NaiveDate>)>> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut periods: Vec<String> = wanted.iter().map(|(_, _, period)| period.to_string()).collect();
        periods.sort();
        periods.dedup();
        let periods = super::json_list(&periods);
        let each = self.backend().dialect().each("$2");
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE a.code = $1 AND r.period IN (SELECT value FROM {each})"
        );
        let rows = query_as::<ReportColumns>(&sql)
            .bind(agency.as_str())
            .bind(&periods)
            .fetch_all(&self.read)
            .await?;
        let reports = rows.into_iter().map(report_row).collect::<Result<Vec<ReportRow>>>()?;
        let report_of = |(plan, round, period): &(&str, &str, PeriodKey)| {
            reports.iter().find(|r| r.plan == *plan && r.round == *round && r.period == *period).cloned()
        };
        let mut out: Vec<(Option<ReportRow>, Option<NaiveDate>)> = wanted
            .iter()
            .map(report_of)
            .map(|r| {
                let extended_to = r.as_ref().and_then(|r| r.extended_to);
                (r, extended_to)
            })
            .collect();
        if out.iter().all(|(report, _)| report.is_some()) {
            return Ok(out);
        }
        let extensions = self.agency_extensions(agency, &periods).await?;
        for ((plan, round, period), (report, last_day)) in wanted.iter().zip(out.iter_mut()) {
            if report.is_none() {
                *last_day = extensions
                    .iter()
                    .find(|e| e.plan == *plan && e.round == *round && e.period == *period)
                    .map(|e| e.last_day);
            }
        }
        Ok(out)
    }

    pub async fn report(&self, id: i64) -> Result<Option<ReportRow>> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.id = $1");
        let row = query_as::<ReportColumns>(&sql).bind(id).fetch_optional(&self.read).await?;
        row.map(report_row).transpose()
    }

    pub async fn items(&self, report_id: i64) -> Result<Vec<ItemEntry>> {
        let sql = format!("{ITEM_SELECT} WHERE i.report_id = $1 ORDER BY i.id");
        let rows = query_as::<ItemColumns>(&sql).bind(report_id).fetch_all(&self.read).await?;
        rows.iter().map(item_entry).collect()
    }

    pub async fn attachments(&self, report_id: i64) -> Result<Vec<Attachment>> {
        Ok(query_as(
            "SELECT file_id, file_unique_id, file_name, file_size, mime_type, added_by, added_at
             FROM report_attachment WHERE report_id = $1 AND removed_at IS NULL ORDER BY id",
        )
        .bind(report_id)
        .fetch_all(&self.read)
        .await?)
    }

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

    /// Attaches a file to an editable report; false when that file is already attached.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_attachment(
        &self,
        report_id: i64,
        file_id: &str,
        file_unique_id: &str,
        file_name: Option<&str>,
        file_size: Option<i64>,
        mime_type: Option<&str>,
        person: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        editable(&mut tx, report_id).await?;
        let n = query(
            "INSERT INTO report_attachment (report_id, file_id, file_unique_id, file_name, file_size, mime_type,
                added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (report_id, file_unique_id) DO NOTHING",
        )
        .bind(report_id)
        .bind(file_id)
        .bind(file_unique_id)
        .bind(file_name)
        .bind(file_size)
        .bind(mime_type)
        .bind(person)
        .bind(now)
        .execute(&mut tx)
        .await?
        .rows_affected();
        if n > 0 {
            let detail =
                json!({"file_unique_id": file_unique_id, "file_name": file_name, "file_size": file_size});
            event(&mut tx, report_id, None, "attached", Some(person), now, detail).await?;
        }
        tx.commit().await?;
        Ok(n > 0)
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

/// A report's state, locked until the transaction ends: every change to a report and its items
/// reads it first, so that changes to one report go one at a time whichever replica makes them.
pub(super) fn report_state_sql(tx: &Tx) -> String {
    format!("SELECT state FROM report WHERE id = $1{}", tx.backend().dialect().for_update("report"))
}

/// Fails unless the report may be changed by its agency now.
pub(super) async fn editable(tx: &mut Tx, report_id: i64) -> Result<()> {
    let state: Option<String> =
        query_scalar(&report_state_sql(tx)).bind(report_id).fetch_optional(&mut *tx).await?;
    check_editable(report_id, state.as_deref())
}

/// A report's state as read: missing or unreadable, not found; handed in or accepted, a conflict.
fn check_editable(report_id: i64, state: Option<&str>) -> Result<()> {
    match state.and_then(ReportState::parse) {
        None => Err(StoreError::NotFound(format!("report {report_id}"))),
        Some(s) if s.is_editable() => Ok(()),
        Some(s) => Err(StoreError::Conflict(format!("report {report_id} is {}", s.as_str()))),
    }
}

pub(super) async fn event(
    tx: &mut Tx,
    report_id: i64,
    item_id: Option<i64>,
    kind: &str,
    person: Option<i64>,
    now: DateTime<Utc>,
    detail: serde_json::Value,
) -> Result<()> {
    query("INSERT INTO report_event (report_id, item_id, kind, person_id, at, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(report_id)
        .bind(item_id)
        .bind(kind)
        .bind(person)
        .bind(now)
        .bind(detail.to_string())
        .execute(&mut *tx)
        .await?;
    query("UPDATE report SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(report_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl Store {
    /// Every report of one round and period of a plan.
    pub async fn period_reports(&self, plan: &str, round: &str, period: PeriodKey) -> Result<Vec<ReportRow>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM}
             WHERE rr.code = $1 AND r.period = $2 AND p.code = $3
             ORDER BY a.position"
        );
        let rows = query_as::<ReportColumns>(&sql)
            .bind(round)
            .bind(period.to_string())
            .bind(plan)
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(report_row).collect()
    }
}
