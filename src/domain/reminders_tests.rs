//! The planner's rules, one edge at a time, on the seed plan (Hậu Giang 2022).

use chrono::{NaiveTime, Weekday};

use super::*;
use crate::bundled::seed_plan;

pub(super) const AP: &str = "chuong-trinh-hanh-dong";
pub(super) const Q: &str = "bao-cao-quy";

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A local instant in Hậu Giang: "2022-03-07T08:00".
pub(super) fn local(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}:00+07:00")).unwrap().with_timezone(&Utc)
}

pub(super) fn code(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap()
}

pub(super) fn q(n: u32) -> PeriodKey {
    PeriodKey::Quarter(2022, n)
}

/// The seed plan with only these agencies asked to report, so that no other is unreachable.
pub(super) fn plan_for(agencies: &[&str]) -> Plan {
    let mut plan = seed_plan();
    for round in &mut plan.rounds {
        round.recipients = Some(agencies.iter().map(|a| code(a)).collect());
    }
    plan
}

pub(super) fn status(round: &str, period: PeriodKey, agency: &str, people: &[(i64, bool)]) -> AgencyStatus {
    AgencyStatus {
        round: round.to_owned(),
        period,
        agency: code(agency),
        submitted: false,
        extended_last_day: None,
        focal_points: people.iter().map(|&(person, reachable)| Recipient { person, reachable }).collect(),
    }
}

/// CAT with two focal points; the action programme is in, so only the quarters are chased.
fn cat(people: &[(i64, bool)]) -> Vec<AgencyStatus> {
    let mut all: Vec<AgencyStatus> = (1..=4).map(|n| status(Q, q(n), "CAT", people)).collect();
    all.push(AgencyStatus { submitted: true, ..status(AP, PeriodKey::Year(2022), "CAT", people) });
    all
}

fn deadline_of(plan: &Plan, round: &str, period: PeriodKey) -> Deadline {
    deadlines(plan, period.year()).into_iter().find(|x| x.round == round && x.period == period).unwrap()
}

/// (step, date) of a period's planned steps.
fn steps_of(plan: &Plan, deadline: &Deadline) -> Vec<(String, NaiveDate)> {
    planned_steps(plan, deadline).iter().map(|s| (s.step.as_str(), s.date)).collect()
}

/// (person, step) of what is due.
fn keys(due: &[Due]) -> Vec<(Option<i64>, String)> {
    due.iter().map(|x| (x.key.person, x.key.step.as_str())).collect()
}

fn key(round: &str, period: PeriodKey, agency: &str, person: Option<i64>, step: Step) -> ReminderKey {
    ReminderKey { round: round.to_owned(), period, agency: code(agency), person, step }
}

#[test]
fn step_names_round_trip_and_nothing_else_parses() {
    for step in [Step::Before(7), Step::Before(0), Step::Overdue(1), Step::Overdue(12), Step::Escalated] {
        assert_eq!(Step::parse(&step.as_str()), Some(step));
    }
    assert_eq!(Step::Unreachable.as_str(), "unreachable");
    assert_eq!(Step::parse("unreachable"), Some(Step::Unreachable));
    assert_eq!(Step::Before(3).to_string(), "before-3");
    for bad in ["before-", "before-07", "before-+1", "before--1", "overdue-x", "late", "", "Escalated"] {
        assert_eq!(Step::parse(bad), None, "{bad}");
    }
}

#[test]
fn the_action_programme_steps_move_out_of_tet_but_its_last_day_stays() {
    let plan = seed_plan();
    let ap = deadline_of(&plan, AP, PeriodKey::Year(2022));
    assert_eq!(ap.last_day, d(2022, 1, 29), "a Saturday in Tết, never moved");
    assert_eq!(
        steps_of(&plan, &ap),
        [
            // Sat 22/01 moves to Fri 21/01.
            ("before-7".into(), d(2022, 1, 21)),
            ("before-3".into(), d(2022, 1, 26)),
            // The 1-day step (Fri 28/01) and the last-day step (Sat 29/01 → Fri 28/01) land on
            // one date: only the one nearer the deadline is kept.
            ("before-0".into(), d(2022, 1, 28)),
            // Working days after the Saturday: Mon 07/02 is the first, Tue 08/02 the second.
            ("overdue-1".into(), d(2022, 2, 8)),
            ("overdue-2".into(), d(2022, 2, 10)),
            ("escalated".into(), d(2022, 2, 11)),
            ("overdue-3".into(), d(2022, 2, 14)),
        ]
    );
    let first = &planned_steps(&plan, &ap)[0];
    assert_eq!(first.at, local("2022-01-21T08:00"));
}

#[test]
fn a_sunday_step_moves_to_friday_and_the_nearer_step_wins_the_collision() {
    let plan = seed_plan();
    let q1 = steps_of(&plan, &deadline_of(&plan, Q, q(1)));
    // 13/03 is a Sunday: the 1-day step goes to Fri 11/03, the date of the 3-day step.
    assert_eq!(
        q1[..3],
        [
            ("before-7".into(), d(2022, 3, 7)),
            ("before-1".into(), d(2022, 3, 11)),
            ("before-0".into(), d(2022, 3, 14))
        ]
    );
    let q2 = steps_of(&plan, &deadline_of(&plan, Q, q(2)));
    assert!(q2.contains(&("before-3".into(), d(2022, 6, 10))), "Sat 11/06 → Fri 10/06: {q2:?}");
}

#[test]
fn a_step_before_the_period_opens_is_dropped() {
    let mut plan = seed_plan();
    plan.reminders.days_before = vec![14, 10, 7, 0];
    let ap = deadline_of(&plan, AP, PeriodKey::Year(2022));
    assert_eq!(ap.opens, d(2022, 1, 19));
    // 15/01 (14 days) is before the plan was issued; 19/01 (10 days) is the day it opens.
    let before: Vec<_> = steps_of(&plan, &ap).into_iter().filter(|(s, _)| s.starts_with("before")).collect();
    assert_eq!(
        before,
        [
            ("before-10".into(), d(2022, 1, 19)),
            ("before-7".into(), d(2022, 1, 21)),
            ("before-0".into(), d(2022, 1, 28))
        ]
    );
}

#[test]
fn an_extension_onto_the_may_holidays_moves_every_step() {
    let plan = seed_plan();
    let q1 = deadline_of(&plan, Q, q(1)).extended(Some(d(2022, 5, 2)));
    assert_eq!(
        steps_of(&plan, &q1),
        [
            ("before-7".into(), d(2022, 4, 25)),
            // Fri 29/04 takes the 3-day, 1-day and last-day steps: the last-day one is kept.
            ("before-0".into(), d(2022, 4, 29)),
            // Tue 03/05 is a holiday: Wed 04/05 is the first working day after.
            ("overdue-1".into(), d(2022, 5, 5)),
            ("overdue-2".into(), d(2022, 5, 9)),
            ("escalated".into(), d(2022, 5, 10)),
            ("overdue-3".into(), d(2022, 5, 11)),
        ]
    );
    // Around the Hùng Kings' day off (Mon 11/04).
    let q1 = deadline_of(&plan, Q, q(1)).extended(Some(d(2022, 4, 12)));
    assert_eq!(
        steps_of(&plan, &q1),
        [
            ("before-7".into(), d(2022, 4, 5)),
            ("before-1".into(), d(2022, 4, 8)),
            ("before-0".into(), d(2022, 4, 12)),
            ("overdue-1".into(), d(2022, 4, 14)),
            ("overdue-2".into(), d(2022, 4, 18)),
            ("escalated".into(), d(2022, 4, 19)),
            ("overdue-3".into(), d(2022, 4, 20)),
        ]
    );
}

#[test]
fn an_extended_agency_is_chased_on_its_own_dates_and_no_step_twice() {
    let plan = plan_for(&["CAT"]);
    let mut statuses = cat(&[(1, true)]);
    statuses[0].extended_last_day = Some(d(2022, 4, 12));
    let none = HashSet::new();
    let due = due_reminders(&plan, local("2022-03-14T08:00"), &statuses, &none);
    assert!(due.is_empty(), "the plan's last day no longer applies to CAT: {due:?}");
    let due = due_reminders(&plan, local("2022-04-05T08:00"), &statuses, &none);
    assert_eq!(keys(&due), [(Some(1), "before-7".into())]);
    assert_eq!(due[0].deadline.last_day, d(2022, 4, 12));
    assert_eq!(due[0].deadline.opens, d(2022, 1, 1));
    // A step already sent for the plan's last day is not sent again for the new one.
    let sent = HashSet::from([key(Q, q(1), "CAT", Some(1), Step::Before(7))]);
    assert!(due_reminders(&plan, local("2022-04-05T08:00"), &statuses, &sent).is_empty());
    let due = due_reminders(&plan, local("2022-04-08T08:00"), &statuses, &sent);
    assert_eq!(keys(&due), [(Some(1), "before-1".into())]);
    let q1 = deadline_of(&plan, Q, q(1)).extended(Some(d(2022, 4, 12)));
    assert!(!is_escalated(&plan, &q1, false, local("2022-03-21T08:00")));
    assert!(is_escalated(&plan, &q1, false, local("2022-04-19T08:00")));
}

#[test]
fn nothing_is_due_in_quiet_hours() {
    let plan = plan_for(&["CAT"]);
    let statuses = cat(&[(1, true)]);
    let none = HashSet::new();
    // Q1's 7-day step is due all of Monday 07/03 from 08:00, but not at 22:00.
    assert_eq!(keys(&due_reminders(&plan, local("2022-03-07T20:59"), &statuses, &none)).len(), 1);
    assert!(due_reminders(&plan, local("2022-03-07T22:00"), &statuses, &none).is_empty());
    assert!(due_digests(&plan, local("2022-03-07T22:00"), &[9], &HashSet::new()).is_empty());
    // At 07:00 quiet hours are over, but the 08:00 step is not yet due.
    assert!(due_reminders(&plan, local("2022-03-07T07:00"), &statuses, &none).is_empty());
    assert!(due_reminders(&plan, local("2022-03-08T06:59"), &statuses, &none).is_empty());
    assert_eq!(keys(&due_reminders(&plan, local("2022-03-08T07:00"), &statuses, &none)).len(), 1);
}

#[test]
fn a_step_planned_in_quiet_hours_waits_for_their_end() {
    // The plan checker rejects this policy; the planner still sends nothing in quiet hours.
    let mut plan = plan_for(&["CAT"]);
    plan.reminders.send_at = NaiveTime::from_hms_opt(6, 30, 0).unwrap();
    let statuses = cat(&[(1, true)]);
    let none = HashSet::new();
    for t in ["2022-03-07T06:30", "2022-03-07T06:59"] {
        assert!(due_reminders(&plan, local(t), &statuses, &none).is_empty(), "{t}");
    }
    let due = due_reminders(&plan, local("2022-03-07T07:00"), &statuses, &none);
    assert_eq!(keys(&due), [(Some(1), "before-7".into())]);
    assert_eq!(due[0].planned_at, local("2022-03-07T06:30"));
}

#[test]
fn after_ten_days_down_only_the_latest_step_of_each_recipient_is_due() {
    let plan = plan_for(&["CAT"]);
    let statuses = cat(&[(1, true), (2, true)]);
    // Down from before 07/03 to 24/03: 7 steps of Q1 were planned meanwhile. The escalation of
    // 21/03 is past its two working days of use; the nudge of 22/03 is not.
    let due = due_reminders(&plan, local("2022-03-24T10:00"), &statuses, &HashSet::new());
    assert_eq!(keys(&due), [(Some(1), "overdue-3".into()), (Some(2), "overdue-3".into())]);
    let due = due_reminders(&plan, local("2022-03-23T10:00"), &statuses, &HashSet::new());
    assert_eq!(
        keys(&due),
        [(None, "escalated".into()), (Some(1), "overdue-3".into()), (Some(2), "overdue-3".into())]
    );
    assert_eq!(due[0].planned_at, local("2022-03-21T08:00"));
    assert_eq!(due[1].planned_at, local("2022-03-22T08:00"));
    // The last nudge (22/03) stays due two working days, to the end of 24/03, not after.
    let q1_due = |t: &str| {
        let due = due_reminders(&plan, local(t), &statuses, &HashSet::new());
        due.into_iter().filter(|x| x.key.period == q(1)).count()
    };
    assert_eq!(q1_due("2022-03-24T20:59"), 2);
    assert_eq!(q1_due("2022-03-25T08:00"), 0);
    assert_eq!(q1_due("2022-06-14T20:00"), 0);
}

#[test]
fn a_submitted_agency_gets_nothing_for_that_period() {
    let plan = plan_for(&["CAT"]);
    let mut statuses = cat(&[(1, true)]);
    statuses[0].submitted = true;
    for t in ["2022-03-07T08:00", "2022-03-14T08:00", "2022-03-21T08:00", "2022-03-22T08:00"] {
        assert!(due_reminders(&plan, local(t), &statuses, &HashSet::new()).is_empty(), "{t}");
    }
    let q1 = deadline_of(&plan, Q, q(1));
    assert!(!is_escalated(&plan, &q1, true, local("2022-03-22T08:00")));
    // Returned to it: not submitted any more, chased again with the current step.
    statuses[0].submitted = false;
    let due = due_reminders(&plan, local("2022-03-22T08:00"), &statuses, &HashSet::new());
    assert_eq!(keys(&due), [(None, "escalated".into()), (Some(1), "overdue-3".into())]);
}

#[test]
fn an_unreachable_agency_is_reported_once_to_the_admins() {
    let plan = plan_for(&["CAT"]);
    for people in [&[(1, false), (2, false)][..], &[][..]] {
        let statuses = cat(people);
        let due = due_reminders(&plan, local("2022-03-07T08:00"), &statuses, &HashSet::new());
        assert_eq!(keys(&due), [(None, "unreachable".into())]);
        assert_eq!(due[0].planned_at, local("2022-03-07T08:00"));
        let sent: HashSet<ReminderKey> = due.into_iter().map(|x| x.key).collect();
        assert!(due_reminders(&plan, local("2022-03-11T08:00"), &statuses, &sent).is_empty());
        // Escalation is another matter, for the same admins.
        let due = due_reminders(&plan, local("2022-03-21T08:00"), &statuses, &sent);
        assert_eq!(keys(&due), [(None, "escalated".into())]);
    }
    // Not yet: before its first step would be due.
    assert!(due_reminders(&plan, local("2022-03-06T08:00"), &cat(&[]), &HashSet::new()).is_empty());
}

#[test]
fn an_agency_the_caller_does_not_know_is_unreachable() {
    let plan = seed_plan();
    let due = due_reminders(&plan, local("2022-03-07T08:00"), &[], &HashSet::new());
    let q1: Vec<&Due> = due.iter().filter(|x| x.key.period == q(1)).collect();
    assert_eq!(q1.len(), 36);
    assert!(q1.iter().all(|x| x.key.person.is_none() && x.key.step == Step::Unreachable));
    // Per agency also the action programme's "unreachable" (from 21/01); its escalation of 11/02
    // is long past its use.
    assert_eq!(due.len(), 36 * 2);
    let mut sorted = due.clone();
    sorted.sort_by(|a, b| (a.planned_at, &a.key).cmp(&(b.planned_at, &b.key)));
    assert_eq!(due, sorted, "sorted by planned_at, round, period, agency, person, step");
    assert_eq!(due[0].key.round, AP);
}

#[test]
fn each_reachable_focal_point_gets_its_own_key() {
    let plan = plan_for(&["CAT"]);
    let none = HashSet::new();
    let due = due_reminders(&plan, local("2022-03-07T08:00"), &cat(&[(2, true), (1, true)]), &none);
    assert_eq!(keys(&due), [(Some(1), "before-7".into()), (Some(2), "before-7".into())]);
    let due =
        due_reminders(&plan, local("2022-03-07T08:00"), &cat(&[(1, true), (1, true), (2, false)]), &none);
    assert_eq!(keys(&due), [(Some(1), "before-7".into())]);
}

#[test]
fn a_key_in_the_log_is_never_due_again() {
    let plan = plan_for(&["CAT"]);
    let statuses = cat(&[(1, true), (2, true)]);
    let sent = HashSet::from([key(Q, q(1), "CAT", Some(1), Step::Before(7))]);
    let due = due_reminders(&plan, local("2022-03-07T09:30"), &statuses, &sent);
    assert_eq!(keys(&due), [(Some(2), "before-7".into())]);
    let sent = HashSet::from([
        key(Q, q(1), "CAT", Some(1), Step::Overdue(3)),
        key(Q, q(1), "CAT", Some(2), Step::Overdue(3)),
        key(Q, q(1), "CAT", None, Step::Escalated),
    ]);
    assert!(due_reminders(&plan, local("2022-03-30T08:00"), &statuses, &sent).is_empty());
}

#[test]
fn escalation_starts_five_working_days_after_the_last_day() {
    let plan = seed_plan();
    let q1 = deadline_of(&plan, Q, q(1));
    assert!(!is_escalated(&plan, &q1, false, local("2022-03-21T07:59")));
    assert!(is_escalated(&plan, &q1, false, local("2022-03-21T08:00")));
    assert!(is_escalated(&plan, &q1, false, local("2022-12-31T08:00")));
    let ap = deadline_of(&plan, AP, PeriodKey::Year(2022));
    assert!(!is_escalated(&plan, &ap, false, local("2022-02-10T12:00")));
    assert!(is_escalated(&plan, &ap, false, local("2022-02-11T08:00")));
}

fn digest_keys(due: &[DigestDue]) -> Vec<(String, i64)> {
    due.iter().map(|x| (x.key.clone(), x.person)).collect()
}

/// The weekly digests due at a local instant, as (key, person).
fn weekly(plan: &Plan, t: &str, people: &[i64], sent: &HashSet<(String, i64)>) -> Vec<(String, i64)> {
    let due = due_digests(plan, local(t), people, sent);
    digest_keys(&due.into_iter().filter(|x| x.kind == DigestKind::Weekly).collect::<Vec<_>>())
}

#[test]
fn the_weekly_digest_goes_out_on_monday_at_half_past_seven() {
    let plan = seed_plan();
    let none = HashSet::new();
    // Last week's is due until this week's is planned.
    assert_eq!(weekly(&plan, "2022-03-07T07:29", &[5], &none), [("weekly:2022-W09".into(), 5)]);
    let last_week = HashSet::from([("weekly:2022-W09".to_owned(), 5)]);
    assert!(weekly(&plan, "2022-03-07T07:29", &[5], &last_week).is_empty());
    let due = due_digests(&plan, local("2022-03-07T07:30"), &[7, 5, 7], &none);
    let due: Vec<DigestDue> = due.into_iter().filter(|x| x.kind == DigestKind::Weekly).collect();
    assert_eq!(digest_keys(&due), [("weekly:2022-W10".into(), 5), ("weekly:2022-W10".into(), 7)]);
    assert_eq!(due[0].planned_at, local("2022-03-07T07:30"));
    let sent: HashSet<(String, i64)> = digest_keys(&due).into_iter().collect();
    assert!(weekly(&plan, "2022-03-10T15:00", &[5, 7], &sent).is_empty());
    // After downtime, only the latest week's.
    assert_eq!(weekly(&plan, "2022-03-23T10:00", &[5], &none), [("weekly:2022-W12".into(), 5)]);
    // A listed holiday does not stop it; the key is the ISO week.
    assert_eq!(weekly(&plan, "2022-01-03T07:30", &[5], &none), [("weekly:2022-W01".into(), 5)]);
}

#[test]
fn the_weekly_digest_runs_only_while_a_period_is_open_and_keys_on_the_iso_year() {
    let mut plan = seed_plan();
    let none = HashSet::new();
    assert!(due_digests(&plan, local("2021-12-27T07:30"), &[5], &none).is_empty(), "nothing open yet");
    // Q4 2022 takes late reports until 14/03/2023.
    assert_eq!(weekly(&plan, "2023-03-13T07:30", &[5], &none), [("weekly:2023-W11".into(), 5)]);
    assert!(due_digests(&plan, local("2023-03-20T07:30"), &[5], &none).is_empty(), "all closed");
    plan.reminders.digest_weekday = Weekday::Sun;
    assert_eq!(weekly(&plan, "2023-01-01T07:30", &[5], &none), [("weekly:2022-W52".into(), 5)]);
}

#[test]
fn a_digest_follows_each_deadline_on_the_next_working_day() {
    let plan = seed_plan();
    let none = HashSet::new();
    let after = |t: &str| -> Vec<String> {
        due_digests(&plan, local(t), &[5], &none)
            .into_iter()
            .filter(|x| x.kind != DigestKind::Weekly)
            .map(|x| x.key)
            .collect()
    };
    assert!(after("2022-02-07T07:59").is_empty(), "the action programme's is due after Tết");
    assert_eq!(after("2022-02-07T08:00"), ["deadline:chuong-trinh-hanh-dong:2022"]);
    // For two working days, then it is old news; the next deadline's follows its own.
    assert_eq!(after("2022-02-09T20:00"), ["deadline:chuong-trinh-hanh-dong:2022"]);
    assert!(after("2022-02-10T08:00").is_empty());
    assert!(after("2022-03-15T07:59").is_empty());
    assert_eq!(after("2022-03-15T08:00"), ["deadline:bao-cao-quy:2022-Q1"]);
    assert_eq!(after("2022-06-16T10:00"), ["deadline:bao-cao-quy:2022-Q2"]);
    assert!(after("2022-06-20T10:00").is_empty());
    assert_eq!(after("2022-12-16T20:00"), ["deadline:bao-cao-quy:2022-Q4"]);
    assert!(after("2022-12-20T08:00").is_empty(), "Thursday 15/12 plus two working days");
    let due = due_digests(&plan, local("2022-03-15T08:00"), &[5], &none);
    let q1 = DigestKind::AfterDeadline { round: Q.into(), period: q(1) };
    let due: Vec<&DigestDue> = due.iter().filter(|x| x.kind == q1).collect();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].planned_at, local("2022-03-15T08:00"));
    let sent = HashSet::from([("deadline:bao-cao-quy:2022-Q1".to_owned(), 5)]);
    assert!(after_sent(&plan, "2022-03-16T08:00", &sent).is_empty());
}

fn after_sent(plan: &Plan, t: &str, sent: &HashSet<(String, i64)>) -> Vec<DigestDue> {
    due_digests(plan, local(t), &[5], sent).into_iter().filter(|x| x.kind != DigestKind::Weekly).collect()
}

#[test]
fn a_policy_without_nudges_keeps_the_last_step_due_for_a_few_working_days() {
    let mut plan = plan_for(&["CAT"]);
    plan.reminders.overdue_max = 0;
    let statuses = cat(&[(1, true)]);
    let mut due = due_reminders(&plan, local("2022-03-16T20:00"), &statuses, &HashSet::new());
    due.retain(|x| x.key.period == q(1));
    assert_eq!(keys(&due), [(Some(1), "before-0".into())]);
    due = due_reminders(&plan, local("2022-03-17T08:00"), &statuses, &HashSet::new());
    assert!(due.iter().all(|x| x.key.period != q(1)));
    // Months later nothing of Q1 is chased any more.
    due = due_reminders(&plan, local("2022-06-14T20:00"), &statuses, &HashSet::new());
    assert!(due.iter().all(|x| x.key.period != q(1)));
    // No step at all: nothing to anchor "unreachable" on, but escalation still comes.
    plan.reminders.days_before.clear();
    let q1 = deadline_of(&plan, Q, q(1));
    assert_eq!(steps_of(&plan, &q1), [("escalated".into(), d(2022, 3, 21))]);
    let due = due_reminders(&plan, local("2022-03-21T08:00"), &cat(&[]), &HashSet::new());
    assert_eq!(keys(&due), [(None, "escalated".into())]);
    assert_eq!(due[0].key.period, q(1));
}
