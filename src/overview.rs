//! Where a round and period stand: each agency's timeliness, escalation and focal points. One
//! place computes it for the digests, the leaders' commands and the export.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::calendar::{self, Deadline};
use crate::domain::people::Role;
use crate::domain::reminders::is_escalated;
use crate::domain::timeliness::{Rates, Timeliness, timeliness};
use crate::domain::{AgencyCode, PeriodKey, Plan};
use crate::store::{Person, ReportRow, Store};

#[derive(Debug, Clone)]
pub struct AgencyLine {
    pub agency: AgencyCode,
    /// The agency's own dates (an extension applied).
    pub deadline: Deadline,
    pub extended: bool,
    pub timeliness: Timeliness,
    pub escalated: bool,
    pub report: Option<ReportRow>,
    pub focal_points: Vec<Person>,
}

impl AgencyLine {
    /// Someone of the agency can be reached on Telegram.
    pub fn reachable(&self) -> bool {
        self.focal_points.iter().any(|p| p.reachable)
    }
}

#[derive(Debug, Clone)]
pub struct Overview {
    pub round: String,
    pub period: PeriodKey,
    /// The plan's dates for the period.
    pub deadline: Deadline,
    pub lines: Vec<AgencyLine>,
}

impl Overview {
    pub fn rates(&self) -> Rates {
        Rates::of(self.lines.iter().map(|l| l.timeliness))
    }

    pub fn line(&self, agency: &AgencyCode) -> Option<&AgencyLine> {
        self.lines.iter().find(|l| &l.agency == agency)
    }

    /// The period's overview; `None` when the round or period is not the plan's.
    pub async fn load(
        store: &Store,
        plan: &Plan,
        round: &str,
        period: PeriodKey,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Overview>> {
        let focal = focal_points(store).await?;
        Overview::load_with(store, plan, round, period, now, &focal).await
    }

    /// The same without the focal points (every line's list is empty): what the counts, the
    /// charts and the workbook need, without reading every person.
    pub async fn load_timeliness(
        store: &Store,
        plan: &Plan,
        round: &str,
        period: PeriodKey,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Overview>> {
        Overview::load_with(store, plan, round, period, now, &HashMap::new()).await
    }

    async fn load_with(
        store: &Store,
        plan: &Plan,
        round: &str,
        period: PeriodKey,
        now: DateTime<Utc>,
        focal: &HashMap<AgencyCode, Vec<Person>>,
    ) -> anyhow::Result<Option<Overview>> {
        let Some(r) = plan.round(round) else { return Ok(None) };
        let Some(deadline) = calendar::deadline_of(plan, r, period) else { return Ok(None) };
        let reports: HashMap<AgencyCode, ReportRow> = store
            .period_reports(&plan.code, round, period)
            .await?
            .into_iter()
            .map(|rep| (rep.agency.clone(), rep))
            .collect();
        let extensions: HashMap<AgencyCode, NaiveDate> = store
            .extensions(&plan.code)
            .await?
            .into_iter()
            .filter(|e| e.round == round && e.period == period)
            .map(|e| (e.agency, e.last_day))
            .collect();
        // Whether a missing agency is escalated depends only on its dates: most share the plan's.
        let mut escalation: HashMap<(NaiveDate, NaiveDate), bool> = HashMap::new();
        let lines = plan
            .recipients(r)
            .into_iter()
            .map(|a| {
                let extended = extensions.get(&a.code).copied();
                let own = deadline.extended(extended);
                let report = reports.get(&a.code).cloned();
                let handed_in = report
                    .as_ref()
                    .filter(|rep| rep.state.is_handed_in())
                    .and_then(|rep| rep.first_submitted_at);
                let t = timeliness(plan, &own, handed_in, now);
                let escalated = !t.is_handed_in()
                    && *escalation
                        .entry((own.last_day, own.closes))
                        .or_insert_with(|| is_escalated(plan, &own, false, now));
                AgencyLine {
                    agency: a.code.clone(),
                    escalated,
                    extended: extended.is_some(),
                    deadline: own,
                    timeliness: t,
                    report,
                    focal_points: focal.get(&a.code).cloned().unwrap_or_default(),
                }
            })
            .collect();
        Ok(Some(Overview { round: round.to_owned(), period, deadline, lines }))
    }

    /// The overviews of every period open at `now`, by last day.
    pub async fn open(store: &Store, plan: &Plan, now: DateTime<Utc>) -> anyhow::Result<Vec<Overview>> {
        let focal = focal_points(store).await?;
        let mut out = Vec::new();
        for d in calendar::open_deadlines(plan, now) {
            if let Some(o) = Overview::load_with(store, plan, &d.round, d.period, now, &focal).await? {
                out.push(o);
            }
        }
        Ok(out)
    }
}

/// Every focal point, by agency (read once for all the periods of a view).
pub async fn focal_points(store: &Store) -> anyhow::Result<HashMap<AgencyCode, Vec<Person>>> {
    let mut focal: HashMap<AgencyCode, Vec<Person>> = HashMap::new();
    for p in store.people_with_role(Role::Focal).await? {
        if let Some(a) = p.agency.clone() {
            focal.entry(a).or_default().push(p);
        }
    }
    Ok(focal)
}
