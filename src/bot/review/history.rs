//! `/lichsu SYT 13.1 [2022-Q1]`: every change of one item of one report (when, who, before →
//! after) and the report's sending and review decisions.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::bot::report::describe;
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::calendar::{current_deadline, local_date};
use crate::domain::people::Lang;
use crate::domain::plan::{ReportingRound, Schedule};
use crate::domain::report::{ItemEntry, ItemKey, TaskStatus, items_for};
use crate::domain::review::FixRequest;
use crate::domain::search::find_agencies;
use crate::domain::{PeriodKey, Plan};
use crate::leadership::{rounds_of_period, year_deadlines};
use crate::store::ReportEvent;
use crate::{present, t};

/// The round whose reports hold items: the recurring one when there is one.
fn item_round(plan: &Plan) -> Option<&ReportingRound> {
    let asks = || plan.rounds.iter().filter(|r| r.asks.tasks || r.asks.metrics);
    asks().find(|r| matches!(r.schedule, Schedule::Recurring { .. })).or_else(|| asks().next())
}

/// "13.1", "16.a" (any case), "17" or "(17)".
fn names_item(key: &ItemKey, word: &str) -> bool {
    match key {
        ItemKey::Task(c) => c.to_lowercase() == word.to_lowercase(),
        ItemKey::Metric(c) => c == word,
        ItemKey::Narrative(n) => word.trim_start_matches('(').trim_end_matches(')') == n.to_string(),
    }
}

fn item_code(key: &ItemKey) -> String {
    match key {
        ItemKey::Task(c) | ItemKey::Metric(c) => c.clone(),
        ItemKey::Narrative(n) => format!("({n})"),
    }
}

/// An item as a history entry stored it (`null` before the first change).
fn entry_of(key: &ItemKey, v: &Value, at: DateTime<Utc>) -> Option<ItemEntry> {
    let decimal = |f: &str| v.get(f).and_then(Value::as_str).and_then(|s| Decimal::from_str_exact(s).ok());
    v.as_object()?;
    Some(ItemEntry {
        key: key.clone(),
        status: v.get("status").and_then(Value::as_str).and_then(TaskStatus::parse),
        percent: v.get("percent").and_then(Value::as_u64).map(|p| p.min(100) as u8),
        value: decimal("value"),
        value_out_of: decimal("value_out_of"),
        note: v.get("note").and_then(Value::as_str).map(str::to_owned),
        updated_at: at,
        updated_by: None,
        version: 0,
        plan_version: None,
        asked_as: None,
    })
}

fn shown(lang: Lang, plan: &Plan, e: Option<ItemEntry>) -> String {
    match e {
        Some(e) if e.status.is_some() || e.value.is_some() || e.note.is_some() || e.percent.is_some() => {
            describe(lang, plan, &e)
        }
        _ => t!(lang, "history-empty-value"),
    }
}

pub async fn history(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let lang = ctx.lang;
    let words: Vec<&str> = arg.split_whitespace().collect();
    let (agency_word, item_word, period_word) = match words.as_slice() {
        [a, i] => (*a, *i, None),
        [a, i, p] => (*a, *i, Some(*p)),
        _ => {
            turn.say(t!(lang, "history-usage")).await?;
            return Ok(());
        }
    };
    // The plan of the period asked for, else the one imported last.
    let plan = match period_word.and_then(|p| p.parse::<PeriodKey>().ok()) {
        Some(p) => app.plan_for_period(p),
        None => app.plan.get(),
    };
    let found = find_agencies(&plan, agency_word);
    let [agency] = found.as_slice() else {
        turn.say(t!(lang, "agency-not-found", query = agency_word.to_owned())).await?;
        return Ok(());
    };
    let chosen = match period_word {
        Some(typed) => {
            // Of several rounds with the period, the first (those asking for items come first).
            let first_round = |p| rounds_of_period(&plan, p).first().copied();
            match typed.parse::<PeriodKey>().ok().and_then(|p| Some((first_round(p)?, p))) {
                Some(found) => Some(found),
                None => {
                    turn.say(t!(lang, "export-bad-period", typed = typed.to_owned())).await?;
                    return Ok(());
                }
            }
        }
        None => item_round(&plan).and_then(|r| {
            let today = local_date(&plan, ctx.now);
            let latest_opened = || year_deadlines(&plan, r).into_iter().rfind(|d| d.opens <= today);
            current_deadline(&plan, r, ctx.now).or_else(latest_opened).map(|d| (r, d.period))
        }),
    };
    let Some((round, period)) = chosen else {
        turn.say(t!(lang, "history-usage")).await?;
        return Ok(());
    };
    let round_name = crate::bot::report::round_name(&plan, lang, &round.code);
    let agency_name = present::name(lang, &agency.name_vi, &agency.name_en).to_owned();
    let Some(key) = items_for(&plan, round, &agency.code).into_iter().find(|k| names_item(k, item_word))
    else {
        let text = t!(
            lang,
            "history-item-not-found",
            agency = agency_name,
            item = item_word.to_owned(),
            round = round_name
        );
        turn.say(text).await?;
        return Ok(());
    };
    let Some(report) = app.store.find_report(&plan.code, &round.code, period, &agency.code).await? else {
        let text = t!(
            lang,
            "history-no-report",
            agency = agency_name,
            round = round_name,
            period = present::period(lang, period)
        );
        turn.say(text).await?;
        return Ok(());
    };
    let events = app.store.report_events(report.id).await?;
    let ids: Vec<i64> = events.iter().filter_map(|e| e.person).collect();
    let names = app.store.person_names(&ids).await?;
    let who =
        |e: &ReportEvent| e.person.and_then(|p| names.get(&p).cloned()).unwrap_or_else(|| "—".to_owned());
    let at = |e: &ReportEvent| present::local_time(&plan, e.at);
    let mut lines = vec![t!(
        lang,
        "history-heading",
        item = item_code(&key),
        agency = agency_name,
        round = round_name,
        period = present::period(lang, period)
    )];
    // The item as its answer answered it, and the version that was when not this one.
    let entries = app.store.items(report.id).await?;
    let answer: Vec<&ItemEntry> = entries.iter().filter(|e| e.key == key).collect();
    let answered = crate::answered::answered(&app.store, &plan, &answer).await?;
    lines.extend(crate::answered::answered_under(lang, &plan, &answered.versions));
    let plan = answered.plan;
    lines.push(t!(lang, "history-values"));
    let changes: Vec<&ReportEvent> =
        events.iter().filter(|e| e.kind == "item_changed" && e.item.as_ref() == Some(&key)).collect();
    if changes.is_empty() {
        lines.push(t!(lang, "history-no-values"));
    }
    for e in changes {
        let before = e.detail.get("before").and_then(|v| entry_of(&key, v, e.at));
        let after = e.detail.get("after").and_then(|v| entry_of(&key, v, e.at));
        lines.push(t!(
            lang,
            "history-value-line",
            at = at(e),
            person = who(e),
            before = shown(lang, &plan, before),
            after = shown(lang, &plan, after)
        ));
    }
    lines.push(t!(lang, "history-decisions"));
    let mut decided = false;
    for e in &events {
        let line = match e.kind.as_str() {
            "submitted" => t!(lang, "history-submitted", at = at(e), person = who(e)),
            "accepted" => t!(lang, "history-accepted", at = at(e), person = who(e)),
            "returned" => {
                let comment = e.detail.get("comment").and_then(Value::as_str).unwrap_or_default().to_owned();
                // Which items were asked to fix, and this one's comment when it was one.
                let asked: Vec<FixRequest> = e
                    .detail
                    .get("items")
                    .and_then(|v| serde_json::from_value(v.clone()).ok())
                    .unwrap_or_default();
                match asked.iter().find(|f| f.key().as_ref() == Some(&key)) {
                    Some(f) => t!(
                        lang,
                        "history-returned-this-item",
                        at = at(e),
                        person = who(e),
                        comment = f.comment.clone(),
                        count = asked.len() as i64
                    ),
                    None if !asked.is_empty() => {
                        let items: Vec<String> =
                            asked.iter().filter_map(|f| f.key()).map(|k| item_code(&k)).collect();
                        t!(
                            lang,
                            "history-returned-other-items",
                            at = at(e),
                            person = who(e),
                            items = items.join(", ")
                        )
                    }
                    None => t!(lang, "history-returned", at = at(e), person = who(e), comment = comment),
                }
            }
            "reopened" => t!(lang, "history-reopened", at = at(e), person = who(e)),
            _ => continue,
        };
        decided = true;
        lines.push(line);
    }
    if !decided {
        lines.push(t!(lang, "history-no-decisions"));
    }
    turn.send(Screen::text(lines.join("\n"))).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_named_by_their_codes() {
        assert!(names_item(&ItemKey::Task("16.đ".into()), "16.Đ"));
        assert!(names_item(&ItemKey::Metric("13.1".into()), "13.1"));
        assert!(!names_item(&ItemKey::Metric("13.1".into()), "13.10"));
        assert!(names_item(&ItemKey::Narrative(17), "(17)"));
        assert!(names_item(&ItemKey::Narrative(17), "17"));
        assert!(!names_item(&ItemKey::Task("17".into()), "18"));
    }

    #[test]
    fn history_entries_read_back_as_items() {
        let at = Utc::now();
        let key = ItemKey::Metric("5.1".into());
        let v = serde_json::json!({"status": null, "percent": null, "value": "2250.5", "value_out_of": null, "note": "ước"});
        let e = entry_of(&key, &v, at).unwrap();
        assert_eq!((e.value, e.note.as_deref()), (Some(Decimal::new(22505, 1)), Some("ước")));
        assert_eq!(entry_of(&key, &Value::Null, at), None);
    }
}
