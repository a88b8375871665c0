//! Unknown keys of a plan file: each one is a problem among the others, never a stop.
//!
//! The file is first read as a TOML document. Every table is compared with the fields its
//! shape in `plan_file.rs` declares (asked of serde itself, so the lists never drift from the
//! structs); an unknown key is reported at its place and taken out, and the rest is read as
//! usual. Places are written as the checker writes them (`plan_check::place`).

use serde::de::{self, DeserializeOwned, Visitor};
use toml::de::{DeTable, DeValue};

use super::plan_check::place;
use super::plan_file::*;
use super::problems::{PlanProblem, ProblemKind};

/// Reports and removes every key of `doc` that the plan file's shape does not have.
pub(super) fn strip_unknown_keys(doc: &mut DeTable<'_>) -> Vec<PlanProblem> {
    let mut found = Vec::new();
    let mut check = |table: &mut DeTable<'_>, fields: &[&str], at: &str| {
        let unknown: Vec<String> =
            table.keys().map(|k| k.get_ref().to_string()).filter(|k| !fields.contains(&k.as_str())).collect();
        for key in unknown {
            table.remove(key.as_str());
            let place = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
            found.push(PlanProblem {
                place,
                kind: ProblemKind::UnknownField { name: key, allowed: fields.join(", ") },
            });
        }
    };
    check(doc, fields_of::<PlanFile>(), "");
    if let Some(t) = table_at(doc, "plan") {
        check(t, fields_of::<PlanHeader>(), "plan");
    }
    if let Some(t) = table_at(doc, "reminders") {
        check(t, fields_of::<ReminderEntry>(), "reminders");
    }
    for (i, t) in entries(doc, "agencies") {
        check(t, fields_of::<AgencyEntry>(), &place::nth("agencies", i));
    }
    for (i, t) in entries(doc, "groups") {
        let at = place::coded("groups", label(t, "code"), i);
        check(t, fields_of::<GroupEntry>(), &at);
    }
    for (i, section) in entries(doc, "sections") {
        let at = place::coded("sections", label(section, "number"), i);
        check(section, fields_of::<SectionEntry>(), &at);
        for (j, task) in entries(section, "tasks") {
            let task_at = place::coded(&format!("{at}.tasks"), label(task, "id"), j);
            check(task, fields_of::<TaskEntry>(), &task_at);
        }
    }
    for (i, indicator) in entries(doc, "indicators") {
        let at = place::coded("indicators", label(indicator, "number"), i);
        check(indicator, fields_of::<IndicatorEntry>(), &at);
        for (j, metric) in entries(indicator, "metrics") {
            let metric_at = place::coded(&format!("{at}.metrics"), label(metric, "code"), j);
            check(metric, fields_of::<MetricEntry>(), &metric_at);
        }
    }
    for (i, t) in entries(doc, "indicator_groups") {
        let at = place::coded("indicator_groups", label(t, "code"), i);
        check(t, fields_of::<IndicatorGroupEntry>(), &at);
    }
    for (i, round) in entries(doc, "rounds") {
        let at = place::coded("rounds", label(round, "code"), i);
        check(round, fields_of::<RoundEntry>(), &at);
        if let Some(t) = table_at(round, "schedule") {
            check(t, fields_of::<ScheduleEntry>(), &format!("{at}.schedule"));
        }
    }
    for (i, t) in entries(doc, "holidays") {
        check(t, fields_of::<HolidayEntry>(), &place::nth("holidays", i));
    }
    for (i, t) in entries(doc, "working_days") {
        check(t, fields_of::<WorkingDayEntry>(), &place::nth("working_days", i));
    }
    found
}

fn table_at<'a, 'i>(table: &'a mut DeTable<'i>, key: &str) -> Option<&'a mut DeTable<'i>> {
    match table.get_mut(key)?.get_mut() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// The tables of an array of tables (`[[sections]]`), with their positions from 0.
fn entries<'a, 'i>(table: &'a mut DeTable<'i>, key: &str) -> Vec<(usize, &'a mut DeTable<'i>)> {
    let Some(value) = table.get_mut(key) else { return vec![] };
    let DeValue::Array(items) = value.get_mut() else { return vec![] };
    items
        .iter_mut()
        .enumerate()
        .filter_map(|(i, item)| match item.get_mut() {
            DeValue::Table(t) => Some((i, t)),
            _ => None,
        })
        .collect()
}

/// The text of an entry's own number or code (`number = 4`, `code = "5.2"`), if written.
fn label(table: &DeTable<'_>, key: &str) -> Option<String> {
    match table.get(key)?.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(n) => Some(n.as_str().to_owned()),
        _ => None,
    }
}

/// The field names a struct's `Deserialize` declares, read by asking it to deserialize from a
/// deserializer that only records them.
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(FieldNames) {
        Err(Recorded(fields)) => fields,
        Ok(_) => &[],
    }
}

struct FieldNames;

#[derive(Debug)]
struct Recorded(&'static [&'static str]);

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fields {:?}", self.0)
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Recorded(&[])
    }
}

impl<'de> de::Deserializer<'de> for FieldNames {
    type Error = Recorded;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Recorded> {
        Err(Recorded(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Recorded> {
        Err(Recorded(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_lists_are_the_structs_own() {
        assert_eq!(fields_of::<HolidayEntry>(), ["from", "to", "name"]);
        assert!(fields_of::<MetricEntry>().contains(&"same_period_last_year"));
        assert!(fields_of::<PlanFile>().contains(&"working_days"));
    }

    #[test]
    fn unknown_keys_are_found_at_every_depth_and_taken_out() {
        let text = "typo = 1\n[plan]\ncode = \"x\"\ncodee = \"y\"\n\
                    [[sections]]\nnumber = 4\n[[sections.tasks]]\nid = \"c\"\ntxt = \"z\"\n\
                    [[holidays]]\nfrom = \"2022-01-01\"\n[[holidays]]\nform = \"2022-01-02\"\n";
        let mut doc = DeTable::parse(text).unwrap().into_inner();
        let found: Vec<String> = strip_unknown_keys(&mut doc).into_iter().map(|p| p.place).collect();
        assert_eq!(found, ["typo", "plan.codee", "sections[4].tasks[c].txt", "holidays[2].form"]);
        assert!(strip_unknown_keys(&mut doc).is_empty(), "taken out");
    }
}
