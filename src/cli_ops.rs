//! The operators' commands that work on the running product's data: invites, reminders and
//! the consolidated workbook.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use teloxide::prelude::*;

use crate::app::AppRef;
use crate::bot::{make_invite, render_invite};
use crate::cli_plan::pick_plan;
use crate::clock::ManualClock;
use crate::config::Settings;
use crate::domain::AgencyCode;
use crate::domain::people::{Role, parse_validity};
use crate::domain::reminders;
use crate::postman::Postman;
use crate::present;
use crate::scheduler::Scheduler;
use crate::startup::{InstanceLock, assemble, load_plan, open_store};
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
async fn app_at(settings: &Settings, now: DateTime<Utc>, needs_bot: bool) -> anyhow::Result<AppRef> {
    let store = open_store(settings).await?;
    let (bot, username) = if needs_bot {
        let bot = crate::startup::make_bot(settings)?;
        // One attempt: the operator is there to run it again.
        let me = crate::startup::get_me(&bot, settings, 0).await?;
        (bot, me.username().to_owned())
    } else {
        (Bot::new("0:preview"), String::new())
    };
    let settings = Settings {
        token: settings.token.clone().or(Some(crate::config::Secret::new("0:preview"))),
        ..settings.clone()
    };
    assemble(&settings, store, ManualClock::new(now), &bot, username).await
}

/// Now on the running bot's clock (a rehearsal's, if it runs one), else the system's.
async fn bot_now(settings: &Settings, store: &crate::store::Store) -> anyhow::Result<DateTime<Utc>> {
    let now = Utc::now();
    // On SQLite a bot runs only while it holds the lock file; on PostgreSQL the replicas
    // running share the offset they wrote (and clear it when they stop).
    if settings.database.file().is_some_and(|path| !InstanceLock::is_held(path)) {
        return Ok(now);
    }
    let offset = store.runtime("clock_offset_ms").await?.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    Ok(now + chrono::Duration::milliseconds(offset))
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
    let store = open_store(settings).await?;
    let now = bot_now(settings, &store).await?;
    store.close().await;
    let app = app_at(settings, now, true).await?;
    // An agency of any plan followed (the last imported first).
    let of_agency = |code: &str| app.plan.all().into_iter().find(|p| p.agency(code).is_some());
    let plan = agency.as_deref().and_then(|c| of_agency(&c.to_uppercase())).unwrap_or_else(|| app.plan.get());
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
    let made = make_invite(&app.store, now, role, agency, validity, None).await?;
    println!("{}", render_invite(&plan, &app.bot_username, lang, &made));
    Ok(ExitCode::SUCCESS)
}

/// `dondoc invites list`: every invite, newest first, never its code.
pub async fn invites_list(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let plan = load_plan(settings, &store).await?;
    let now = bot_now(settings, &store).await?;
    let lang = settings.language;
    let all = store.invites().await?;
    println!("{}", t!(lang, "cli-invites-header", count = all.len() as i64));
    for i in &all {
        let state = if let Some(at) = i.used_at {
            t!(
                lang,
                "cli-invite-used",
                by = i.used_by.clone().unwrap_or_default(),
                at = present::local_time(&plan, at)
            )
        } else if let Some(at) = i.revoked_at {
            t!(lang, "cli-invite-revoked", at = present::local_time(&plan, at))
        } else if i.expires_at <= now {
            t!(lang, "cli-invite-expired", at = present::local_time(&plan, i.expires_at))
        } else {
            t!(lang, "cli-invite-open", at = present::local_time(&plan, i.expires_at))
        };
        let agency = i.agency.as_deref().map(|a| present::agency_name(&plan, lang, a)).unwrap_or_default();
        println!(
            "{}",
            t!(
                lang,
                "cli-invite-line",
                id = i.id,
                role = t!(lang, &format!("role-{}", i.role)),
                agency = agency,
                state = state
            )
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `dondoc invites revoke ID`.
pub async fn invites_revoke(settings: &Settings, id: i64) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let now = bot_now(settings, &store).await?;
    let lang = settings.language;
    let revoked = store.revoke_invite(id, None, now).await?;
    if revoked {
        store
            .audit(None, None, "invite_revoked", serde_json::json!({"invite": id, "by": "cli"}), now)
            .await?;
    }
    store.close().await;
    if revoked {
        println!("{}", t!(lang, "invite-revoked", id = id));
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{}", t!(lang, "invite-not-revocable", id = id));
        Ok(ExitCode::from(1))
    }
}

/// `dondoc reminders calendar --year Y`: every planned step of every round and period.
pub async fn calendar(
    settings: &Settings,
    year: Option<i32>,
    code: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let of_year = |p: &crate::domain::Plan| year.is_none_or(|y| p.year == y);
    let Some(plan) = pick_plan(settings, &store, code, of_year).await? else { return Ok(ExitCode::from(1)) };
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
    let app = app_at(settings, now, send).await?;
    let scheduler = Scheduler::new(app.clone());
    if send {
        let postman = Postman::new(app.clone());
        postman.recover().await?;
        let tick = scheduler.run_at(now).await?;
        let pass = postman.deliver_all(std::time::Duration::from_secs(600)).await?;
        app.store.close().await;
        println!(
            "{}",
            t!(
                lang,
                "cli-reminders-run",
                sent = pass.sent as i64,
                failed = pass.failed as i64,
                retry = pass.retry as i64,
                skipped = tick.skipped as i64
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let batches = scheduler.due_at(now).await?;
    let lines: Vec<_> = batches.iter().flat_map(|b| b.preview()).collect();
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

/// Where `dondoc export` writes, and how.
pub struct ExportTargets<'a> {
    pub xlsx: &'a Path,
    pub csv: Option<&'a Path>,
    pub csv_style: crate::export::CsvStyle,
    pub docx: Option<&'a Path>,
}

/// `dondoc export --period 2022-Q1 [--round CODE] --out FILE.xlsx [--csv FILE.csv] [--docx
/// FILE.docx]`: the files `/xuat` sends, written to files (in the settings' language). When
/// several rounds have the period, `--round` chooses; without it nothing is written.
pub async fn export(
    settings: &Settings,
    period: &str,
    round: Option<&str>,
    code: Option<&str>,
    to: &ExportTargets<'_>,
) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let Ok(key) = period.parse::<crate::domain::PeriodKey>() else {
        eprintln!("{}", t!(lang, "export-bad-period", typed = period.to_owned()));
        return Ok(ExitCode::from(1));
    };
    let store = open_store(settings).await?;
    let has_period = |p: &crate::domain::Plan| !crate::leadership::rounds_of_period(p, key).is_empty();
    let Some(plan) = pick_plan(settings, &store, code, has_period).await? else {
        return Ok(ExitCode::from(1));
    };
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
    let consolidated =
        crate::leadership::consolidated::build(&store, &plan, &round.code, key, Utc::now(), lang)
            .await?
            .context("the period has no dates in the plan")?;
    store.close().await;
    let style = to.csv_style;
    let files =
        tokio::task::spawn_blocking(move || crate::leadership::consolidated::files(&consolidated, style))
            .await??;
    let written =
        [(Some(to.xlsx), files.xlsx.as_slice()), (to.csv, files.csv.as_bytes()), (to.docx, &files.docx)];
    for (path, bytes) in written {
        let Some(path) = path else { continue };
        std::fs::write(path, bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}",
                t!(lang, "cli-file-unwritable", path = path.display().to_string(), reason = e.to_string())
            )
        })?;
        println!(
            "{}",
            t!(lang, "cli-export-done", period = key.to_string(), path = path.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}
