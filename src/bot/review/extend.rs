//! `/giahan SYT 2022-Q1 21/03/2022`: one agency's last day moved for one period, with the
//! reason asked next, recorded, and told to the agency's focal points.

use chrono::NaiveDate;

use super::{still_admin, to_focal_points};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::report::{agency_name, round_name};
use crate::bot::send::Screen;
use crate::bot::state::State;
use crate::bot::{HandlerResult, Turn};
use crate::domain::calendar::{ExtensionRefused, deadline_of, parse_day};
use crate::domain::search::find_agencies;
use crate::domain::{AgencyCode, PeriodKey};
use crate::leadership::rounds_of_period;
use crate::store::Extension;
use crate::{present, t};

/// A reason is a sentence or two, not a report.
const MAX_REASON_CHARS: usize = 500;

pub async fn extend(turn: Turn<'_>, arg: &str) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    let lang = ctx.lang;
    let [agency_word, period_word, day_word] = arg.split_whitespace().collect::<Vec<_>>()[..] else {
        turn.say(t!(lang, "extend-usage")).await?;
        return Ok(());
    };
    let plan = match period_word.parse::<PeriodKey>() {
        Ok(p) => app.plan_for_period(p),
        Err(_) => app.plan.get(),
    };
    let found = find_agencies(&plan, agency_word);
    let [agency] = found.as_slice() else {
        turn.say(t!(lang, "agency-not-found", query = agency_word.to_owned())).await?;
        return Ok(());
    };
    // Of several rounds with the period, the first (those asking for items come first).
    let first_round = |p| rounds_of_period(&plan, p).first().copied();
    let Some((round, period)) =
        period_word.parse::<PeriodKey>().ok().and_then(|p| Some((first_round(p)?, p)))
    else {
        turn.say(t!(lang, "extend-bad-period", typed = period_word.to_owned())).await?;
        return Ok(());
    };
    let Some(new_day) = parse_day(day_word) else {
        turn.say(t!(lang, "extend-bad-date", typed = day_word.to_owned())).await?;
        return Ok(());
    };
    let names = (round_name(&plan, lang, &round.code), agency_name(&plan, lang, agency.code.as_str()));
    if !plan.recipients(round).iter().any(|a| a.code == agency.code) {
        turn.say(t!(lang, "extend-not-recipient", agency = names.1, round = names.0)).await?;
        return Ok(());
    }
    let Some(deadline) = deadline_of(&plan, round, period) else { return Ok(()) };
    match deadline.check_extension(new_day) {
        Ok(()) => {}
        Err(ExtensionRefused::NotLater { last_day }) => {
            let text = t!(
                lang,
                "extend-not-later",
                round = names.0,
                period = present::period(lang, period),
                last_day = present::date(last_day)
            );
            turn.say(text).await?;
            return Ok(());
        }
        Err(ExtensionRefused::TooLate { latest }) => {
            let text = t!(
                lang,
                "extend-too-late",
                round = names.0,
                period = present::period(lang, period),
                latest = present::date(latest)
            );
            turn.say(text).await?;
            return Ok(());
        }
    }
    conv.go(State::ExtensionReason {
        round: round.code.clone(),
        period: period.to_string(),
        agency: agency.code.to_string(),
        last_day: new_day.format("%Y-%m-%d").to_string(),
    });
    let text = t!(
        lang,
        "extend-ask-reason",
        round = names.0,
        period = present::period(lang, period),
        agency = names.1,
        last_day = present::date(deadline.last_day),
        new_day = present::date(new_day)
    );
    turn.say(text).await?;
    Ok(())
}

pub async fn receive_extension_reason(
    turn: Turn<'_>,
    (round, period, agency, last_day): (&str, &str, &str, &str),
    text: &str,
) -> HandlerResult {
    let Turn { app, ctx, conv, .. } = turn;
    if !still_admin(turn).await? {
        return Ok(());
    }
    let lang = ctx.lang;
    let plan = match period.parse::<PeriodKey>() {
        Ok(p) => app.plan_for_period(p),
        Err(_) => app.plan.get(),
    };
    // The step was stored as text: read it back, and against the plan as it is now.
    let parsed = (
        plan.round(round),
        period.parse::<PeriodKey>().ok(),
        AgencyCode::parse(agency).filter(|a| plan.agency(a.as_str()).is_some()),
        NaiveDate::parse_from_str(last_day, "%Y-%m-%d").ok(),
    );
    let (Some(r), Some(period), Some(agency), Some(new_day)) = parsed else {
        conv.go(State::Idle);
        turn.say(t!(lang, "extend-stale")).await?;
        return Ok(());
    };
    let reason = crate::domain::text::clean(text).unwrap_or_default();
    let reason = reason.as_str();
    if reason.is_empty() {
        turn.say(t!(lang, "extend-reason-empty")).await?;
        return Ok(());
    }
    let length = reason.chars().count();
    if length > MAX_REASON_CHARS {
        turn.say(t!(lang, "note-too-long", length = length as i64, max = MAX_REASON_CHARS as i64)).await?;
        return Ok(());
    }
    let who = ctx.person.as_ref().map(|p| p.id);
    let extension = Extension {
        plan: plan.code.clone(),
        round: r.code.clone(),
        period,
        agency: agency.clone(),
        last_day: new_day,
        reason: reason.to_owned(),
        granted_by: who,
        granted_at: ctx.now,
    };
    let mails =
        to_focal_points(app, &agency, &format!("extended:{}:{period}:{agency}:{new_day}", r.code), |lang| {
            let text = t!(
                lang,
                "extend-focal",
                agency = agency_name(&plan, lang, agency.as_str()),
                round = round_name(&plan, lang, &r.code),
                period = present::period(lang, period),
                new_day = present::date_with_weekday(lang, new_day),
                reason = reason.to_owned()
            );
            let choose = Callback::Choose { round: r.code.clone(), period, plan: Some(plan.code.clone()) };
            let report = button(t!(lang, "button-report-now"), choose);
            Screen::with(text, keyboard(vec![vec![report]]))
        })
        .await?;
    app.store.grant_extension(&extension, &mails, app.wall.now()).await?;
    app.ring();
    conv.go(State::Idle);
    let detail = serde_json::json!({
        "round": r.code, "period": period.to_string(), "agency": agency.as_str(),
        "last_day": last_day, "reason": reason,
    });
    app.store.audit(who, Some(ctx.user.id.0 as i64), "deadline_extended", detail, ctx.now).await?;
    let done = t!(
        lang,
        "extend-done",
        round = round_name(&plan, lang, &r.code),
        period = present::period(lang, period),
        agency = agency_name(&plan, lang, agency.as_str()),
        new_day = present::date(new_day),
        reason = reason.to_owned()
    );
    turn.say(done).await?;
    Ok(())
}
