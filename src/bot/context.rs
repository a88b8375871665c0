//! Who is writing, resolved once per update from the database.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use teloxide::types::{ChatId, Update, User};

use super::AppRef;
use super::state::State;
use crate::domain::people::{Lang, Role};
use crate::store::{Newcomer, Person};

#[derive(Debug, Clone)]
pub struct Ctx {
    pub chat: ChatId,
    pub user: User,
    /// `None` until the person joins by invite (settings admins join on first contact).
    pub person: Option<Person>,
    pub lang: Lang,
    pub private: bool,
    pub now: DateTime<Utc>,
    /// The step the person's conversation is at.
    pub state: State,
    /// The update's handled marks: the update id, and the callback query id for a tap.
    pub keys: Vec<String>,
}

impl Ctx {
    pub fn role(&self) -> Option<Role> {
        self.person.as_ref().map(|p| p.role)
    }

    pub fn is(&self, role: Role) -> bool {
        self.role() == Some(role)
    }

    pub fn newcomer(&self) -> Newcomer {
        Newcomer {
            telegram_id: self.user.id.0 as i64,
            chat_id: self.chat.0,
            name: display_name(&self.user),
            username: self.user.username.clone(),
            language: self.lang,
        }
    }
}

/// The name a person is shown by until they type theirs: family name first.
pub fn display_name(user: &User) -> String {
    crate::domain::people::vietnamese_name(&user.first_name, user.last_name.as_deref())
}

/// Builds the context of an update, in one read; `None` for updates with no person behind
/// them, and for a duplicate delivery (an update or callback query handled before changes
/// nothing; the mark is written when an update ends, so one a crash interrupted is handled
/// again when redelivered).
pub async fn resolve(app: AppRef, update: Arc<Update>) -> Option<Arc<Ctx>> {
    let mut keys = vec![format!("u:{}", update.id.0)];
    if let teloxide::types::UpdateKind::CallbackQuery(q) = &update.kind {
        keys.push(format!("cq:{}", q.id.0));
    }
    let user = update.from()?.clone();
    let chat = update.chat().map(|c| (c.id, c.is_private())).unwrap_or((ChatId(user.id.0 as i64), true));
    let now = app.clock.now();
    let telegram_id = user.id.0 as i64;
    let (mut person, state, handled) = match app.store.update_context(telegram_id, chat.0.0, &keys).await {
        Ok((person, state, handled)) => {
            (person, state.map_or(State::Idle, |s| State::from_json(&s)), handled)
        }
        Err(e) => {
            // Better to risk handling twice than to drop a person's message.
            tracing::error!(error = %e, "could not load the person and their step; answering as a stranger");
            (None, State::Stale, false)
        }
    };
    if let Some(p) = &person {
        crate::telemetry::record_person(p.id);
    }
    if handled {
        tracing::info!(keys = ?keys, "a duplicate delivery was ignored");
        return None;
    }
    let lang = person.as_ref().map_or_else(|| Lang::from_code(user.language_code.as_deref()), |p| p.language);
    let mut ctx = Ctx { chat: chat.0, user, person: None, lang, private: chat.1, now, state, keys };
    if person.is_none() && app.admins.contains(&telegram_id) && ctx.private {
        match app.store.ensure_admin(&ctx.newcomer(), now).await {
            Ok(admin) => {
                crate::telemetry::record_person(admin.id);
                person = Some(admin);
            }
            Err(e) => tracing::error!(error = %e, "could not record a settings admin"),
        }
    }
    // Writing again after blocking the bot makes a person reachable again.
    if let Some(p) = person.as_mut().filter(|p| !p.reachable && ctx.private) {
        match app.store.set_reachable(p.id, true).await {
            Ok(_) => p.reachable = true,
            Err(e) => tracing::error!(error = %e, "could not mark a person reachable"),
        }
    }
    // A name taken from Telegram follows Telegram (and stored in Western order before, is put
    // right); a typed one stays.
    if let Some(p) = person.as_mut().filter(|p| !p.name_typed && ctx.private) {
        let name = display_name(&ctx.user);
        if p.name != name {
            match app.store.refresh_telegram_name(p.id, &name).await {
                Ok(_) => p.name = name,
                Err(e) => tracing::warn!(error = %e, "could not refresh a person's name"),
            }
        }
    }
    ctx.person = person;
    Some(Arc::new(ctx))
}
