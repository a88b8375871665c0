//! The consolidated workbook and the draft report document, as the provincial People's
//! Committee receives them: asked for in chat or written by the command line, read back cell by
//! cell against the database.

mod support;

use std::collections::HashMap;
use std::io::Cursor;
use std::process::Command;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use dondoc::domain::people::{Lang, Role};
use dondoc::domain::report::{ItemEntry, ItemKey, TaskStatus};
use dondoc::domain::{AgencyCode, PeriodKey};
use dondoc::store::{Extension, Store};
use rust_decimal::prelude::ToPrimitive;
use support::app::{TestApp, text};
use support::docx;
use support::reports::{QUARTERLY, draft, hand_in, narrative, note, progress, value};
use support::telegram::{SentKind, TgUser};

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);
/// Rows 0-3 are the title lines, row 4 the headers.
const FIRST_ROW: usize = 5;

fn vi(key: &str, args: &[(&'static str, &str)]) -> String {
    text(Lang::Vi, key, args)
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn string(row: &[Data], col: usize) -> String {
    match row.get(col) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("column {col} is not text: {other:?}"),
    }
}

fn number(row: &[Data], col: usize) -> Option<f64> {
    match row.get(col) {
        Some(Data::Float(v)) => Some(*v),
        Some(Data::Int(v)) => Some(*v as f64),
        _ => None,
    }
}

/// The items of every handed-in report of the quarter, by (agency, item): what the workbook
/// must show.
async fn handed_in(store: &Store) -> HashMap<(String, ItemKey), ItemEntry> {
    let mut out = HashMap::new();
    for report in store.period_reports("09/KH-UBND", QUARTERLY, Q1).await.unwrap() {
        if !report.state.is_handed_in() {
            continue;
        }
        for item in store.items(report.id).await.unwrap() {
            out.insert((report.agency.to_string(), item.key.clone()), item);
        }
    }
    out
}

/// Sets up the quarter: Finance on time, Health and the police late, Construction still a
/// draft with an extension.
async fn a_quarter_of_reports(t: &TestApp) {
    let people: Vec<(TgUser, &str)> = [(9801, "STC"), (9802, "SYT"), (9803, "CAT"), (9804, "SXD")]
        .into_iter()
        .map(|(id, agency)| (t.tg.user(id, &format!("Đầu mối {agency}"), "vi"), agency))
        .collect();
    for (user, agency) in &people {
        t.join(user, Role::Focal, Some(agency)).await;
    }
    hand_in(
        t,
        &people[0].0,
        "STC",
        Q1,
        vec![
            value("5.1", "2250.5"),
            note(ItemKey::Metric("5.1".into()), "Ước thực hiện"),
            progress("9.a", TaskStatus::Done, 100),
            note(ItemKey::Task("9.a".into()), "Đã giao dự toán cho các đơn vị"),
            progress("9.b", TaskStatus::InProgress, 40),
        ],
    )
    .await;
    t.set_time("2022-03-16T15:30");
    hand_in(t, &people[1].0, "SYT", Q1, vec![value("13.1", "10.2"), value("13.4", "91.5")]).await;
    hand_in(t, &people[2].0, "CAT", Q1, vec![narrative(17, "Giữ vững an ninh chính trị")]).await;
    draft(t, &people[3].0, "SXD", Q1, vec![value("9.1", "30")]).await;
    let extension = Extension {
        plan: "09/KH-UBND".into(),
        round: QUARTERLY.into(),
        period: Q1,
        agency: AgencyCode::parse("SXD").unwrap(),
        last_day: chrono::NaiveDate::from_ymd_opt(2022, 3, 25).unwrap(),
        reason: "Chờ số liệu".into(),
        granted_by: None,
        granted_at: t.clock_now(),
    };
    t.store().grant_extension(&extension, &[], t.clock_now()).await.unwrap();
    t.set_time("2022-03-20T10:00");
}

/// Every cell that comes from the database, checked against it.
async fn check_workbook(store: &Store, bytes: Vec<u8>, expect_timeliness: bool) {
    let plan = store.active_plan().await.unwrap().unwrap();
    let items = handed_in(store).await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a readable workbook");
    let names = book.sheet_names();
    assert_eq!(names.len(), plan.sections.len() + 2, "{names:?}");
    assert_eq!((names[0].as_str(), names[names.len() - 1].as_str()), ("Chỉ tiêu", "Tình hình nộp báo cáo"));
    let not_reported = vi("export-not-reported", &[]);

    // Indicators: numbered as the plan numbers them, every metric's target, and the responsible
    // agency's handed-in value (the first quarter's value is its own figure and its cumulative).
    let indicators = sheet(&mut book, "Chỉ tiêu");
    let rows: Vec<&[Data]> = indicators.rows().skip(FIRST_ROW).collect();
    for ind in &plan.indicators {
        let numbers: Vec<String> = rows
            .iter()
            .map(|r| string(r, 0))
            .filter(|n| n.split('.').next() == Some(&ind.number.to_string()))
            .collect();
        let mut want = vec![ind.number.to_string()];
        if ind.metrics.len() > 1 {
            want.extend(ind.metrics.iter().map(|m| m.code.clone()));
        }
        assert_eq!(numbers, want, "indicator {} is numbered as the plan", ind.number);
    }
    let row_of = |ind: &dondoc::domain::plan::Indicator, code: &str| {
        let stt = if ind.metrics.len() == 1 { ind.number.to_string() } else { code.to_owned() };
        *rows.iter().find(|r| string(r, 0) == stt).unwrap_or_else(|| panic!("no row for {code}"))
    };
    for (ind, m) in plan.indicators.iter().flat_map(|i| i.metrics.iter().map(move |m| (i, m))) {
        let row = row_of(ind, &m.code);
        assert_eq!(number(row, 4), m.target.value.to_f64(), "target of {}", m.code);
        let agency = plan.agency(m.agency.as_str()).unwrap();
        assert_eq!(string(row, 12), agency.name_vi);
        match items.get(&(m.agency.to_string(), ItemKey::Metric(m.code.clone()))).and_then(|e| e.value) {
            Some(v) => {
                assert_eq!(number(row, 6), v.to_f64(), "value of {}", m.code);
                assert_eq!(number(row, 7), v.to_f64(), "the first quarter's own figure of {}", m.code);
                // The one percent of the target every view shows (cut to one decimal, a limit
                // kept reads over 100 %), as an Excel percent.
                let share = number(row, 10).expect("a percent");
                let percent = dondoc::domain::progress::percent_of_target(m, v).unwrap().to_f64().unwrap();
                assert!((share * 100.0 - percent).abs() < 1e-9, "{}: {share} for {percent} %", m.code);
                assert_eq!(string(row, 13), vi("export-review-submitted", &[]));
            }
            None => assert_eq!(string(row, 6), not_reported, "{} is not reported", m.code),
        }
    }
    let (five, nine) = (plan.indicator(5).unwrap(), plan.metric("9.1").unwrap().0);
    let revenue = row_of(five, "5.1");
    assert_eq!(string(revenue, 15), "Ước thực hiện");
    assert_eq!(number(revenue, 8), Some(2250.5), "revenue is cumulative");
    let construction = row_of(nine, "9.1");
    assert_eq!(string(construction, 6), not_reported, "a draft is not reported");
    let defence = rows.iter().find(|r| string(r, 0) == "17").unwrap();
    assert_eq!(
        (string(defence, 12), string(defence, 15)),
        ("Công an tỉnh".into(), "Giữ vững an ninh chính trị".into())
    );

    // A sheet per section: every task once per agency, with its status as handed in.
    let mut task_rows = 0;
    for (section, name) in plan.sections.iter().zip(&names[1..]) {
        let range = sheet(&mut book, name);
        let agencies = plan.expand(&section.assignees);
        let rows: Vec<&[Data]> = range.rows().skip(FIRST_ROW).collect();
        assert_eq!(rows.len(), section.tasks.len() * agencies.len(), "{name}");
        for row in rows {
            task_rows += 1;
            let agency = agencies.iter().find(|a| a.name_vi == string(row, 2)).expect("a known agency");
            let entry = items.get(&(agency.code.to_string(), ItemKey::Task(string(row, 0))));
            match entry.and_then(|e| e.status) {
                Some(status) => {
                    let label = vi(&format!("status-{}", status.as_str().replace('_', "-")), &[]);
                    assert_eq!(string(row, 3), label);
                    let percent = entry.and_then(|e| e.percent).map(|p| f64::from(p) / 100.0);
                    assert_eq!(number(row, 4), percent);
                    assert_eq!(string(row, 5), entry.and_then(|e| e.note.clone()).unwrap_or_default());
                    assert_eq!(string(row, 6), vi("export-review-submitted", &[]));
                }
                None => assert_eq!(string(row, 3), not_reported),
            }
        }
    }
    assert!(task_rows > plan.task_count(), "district tasks have a row per district");

    // Timeliness: one row per agency.
    let range = sheet(&mut book, "Tình hình nộp báo cáo");
    let rows: Vec<&[Data]> = range.rows().skip(FIRST_ROW).collect();
    assert_eq!(rows.len(), plan.agencies.len());
    let status = |code: &str| {
        let row = rows.iter().find(|r| string(r, 0) == code).unwrap();
        (string(row, 5), number(row, 6), row.get(3).cloned())
    };
    assert_eq!(status("STC").0, vi("timeliness-on-time", &[]));
    if expect_timeliness {
        assert_eq!(status("SYT").0, vi("timeliness-late", &[("days", "2")]));
        assert_eq!(status("SYT").1, Some(2.0));
        assert_eq!(status("SXD").0, vi("timeliness-pending", &[]));
        assert!(matches!(status("SXD").2, Some(Data::DateTime(_))), "the extension's date");
        assert_eq!(status("SNV").0, vi("timeliness-missing", &[]));
    }
    let review = |code: &str| string(rows.iter().find(|r| string(r, 0) == code).unwrap(), 7);
    assert_eq!(review("STC"), vi("export-review-submitted", &[]));
    assert_eq!(review("SXD"), vi("export-review-draft", &[]));
    assert_eq!(review("SNV"), "", "no report");
}

/// The draft report of the first quarter: its heading block, title, the indicators' table, the
/// late and missing agencies.
fn check_q1_document(bytes: &[u8], expect_timeliness: bool) {
    let doc = docx::read(bytes);
    let heading = doc.table_text(0);
    assert!(heading[0][0].starts_with("UBND TỈNH HẬU GIANG\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ"), "{heading:?}");
    assert!(heading[0][0].ends_with(&vi("doc-number", &[("symbol", "SKHĐT")])));
    assert!(heading[0][1].starts_with("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"));
    let paras = doc.paragraphs();
    let title = doc.position(&vi("doc-title", &[])).expect("the title");
    let period = vi("doc-period-quarter", &[("roman", "I"), ("year", "2022")]);
    assert_eq!(paras[title + 1], vi("doc-subject", &[("plan", "09/KH-UBND"), ("period", &period)]));
    assert!(doc.position(&vi("doc-recipient", &[("province", "Hậu Giang")])).is_some());
    let table = doc.table_text(1);
    assert_eq!(table[0][4], vi("doc-h-own", &[("period", "quý I")]));
    let revenue = table.iter().find(|r| r[0] == "5.1").expect("revenue's row");
    assert_eq!(revenue[3..8], ["9.002", "2.250,5", "2.250,5", "", "25"].map(String::from));
    assert_eq!(revenue[8], vi("doc-assessment-on-pace", &[]));
    let defence = table.iter().find(|r| r[0] == "17").expect("a narrative row");
    assert_eq!(defence[2], "Giữ vững an ninh chính trị");
    let missing = doc.position(&vi("doc-missing-label", &[])).unwrap();
    assert!(paras[missing + 1..].contains(&"- Sở Nội vụ"), "an agency that did not report");
    if expect_timeliness {
        let late = doc.position(&vi("doc-late-label", &[])).unwrap();
        let days = vi("doc-late-days", &[("days", "2")]);
        assert_eq!(paras[late + 1], format!("- Sở Y tế: {days}"));
    }
}

#[tokio::test]
async fn a_leader_exports_the_quarter_and_every_cell_matches_the_database() {
    let t = TestApp::spawn_at("2022-03-07T09:00").await;
    a_quarter_of_reports(&t).await;
    let leader = t.tg.user(9900, "Chủ tịch", "vi");
    t.join(&leader, Role::Leader, None).await;

    t.tg.send_text(&leader, "/xuat 2022-Q1");
    let workbook = t.tg.next_message(leader.id).await;
    assert_eq!(workbook.kind, SentKind::Document { file_name: "09-KH-UBND_2022-Q1.xlsx".into() });
    let plan = dondoc::bundled::plan().unwrap();
    assert_eq!(
        workbook.text,
        vi(
            "export-caption",
            &[
                ("plan", "09/KH-UBND"),
                ("period", "quý I/2022"),
                ("reported", "3"),
                ("metrics", &plan.metric_count().to_string()),
                ("handed_in", "3"),
                ("agencies", &plan.agencies.len().to_string()),
            ]
        )
    );
    let document = t.tg.next_message(leader.id).await;
    assert_eq!(document.kind, SentKind::Document { file_name: "09-KH-UBND_2022-Q1.docx".into() });
    assert_eq!(document.text, vi("doc-caption", &[("period", "quý I/2022")]));
    let csv = t.tg.next_message(leader.id).await;
    assert_eq!(csv.kind, SentKind::Document { file_name: "09-KH-UBND_2022-Q1.csv".into() });
    check_workbook(t.store(), t.tg.file_bytes(leader.id, workbook.message_id).unwrap(), true).await;
    check_q1_document(&t.tg.file_bytes(leader.id, document.message_id).unwrap(), true);
    let csv = String::from_utf8(t.tg.file_bytes(leader.id, csv.message_id).unwrap()).unwrap();
    assert!(csv.starts_with(&format!("\u{feff}{};", vi("csv-h-kind", &[]))), "Vietnamese headers");
    // The chat's CSV is for Excel set to Vietnamese: ';' between fields, decimal commas.
    let revenue = csv.lines().find(|l| l.starts_with("indicator;2022-Q1;5.1;")).unwrap();
    assert!(revenue.contains(";2250,5;"), "{revenue}");

    // With no period, the one open quarter; in April, a choice of the opened ones.
    t.tg.send_text(&leader, "/xuat");
    let current = t.tg.next_message(leader.id).await;
    assert_eq!(current.kind, SentKind::Document { file_name: "09-KH-UBND_2022-Q1.xlsx".into() });
    t.tg.next_message(leader.id).await;
    t.tg.next_message(leader.id).await;
    t.set_time("2022-04-05T09:00");
    t.tg.send_text(&leader, "/xuat");
    let choose = t.tg.next_message(leader.id).await;
    assert_eq!(choose.text, vi("export-usage", &[]));
    assert_eq!(
        choose.all_buttons().iter().map(|b| b.text.as_str()).collect::<Vec<_>>(),
        ["quý II/2022", "quý I/2022"]
    );
    t.tg.press(&leader, choose.message_id, &choose.data("quý I/2022"));
    let chosen = t.tg.next_message(leader.id).await;
    assert_eq!(chosen.kind, SentKind::Document { file_name: "09-KH-UBND_2022-Q1.xlsx".into() });
    t.tg.next_message(leader.id).await;
    t.tg.next_message(leader.id).await;
    t.tg.send_text(&leader, "/xuat quý 1");
    assert_eq!(t.tg.next_message(leader.id).await.text, vi("export-bad-period", &[("typed", "quý 1")]));
    t.tg.send_text(&leader, "/xuat 2023-Q1");
    assert_eq!(
        t.tg.next_message(leader.id).await.text,
        vi("export-unknown-period", &[("period", "2023-Q1")])
    );
}

#[tokio::test]
async fn the_command_line_writes_the_same_workbook() {
    let mut t = TestApp::spawn_at("2022-03-07T09:00").await;
    a_quarter_of_reports(&t).await;
    t.stop().await;
    let dir = t.dir.path();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dondoc"))
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DONDOC_DATABASE", support::db::env_value(dir))
            .env("DONDOC_LANG", "vi")
            .output()
            .expect("run dondoc")
    };
    let out = run(&[
        "export",
        "--period",
        "2022-Q1",
        "--out",
        "q1.xlsx",
        "--csv",
        "q1.csv",
        "--csv-style",
        "plain",
        "--docx",
        "q1.docx",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&vi("cli-export-done", &[("period", "2022-Q1"), ("path", "q1.xlsx")])),
        "{stdout}"
    );
    let store = Store::open(support::db::location(dir)).await.unwrap();
    // The command line runs at today's date: only what does not depend on it is compared.
    check_workbook(&store, std::fs::read(dir.join("q1.xlsx")).unwrap(), false).await;
    let csv = std::fs::read_to_string(dir.join("q1.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("task,2022-Q1,9,") && l.contains(",9.a,")), "{csv}");
    assert!(stdout.contains(&vi("cli-export-done", &[("period", "2022-Q1"), ("path", "q1.docx")])));
    check_q1_document(&std::fs::read(dir.join("q1.docx")).unwrap(), false);

    let bad = run(&["export", "--period", "quý 1", "--out", "x.xlsx"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(&vi("export-bad-period", &[("typed", "quý 1")])));
    let style = run(&["export", "--period", "2022-Q1", "--out", "x.xlsx", "--csv-style", "excel"]);
    assert_eq!(style.status.code(), Some(2), "clap refuses an unknown style");
    let unknown = run(&["export", "--period", "2023-Q1", "--out", "x.xlsx"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(!dir.join("x.xlsx").exists());
}

fn dondoc(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    support::process::cli(dir, "vi", args)
}

/// The second quarter, written by the command line: revenue is reported as a cumulative figure
/// (2.250,5 after Q1, 4.800 after Q2), so the report shows 2.549,5 for the quarter and 4.800
/// since January; Finance's proposal and its blocked task reach Parts II and IV, the agencies
/// that did not report Part III; the workbook's Q2 sheet has the same figures.
#[tokio::test]
async fn the_second_quarters_report_derives_the_quarter_from_two_cumulatives() {
    let mut t = TestApp::spawn_at("2022-03-07T09:00").await;
    a_quarter_of_reports(&t).await;
    let finance = t.tg.user(9801, "Đầu mối STC", "vi");
    t.set_time("2022-06-10T10:00");
    hand_in(
        &t,
        &finance,
        "STC",
        Q2,
        vec![
            value("5.1", "4800"),
            progress("9.a", TaskStatus::Done, 100),
            note(ItemKey::Task("9.a".into()), "Đề nghị UBND tỉnh bổ sung dự toán cho huyện"),
            progress("9.b", TaskStatus::Blocked, 40),
            note(ItemKey::Task("9.b".into()), "Chưa có hướng dẫn của Bộ Tài chính"),
        ],
    )
    .await;
    t.stop().await;
    let dir = t.dir.path();
    let out = dondoc(dir, &["export", "--period", "2022-Q2", "--out", "q2.xlsx", "--docx", "q2.docx"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // DONDOC_EXPORT_DIR=… keeps the files, to look at them (the README's picture is this one).
    if let Ok(keep) = std::env::var("DONDOC_EXPORT_DIR") {
        for name in ["q2.xlsx", "q2.docx"] {
            std::fs::copy(dir.join(name), std::path::Path::new(&keep).join(name)).unwrap();
        }
    }
    let doc = docx::read(&std::fs::read(dir.join("q2.docx")).unwrap());
    let table = doc.table_text(1);
    assert_eq!(table[0][4], vi("doc-h-own", &[("period", "quý II")]));
    let revenue = table.iter().find(|r| r[0] == "5.1").expect("revenue's row");
    // 4.800 / 9.002 = 53,3 % (cut to one decimal); half the year gone, 4.501 expected: on pace.
    assert_eq!(revenue[3..8], ["9.002", "2.549,5", "4.800", "", "53,3"].map(String::from));
    assert_eq!(revenue[8], vi("doc-assessment-on-pace", &[]));
    let malnutrition = table.iter().find(|r| r[0] == "13.1").expect("13.1's row");
    assert_eq!(malnutrition[8], vi("doc-not-reported", &[]), "Health reported only in Q1");
    let paras = doc.paragraphs();
    let section = doc.position("9. Sở Tài chính").expect("Finance's section");
    assert_eq!(
        paras[section + 1],
        vi(
            "doc-section-summary",
            &[
                ("tasks", "5"),
                ("done", "1"),
                ("in_progress", "0"),
                ("blocked", "1"),
                ("not_started", "0"),
                ("not_reported", "3")
            ]
        )
    );
    let blocked = vi("doc-point-task", &[("task", "9.b"), ("text", "Chưa có hướng dẫn của Bộ Tài chính")]);
    assert_eq!(
        paras[section + 2..section + 4],
        [vi("doc-shortcomings", &[]), format!("- Sở Tài chính: {blocked}")]
    );
    let proposal =
        vi("doc-point-task", &[("task", "9.a"), ("text", "Đề nghị UBND tỉnh bổ sung dự toán cho huyện")]);
    let proposals = doc.position(&vi("doc-part-proposals", &[])).expect("Part IV");
    assert_eq!(paras[proposals + 1], format!("- Sở Tài chính: {proposal}"));
    let missing = doc.position(&vi("doc-missing-label", &[])).unwrap();
    for agency in ["- Sở Y tế", "- Công an tỉnh", "- Sở Xây dựng"] {
        assert!(paras[missing + 1..].contains(&agency), "{agency} did not report Q2");
    }
    assert!(!paras[missing + 1..].contains(&"- Sở Tài chính"));

    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(std::fs::read(dir.join("q2.xlsx")).unwrap())).unwrap();
    let indicators = sheet(&mut book, "Chỉ tiêu");
    let header: Vec<String> =
        indicators.rows().nth(FIRST_ROW - 1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header[6..10],
        ["export-h-reported-value", "export-h-own", "export-h-cumulative", "export-h-last-year"]
            .map(|k| vi(k, &[]))
    );
    let row = indicators.rows().find(|r| string(r, 0) == "5.1").unwrap();
    assert_eq!(
        (number(row, 6), number(row, 7), number(row, 8), number(row, 9)),
        (Some(4800.0), Some(2549.5), Some(4800.0), None),
        "as reported, the quarter, since January, last year (not known)"
    );
}
