use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use crate::bundled::seed_plan;
use crate::domain::people::{Lang, Role};
use crate::domain::report::{ItemKey, ReportState, TaskStatus};
use crate::domain::{AgencyCode, PeriodKey};
use crate::store::ItemKinds;
use crate::store::testing::temp_store;
use crate::store::{Invite, ItemChange, Newcomer, Person, Store};

const ROUND: &str = "bao-cao-quy";
const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn code(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap()
}

async fn focal(store: &Store, id: i64, name: &str, agency: &str) -> Person {
    let now = at("2022-03-01T02:00:00Z");
    let invite = Invite {
        code: format!("invite-{id}"),
        role: Role::Focal,
        agency: Some(code(agency)),
        expires_at: now + Duration::days(7),
    };
    store.create_invite(&invite, None, now).await.unwrap();
    let who =
        Newcomer { telegram_id: id, chat_id: id, name: name.into(), username: None, language: Lang::Vi };
    store.redeem_invite(&invite.code, &who, now).await.unwrap().unwrap().person()
}

async fn value(store: &Store, report: i64, metric: &str, v: i64, who: i64) {
    let change = ItemChange::Value { value: Decimal::from(v), out_of: None };
    store
        .save_item(report, &ItemKey::Metric(metric.into()), change, who, at("2022-03-02T02:00:00Z"))
        .await
        .unwrap();
}

#[tokio::test]
async fn only_handed_in_reports_count_with_who_entered_each_item() {
    let (store, _dir) = temp_store().await;
    store.import_plan(&seed_plan(), at("2022-01-20T01:00:00Z")).await.unwrap();
    let hoa = focal(&store, 11, "Hoa", "STC").await;
    let lan = focal(&store, 12, "Lan", "SYT").await;
    let now = at("2022-03-02T01:00:00Z");

    let stc = store.open_report("09/KH-UBND", ROUND, Q1, &code("STC"), now).await.unwrap();
    value(&store, stc.id, "5.1", 2250, hoa.id).await;
    store
        .save_item(stc.id, &ItemKey::Task("9.a".into()), ItemChange::Status(TaskStatus::Done), hoa.id, now)
        .await
        .unwrap();
    store.submit_report(stc.id, hoa.id, now).await.unwrap();
    // A draft does not count, nor a report of another period.
    let syt = store.open_report("09/KH-UBND", ROUND, Q1, &code("SYT"), now).await.unwrap();
    value(&store, syt.id, "13.3", 35, lan.id).await;
    let stc_q2 = store.open_report("09/KH-UBND", ROUND, Q2, &code("STC"), now).await.unwrap();
    value(&store, stc_q2.id, "5.1", 4600, hoa.id).await;
    store.submit_report(stc_q2.id, hoa.id, now).await.unwrap();

    let q1 =
        store.handed_in_items("09/KH-UBND", ROUND, Some(Q1), ItemKinds::MetricsAndNarratives).await.unwrap();
    assert_eq!(q1.len(), 1, "{q1:#?}");
    assert_eq!(q1[0].agency, code("STC"));
    assert_eq!(q1[0].entry.key, ItemKey::Metric("5.1".into()));
    assert_eq!(q1[0].entry.value, Some(Decimal::from(2250)));
    assert_eq!((q1[0].by.as_deref(), q1[0].state), (Some("Hoa"), ReportState::Submitted));
    let all = store.handed_in_items("09/KH-UBND", ROUND, Some(Q1), ItemKinds::All).await.unwrap();
    let keys: Vec<&ItemKey> = all.iter().map(|i| &i.entry.key).collect();
    assert_eq!(
        keys,
        [&ItemKey::Metric("5.1".into()), &ItemKey::Task("9.a".into())],
        "the task too, in order"
    );
    assert_eq!(all[1].entry.status, Some(TaskStatus::Done));
    let year =
        store.handed_in_items("09/KH-UBND", ROUND, None, ItemKinds::MetricsAndNarratives).await.unwrap();
    assert_eq!(year.iter().map(|i| i.period).collect::<Vec<_>>(), [Q1, Q2]);

    // Accepted still counts; returned does not.
    let admin = store
        .ensure_admin(
            &Newcomer {
                telegram_id: 1,
                chat_id: 1,
                name: "Quản trị".into(),
                username: None,
                language: Lang::Vi,
            },
            now,
        )
        .await
        .unwrap();
    store
        .change_report_state(stc.id, &[ReportState::Submitted], ReportState::Accepted, admin.id, None, now)
        .await
        .unwrap();
    store
        .change_report_state(
            stc_q2.id,
            &[ReportState::Submitted],
            ReportState::Returned,
            admin.id,
            Some("x"),
            now,
        )
        .await
        .unwrap();
    let year = store.handed_in_items("09/KH-UBND", ROUND, None, ItemKinds::All).await.unwrap();
    assert!(year.iter().all(|i| i.period == Q1 && i.state == ReportState::Accepted), "{year:#?}");

    let reports = store.agency_reports("09/KH-UBND", &code("STC")).await.unwrap();
    assert_eq!(
        reports.iter().map(|r| (r.period, r.state)).collect::<Vec<_>>(),
        [(Q1, ReportState::Accepted), (Q2, ReportState::Returned)]
    );

    // Names stay readable after a person is removed.
    store.remove_person(hoa.id, now).await.unwrap();
    let names = store.person_names(&[hoa.id, lan.id, 999]).await.unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(names[&hoa.id], "Hoa");
}
