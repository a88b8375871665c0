//! teloxide's dialogue `Storage` on our own pool and migrations (not teloxide's sqlite storage,
//! which pins another sqlx and opens its own pool).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use super::state::State;
use crate::clock::SharedClock;
use crate::store::{Store, StoreError};

pub struct DialogueStore {
    store: Store,
    clock: SharedClock,
}

impl DialogueStore {
    pub fn new(store: Store, clock: SharedClock) -> Arc<DialogueStore> {
        Arc::new(DialogueStore { store, clock })
    }
}

impl Storage<State> for DialogueStore {
    type Error = StoreError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move { self.store.remove_dialogue_state(chat_id.0).await })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            let now = self.clock.now();
            self.store.set_dialogue_state(chat_id.0, &dialogue.to_json(), now).await
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<State>, StoreError>> {
        Box::pin(async move { Ok(self.store.dialogue_state(chat_id.0).await?.map(|s| State::from_json(&s))) })
    }
}
