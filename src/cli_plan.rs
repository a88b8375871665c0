//! The operator's plan commands: check a file, see what importing it would change, import it
//! (refusing to move what was filed unless told where), show it, stop following it, and list
//! its deadlines.

use std::path::Path;
use std::process::ExitCode;

use chrono::{Datelike, Utc};

use crate::cli_plan_preview::{plan_counts, preview, render_preview, sibling_warning};
use crate::config::Settings;
use crate::domain::plan_diff::{Change, What};
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
    let text = std::fs::read_to_string(file).map_err(|e| {
        anyhow::anyhow!(
            "{}",
            t!(lang, "cli-file-unreadable", path = file.display().to_string(), reason = e.to_string())
        )
    })?;
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
