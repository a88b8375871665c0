//! The command line as an operator uses it: the real binary, a temporary database.

mod support;

use std::path::Path;
use std::process::Output;

use dondoc::i18n::{Lang, tr};

fn dondoc(dir: &Path, lang: &str, args: &[&str]) -> Output {
    support::process::cli(dir, lang, args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const BUNDLED: &str = include_str!("../plans/hau-giang-2022.toml");

#[test]
fn plan_check_accepts_the_seed_and_lists_every_problem_of_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.toml");
    std::fs::write(&seed, BUNDLED).unwrap();
    let out = dondoc(dir.path(), "vi", &["plan", "check", seed.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("154 nhiệm vụ"), "{}", text(&out.stdout));

    let broken = BUNDLED
        .replacen("target = \"9.002\"", "target = \"chín nghìn\"", 1)
        .replacen("assignees = [\"SYT\"]", "assignees = [\"SYTE\"]", 1)
        .replacen("code = \"SCT\"", "code = \"SKHDT\"", 1)
        .replacen("recipients = [\"*\"]", "recipients = []", 1)
        .replacen("from = \"2022-04-11\"", "from = \"2021-04-11\"", 1);
    let bad = dir.path().join("broken.toml");
    std::fs::write(&bad, broken).unwrap();
    let out = dondoc(dir.path(), "en", &["plan", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for place in [
        "indicators[5].metrics[5.1].target",
        "sections[16].assignees",
        "agencies[4].code",
        "rounds[chuong-trinh-hanh-dong].recipients",
        "holidays[3].from",
    ] {
        assert!(err.contains(place), "no problem at {place} in:\n{err}");
    }
    assert!(!dir.path().join("dondoc.db").exists(), "checking never touches the database");
}

/// What a refused import must leave as it was: the plan as the database gives it back, and the
/// SQLite file itself, byte for byte (none on PostgreSQL), once what the commands left in its
/// write-ahead log is folded in (plan commands end without closing the store, so whether the
/// log was folded depends on timing).
fn witness(dir: &Path) -> (Option<Vec<u8>>, Vec<u8>) {
    let shown = dondoc(dir, "vi", &["plan", "show", "--json"]);
    assert!(shown.status.success());
    let file = dir.join("dondoc.db");
    assert_eq!(file.exists(), !support::db::on_postgres());
    if !file.exists() {
        return (None, shown.stdout);
    }
    let folding = file.clone();
    std::thread::spawn(move || {
        use sqlx::Connection;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&folding);
            let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        })
    })
    .join()
    .unwrap();
    (std::fs::read(&file).ok(), shown.stdout)
}

#[test]
fn a_broken_import_leaves_the_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // First start: the bundled plan is loaded.
    assert!(dondoc(dir.path(), "vi", &["plan", "show"]).status.success());
    let before = witness(dir.path());
    let bad = dir.path().join("broken.toml");
    std::fs::write(&bad, BUNDLED.replacen("target = \"9.002\"", "target = \"x\"", 1)).unwrap();
    let out = dondoc(dir.path(), "vi", &["plan", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&tr(Lang::Vi, "plan-import-refused")));
    assert_eq!(witness(dir.path()), before);

    // The same plan again changes nothing.
    let seed = dir.path().join("seed.toml");
    std::fs::write(&seed, BUNDLED).unwrap();
    let out = dondoc(dir.path(), "en", &["plan", "import", seed.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("nothing changed"), "{}", text(&out.stdout));
}

#[test]
fn plan_show_json_prints_the_seed_in_the_files_shape() {
    let dir = tempfile::tempdir().unwrap();
    let out = dondoc(dir.path(), "vi", &["plan", "show", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = dondoc::domain::PlanFile::from_toml(BUNDLED).unwrap();
    assert_eq!(shown, serde_json::to_value(&file).unwrap());
    assert_eq!(shown["sections"].as_array().unwrap().len(), 28);
    assert_eq!(shown["indicators"][4]["metrics"][0]["target"], "9.002");
}

#[test]
fn deadlines_are_local_dates_with_the_last_day_before_the_plans_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dondoc(dir.path(), "vi", &["deadlines", "--year", "2022"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    for (line, day) in
        lines.iter().zip(["29/01/2022", "14/03/2022", "14/06/2022", "14/09/2022", "14/12/2022"])
    {
        assert!(line.contains(day), "{line} lacks {day}");
    }
    assert!(lines[0].contains("Thứ Bảy"), "29/01/2022 is a Saturday: {}", lines[0]);
    let out = dondoc(dir.path(), "en", &["deadlines", "--year", "2023"]);
    assert!(text(&out.stdout).contains("no reporting deadline in 2023"), "{}", text(&out.stdout));
}

#[test]
fn run_without_a_token_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dondoc(dir.path(), "vi", &["run"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).trim(), tr(Lang::Vi, "run-no-token"));
    assert!(tr(Lang::Vi, "run-no-token").contains("@BotFather"));
}
