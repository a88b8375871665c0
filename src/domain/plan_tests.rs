//! Who answers for what in a plan of another shape (plans/vinh-long-2024.toml): tasks with
//! their own lead and co-operating agencies, metrics of several owners, rounds limited to some
//! indicators.

use rust_decimal::Decimal;

use super::*;
use crate::domain::calendar::{PeriodKey, deadlines, is_working_day};
use crate::domain::progress::{Progress, progress};
use crate::domain::report::{ItemKey, items_for};

const SECOND: &str = include_str!("../../plans/vinh-long-2024.toml");

fn plan() -> Plan {
    Plan::from_toml(SECOND).unwrap()
}

fn code(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn duties(plan: &Plan, agency: &str) -> Vec<(String, TaskRole)> {
    plan.duties_of(&code(agency)).into_iter().map(|(_, t, role)| (t.code.clone(), role)).collect()
}

#[test]
fn a_task_has_its_own_lead_and_co_operating_agencies() {
    let plan = plan();
    use TaskRole::{Cooperating, Lead};
    // A district leads the clearance of sites (2.c, given to the group) and co-operates on the rest.
    assert_eq!(
        duties(&plan, "H-LONGHO"),
        [
            ("1.b".into(), Cooperating),
            ("1.c".into(), Cooperating),
            ("2.b".into(), Cooperating),
            ("2.c".into(), Lead),
            ("4.a".into(), Cooperating)
        ]
    );
    // Section 3 is the Finance Department's, but its task b is led by the Tax Department.
    assert_eq!(
        duties(&plan, "STC"),
        [
            ("1.a".into(), Cooperating),
            ("2.a".into(), Cooperating),
            ("3.a".into(), Lead),
            ("3.b".into(), Cooperating)
        ]
    );
    assert_eq!(duties(&plan, "CTHUE"), [("3.b".into(), Lead)]);
    // tasks_of keeps returning every task an agency answers for, whatever its role.
    let codes: Vec<String> = plan.tasks_of(&code("STC")).iter().map(|(_, t)| t.code.clone()).collect();
    assert_eq!(codes, ["1.a", "2.a", "3.a", "3.b"]);
    let (section, task) = plan.task("2.b").unwrap();
    assert_eq!(plan.task_lead(section, task), [code("SXD"), code("SGTVT")]);
    let (_, task) = plan.task("1.c").unwrap();
    assert_eq!(task.due, Some(DueDate::Before(chrono::NaiveDate::from_ymd_opt(2024, 2, 15).unwrap())));
    assert_eq!(task.due.and_then(DueDate::last_day), chrono::NaiveDate::from_ymd_opt(2024, 2, 14));
    assert_eq!(
        task.output.as_deref(),
        Some("Phương án phòng, chống hạn hán, xâm nhập mặn mùa khô 2023 - 2024")
    );
}

#[test]
fn metrics_of_several_owners_are_asked_of_each_reporter() {
    let plan = plan();
    let metrics = |agency: &str| -> Vec<String> {
        plan.metrics_of(&code(agency)).iter().map(|(_, m)| m.code.clone()).collect()
    };
    // Each investor reports its own disbursement (4.1); each district its part of the jobs
    // (6.1); the new communes are reported by the department alone (8.1, "lead").
    assert_eq!(metrics("H-TRAON"), ["4.1", "6.1"]);
    assert_eq!(metrics("SGTVT"), ["4.1"]);
    assert_eq!(metrics("SNNPTNT"), ["8.1", "8.2"]);
    let (_, jobs) = plan.metric("6.1").unwrap();
    assert_eq!(plan.reporters(jobs).len(), 8);
    assert_eq!(jobs.combine.unwrap().total(&[dec("2400"), dec("2600")]), Some(dec("5000")));
    let (_, communes) = plan.metric("8.1").unwrap();
    assert_eq!(plan.reporters(communes).iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["SNNPTNT"]);
}

#[test]
fn a_round_limited_to_some_indicators_asks_only_their_reporters() {
    let plan = plan();
    let monthly = plan.round("bao-cao-thang").unwrap();
    let who: Vec<&str> = plan.recipients(monthly).iter().map(|a| a.code.as_str()).collect();
    assert_eq!(who, ["STC", "CTHUE", "SCT"]);
    assert_eq!(items_for(&plan, monthly, &code("CTHUE")), [ItemKey::Metric("2.2".into())]);
    let quarterly = plan.round("giai-ngan-quy").unwrap();
    assert_eq!(plan.recipients(quarterly).len(), 10, "two departments and eight districts");
    let half = plan.round("bao-cao-6-thang").unwrap();
    assert_eq!(plan.recipients(half).len(), 20);
    let items = items_for(&plan, half, &code("H-LONGHO"));
    let want: Vec<ItemKey> = ["1.b", "1.c", "2.b", "2.c", "4.a"]
        .iter()
        .map(|t| ItemKey::Task((*t).into()))
        .chain(["4.1", "6.1"].iter().map(|m| ItemKey::Metric((*m).into())))
        .collect();
    assert_eq!(items, want);
}

#[test]
fn the_metrics_words_judge_their_values() {
    let plan = plan();
    let h1 = PeriodKey::Half(2024, 1);
    // "Trên 95%", reported as the share disbursed so far: half of it by June, and more.
    let (_, disbursed) = plan.metric("4.1").unwrap();
    assert_eq!(progress(disbursed, dec("47.5"), h1), Progress::Behind);
    assert_eq!(progress(disbursed, dec("47.6"), h1), Progress::OnTrack);
    // "Khoảng 6.920 tỷ đồng", cumulative: half of it less 5 % by June.
    let (_, revenue) = plan.metric("2.1").unwrap();
    assert_eq!(progress(revenue, dec("3287"), h1), Progress::OnTrack);
    assert_eq!(progress(revenue, dec("3286"), h1), Progress::Behind);
    assert_eq!(revenue.same_period_last_year(PeriodKey::Month(2024, 3)), Target::parse("1.702").as_ref());
    assert!(revenue.asks_estimate(PeriodKey::Month(2024, 9)) && !revenue.asks_estimate(h1));
    // "6,5–7%": the low end is the floor.
    let (_, growth) = plan.metric("1.1").unwrap();
    assert_eq!(progress(growth, dec("6.5"), h1), Progress::OnTrack);
    assert_eq!(growth.last_year, Target::parse("5,3"));
    // Exports are each month's own: a month's twelfth of 1.150 triệu USD.
    let (_, exports) = plan.metric("3.1").unwrap();
    assert_eq!(progress(exports, dec("95.9"), PeriodKey::Month(2024, 10)), Progress::OnTrack);
    assert_eq!(progress(exports, dec("95.8"), PeriodKey::Month(2024, 10)), Progress::Behind);
    assert_eq!(plan.parts_of("2.1").iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["2.2"]);
    assert_eq!(plan.indicator_group_of(6).map(|g| g.code.as_str()), Some("xa-hoi"));
}

#[test]
fn the_calendar_has_a_working_saturday_and_no_period_before_the_plan() {
    let plan = plan();
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    assert!(is_working_day(&plan, day(5, 4)), "làm bù");
    assert!(!is_working_day(&plan, day(5, 11)), "an ordinary Saturday");
    assert!(!is_working_day(&plan, day(4, 29)), "the Monday swapped for it");
    assert!(!is_working_day(&plan, chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()), "next year's");
    let monthly: Vec<PeriodKey> =
        deadlines(&plan, 2024).into_iter().filter(|d| d.round == "bao-cao-thang").map(|d| d.period).collect();
    let months: Vec<u32> = monthly.iter().map(|p| p.number()).collect();
    assert_eq!(months, [2, 3, 4, 5, 7, 8, 9, 10, 12], "January before the issue; June, November skipped");
}

#[test]
fn a_group_expands_to_its_members_in_plan_order_once_each() {
    let plan = plan();
    let codes = |list: &[&Agency]| list.iter().map(|a| a.code.as_str().to_owned()).collect::<Vec<_>>();
    let group = plan.group("UBND-HUYEN").unwrap();
    let in_plan_order: Vec<String> = plan
        .agencies
        .iter()
        .filter(|a| group.members.contains(&a.code))
        .map(|a| a.code.as_str().to_owned())
        .collect();
    assert_eq!(in_plan_order.len(), 8);
    assert_eq!(codes(&plan.expand(&[code("UBND-HUYEN")])), in_plan_order);
    // A member also named on its own, and an agency outside the group: each once, plan order.
    let both = plan.expand(&[code("H-TRAON"), code("UBND-HUYEN"), code(&plan.agencies[0].code.to_string())]);
    let mut expected: Vec<String> = plan
        .agencies
        .iter()
        .filter(|a| group.members.contains(&a.code) || a.code == plan.agencies[0].code)
        .map(|a| a.code.as_str().to_owned())
        .collect();
    expected.dedup();
    assert_eq!(codes(&both), expected);
    assert!(plan.expand(&[code("NO-SUCH")]).is_empty());
}

/// The rule `duties_of` answers by lookup: every task, each code of its lead and co-operating
/// agencies (a group standing for its members) asked in turn.
fn duties_by_rule(plan: &Plan, agency: &AgencyCode) -> Vec<(String, TaskRole)> {
    plan.sections
        .iter()
        .flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
        .filter_map(|(s, t)| plan.task_role(s, t, agency).map(|role| (t.code.clone(), role)))
        .collect()
}

#[test]
fn an_agencys_duties_are_looked_up_as_the_rule_finds_them() {
    let plan = plan();
    let mut codes: Vec<AgencyCode> = plan.agencies.iter().map(|a| a.code.clone()).collect();
    codes.extend(plan.groups.iter().map(|g| g.code.clone()));
    codes.push(code("NOWHERE"));
    let mut some = 0;
    for agency in &codes {
        let looked_up = duties(&plan, agency.as_str());
        assert_eq!(looked_up, duties_by_rule(&plan, agency), "{agency}");
        assert_eq!(plan.duties_of(agency).len(), looked_up.len(), "{agency}: asked twice, same answer");
        some += usize::from(!looked_up.is_empty());
    }
    assert!(some > 10, "the plan's agencies have duties: {some}");
    // A clone changed after the original was asked is asked afresh.
    let mut changed = plan.clone();
    let first = &plan.agencies[0].code;
    for task in changed.sections.iter_mut().flat_map(|s| s.tasks.iter_mut()) {
        task.cooperating.push(first.clone());
    }
    assert_eq!(duties(&changed, first.as_str()), duties_by_rule(&changed, first));
    assert!(duties(&changed, first.as_str()).len() > duties(&plan, first.as_str()).len());
}
