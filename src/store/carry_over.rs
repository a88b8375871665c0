//! What an agency answered in its earlier reports of a round: what "unchanged" copies, item by
//! item or all the rest at once, and what doubts compare a new value with.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::db::query_as;
use super::on_sqlite::row;
use super::reports::{ITEM_SELECT, ItemColumns, decimal, item_entry};
use super::{Result, Store};
use crate::domain::report::{ItemEntry, ItemKey};
use crate::domain::{AgencyCode, PeriodKey};
use crate::store::ReportRow;

/// An earlier answer: the report it is in, that report's period, the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierAnswer {
    pub report: i64,
    pub period: PeriodKey,
    pub entry: ItemEntry,
}

row! {
    /// An item of an earlier report, with the report and its period.
    #[derive(sqlx::FromRow)]
    struct EarlierRow {
        report_id: i64,
        period: String,
        #[sqlx(flatten)]
        item: ItemColumns,
    }
}

impl Store {
    /// Each item's latest earlier answer in the agency's reports of the same round.
    pub async fn earlier_answers(&self, report: &ReportRow) -> Result<HashMap<ItemKey, EarlierAnswer>> {
        let rows = query_as::<EarlierRow>(earlier_answers_sql())
            .bind(&report.plan)
            .bind(&report.round)
            .bind(report.agency.as_str())
            .bind(report.period.to_string())
            .bind(report.id)
            .fetch_all(&self.read)
            .await?;
        let mut out: HashMap<ItemKey, EarlierAnswer> = HashMap::new();
        for row in &rows {
            let Ok(period) = row.period.parse::<PeriodKey>() else { continue };
            let entry = item_entry(&row.item)?;
            let later = out.get(&entry.key).is_none_or(|e| e.period < period);
            if later {
                let answer = EarlierAnswer { report: row.report_id, period, entry };
                out.insert(answer.entry.key.clone(), answer);
            }
        }
        Ok(out)
    }

    /// The agency's last accepted value of a plan's metric before `period`, with the period it
    /// was for: what a new value is compared with.
    pub async fn last_accepted(
        &self,
        plan: &str,
        agency: &AgencyCode,
        metric: &str,
        before: PeriodKey,
    ) -> Result<Option<(PeriodKey, Decimal)>> {
        let row: Option<(String, String)> = query_as(
            "SELECT r.period, i.value FROM report_item i JOIN report r ON r.id = i.report_id
             JOIN agency a ON a.id = r.agency_id JOIN metric m ON m.id = i.metric_id
             WHERE m.plan_id = (SELECT id FROM plan WHERE code = $1) AND a.code = $2 AND m.code = $3
               AND r.state = 'accepted' AND r.period < $4 AND i.value IS NOT NULL
             ORDER BY r.period DESC LIMIT 1",
        )
        .bind(plan)
        .bind(agency.as_str())
        .bind(metric)
        .bind(before.to_string())
        .fetch_optional(&self.read)
        .await?;
        let Some((period, value)) = row else { return Ok(None) };
        let (Ok(period), Some(value)) = (period.parse::<PeriodKey>(), decimal(Some(value))?) else {
            return Ok(None);
        };
        Ok(Some((period, value)))
    }
}

/// The items answered in an agency's (`$3`) reports of a round (`$2` of plan `$1`) before
/// period `$4`, but report `$5`. The reports are found by the agency (`+r.round_id` keeps
/// SQLite from going through the round's, which are every agency's).
pub(super) fn earlier_answers_sql() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{ITEM_SELECT} JOIN report r ON r.id = i.report_id JOIN reporting_round rr ON rr.id = +r.round_id
             JOIN agency a ON a.id = r.agency_id
             WHERE rr.plan_id = (SELECT id FROM plan WHERE code = $1) AND rr.code = $2 AND a.code = $3
               AND r.period < $4 AND r.id <> $5
               AND (i.status IS NOT NULL OR i.value IS NOT NULL OR i.note IS NOT NULL)"
        )
        .replace("SELECT i.id,", "SELECT i.report_id, r.period, i.id,")
    });
    &SQL
}
