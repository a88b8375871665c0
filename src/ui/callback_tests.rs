//! Every button's data round-trips within Telegram's 64 bytes; forged or old data reads as nothing.

use super::*;

#[test]
fn every_callback_round_trips_within_64_bytes() {
    let all = vec![
        Callback::Open { report: 1 },
        Callback::Page { report: 9_999_999, page: 3 },
        Callback::Item { report: 12, item: ItemKey::Task("2.đ".into()) },
        Callback::Item { report: 12, item: ItemKey::Narrative(17) },
        Callback::Status { report: 12, task: "16.a".into(), status: TaskStatus::Blocked, seen: 0 },
        Callback::Status { report: 9_999_999, task: "28.đ".into(), status: TaskStatus::Done, seen: 99_999 },
        Callback::Percent {
            report: 9_999_999,
            task: "16.a".into(),
            status: TaskStatus::InProgress,
            percent: Some(75),
            seen: 99_999,
        },
        Callback::Percent {
            report: 12,
            task: "11".into(),
            status: TaskStatus::Blocked,
            percent: None,
            seen: 3,
        },
        Callback::SkipNote { report: 5 },
        Callback::NoChange { report: 5, item: ItemKey::Metric("13.4".into()), seen: None },
        Callback::NoChange { report: 9_999_999, item: ItemKey::Task("28.đ".into()), seen: Some(99_999) },
        Callback::AddNote { report: 9_999_999, item: ItemKey::Task("28.đ".into()) },
        Callback::KeepAll { report: 9_999_999 },
        Callback::Switch {
            round: "chuong-trinh-hanh-dong".into(),
            period: PeriodKey::Year(2022),
            plan: None,
        },
        Callback::Switch {
            round: "bao-cao-quy".into(),
            period: PeriodKey::Quarter(2022, 4),
            plan: Some("09-KH-UBND-2022".into()),
        },
        Callback::Narrative { report: 5 },
        Callback::NarrativePart { report: 9_999_999, part: NarrativePart::Proposals },
        Callback::ClearPart { report: 5, part: NarrativePart::Results },
        Callback::MarkFix { report: 9_999_999, item: ItemKey::Metric("13.4".into()) },
        Callback::ReturnNow { report: 5 },
        Callback::List {
            list: ListKind::Unreachable,
            round: "chuong-trinh-hanh-dong".into(),
            period: PeriodKey::Year(2022),
            page: 12,
            turn: true,
            plan: None,
        },
        Callback::List {
            list: ListKind::Missing,
            round: "bao-cao-quy".into(),
            period: PeriodKey::Quarter(2022, 4),
            page: 0,
            turn: false,
            plan: Some("09-KH-UBND-2022".into()),
        },
        Callback::KeepName,
        Callback::Wording { report: 5, task: "28.a".into() },
        Callback::ConfirmValue { report: 5, metric: "5.1".into() },
        Callback::Retype { report: 5, metric: "5.1".into() },
        Callback::AttachHelp { report: 5 },
        Callback::Review { report: 5 },
        Callback::Submit { report: 5 },
        Callback::Reopen { report: 5 },
        Callback::Choose {
            round: "chuong-trinh-hanh-dong".into(),
            period: PeriodKey::Year(2022),
            plan: None,
        },
        Callback::Choose {
            round: "bao-cao-quy".into(),
            period: PeriodKey::Quarter(2022, 4),
            plan: Some("09/KH-UBND".into()),
        },
        Callback::Accept { report: 5 },
        Callback::Return { report: 5 },
        Callback::AdminReopen { report: 5 },
        Callback::View { report: 5 },
        Callback::Chart { indicator: 13, plan: None },
        Callback::Indicator { number: 18, plan: Some("45/KH-UBND".into()) },
        Callback::TimelinessChart {
            round: "chuong-trinh-hanh-dong".into(),
            period: PeriodKey::Year(2022),
            plan: None,
        },
        Callback::TimelinessChart {
            round: "bao-cao-quy".into(),
            period: PeriodKey::Quarter(2022, 4),
            plan: Some("45/KH-UBND".into()),
        },
        Callback::Agency { code: "H-CHAUTHANHA".into(), plan: None },
        Callback::Agency { code: "SYT".into(), plan: Some("09/KH-UBND".into()) },
        Callback::Remove { person: 3 },
        Callback::ConfirmRemove { person: 3 },
        Callback::SendBroadcast,
        Callback::Export { period: PeriodKey::Quarter(2022, 1), plan: None },
        Callback::Export { period: PeriodKey::Quarter(2022, 1), plan: Some("09/KH-UBND".into()) },
        Callback::CancelBroadcast { id: 7 },
        Callback::RevokeInvite { id: 12 },
        Callback::ConfirmMove,
        Callback::KeepRole,
    ];
    for c in all {
        let data = c.encode();
        assert!(data.len() <= 64, "{data} is too long");
        assert_eq!(Callback::decode(&data), Some(c), "{data}");
    }
}

#[test]
fn malformed_data_is_refused() {
    for bad in [
        "",
        "o",
        "o:",
        "o:abc",
        "o:-4",
        "o:0",
        "o:1:2",
        "s:1:2.a:9:0",
        "s:1:2.a:1",
        "s:1:2.a:1:-1",
        "c:1:2.a:1:101:0",
        "c:1:2.a:1:50",
        "zz:1",
        "i:1:q1",
        "g:0",
        "I:0",
        "I:x",
        "T:bao-cao-quy",
        "T:bao-cao-quy:2022-Q5",
        "T::2022-Q1",
        "u:1:t2.a:-1",
        "j:1:4",
        "L:x:bao-cao-quy:2022-Q1:0",
        "L:m:bao-cao-quy:2022-Q1",
    ] {
        assert_eq!(Callback::decode(bad), None, "{bad}");
    }
    assert_eq!(Callback::decode(&"o:1".repeat(30)), None);
}
