//! `/donvi`: one agency's latest handed-in report, item by item, and its timeliness over the
//! plan's year.

use chrono::{DateTime, NaiveDate, Utc};

use super::year_deadlines;
use crate::domain::calendar::{Deadline, local_date};
use crate::domain::people::Role;
use crate::domain::report::{ItemEntry, ItemKey, items_for};
use crate::domain::timeliness::{Timeliness, timeliness};
use crate::domain::{AgencyCode, Plan};
use crate::store::{Person, ReportRow, Store};

/// One period of the year for the agency.
#[derive(Debug, Clone, PartialEq)]
pub struct YearLine {
    pub round: String,
    /// The agency's own dates (an extension applied).
    pub deadline: Deadline,
    pub extended: bool,
    pub timeliness: Timeliness,
    /// The period has not opened yet.
    pub not_open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LatestReport {
    pub report: ReportRow,
    /// What the round asks of the agency, in plan order.
    pub items: Vec<ItemKey>,
    pub entries: Vec<ItemEntry>,
    pub files: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyView {
    pub agency: AgencyCode,
    /// The handed-in report with the latest last day.
    pub latest: Option<LatestReport>,
    /// A later report being prepared or corrected (not handed in).
    pub in_progress: Option<ReportRow>,
    pub year: Vec<YearLine>,
    pub focal_points: Vec<Person>,
}

impl AgencyView {
    /// `None` when the plan has no such agency.
    pub async fn load(
        store: &Store,
        plan: &Plan,
        agency: &AgencyCode,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<AgencyView>> {
        if plan.agency(agency.as_str()).is_none() {
            return Ok(None);
        }
        let reports = store.agency_reports(&plan.code, agency).await?;
        let extensions: Vec<(String, crate::domain::PeriodKey, NaiveDate)> = store
            .extensions(&plan.code)
            .await?
            .into_iter()
            .filter(|e| &e.agency == agency)
            .map(|e| (e.round, e.period, e.last_day))
            .collect();
        let today = local_date(plan, now);
        let mut year = Vec::new();
        for round in plan.rounds.iter().filter(|r| plan.recipients(r).iter().any(|a| &a.code == agency)) {
            for d in year_deadlines(plan, round) {
                let extended = extensions
                    .iter()
                    .find(|(r, p, _)| r == &round.code && *p == d.period)
                    .map(|(_, _, day)| *day);
                let own = d.extended(extended);
                let handed_in = reports
                    .iter()
                    .find(|r| r.round == round.code && r.period == d.period && r.state.is_handed_in())
                    .and_then(|r| r.first_submitted_at);
                year.push(YearLine {
                    round: round.code.clone(),
                    timeliness: timeliness(plan, &own, handed_in, now),
                    not_open: d.opens > today,
                    extended: extended.is_some(),
                    deadline: own,
                });
            }
        }
        year.sort_by_key(|l| l.deadline.last_day);
        let last_day = |r: &ReportRow| {
            year.iter()
                .find(|l| l.round == r.round && l.deadline.period == r.period)
                .map(|l| l.deadline.last_day)
        };
        let latest_row =
            reports.iter().filter(|r| r.state.is_handed_in()).max_by_key(|r| last_day(r)).cloned();
        let in_progress = reports
            .iter()
            .filter(|r| !r.state.is_handed_in())
            .filter(|r| latest_row.as_ref().is_none_or(|l| last_day(r) > last_day(l)))
            .max_by_key(|r| last_day(r))
            .cloned();
        let latest = match latest_row {
            Some(report) => {
                let items = plan.round(&report.round).map(|r| items_for(plan, r, agency)).unwrap_or_default();
                let entries = store.items(report.id).await?;
                let files = store.attachments(report.id).await?.len();
                Some(LatestReport { report, items, entries, files })
            }
            None => None,
        };
        let focal_points =
            store.people(Some(agency)).await?.into_iter().filter(|p| p.role == Role::Focal).collect();
        Ok(Some(AgencyView { agency: agency.clone(), latest, in_progress, year, focal_points }))
    }
}
