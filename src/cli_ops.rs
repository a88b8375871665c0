//! The operators' commands that work on the running product's data: invites, reminders and
//! the consolidated workbook.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use teloxide::prelude::*;

use crate::bot::{App, AppRef, PlanCache, make_invite, render_invite};
use crate::cli::{load_plan, open_store};
use crate::clock::ManualClock;
use crate::config::Settings;
use crate::domain::AgencyCode;
use crate::domain::people::{Role, parse_validity};
use crate::domain::reminders;
use crate::present;
use crate::scheduler::{BulkSender, Scheduler};
use crate::t;

/// An instant typed on the command line: RFC 3339, or a local "2022-03-07T08:00" in the plan's
/// time zone.
pub fn parse_instant(text: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"].iter().find_map(|f| {
        let local = chrono::NaiveDateTime::parse_from_str(text, f).ok()?;
        local.and_local_timezone(tz).earliest().map(|t| t.with_timezone(&Utc))
    })
}

/// The product's shared state for a command, at a fixed instant. Without a token the bot is
/// a placeholder that is never asked anything (preview and calendar send nothing).
async fn app_at(settings: &Settings, now: DateTime<Utc>, needs_bot: bool) -> anyhow::Result<(AppRef, Bot)> {
    let store = open_store(settings).await?;
    let plan = load_plan(settings, &store).await?;
    let (bot, username) = if needs_bot {
        let bot = crate::startup::make_bot(settings)?;
        let me = bot.get_me().await.context("asking Telegram for the bot's name")?;
        (bot, me.username().to_owned())
    } else {
        (Bot::new("0:preview"), String::new())
    };
    let app = Arc::new(App {
        plan: PlanCache::new(plan, store.active_plan_stamp().await?),
        store,
        clock: ManualClock::new(now),
        admins: settings.admins.clone(),
        bot_username: username,
        max_value_change: Decimal::from(settings.max_value_change_percent) / Decimal::from(100),
        bulk: BulkSender::new(bot.clone(), settings.bulk_per_second),
        time_zone: settings.time_zone,
    });
    Ok((app, bot))
}

/// `dondoc invite --agency CODE --role focal|leader|admin [--expires 7d]`.
pub async fn invite(
    settings: &Settings,
    agency: Option<String>,
    role: &str,
    expires: &str,
) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    if settings.token.is_none() {
        eprintln!("{}", t!(lang, "run-no-token"));
        return Ok(ExitCode::from(2));
    }
    let Some(role) = Role::parse(role) else {
        eprintln!("{}", t!(lang, "cli-invite-usage"));
        return Ok(ExitCode::from(1));
    };
    let Some(validity) = parse_validity(expires) else {
        eprintln!("{}", t!(lang, "cli-invite-bad-expiry", value = expires.to_owned()));
        return Ok(ExitCode::from(1));
    };
    let (app, _) = app_at(settings, Utc::now(), true).await?;
    let plan = app.plan.get();
    let agency = match agency {
        Some(code) => match plan.agency(&code.to_uppercase()) {
            Some(a) => Some(a.code.clone()),
            None => {
                eprintln!("{}", t!(lang, "agency-not-found", query = code));
                return Ok(ExitCode::from(1));
            }
        },
        None => None,
    };
    if role == Role::Focal && agency.is_none() {
        eprintln!("{}", t!(lang, "cli-invite-usage"));
        return Ok(ExitCode::from(1));
    }
    let made = make_invite(&app.store, Utc::now(), role, agency, validity, None).await?;
    println!("{}", render_invite(&plan, &app.bot_username, lang, &made));
    Ok(ExitCode::SUCCESS)
}

/// `dondoc reminders calendar --year Y`: every planned step of every round and period.
pub async fn calendar(settings: &Settings, year: Option<i32>) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let plan = load_plan(settings, &store).await?;
    let lang = settings.language;
    let year = year.unwrap_or(plan.year);
    let steps = reminders::calendar(&plan, year);
    println!(
        "{}",
        t!(
            lang,
            "cli-calendar-header",
            year = year as i64,
            code = plan.code.clone(),
            count = steps.len() as i64
        )
    );
    for s in steps {
        let round = present::round_name(&plan, lang, &s.round);
        let local = s.at.with_timezone(&plan.time_zone).format("%H:%M").to_string();
        println!(
            "{}",
            t!(
                lang,
                "cli-calendar-line",
                date = present::date_with_weekday(lang, s.date),
                time = local,
                round = round,
                period = s.period.to_string(),
                step = t!(lang, &step_key(s.step), days = step_days(s.step) as i64)
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn step_key(step: reminders::Step) -> String {
    match step {
        reminders::Step::Before(0) => "step-last-day".into(),
        reminders::Step::Before(_) => "step-before".into(),
        reminders::Step::Overdue(_) => "step-overdue".into(),
        reminders::Step::Escalated => "step-escalated".into(),
        reminders::Step::Unreachable => "step-unreachable".into(),
    }
}

fn step_days(step: reminders::Step) -> u32 {
    match step {
        reminders::Step::Before(d) => d,
        reminders::Step::Overdue(n) => n,
        _ => 0,
    }
}

/// `dondoc reminders preview --at T` (send nothing) and `run --at T` (send what is due, once).
pub async fn reminders_at(settings: &Settings, at: &str, send: bool) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let store = open_store(settings).await?;
    let tz = settings.time_zone.unwrap_or(load_plan(settings, &store).await?.time_zone);
    store.close().await;
    let Some(now) = parse_instant(at, tz) else {
        eprintln!("{}", t!(lang, "run-clock-start-invalid", value = at.to_owned()));
        return Ok(ExitCode::from(1));
    };
    if send && settings.token.is_none() {
        eprintln!("{}", t!(lang, "run-no-token"));
        return Ok(ExitCode::from(2));
    }
    let (app, _) = app_at(settings, now, send).await?;
    let scheduler = Scheduler::new(app.clone(), app.bulk.clone());
    if send {
        let report = scheduler.run_at(now).await?;
        println!(
            "{}",
            t!(
                lang,
                "cli-reminders-run",
                sent = report.sent as i64,
                failed = report.failed as i64,
                retry = report.retry as i64,
                skipped = report.skipped as i64
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let batches = scheduler.due_at(now).await?;
    let lines: Vec<_> = batches.iter().flat_map(|b| b.preview(&app)).collect();
    let local = now.with_timezone(&tz).format("%H:%M %d/%m/%Y").to_string();
    println!("{}", t!(lang, "cli-preview-header", at = local, count = lines.len() as i64));
    for (what, person, screen) in lines {
        let first = screen.text.lines().next().unwrap_or_default().to_owned();
        let agency = person.agency.as_ref().map(AgencyCode::as_str).unwrap_or("—").to_owned();
        println!(
            "{}",
            t!(
                lang,
                "cli-preview-line",
                what = what,
                name = person.name.clone(),
                agency = agency,
                text = first
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `dondoc export --period 2022-Q1 [--round CODE] --out FILE.xlsx [--csv FILE.csv]`: the
/// workbook `/xuat` sends, written to files (in the settings' language). When several rounds
/// have the period, `--round` chooses; without it nothing is written.
pub async fn export(
    settings: &Settings,
    period: &str,
    round: Option<&str>,
    out: &Path,
    csv: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let Ok(key) = period.parse::<crate::domain::PeriodKey>() else {
        eprintln!("{}", t!(lang, "export-bad-period", typed = period.to_owned()));
        return Ok(ExitCode::from(1));
    };
    let store = open_store(settings).await?;
    let plan = load_plan(settings, &store).await?;
    let rounds = crate::leadership::rounds_of_period(&plan, key);
    let chosen = match (round, rounds.as_slice()) {
        (Some(code), _) => rounds.iter().find(|r| r.code == code).copied().ok_or_else(|| {
            t!(lang, "export-round-not-in-period", round = code.to_owned(), period = key.to_string())
        }),
        (None, [one]) => Ok(*one),
        (None, []) => Err(t!(lang, "export-unknown-period", period = key.to_string())),
        (None, several) => {
            let codes: Vec<&str> = several.iter().map(|r| r.code.as_str()).collect();
            Err(t!(lang, "export-several-rounds", period = key.to_string(), rounds = codes.join(", ")))
        }
    };
    let round = match chosen {
        Ok(round) => round,
        Err(refusal) => {
            eprintln!("{refusal}");
            store.close().await;
            return Ok(ExitCode::from(1));
        }
    };
    let data = crate::leadership::workbook::build(&store, &plan, &round.code, key, Utc::now(), lang)
        .await?
        .context("the period has no dates in the plan")?;
    store.close().await;
    let files = tokio::task::spawn_blocking(move || crate::leadership::workbook::files(&data)).await??;
    std::fs::write(out, &files.xlsx).with_context(|| format!("writing {}", out.display()))?;
    println!("{}", t!(lang, "cli-export-done", period = key.to_string(), path = out.display().to_string()));
    if let Some(path) = csv {
        std::fs::write(path, files.csv.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        println!(
            "{}",
            t!(lang, "cli-export-done", period = key.to_string(), path = path.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}
