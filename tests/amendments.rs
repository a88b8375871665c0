//! A plan amended mid-year, through the real binary against the running bot's database: a
//! filed answer stays with the words it answered, nobody is chased for what they filed, past
//! periods are judged against the targets in force then, and an import that would quietly move
//! filed answers is refused until the file or the operator says where they go (issue 9).

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use dondoc::domain::people::Role;
use dondoc::domain::report::{ItemKey, TaskStatus, percent_of_target};
use dondoc::domain::{PeriodKey, Plan};
use dondoc::i18n::Lang;
use support::app::TestApp;
use support::reports::{QUARTERLY, hand_in, note, progress, value};
use support::telegram::SentMessage;

const Q1: PeriodKey = PeriodKey::Quarter(2022, 1);
const Q2: PeriodKey = PeriodKey::Quarter(2022, 2);

fn dondoc(t: &TestApp, args: &[&str]) -> Output {
    support::process::cli(t.dir.path(), "en", args)
}

fn out(o: &Output) -> String {
    support::process::said(o)
}

fn bundled() -> Plan {
    dondoc::bundled::plan().expect("the bundled plan")
}

/// The bundled plan edited, written as a plan file in the test's directory.
fn amended(t: &TestApp, name: &str, edit: impl FnOnce(&mut Plan)) -> PathBuf {
    let mut plan = bundled();
    edit(&mut plan);
    let text = toml::to_string(&plan.to_file()).expect("a plan file");
    let path = t.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A task inserted before 2.c, as an amendment does it: c…h become d…i.
fn insert_before_2c(plan: &mut Plan) {
    let section = plan.sections.iter_mut().find(|s| s.number == 2).unwrap();
    let at = section.tasks.iter().position(|t| t.letter == "c").unwrap();
    let mut task = section.tasks[at].clone();
    task.text = "Xây dựng đề án chuyển đổi số nông nghiệp giai đoạn 2022 - 2025.".into();
    section.tasks.insert(at, task);
    let letters = ["a", "b", "c", "d", "đ", "e", "g", "h", "i"];
    for (i, t) in section.tasks.iter_mut().enumerate() {
        t.letter = letters[i].to_owned();
        t.code = format!("2.{}", letters[i]);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

async fn admin_ready(t: &TestApp) {
    t.say(&t.admin, "/start").await;
}

/// The admin's view of a report, as the "Xem báo cáo" button shows it.
async fn view(t: &TestApp, report: i64) -> SentMessage {
    t.tg.mark_read(t.admin.id);
    t.tg.press(&t.admin, 1, &format!("V:{report}"));
    t.tg.next_message(t.admin.id).await
}

#[tokio::test]
async fn an_inserted_task_keeps_each_filed_answer_with_the_task_it_answered() {
    let t = TestApp::spawn_at("2022-03-01T09:00").await;
    admin_ready(&t).await;
    let nga = t.tg.user(7401, "Nga", "vi");
    t.join(&nga, Role::Focal, Some("SNNPTNT")).await;
    let old = bundled();
    let report = hand_in(
        &t,
        &nga,
        "SNNPTNT",
        Q1,
        vec![
            progress("2.c", TaskStatus::InProgress, 40),
            note(ItemKey::Task("2.c".into()), "Đã mở 3 lớp tập huấn công nghệ cao"),
        ],
    )
    .await;
    let file = amended(&t, "inserted.toml", insert_before_2c);

    // What the import would do, before it does anything.
    let diff = dondoc(&t, &["plan", "diff", path(&file)]);
    let shown = out(&diff);
    assert!(diff.status.success(), "{shown}");
    assert!(
        shown.contains("Plan 09/KH-UBND is followed at version 1; importing this file makes version 2"),
        "{shown}"
    );
    assert!(shown.contains("+ 2.c: added."), "{shown}");
    assert!(
        shown.contains("→ 2.d: has the words of the former 2.c (the file does not say replaces). ⚠ An answer was filed for 2.c: confirm where it goes."),
        "{shown}"
    );
    assert!(shown.contains("→ 2.i: has the words of the former 2.h"), "{shown}");
    assert!(shown.contains("Agencies gaining or losing duties:") && shown.contains("gains 2.i"), "{shown}");

    // Imported as it is, the answer about the old 2.c would read as the new 2.c's: refused.
    let refused = dondoc(&t, &["plan", "import", path(&file)]);
    assert_eq!(refused.status.code(), Some(1), "{}", out(&refused));
    assert!(out(&refused).contains("2.c → 2.d (1 answer): --confirm 2.c"), "{}", out(&refused));
    assert_eq!(t.store().plan_versions("09/KH-UBND").await.unwrap().len(), 1, "nothing imported");

    // Confirmed, it goes with the task that has its words.
    let imported = dondoc(&t, &["plan", "import", path(&file), "--confirm", "2.c"]);
    assert!(imported.status.success(), "{}", out(&imported));
    assert!(out(&imported).contains("2.c → 2.d: the answers filed go with it."), "{}", out(&imported));
    assert!(out(&imported).contains("Saved version 2 of the plan"), "{}", out(&imported));
    assert!(t.app.reload_plan_if_changed().await.unwrap());

    let items = t.store().items(report.id).await.unwrap();
    let answer = items.iter().find(|e| e.note.is_some()).expect("the answer");
    assert_eq!(answer.key, ItemKey::Task("2.d".into()));
    assert_eq!(answer.asked_as.as_deref(), Some("2.c"), "it answered 2.c of version 1");
    let shown = view(&t, report.id).await;
    let words: String = old.task("2.c").unwrap().1.text.chars().take(30).collect();
    assert!(shown.text.contains(&format!("✅ 2.d {words}")), "{}", shown.text);
    assert!(
        shown.text.contains("⬜ 2.c Xây dựng đề án chuyển đổi số"),
        "the new task is empty: {}",
        shown.text
    );
    assert!(shown.text.contains("Đã mở 3 lớp tập huấn công nghệ cao"), "{}", shown.text);
}

#[tokio::test]
async fn a_file_that_says_what_each_task_replaces_imports_at_once() {
    let t = TestApp::spawn_at("2022-03-01T09:00").await;
    admin_ready(&t).await;
    let nga = t.tg.user(7402, "Nga", "vi");
    t.join(&nga, Role::Focal, Some("SNNPTNT")).await;
    let report = hand_in(&t, &nga, "SNNPTNT", Q1, vec![progress("2.e", TaskStatus::Done, 100)]).await;
    let file = amended(&t, "said.toml", |plan| {
        insert_before_2c(plan);
        let was = ["c", "d", "đ", "e", "g", "h"];
        let now = ["d", "đ", "e", "g", "h", "i"];
        for (from, to) in was.iter().zip(now) {
            plan.set_replaces(
                dondoc::domain::plan_diff::Kind::Task,
                &format!("2.{to}"),
                &format!("2.{from}"),
            );
        }
    });
    let shown = out(&dondoc(&t, &["plan", "diff", path(&file)]));
    assert!(
        shown.contains("→ 2.g: was 2.e (the file says replaces). The answer filed goes with 2.g."),
        "{shown}"
    );
    assert!(!shown.contains("confirm where"), "{shown}");
    let imported = dondoc(&t, &["plan", "import", path(&file)]);
    assert!(imported.status.success(), "{}", out(&imported));
    t.app.reload_plan_if_changed().await.unwrap();
    let items = t.store().items(report.id).await.unwrap();
    assert_eq!(items.iter().map(|e| &e.key).collect::<Vec<_>>(), [&ItemKey::Task("2.g".into())]);
    // Importing the same file again changes nothing.
    let again = dondoc(&t, &["plan", "import", path(&file)]);
    assert!(out(&again).contains("nothing changed"), "{}", out(&again));
}

#[tokio::test]
async fn a_renumbered_plan_keeps_what_was_filed_and_chases_nobody_twice() {
    let t = TestApp::spawn_at("2022-03-01T09:00").await;
    admin_ready(&t).await;
    let nga = t.tg.user(7403, "Nga", "vi");
    let lan = t.tg.user(7404, "Lan", "vi");
    t.join(&nga, Role::Focal, Some("SNNPTNT")).await;
    t.join(&lan, Role::Focal, Some("SYT")).await;
    hand_in(
        &t,
        &nga,
        "SNNPTNT",
        Q1,
        vec![note(ItemKey::Task("2.a".into()), "Hai xã đạt chuẩn nông thôn mới trong quý")],
    )
    .await;

    // The plan reissued as 45/KH-UBND: without saying it amends 09/KH-UBND, both would be
    // followed and every agency chased twice.
    let renumbered = |amends: bool| {
        move |plan: &mut Plan| {
            plan.code = "45/KH-UBND".into();
            if amends {
                plan.amends = vec!["09/KH-UBND".into()];
            }
        }
    };
    let bare = amended(&t, "45-bare.toml", renumbered(false));
    let refused = dondoc(&t, &["plan", "import", path(&bare)]);
    assert_eq!(refused.status.code(), Some(1), "{}", out(&refused));
    assert!(out(&refused).contains(r#"add amends = ["09/KH-UBND"] under [plan]"#), "{}", out(&refused));

    let file = amended(&t, "45.toml", renumbered(true));
    assert!(
        out(&dondoc(&t, &["plan", "diff", path(&file)]))
            .contains("The file amends Plan 09/KH-UBND and renumbers it 45/KH-UBND")
    );
    let imported = dondoc(&t, &["plan", "import", path(&file)]);
    assert!(imported.status.success(), "{}", out(&imported));
    assert!(out(&imported).contains("Plan 09/KH-UBND is now numbered 45/KH-UBND"), "{}", out(&imported));
    t.app.reload_plan_if_changed().await.unwrap();
    assert_eq!(t.app.plan.all().iter().map(|p| p.code.clone()).collect::<Vec<_>>(), ["45/KH-UBND"]);

    // Seven days before the Q1 last day: the health department is reminded, once; agriculture,
    // which filed, is not.
    t.set_time("2022-03-07T08:00");
    t.remind_at("2022-03-07T08:00").await;
    let reminders = |id: i64| t.tg.messages(id).iter().filter(|m| m.text.starts_with("⏰")).count();
    assert_eq!(reminders(lan.id), 1);
    assert_eq!(reminders(nga.id), 0, "nobody is chased for what they filed");

    // The export under the new number has the report filed under the old one.
    let csv = t.dir.path().join("q1.csv");
    let xlsx = t.dir.path().join("q1.xlsx");
    let export = dondoc(&t, &["export", "--period", "2022-Q1", "--out", path(&xlsx), "--csv", path(&csv)]);
    assert!(export.status.success(), "{}", out(&export));
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.contains("Hai xã đạt chuẩn nông thôn mới trong quý"), "{rows}");
}

#[tokio::test]
async fn a_re_coded_round_keeps_its_reports_and_does_not_chase_them_again() {
    let t = TestApp::spawn_at("2022-03-01T09:00").await;
    admin_ready(&t).await;
    let nga = t.tg.user(7405, "Nga", "vi");
    let lan = t.tg.user(7406, "Lan", "vi");
    t.join(&nga, Role::Focal, Some("SNNPTNT")).await;
    t.join(&lan, Role::Focal, Some("SYT")).await;
    let report = hand_in(&t, &nga, "SNNPTNT", Q1, vec![progress("2.a", TaskStatus::InProgress, 50)]).await;
    let recode = |say: bool| {
        move |plan: &mut Plan| {
            let round = plan.rounds.iter_mut().find(|r| r.code == QUARTERLY).unwrap();
            round.code = "bao-cao-hang-quy".into();
            if say {
                round.replaces = Some(QUARTERLY.into());
            }
        }
    };
    let unsaid = amended(&t, "round.toml", recode(false));
    let shown = out(&dondoc(&t, &["plan", "diff", path(&unsaid)]));
    assert!(shown.contains("→ bao-cao-hang-quy: has the words of the former bao-cao-quy"), "{shown}");
    let refused = dondoc(&t, &["plan", "import", path(&unsaid)]);
    assert_eq!(refused.status.code(), Some(1), "{}", out(&refused));

    let said = amended(&t, "round-said.toml", recode(true));
    let imported = dondoc(&t, &["plan", "import", path(&said)]);
    assert!(imported.status.success(), "{}", out(&imported));
    t.app.reload_plan_if_changed().await.unwrap();
    let row = t.store().report(report.id).await.unwrap().unwrap();
    assert_eq!(row.round, "bao-cao-hang-quy", "the report went with its round");

    t.set_time("2022-03-07T08:00");
    t.remind_at("2022-03-07T08:00").await;
    let reminders = |id: i64| t.tg.messages(id).iter().filter(|m| m.text.starts_with("⏰")).count();
    assert_eq!(reminders(lan.id), 1);
    assert_eq!(reminders(nga.id), 0, "the report filed under the old round code counts");
    // The leaders' status counts it handed in.
    t.tg.mark_read(t.admin.id);
    let status = t.say(&t.admin, "/tinhhinh").await;
    assert!(status.text.contains("Báo cáo tiến độ hàng quý, quý I/2022"), "{}", status.text);
    assert!(status.text.contains("✅ đúng hạn 1 ·"), "{}", status.text);
}

async fn build(t: &TestApp, period: PeriodKey) -> dondoc::leadership::consolidated::Consolidated {
    let plan = t.app.plan.get();
    dondoc::leadership::consolidated::build(t.store(), &plan, QUARTERLY, period, t.clock_now(), Lang::Vi)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_changed_target_judges_each_period_against_the_target_in_force_then() {
    let t = TestApp::spawn_at("2022-03-01T09:00").await;
    admin_ready(&t).await;
    let old = bundled();
    let (_, revenue) = old.metric("5.1").unwrap();
    let agency = revenue.agency.to_string();
    let (_, task) = old.tasks_of(&revenue.agency)[0];
    let task_code = task.code.clone();
    let hoa = t.tg.user(7407, "Hoa", "vi");
    t.join(&hoa, Role::Focal, Some(&agency)).await;
    let q1 = hand_in(
        &t,
        &hoa,
        &agency,
        Q1,
        vec![value("5.1", "2400"), progress(&task_code, TaskStatus::InProgress, 30)],
    )
    .await;
    let row = |c: &dondoc::leadership::consolidated::Consolidated| {
        let m = c.workbook.indicators.iter().flat_map(|i| &i.metrics).find(|m| m.code == "5.1").unwrap();
        (m.target, m.percent_of_target)
    };

    let before = row(&build(&t, Q1).await);
    assert_eq!(before.0, revenue.target.value);
    assert!(before.1.is_some());

    // The target doubled and the task reworded, from the second quarter on.
    let file = amended(&t, "target.toml", |plan| {
        for m in plan.indicators.iter_mut().flat_map(|i| &mut i.metrics).filter(|m| m.code == "5.1") {
            m.target.value *= rust_decimal::Decimal::from(2);
        }
        for t in plan.sections.iter_mut().flat_map(|s| &mut s.tasks).filter(|t| t.code == task_code) {
            t.text = "Nội dung nhiệm vụ đã được sửa đổi theo Kế hoạch điều chỉnh.".into();
        }
    });
    let shown = out(&dondoc(&t, &["plan", "diff", path(&file)]));
    assert!(shown.contains("◎ 5.1: target changed from"), "{shown}");
    assert!(shown.contains("The answer filed keeps the words and target it answered"), "{shown}");
    let imported = dondoc(&t, &["plan", "import", path(&file)]);
    assert!(imported.status.success(), "{}", out(&imported));
    t.app.reload_plan_if_changed().await.unwrap();

    // The first quarter is still judged, and shown, as it was asked.
    let q1_after = build(&t, Q1).await;
    assert_eq!(row(&q1_after), before, "Q1 against the target in force then");
    let under = q1_after.workbook.answered_under.clone().expect("says which version");
    assert!(under.contains("bản 1"), "{under}");
    assert!(q1_after.report.intro.iter().any(|p| p.contains("bản 1")), "the report document says it too");
    let shown = view(&t, q1.id).await;
    let words: String = task.text.chars().take(25).collect();
    assert!(shown.text.contains(&words), "the words it answered: {}", shown.text);
    assert!(shown.text.contains("bản 1"), "{}", shown.text);

    // The second quarter is judged against the new target.
    t.set_time("2022-06-01T09:00");
    hand_in(&t, &hoa, &agency, Q2, vec![value("5.1", "5000")]).await;
    let q2 = build(&t, Q2).await;
    assert!(q2.workbook.answered_under.is_none(), "answered under the current version");
    let (target, percent) = row(&q2);
    assert_eq!(target, revenue.target.value * rust_decimal::Decimal::from(2));
    let plan = t.app.plan.get();
    let (_, new_revenue) = plan.metric("5.1").unwrap();
    let cumulative =
        q2.workbook.indicators.iter().flat_map(|i| &i.metrics).find(|m| m.code == "5.1").unwrap().cumulative;
    assert_eq!(percent, cumulative.and_then(|v| percent_of_target(new_revenue, v)));
}
