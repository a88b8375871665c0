//! `/donvi CODE` or a few letters of the name: the agency's latest report item by item and its
//! timeliness over the year.

use super::{person_label, round_name};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard, label};
use crate::bot::report::describe;
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::people::Lang;
use crate::domain::report::{ItemEntry, ItemKey, TaskStatus, percent_of_target};
use crate::domain::search::find_agencies;
use crate::domain::timeliness::Timeliness;
use crate::leadership::agency::{AgencyView, LatestReport};
use crate::{present, t};

/// Buttons beyond this many would not fit a phone screen; a longer query narrows it.
const MAX_CHOICES: usize = 24;

pub async fn agency(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let (named, query) = super::plan_word(app, arg);
    let plan = named.unwrap_or_else(|| app.plan.get());
    let query = query.as_str();
    if query.is_empty() {
        turn.send(Screen::text(t!(ctx.lang, "agency-usage"))).await?;
        return Ok(());
    }
    let found = find_agencies(&plan, query);
    let Some(one) = found.first().filter(|_| found.len() == 1) else {
        let screen = if found.is_empty() {
            Screen::text(t!(ctx.lang, "agency-not-found", query = query.to_owned()))
        } else {
            let rows = found
                .iter()
                .take(MAX_CHOICES)
                .map(|a| {
                    let name = present::name(ctx.lang, &a.name_vi, &a.name_en);
                    vec![button(
                        label(name, 48),
                        Callback::Agency { code: a.code.to_string(), plan: Some(plan.code.clone()) },
                    )]
                })
                .collect();
            let text = t!(ctx.lang, "agency-choose", count = found.len() as i64, query = query.to_owned());
            Screen::with(text, keyboard(rows))
        };
        turn.send(screen).await?;
        return Ok(());
    };
    let Some(view) = AgencyView::load(&app.store, &plan, &one.code, ctx.now).await? else {
        return Ok(());
    };
    // The latest report is judged against the targets it answered.
    let entries: Vec<&ItemEntry> = view.latest.iter().flat_map(|l| &l.entries).collect();
    let answered = crate::answered::answered(&app.store, &plan, &entries).await?;
    turn.send(render(&answered.plan, ctx.lang, &view)).await?;
    Ok(())
}

/// Lines of metrics (and narratives) shown; the full report is a tap away.
const SHOWN_ITEMS: usize = 6;
/// Blocked tasks named.
const SHOWN_BLOCKED: usize = 3;

/// One metric or narrative: "• 13.1 Trẻ dưới 5 tuổi…: 10,4 % · ▓▓▓▓▓▓▓▓▓▓ 100,9%".
fn item_line(plan: &Plan, lang: Lang, latest: &LatestReport, key: &ItemKey) -> String {
    let entry = latest.entries.iter().find(|e| &e.key == key && e.is_filled());
    let name = present::item_short(plan, lang, key);
    let Some(entry) = entry else {
        return format!("⬜ {name}: {}", t!(lang, "agency-item-missing"));
    };
    let mut what = label(&describe(lang, plan, entry), 60);
    if let (ItemKey::Metric(c), Some(v)) = (key, entry.value)
        && let Some(p) = plan.metric(c).and_then(|(_, m)| percent_of_target(m, v))
    {
        what = format!("{what} · {}", present::bar(&p));
    }
    format!("• {name}: {what}")
}

/// The tasks as counts by status, and the blocked ones by name with what blocks them.
fn task_lines(plan: &Plan, lang: Lang, latest: &LatestReport) -> Vec<String> {
    let tasks: Vec<&ItemKey> = latest.items.iter().filter(|k| matches!(k, ItemKey::Task(_))).collect();
    if tasks.is_empty() {
        return vec![];
    }
    let status = |k: &ItemKey| latest.entries.iter().find(|e| &e.key == k).and_then(|e| e.status);
    let count = |s: Option<TaskStatus>| tasks.iter().filter(|k| status(k) == s).count() as i64;
    let mut out = vec![t!(
        lang,
        "agency-tasks",
        total = tasks.len() as i64,
        done = count(Some(TaskStatus::Done)),
        in_progress = count(Some(TaskStatus::InProgress)),
        blocked = count(Some(TaskStatus::Blocked)),
        not_started = count(Some(TaskStatus::NotStarted)),
        missing = count(None)
    )];
    for k in tasks.iter().filter(|k| status(k) == Some(TaskStatus::Blocked)).take(SHOWN_BLOCKED) {
        let note =
            latest.entries.iter().find(|e| &e.key == *k).and_then(|e| e.note.clone()).unwrap_or_default();
        out.push(t!(
            lang,
            "agency-blocked-line",
            item = present::item_short(plan, lang, k),
            note = label(&note, 60)
        ));
    }
    out
}

/// The year's periods of one round on one line: "quý I/2022 ✅ · quý II/2022 ⏳ …".
fn year_lines(plan: &Plan, lang: Lang, view: &AgencyView) -> Vec<String> {
    let mut rounds: Vec<&str> = Vec::new();
    for y in &view.year {
        if !rounds.contains(&y.round.as_str()) {
            rounds.push(&y.round);
        }
    }
    rounds
        .into_iter()
        .map(|round| {
            let periods: Vec<String> = view
                .year
                .iter()
                .filter(|y| y.round == round)
                .map(|y| {
                    let mark = match y.timeliness {
                        _ if y.not_open => "⏳".to_owned(),
                        Timeliness::OnTime => "✅".to_owned(),
                        Timeliness::Late { days } => format!("⏰{days}"),
                        Timeliness::Missing => "❌".to_owned(),
                        Timeliness::Pending => "⏳".to_owned(),
                    };
                    let extended = if y.extended {
                        format!(
                            " {}",
                            t!(
                                lang,
                                "agency-year-extended-to",
                                last_day = present::date(y.deadline.last_day)
                            )
                        )
                    } else {
                        String::new()
                    };
                    format!("{} {mark}{extended}", present::period(lang, y.deadline.period))
                })
                .collect();
            t!(
                lang,
                "agency-year-round",
                round = round_name(plan, lang, round),
                periods = periods.join(" · ")
            )
        })
        .collect()
}

/// One agency on one phone screen: who reports, the latest report in counts and its metrics
/// (the whole report a tap away), and the year's timeliness, a line per round.
pub fn render(plan: &Plan, lang: Lang, view: &AgencyView) -> Screen {
    let code = view.agency.as_str();
    let name = plan.agency(code).map_or(code, |a| present::name(lang, &a.name_vi, &a.name_en));
    let mut lines = vec![t!(lang, "agency-heading", name = name.to_owned(), code = code.to_owned())];
    if view.focal_points.is_empty() {
        lines.push(t!(lang, "agency-no-focal"));
    } else {
        let people: Vec<String> = view
            .focal_points
            .iter()
            .map(|p| if p.reachable { person_label(p) } else { format!("{} ⛔", person_label(p)) })
            .collect();
        lines.push(t!(lang, "agency-focal", people = people.join(", ")));
    }
    lines.push(String::new());
    let mut rows = Vec::new();
    match &view.latest {
        None => lines.push(t!(lang, "agency-no-report")),
        Some(latest) => {
            let r = &latest.report;
            lines.push(t!(
                lang,
                "agency-latest",
                round = round_name(plan, lang, &r.round),
                period = present::period(lang, r.period),
                state = present::report_state(lang, r.state),
                at = r.submitted_at.map(|at| present::local_time(plan, at)).unwrap_or_default()
            ));
            lines.extend(task_lines(plan, lang, latest));
            let others: Vec<&ItemKey> =
                latest.items.iter().filter(|k| !matches!(k, ItemKey::Task(_))).collect();
            lines.extend(others.iter().take(SHOWN_ITEMS).map(|key| item_line(plan, lang, latest, key)));
            if others.len() > SHOWN_ITEMS {
                lines.push(t!(lang, "agency-more-items", count = (others.len() - SHOWN_ITEMS) as i64));
            }
            if latest.files > 0 {
                lines.push(t!(lang, "agency-files", count = latest.files as i64));
            }
            rows.push(vec![button(t!(lang, "button-view"), Callback::View { report: r.id })]);
        }
    }
    if let Some(r) = &view.in_progress {
        lines.push(t!(
            lang,
            "agency-in-progress",
            round = round_name(plan, lang, &r.round),
            period = present::period(lang, r.period),
            state = present::report_state(lang, r.state)
        ));
    }
    lines.push(String::new());
    lines.push(t!(lang, "agency-year", year = plan.year.to_string()));
    lines.extend(year_lines(plan, lang, view));
    lines.push(t!(lang, "agency-year-legend"));
    if rows.is_empty() {
        Screen::text(lines.join("\n"))
    } else {
        Screen::with(lines.join("\n"), keyboard(rows))
    }
}
