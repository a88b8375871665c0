//! `/quahan`: the agencies past their last day without handing in, in every open period, with
//! their focal points and whether the bot can reach each.

use super::{agency_name, person_label, round_name};
use crate::bot::send::Screen;
use crate::bot::{HandlerResult, Turn};
use crate::domain::Plan;
use crate::domain::calendar::{leading_deadline, local_date};
use crate::domain::people::Lang;
use crate::domain::timeliness::Timeliness;
use crate::overview::Overview;
use crate::{present, t};

/// `/quahan [plan]`: who is overdue in each plan followed (or in the one named).
pub async fn overdue(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, .. } = turn;
    let plans = super::plans_named(app, arg);
    let several = plans.len() > 1;
    for plan in plans {
        let mut overviews = Overview::open(&app.store, &plan, ctx.now).await?;
        // The period leaders mean by "now" first, then the others by last day.
        if let Some(lead) = leading_deadline(&plan, ctx.now) {
            overviews
                .sort_by_key(|o| (o.round != lead.round || o.period != lead.period, o.deadline.last_day));
        }
        if several && overviews.is_empty() {
            continue;
        }
        let text = render(&plan, ctx.lang, &overviews, local_date(&plan, ctx.now));
        let text = if several { format!("{}\n{text}", plan.code) } else { text };
        turn.send(Screen::text(text)).await?;
    }
    Ok(())
}

pub fn render(plan: &Plan, lang: Lang, overviews: &[Overview], today: chrono::NaiveDate) -> String {
    let mut parts = Vec::new();
    let (mut nobody, mut blocked) = (false, false);
    for o in overviews {
        let missing: Vec<_> = o.lines.iter().filter(|l| l.timeliness == Timeliness::Missing).collect();
        if missing.is_empty() {
            continue;
        }
        let mut lines = vec![t!(
            lang,
            "overdue-heading",
            round = round_name(plan, lang, &o.round),
            period = o.period.to_string(),
            last_day = present::date(o.deadline.last_day),
            count = missing.len() as i64
        )];
        for l in missing {
            let days = (today - l.deadline.last_day).num_days();
            let agency = agency_name(plan, lang, l.agency.as_str());
            nobody |= l.focal_points.is_empty();
            blocked |= l.focal_points.iter().any(|p| !p.reachable);
            let focal = if l.focal_points.is_empty() {
                t!(lang, "overdue-no-focal")
            } else {
                let people: Vec<String> = l
                    .focal_points
                    .iter()
                    .map(|p| {
                        let key =
                            if p.reachable { "overdue-focal-reachable" } else { "overdue-focal-blocked" };
                        t!(lang, key, name = person_label(p))
                    })
                    .collect();
                people.join(", ")
            };
            lines.push(if l.extended {
                let last_day = present::date(l.deadline.last_day);
                t!(
                    lang,
                    "overdue-line-extended",
                    agency = agency,
                    days = days,
                    last_day = last_day,
                    focal = focal
                )
            } else {
                t!(lang, "overdue-line", agency = agency, days = days, focal = focal)
            });
        }
        parts.push(lines.join("\n"));
    }
    if parts.is_empty() {
        return t!(lang, "overdue-none");
    }
    if nobody {
        parts.push(t!(lang, "overdue-no-focal-hint"));
    }
    if blocked {
        parts.push(t!(lang, "overdue-blocked-hint"));
    }
    parts.join("\n\n")
}
