//! The Telegram side: parse an update, check rights from the database, call the domain and
//! the store, render a localized screen. No query and no business rule lives here.

pub mod commands;
mod context;
mod invites;
mod join;
mod leader;
mod people;
mod report;
mod review;
pub mod schema;
pub mod send;
pub mod state;

use std::sync::Mutex;

pub use crate::app::{App, AppRef, PlanCache, PlanStamp};
pub use crate::ui::{callback, keyboards};
pub use context::Ctx;
pub use invites::{make_invite, render_invite};
pub use join::set_default_menus;

use crate::outbound::Sender;
use state::State;

/// A handler's failure: logged, and the person is told that nothing they confirmed was lost.
pub type HandlerResult = anyhow::Result<()>;

/// The step a conversation moves to, decided by the handler and written only once the update's
/// reply was delivered (with the update's handled mark): a reply that fails leaves the person
/// at the step they were at, so that typing again does what they meant.
#[derive(Default)]
pub struct Conversation(Mutex<Option<State>>);

impl Conversation {
    /// Moves to `state` when this update ends well.
    pub fn go(&self, state: State) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(state);
    }
    /// The step decided so far, if any.
    pub fn next(&self) -> Option<State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// One update being answered: the way out, what handlers share, who is writing (with the step
/// they are at), where their conversation goes next, and where the answer goes (over the
/// tapped message, or a new one). Every handler takes one.
#[derive(Clone, Copy)]
pub struct Turn<'a> {
    pub out: &'a Sender,
    pub app: &'a AppRef,
    pub ctx: &'a Ctx,
    pub conv: &'a Conversation,
    pub origin: send::Origin,
}

impl Turn<'_> {
    /// The same turn answering with a new message.
    pub fn typed(self) -> Self {
        Turn { origin: send::Origin::Typed, ..self }
    }
    /// The step the person was at when the update came.
    pub fn state(&self) -> &State {
        &self.ctx.state
    }
    /// Says a text in a new message.
    pub async fn say(&self, text: impl Into<String>) -> Result<(), teloxide::RequestError> {
        send::say(self.out, self.ctx.chat, text).await
    }
    /// Shows a screen where this turn answers (over the tapped message, or new).
    pub async fn show(&self, screen: send::Screen) -> Result<(), teloxide::RequestError> {
        send::show(self.out, self.ctx.chat, self.origin, screen).await
    }
    /// Sends a screen as a new message.
    pub async fn send(&self, screen: send::Screen) -> Result<(), teloxide::RequestError> {
        send::send(self.out, self.ctx.chat, screen).await
    }
}
