//! Two plans followed at once (issue 9): the province's 2022 plan and a second plan of another
//! shape for the same year. An agency of both is reminded for both, `/baocao` offers both, and
//! leaders see each plan's status and indicators, or one plan's when they name it.

mod support;

use std::process::Output;

use dondoc::domain::people::Role;
use dondoc::domain::{PeriodKey, Plan};
use support::app::TestApp;

/// plans/vinh-long-2024.toml moved to 2022 (its dates with it), so that its rounds are open
/// while the bundled plan's are.
fn second_plan_2022() -> String {
    include_str!("../plans/vinh-long-2024.toml")
        .replace("\"2024-02-29\"", "\"2022-02-28\"")
        .replace("2023-03", "2021-03")
        .replace("2023-H1", "2021-H1")
        .replace("\"2024-05-04\"", "\"2022-05-07\"")
        .replace("2024", "2022")
        .replace("2025", "2023")
}

fn dondoc(t: &TestApp, args: &[&str]) -> Output {
    support::process::cli(t.dir.path(), "en", args)
}

fn out(o: &Output) -> String {
    support::process::said(o)
}

const SECOND: &str = "26/KH-UBND";

/// The first reminder instant of a round and period of a plan.
fn first_step(plan: &Plan, round: &str, period: PeriodKey) -> chrono::DateTime<chrono::Utc> {
    dondoc::domain::reminders::calendar(plan, 2022)
        .into_iter()
        .find(|s| s.round == round && s.period == period)
        .expect("a reminder step")
        .at
}

#[tokio::test]
async fn an_agency_of_two_plans_is_reminded_for_both_and_reports_on_either() {
    let t = TestApp::spawn_at("2022-03-01T09:00").await;
    t.say(&t.admin, "/start").await;
    let file = t.dir.path().join("vinh-long-2022.toml");
    std::fs::write(&file, second_plan_2022()).unwrap();
    let imported = dondoc(&t, &["plan", "import", file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", out(&imported));
    assert!(
        out(&imported).contains("Plan 26/KH-UBND will be followed alongside: 09/KH-UBND"),
        "{}",
        out(&imported)
    );
    assert!(t.app.reload_plan_if_changed().await.unwrap());
    assert_eq!(t.app.plan.all().len(), 2);

    // The finance department has tasks in the province's plan and reports budget revenue
    // monthly in the second.
    let hoa = t.tg.user(7501, "Hoa", "vi");
    t.join(&hoa, Role::Focal, Some("STC")).await;
    // /baocao opens the most urgent report of either plan (the quarter, due first); the other
    // plan's round is one tap away, named with its plan.
    let first = t.say(&hoa, "/baocao").await;
    assert!(
        first.text.contains("Báo cáo tiến độ hàng quý") && first.text.contains("quý I/2022"),
        "{}",
        first.summary()
    );
    let other = "↪ 26/KH-UBND · Báo cáo tháng, tháng 3/2022";
    assert!(
        first.button(other).data.as_deref().is_some_and(|d| d.ends_with(":26/KH-UBND")),
        "{}",
        first.summary()
    );
    let report = t.tap(&hoa, &first, other).await;
    assert!(
        report.text.contains("Báo cáo tháng") && report.text.contains("tháng 3/2022"),
        "{}",
        report.summary()
    );
    let stc = dondoc::domain::AgencyCode::parse("STC").unwrap();
    let row = t.store().find_report(SECOND, "bao-cao-thang", PeriodKey::Month(2022, 3), &stc).await.unwrap();
    assert!(row.is_some(), "the draft is the second plan's");

    // Reminded for each, each on its own plan's calendar, each naming its own round.
    let reminders = |text: &str| {
        t.tg.messages(hoa.id).iter().filter(|m| m.text.starts_with("⏰") && m.text.contains(text)).count()
    };
    t.set_time("2022-03-07T08:00");
    t.remind_at("2022-03-07T08:00").await;
    assert_eq!(reminders("Báo cáo tiến độ hàng quý, quý I/2022"), 1);
    let second_plan = t.app.plan.by_code(SECOND).unwrap();
    let at = first_step(&second_plan, "bao-cao-thang", PeriodKey::Month(2022, 3));
    t.clock.set(at);
    t.scheduler.run_at(at).await.unwrap();
    t.outbox_idle().await;
    assert_eq!(reminders("Báo cáo tháng, tháng 3/2022"), 1);
    // The same minute again (a restart, a second tick) sends nothing twice, for either plan.
    let before = t.tg.messages(hoa.id).len();
    t.scheduler.run_at(at).await.unwrap();
    t.outbox_idle().await;
    assert_eq!(t.tg.messages(hoa.id).len(), before, "nothing twice");
}

#[tokio::test]
async fn leaders_see_each_plan_or_the_one_they_name() {
    let t = TestApp::spawn_at("2022-03-08T09:00").await;
    t.say(&t.admin, "/start").await;
    let file = t.dir.path().join("vinh-long-2022.toml");
    std::fs::write(&file, second_plan_2022()).unwrap();
    assert!(dondoc(&t, &["plan", "import", file.to_str().unwrap()]).status.success());
    t.app.reload_plan_if_changed().await.unwrap();
    let chu = t.tg.user(7502, "Chủ tịch", "vi");
    t.join(&chu, Role::Leader, None).await;

    // /tinhhinh: one message per plan.
    t.tg.send_text(&chu, "/tinhhinh");
    let a = t.tg.next_message(chu.id).await;
    let b = t.tg.next_message(chu.id).await;
    let both = format!("{}\n{}", a.text, b.text);
    assert!(both.contains("Kế hoạch 09/KH-UBND") && both.contains("Kế hoạch 26/KH-UBND"), "{both}");
    // Named, only that plan.
    let one = t.say(&chu, "/tinhhinh 26/KH").await;
    assert!(one.text.contains("Kế hoạch 26/KH-UBND") && !one.text.contains("09/KH-UBND"), "{}", one.text);
    t.tg.expect_silence(chu.id, std::time::Duration::from_millis(300)).await;

    // An indicator by its number: of the plan imported last, or of the plan named.
    let latest = t.say(&chu, "/chitieu 2").await;
    assert!(latest.text.contains("Thu ngân sách nhà nước"), "{}", latest.text);
    let ours = t.say(&chu, "/chitieu 2 09/KH").await;
    assert!(ours.text.contains("GRDP bình quân đầu người"), "{}", ours.text);
    let theirs = t.say(&chu, "/chitieu 2 26/KH-UBND").await;
    assert!(theirs.text.contains("Thu ngân sách nhà nước"), "{}", theirs.text);
    // Its chart button stays with its plan.
    let chart = theirs.data("Biểu đồ");
    assert!(chart.ends_with(":26/KH-UBND"), "{chart}");
}
