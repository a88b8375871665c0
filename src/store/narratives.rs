//! A report's narrative (results, shortcomings, causes, proposals): read, changed one part at a
//! time over the version the person saw, prefilled from the agency's previous report of the
//! round, and gathered for the consolidated report.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::db::{Tx, query, query_as};
use super::on_sqlite::row;
use super::{Result, Store};
use crate::domain::narrative::{Narrative, NarrativePart};
use crate::domain::{AgencyCode, PeriodKey};

/// A report's narrative as stored, with what a change needs to know (the default: none, and
/// nothing to prefill from).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredNarrative {
    pub text: Narrative,
    /// 0 when the report has none yet (then `text` is the previous report's, as a prefill).
    pub version: i64,
    pub updated_by: Option<i64>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The period whose narrative it was copied from, when it was (or is, as a prefill).
    pub copied_from: Option<PeriodKey>,
}

/// Why a part was not saved: a colleague changed the narrative since the person saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarrativeNewer {
    pub current: StoredNarrative,
}

row! {
    /// The four parts, as every query here reads them.
    #[derive(sqlx::FromRow)]
    struct Parts {
        results: Option<String>,
        shortcomings: Option<String>,
        causes: Option<String>,
        proposals: Option<String>,
    }
}

impl From<&Parts> for Narrative {
    fn from(p: &Parts) -> Narrative {
        Narrative {
            results: p.results.clone(),
            shortcomings: p.shortcomings.clone(),
            causes: p.causes.clone(),
            proposals: p.proposals.clone(),
        }
    }
}

row! {
    /// The report's own narrative (`prefill` 0) or, when it has none, the previous report's
    /// (`prefill` 1, version 0).
    #[derive(sqlx::FromRow)]
    struct NarrativeRow {
        prefill: i64,
        #[sqlx(flatten)]
        parts: Parts,
        version: i64,
        updated_by: Option<i64>,
        updated_at: Option<DateTime<Utc>>,
        copied_period: Option<String>,
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct PreviousRow {
        #[sqlx(flatten)]
        parts: Parts,
        report: i64,
    }
}

row! {
    #[derive(sqlx::FromRow)]
    struct AgencyParts {
        agency: String,
        #[sqlx(flatten)]
        parts: Parts,
    }
}

/// The narrative of the same agency's latest earlier report of the same round, and that report.
const PREVIOUS: &str = "SELECT n.results, n.shortcomings, n.causes, n.proposals, p.id AS report
     FROM report r JOIN report p ON p.round_id = r.round_id AND p.agency_id = r.agency_id AND p.period < r.period
     JOIN report_narrative n ON n.report_id = p.id
     WHERE r.id = $1 ORDER BY p.period DESC LIMIT 1";

/// The report's own narrative and the previous report's of the same round and agency (the
/// prefill), in no order: the caller takes its own first (an ORDER BY here had SQLite open and
/// free a sorter for the two rows on every screen).
pub(super) const NARRATIVE: &str = "SELECT prefill, results, shortcomings, causes, proposals, version, updated_by, updated_at, copied_period
     FROM (
       SELECT CAST(0 AS BIGINT) AS prefill, n.results, n.shortcomings, n.causes, n.proposals, n.version,
         n.updated_by, n.updated_at, p.period AS copied_period
       FROM report_narrative n LEFT JOIN report p ON p.id = n.copied_from WHERE n.report_id = $1
       UNION ALL
       SELECT * FROM (
         SELECT CAST(1 AS BIGINT) AS prefill, n.results, n.shortcomings, n.causes, n.proposals,
           CAST(0 AS BIGINT) AS version, CAST(NULL AS BIGINT) AS updated_by,
           CAST(NULL AS TIMESTAMPTZ) AS updated_at, p.period AS copied_period
         FROM report r JOIN report p ON p.round_id = r.round_id AND p.agency_id = r.agency_id AND p.period < r.period
         JOIN report_narrative n ON n.report_id = p.id
         WHERE r.id = $1 ORDER BY p.period DESC LIMIT 1
       ) previous
     ) found";

impl Store {
    /// The report's narrative; when it has none yet, the previous report's as a prefill
    /// (version 0); an empty one when there is neither.
    pub async fn narrative(&self, report_id: i64) -> Result<StoredNarrative> {
        // One statement for both (a report's screen shows how many parts are written, on every
        // step): its own row, else the previous report's as the prefill.
        let rows = query_as::<NarrativeRow>(NARRATIVE).bind(report_id).fetch_all(&self.read).await?;
        let Some(row) = rows.into_iter().min_by_key(|r| r.prefill) else {
            return Ok(StoredNarrative::default());
        };
        Ok(StoredNarrative {
            text: Narrative::from(&row.parts),
            version: row.version,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
            copied_from: row.copied_period.and_then(|p| p.parse().ok()),
        })
    }

    /// Sets one part (`None` clears it) if the narrative is still at the version the person
    /// saw; the first change keeps the other parts of the prefill. Refused with the colleague's
    /// text when someone else changed it meanwhile.
    pub async fn save_narrative_part(
        &self,
        report_id: i64,
        part: NarrativePart,
        text: Option<String>,
        seen: i64,
        person: i64,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<StoredNarrative, NarrativeNewer>> {
        let mut tx = self.begin().await?;
        // Handed in meanwhile: a conflict, as for items (this also locks the report's row).
        super::reports::editable(&mut tx, report_id).await?;
        // The version is checked in the transaction that writes: two colleagues' saves queue.
        let stored: Option<(i64, Option<i64>)> =
            query_as("SELECT version, updated_by FROM report_narrative WHERE report_id = $1")
                .bind(report_id)
                .fetch_optional(&mut tx)
                .await?;
        let (version, by) = stored.unwrap_or((0, None));
        if version != seen && by != Some(person) {
            drop(tx);
            return Ok(Err(NarrativeNewer { current: self.narrative(report_id).await? }));
        }
        if stored.is_none() {
            carry_forward(&mut tx, report_id, person, now).await?;
        }
        let column = part.as_str();
        let sql = format!(
            "UPDATE report_narrative SET {column} = $1, updated_by = $2, updated_at = $3, version = version + 1
             WHERE report_id = $4"
        );
        query(&sql)
            .bind(text.filter(|t| !t.trim().is_empty()))
            .bind(person)
            .bind(now)
            .bind(report_id)
            .execute(&mut tx)
            .await?;
        let detail = serde_json::json!({"part": column});
        super::reports::event(&mut tx, report_id, None, "narrative_changed", Some(person), now, detail)
            .await?;
        tx.commit().await?;
        Ok(Ok(self.narrative(report_id).await?))
    }

    /// Makes the prefill the report's own (when it has none yet): what is handed in is what the
    /// person saw.
    pub async fn keep_narrative_prefill(
        &self,
        report_id: i64,
        person: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        carry_forward(&mut tx, report_id, person, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The narratives of a round and period's handed-in reports, by agency.
    pub async fn period_narratives(
        &self,
        plan: &str,
        round: &str,
        period: PeriodKey,
    ) -> Result<HashMap<AgencyCode, Narrative>> {
        let rows = query_as::<AgencyParts>(
            "SELECT a.code AS agency, n.results, n.shortcomings, n.causes, n.proposals
             FROM report r JOIN reporting_round rr ON rr.id = r.round_id JOIN agency a ON a.id = r.agency_id
             JOIN report_narrative n ON n.report_id = r.id
             WHERE rr.plan_id = (SELECT id FROM plan WHERE code = $1) AND rr.code = $2 AND r.period = $3
               AND r.state IN ('submitted', 'accepted')",
        )
        .bind(plan)
        .bind(round)
        .bind(period.to_string())
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((AgencyCode::parse(&r.agency)?, Narrative::from(&r.parts))))
            .filter(|(_, n)| n.filled() > 0)
            .collect())
    }
}

/// Gives the report its own narrative, copied from the previous report's (empty when there is
/// none), unless it has one already.
async fn carry_forward(tx: &mut Tx, report_id: i64, person: i64, now: DateTime<Utc>) -> Result<()> {
    let previous = query_as::<PreviousRow>(PREVIOUS).bind(report_id).fetch_optional(&mut *tx).await?;
    let text = previous.as_ref().map(|p| Narrative::from(&p.parts)).unwrap_or_default();
    let from: Option<i64> = previous.as_ref().map(|r| r.report);
    query(
        "INSERT INTO report_narrative (report_id, results, shortcomings, causes, proposals, copied_from,
            updated_by, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)
         ON CONFLICT (report_id) DO NOTHING",
    )
    .bind(report_id)
    .bind(text.results)
    .bind(text.shortcomings)
    .bind(text.causes)
    .bind(text.proposals)
    .bind(from)
    .bind(person)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
