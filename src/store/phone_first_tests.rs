//! The store's side of issue 11 and the chat side of issue 10: narratives prefilled from the
//! previous period and changed over the version seen, the items asked to fix at a return, the
//! agency's earlier answers, names typed or taken from Telegram.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use crate::bundled::seed_plan;
use crate::domain::narrative::NarrativePart;
use crate::domain::people::{Lang, Role};
use crate::domain::report::{ItemKey, ReportState, TaskStatus};
use crate::domain::review::FixRequest;
use crate::domain::{AgencyCode, PeriodKey};
use crate::store::testing::temp_store;
use crate::store::{Invite, ItemChange, Newcomer, Person, Store, StoreError};

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

async fn seeded() -> (Store, tempfile::TempDir, Person) {
    let (store, dir) = temp_store().await;
    store.import_plan(&seed_plan(), at("2022-01-20T01:00:00Z")).await.unwrap();
    let lan = focal(&store, 21, "Lan", "SYT").await;
    (store, dir, lan)
}

#[tokio::test]
async fn a_narrative_is_prefilled_from_the_last_period_and_refused_over_a_colleagues_change() {
    let (store, _dir, lan) = seeded().await;
    let mai = focal(&store, 22, "Mai", "SYT").await;
    let now = at("2022-03-02T01:00:00Z");
    let q1 = store.open_report(&seed_plan().code, ROUND, Q1, &code("SYT"), now).await.unwrap();
    let empty = store.narrative(q1.id).await.unwrap();
    assert_eq!((empty.version, empty.text.filled(), empty.copied_from), (0, 0, None));
    let saved = store
        .save_narrative_part(
            q1.id,
            NarrativePart::Proposals,
            Some("Đề nghị bổ sung vốn".into()),
            0,
            lan.id,
            now,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((saved.version, saved.text.get(NarrativePart::Proposals)), (1, Some("Đề nghị bổ sung vốn")));
    // Mai saw version 1; Lan changes it meanwhile: Mai's save over version 1 is refused.
    store
        .save_narrative_part(q1.id, NarrativePart::Causes, Some("Thiếu vốn".into()), 1, lan.id, now)
        .await
        .unwrap()
        .unwrap();
    let refused = store
        .save_narrative_part(q1.id, NarrativePart::Results, Some("x".into()), 1, mai.id, now)
        .await
        .unwrap();
    assert_eq!(refused.unwrap_err().current.text.get(NarrativePart::Causes), Some("Thiếu vốn"));
    store.submit_report(q1.id, lan.id, now).await.unwrap();
    // Handed in: no change.
    let locked = store.save_narrative_part(q1.id, NarrativePart::Results, None, 2, lan.id, now).await;
    assert!(matches!(locked, Err(StoreError::Conflict(_))), "{locked:?}");
    let gathered = store.period_narratives(&seed_plan().code, ROUND, Q1).await.unwrap();
    assert_eq!(gathered[&code("SYT")].proposals.as_deref(), Some("Đề nghị bổ sung vốn"));

    // The next quarter starts from it; the first change keeps the other parts.
    let later = at("2022-06-02T01:00:00Z");
    let q2 = store.open_report(&seed_plan().code, ROUND, Q2, &code("SYT"), later).await.unwrap();
    let prefill = store.narrative(q2.id).await.unwrap();
    assert_eq!((prefill.version, prefill.copied_from), (0, Some(Q1)));
    assert_eq!(prefill.text.get(NarrativePart::Causes), Some("Thiếu vốn"));
    let changed = store
        .save_narrative_part(q2.id, NarrativePart::Causes, None, 0, lan.id, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.text.get(NarrativePart::Causes), None);
    assert_eq!(changed.text.get(NarrativePart::Proposals), Some("Đề nghị bổ sung vốn"));
    // Not handed in yet: not gathered.
    assert!(store.period_narratives(&seed_plan().code, ROUND, Q2).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_return_keeps_the_items_asked_for_with_its_history_entry() {
    let (store, _dir, lan) = seeded().await;
    let now = at("2022-03-02T01:00:00Z");
    let report = store.open_report(&seed_plan().code, ROUND, Q1, &code("SYT"), now).await.unwrap();
    let change = ItemChange::Value { value: Decimal::new(108, 1), out_of: None };
    store.save_item(report.id, &ItemKey::Metric("13.1".into()), change, lan.id, now).await.unwrap();
    let fixes = vec![FixRequest { item: "m13.1".into(), comment: "Chưa khớp".into() }];
    // Not handed in: nothing to return.
    let early = store.return_report(report.id, lan.id, None, &fixes, now, &[], now).await;
    assert!(matches!(early, Err(StoreError::Conflict(_))), "{early:?}");
    assert_eq!(store.fix_requests(report.id).await.unwrap(), None);
    store.submit_report(report.id, lan.id, now).await.unwrap();
    let later = now + Duration::hours(1);
    let returned = store.return_report(report.id, lan.id, None, &fixes, later, &[], later).await.unwrap();
    assert_eq!((returned.state, returned.review_comment), (ReportState::Returned, None));
    let asked = store.fix_requests(report.id).await.unwrap().unwrap();
    assert_eq!((asked.returned_at, asked.items.clone()), (later, fixes));
    let events = store.report_events(report.id).await.unwrap();
    assert_eq!(events.last().unwrap().detail["items"][0]["comment"], "Chưa khớp");
}

#[tokio::test]
async fn earlier_answers_are_the_latest_of_each_item_and_accepted_values_carry_their_period() {
    let (store, _dir, lan) = seeded().await;
    let q4 = PeriodKey::Quarter(2021, 4);
    let mut reports = Vec::new();
    for (period, value, status) in [(q4, 9000, TaskStatus::Done), (Q1, 2250, TaskStatus::InProgress)] {
        let now = at("2022-03-02T01:00:00Z");
        let r = store.open_report(&seed_plan().code, ROUND, period, &code("SYT"), now).await.unwrap();
        let change = ItemChange::Value { value: Decimal::from(value), out_of: None };
        store.save_item(r.id, &ItemKey::Metric("13.2".into()), change, lan.id, now).await.unwrap();
        let progress = ItemChange::Progress(status, Some(50));
        store.save_item(r.id, &ItemKey::Task("16.a".into()), progress, lan.id, now).await.unwrap();
        store.submit_report(r.id, lan.id, now).await.unwrap();
        store
            .change_report_state(r.id, &[ReportState::Submitted], ReportState::Accepted, lan.id, None, now)
            .await
            .unwrap();
        reports.push(r);
    }
    let q2 = store
        .open_report(&seed_plan().code, ROUND, Q2, &code("SYT"), at("2022-06-02T01:00:00Z"))
        .await
        .unwrap();
    let earlier = store.earlier_answers(&q2).await.unwrap();
    let task = &earlier[&ItemKey::Task("16.a".into())];
    assert_eq!(
        (task.period, task.report, task.entry.status),
        (Q1, reports[1].id, Some(TaskStatus::InProgress))
    );
    assert_eq!(earlier[&ItemKey::Metric("13.2".into())].entry.value, Some(Decimal::from(2250)));
    assert_eq!(
        store.last_accepted(&seed_plan().code, &code("SYT"), "13.2", Q2).await.unwrap(),
        Some((Q1, Decimal::from(2250)))
    );
    assert_eq!(
        store.last_accepted(&seed_plan().code, &code("SYT"), "13.2", Q1).await.unwrap(),
        Some((q4, Decimal::from(9000)))
    );
}

#[tokio::test]
async fn a_typed_name_stays_and_telegrams_follows_telegram_until_then() {
    let (store, _dir, lan) = seeded().await;
    assert!(!lan.name_typed);
    assert!(store.refresh_telegram_name(lan.id, "Trần Thị Lan").await.unwrap());
    assert!(!store.refresh_telegram_name(lan.id, "Trần Thị Lan").await.unwrap(), "nothing to change");
    store.set_typed_name(lan.id, "Trần Thị Ngọc Lan").await.unwrap();
    assert!(!store.refresh_telegram_name(lan.id, "Lan").await.unwrap());
    let now = store.person(lan.id).await.unwrap().unwrap();
    assert_eq!((now.name.as_str(), now.name_typed), ("Trần Thị Ngọc Lan", true));
    // Joining again by another invite keeps the typed name.
    let invite = Invite {
        code: "again".into(),
        role: Role::Focal,
        agency: Some(code("STC")),
        expires_at: at("2022-03-09T01:00:00Z"),
    };
    store.create_invite(&invite, None, at("2022-03-02T01:00:00Z")).await.unwrap();
    let who =
        Newcomer { telegram_id: 21, chat_id: 21, name: "Lan".into(), username: None, language: Lang::Vi };
    let moved = store.redeem_invite(&invite.code, &who, at("2022-03-02T02:00:00Z")).await.unwrap().unwrap();
    let moved = match moved {
        crate::store::Redeemed::AsksToMove { invite, .. } => store
            .redeem_invite_by_id(invite, &who, at("2022-03-02T02:00:00Z"))
            .await
            .unwrap()
            .unwrap()
            .person(),
        other => other.person(),
    };
    assert_eq!(moved.name, "Trần Thị Ngọc Lan");
}

/// A report's screen lists the agency's other open rounds on every step: their reports and
/// extensions come in two statements whatever their number, each matched to its own round,
/// period and plan, and never another agency's.
#[tokio::test]
async fn an_agencys_open_periods_are_read_with_their_reports_and_extensions() {
    let (store, _dir, _lan) = seeded().await;
    let plan = seed_plan();
    let other = plan.rounds.iter().map(|r| r.code.as_str()).find(|c| *c != ROUND).expect("a second round");
    let now = at("2022-03-02T01:00:00Z");
    let q1 = store.open_report(&plan.code, ROUND, Q1, &code("SYT"), now).await.unwrap();
    store.open_report(&plan.code, ROUND, Q2, &code("CTK"), now).await.unwrap();
    let extend = |round: &str, period: PeriodKey, agency: &str, day: u32| crate::store::Extension {
        plan: plan.code.clone(),
        round: round.into(),
        period,
        agency: code(agency),
        last_day: chrono::NaiveDate::from_ymd_opt(2022, 7, day).unwrap(),
        reason: "Chờ số liệu".into(),
        granted_by: None,
        granted_at: now,
    };
    for e in [extend(ROUND, Q1, "SYT", 1), extend(ROUND, Q2, "SYT", 2), extend(ROUND, Q2, "CTK", 3)] {
        store.grant_extension(&e, &[], now).await.unwrap();
    }
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2022, 7, d);
    let wanted =
        [(plan.code.as_str(), ROUND, Q1), (plan.code.as_str(), ROUND, Q2), (plan.code.as_str(), other, Q2)];
    let found = store.agency_periods(&code("SYT"), &wanted).await.unwrap();
    let seen: Vec<(Option<i64>, Option<chrono::NaiveDate>)> =
        found.iter().map(|(r, last)| (r.as_ref().map(|r| r.id), *last)).collect();
    assert_eq!(seen, vec![(Some(q1.id), day(1)), (None, day(2)), (None, None)]);
    assert_eq!(store.agency_periods(&code("SYT"), &[]).await.unwrap(), vec![]);
    // An agency with a report and no extension at all; one with no report yet; and one whose
    // only extension is its report's.
    let (q2, other_q2) = ((plan.code.as_str(), ROUND, Q2), (plan.code.as_str(), other, Q2));
    let stf = store.open_report(&plan.code, ROUND, Q1, &code("STC"), now).await.unwrap();
    let found = store.agency_periods(&code("STC"), &[(plan.code.as_str(), ROUND, Q1), q2]).await.unwrap();
    let seen: Vec<_> = found.iter().map(|(r, last)| (r.as_ref().map(|r| r.id), *last)).collect();
    assert_eq!(seen, vec![(Some(stf.id), None), (None, None)]);
    store.grant_extension(&extend(other, Q2, "SNNPTNT", 4), &[], now).await.unwrap();
    let found = store.agency_periods(&code("SNNPTNT"), &[q2, other_q2]).await.unwrap();
    let seen: Vec<_> = found.iter().map(|(r, last)| (r.as_ref().map(|r| r.id), *last)).collect();
    assert_eq!(seen, vec![(None, None), (None, day(4))]);
    let found = store.agency_periods(&code("CTK"), &[q2, other_q2]).await.unwrap();
    let seen: Vec<_> = found.iter().map(|(r, last)| (r.as_ref().is_some(), *last)).collect();
    assert_eq!(seen, vec![(true, day(3)), (false, None)]);
}
