//! Deadlines an admin moved for one agency and one period.

use chrono::{DateTime, NaiveDate, Utc};

use super::db::{query, query_as};
use super::on_sqlite::row;
use super::outbox::NewMail;
use super::{Result, Store, StoreError};
use crate::domain::{AgencyCode, PeriodKey};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The code of the plan whose round it is.
    pub plan: String,
    pub round: String,
    pub period: PeriodKey,
    pub agency: AgencyCode,
    pub last_day: NaiveDate,
    pub reason: String,
    pub granted_by: Option<i64>,
    pub granted_at: DateTime<Utc>,
}

/// Extensions with their plan, round and agency; each query adds its `WHERE`.
const EXTENSIONS: &str = "SELECT p.code AS plan, rr.code AS round, e.period, a.code AS agency, e.last_day, e.reason, \
     e.granted_by, e.granted_at FROM deadline_extension e JOIN reporting_round rr ON rr.id = e.round_id \
     JOIN plan p ON p.id = rr.plan_id JOIN agency a ON a.id = e.agency_id";

row! {
    #[derive(sqlx::FromRow)]
    struct ExtensionRow {
        plan: String,
        round: String,
        period: String,
        agency: String,
        last_day: String,
        reason: String,
        granted_by: Option<i64>,
        granted_at: DateTime<Utc>,
    }
}

fn extension(row: ExtensionRow) -> Result<Extension> {
    let corrupt = |w: &str| StoreError::Corrupt(format!("deadline_extension.{w}"));
    Ok(Extension {
        plan: row.plan,
        round: row.round,
        period: row.period.parse().map_err(|_| corrupt("period"))?,
        agency: AgencyCode::parse(&row.agency).ok_or_else(|| corrupt("agency"))?,
        last_day: NaiveDate::parse_from_str(&row.last_day, "%Y-%m-%d").map_err(|_| corrupt("last_day"))?,
        reason: row.reason,
        granted_by: row.granted_by,
        granted_at: row.granted_at,
    })
}

impl Store {
    pub async fn extension(
        &self,
        plan: &str,
        round: &str,
        period: PeriodKey,
        agency: &AgencyCode,
    ) -> Result<Option<Extension>> {
        let sql =
            format!("{EXTENSIONS} WHERE p.code = $1 AND rr.code = $2 AND e.period = $3 AND a.code = $4");
        let row = query_as::<ExtensionRow>(&sql)
            .bind(plan)
            .bind(round)
            .bind(period.to_string())
            .bind(agency.as_str())
            .fetch_optional(&self.read)
            .await?;
        row.map(extension).transpose()
    }

    /// An agency's extensions, in every plan, for the periods of `periods` (a JSON list).
    pub(super) async fn agency_extensions(
        &self,
        agency: &AgencyCode,
        periods: &str,
    ) -> Result<Vec<Extension>> {
        let sql = agency_extensions_sql(&self.backend().dialect().each("$2"));
        let rows =
            query_as::<ExtensionRow>(&sql).bind(agency.as_str()).bind(periods).fetch_all(&self.read).await?;
        rows.into_iter().map(extension).collect()
    }

    /// Every extension of a plan.
    pub async fn extensions(&self, plan: &str) -> Result<Vec<Extension>> {
        let sql = format!("{EXTENSIONS} WHERE p.code = $1");
        let rows = query_as::<ExtensionRow>(&sql).bind(plan).fetch_all(&self.read).await?;
        rows.into_iter().map(extension).collect()
    }

    /// Grants (or changes) an agency's last day for one period, with the reason.
    /// Records an extension, queuing the messages that tell of it in the same transaction.
    pub async fn grant_extension(&self, e: &Extension, mails: &[NewMail], wall: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = query(
            "INSERT INTO deadline_extension (round_id, period, agency_id, last_day, reason, granted_by, granted_at)
             SELECT rr.id, $2, a.id, $4, $5, $6, $7 FROM reporting_round rr, agency a
             WHERE rr.code = $1 AND a.code = $3 AND rr.plan_id = a.plan_id
               AND rr.plan_id = (SELECT id FROM plan WHERE code = $8)
             ON CONFLICT (round_id, period, agency_id) DO UPDATE SET last_day = excluded.last_day,
                reason = excluded.reason, granted_by = excluded.granted_by, granted_at = excluded.granted_at",
        )
        .bind(&e.round)
        .bind(e.period.to_string())
        .bind(e.agency.as_str())
        .bind(e.last_day.format("%Y-%m-%d").to_string())
        .bind(&e.reason)
        .bind(e.granted_by)
        .bind(e.granted_at)
        .bind(&e.plan)
        .execute(&mut tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("round {} or agency {}", e.round, e.agency)));
        }
        super::outbox::enqueue(&mut tx, mails, e.granted_at, wall).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An agency's extensions for the periods of `each` (`$2`), its code `$1` (the periods checked
/// as in `agency_periods_sql`).
pub(super) fn agency_extensions_sql(each: &str) -> String {
    format!("{EXTENSIONS} WHERE a.code = $1 AND EXISTS (SELECT 1 FROM {each} WHERE value = e.period)")
}
