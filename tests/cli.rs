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

/// What a message says around its `reason`, which comes from outside (an OS or HTTP error):
/// the text before it and after it.
fn around_reason(lang: Lang, key: &str, args: &[(&'static str, &str)]) -> (String, String) {
    const MARK: &str = "\u{1}REASON\u{1}";
    let mut list: Vec<(&'static str, dondoc::i18n::Arg)> =
        args.iter().map(|(k, v)| (*k, dondoc::i18n::Arg::from(v.to_string()))).collect();
    list.push(("reason", dondoc::i18n::Arg::from(MARK)));
    let inner = dondoc::i18n::tr_args(lang, key, list);
    let whole = dondoc::i18n::tr_args(lang, "cli-failed", [("reason", dondoc::i18n::Arg::from(inner))]);
    let (before, after) = whole.split_once(MARK).expect("the message shows its reason");
    (before.to_owned(), after.to_owned())
}

fn assert_said(out: &Output, (before, after): (String, String)) {
    let said = text(&out.stderr);
    let line = said.trim_end().lines().last().unwrap_or_default();
    assert!(line.starts_with(&before) && line.ends_with(&after), "expected {before}…{after}, got:\n{said}");
}

/// An address on this machine where nothing listens.
fn closed_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[test]
fn a_bad_setting_says_in_the_operators_language_what_to_write_instead() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        support::process::cli_with(dir.path(), "vi", &["plan", "show"], &[("DONDOC_BULK_PER_SECOND", "99")]);
    assert_eq!(out.status.code(), Some(2));
    let range = dondoc::i18n::tr_args(
        Lang::Vi,
        "settings-expect-range",
        [("from", "1".to_owned().into()), ("to", "30".to_owned().into())],
    );
    let reason = dondoc::i18n::tr_args(
        Lang::Vi,
        "settings-value-invalid",
        [
            ("name", "DONDOC_BULK_PER_SECOND".to_owned().into()),
            ("value", "99".to_owned().into()),
            ("expected", range.into()),
        ],
    );
    let expected = dondoc::i18n::tr_args(Lang::Vi, "cli-settings-invalid", [("reason", reason.into())]);
    assert_eq!(text(&out.stderr).trim(), expected);
    assert!(expected.contains("từ 1 đến 30"), "{expected}");

    // In English when the operator asked for it; an address that is not one is caught before
    // anything runs.
    let out =
        support::process::cli_with(dir.path(), "en", &["run"], &[("TELOXIDE_API_URL", "localhost 8081")]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("TELOXIDE_API_URL") && said.contains("http://127.0.0.1:8081"), "{said}");
    assert!(said.starts_with("The settings are not valid:"), "{said}");

    // A language that is not one is itself the error: said in Vietnamese, naming the choices.
    let out = support::process::cli(dir.path(), "fr", &["plan", "show"]);
    let said = text(&out.stderr);
    assert!(
        said.contains("DONDOC_LANG") && said.contains(&tr(Lang::Vi, "settings-expect-language")),
        "{said}"
    );
}

#[test]
fn an_unreachable_telegram_at_start_says_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let api = closed_address();
    let env = [
        ("TELOXIDE_TOKEN", support::telegram::TOKEN),
        ("TELOXIDE_API_URL", api.as_str()),
        ("DONDOC_HTTP_LISTEN", "off"),
        // The retries' waits are settings: 1 ms, doubling, instead of 0.2 s.
        ("DONDOC_RETRY_FIRST_MS", "1"),
    ];
    for lang in [Lang::Vi, Lang::En] {
        let code = if lang == Lang::Vi { "vi" } else { "en" };
        let started = std::time::Instant::now();
        let out = support::process::cli_with(dir.path(), code, &["run"], &env);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert_said(&out, around_reason(lang, "run-telegram-unreachable", &[("attempts", "9")]));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the retries waited {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_telegram_refuses_says_where_to_find_the_right_one() {
    let tg = support::telegram::FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let api = tg.api_url().to_string();
    let path = dir.path().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        let env = [
            ("TELOXIDE_TOKEN", "123:not-the-token"),
            ("TELOXIDE_API_URL", api.as_str()),
            ("DONDOC_HTTP_LISTEN", "off"),
        ];
        support::process::cli_with(&path, "vi", &["run"], &env)
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_said(&out, around_reason(Lang::Vi, "run-token-refused", &[]));
    assert!(!text(&out.stderr).contains("not-the-token"), "the token never prints");
}

#[test]
fn a_database_that_cannot_be_opened_says_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("no-such-folder").join("dondoc.db");
    let database = database.to_str().unwrap();
    let out =
        support::process::cli_with(dir.path(), "vi", &["plan", "show"], &[("DONDOC_DATABASE", database)]);
    assert_eq!(out.status.code(), Some(2));
    assert_said(&out, around_reason(Lang::Vi, "run-database-unopened", &[("database", database)]));
}

#[test]
fn files_that_cannot_be_read_or_written_say_which_and_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("ke-hoach.toml");
    let missing = missing.to_str().unwrap();
    let out = dondoc(dir.path(), "vi", &["plan", "check", missing]);
    assert_eq!(out.status.code(), Some(2));
    assert_said(&out, around_reason(Lang::Vi, "cli-file-unreadable", &[("path", missing)]));

    // A copy or a workbook into a folder that is not there: nothing is left behind.
    let nowhere = dir.path().join("no-such-folder");
    let copy = nowhere.join("dondoc.bak");
    let copy = copy.to_str().unwrap();
    let workbook = nowhere.join("q1.xlsx");
    let workbook = workbook.to_str().unwrap();
    assert!(dondoc(dir.path(), "vi", &["plan", "show"]).status.success(), "the database is made");
    if support::db::env_value(dir.path()).to_string_lossy().starts_with("postgres") {
        // A copy is SQLite's: on PostgreSQL the operator uses pg_dump (backup-on-postgres).
    } else {
        let out = dondoc(dir.path(), "en", &["backup", copy]);
        assert_eq!(out.status.code(), Some(2));
        assert_said(&out, around_reason(Lang::En, "cli-file-unwritable", &[("path", copy)]));
    }
    let out = dondoc(dir.path(), "vi", &["export", "--period", "2022-Q1", "--out", workbook]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_said(&out, around_reason(Lang::Vi, "cli-file-unwritable", &[("path", workbook)]));
    assert!(!nowhere.exists());
}

#[test]
fn a_port_already_taken_says_which_setting_moves_it() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let env = [("TELOXIDE_TOKEN", support::telegram::TOKEN), ("DONDOC_HTTP_LISTEN", address.as_str())];
    let out = support::process::cli_with(dir.path(), "vi", &["run"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert_said(&out, around_reason(Lang::Vi, "run-http-unbound", &[("address", &address)]));

    // A webhook address that is not one is refused with the other settings, before any port.
    let env =
        [("TELOXIDE_TOKEN", support::telegram::TOKEN), ("DONDOC_WEBHOOK_URL", "bot.example.org/telegram")];
    let out = support::process::cli_with(dir.path(), "vi", &["run"], &env);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(
        said.contains("DONDOC_WEBHOOK_URL") && said.contains(&tr(Lang::Vi, "settings-expect-webhook-url")),
        "{said}"
    );
}
