use super::*;
use crate::bundled::seed_plan;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn the_seed_has_five_deadlines_in_2022() {
    let plan = seed_plan();
    let all = deadlines(&plan, 2022);
    let got: Vec<(String, String, NaiveDate)> =
        all.iter().map(|x| (x.round.clone(), x.period.to_string(), x.last_day)).collect();
    assert_eq!(
        got,
        vec![
            ("chuong-trinh-hanh-dong".into(), "2022".into(), d(2022, 1, 29)),
            ("bao-cao-quy".into(), "2022-Q1".into(), d(2022, 3, 14)),
            ("bao-cao-quy".into(), "2022-Q2".into(), d(2022, 6, 14)),
            ("bao-cao-quy".into(), "2022-Q3".into(), d(2022, 9, 14)),
            ("bao-cao-quy".into(), "2022-Q4".into(), d(2022, 12, 14)),
        ]
    );
}

#[test]
fn quarterly_periods_open_with_the_quarter_and_take_late_reports_until_the_next_deadline() {
    let plan = seed_plan();
    let q1 = deadlines(&plan, 2022).into_iter().find(|x| x.period == PeriodKey::Quarter(2022, 1)).unwrap();
    assert_eq!(q1.opens, d(2022, 1, 1));
    assert_eq!(q1.closes, d(2022, 6, 14));
    let ap = deadlines(&plan, 2022).into_iter().find(|x| x.period == PeriodKey::Year(2022)).unwrap();
    assert_eq!(ap.opens, d(2022, 1, 19), "the action programme opens when the plan is issued");
    assert_eq!(ap.closes, d(2022, 12, 31));
}

#[test]
fn an_extension_moves_the_last_day_later_within_the_period_never_earlier() {
    let plan = seed_plan();
    let q1 = deadlines(&plan, 2022).into_iter().find(|x| x.period == PeriodKey::Quarter(2022, 1)).unwrap();
    assert_eq!(q1.extended(Some(d(2022, 3, 21))).last_day, d(2022, 3, 21));
    assert_eq!(q1.extended(Some(d(2022, 3, 1))).last_day, d(2022, 3, 14), "never earlier");
    assert_eq!(q1.extended(None), q1);
    assert_eq!(q1.check_extension(d(2022, 3, 21)), Ok(()));
    assert_eq!(
        q1.check_extension(d(2022, 3, 14)),
        Err(ExtensionRefused::NotLater { last_day: d(2022, 3, 14) })
    );
    assert_eq!(
        q1.check_extension(d(9999, 12, 31)),
        Err(ExtensionRefused::TooLate { latest: d(2022, 6, 14) })
    );
    assert_eq!(q1.check_extension(d(2022, 6, 14)), Ok(()));
}

#[test]
fn a_year_plan_has_no_deadline_outside_its_year() {
    let plan = seed_plan();
    assert!(deadlines(&plan, 2021).is_empty());
    assert!(deadlines(&plan, 2023).is_empty());
}

#[test]
fn the_local_date_is_the_plans_not_utc() {
    let plan = seed_plan();
    // 17:30 UTC on the 14th is 00:30 on the 15th in Hậu Giang (UTC+7).
    assert_eq!(local_date(&plan, at("2022-03-14T17:30:00Z")), d(2022, 3, 15));
    assert_eq!(local_date(&plan, at("2022-03-14T16:59:59Z")), d(2022, 3, 14));
}

#[test]
fn open_periods_at_an_instant() {
    let plan = seed_plan();
    let open = |s: &str| -> Vec<String> {
        open_deadlines(&plan, at(s)).iter().map(|x| format!("{}/{}", x.round, x.period)).collect()
    };
    assert_eq!(open("2022-01-10T03:00:00Z"), vec!["bao-cao-quy/2022-Q1"]);
    assert_eq!(open("2022-01-20T03:00:00Z"), vec!["chuong-trinh-hanh-dong/2022", "bao-cao-quy/2022-Q1"]);
    assert_eq!(
        open("2022-04-05T03:00:00Z"),
        vec!["chuong-trinh-hanh-dong/2022", "bao-cao-quy/2022-Q1", "bao-cao-quy/2022-Q2"]
    );
    let q = plan.round("bao-cao-quy").unwrap();
    assert_eq!(
        current_deadline(&plan, q, at("2022-04-05T03:00:00Z")).unwrap().period,
        PeriodKey::Quarter(2022, 2)
    );
    assert_eq!(
        current_deadline(&plan, q, at("2022-03-20T03:00:00Z")).unwrap().period,
        PeriodKey::Quarter(2022, 1)
    );
}

#[test]
fn working_days_skip_weekends_and_listed_holidays() {
    let plan = seed_plan();
    assert!(is_working_day(&plan, d(2022, 1, 21)), "Friday before Tết");
    assert!(!is_working_day(&plan, d(2022, 1, 22)), "Saturday");
    assert!(!is_working_day(&plan, d(2022, 1, 31)), "Monday in Tết");
    assert!(!is_working_day(&plan, d(2022, 2, 4)), "Friday in Tết");
    assert!(is_working_day(&plan, d(2022, 2, 7)), "first day back");
    assert!(!is_working_day(&plan, d(2022, 4, 11)), "Hùng Kings, observed");
    assert!(!is_working_day(&plan, d(2022, 5, 3)));
    assert!(!is_working_day(&plan, d(2022, 9, 2)));
    assert!(!is_working_day(&plan, d(2022, 1, 3)), "New Year's day off");
    assert_eq!(working_day_on_or_before(&plan, d(2022, 1, 22)), d(2022, 1, 21));
    assert_eq!(working_day_on_or_before(&plan, d(2022, 2, 6)), d(2022, 1, 28));
    assert_eq!(add_working_days(&plan, d(2022, 1, 28), 1), d(2022, 2, 7));
    assert_eq!(working_days_between(&plan, d(2022, 3, 14), d(2022, 3, 21)), 5);
    assert_eq!(working_days_between(&plan, d(2022, 3, 21), d(2022, 3, 14)), 0);
}

#[test]
fn local_instants_are_in_the_plans_time_zone() {
    let plan = seed_plan();
    let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
    assert_eq!(local_instant(&plan, d(2022, 3, 14), eight), at("2022-03-14T01:00:00Z"));
    assert_eq!(local_instant(&plan, d(2022, 3, 15), NaiveTime::MIN), at("2022-03-14T17:00:00Z"));
}

#[test]
fn the_leading_period_is_the_next_last_day_else_the_latest_past() {
    let plan = seed_plan();
    let leading = |s: &str| leading_deadline(&plan, at(s)).map(|d| format!("{}/{}", d.round, d.period));
    assert_eq!(leading("2022-01-20T03:00:00Z").as_deref(), Some("chuong-trinh-hanh-dong/2022"));
    assert_eq!(leading("2022-03-07T03:00:00Z").as_deref(), Some("bao-cao-quy/2022-Q1"));
    assert_eq!(leading("2022-03-20T03:00:00Z").as_deref(), Some("bao-cao-quy/2022-Q1"));
    assert_eq!(leading("2022-04-05T03:00:00Z").as_deref(), Some("bao-cao-quy/2022-Q2"));
    let rounds =
        |p: PeriodKey| rounds_with_period(&plan, p).iter().map(|r| r.code.clone()).collect::<Vec<_>>();
    assert_eq!(rounds(PeriodKey::Quarter(2022, 2)), ["bao-cao-quy"]);
    assert_eq!(rounds(PeriodKey::Year(2022)), ["chuong-trinh-hanh-dong"]);
    assert!(rounds(PeriodKey::Quarter(2023, 1)).is_empty());
}

#[test]
fn days_typed_either_way() {
    assert_eq!(parse_day("21/03/2022"), Some(d(2022, 3, 21)));
    assert_eq!(parse_day(" 21/3/2022 "), Some(d(2022, 3, 21)));
    assert_eq!(parse_day("2022-03-21"), Some(d(2022, 3, 21)));
    for bad in ["31/02/2022", "21-03-2022", "21/03", "hôm nay", "21/03/22"] {
        assert_eq!(parse_day(bad), None, "{bad}");
    }
}

#[test]
fn period_keys_print_and_parse() {
    for s in ["2022", "2022-Q1", "2022-H2", "2022-03"] {
        assert_eq!(s.parse::<PeriodKey>().unwrap().to_string(), s);
    }
    for bad in ["22", "2022-Q5", "2022-13", "2022-X1", "2022-", "abcd"] {
        assert!(bad.parse::<PeriodKey>().is_err(), "{bad}");
    }
}
