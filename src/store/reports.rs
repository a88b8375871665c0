//! Reports, their items, attachments and history. Every change is one transaction that also
//! writes its history entry, so nothing is saved without who and when. Saving an item's answer
//! is in `item_saves.rs`; a report's state changes (handed in, accepted, returned) are in
//! `report_states.rs`.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use super::db::{Tx, query, query_as, query_scalar};
use super::on_sqlite::row;
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

row! {
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
}

pub(super) const REPORT_COLUMNS: &str = "r.id, p.code AS plan, rr.code AS round, r.period, a.code AS agency, r.state, r.first_submitted_at, \
     r.submitted_at, r.submitted_by, r.reviewed_at, r.reviewed_by, r.review_comment, r.updated_at, \
     (SELECT e.last_day FROM deadline_extension e \
      WHERE e.round_id = r.round_id AND e.period = r.period AND e.agency_id = r.agency_id) AS extended_to";
pub(super) const REPORT_FROM: &str = "report r JOIN reporting_round rr ON rr.id = r.round_id \
     JOIN plan p ON p.id = rr.plan_id JOIN agency a ON a.id = r.agency_id";

row! {
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

row! {
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
    /// extension, or when the agency has a report and no extension at all): a report's screen
    /// lists the agency's other open rounds on every step.
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
        let sql = agency_periods_sql(&self.backend().dialect().each("$2"));
        let rows = query_as::<AgencyReportColumns>(&sql)
            .bind(agency.as_str())
            .bind(&periods)
            .fetch_all(&self.read)
            .await?;
        let extended = rows.first().map(|r| r.extended);
        let reports = rows.into_iter().map(|r| report_row(r.report)).collect::<Result<Vec<ReportRow>>>()?;
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
        // Each report carries its extension; the others have one only if the agency has any.
        if out.iter().all(|(report, _)| report.is_some()) || extended == Some(false) {
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
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!("SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE r.id = $1")
        });
        let row = query_as::<ReportColumns>(&SQL).bind(id).fetch_optional(&self.read).await?;
        row.map(report_row).transpose()
    }

    pub async fn items(&self, report_id: i64) -> Result<Vec<ItemEntry>> {
        let rows = query_as::<ItemColumns>(items_sql()).bind(report_id).fetch_all(&self.read).await?;
        rows.iter().map(item_entry).collect()
    }

    pub async fn attachments(&self, report_id: i64) -> Result<Vec<Attachment>> {
        Ok(query_as(ATTACHMENTS).bind(report_id).fetch_all(&self.read).await?)
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
pub(super) fn check_editable(report_id: i64, state: Option<&str>) -> Result<()> {
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
            .fetch_all(&self.scan)
            .await?;
        rows.into_iter().map(report_row).collect()
    }
}

/// A report's items, in the order they were first saved.
pub(super) fn items_sql() -> &'static str {
    static SQL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{ITEM_SELECT} WHERE i.report_id = $1 ORDER BY i.id"));
    &SQL
}

/// A report's files still attached, in the order they were added.
pub(super) const ATTACHMENTS: &str =
    "SELECT file_id, file_unique_id, file_name, file_size, mime_type, added_by, added_at
     FROM report_attachment WHERE report_id = $1 AND removed_at IS NULL ORDER BY id";

row! {
    /// A report of `agency_periods_sql`, and whether its agency has any extension at all.
    #[derive(sqlx::FromRow)]
    struct AgencyReportColumns {
        #[sqlx(flatten)]
        report: ReportColumns,
        extended: bool,
    }
}

/// An agency's reports (its code `$1`) of the periods of `each` (`$2`), each saying whether
/// the agency has any extension. The periods are
/// checked row by row (`EXISTS`), not as `IN (SELECT …)`, which SQLite builds a temporary
/// table for on every run; an agency has a few reports a period.
pub(super) fn agency_periods_sql(each: &str) -> String {
    format!(
        "SELECT {REPORT_COLUMNS},
           EXISTS (SELECT 1 FROM deadline_extension x WHERE x.agency_id = r.agency_id) AS extended
         FROM {REPORT_FROM}
         WHERE a.code = $1 AND EXISTS (SELECT 1 FROM {each} WHERE value = r.period)"
    )
}
