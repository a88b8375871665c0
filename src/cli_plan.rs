//! The operator's plan commands: check a file, see what importing it would change, import it
//! (refusing to move what was filed unless told where), show it, stop following it, and list
//! its deadlines.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Datelike, Utc};

use crate::config::Settings;
use crate::domain::plan_diff::{self, Aim, Change, Kind, PlanDiff, What};
use crate::domain::{Plan, PlanProblem, Problems, calendar};
use crate::i18n::Lang;
use crate::present;
use crate::startup::{load_plan_named, open_store};
use crate::store::{ImportSummary, Store};
use crate::t;

/// The plan a command works on: the one named (by its code, or a code it was followed under
/// before an amendment renumbered it), else the first followed that `fits`, else the one
/// imported last. `None` (said why) when the named one is not followed.
pub async fn pick_plan(
    settings: &Settings,
    store: &Store,
    code: Option<&str>,
    fits: impl Fn(&Plan) -> bool,
) -> anyhow::Result<Option<Plan>> {
    let followed: Vec<Plan> = store.plans_followed().await?.into_iter().map(|(p, _)| p).collect();
    let code = match code {
        Some(code) => code,
        None => match followed.iter().find(|p| fits(p)) {
            Some(p) => p.code.as_str(),
            None => return load_plan_named(settings, store, None).await.map(Some),
        },
    };
    if !followed.iter().any(|p| p.code == code || p.amends.iter().any(|a| a == code)) {
        let plans = followed.iter().map(|p| p.code.as_str()).collect::<Vec<_>>().join(", ");
        eprintln!("{}", t!(settings.language, "cli-plan-unknown", code = code.to_owned(), plans = plans));
        return Ok(None);
    }
    load_plan_named(settings, store, Some(code)).await.map(Some)
}

/// Every problem, one per line, each with its place.
pub fn render_problems(lang: Lang, problems: &Problems) -> String {
    render_listing(lang, &problems.0, "plan-problems-header", "plan-problem-line")
}

/// A header and one line per problem or warning, each with its place.
fn render_listing(lang: Lang, problems: &[PlanProblem], header: &str, line: &str) -> String {
    let mut out = t!(lang, header, count = problems.len() as i64);
    for p in problems {
        let args: Vec<(&'static str, crate::i18n::Arg)> =
            p.kind.args().into_iter().map(|(k, v)| (k, crate::i18n::Arg::from(v))).collect();
        let message = crate::i18n::tr_args(lang, p.kind.key(), args);
        out.push('\n');
        out.push_str(&t!(lang, line, place = p.place.clone(), message = message));
    }
    out
}

/// Reads and checks a plan file; its warnings are printed here (they never refuse it), its
/// problems returned as the listing to print.
fn read_plan_file(lang: Lang, file: &Path) -> anyhow::Result<Result<Plan, String>> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let checked = Plan::check(&text);
    if !checked.warnings.is_empty() {
        eprintln!("{}", render_listing(lang, &checked.warnings, "plan-warnings-header", "plan-warning-line"));
    }
    Ok(checked.plan.map_err(|problems| render_problems(lang, &problems)))
}

pub fn plan_check(lang: Lang, file: &Path) -> anyhow::Result<ExitCode> {
    match read_plan_file(lang, file)? {
        Ok(plan) => {
            println!("{}", plan_counts(lang, &plan, "plan-check-ok"));
            Ok(ExitCode::SUCCESS)
        }
        Err(listing) => {
            eprintln!("{listing}");
            Ok(ExitCode::from(1))
        }
    }
}

fn render_import(lang: Lang, plan: &Plan, summary: &ImportSummary) -> String {
    if summary.is_unchanged() {
        return t!(lang, "plan-import-unchanged", code = plan.code.clone());
    }
    let mut out = if summary.plan_created {
        t!(lang, "plan-import-created", code = plan.code.clone())
    } else {
        t!(lang, "plan-import-updated", code = plan.code.clone())
    };
    if let Some(old) = &summary.renumbered_from {
        out.push('\n');
        out.push_str(&t!(lang, "plan-import-renumbered", old = old.clone(), code = plan.code.clone()));
    }
    for (_, old, new) in &summary.renamed {
        out.push('\n');
        out.push_str(&t!(lang, "plan-import-renamed", old = old.clone(), new = new.clone()));
    }
    if let Some(number) = summary.version.filter(|n| *n > 1) {
        out.push('\n');
        out.push_str(&t!(lang, "plan-import-version", number = number));
    }
    for k in summary.kinds.iter().filter(|k| k.added + k.updated + k.retired > 0) {
        out.push('\n');
        out.push_str(&t!(
            lang,
            "plan-import-kind",
            kind = t!(lang, &format!("plan-kind-{}", k.kind)),
            added = k.added as i64,
            updated = k.updated as i64,
            retired = k.retired as i64
        ));
    }
    out
}

fn plan_counts(lang: Lang, plan: &Plan, key: &str) -> String {
    t!(
        lang,
        key,
        code = plan.code.clone(),
        agencies = plan.agencies.len() as i64,
        groups = plan.groups.len() as i64,
        sections = plan.sections.len() as i64,
        tasks = plan.task_count() as i64,
        indicators = plan.indicators.len() as i64,
        metrics = plan.metric_count() as i64,
        rounds = plan.rounds.len() as i64,
        holidays = plan.holidays.len() as i64
    )
}

pub async fn plan_show(settings: &Settings, json: bool, code: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let Some(plan) = pick_plan(settings, &store, code, |_| true).await? else { return Ok(ExitCode::from(1)) };
    if json {
        println!("{}", serde_json::to_string_pretty(&plan.to_file())?);
        return Ok(ExitCode::SUCCESS);
    }
    let lang = settings.language;
    let mut out = vec![
        t!(lang, "plan-show-title", code = plan.code.clone(), title = plan.title.clone()),
        t!(
            lang,
            "plan-show-place",
            province = plan.province.clone(),
            year = plan.year as i64,
            zone = plan.time_zone.name()
        ),
        plan_counts(lang, &plan, "plan-show-counts"),
    ];
    if let Some(c) = plan.agency(plan.coordinator.as_str()) {
        out.push(t!(
            lang,
            "plan-show-coordinator",
            name = present::name(lang, &c.name_vi, &c.name_en).to_owned()
        ));
    }
    out.push(t!(lang, "plan-show-sections"));
    for s in &plan.sections {
        let key = if s.heading_inferred { "plan-show-section-inferred" } else { "plan-show-section" };
        out.push(t!(
            lang,
            key,
            number = s.number as i64,
            heading = s.heading.clone(),
            tasks = s.tasks.len() as i64
        ));
    }
    out.push(t!(lang, "plan-show-indicators"));
    for i in &plan.indicators {
        let name = present::name(lang, &i.name_vi, &i.name_en).to_owned();
        out.push(if i.is_qualitative() {
            t!(lang, "plan-show-indicator-qualitative", number = i.number as i64, name = name)
        } else {
            t!(
                lang,
                "plan-show-indicator",
                number = i.number as i64,
                name = name,
                metrics = i.metrics.len() as i64
            )
        });
    }
    println!("{}", out.join("\n"));
    Ok(ExitCode::SUCCESS)
}

pub async fn deadlines(
    settings: &Settings,
    year: Option<i32>,
    code: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let of_year = |p: &Plan| year.is_none_or(|y| p.year == y);
    let Some(plan) = pick_plan(settings, &store, code, of_year).await? else { return Ok(ExitCode::from(1)) };
    let lang = settings.language;
    let year = year.unwrap_or(plan.year);
    let all = calendar::deadlines(&plan, year);
    if all.is_empty() {
        println!("{}", t!(lang, "deadlines-none", year = year as i64, code = plan.code.clone()));
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}",
        t!(
            lang,
            "deadlines-header",
            year = year as i64,
            code = plan.code.clone(),
            zone = plan.time_zone.name()
        )
    );
    for d in &all {
        let round = present::round_name(&plan, lang, &d.round);
        println!(
            "{}",
            t!(
                lang,
                "deadlines-line",
                round = round,
                period = d.period.to_string(),
                last_day = present::date_with_weekday(lang, d.last_day),
                opens = present::date(d.opens),
                closes = present::date(d.closes),
                year = d.last_day.year() as i64
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What importing a file would do to the plans followed, and whether it would be refused.
struct Preview {
    /// The plan followed that the file updates (its code, or one it amends), if any.
    old: Option<Plan>,
    diff: PlanDiff,
    /// Other plans of the same province and year followed, when the file does not amend them:
    /// importing it would chase the same agencies twice.
    siblings: Vec<Plan>,
    followed: Vec<String>,
    /// The current version number of the plan updated.
    version: Option<i64>,
}

async fn preview(store: &Store, new: &Plan) -> anyhow::Result<Preview> {
    let followed: Vec<Plan> = store.plans_followed().await?.into_iter().map(|(p, _)| p).collect();
    let old = store.plan_for_file(&new.code, &new.amends).await?;
    let (diff, version) = match &old {
        Some(old) => {
            let filed = store.filed_counts(&old.code).await?;
            let version = store.plan_versions(&old.code).await?.last().map(|(_, n, _)| *n);
            (plan_diff::diff(old, new, &filed), version)
        }
        None => (PlanDiff::default(), None),
    };
    let siblings = match &old {
        Some(_) => vec![],
        None => followed
            .iter()
            .filter(|p| p.province == new.province && p.year == new.year && !new.amends.contains(&p.code))
            .cloned()
            .collect(),
    };
    Ok(Preview { old, diff, siblings, followed: followed.into_iter().map(|p| p.code).collect(), version })
}

/// `dondoc plan diff FILE`: what an import would change, changing nothing.
pub async fn plan_diff(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let new = match read_plan_file(lang, file)? {
        Ok(plan) => plan,
        Err(listing) => {
            eprintln!("{listing}");
            return Ok(ExitCode::from(1));
        }
    };
    let store = Store::open(&settings.database).await?;
    let p = preview(&store, &new).await?;
    println!("{}", render_preview(lang, &new, &p, &[]));
    Ok(ExitCode::SUCCESS)
}

/// `dondoc plan import FILE [--confirm OLD]... [--alongside]`: imports a checked file, unless
/// it would move answers already filed without the file saying where (each such move is
/// confirmed by its old code), or start chasing the agencies of a plan followed for the same
/// province and year twice.
pub async fn plan_import(
    settings: &Settings,
    file: &Path,
    confirmed: &[String],
    alongside: bool,
) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    // A broken file is refused before the database is even opened.
    let mut plan = match read_plan_file(lang, file)? {
        Ok(plan) => plan,
        Err(listing) => {
            eprintln!("{listing}\n{}", t!(lang, "plan-import-refused"));
            return Ok(ExitCode::from(1));
        }
    };
    let store = Store::open(&settings.database).await?;
    let p = preview(&store, &plan).await?;
    let refused: Vec<&Change> = p.diff.refusals(confirmed).collect();
    if !refused.is_empty() {
        let mut out = vec![t!(lang, "plan-import-moves-refused", count = refused.len() as i64)];
        for c in &refused {
            out.push(format!(
                "  {}",
                t!(
                    lang,
                    "plan-import-move-line",
                    from = c.old_code().to_owned(),
                    code = c.code.clone(),
                    count = c.filed as i64
                )
            ));
        }
        out.push(t!(lang, "plan-import-refused"));
        eprintln!("{}", out.join("\n"));
        return Ok(ExitCode::from(1));
    }
    if let Some(other) = p.siblings.first().filter(|_| !alongside) {
        eprintln!(
            "{}\n{}",
            sibling_warning(lang, &plan, other, "plan-import-sibling-refused"),
            t!(lang, "plan-import-refused")
        );
        return Ok(ExitCode::from(1));
    }
    // The moves found (the same words under another code) are imported as if the file said
    // them: those over filed answers as the operator confirmed, the others because nothing
    // filed goes with them (and a chain of re-lettered entries moves as one).
    for c in &p.diff.changes {
        if let What::Moved { from, said: false } = &c.what {
            plan.set_replaces(c.kind, &c.code, from);
        }
    }
    let summary = store.import_plan(&plan, Utc::now()).await?;
    println!("{}", render_import(lang, &plan, &summary));
    if summary.plan_created {
        let others: Vec<&str> =
            p.followed.iter().map(String::as_str).filter(|c| !plan.amends.iter().any(|a| a == c)).collect();
        if !others.is_empty() {
            println!(
                "{}",
                t!(lang, "plan-diff-alongside", code = plan.code.clone(), others = others.join(", "))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `dondoc plan stop CODE`: stops following a plan (no more reminders or questions); what was
/// filed stays, and importing its file again follows it again.
pub async fn plan_stop(settings: &Settings, code: &str) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let store = Store::open(&settings.database).await?;
    let followed: Vec<String> = store.plans_followed().await?.into_iter().map(|(p, _)| p.code).collect();
    if !followed.iter().any(|c| c == code) {
        eprintln!("{}", t!(lang, "cli-plan-unknown", code = code.to_owned(), plans = followed.join(", ")));
        return Ok(ExitCode::from(1));
    }
    if followed.len() == 1 {
        eprintln!("{}", t!(lang, "plan-stop-last", code = code.to_owned()));
        return Ok(ExitCode::from(1));
    }
    store.stop_following(code, Utc::now()).await?;
    println!("{}", t!(lang, "plan-stop-done", code = code.to_owned()));
    Ok(ExitCode::SUCCESS)
}

fn sibling_warning(lang: Lang, new: &Plan, other: &Plan, key: &str) -> String {
    t!(
        lang,
        key,
        code = new.code.clone(),
        other = other.code.clone(),
        province = other.province.clone(),
        year = other.year as i64
    )
}

fn aim(lang: Lang, a: &Aim) -> String {
    format!("{} {} {}", present::direction(lang, a.direction).to_lowercase(), a.target, a.unit)
        .trim_end()
        .to_owned()
}

/// One change, with what becomes of the answers filed against it.
fn change_line(lang: Lang, c: &Change, confirmed: &[String]) -> String {
    let code = c.code.clone();
    let (main, filed) = match &c.what {
        What::Added => (t!(lang, "plan-diff-added", code = code), None),
        What::Removed => (t!(lang, "plan-diff-removed", code = code), Some("plan-diff-filed-history")),
        What::Reworded { .. } => (t!(lang, "plan-diff-reworded", code = code), Some("plan-diff-filed-kept")),
        What::Retargeted { before, after } => (
            t!(
                lang,
                "plan-diff-retargeted",
                code = code,
                before = aim(lang, before),
                after = aim(lang, after)
            ),
            Some("plan-diff-filed-kept"),
        ),
        What::Moved { from, said: true } => (
            t!(lang, "plan-diff-moved-said", code = code, from = from.clone()),
            Some("plan-diff-filed-follow"),
        ),
        What::Moved { from, said: false } => {
            let waiting = c.needs_confirmation() && !confirmed.iter().any(|x| x == from);
            let follow = if waiting { "plan-diff-needs-confirm" } else { "plan-diff-filed-follow" };
            (t!(lang, "plan-diff-moved-found", code = code, from = from.clone()), Some(follow))
        }
    };
    match filed.filter(|_| c.filed > 0) {
        Some(key) => {
            let key = if c.kind == Kind::Round && key == "plan-diff-filed-follow" {
                "plan-diff-reports-follow"
            } else {
                key
            };
            let note =
                t!(lang, key, count = c.filed as i64, code = c.code.clone(), from = c.old_code().to_owned());
            format!("{main} {note}")
        }
        None => main,
    }
}

fn render_preview(lang: Lang, new: &Plan, p: &Preview, confirmed: &[String]) -> String {
    let mut out = Vec::new();
    let Some(old) = &p.old else {
        out.push(plan_counts(lang, new, "plan-diff-new"));
        for other in &p.siblings {
            out.push(sibling_warning(lang, new, other, "plan-import-sibling-refused"));
        }
        if p.siblings.is_empty() && !p.followed.is_empty() {
            out.push(t!(
                lang,
                "plan-diff-alongside",
                code = new.code.clone(),
                others = p.followed.join(", ")
            ));
        }
        return out.join("\n");
    };
    if old.code != new.code {
        out.push(t!(lang, "plan-diff-renumber", old = old.code.clone(), code = new.code.clone()));
    }
    if p.diff.is_empty() {
        out.push(t!(lang, "plan-diff-none", code = old.code.clone()));
        return out.join("\n");
    }
    let version = p.version.unwrap_or(1);
    out.push(t!(lang, "plan-diff-update", code = new.code.clone(), version = version, next = version + 1));
    for kind in [Kind::Task, Kind::Metric, Kind::Round] {
        let mut changes: Vec<&Change> = p.diff.changes.iter().filter(|c| c.kind == kind).collect();
        if changes.is_empty() {
            continue;
        }
        changes.sort_by_key(|a| natural(&a.code));
        out.push(t!(lang, &format!("plan-diff-kind-{}", kind.as_str()), count = changes.len() as i64));
        out.extend(changes.iter().map(|c| format!("  {}", change_line(lang, c, confirmed))));
    }
    if !p.diff.duties.is_empty() {
        out.push(t!(lang, "plan-diff-duties"));
        for (agency, d) in &p.diff.duties {
            let mut parts = Vec::new();
            if !d.gained.is_empty() {
                parts.push(t!(lang, "plan-diff-gained", codes = d.gained.join(", ")));
            }
            if !d.lost.is_empty() {
                parts.push(t!(lang, "plan-diff-lost", codes = d.lost.join(", ")));
            }
            let name = present::agency_short(new, lang, agency.as_str());
            out.push(format!("  {name}: {}", parts.join("; ")));
        }
    }
    let waiting = p.diff.refusals(confirmed).count();
    if waiting > 0 {
        out.push(t!(lang, "plan-diff-refused", count = waiting as i64));
    }
    out.join("\n")
}

/// "2.b" before "2.c" before "10.a": numbers by value, letters in the Vietnamese order.
fn natural(code: &str) -> Vec<(u32, String)> {
    code.split('.')
        .map(|part| match part.parse::<u32>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u32::MAX, part.replace('đ', "d~")),
        })
        .collect()
}
