//! Each table of a plan written from its file, inside the import's transaction: rows matched by
//! their stable codes are updated, new ones inserted, and those the file no longer has retired
//! (never deleted: what was filed under them stays readable).

use super::db::{Tx, query, query_scalar};
use super::plan::KindCount;
use super::{Result, StoreError, json_list, to_json};
use crate::domain::Plan;
use crate::domain::plan_file::*;

/// Counts one kind's upserts: a row that did not exist is added, one that did and changed is
/// updated (an upsert whose WHERE filtered it out affects no row).
struct Tally {
    count: KindCount,
    existing: std::collections::HashSet<String>,
}

impl Tally {
    async fn start(tx: &mut Tx, kind: &'static str, sql: &str, plan_id: i64) -> Result<Tally> {
        let existing = query_scalar::<String>(sql).bind(plan_id).fetch_all(&mut *tx).await?;
        Ok(Tally {
            count: KindCount { kind, ..Default::default() },
            existing: existing.into_iter().collect(),
        })
    }

    fn record(&mut self, key: &str, rows_affected: u64) {
        if !self.existing.contains(key) {
            self.count.added += 1;
        } else if rows_affected > 0 {
            self.count.updated += 1;
        }
    }
}

/// Marks the rows of `table` whose key is not in `keys` as retired; returns how many.
async fn retire(tx: &mut Tx, table: &str, key: &str, plan_id: i64, keys: &[String]) -> Result<u64> {
    let sql = format!(
        "UPDATE {table} SET retired = TRUE WHERE plan_id = $1 AND retired = FALSE \
         AND CAST({key} AS TEXT) NOT IN (SELECT value FROM {})",
        tx.backend().dialect().each("$2")
    );
    Ok(query(&sql).bind(plan_id).bind(json_list(keys)).execute(&mut *tx).await?.rows_affected())
}

pub(super) async fn import_agencies(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "agencies", "SELECT code FROM agency WHERE plan_id = $1", plan_id).await?;
    for (position, a) in file.agencies.iter().enumerate() {
        let n = query(
            "INSERT INTO agency (plan_id, code, name_vi, name_en, short_vi, short_en, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (plan_id, code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
                short_vi = excluded.short_vi, short_en = excluded.short_en, position = excluded.position,
                retired = FALSE
             WHERE agency.name_vi IS DISTINCT FROM excluded.name_vi OR agency.name_en IS DISTINCT FROM excluded.name_en
                OR agency.short_vi IS DISTINCT FROM excluded.short_vi OR agency.short_en IS DISTINCT FROM excluded.short_en
                OR agency.position IS DISTINCT FROM excluded.position OR agency.retired",
        )
        .bind(plan_id)
        .bind(&a.code)
        .bind(&a.name_vi)
        .bind(&a.name_en)
        .bind(&a.short_vi)
        .bind(&a.short_en)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&a.code, n);
    }
    let keys: Vec<String> = file.agencies.iter().map(|a| a.code.clone()).collect();
    tally.count.retired = retire(tx, "agency", "code", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_groups(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "groups", "SELECT code FROM agency_group WHERE plan_id = $1", plan_id).await?;
    for (position, g) in file.groups.iter().enumerate() {
        let n = query(
            "INSERT INTO agency_group (plan_id, code, name_vi, name_en, members, position) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (plan_id, code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
                members = excluded.members, position = excluded.position, retired = FALSE
             WHERE agency_group.name_vi IS DISTINCT FROM excluded.name_vi OR agency_group.name_en IS DISTINCT FROM excluded.name_en
                OR agency_group.members IS DISTINCT FROM excluded.members OR agency_group.position IS DISTINCT FROM excluded.position OR agency_group.retired",
        )
        .bind(plan_id)
        .bind(&g.code)
        .bind(&g.name_vi)
        .bind(&g.name_en)
        .bind(json_list(&g.members))
        .bind(position as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&g.code, n);
    }
    let keys: Vec<String> = file.groups.iter().map(|g| g.code.clone()).collect();
    tally.count.retired = retire(tx, "agency_group", "code", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_sections(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "sections", "SELECT CAST(number AS TEXT) FROM section WHERE plan_id = $1", plan_id)
            .await?;
    for s in &file.sections {
        let n = query(
            "INSERT INTO section (plan_id, number, heading, heading_inferred, assignees) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (plan_id, number) DO UPDATE SET heading = excluded.heading,
                heading_inferred = excluded.heading_inferred, assignees = excluded.assignees, retired = FALSE
             WHERE section.heading IS DISTINCT FROM excluded.heading OR section.heading_inferred IS DISTINCT FROM excluded.heading_inferred
                OR section.assignees IS DISTINCT FROM excluded.assignees OR section.retired",
        )
        .bind(plan_id)
        .bind(s.number)
        .bind(&s.heading)
        .bind(s.heading_inferred)
        .bind(json_list(&s.assignees))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&s.number.to_string(), n);
    }
    let keys: Vec<String> = file.sections.iter().map(|s| s.number.to_string()).collect();
    tally.count.retired = retire(tx, "section", "number", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) fn task_code(section: u32, id: &str) -> String {
    if id.is_empty() { section.to_string() } else { format!("{section}.{id}") }
}

pub(super) async fn import_tasks(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally = Tally::start(tx, "tasks", "SELECT code FROM task WHERE plan_id = $1", plan_id).await?;
    let mut keys = Vec::new();
    for s in &file.sections {
        for (position, t) in s.tasks.iter().enumerate() {
            let code = task_code(s.number, &t.id);
            let n = query(
                "INSERT INTO task (plan_id, section_id, code, letter, text, lead, cooperating, due_by, due_before,
                                   output, position)
                 VALUES ($1, (SELECT id FROM section WHERE plan_id = $1 AND number = $2), $3, $4, $5, $6, $7, $8,
                         $9, $10, $11)
                 ON CONFLICT (plan_id, code) DO UPDATE SET section_id = excluded.section_id,
                    letter = excluded.letter, text = excluded.text, lead = excluded.lead,
                    cooperating = excluded.cooperating, due_by = excluded.due_by, due_before = excluded.due_before,
                    output = excluded.output, position = excluded.position, retired = FALSE
                 WHERE task.section_id IS DISTINCT FROM excluded.section_id OR task.letter IS DISTINCT FROM excluded.letter
                    OR task.text IS DISTINCT FROM excluded.text OR task.lead IS DISTINCT FROM excluded.lead
                    OR task.cooperating IS DISTINCT FROM excluded.cooperating OR task.due_by IS DISTINCT FROM excluded.due_by
                    OR task.due_before IS DISTINCT FROM excluded.due_before OR task.output IS DISTINCT FROM excluded.output
                    OR task.position IS DISTINCT FROM excluded.position OR task.retired",
            )
            .bind(plan_id)
            .bind(s.number)
            .bind(&code)
            .bind(&t.id)
            .bind(&t.text)
            .bind(json_list(&t.lead))
            .bind(json_list(&t.cooperating))
            .bind(&t.due_by)
            .bind(&t.due_before)
            .bind(&t.output)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tally.record(&code, n);
            keys.push(code);
        }
    }
    tally.count.retired = retire(tx, "task", "code", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_indicators(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally = Tally::start(
        tx,
        "indicators",
        "SELECT CAST(number AS TEXT) FROM indicator WHERE plan_id = $1",
        plan_id,
    )
    .await?;
    for i in &file.indicators {
        let n = query(
            "INSERT INTO indicator (plan_id, number, name_vi, name_en, text, agencies, agencies_inferred)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (plan_id, number) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
                text = excluded.text, agencies = excluded.agencies,
                agencies_inferred = excluded.agencies_inferred, retired = FALSE
             WHERE indicator.name_vi IS DISTINCT FROM excluded.name_vi OR indicator.name_en IS DISTINCT FROM excluded.name_en OR indicator.text IS DISTINCT FROM excluded.text
                OR indicator.agencies IS DISTINCT FROM excluded.agencies OR indicator.agencies_inferred IS DISTINCT FROM excluded.agencies_inferred
                OR indicator.retired",
        )
        .bind(plan_id)
        .bind(i.number)
        .bind(&i.name_vi)
        .bind(&i.name_en)
        .bind(&i.text)
        .bind(json_list(&i.agencies))
        .bind(i.agencies_inferred)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&i.number.to_string(), n);
    }
    let keys: Vec<String> = file.indicators.iter().map(|i| i.number.to_string()).collect();
    tally.count.retired = retire(tx, "indicator", "number", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_metrics(
    tx: &mut Tx,
    plan_id: i64,
    plan: &Plan,
    file: &PlanFile,
) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "metrics", "SELECT code FROM metric WHERE plan_id = $1", plan_id).await?;
    let mut keys = Vec::new();
    for i in &file.indicators {
        for (position, m) in i.metrics.iter().enumerate() {
            let target = crate::domain::plan::Target::parse(&m.target)
                .ok_or_else(|| StoreError::Corrupt(format!("target {}", m.target)))?;
            let decimal = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string());
            // The agency that reports one value: the file's, the indicator's, or the first owner.
            let agency = plan.metric(&m.code).map(|(_, checked)| checked.agency.as_str()).unwrap_or_default();
            let same_period = to_json(&m.same_period_last_year)?;
            let n = query(
                "INSERT INTO metric (plan_id, indicator_id, code, name_vi, name_en, unit, target, target_out_of,
                                     target_high, direction, strict, about, reduction, wording, agency_id,
                                     agency_from_indicator, agency_inferred, owners, combine, part_of, kind,
                                     last_year, same_period_last_year, estimate, position)
                 VALUES ($1, (SELECT id FROM indicator WHERE plan_id = $1 AND number = $2), $3, $4, $5, $6, $7, $8,
                         $9, $10, $11, $12, $13, $14, (SELECT id FROM agency WHERE plan_id = $1 AND code = $15),
                         $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
                 ON CONFLICT (plan_id, code) DO UPDATE SET indicator_id = excluded.indicator_id,
                    name_vi = excluded.name_vi, name_en = excluded.name_en, unit = excluded.unit,
                    target = excluded.target, target_out_of = excluded.target_out_of,
                    target_high = excluded.target_high, direction = excluded.direction,
                    strict = excluded.strict, about = excluded.about, reduction = excluded.reduction,
                    wording = excluded.wording, agency_id = excluded.agency_id,
                    agency_from_indicator = excluded.agency_from_indicator,
                    agency_inferred = excluded.agency_inferred, owners = excluded.owners,
                    combine = excluded.combine, part_of = excluded.part_of, kind = excluded.kind,
                    last_year = excluded.last_year, same_period_last_year = excluded.same_period_last_year,
                    estimate = excluded.estimate, position = excluded.position, retired = FALSE
                 WHERE metric.indicator_id IS DISTINCT FROM excluded.indicator_id OR metric.name_vi IS DISTINCT FROM excluded.name_vi
                    OR metric.name_en IS DISTINCT FROM excluded.name_en OR metric.unit IS DISTINCT FROM excluded.unit
                    OR metric.target IS DISTINCT FROM excluded.target OR metric.target_out_of IS DISTINCT FROM excluded.target_out_of
                    OR metric.target_high IS DISTINCT FROM excluded.target_high OR metric.direction IS DISTINCT FROM excluded.direction
                    OR metric.strict IS DISTINCT FROM excluded.strict OR metric.about IS DISTINCT FROM excluded.about
                    OR metric.reduction IS DISTINCT FROM excluded.reduction OR metric.wording IS DISTINCT FROM excluded.wording
                    OR metric.agency_id IS DISTINCT FROM excluded.agency_id
                    OR metric.agency_from_indicator IS DISTINCT FROM excluded.agency_from_indicator
                    OR metric.agency_inferred IS DISTINCT FROM excluded.agency_inferred OR metric.owners IS DISTINCT FROM excluded.owners
                    OR metric.combine IS DISTINCT FROM excluded.combine OR metric.part_of IS DISTINCT FROM excluded.part_of
                    OR metric.kind IS DISTINCT FROM excluded.kind OR metric.last_year IS DISTINCT FROM excluded.last_year
                    OR metric.same_period_last_year IS DISTINCT FROM excluded.same_period_last_year
                    OR metric.estimate IS DISTINCT FROM excluded.estimate OR metric.position IS DISTINCT FROM excluded.position
                    OR metric.retired",
            )
            .bind(plan_id)
            .bind(i.number)
            .bind(&m.code)
            .bind(&m.name_vi)
            .bind(&m.name_en)
            .bind(&m.unit)
            .bind(target.value.to_string())
            .bind(decimal(target.out_of))
            .bind(decimal(target.high))
            .bind(&m.direction)
            .bind(m.strict)
            .bind(m.about)
            .bind(&m.reduction)
            .bind(&m.wording)
            .bind(agency)
            .bind(m.agency.is_none() && m.agencies.is_empty())
            .bind(m.agency_inferred)
            .bind(json_list(&m.agencies))
            .bind(&m.combine)
            .bind(&m.part_of)
            .bind(&m.kind)
            .bind(&m.last_year)
            .bind(same_period)
            .bind(m.estimate)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tally.record(&m.code, n);
            keys.push(m.code.clone());
        }
    }
    tally.count.retired = retire(tx, "metric", "code", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_indicator_groups(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "indicator-groups", "SELECT code FROM indicator_group WHERE plan_id = $1", plan_id)
            .await?;
    for (position, g) in file.indicator_groups.iter().enumerate() {
        let indicators = to_json(&g.indicators)?;
        let n = query(
            "INSERT INTO indicator_group (plan_id, code, name_vi, name_en, indicators, position)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (plan_id, code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
                indicators = excluded.indicators, position = excluded.position, retired = FALSE
             WHERE indicator_group.name_vi IS DISTINCT FROM excluded.name_vi OR indicator_group.name_en IS DISTINCT FROM excluded.name_en
                OR indicator_group.indicators IS DISTINCT FROM excluded.indicators OR indicator_group.position IS DISTINCT FROM excluded.position OR indicator_group.retired",
        )
        .bind(plan_id)
        .bind(&g.code)
        .bind(&g.name_vi)
        .bind(&g.name_en)
        .bind(indicators)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&g.code, n);
    }
    let keys: Vec<String> = file.indicator_groups.iter().map(|g| g.code.clone()).collect();
    tally.count.retired = retire(tx, "indicator_group", "code", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_rounds(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "rounds", "SELECT code FROM reporting_round WHERE plan_id = $1", plan_id).await?;
    for (position, r) in file.rounds.iter().enumerate() {
        let schedule = to_json(&r.schedule)?;
        let sections = r.sections.as_ref().map(to_json).transpose()?;
        let indicators = r.indicators.as_ref().map(to_json).transpose()?;
        let n = query(
            "INSERT INTO reporting_round (plan_id, code, name_vi, name_en, wording, asks, recipients, to_agency,
                                          schedule, sections, indicators, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (plan_id, code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
                wording = excluded.wording, asks = excluded.asks, recipients = excluded.recipients,
                to_agency = excluded.to_agency, schedule = excluded.schedule, sections = excluded.sections,
                indicators = excluded.indicators, position = excluded.position, retired = FALSE
             WHERE reporting_round.name_vi IS DISTINCT FROM excluded.name_vi OR reporting_round.name_en IS DISTINCT FROM excluded.name_en
                OR reporting_round.wording IS DISTINCT FROM excluded.wording OR reporting_round.asks IS DISTINCT FROM excluded.asks
                OR reporting_round.recipients IS DISTINCT FROM excluded.recipients OR reporting_round.to_agency IS DISTINCT FROM excluded.to_agency
                OR reporting_round.schedule IS DISTINCT FROM excluded.schedule OR reporting_round.sections IS DISTINCT FROM excluded.sections
                OR reporting_round.indicators IS DISTINCT FROM excluded.indicators OR reporting_round.position IS DISTINCT FROM excluded.position
                OR reporting_round.retired",
        )
        .bind(plan_id)
        .bind(&r.code)
        .bind(&r.name_vi)
        .bind(&r.name_en)
        .bind(&r.wording)
        .bind(json_list(&r.asks))
        .bind(json_list(&r.recipients))
        .bind(&r.to)
        .bind(schedule)
        .bind(sections)
        .bind(indicators)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&r.code, n);
    }
    let keys: Vec<String> = file.rounds.iter().map(|r| r.code.clone()).collect();
    tally.count.retired = retire(tx, "reporting_round", "code", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_holidays(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "holidays", "SELECT first_day FROM holiday WHERE plan_id = $1", plan_id).await?;
    for h in &file.holidays {
        let last = h.to.clone().unwrap_or_else(|| h.from.clone());
        let n = query(
            "INSERT INTO holiday (plan_id, first_day, last_day, name) VALUES ($1, $2, $3, $4)
             ON CONFLICT (plan_id, first_day) DO UPDATE SET last_day = excluded.last_day, name = excluded.name,
                retired = FALSE
             WHERE holiday.last_day IS DISTINCT FROM excluded.last_day OR holiday.name IS DISTINCT FROM excluded.name OR holiday.retired",
        )
        .bind(plan_id)
        .bind(&h.from)
        .bind(&last)
        .bind(&h.name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&h.from, n);
    }
    let keys: Vec<String> = file.holidays.iter().map(|h| h.from.clone()).collect();
    tally.count.retired = retire(tx, "holiday", "first_day", plan_id, &keys).await?;
    Ok(tally.count)
}

pub(super) async fn import_working_days(tx: &mut Tx, plan_id: i64, file: &PlanFile) -> Result<KindCount> {
    let mut tally =
        Tally::start(tx, "working-days", "SELECT day FROM working_day WHERE plan_id = $1", plan_id).await?;
    for w in &file.working_days {
        let n = query(
            "INSERT INTO working_day (plan_id, day, name) VALUES ($1, $2, $3)
             ON CONFLICT (plan_id, day) DO UPDATE SET name = excluded.name, retired = FALSE
             WHERE working_day.name IS DISTINCT FROM excluded.name OR working_day.retired",
        )
        .bind(plan_id)
        .bind(&w.date)
        .bind(&w.name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tally.record(&w.date, n);
    }
    let keys: Vec<String> = file.working_days.iter().map(|w| w.date.clone()).collect();
    tally.count.retired = retire(tx, "working_day", "day", plan_id, &keys).await?;
    Ok(tally.count)
}
