//! The planning department's work: reviewing submitted reports (accept, return with a comment,
//! reopen an accepted one, read one in full), an item's history, deadline extensions and
//! notices to every focal point.
//!
//! Buttons reach these handlers only from admins (the router checks the role); typed steps are
//! checked here again. Every handler also checks that what it names exists and that the action
//! fits its state now: a second admin's tap, an old button, a removed report change nothing.

mod broadcast;
mod decide;
mod extend;
mod history;

pub use broadcast::{broadcast, receive_broadcast, send_broadcast};
pub use decide::{accept, admin_reopen, ask_return_comment, receive_return_comment, view};
pub use extend::{extend, receive_extension_reason};
pub use history::history;

use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use super::schema::MyDialogue;
use super::send::{Screen, say, send};
use super::state::State;
use super::{AppRef, Ctx};
use crate::domain::people::{Lang, Role};
use crate::domain::{AgencyCode, Plan};
use crate::store::ReportRow;
use crate::t;

/// A typed step of an admin's conversation: the person must still be an admin.
async fn still_admin(bot: &Bot, ctx: &Ctx, dialogue: &MyDialogue) -> anyhow::Result<bool> {
    if ctx.is(Role::Admin) {
        return Ok(true);
    }
    dialogue.update(State::Idle).await?;
    say(bot, ctx.chat, t!(ctx.lang, "only-admin")).await?;
    Ok(false)
}

/// Tells each focal point of an agency, in their own language. Someone who blocked the bot is
/// marked unreachable; a failure to reach one person undoes nothing.
async fn tell_focal_points(bot: &Bot, app: &AppRef, agency: &AgencyCode, screen: impl Fn(Lang) -> Screen) {
    let people = match app.store.people(Some(agency)).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, agency = %agency, "could not list the focal points to tell them");
            return;
        }
    };
    for p in people.into_iter().filter(|p| p.role == Role::Focal && p.reachable) {
        if let Err(e) = send(bot, ChatId(p.chat_id), screen(p.language)).await {
            tracing::warn!(error = %e, person = p.id, "could not tell a focal point");
            if matches!(e, RequestError::Api(ApiError::BotBlocked | ApiError::UserDeactivated)) {
                let _ = app.store.set_reachable(p.id, false).await;
            }
        }
    }
}

/// The words every review message names a report with.
struct Named {
    round: String,
    period: String,
    agency: String,
}

impl Named {
    fn of(plan: &Plan, lang: Lang, report: &ReportRow) -> Named {
        Named {
            round: super::report::round_name(plan, lang, &report.round),
            period: report.period.to_string(),
            agency: super::report::agency_name(plan, lang, report.agency.as_str()),
        }
    }
}
