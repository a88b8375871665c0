//! The command line: parse, call, print. Output is localized (`DONDOC_LANG`, Vietnamese by
//! default); `--json` output is for scripts and stays in the file's own shape.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Datelike, Utc};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::domain::{Plan, Problems, calendar};
use crate::i18n::Lang;
use crate::present;
use crate::startup::{load_plan, open_store};
use crate::store::{ImportSummary, Store};
use crate::t;

#[derive(Debug, Parser)]
#[command(name = "dondoc", version, about = "Follows up a provincial socio-economic plan on Telegram")]
pub struct Cli {
    /// Settings file (default: dondoc.toml in the working directory, if present)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log lines as text, or as one JSON object per line (for a log collector)
    #[arg(long, global = true, value_name = "FORMAT", env = "DONDOC_LOG_FORMAT", value_parser = ["text", "json"])]
    pub log_format: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot (long polling, or a webhook when DONDOC_WEBHOOK_URL is set)
    Run {
        /// Rehearsal: run as if the clock had been set to this RFC 3339 instant
        #[arg(long, value_name = "INSTANT")]
        clock_start: Option<String>,
    },
    /// Check, import or show the plan
    Plan {
        #[command(subcommand)]
        action: PlanAction,
    },
    /// Every round, period and last day to report, as local dates
    Deadlines {
        /// Year (default: the plan's year)
        #[arg(long)]
        year: Option<i32>,
    },
    /// Make a single-use, expiring invite link
    Invite {
        /// Agency code (required for focal points)
        #[arg(long)]
        agency: Option<String>,
        /// focal, leader or admin
        #[arg(long)]
        role: String,
        /// How long the link works: 7d, 48h, 30m
        #[arg(long, default_value = "7d")]
        expires: String,
    },
    /// Write the consolidated workbook of a period (as /xuat sends it), and optionally its CSV
    /// and the draft report document
    Export {
        /// The period: 2022-Q1 (a quarter) or 2022 (the year's one-off round)
        #[arg(long)]
        period: String,
        /// The Excel workbook to write
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
        /// Also write the same rows as CSV here
        #[arg(long, value_name = "FILE.csv")]
        csv: Option<PathBuf>,
        /// excel-vn: ';' and decimal comma, for Excel set to Vietnamese; plain: ',' and '.', for
        /// scripts
        #[arg(long, value_name = "STYLE", default_value = "excel-vn", value_parser = ["excel-vn", "plain"])]
        csv_style: String,
        /// Also write the draft consolidated report (Word, Decree 30/2020 layout) here
        #[arg(long, value_name = "FILE.docx")]
        docx: Option<PathBuf>,
    },
    /// Preview, plan or send reminders by hand
    Reminders {
        #[command(subcommand)]
        action: RemindersAction,
    },
    /// List the invites, or take an unused one back
    Invites {
        #[command(subcommand)]
        action: InvitesAction,
    },
    /// Write a consistent copy of the database to FILE (safe while the bot runs)
    Backup {
        file: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// Replace the database with the backup FILE (the bot must be stopped); the database it
    /// replaces is kept as <database>.before-restore
    Restore {
        file: PathBuf,
        /// Do not keep the database it replaces
        #[arg(long)]
        discard_current: bool,
        /// Replace an earlier <database>.before-restore
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InvitesAction {
    /// Every invite, newest first, with what became of it (never its code)
    List,
    /// Take an unused invite back, by its number
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum RemindersAction {
    /// Print what would be sent at an instant, sending nothing
    Preview {
        /// RFC 3339, or local time in the plan's zone: 2022-03-07T08:00
        #[arg(long)]
        at: String,
    },
    /// Print every planned step of every round and period of a year
    Calendar {
        #[arg(long)]
        year: Option<i32>,
    },
    /// Send what is due at an instant, once, and exit
    Run {
        #[arg(long)]
        at: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// Check a plan file and list every problem, each with its place
    Check { file: PathBuf },
    /// Import a plan file (idempotent; an edited file updates in place)
    Import { file: PathBuf },
    /// Show the plan being followed
    Show {
        /// Print it as JSON, in the plan file's own shape
        #[arg(long)]
        json: bool,
    },
}

/// Runs one command; the exit code is 0 on success, 1 when the input was refused, 2 when
/// something outside (settings, database) failed.
pub async fn run(cli: Cli) -> ExitCode {
    let format = cli.log_format.as_deref().and_then(crate::telemetry::LogFormat::parse).unwrap_or_default();
    crate::telemetry::init(format);
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", t!(Lang::Vi, "cli-settings-invalid", reason = e.to_string()));
            return ExitCode::from(2);
        }
    };
    let lang = settings.language;
    let token = settings.token.clone();
    let result = match cli.command {
        Command::Run { clock_start } => crate::startup::run_command(settings, clock_start).await,
        Command::Plan { action: PlanAction::Check { file } } => plan_check(lang, &file),
        Command::Plan { action: PlanAction::Import { file } } => plan_import(&settings, &file).await,
        Command::Plan { action: PlanAction::Show { json } } => plan_show(&settings, json).await,
        Command::Deadlines { year } => deadlines(&settings, year).await,
        Command::Invite { agency, role, expires } => {
            crate::cli_ops::invite(&settings, agency, &role, &expires).await
        }
        Command::Export { period, out, csv, csv_style, docx } => {
            let to = crate::cli_ops::ExportTargets {
                xlsx: &out,
                csv: csv.as_deref(),
                csv_style: crate::export::CsvStyle::parse(&csv_style).unwrap_or_default(),
                docx: docx.as_deref(),
            };
            crate::cli_ops::export(&settings, &period, &to).await
        }
        Command::Reminders { action: RemindersAction::Preview { at } } => {
            crate::cli_ops::reminders_at(&settings, &at, false).await
        }
        Command::Reminders { action: RemindersAction::Run { at } } => {
            crate::cli_ops::reminders_at(&settings, &at, true).await
        }
        Command::Reminders { action: RemindersAction::Calendar { year } } => {
            crate::cli_ops::calendar(&settings, year).await
        }
        Command::Invites { action: InvitesAction::List } => crate::cli_ops::invites_list(&settings).await,
        Command::Invites { action: InvitesAction::Revoke { id } } => {
            crate::cli_ops::invites_revoke(&settings, id).await
        }
        Command::Backup { file, force } => crate::cli_backup::backup(&settings, &file, force).await,
        Command::Restore { file, discard_current, force } => {
            crate::cli_backup::restore(&settings, &file, discard_current, force).await
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let reason = crate::telemetry::redact(&format!("{e:#}"), token.as_ref().map(|s| s.expose()));
            eprintln!("{}", t!(lang, "cli-failed", reason = reason));
            ExitCode::from(2)
        }
    }
}

/// Every problem, one per line, each with its place.
pub fn render_problems(lang: Lang, problems: &Problems) -> String {
    let mut out = t!(lang, "plan-problems-header", count = problems.0.len() as i64);
    for p in &problems.0 {
        let args: Vec<(&'static str, crate::i18n::Arg)> =
            p.kind.args().into_iter().map(|(k, v)| (k, crate::i18n::Arg::from(v))).collect();
        let message = crate::i18n::tr_args(lang, p.kind.key(), &args);
        out.push('\n');
        out.push_str(&t!(lang, "plan-problem-line", place = p.place.clone(), message = message));
    }
    out
}

fn read_plan_file(lang: Lang, file: &Path) -> anyhow::Result<Result<Plan, String>> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(Plan::from_toml(&text).map_err(|problems| render_problems(lang, &problems)))
}

fn plan_check(lang: Lang, file: &Path) -> anyhow::Result<ExitCode> {
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

async fn plan_import(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    // A broken file is refused before the database is even opened.
    let plan = match read_plan_file(lang, file)? {
        Ok(plan) => plan,
        Err(listing) => {
            eprintln!("{listing}\n{}", t!(lang, "plan-import-refused"));
            return Ok(ExitCode::from(1));
        }
    };
    let store = Store::open(&settings.database).await?;
    let summary = store.import_plan(&plan, Utc::now()).await?;
    println!("{}", render_import(lang, &plan, &summary));
    Ok(ExitCode::SUCCESS)
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

async fn plan_show(settings: &Settings, json: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let plan = load_plan(settings, &store).await?;
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

async fn deadlines(settings: &Settings, year: Option<i32>) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let plan = load_plan(settings, &store).await?;
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
