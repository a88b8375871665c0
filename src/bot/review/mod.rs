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
mod fixes;
mod history;

pub use broadcast::{broadcast, cancel_broadcast, receive_broadcast, send_broadcast};
pub use decide::{accept, admin_reopen, ask_return_comment, receive_return_comment, view};
pub use extend::{extend, receive_extension_reason};
pub use fixes::{mark_fix, receive_fix_comment, return_now};
pub use history::history;

use super::send::Screen;
use super::state::State;
use super::{AppRef, Turn};
use crate::domain::people::{Lang, Role};
use crate::domain::{AgencyCode, Plan};
use crate::postman;
use crate::store::{NewMail, ReportRow};
use crate::t;

/// A typed step of an admin's conversation: the person must still be an admin.
async fn still_admin(turn: Turn<'_>) -> anyhow::Result<bool> {
    if turn.ctx.is(Role::Admin) {
        return Ok(true);
    }
    turn.conv.go(State::Idle);
    turn.say(t!(turn.ctx.lang, "only-admin")).await?;
    Ok(false)
}

/// The messages that tell each focal point of an agency, in their own language; queued in the
/// outbox with the change they tell of, so that a flaky Telegram never loses one.
async fn to_focal_points(
    app: &AppRef,
    agency: &AgencyCode,
    key: &str,
    screen: impl Fn(Lang) -> Screen,
) -> anyhow::Result<Vec<NewMail>> {
    let people = app.store.people(Some(agency)).await?;
    Ok(people
        .iter()
        .filter(|p| p.role == Role::Focal && p.reachable)
        .map(|p| postman::to_person(format!("{key}:{}", p.id), "review", p, screen(p.language), 0))
        .collect())
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
            period: crate::present::period(lang, report.period),
            agency: super::report::agency_name(plan, lang, report.agency.as_str()),
        }
    }
}
