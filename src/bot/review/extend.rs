//! `/giahan SYT 2022-Q1 21/03/2022`: one agency's last day moved for one period, with the
//! reason asked next, recorded, and told to the agency's focal points.

use chrono::NaiveDate;
use teloxide::prelude::*;

use super::{still_admin, tell_focal_points};
use crate::bot::callback::Callback;
use crate::bot::keyboards::{button, keyboard};
use crate::bot::report::{agency_name, round_name};
use crate::bot::schema::MyDialogue;
use crate::bot::send::{Screen, say};
use crate::bot::state::State;
use crate::bot::{AppRef, Ctx, HandlerResult};
use crate::domain::calendar::{deadline_of, parse_day};
use crate::domain::search::find_agencies;
use crate::domain::{AgencyCode, PeriodKey};
use crate::leadership::rounds_of_period;
use crate::store::Extension;
use crate::{present, t};

/// A reason is a sentence or two, not a report.
const MAX_REASON_CHARS: usize = 500;

pub async fn extend(bot: &Bot, app: &AppRef, ctx: &Ctx, dialogue: &MyDialogue, arg: &str) -> HandlerResult {
    let plan = app.plan.get();
    let lang = ctx.lang;
    let [agency_word, period_word, day_word] = arg.split_whitespace().collect::<Vec<_>>()[..] else {
        say(bot, ctx.chat, t!(lang, "extend-usage")).await?;
        return Ok(());
    };
    let found = find_agencies(&plan, agency_word);
    let [agency] = found.as_slice() else {
        say(bot, ctx.chat, t!(lang, "agency-not-found", query = agency_word.to_owned())).await?;
        return Ok(());
    };
    // Of several rounds with the period, the first (those asking for items come first).
    let first_round = |p| rounds_of_period(&plan, p).first().copied();
    let Some((round, period)) =
        period_word.parse::<PeriodKey>().ok().and_then(|p| Some((first_round(p)?, p)))
    else {
        say(bot, ctx.chat, t!(lang, "extend-bad-period", typed = period_word.to_owned())).await?;
        return Ok(());
    };
    let Some(new_day) = parse_day(day_word) else {
        say(bot, ctx.chat, t!(lang, "extend-bad-date", typed = day_word.to_owned())).await?;
        return Ok(());
    };
    let names = (round_name(&plan, lang, &round.code), agency_name(&plan, lang, agency.code.as_str()));
    if !plan.recipients(round).iter().any(|a| a.code == agency.code) {
        say(bot, ctx.chat, t!(lang, "extend-not-recipient", agency = names.1, round = names.0)).await?;
        return Ok(());
    }
    let Some(deadline) = deadline_of(&plan, round, period) else { return Ok(()) };
    if new_day <= deadline.last_day {
        let text = t!(
            lang,
            "extend-not-later",
            round = names.0,
            period = period.to_string(),
            last_day = present::date(deadline.last_day)
        );
        say(bot, ctx.chat, text).await?;
        return Ok(());
    }
    dialogue
        .update(State::ExtensionReason {
            round: round.code.clone(),
            period: period.to_string(),
            agency: agency.code.to_string(),
            last_day: new_day.format("%Y-%m-%d").to_string(),
        })
        .await?;
    let text = t!(
        lang,
        "extend-ask-reason",
        round = names.0,
        period = period.to_string(),
        agency = names.1,
        last_day = present::date(deadline.last_day),
        new_day = present::date(new_day)
    );
    say(bot, ctx.chat, text).await?;
    Ok(())
}

pub async fn receive_extension_reason(
    bot: &Bot,
    app: &AppRef,
    ctx: &Ctx,
    dialogue: &MyDialogue,
    (round, period, agency, last_day): (&str, &str, &str, &str),
    text: &str,
) -> HandlerResult {
    if !still_admin(bot, ctx, dialogue).await? {
        return Ok(());
    }
    let lang = ctx.lang;
    let plan = app.plan.get();
    // The step was stored as text: read it back, and against the plan as it is now.
    let parsed = (
        plan.round(round),
        period.parse::<PeriodKey>().ok(),
        AgencyCode::parse(agency).filter(|a| plan.agency(a.as_str()).is_some()),
        NaiveDate::parse_from_str(last_day, "%Y-%m-%d").ok(),
    );
    let (Some(r), Some(period), Some(agency), Some(new_day)) = parsed else {
        dialogue.update(State::Idle).await?;
        say(bot, ctx.chat, t!(lang, "extend-stale")).await?;
        return Ok(());
    };
    let reason = text.trim();
    if reason.is_empty() {
        say(bot, ctx.chat, t!(lang, "extend-reason-empty")).await?;
        return Ok(());
    }
    let length = reason.chars().count();
    if length > MAX_REASON_CHARS {
        say(bot, ctx.chat, t!(lang, "note-too-long", length = length as i64, max = MAX_REASON_CHARS as i64))
            .await?;
        return Ok(());
    }
    let who = ctx.person.as_ref().map(|p| p.id);
    let extension = Extension {
        round: r.code.clone(),
        period,
        agency: agency.clone(),
        last_day: new_day,
        reason: reason.to_owned(),
        granted_by: who,
        granted_at: ctx.now,
    };
    app.store.grant_extension(&extension).await?;
    dialogue.update(State::Idle).await?;
    let detail = serde_json::json!({
        "round": r.code, "period": period.to_string(), "agency": agency.as_str(),
        "last_day": last_day, "reason": reason,
    });
    app.store.audit(who, Some(ctx.user.id.0 as i64), "deadline_extended", detail, ctx.now).await?;
    let done = t!(
        lang,
        "extend-done",
        round = round_name(&plan, lang, &r.code),
        period = period.to_string(),
        agency = agency_name(&plan, lang, agency.as_str()),
        new_day = present::date(new_day),
        reason = reason.to_owned()
    );
    say(bot, ctx.chat, done).await?;
    tell_focal_points(bot, app, &agency, |lang| {
        let text = t!(
            lang,
            "extend-focal",
            agency = agency_name(&plan, lang, agency.as_str()),
            round = round_name(&plan, lang, &r.code),
            period = period.to_string(),
            new_day = present::date_with_weekday(lang, new_day),
            reason = reason.to_owned()
        );
        let report =
            button(t!(lang, "button-report-now"), Callback::Choose { round: r.code.clone(), period });
        Screen::with(text, keyboard(vec![vec![report]]))
    })
    .await;
    Ok(())
}
