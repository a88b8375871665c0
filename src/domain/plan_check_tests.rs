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
        .replace("from = \"2022-09-01\"", "from = \"2023-09-01\"")
        .replace("direction = \"at_least\"", "direction = \"more\"")
        .replace("due_before_day = 15", "due_before_day = 31");
    let got = problems(&broken);
    let expected = [
        ("agencies[1].code", "problem-duplicate-code"),
        ("sections[1].assignees", "problem-unknown-agency"),
        ("indicators[1].agencies", "problem-unknown-agency"),
        ("indicators[1].metrics[1.1].target", "problem-not-a-number"),
        ("indicators[1].metrics[1.1].direction", "problem-bad-choice"),
        ("rounds[quy].recipients", "problem-no-recipients"),
        ("rounds[quy].schedule.due_before_day", "problem-out-of-range"),
        ("holidays[0].from", "problem-date-outside-year"),
        ("holidays[0]", "problem-end-before-start"),
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
    let unknown = SMALL.replace("province = \"Thử\"", "province = \"Thử\"\nprovinse = \"typo\"");
    let got = Plan::from_toml(&unknown).unwrap_err();
    assert!(matches!(&got.0[0].kind, ProblemKind::Syntax { message } if message.contains("provinse")));
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
        ("agencies[1].code", "problem-bad-code"),
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
    ];
    for kind in all {
        let args: Vec<(&'static str, crate::i18n::Arg)> =
            kind.args().into_iter().map(|(k, v)| (k, crate::i18n::Arg::from(v))).collect();
        for lang in crate::i18n::Lang::ALL {
            let text = crate::i18n::tr_args(lang, kind.key(), &args);
            assert_ne!(text, kind.key(), "{} missing in {lang:?}", kind.key());
        }
    }
}
