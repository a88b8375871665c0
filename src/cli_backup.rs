//! `dondoc backup FILE` and `dondoc restore FILE`: the SQLite database copied while the bot
//! runs, and put back while it does not.
//!
//! A backup is written under a temporary name beside FILE, synced and checked, then renamed:
//! an interrupted backup never leaves a half file under the name an operator trusts. A restore
//! checks the backup before it touches anything, keeps the database it replaces, and moves
//! the write-ahead log with the file it belongs to, never leaving an old log beside the new file
//! (SQLite would apply it to the wrong database).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Settings;
use crate::startup::InstanceLock;
use crate::store::{CopySummary, Store};
use crate::t;

/// The companions SQLite keeps beside a database file in WAL mode.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the database is kept when a restore replaces it.
pub fn before_restore_path(database: &Path) -> PathBuf {
    with_suffix(database, ".before-restore")
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Flushes a file, and the directory that names it, to the disk.
fn sync(path: &Path) -> anyhow::Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", path.display()))?;
    #[cfg(unix)]
    if let Some(dir) = path.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p }) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(())
}

fn summary_args(summary: &CopySummary) -> (String, i64, i64) {
    (summary.plan.clone().unwrap_or_else(|| "—".into()), summary.reports, summary.people)
}

/// `dondoc backup FILE [--force]`.
pub async fn backup(settings: &Settings, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let Some(database) = settings.database.file() else {
        eprintln!("{}", t!(lang, "backup-on-postgres"));
        return Ok(ExitCode::from(2));
    };
    if !database.exists() {
        eprintln!("{}", t!(lang, "backup-no-database", database = database.display().to_string()));
        return Ok(ExitCode::from(1));
    }
    if same_file(database, file) {
        eprintln!("{}", t!(lang, "backup-same-file", file = file.display().to_string()));
        return Ok(ExitCode::from(1));
    }
    if file.exists() && !force {
        eprintln!("{}", t!(lang, "backup-exists", file = file.display().to_string()));
        return Ok(ExitCode::from(1));
    }
    let partial = with_suffix(file, &format!(".partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let written = async {
        Store::copy_into(database, &partial).await?;
        // The copy holds what the database holds: readable by whom the database is, not more.
        std::fs::set_permissions(&partial, std::fs::metadata(database)?.permissions())?;
        let summary = Store::check_copy(&partial).await.context("checking the copy")?;
        sync(&partial)?;
        std::fs::rename(&partial, file).with_context(|| format!("naming the copy {}", file.display()))?;
        sync(file)?;
        anyhow::Ok(summary)
    }
    .await;
    let summary = match written {
        Ok(s) => s,
        Err(e) => {
            for leftover in [partial.clone(), with_suffix(&partial, "-wal"), with_suffix(&partial, "-shm")] {
                let _ = std::fs::remove_file(leftover);
            }
            let (path, reason) = (file.display().to_string(), e.root_cause().to_string());
            anyhow::bail!("{}", t!(lang, "cli-file-unwritable", path = path, reason = reason));
        }
    };
    let (plan, reports, people) = summary_args(&summary);
    println!(
        "{}",
        t!(
            lang,
            "backup-done",
            database = database.display().to_string(),
            file = file.display().to_string(),
            size = format!("{} KB", summary.bytes.div_ceil(1024)),
            plan = plan,
            reports = reports,
            people = people
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `dondoc restore FILE [--discard-current] [--force]`.
pub async fn restore(
    settings: &Settings,
    file: &Path,
    discard_current: bool,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    let Some(database) = settings.database.file() else {
        eprintln!("{}", t!(lang, "restore-on-postgres"));
        return Ok(ExitCode::from(2));
    };
    // Restoring into a fresh place: its directory may not be there yet.
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Held until the restore is over: a bot started meanwhile is refused.
    let _lock = match InstanceLock::take(database) {
        Ok(lock) => lock,
        Err(held) => {
            let database = database.display().to_string();
            eprintln!("{}", t!(lang, "restore-bot-running", database = database, holder = held.holder));
            return Ok(ExitCode::from(1));
        }
    };
    if !file.is_file() {
        eprintln!("{}", t!(lang, "restore-no-file", file = file.display().to_string()));
        return Ok(ExitCode::from(1));
    }
    if same_file(database, file) {
        eprintln!("{}", t!(lang, "backup-same-file", file = file.display().to_string()));
        return Ok(ExitCode::from(1));
    }
    let before = before_restore_path(database);
    let keep = database.exists() && !discard_current;
    if keep && before.exists() && !force {
        eprintln!("{}", t!(lang, "restore-before-exists", before = before.display().to_string()));
        return Ok(ExitCode::from(1));
    }
    // The backup is copied and checked first: a bad one changes nothing.
    let incoming = with_suffix(database, ".restoring");
    std::fs::copy(file, &incoming)
        .with_context(|| format!("copying {} to {}", file.display(), incoming.display()))?;
    let summary = match Store::check_copy(&incoming).await {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&incoming);
            let reason = e.to_string();
            eprintln!(
                "{}",
                t!(lang, "restore-bad-backup", file = file.display().to_string(), reason = reason)
            );
            return Ok(ExitCode::from(1));
        }
    };
    let swapped = async {
        if let Ok(current) = std::fs::metadata(database) {
            // Readable by whom the database it replaces was, not more.
            std::fs::set_permissions(&incoming, current.permissions())?;
        }
        sync(&incoming)?;
        if database.exists() {
            // A crash may have left writes in the log only: fold them in, so the file is whole.
            Store::fold_log(database).await.context("folding the current database's log")?;
        }
        move_aside(database, keep.then_some(before.as_path()))?;
        std::fs::rename(&incoming, database)
            .with_context(|| format!("putting {} in place", database.display()))?;
        sync(database)
    }
    .await;
    if let Err(e) = swapped {
        let _ = std::fs::remove_file(&incoming);
        return Err(e);
    }
    // Brought up to date now (a backup of an older version), not at the bot's next start.
    let store = Store::open(database).await.context("opening the restored database")?;
    store.close().await;
    let (plan, reports, people) = summary_args(&summary);
    println!(
        "{}",
        t!(
            lang,
            "restore-done",
            database = database.display().to_string(),
            file = file.display().to_string(),
            plan = plan,
            reports = reports,
            people = people
        )
    );
    if keep {
        println!("{}", t!(lang, "restore-kept", before = before.display().to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Moves the database and whatever companions SQLite left beside it to `to` (the same suffixes,
/// so that they stay a pair), or removes them.
fn move_aside(database: &Path, to: Option<&Path>) -> anyhow::Result<()> {
    if let Some(to) = to {
        // Companions of an earlier kept database would pair with this one: none may stay.
        for suffix in COMPANIONS {
            let _ = std::fs::remove_file(with_suffix(to, suffix));
        }
    }
    let files = std::iter::once(("", database.to_owned()))
        .chain(COMPANIONS.iter().map(|s| (*s, with_suffix(database, s))))
        .filter(|(_, path)| path.exists());
    for (suffix, path) in files {
        match to {
            Some(to) => {
                let target = with_suffix(to, suffix);
                std::fs::rename(&path, &target)
                    .with_context(|| format!("moving {} to {}", path.display(), target.display()))?;
            }
            None => std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?,
        }
    }
    Ok(())
}
