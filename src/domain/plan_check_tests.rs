use crate::domain::{Plan, ProblemKind};

const SMALL: &str = r#"
[plan]
code = "01/KH"
title = "Kế hoạch nhỏ"
province = "Thử"
year = 2022
time_zone = "Asia/Ho_Chi_Minh"
coordinator = "SKHDT"

[[agencies]]
code = "SKHDT"
name_vi = "Sở Kế hoạch và Đầu tư"
name_en = "Department of Planning and Investment"

[[agencies]]
code = "SYT"
name_vi = "Sở Y tế"
name_en = "Department of Health"

[[sections]]
number = 1
heading = "Sở Y tế"
assignees = ["SYT"]

[[sections.tasks]]
id = "a"
text = "Nâng cao chất lượng khám, chữa bệnh."

[[indicators]]
number = 1
name_vi = "Bác sĩ"
name_en = "Doctors"
text = "số bác sĩ trên 10.000 người dân là 9 bác sĩ"
agencies = ["SYT"]

[[indicators.metrics]]
code = "1.1"
name_vi = "Bác sĩ/vạn dân"
name_en = "Doctors per 10,000"
unit = "bác sĩ"
target = "9"
direction = "at_least"
wording = "9 bác sĩ"

[[rounds]]
code = "quy"
name_vi = "Báo cáo quý"
name_en = "Quarterly report"
wording = "trước ngày 15 tháng cuối quý"
asks = ["tasks", "metrics"]
recipients = ["*"]
to = "SKHDT"
[rounds.schedule]
kind = "recurring"
every = "quarter"
month = 3
due_before_day = 15

[[holidays]]
from = "2022-09-01"
to = "2022-09-02"
name = "Quốc khánh"
"#;

fn problems(text: &str) -> Vec<(String, &'static str)> {
    match Plan::from_toml(text) {
        Ok(_) => vec![],
        Err(p) => p.0.into_iter().map(|p| (p.place, p.kind.key())).collect(),
    }
}

#[test]
fn a_small_valid_plan_checks_out() {
    let plan = Plan::from_toml(SMALL).unwrap();
    assert_eq!(plan.task_count(), 1);
    assert_eq!(plan.reminders, crate::domain::plan::ReminderPolicy::default());
}

#[test]
fn every_problem_is_reported_at_once_with_its_place() {
    let broken = SMALL
        .replace("code = \"SYT\"\nname_vi = \"Sở Y tế\"", "code = \"SKHDT\"\nname_vi = \"Sở Y tế\"")
        .replace("assignees = [\"SYT\"]", "assignees = [\"SXX\"]")
        .replace("target = \"9\"", "target = \"chín\"")
        .replace("recipients = [\"*\"]", "recipients = []")
        .replace("from = \"2022-09-01\"", "from = \"2024-09-01\"")
        .replace("direction = \"at_least\"", "direction = \"more\"")
        .replace("due_before_day = 15", "due_before_day = 31");
    let got = problems(&broken);
    let expected = [
        ("agencies[2].code", "problem-duplicate-code"),
        ("sections[1].assignees", "problem-unknown-agency"),
        ("indicators[1].agencies", "problem-unknown-agency"),
        ("indicators[1].metrics[1.1].target", "problem-not-a-number"),
        ("indicators[1].metrics[1.1].direction", "problem-bad-choice"),
        ("rounds[quy].recipients", "problem-no-recipients"),
        ("rounds[quy].schedule.due_before_day", "problem-out-of-range"),
        ("holidays[1].from", "problem-date-outside-years"),
        ("holidays[1]", "problem-end-before-start"),
    ];
    for (place, key) in expected {
        assert!(got.contains(&(place.to_owned(), key)), "missing {place} {key} in {got:#?}");
    }
    assert_eq!(got.len(), expected.len(), "{got:#?}");
}

#[test]
fn a_syntax_error_names_its_line() {
    let got = Plan::from_toml("[plan]\ncode = \"x\"\ntitle = \n").unwrap_err();
    assert_eq!(got.0.len(), 1);
    assert!(matches!(got.0[0].kind, ProblemKind::Syntax { .. }));
    assert!(got.0[0].place.starts_with("line 3"), "{}", got.0[0].place);
    let wrong_type = SMALL.replace("year = 2022", "year = \"2022\"");
    let got = Plan::from_toml(&wrong_type).unwrap_err();
    assert!(matches!(&got.0[0].kind, ProblemKind::Syntax { .. }), "{got:?}");
    assert!(got.0[0].place.starts_with("line 6"), "{}", got.0[0].place);
}

#[test]
fn codes_times_and_policies_are_checked() {
    let broken = SMALL
        .replace("code = \"SYT\"", "code = \"syt\"")
        .replace("assignees = [\"SYT\"]", "assignees = [\"syt\"]")
        .replace("agencies = [\"SYT\"]", "agencies = [\"syt\"]")
        .replace("time_zone = \"Asia/Ho_Chi_Minh\"", "time_zone = \"Asia/Hanoi_City\"")
        + "\n[reminders]\nsend_at = \"25:00\"\ndigest_weekday = \"someday\"\nquiet_from = \"06:00\"\nquiet_until = \"09:00\"\n";
    let got = problems(&broken);
    for (place, key) in [
        ("agencies[2].code", "problem-bad-code"),
        ("plan.time_zone", "problem-bad-time-zone"),
        ("reminders.send_at", "problem-bad-time"),
        ("reminders.digest_weekday", "problem-bad-choice"),
        ("reminders.send_at", "problem-in-quiet-hours"),
    ] {
        assert!(got.contains(&(place.to_owned(), key)), "missing {place} {key} in {got:#?}");
    }
}

#[test]
fn a_one_off_deadline_must_fall_in_the_plan_year() {
    let once = SMALL.replace(
        "kind = \"recurring\"\nevery = \"quarter\"\nmonth = 3\ndue_before_day = 15",
        "kind = \"once\"\ndue_before = \"2023-03-01\"",
    );
    assert_eq!(
        problems(&once),
        vec![("rounds[quy].schedule.due_before".to_owned(), "problem-date-outside-year")]
    );
    let ok = SMALL.replace(
        "kind = \"recurring\"\nevery = \"quarter\"\nmonth = 3\ndue_before_day = 15",
        "kind = \"once\"\ndue_before = \"2023-01-01\"",
    );
    assert!(problems(&ok).is_empty(), "before 1 January is the last day of the plan year");
}

#[test]
fn every_problem_has_a_message_in_both_languages() {
    use crate::domain::problems::ProblemKind::*;
    let all = [
        Syntax { message: String::new() },
        Empty,
        BadCode { code: String::new() },
        DuplicateCode { code: String::new() },
        UnknownAgency { code: String::new() },
        NotANumber { value: String::new() },
        BadDate { value: String::new() },
        DateOutsideYear { value: String::new(), year: 0 },
        BadTime { value: String::new() },
        BadTimeZone { value: String::new() },
        BadYear { value: String::new() },
        BadChoice { value: String::new(), allowed: "" },
        OutOfRange { value: String::new(), min: 0, max: 0 },
        NoRecipients,
        QualitativeMismatch,
        EndBeforeStart,
        InQuietHours { value: String::new() },
        UnknownField { name: String::new(), allowed: String::new() },
        BothSet { first: "", second: "" },
        MissingOneOf { first: "", second: "" },
        DateOutsideYears { value: String::new(), year: 0, next: 0 },
        OnlyWith { field: "", with: "" },
        BadPeriod { value: String::new(), year: 0 },
        NotAWeekend { value: String::new() },
        UnknownRef { value: String::new() },
        CombineNeeded,
        LeadIsGroup { code: String::new() },
        TargetNotInWording { target: String::new(), found: String::new() },
    ];
    for kind in all {
        let args: Vec<(&'static str, crate::i18n::Arg)> =
            kind.args().into_iter().map(|(k, v)| (k, crate::i18n::Arg::from(v))).collect();
        for lang in crate::i18n::Lang::ALL {
            let text = crate::i18n::tr_args(lang, kind.key(), args.iter().cloned());
            assert_ne!(text, kind.key(), "{} missing in {lang:?}", kind.key());
        }
    }
}

// Issue 9, "what was seen": each of these failed before the format grew.

#[test]
fn a_range_keeps_both_ends() {
    let range = SMALL
        .replace("target = \"9\"", "target = \"6,5–7\"")
        .replace("direction = \"at_least\"", "direction = \"at_most\"")
        .replace("wording = \"9 bác sĩ\"", "wording = \"6,5–7 bác sĩ\"");
    let plan = Plan::from_toml(&range).unwrap();
    assert_eq!(plan.to_file().indicators[0].metrics[0].target, "6,5–7");
    let (_, m) = plan.metric("1.1").unwrap();
    // "At most 6,5–7": the ceiling is the high end, not the floor.
    assert!(crate::domain::report::meets_target(m, rust_decimal::Decimal::new(68, 1)));
    assert!(!crate::domain::report::meets_target(m, rust_decimal::Decimal::new(71, 1)));
}

#[test]
fn a_second_owner_of_a_metric_is_asked_too() {
    let shared = SMALL
        .replace(
            "[[sections]]",
            "[[agencies]]\ncode = \"SNV\"\nname_vi = \"Sở Nội vụ\"\nname_en = \"Department of Home Affairs\"\n\n[[sections]]",
        )
        .replace("wording = \"9 bác sĩ\"", "wording = \"9 bác sĩ\"\nagencies = [\"SYT\", \"SNV\"]\ncombine = \"each\"");
    let plan = Plan::from_toml(&shared).unwrap();
    let round = plan.round("quy").unwrap();
    for code in ["SYT", "SNV"] {
        let agency = crate::domain::AgencyCode::parse(code).unwrap();
        let items = crate::domain::report::items_for(&plan, round, &agency);
        assert!(items.contains(&crate::domain::report::ItemKey::Metric("1.1".into())), "{code}: {items:?}");
    }
}

#[test]
fn by_day_20_means_the_20th_and_day_31_the_months_last() {
    use crate::domain::calendar::{PeriodKey, deadlines};
    let monthly = |day: &str| {
        SMALL.replace(
            "every = \"quarter\"\nmonth = 3\ndue_before_day = 15",
            &format!("every = \"month\"\nmonth = 1\ndue_by_day = {day}"),
        )
    };
    let last_day = |text: &str, month: u32| {
        let plan = Plan::from_toml(text).unwrap();
        deadlines(&plan, 2022)
            .into_iter()
            .find(|d| d.period == PeriodKey::Month(2022, month))
            .unwrap()
            .last_day
    };
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2022, m, d).unwrap();
    // "Chậm nhất ngày 20": the 20th itself is the last day.
    assert_eq!(last_day(&monthly("20"), 2), day(2, 20));
    // Day 31, clamped: the last day of each month, whatever its length.
    assert_eq!(last_day(&monthly("31"), 2), day(2, 28));
    assert_eq!(last_day(&monthly("31"), 4), day(4, 30));
    assert_eq!(last_day(&monthly("31"), 5), day(5, 31));
}

#[test]
fn entries_without_a_number_of_their_own_count_from_1() {
    let three = SMALL.replace(
        "[[holidays]]",
        "[[holidays]]\nfrom = \"2022-01-01\"\nname = \"Tết dương lịch\"\n\n\
         [[holidays]]\nfrom = \"2022-04-11\"\nname = \"Giỗ Tổ\"\n\n[[holidays]]",
    );
    let broken = three.replace("from = \"2022-09-01\"", "from = \"2022-09-31\"");
    assert_eq!(problems(&broken), vec![("holidays[3].from".to_owned(), "problem-bad-date")]);
    let dup = SMALL.replace("code = \"SYT\"", "code = \"SKHDT\"");
    assert!(problems(&dup).contains(&("agencies[2].code".to_owned(), "problem-duplicate-code")));
}

#[test]
fn a_misspelt_key_is_one_problem_among_the_others() {
    let broken = SMALL
        .replace("province = \"Thử\"", "province = \"Thử\"\nprovinse = \"typo\"")
        .replace("unit = \"bác sĩ\"", "unit = \"bác sĩ\"\ndirektion = \"at_least\"")
        .replace("target = \"9\"", "target = \"chín\"");
    let got = problems(&broken);
    assert_eq!(
        got,
        vec![
            ("plan.provinse".to_owned(), "problem-unknown-field"),
            ("indicators[1].metrics[1.1].direktion".to_owned(), "problem-unknown-field"),
            ("indicators[1].metrics[1.1].target".to_owned(), "problem-not-a-number"),
        ]
    );
}

#[test]
fn a_target_that_contradicts_its_own_wording_is_a_warning() {
    let contradicting = SMALL.replace("target = \"9\"", "target = \"90\"");
    let check = Plan::check(&contradicting);
    assert!(check.plan.is_ok(), "a warning does not refuse the file");
    let warnings: Vec<(String, &str)> = check.warnings.into_iter().map(|w| (w.place, w.kind.key())).collect();
    assert_eq!(
        warnings,
        vec![("indicators[1].metrics[1.1].target".to_owned(), "problem-target-not-in-wording")]
    );
    assert!(Plan::check(SMALL).warnings.is_empty());
}

#[test]
fn the_new_fields_are_checked_too() {
    let broken = SMALL
        .replace(
            "[[sections]]",
            "[[groups]]\ncode = \"NHOM\"\nname_vi = \"Nhóm\"\nname_en = \"Group\"\nmembers = [\"SKHDT\", \"SYT\"]\n\n[[sections]]",
        )
        // A section without assignees whose task names no lead; a task with both due dates.
        .replace("assignees = [\"SYT\"]\n", "")
        .replace(
            "text = \"Nâng cao chất lượng khám, chữa bệnh.\"",
            "text = \"Nâng cao chất lượng khám, chữa bệnh.\"\ncooperating = [\"SXX\"]\ndue_by = \"2022-06-30\"\ndue_before = \"2022-07-01\"",
        )
        // A group reporting the total, strict and about at once, a reduction that is not one,
        // a part of a metric that does not come before it, a period of the wrong year.
        .replace(
            "wording = \"9 bác sĩ\"",
            "wording = \"9 bác sĩ\"\nagencies = [\"NHOM\"]\ncombine = \"lead\"\nstrict = true\nabout = true\n\
             reduction = \"points\"\npart_of = \"1.9\"\nkind = \"stock\"\nsame_period_last_year = { \"2022-Q1\" = \"8\" }",
        )
        // A round limited to a section that does not exist, skipping a 5th quarter, with both days.
        .replace("to = \"SKHDT\"", "to = \"SKHDT\"\nsections = [7]")
        .replace("due_before_day = 15", "due_before_day = 15\ndue_by_day = 20\nskip = [5]\ndue_by = \"2022-03-01\"")
        + "\n[[indicator_groups]]\ncode = \"Kinh te\"\nname_vi = \"Kinh tế\"\nname_en = \"Economy\"\nindicators = [1, 2]\n\
           \n[[working_days]]\ndate = \"2022-05-04\"\nname = \"Làm bù\"\n";
    let got = problems(&broken);
    let expected = [
        ("sections[1].tasks[a].lead", "problem-empty"),
        ("sections[1].tasks[a].cooperating", "problem-unknown-agency"),
        ("sections[1].tasks[a]", "problem-both-set"),
        ("indicators[1].metrics[1.1]", "problem-both-set"),
        ("indicators[1].metrics[1.1].reduction", "problem-only-with"),
        ("indicators[1].metrics[1.1].agencies", "problem-lead-is-group"),
        ("indicators[1].metrics[1.1].part_of", "problem-unknown-ref"),
        ("indicators[1].metrics[1.1].kind", "problem-bad-choice"),
        ("indicators[1].metrics[1.1].same_period_last_year.2022-Q1", "problem-bad-period"),
        ("indicator_groups[Kinh te].code", "problem-bad-code"),
        ("indicator_groups[Kinh te].indicators", "problem-unknown-ref"),
        ("rounds[quy].sections", "problem-unknown-ref"),
        ("rounds[quy].schedule.due_by", "problem-only-with"),
        ("rounds[quy].schedule", "problem-both-set"),
        ("rounds[quy].schedule.skip", "problem-out-of-range"),
        ("working_days[1].date", "problem-not-a-weekend"),
    ];
    for (place, key) in expected {
        assert!(got.contains(&(place.to_owned(), key)), "missing {place} {key} in {got:#?}");
    }
    assert_eq!(got.len(), expected.len(), "{got:#?}");
}

#[test]
fn several_reporters_must_say_how_their_values_combine_and_days_stay_in_range() {
    let shared =
        SMALL.replace("wording = \"9 bác sĩ\"", "wording = \"9 bác sĩ\"\nagencies = [\"SYT\", \"SKHDT\"]");
    assert_eq!(
        problems(&shared),
        vec![("indicators[1].metrics[1.1].combine".to_owned(), "problem-combine-needed")]
    );
    let one = SMALL.replace("wording = \"9 bác sĩ\"", "wording = \"9 bác sĩ\"\nagencies = [\"SYT\"]");
    assert!(problems(&one).is_empty(), "one owner needs no rule");
    let alone = SMALL.replace("wording = \"9 bác sĩ\"", "wording = \"9 bác sĩ\"\ncombine = \"sum\"");
    assert_eq!(
        problems(&alone),
        vec![("indicators[1].metrics[1.1].combine".to_owned(), "problem-only-with")]
    );
    let schedule = |day: &str| {
        SMALL.replace(
            "every = \"quarter\"\nmonth = 3\ndue_before_day = 15",
            &format!("every = \"month\"\n{day}"),
        )
    };
    for (day, problem) in [
        ("due_by_day = 0", ("rounds[quy].schedule.due_by_day", "problem-out-of-range")),
        ("due_by_day = 32", ("rounds[quy].schedule.due_by_day", "problem-out-of-range")),
        ("due_before_day = 1", ("rounds[quy].schedule.due_before_day", "problem-out-of-range")),
        ("month = 1", ("rounds[quy].schedule", "problem-missing-one-of")),
    ] {
        assert_eq!(problems(&schedule(day)), vec![(problem.0.to_owned(), problem.1)], "{day}");
    }
    for ok in ["due_by_day = 1", "due_by_day = 31", "due_before_day = 28"] {
        assert!(problems(&schedule(ok)).is_empty(), "{ok}");
    }
    let once_by = SMALL.replace(
        "kind = \"recurring\"\nevery = \"quarter\"\nmonth = 3\ndue_before_day = 15",
        "kind = \"once\"\ndue_by = \"2023-01-01\"",
    );
    assert_eq!(
        problems(&once_by),
        vec![("rounds[quy].schedule.due_by".to_owned(), "problem-date-outside-year")],
        "by 1 January of the next year is outside the plan year"
    );
}

#[test]
fn numbers_and_codes_are_unique() {
    let twice = SMALL.to_owned()
        + "\n[[indicators]]\nnumber = 1\nname_vi = \"Lặp\"\nname_en = \"Again\"\ntext = \"9 bác sĩ\"\nagencies = [\"SYT\"]\n\n\
           [[indicators.metrics]]\ncode = \"1.1\"\nname_vi = \"Lặp\"\nname_en = \"Again\"\nunit = \"bác sĩ\"\n\
           target = \"9\"\ndirection = \"at_least\"\nwording = \"9 bác sĩ\"\n";
    assert_eq!(
        problems(&twice),
        vec![
            ("indicators[1]".to_owned(), "problem-duplicate-code"),
            ("indicators[1].metrics[1.1]".to_owned(), "problem-duplicate-code"),
        ]
    );
}
