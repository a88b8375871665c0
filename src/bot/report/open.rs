//! Which report a focal point opens: the agency's open rounds and periods in every plan
//! followed, the most urgent first, and the others one tap away from a report's screen.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::{Access, access_over, menu_screen, refuse, round_name};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, label};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult, Turn};
use crate::domain::calendar::{self, Deadline};
use crate::domain::people::Lang;
use crate::domain::report::{ReportState, items_for};
use crate::domain::{PeriodKey, Plan};
use crate::present;
use crate::store::ReportRow;
use crate::t;

/// An open round and period of the person's agency, in one of the plans followed: its own
/// dates (an extension applied) and its report, once opened.
pub(super) struct Choice {
    pub plan: Arc<Plan>,
    pub deadline: Deadline,
    pub report: Option<ReportRow>,
}

impl Choice {
    fn state(&self) -> Option<ReportState> {
        self.report.as_ref().map(|r| r.state)
    }
    fn handed_in(&self) -> bool {
        self.state().is_some_and(ReportState::is_handed_in)
    }
    /// Days past the last day, while not handed in.
    fn overdue_days(&self, today: NaiveDate) -> Option<i64> {
        (!self.handed_in() && today > self.deadline.last_day)
            .then(|| (today - self.deadline.last_day).num_days())
    }
    /// Smaller is more urgent: a report returned for fixes; then those not handed in, the
    /// nearest last day ahead first, then those past it (the most recent first); then those
    /// handed in; accepted ones last.
    fn urgency(&self, today: NaiveDate) -> (u8, i64) {
        let last = self.deadline.last_day;
        match self.state() {
            Some(ReportState::Returned) => (0, (last - today).num_days()),
            Some(ReportState::Submitted) => (3, (last - today).num_days()),
            Some(ReportState::Accepted) => (4, (last - today).num_days()),
            _ if last >= today => (1, (last - today).num_days()),
            _ => (2, (today - last).num_days()),
        }
    }
    /// The round's name, after its plan's code when several plans are followed.
    fn name(&self, lang: Lang, several_plans: bool) -> String {
        let round = round_name(&self.plan, lang, &self.deadline.round);
        if several_plans { format!("{} · {round}", self.plan.code) } else { round }
    }
    fn is(&self, plan: &str, round: &str, period: PeriodKey) -> bool {
        self.plan.code == plan && self.deadline.round == round && self.deadline.period == period
    }
}

/// The rounds and periods a focal point may report on now, in every plan followed, the most
/// urgent first (accepted ones too, last: they are done).
pub(super) async fn choices(app: &AppRef, ctx: &Ctx) -> anyhow::Result<Vec<Choice>> {
    let Some(agency) = ctx.person.as_ref().and_then(|p| p.agency.clone()) else { return Ok(vec![]) };
    let today = calendar::local_date(&app.plan.get(), ctx.now);
    let mut open = Vec::new();
    for plan in app.plan.all() {
        for d in calendar::open_deadlines(&plan, ctx.now) {
            let Some(round) = plan.round(&d.round) else { continue };
            if !plan.recipients(round).iter().any(|a| a.code == agency) {
                continue;
            }
            if !round.asks.document && items_for(&plan, round, &agency).is_empty() {
                continue;
            }
            open.push((plan.clone(), d));
        }
    }
    let wanted: Vec<(&str, &str, PeriodKey)> =
        open.iter().map(|(plan, d)| (plan.code.as_str(), d.round.as_str(), d.period)).collect();
    let found = app.store.agency_periods(&agency, &wanted).await?;
    let mut out: Vec<Choice> = open
        .into_iter()
        .zip(found)
        .map(|((plan, d), (report, extended_to))| Choice { plan, deadline: d.extended(extended_to), report })
        .collect();
    out.sort_by_key(|c| c.urgency(today));
    Ok(out)
}

/// `/baocao`: the most urgent open report of the agency, saying which it is (and that it is
/// overdue, and which others are done); the other open ones are a tap away on its screen.
pub async fn open(turn: Turn<'_>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let today = calendar::local_date(&app.plan.get(), ctx.now);
    let several_plans = app.plan.all().len() > 1;
    let all = choices(app, ctx).await?;
    let done: Vec<String> = all
        .iter()
        .filter(|c| c.handed_in())
        .map(|c| {
            let state = c.state().map(|s| present::report_state(ctx.lang, s)).unwrap_or_default();
            t!(
                ctx.lang,
                "report-open-done",
                round = c.name(ctx.lang, several_plans),
                period = present::period(ctx.lang, c.deadline.period),
                state = state
            )
        })
        .collect();
    let Some(first) = all.iter().find(|c| c.state() != Some(ReportState::Accepted)) else {
        let next = app
            .plan
            .all()
            .iter()
            .flat_map(|p| {
                let p = p.clone();
                calendar::deadlines(&p, today.year()).into_iter().map(move |d| (p.clone(), d))
            })
            .filter(|(_, d)| d.opens > today)
            .min_by_key(|(_, d)| d.opens);
        let mut lines = done;
        lines.push(match next {
            Some((p, d)) => t!(
                ctx.lang,
                "report-none-open-next",
                round = round_name(&p, ctx.lang, &d.round),
                period = present::period(ctx.lang, d.period),
                opens = present::date(d.opens)
            ),
            None => t!(ctx.lang, "report-none-open"),
        });
        conv.go(State::Idle);
        turn.show(Screen::text(lines.join("\n"))).await?;
        return Ok(());
    };
    let mut notice: Vec<String> = Vec::new();
    if let Some(days) = first.overdue_days(today) {
        notice.push(t!(
            ctx.lang,
            "report-open-overdue",
            days = days,
            last_day = present::date(first.deadline.last_day)
        ));
    }
    notice.extend(done.into_iter().filter(|_| all.len() > 1));
    open_round(turn, Some(first), notice).await
}

/// A chosen round and period (a reminder's button, an old choice): checked against what is
/// open for the person's agency now, in the plan named (else the first whose round and period
/// it is); an accepted report shows its locked screen.
pub async fn choose(turn: Turn<'_>, round: &str, period: PeriodKey, plan: Option<&str>) -> HandlerResult {
    let all = choices(turn.app, turn.ctx).await?;
    let allowed = all.iter().find(|c| {
        c.deadline.round == round && c.deadline.period == period && plan.is_none_or(|p| c.plan.code == p)
    });
    open_round(turn, allowed, vec![]).await
}

/// The agency's report of an open round and period (a draft the first time); `None` (not
/// open for the agency now) says the period is closed.
async fn open_round(turn: Turn<'_>, choice: Option<&Choice>, notice: Vec<String>) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let agency = ctx.person.as_ref().and_then(|p| p.agency.clone());
    let (Some(choice), Some(agency)) = (choice, agency) else {
        conv.go(State::Idle);
        turn.show(Screen::text(t!(ctx.lang, "report-closed"))).await?;
        return Ok(());
    };
    let (round, period) = (&choice.deadline.round, choice.deadline.period);
    let report = app.store.open_report(&choice.plan.code, round, period, &agency, ctx.now).await?;
    let id = report.id;
    match access_over(app, ctx, id, Some(report)).await? {
        Ok(access) => {
            conv.go(State::Report { report: id });
            let screen = menu_screen(app, ctx, &access, 0, notice, None).await?;
            turn.show(screen).await?;
            Ok(())
        }
        Err(denied) => refuse(turn, denied, id).await,
    }
}

/// The agency's other open rounds, one tap away, overdue ones marked.
pub(super) async fn other_rounds(
    app: &AppRef,
    ctx: &Ctx,
    access: &Access,
) -> anyhow::Result<Vec<Vec<teloxide::types::InlineKeyboardButton>>> {
    let today = calendar::local_date(&access.plan, ctx.now);
    let report = &access.report;
    let several_plans = app.plan.all().len() > 1;
    Ok(choices(app, ctx)
        .await?
        .into_iter()
        .filter(|c| !c.is(&report.plan, &report.round, report.period))
        .filter(|c| c.state() != Some(ReportState::Accepted))
        .map(|c| {
            let mut text = t!(
                ctx.lang,
                "button-other-round",
                round = c.name(ctx.lang, several_plans),
                period = present::period(ctx.lang, c.deadline.period)
            );
            if let Some(days) = c.overdue_days(today) {
                text = format!("{text} {}", t!(ctx.lang, "other-round-overdue", days = days));
            } else if c.handed_in() {
                text = format!("{text} ✅");
            }
            vec![button(
                label(&text, 60),
                Callback::Switch {
                    plan: several_plans.then(|| c.plan.code.clone()),
                    round: c.deadline.round,
                    period: c.deadline.period,
                },
            )]
        })
        .collect())
}
