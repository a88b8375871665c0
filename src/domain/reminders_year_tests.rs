//! The whole 2022 of the seed plan: every planned step, and a year of ticks every 30 minutes.

use std::collections::HashMap;

use chrono::TimeDelta;

use super::tests::{AP, Q, code, d, local, plan_for, q, status};
use super::*;
use crate::bundled::seed_plan;

#[test]
fn every_step_of_the_seed_in_2022() {
    let plan = seed_plan();
    let got: Vec<(String, String, String, NaiveDate)> = calendar(&plan, 2022)
        .iter()
        .map(|s| (s.round.clone(), s.period.to_string(), s.step.as_str(), s.date))
        .collect();
    let step = |round: &str, period: &str, step: &str, date| {
        (round.to_owned(), period.to_owned(), step.to_owned(), date)
    };
    #[rustfmt::skip]
    let want = vec![
        step(AP, "2022", "before-7", d(2022, 1, 21)),
        step(AP, "2022", "before-3", d(2022, 1, 26)),
        step(AP, "2022", "before-0", d(2022, 1, 28)),
        step(AP, "2022", "overdue-1", d(2022, 2, 8)),
        step(AP, "2022", "overdue-2", d(2022, 2, 10)),
        step(AP, "2022", "escalated", d(2022, 2, 11)),
        step(AP, "2022", "overdue-3", d(2022, 2, 14)),
        step(Q, "2022-Q1", "before-7", d(2022, 3, 7)),
        step(Q, "2022-Q1", "before-1", d(2022, 3, 11)),
        step(Q, "2022-Q1", "before-0", d(2022, 3, 14)),
        step(Q, "2022-Q1", "overdue-1", d(2022, 3, 16)),
        step(Q, "2022-Q1", "overdue-2", d(2022, 3, 18)),
        step(Q, "2022-Q1", "escalated", d(2022, 3, 21)),
        step(Q, "2022-Q1", "overdue-3", d(2022, 3, 22)),
        step(Q, "2022-Q2", "before-7", d(2022, 6, 7)),
        step(Q, "2022-Q2", "before-3", d(2022, 6, 10)),
        step(Q, "2022-Q2", "before-1", d(2022, 6, 13)),
        step(Q, "2022-Q2", "before-0", d(2022, 6, 14)),
        step(Q, "2022-Q2", "overdue-1", d(2022, 6, 16)),
        step(Q, "2022-Q2", "overdue-2", d(2022, 6, 20)),
        step(Q, "2022-Q2", "escalated", d(2022, 6, 21)),
        step(Q, "2022-Q2", "overdue-3", d(2022, 6, 22)),
        step(Q, "2022-Q3", "before-7", d(2022, 9, 7)),
        step(Q, "2022-Q3", "before-3", d(2022, 9, 9)),
        step(Q, "2022-Q3", "before-1", d(2022, 9, 13)),
        step(Q, "2022-Q3", "before-0", d(2022, 9, 14)),
        step(Q, "2022-Q3", "overdue-1", d(2022, 9, 16)),
        step(Q, "2022-Q3", "overdue-2", d(2022, 9, 20)),
        step(Q, "2022-Q3", "escalated", d(2022, 9, 21)),
        step(Q, "2022-Q3", "overdue-3", d(2022, 9, 22)),
        step(Q, "2022-Q4", "before-7", d(2022, 12, 7)),
        step(Q, "2022-Q4", "before-3", d(2022, 12, 9)),
        step(Q, "2022-Q4", "before-1", d(2022, 12, 13)),
        step(Q, "2022-Q4", "before-0", d(2022, 12, 14)),
        step(Q, "2022-Q4", "overdue-1", d(2022, 12, 16)),
        step(Q, "2022-Q4", "overdue-2", d(2022, 12, 20)),
        step(Q, "2022-Q4", "escalated", d(2022, 12, 21)),
        step(Q, "2022-Q4", "overdue-3", d(2022, 12, 22)),
    ];
    assert_eq!(got, want);
    for s in calendar(&plan, 2022) {
        assert_eq!(s.at, local(&format!("{}T08:00", s.date)), "{s:?}");
        assert!(is_working_day(&plan, s.date), "{s:?}");
    }
    assert!(calendar(&plan, 2021).is_empty());
    assert!(calendar(&plan, 2023).is_empty());
}

/// What was sent, and when, ticking every 30 minutes from `from` to `to` (local instants) and
/// recording every due key in the log; no tick runs while the bot is `down`.
struct Run {
    reminders: Vec<(DateTime<Utc>, Due)>,
    digests: Vec<(DateTime<Utc>, DigestDue)>,
}

/// CAT never reports (focal points 11 and 12); BCHQS (focal point 21) submits its Q1 report on
/// 10/03/2022 at 09:00. Leader 90 and admin 91 get the digests.
fn simulate(from: &str, to: &str, down: Option<(&str, &str)>) -> Run {
    let plan = plan_for(&["CAT", "BCHQS"]);
    let submitted_at = local("2022-03-10T09:00");
    let mut log: HashSet<ReminderKey> = HashSet::new();
    let mut digest_log: HashSet<(String, i64)> = HashSet::new();
    let mut run = Run { reminders: vec![], digests: vec![] };
    let (end, mut now) = (local(to), local(from));
    while now <= end {
        let is_down = down.is_some_and(|(a, b)| local(a) <= now && now < local(b));
        if !is_down {
            let mut statuses = Vec::new();
            for (round, period) in [(AP, PeriodKey::Year(2022)), (Q, q(1)), (Q, q(2)), (Q, q(3)), (Q, q(4))] {
                statuses.push(status(round, period, "CAT", &[(11, true), (12, true)]));
                let mut b = status(round, period, "BCHQS", &[(21, true)]);
                b.submitted = period == q(1) && now >= submitted_at;
                statuses.push(b);
            }
            let due = due_reminders(&plan, now, &statuses, &log);
            for x in due {
                assert!(log.insert(x.key.clone()), "{:?} twice at {now}", x.key);
                run.reminders.push((now, x));
            }
            for x in due_digests(&plan, now, &[90, 91], &digest_log) {
                assert!(digest_log.insert((x.key.clone(), x.person)), "{} twice", x.key);
                run.digests.push((now, x));
            }
        }
        now += TimeDelta::minutes(30);
    }
    run
}

#[test]
fn a_year_of_ticks_sends_every_step_once_on_its_date() {
    let run = simulate("2022-01-01T00:00", "2022-12-31T23:30", None);
    let plan = seed_plan();
    let calendar = calendar(&plan, 2022);
    let sent = |agency: &str| -> HashMap<ReminderKey, DateTime<Utc>> {
        run.reminders
            .iter()
            .filter(|(_, x)| x.key.agency == code(agency))
            .map(|(t, x)| (x.key.clone(), *t))
            .collect()
    };
    let cat = sent("CAT");
    // Every planned step reached both focal points (or the admins, for the escalation) at its
    // planned instant, and nothing else was sent.
    let mut want = HashMap::new();
    for s in &calendar {
        let people = if s.step == Step::Escalated { vec![None] } else { vec![Some(11), Some(12)] };
        for person in people {
            let key = ReminderKey {
                round: s.round.clone(),
                period: s.period,
                agency: code("CAT"),
                person,
                step: s.step,
            };
            want.insert(key, s.at);
        }
    }
    assert_eq!(cat, want);
    assert_eq!(cat.len(), 33 * 2 + 5);
    for (t, x) in &run.reminders {
        assert_eq!(*t, x.planned_at, "{x:?}");
        assert!(!plan.reminders.is_quiet(t.with_timezone(&plan.time_zone).time()));
    }
    // BCHQS: only the 7-day step of Q1 before it submitted on Thursday 10/03; every other period
    // in full.
    let bchqs = sent("BCHQS");
    let q1: Vec<(&ReminderKey, &DateTime<Utc>)> = bchqs.iter().filter(|(k, _)| k.period == q(1)).collect();
    let before_7 = ReminderKey {
        round: Q.into(),
        period: q(1),
        agency: code("BCHQS"),
        person: Some(21),
        step: Step::Before(7),
    };
    assert_eq!(q1, [(&before_7, &local("2022-03-07T08:00"))]);
    let others = calendar.iter().filter(|s| s.period != q(1)).count();
    assert_eq!(bchqs.len(), 1 + others);
    assert!(run.reminders.iter().all(|(_, x)| x.key.step != Step::Unreachable));
}

#[test]
fn a_year_of_ticks_sends_every_digest_once() {
    let run = simulate("2022-01-01T00:00", "2022-12-31T23:30", None);
    let weekly: Vec<&(DateTime<Utc>, DigestDue)> =
        run.digests.iter().filter(|(_, x)| x.kind == DigestKind::Weekly && x.person == 90).collect();
    // Every Monday of 2022 (52 of them, from 03/01 to 26/12) at 07:30, while Q1 2022 is open.
    assert_eq!(weekly.len(), 52);
    assert_eq!(weekly[0].0, local("2022-01-03T07:30"));
    assert_eq!(weekly[51].0, local("2022-12-26T07:30"));
    assert_eq!(weekly[51].1.key, "weekly:2022-W52");
    let after: Vec<(String, DateTime<Utc>)> = run
        .digests
        .iter()
        .filter(|(_, x)| x.kind != DigestKind::Weekly && x.person == 91)
        .map(|(t, x)| (x.key.clone(), *t))
        .collect();
    assert_eq!(
        after,
        [
            ("deadline:chuong-trinh-hanh-dong:2022".into(), local("2022-02-07T08:00")),
            ("deadline:bao-cao-quy:2022-Q1".into(), local("2022-03-15T08:00")),
            ("deadline:bao-cao-quy:2022-Q2".into(), local("2022-06-15T08:00")),
            ("deadline:bao-cao-quy:2022-Q3".into(), local("2022-09-15T08:00")),
            ("deadline:bao-cao-quy:2022-Q4".into(), local("2022-12-15T08:00")),
        ]
    );
    assert_eq!(run.digests.len(), (52 + 5) * 2);
}

#[test]
fn a_restart_after_ten_days_down_sends_only_the_latest_steps() {
    // Down from Friday 11/03 07:00 to Monday 21/03 12:00: Q1's 1-day and last-day steps, two
    // nudges, the escalation and a weekly digest were planned meanwhile.
    let run =
        simulate("2022-03-01T00:00", "2022-03-31T23:30", Some(("2022-03-11T07:00", "2022-03-21T12:00")));
    let back = local("2022-03-21T12:00");
    let at_restart: Vec<(String, Option<i64>, String)> = run
        .reminders
        .iter()
        .filter(|(t, _)| *t == back)
        .map(|(_, x)| (x.key.agency.to_string(), x.key.person, x.key.step.as_str()))
        .collect();
    assert_eq!(
        at_restart,
        [
            ("CAT".to_owned(), Some(11), "overdue-2".to_owned()),
            ("CAT".to_owned(), Some(12), "overdue-2".to_owned()),
            ("CAT".to_owned(), None, "escalated".to_owned()),
        ]
    );
    let cat_q1: Vec<String> = run
        .reminders
        .iter()
        .filter(|(_, x)| x.key.person == Some(11) && x.key.period == q(1))
        .map(|(_, x)| x.key.step.as_str())
        .collect();
    assert_eq!(cat_q1, ["before-7", "overdue-2", "overdue-3"], "the stale steps are never sent");
    let digests: Vec<(DateTime<Utc>, String)> =
        run.digests.iter().filter(|(_, x)| x.person == 90).map(|(t, x)| (*t, x.key.clone())).collect();
    assert_eq!(
        digests,
        [
            // What was still due when the run started, at the end of the quiet hours (the
            // action programme's deadline news is weeks old by then).
            (local("2022-03-01T07:00"), "weekly:2022-W09".to_owned()),
            (local("2022-03-07T07:30"), "weekly:2022-W10".to_owned()),
            // Q1's deadline news (15/03) went stale during the downtime.
            (back, "weekly:2022-W12".to_owned()),
            (local("2022-03-28T07:30"), "weekly:2022-W13".to_owned()),
        ]
    );
}
