//! Item-by-item review: the items an admin asked an agency to fix when returning its report,
//! each with its own comment.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::report::{ItemEntry, ItemKey};

/// One item to fix and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixRequest {
    /// The item, encoded as in button data ("m13.1", "t16.a").
    pub item: String,
    pub comment: String,
}

impl FixRequest {
    pub fn key(&self) -> Option<ItemKey> {
        ItemKey::decode(&self.item)
    }
}

/// The items asked for at the last return of a report, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixRequests {
    pub returned_at: DateTime<Utc>,
    pub items: Vec<FixRequest>,
}

impl FixRequests {
    /// The comment for an item, if it was asked for.
    pub fn comment(&self, key: &ItemKey) -> Option<&str> {
        self.items.iter().find(|f| f.key().as_ref() == Some(key)).map(|f| f.comment.as_str())
    }

    /// The items asked for that nobody has changed since the return, in the order asked.
    pub fn open(&self, entries: &[ItemEntry]) -> Vec<ItemKey> {
        self.items
            .iter()
            .filter_map(FixRequest::key)
            .filter(|k| !entries.iter().any(|e| &e.key == k && e.updated_at > self.returned_at))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn entry(key: ItemKey, at: DateTime<Utc>) -> ItemEntry {
        ItemEntry {
            key,
            status: None,
            percent: None,
            value: None,
            value_out_of: None,
            note: None,
            updated_at: at,
            updated_by: None,
            version: 1,
            plan_version: None,
            asked_as: None,
        }
    }

    #[test]
    fn an_item_asked_for_is_open_until_changed_after_the_return() {
        let at = Utc.with_ymd_and_hms(2022, 3, 8, 3, 0, 0).unwrap();
        let asked = FixRequests {
            returned_at: at,
            items: vec![
                FixRequest { item: "m13.1".into(), comment: "Số liệu chưa khớp".into() },
                FixRequest { item: "t16.b".into(), comment: "Ghi rõ tiến độ".into() },
            ],
        };
        let metric = ItemKey::Metric("13.1".into());
        let task = ItemKey::Task("16.b".into());
        let before = vec![entry(metric.clone(), at - chrono::Duration::hours(1))];
        assert_eq!(asked.open(&before), vec![metric.clone(), task.clone()]);
        let fixed = vec![entry(metric.clone(), at + chrono::Duration::hours(1))];
        assert_eq!(asked.open(&fixed), vec![task.clone()]);
        assert_eq!(asked.comment(&task), Some("Ghi rõ tiến độ"));
        assert_eq!(asked.comment(&ItemKey::Task("16.a".into())), None);
    }
}
