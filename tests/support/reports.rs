//! Reports set up through the store, as the focal points' conversation would have saved them,
//! for the stories that are about reading them.

use dondoc::domain::report::{ItemKey, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use dondoc::store::{ItemChange, ReportRow};
use rust_decimal::Decimal;

use super::app::TestApp;
use super::telegram::TgUser;

pub const QUARTERLY: &str = "bao-cao-quy";

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("a decimal")
}

pub fn value(metric: &str, v: &str) -> (ItemKey, ItemChange) {
    (ItemKey::Metric(metric.into()), ItemChange::Value { value: dec(v), out_of: None })
}

pub fn progress(task: &str, status: TaskStatus, percent: u8) -> (ItemKey, ItemChange) {
    (ItemKey::Task(task.into()), ItemChange::Progress(status, Some(percent)))
}

pub fn note(key: ItemKey, text: &str) -> (ItemKey, ItemChange) {
    (key, ItemChange::Note(Some(text.into())))
}

pub fn narrative(indicator: u32, text: &str) -> (ItemKey, ItemChange) {
    (ItemKey::Narrative(indicator), ItemChange::Note(Some(text.into())))
}

/// The quarterly report of `agency` with `changes` saved by `who` at the test clock's time,
/// left as a draft.
pub async fn draft(
    t: &TestApp,
    who: &TgUser,
    agency: &str,
    period: PeriodKey,
    changes: Vec<(ItemKey, ItemChange)>,
) -> ReportRow {
    let store = t.store();
    let person = store.person_by_telegram(who.id).await.unwrap().expect("the person joined");
    let now = t.clock_now();
    let code = AgencyCode::parse(agency).expect("agency code");
    let report = store.open_report("09/KH-UBND", QUARTERLY, period, &code, now).await.unwrap();
    for (key, change) in changes {
        store.save_item(report.id, &key, change, person.id, now).await.unwrap();
    }
    report
}

/// The same, then handed in by `who`.
pub async fn hand_in(
    t: &TestApp,
    who: &TgUser,
    agency: &str,
    period: PeriodKey,
    changes: Vec<(ItemKey, ItemChange)>,
) -> ReportRow {
    let report = draft(t, who, agency, period, changes).await;
    let person = t.store().person_by_telegram(who.id).await.unwrap().unwrap();
    t.store().submit_report(report.id, person.id, t.clock_now()).await.unwrap()
}
