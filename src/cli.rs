//! The command line: parse, call, print. Output is localized (`DONDOC_LANG`, Vietnamese by
//! default); `--json` output is for scripts and stays in the file's own shape.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cli_plan;
use crate::config::Settings;
use crate::i18n::Lang;
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
    /// Check a plan file, see what importing it would change, import it, show or stop a plan
    Plan {
        #[command(subcommand)]
        action: PlanAction,
    },
    /// Every round, period and last day to report, as local dates
    Deadlines {
        /// Year (default: the plan's year)
        #[arg(long)]
        year: Option<i32>,
        /// The plan, when several are followed (default: the one of that year, else the one
        /// imported last)
        #[arg(long, value_name = "CODE")]
        plan: Option<String>,
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
        /// The round, when several have the period (an action programme and an annual report)
        #[arg(long, value_name = "CODE")]
        round: Option<String>,
        /// The plan, when several are followed (default: the one that has the period)
        #[arg(long, value_name = "CODE")]
        plan: Option<String>,
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
        /// The plan, when several are followed (default: the one of that year, else the one
        /// imported last)
        #[arg(long, value_name = "CODE")]
        plan: Option<String>,
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
    /// What importing a plan file would change: entries added, removed, reworded and moved,
    /// targets changed, answers filed against them, duties gained and lost
    Diff { file: PathBuf },
    /// Import a plan file (idempotent; an edited file makes a new version of its plan)
    Import {
        file: PathBuf,
        /// An entry with answers filed that the file moved without saying so (`replaces`):
        /// confirm, by its old code, that its answers go with the entry that now has its words
        #[arg(long, value_name = "OLD_CODE")]
        confirm: Vec<String>,
        /// Follow a new plan beside one of the same province and year (a sector plan), rather
        /// than as its amendment (`amends`)
        #[arg(long)]
        alongside: bool,
    },
    /// Show a plan followed
    Show {
        /// Print it as JSON, in the plan file's own shape
        #[arg(long)]
        json: bool,
        /// The plan, when several are followed (default: the one imported last)
        #[arg(long, value_name = "CODE")]
        plan: Option<String>,
    },
    /// Stop following a plan: no more reminders or questions; what was filed stays
    Stop { code: String },
}

/// Runs one command; the exit code is 0 on success, 1 when the input was refused, 2 when
/// something outside (settings, database) failed.
pub async fn run(cli: Cli) -> ExitCode {
    let format = cli.log_format.as_deref().and_then(crate::telemetry::LogFormat::parse).unwrap_or_default();
    crate::telemetry::init(format);
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            // The language is a setting too, and may be the one that is wrong.
            let lang = std::env::var("DONDOC_LANG").ok().and_then(|l| Lang::parse(&l)).unwrap_or(Lang::Vi);
            eprintln!("{}", t!(lang, "cli-settings-invalid", reason = e.explain(lang)));
            return ExitCode::from(2);
        }
    };
    let lang = settings.language;
    let token = settings.token.clone();
    let result = match cli.command {
        Command::Run { clock_start } => crate::startup::run_command(settings, clock_start).await,
        Command::Plan { action: PlanAction::Check { file } } => cli_plan::plan_check(lang, &file),
        Command::Plan { action: PlanAction::Diff { file } } => cli_plan::plan_diff(&settings, &file).await,
        Command::Plan { action: PlanAction::Import { file, confirm, alongside } } => {
            cli_plan::plan_import(&settings, &file, &confirm, alongside).await
        }
        Command::Plan { action: PlanAction::Show { json, plan } } => {
            cli_plan::plan_show(&settings, json, plan.as_deref()).await
        }
        Command::Plan { action: PlanAction::Stop { code } } => cli_plan::plan_stop(&settings, &code).await,
        Command::Deadlines { year, plan } => cli_plan::deadlines(&settings, year, plan.as_deref()).await,
        Command::Invite { agency, role, expires } => {
            crate::cli_ops::invite(&settings, agency, &role, &expires).await
        }
        Command::Export { period, round, plan, out, csv, csv_style, docx } => {
            let to = crate::cli_ops::ExportTargets {
                xlsx: &out,
                csv: csv.as_deref(),
                csv_style: crate::export::CsvStyle::parse(&csv_style).unwrap_or_default(),
                docx: docx.as_deref(),
            };
            crate::cli_ops::export(&settings, &period, round.as_deref(), plan.as_deref(), &to).await
        }
        Command::Reminders { action: RemindersAction::Preview { at } } => {
            crate::cli_ops::reminders_at(&settings, &at, false).await
        }
        Command::Reminders { action: RemindersAction::Run { at } } => {
            crate::cli_ops::reminders_at(&settings, &at, true).await
        }
        Command::Reminders { action: RemindersAction::Calendar { year, plan } } => {
            crate::cli_ops::calendar(&settings, year, plan.as_deref()).await
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
