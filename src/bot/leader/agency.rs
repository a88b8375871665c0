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
use crate::domain::report::{ItemEntry, ItemKey, percent_of_target};
use crate::domain::search::find_agencies;
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
    turn.send(Screen::text(render(&answered.plan, ctx.lang, &view))).await?;
    Ok(())
}

fn item_line(plan: &Plan, lang: Lang, latest: &LatestReport, key: &ItemKey) -> String {
    let entry = latest.entries.iter().find(|e| &e.key == key && e.is_filled());
    let (code, name) = match key {
        ItemKey::Task(c) => (c.clone(), plan.task(c).map(|(_, t)| t.text.clone()).unwrap_or_default()),
        ItemKey::Metric(c) => (
            c.clone(),
            plan.metric(c)
                .map(|(_, m)| present::name(lang, &m.name_vi, &m.name_en).to_owned())
                .unwrap_or_default(),
        ),
        ItemKey::Narrative(n) => (
            format!("({n})"),
            plan.indicator(*n)
                .map(|i| present::name(lang, &i.name_vi, &i.name_en).to_owned())
                .unwrap_or_default(),
        ),
    };
    let Some(entry) = entry else {
        return format!("⬜ {code} {}: {}", label(&name, 40), t!(lang, "agency-item-missing"));
    };
    let mut what = describe(lang, plan, entry);
    if let (ItemKey::Metric(c), Some(v)) = (key, entry.value)
        && let Some(p) = plan.metric(c).and_then(|(_, m)| percent_of_target(m, v))
    {
        what = format!("{what} · {}", present::bar(&p));
    }
    format!("• {code} {}: {what}", label(&name, 40))
}

pub fn render(plan: &Plan, lang: Lang, view: &AgencyView) -> String {
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
    match &view.latest {
        None => lines.push(t!(lang, "agency-no-report")),
        Some(latest) => {
            let r = &latest.report;
            lines.push(t!(
                lang,
                "agency-latest",
                round = round_name(plan, lang, &r.round),
                period = r.period.to_string(),
                state = present::report_state(lang, r.state),
                at = r.submitted_at.map(|at| present::local_time(plan, at)).unwrap_or_default()
            ));
            lines.extend(latest.items.iter().map(|key| item_line(plan, lang, latest, key)));
            if latest.files > 0 {
                lines.push(t!(lang, "agency-files", count = latest.files as i64));
            }
        }
    }
    if let Some(r) = &view.in_progress {
        lines.push(t!(
            lang,
            "agency-in-progress",
            round = round_name(plan, lang, &r.round),
            period = r.period.to_string(),
            state = present::report_state(lang, r.state)
        ));
    }
    lines.push(String::new());
    lines.push(t!(lang, "agency-year", year = plan.year.to_string()));
    for y in &view.year {
        let mut status = if y.not_open {
            t!(lang, "agency-year-not-open")
        } else {
            present::timeliness(lang, y.timeliness)
        };
        if y.extended {
            status = format!("{status} {}", t!(lang, "agency-year-extended"));
        }
        lines.push(t!(
            lang,
            "agency-year-line",
            round = round_name(plan, lang, &y.round),
            period = y.deadline.period.to_string(),
            last_day = present::date(y.deadline.last_day),
            status = status
        ));
    }
    lines.join("\n")
}
