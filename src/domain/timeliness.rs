//! Timeliness as the reporting regime counts it: per agency and period, on time, late (by how
//! many days) or missing; per round, the reporting rate and the on-time rate.

use chrono::{DateTime, Utc};

use super::calendar::{Deadline, local_date};
use super::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeliness {
    /// Handed in by the last day (an extension counts as granted).
    OnTime,
    /// Handed in this many days after the last day.
    Late { days: i64 },
    /// Not handed in, and the last day has passed.
    Missing,
    /// Not handed in yet, and there is still time.
    Pending,
}

impl Timeliness {
    pub fn key(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on-time",
            Timeliness::Late { .. } => "late",
            Timeliness::Missing => "missing",
            Timeliness::Pending => "pending",
        }
    }
    pub fn is_handed_in(self) -> bool {
        matches!(self, Timeliness::OnTime | Timeliness::Late { .. })
    }
}

/// `deadline` is the agency's effective one (its extension applied); `handed_in` is the first
/// submission, if the report is submitted or accepted now.
pub fn timeliness(
    plan: &Plan,
    deadline: &Deadline,
    handed_in: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Timeliness {
    match handed_in {
        Some(at) => {
            let day = local_date(plan, at);
            if day <= deadline.last_day {
                Timeliness::OnTime
            } else {
                Timeliness::Late { days: (day - deadline.last_day).num_days() }
            }
        }
        None if local_date(plan, now) <= deadline.last_day => Timeliness::Pending,
        None => Timeliness::Missing,
    }
}

/// Counts over the agencies of one round and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rates {
    pub agencies: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub pending: usize,
}

impl Rates {
    pub fn of(all: impl IntoIterator<Item = Timeliness>) -> Rates {
        let mut r = Rates::default();
        for t in all {
            r.agencies += 1;
            match t {
                Timeliness::OnTime => r.on_time += 1,
                Timeliness::Late { .. } => r.late += 1,
                Timeliness::Missing => r.missing += 1,
                Timeliness::Pending => r.pending += 1,
            }
        }
        r
    }
    /// Share of agencies that handed in, in percent (0 when there are none).
    pub fn reporting_rate(&self) -> u32 {
        percent(self.on_time + self.late, self.agencies)
    }
    /// Share of agencies that handed in on time, in percent.
    pub fn on_time_rate(&self) -> u32 {
        percent(self.on_time, self.agencies)
    }
}

fn percent(part: usize, whole: usize) -> u32 {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;
    use crate::domain::calendar::{PeriodKey, deadlines};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn on_time_late_missing_pending_in_local_days() {
        let plan = seed_plan();
        let q1 =
            deadlines(&plan, 2022).into_iter().find(|d| d.period == PeriodKey::Quarter(2022, 1)).unwrap();
        let now = at("2022-03-20T03:00:00Z");
        // 23:30 on the 14th in Hậu Giang is still the last day.
        assert_eq!(timeliness(&plan, &q1, Some(at("2022-03-14T16:30:00Z")), now), Timeliness::OnTime);
        assert_eq!(
            timeliness(&plan, &q1, Some(at("2022-03-14T17:30:00Z")), now),
            Timeliness::Late { days: 1 }
        );
        assert_eq!(
            timeliness(&plan, &q1, Some(at("2022-03-18T03:00:00Z")), now),
            Timeliness::Late { days: 4 }
        );
        assert_eq!(timeliness(&plan, &q1, None, now), Timeliness::Missing);
        assert_eq!(timeliness(&plan, &q1, None, at("2022-03-14T10:00:00Z")), Timeliness::Pending);
        let mut extended = q1.clone();
        extended.last_day = chrono::NaiveDate::from_ymd_opt(2022, 3, 21).unwrap();
        assert_eq!(timeliness(&plan, &extended, Some(at("2022-03-18T03:00:00Z")), now), Timeliness::OnTime);
    }

    #[test]
    fn rates_round_to_whole_percents() {
        let r = Rates::of([
            Timeliness::OnTime,
            Timeliness::OnTime,
            Timeliness::Late { days: 2 },
            Timeliness::Missing,
        ]);
        assert_eq!((r.reporting_rate(), r.on_time_rate()), (75, 50));
        assert_eq!(Rates::default().reporting_rate(), 0);
        let third = Rates::of([Timeliness::OnTime, Timeliness::Missing, Timeliness::Missing]);
        assert_eq!(third.on_time_rate(), 33);
    }
}
