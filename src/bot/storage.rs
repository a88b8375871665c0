//! teloxide's dialogue `Storage` on our own pool and migrations (not teloxide's sqlite storage,
//! which pins another sqlx and opens its own pool).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use super::state::State;
use crate::clock::SharedClock;
use crate::store::{Store, StoreError};

pub struct DialogueStore {
    store: Store,
    clock: SharedClock,
    /// The state last read or written per chat: a step that does not change skips the write.
    known: Mutex<HashMap<i64, String>>,
}

impl DialogueStore {
    pub fn new(store: Store, clock: SharedClock) -> Arc<DialogueStore> {
        Arc::new(DialogueStore { store, clock, known: Mutex::new(HashMap::new()) })
    }

    fn remember(&self, chat: i64, state: Option<String>) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        match state {
            Some(s) => known.insert(chat, s),
            None => known.remove(&chat),
        };
    }

    fn is_known(&self, chat: i64, state: &str) -> bool {
        self.known.lock().unwrap_or_else(|p| p.into_inner()).get(&chat).is_some_and(|s| s == state)
    }
}

impl Storage<State> for DialogueStore {
    type Error = StoreError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            self.store.remove_dialogue_state(chat_id.0).await?;
            self.remember(chat_id.0, None);
            Ok(())
        })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            let json = dialogue.to_json();
            if self.is_known(chat_id.0, &json) {
                return Ok(());
            }
            let now = self.clock.now();
            self.store.set_dialogue_state(chat_id.0, &json, now).await?;
            self.remember(chat_id.0, Some(json));
            Ok(())
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<State>, StoreError>> {
        Box::pin(async move {
            let stored = self.store.dialogue_state(chat_id.0).await?;
            self.remember(chat_id.0, stored.clone());
            Ok(stored.map(|s| State::from_json(&s)))
        })
    }
}
