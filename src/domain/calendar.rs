//! Deadlines as the plan counts them: local dates in the plan's time zone.
//!
//! The plan says "before the 15th"; the last day to report is the 14th. It says "chậm nhất ngày
//! 20" (by the 20th); the 20th is the last day. That day is never moved, even when it is a
//! Saturday or a holiday. Working days matter only for reminders: Monday to Friday less the
//! listed holidays, plus the Saturdays listed as worked (làm bù).

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};

use super::plan::{Cadence, Plan, ReportingRound, Schedule};

/// Which stretch of time a report covers: "2022", "2022-H1", "2022-Q1" or "2022-03".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodKey {
    Year(i32),
    Half(i32, u32),
    Quarter(i32, u32),
    Month(i32, u32),
}

impl PeriodKey {
    pub fn year(self) -> i32 {
        match self {
            PeriodKey::Year(y)
            | PeriodKey::Half(y, _)
            | PeriodKey::Quarter(y, _)
            | PeriodKey::Month(y, _) => y,
        }
    }

    /// The same period a year earlier.
    pub fn year_before(self) -> PeriodKey {
        match self {
            PeriodKey::Year(y) => PeriodKey::Year(y - 1),
            PeriodKey::Half(y, n) => PeriodKey::Half(y - 1, n),
            PeriodKey::Quarter(y, n) => PeriodKey::Quarter(y - 1, n),
            PeriodKey::Month(y, n) => PeriodKey::Month(y - 1, n),
        }
    }

    /// The period's number in its year: the month, quarter or half; 1 for the year.
    pub fn number(self) -> u32 {
        match self {
            PeriodKey::Year(_) => 1,
            PeriodKey::Half(_, n) | PeriodKey::Quarter(_, n) | PeriodKey::Month(_, n) => n,
        }
    }

    /// The period's last month (1–12).
    pub fn last_month(self) -> u32 {
        match self {
            PeriodKey::Year(_) => 12,
            PeriodKey::Half(_, h) => 6 * h,
            PeriodKey::Quarter(_, q) => 3 * q,
            PeriodKey::Month(_, m) => m,
        }
    }

    /// The period's last day.
    pub fn last_day(self) -> NaiveDate {
        let (y, m) = add_months(self.year(), self.last_month(), 1);
        ymd(y, m, 1).pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// The key of the period of `cadence` that starts in month `start_month` of `year`.
    fn of(cadence: Cadence, year: i32, start_month: u32) -> PeriodKey {
        let n = (start_month - 1) / cadence.months() + 1;
        match cadence {
            Cadence::Month => PeriodKey::Month(year, n),
            Cadence::Quarter => PeriodKey::Quarter(year, n),
            Cadence::HalfYear => PeriodKey::Half(year, n),
            Cadence::Year => PeriodKey::Year(year),
        }
    }
}

impl std::fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeriodKey::Year(y) => write!(f, "{y}"),
            PeriodKey::Half(y, h) => write!(f, "{y}-H{h}"),
            PeriodKey::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            PeriodKey::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl std::str::FromStr for PeriodKey {
    type Err = ();

    fn from_str(s: &str) -> Result<PeriodKey, ()> {
        let (year, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if year.len() != 4 {
            return Err(());
        }
        let year: i32 = year.parse().map_err(|_| ())?;
        let number = |r: &str, max: u32| r.parse::<u32>().ok().filter(|n| (1..=max).contains(n)).ok_or(());
        match rest {
            None => Ok(PeriodKey::Year(year)),
            Some(r) => match r.as_bytes().first() {
                Some(b'Q' | b'q') => Ok(PeriodKey::Quarter(year, number(&r[1..], 4)?)),
                Some(b'H' | b'h') => Ok(PeriodKey::Half(year, number(&r[1..], 2)?)),
                Some(b'0'..=b'9') if r.len() == 2 => Ok(PeriodKey::Month(year, number(r, 12)?)),
                _ => Err(()),
            },
        }
    }
}

/// One period of one round, with its dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub round: String,
    pub period: PeriodKey,
    /// First day a report may be filed.
    pub opens: NaiveDate,
    /// The last day to report, as the plan's words mean it.
    pub last_day: NaiveDate,
    /// The last day a late report is still taken.
    pub closes: NaiveDate,
}

impl Deadline {
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.opens <= date && date <= self.closes
    }

    /// This deadline for one agency, with an admin's extension: the last day moves to the
    /// extension when it is later (an earlier one is ignored, it cannot have been granted), and
    /// late reports are taken at least until it. The one rule for report screens, reminders,
    /// the overview and timeliness alike.
    pub fn extended(&self, day: Option<NaiveDate>) -> Deadline {
        let mut out = self.clone();
        if let Some(day) = day.filter(|d| *d > self.last_day) {
            out.last_day = day;
            out.closes = out.closes.max(day);
        }
        out
    }

    /// Whether an admin may move this period's last day to `day`: later than the plan's last
    /// day, and no later than the day the period stops taking reports at all.
    pub fn check_extension(&self, day: NaiveDate) -> Result<(), ExtensionRefused> {
        if day <= self.last_day {
            return Err(ExtensionRefused::NotLater { last_day: self.last_day });
        }
        if day > self.closes {
            return Err(ExtensionRefused::TooLate { latest: self.closes });
        }
        Ok(())
    }
}

/// Why an extension cannot be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefused {
    NotLater { last_day: NaiveDate },
    TooLate { latest: NaiveDate },
}

/// The plan's local date at `now`.
pub fn local_date(plan: &Plan, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&plan.time_zone).date_naive()
}

/// Every period of `round` whose last day falls in `year`, in order. A period that ended, or
/// whose last day passed, before the plan was issued is not asked for.
pub fn round_deadlines(plan: &Plan, round: &ReportingRound, year: i32) -> Vec<Deadline> {
    match &round.schedule {
        Schedule::Once { due } => {
            let Some(last_day) = due.last_day() else { return vec![] };
            if last_day.year() != year {
                return vec![];
            }
            let jan1 = ymd(plan.year, 1, 1);
            let opens = plan.issued.filter(|d| *d <= last_day).unwrap_or(jan1).min(last_day);
            let closes = ymd(last_day.year(), 12, 31);
            vec![Deadline {
                round: round.code.clone(),
                period: PeriodKey::Year(last_day.year()),
                opens,
                last_day,
                closes,
            }]
        }
        Schedule::Recurring { every, skip, .. } => {
            // The plan covers the periods that start in its year; a period's deadline may fall
            // in the next year (a December report due in January).
            let issued = plan.issued.unwrap_or(NaiveDate::MIN);
            let mut out: Vec<Deadline> = periods(plan.year, *every)
                .filter_map(|(py, pm)| recurring(round, *every, py, pm))
                .filter(|d| !skip.contains(&d.period.number()))
                .filter(|d| d.period.last_day() >= issued && d.last_day >= issued)
                .filter(|d| d.last_day.year() == year)
                .collect();
            out.sort_by_key(|d| d.last_day);
            out
        }
    }
}

/// Every deadline of every round in `year`, by last day.
pub fn deadlines(plan: &Plan, year: i32) -> Vec<Deadline> {
    let mut out: Vec<Deadline> = plan.rounds.iter().flat_map(|r| round_deadlines(plan, r, year)).collect();
    out.sort_by_key(|d| d.last_day);
    out
}

/// The dates of one round's period, whatever year its last day falls in.
pub fn deadline_of(plan: &Plan, round: &ReportingRound, period: PeriodKey) -> Option<Deadline> {
    let year = period.year();
    (year - 1..=year + 1).flat_map(|y| round_deadlines(plan, round, y)).find(|d| d.period == period)
}

/// The periods open for reports at `now`, by last day.
pub fn open_deadlines(plan: &Plan, now: DateTime<Utc>) -> Vec<Deadline> {
    let today = local_date(plan, now);
    let mut out: Vec<Deadline> = (today.year() - 1..=today.year() + 1)
        .flat_map(|y| deadlines(plan, y))
        .filter(|d| d.is_open_on(today))
        .collect();
    out.sort_by_key(|d| d.last_day);
    out.dedup();
    out
}

/// The period that is "current" at `now` for a round: the open one whose last day is nearest
/// ahead, else the latest one already past.
pub fn current_deadline(plan: &Plan, round: &ReportingRound, now: DateTime<Utc>) -> Option<Deadline> {
    let today = local_date(plan, now);
    let open: Vec<Deadline> =
        open_deadlines(plan, now).into_iter().filter(|d| d.round == round.code).collect();
    open.iter()
        .filter(|d| d.last_day >= today)
        .min_by_key(|d| d.last_day)
        .or_else(|| open.iter().max_by_key(|d| d.last_day))
        .cloned()
}

/// The period leaders mean by "now", over every round: the open one whose last day is nearest
/// ahead, else the open one whose last day passed most recently.
pub fn leading_deadline(plan: &Plan, now: DateTime<Utc>) -> Option<Deadline> {
    let today = local_date(plan, now);
    let open = open_deadlines(plan, now);
    open.iter()
        .filter(|d| d.last_day >= today)
        .min_by_key(|d| d.last_day)
        .or_else(|| open.iter().max_by_key(|d| d.last_day))
        .cloned()
}

/// The rounds that have a period `period` ("2022-Q1": the quarterly round; "2022": the
/// one-off programme), in plan order.
pub fn rounds_with_period(plan: &Plan, period: PeriodKey) -> Vec<&ReportingRound> {
    plan.rounds.iter().filter(|r| deadline_of(plan, r, period).is_some()).collect()
}

/// A date as people type it: "21/03/2022", "21/3/2022" or "2022-03-21".
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
        .filter(|d| d.year() >= 1000)
}

/// The instant of the local `date` at the local `time` in the plan's time zone. A local time
/// skipped by a daylight-saving change is taken at the first quarter-hour after the gap.
pub fn local_instant(plan: &Plan, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    (0..=12)
        .find_map(|q| plan.time_zone.from_local_datetime(&(local + TimeDelta::minutes(15 * q))).earliest())
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

pub fn is_working_day(plan: &Plan, date: NaiveDate) -> bool {
    plan.is_make_up_day(date)
        || (!matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !plan.is_holiday(date))
}

/// `date` itself when it is a working day, else the nearest working day before it.
pub fn working_day_on_or_before(plan: &Plan, date: NaiveDate) -> NaiveDate {
    let mut d = date;
    // A year has no run of more than a few weeks without a working day; bound the walk anyway.
    for _ in 0..60 {
        if is_working_day(plan, d) {
            return d;
        }
        d = d.pred_opt().unwrap_or(d);
    }
    date
}

/// The `n`-th working day after `date` (`n` = 0 gives `date`).
pub fn add_working_days(plan: &Plan, date: NaiveDate, n: u32) -> NaiveDate {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = d + Days::new(1);
        if is_working_day(plan, d) {
            left -= 1;
        }
    }
    d
}

/// Working days after `from` up to and including `to`; 0 when `to` is not after `from`.
pub fn working_days_between(plan: &Plan, from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| is_working_day(plan, *d)).count() as u32
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// (year, first month) of every period of `every` starting in `year`.
fn periods(year: i32, every: Cadence) -> impl Iterator<Item = (i32, u32)> {
    (0..12 / every.months()).map(move |k| (year, 1 + k * every.months()))
}

/// Adds `months` to (year, month), month 1-based.
fn add_months(year: i32, month: u32, months: u32) -> (i32, u32) {
    let zero = (month - 1) + months;
    (year + (zero / 12) as i32, zero % 12 + 1)
}

fn recurring(round: &ReportingRound, every: Cadence, year: i32, start_month: u32) -> Option<Deadline> {
    let Schedule::Recurring { month, day, .. } = round.schedule else { return None };
    let (dy, dm) = add_months(year, start_month, month - 1);
    let last_day = day.last_day(dy, dm)?;
    // A late report is still taken until the next period's last day.
    let (ny, nm) = add_months(dy, dm, every.months());
    let closes = day.last_day(ny, nm)?;
    Some(Deadline {
        round: round.code.clone(),
        period: PeriodKey::of(every, year, start_month),
        opens: ymd(year, start_month, 1),
        last_day,
        closes,
    })
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
