//! The updates' dispatcher: one chat's updates are handled one after another, in the order
//! Telegram sent them; different chats' at once.
//!
//! teloxide's own dispatcher does the same with a task and a bounded channel per chat it has
//! seen, and a channel's first block holds 32 updates of 1,944 bytes: 62 KB per chat, kept as
//! long as the chat stays among the busiest the bot has known. With 500 people tapping at once
//! that was 31 MB of the bot's 58 MB (heaptrack on `benches/replies`), for queues that held one
//! update each. Here a chat with work has a queue of its own waiting updates only, and a chat
//! with none has nothing: its task ends and its entry goes.
//!
//! At most [`RUNNERS`] chats are served at once, each by a task that, done with its chat, goes
//! on with the next chat waiting its turn; the others wait as bare updates in their chats'
//! queues. A task per chat with work (as before) held a few KB of future for each chat while it
//! waited for its turn: 4 MB of the peak with 500 people tapping at once (heaptrack). The
//! updates waiting are bounded too ([`WAITING`]), so a flood cannot fill the memory: past it,
//! the listener is not asked for more until some are done.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::{FutureExt, Stream, StreamExt};
use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::di::DependencyMap;
use teloxide::error_handlers::ErrorHandler;
use teloxide::types::{AllowedUpdate, ChatId, Update, UpdateKind};
use teloxide::update_listeners::UpdateListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

/// Updates received and not yet handled, at most (about 2 KB each while they wait).
pub const WAITING: usize = 2048;

/// Chats served at once, at most: as many as updates handled at once.
pub const RUNNERS: usize = super::observe::IN_FLIGHT;

/// The handler tree and what it is given, shared by every chat's task.
pub struct Dispatch<E> {
    handler: UpdateHandler<E>,
    deps: DependencyMap,
    errors: Arc<dyn ErrorHandler<E> + Send + Sync>,
    chats: Mutex<Chats>,
    waiting: Arc<Semaphore>,
    runners: Arc<Semaphore>,
}

type Waiting = (Update, OwnedSemaphorePermit);

/// The chats with work.
#[derive(Default)]
struct Chats {
    /// Each one's updates still to handle (after the one in hand, for a chat being served).
    queues: HashMap<ChatId, VecDeque<Waiting>>,
    /// Chats with updates and no task serving them, in the order they came.
    turns: VecDeque<ChatId>,
}

impl<E: Send + Sync + 'static> Dispatch<E> {
    pub fn new(
        handler: UpdateHandler<E>,
        deps: DependencyMap,
        errors: Arc<dyn ErrorHandler<E> + Send + Sync>,
    ) -> Arc<Dispatch<E>> {
        Dispatch::with_runners(handler, deps, errors, RUNNERS)
    }

    fn with_runners(
        handler: UpdateHandler<E>,
        deps: DependencyMap,
        errors: Arc<dyn ErrorHandler<E> + Send + Sync>,
        runners: usize,
    ) -> Arc<Dispatch<E>> {
        Arc::new(Dispatch {
            handler,
            deps,
            errors,
            chats: Mutex::new(Chats::default()),
            waiting: Arc::new(Semaphore::new(WAITING)),
            runners: Arc::new(Semaphore::new(runners)),
        })
    }

    /// Handles the listener's updates until `stop` turns true (the listener is told to stop
    /// and its last updates are handled) or the listener ends; returns once every update
    /// received is handled. Telegram is asked for the `kinds` of update the tree handles only.
    pub async fn run<L>(
        self: &Arc<Self>,
        mut listener: L,
        kinds: &[AllowedUpdate],
        listener_errors: Arc<dyn ErrorHandler<L::Err> + Send + Sync>,
        stop: watch::Receiver<bool>,
    ) where
        L: UpdateListener + Send,
        L::Err: Debug,
    {
        listener.hint_allowed_updates(&mut kinds.iter().copied());
        let token = listener.stop_token();
        let stream = listener.as_stream();
        self.run_stream(stream, listener_errors, stop, move || token.stop()).await;
    }

    /// Same over a stream of updates; `stop_listening` is called once when `stop` turns true.
    pub async fn run_stream<S, LE>(
        self: &Arc<Self>,
        stream: S,
        listener_errors: Arc<dyn ErrorHandler<LE> + Send + Sync>,
        mut stop: watch::Receiver<bool>,
        stop_listening: impl FnOnce(),
    ) where
        S: Stream<Item = Result<Update, LE>>,
    {
        let mut stream = std::pin::pin!(stream);
        let mut stop_listening = Some(stop_listening);
        let mut tasks = JoinSet::new();
        loop {
            // A permit per update received: past WAITING, nothing more is fetched meanwhile.
            let waiting = self.waiting.clone();
            let received = async {
                let permit = waiting.acquire_owned().await.expect("never closed");
                (permit, stream.next().await)
            };
            let (permit, next) = tokio::select! {
                received = received => received,
                _ = stop.wait_for(|s| *s), if stop_listening.is_some() => {
                    if let Some(stop) = stop_listening.take() { stop() }
                    continue;
                }
            };
            match next {
                None => break,
                Some(Err(e)) => listener_errors.clone().handle_error(e).await,
                Some(Ok(update)) => self.route(update, permit, &mut tasks),
            }
            // Ended chats' tasks are collected as they go, not at the end only.
            while tasks.try_join_next().is_some() {}
        }
        while tasks.join_next().await.is_some() {}
    }

    /// Queues the update behind its chat's; a chat with no update before it is served now if a
    /// runner is free, or waits its turn.
    fn route(self: &Arc<Self>, update: Update, permit: OwnedSemaphorePermit, tasks: &mut JoinSet<()>) {
        if let UpdateKind::Error(e) = &update.kind {
            // Telegram sent something this version of teloxide cannot read.
            tracing::warn!(update = update.id.0, error = %e, "an update that could not be read");
            return;
        }
        let Some(chat) = update.chat().map(|c| c.id) else {
            // Nothing to keep in order with (no chat): handled on its own.
            let this = self.clone();
            tasks.spawn(async move { this.handle(update, permit).await });
            return;
        };
        let mut chats = self.chats.lock().expect("chats");
        match chats.queues.entry(chat) {
            Entry::Occupied(mut queue) => {
                queue.get_mut().push_back((update, permit));
                return;
            }
            Entry::Vacant(place) => {
                place.insert(VecDeque::from([(update, permit)]));
            }
        }
        match self.runners.clone().try_acquire_owned() {
            Ok(runner) => {
                let this = self.clone();
                tasks.spawn(async move { this.serve(chat, runner).await });
            }
            Err(_) => chats.turns.push_back(chat),
        }
    }

    /// A runner: `chat`'s updates in order, one at a time; while other chats wait their turn,
    /// it takes the next one's after each update (its own chat goes to the back), and it ends
    /// when no chat has work left for it.
    async fn serve(self: Arc<Self>, mut chat: ChatId, runner: OwnedSemaphorePermit) {
        loop {
            let next = {
                let mut chats = self.chats.lock().expect("chats");
                chats.queues.get_mut(&chat).and_then(VecDeque::pop_front)
            };
            if let Some((update, permit)) = next {
                // A handler that panics loses its update, not its chat: the next ones still come.
                let id = update.id.0;
                if AssertUnwindSafe(self.handle(update, permit)).catch_unwind().await.is_err() {
                    tracing::error!(update = id, chat = chat.0, "a handler panicked; its update is dropped");
                }
            }
            let mut chats = self.chats.lock().expect("chats");
            let Chats { queues, turns } = &mut *chats;
            if queues.get(&chat).is_none_or(VecDeque::is_empty) {
                queues.remove(&chat);
            } else if !turns.is_empty() {
                turns.push_back(chat);
            } else {
                continue;
            }
            match turns.pop_front() {
                Some(waiting) => chat = waiting,
                None => {
                    // Given back under the lock: a chat `route` finds no runner for is then
                    // already in `turns` for this one to see, or finds this runner free.
                    drop(runner);
                    return;
                }
            }
        }
    }

    async fn handle(&self, update: Update, _permit: OwnedSemaphorePermit) {
        let mut deps = self.deps.clone();
        // Shared: dptree hands each step that asks for it a clone of what it holds.
        deps.insert(Arc::new(update));
        match self.handler.dispatch(deps).await {
            ControlFlow::Break(Ok(())) => {}
            ControlFlow::Break(Err(e)) => self.errors.clone().handle_error(e).await,
            ControlFlow::Continue(deps) => {
                let id = deps.try_get::<Arc<Update>>().map(|u| u.id.0);
                tracing::debug!(update = ?id, "an update the handler tree passed over");
            }
        }
    }

    /// Chats with an update in hand or waiting.
    pub fn busy_chats(&self) -> usize {
        self.chats.lock().expect("chats").queues.len()
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use teloxide::dptree;
    use teloxide::error_handlers::IgnoringErrorHandler;
    use tokio::sync::mpsc;

    use super::*;

    fn update(id: i32, chat: i64, text: &str) -> Update {
        // Read from text, as from Telegram (teloxide's reader borrows from it).
        let update: Update = serde_json::from_str(
            &serde_json::json!({
                "update_id": id,
                "message": {
                    "message_id": id, "date": 0, "text": text,
                    "chat": {"id": chat, "type": "private", "first_name": "A"},
                    "from": {"id": chat, "is_bot": false, "first_name": "A"}
                }
            })
            .to_string(),
        )
        .expect("an update");
        assert!(matches!(update.kind, UpdateKind::Message(_)), "{:?}", update.kind);
        update
    }

    type Log = Arc<Mutex<Vec<String>>>;

    /// A dispatcher over a tree that logs each update's text as it starts and ends, panics on
    /// "panic", and holds an update whose text starts with "wait" until the returned sender
    /// sends something.
    fn recording() -> (Arc<Dispatch<Infallible>>, Log, mpsc::Sender<()>) {
        recording_with(RUNNERS)
    }

    fn recording_with(runners: usize) -> (Arc<Dispatch<Infallible>>, Log, mpsc::Sender<()>) {
        let log: Log = Arc::new(Mutex::new(Vec::new()));
        let (release, held) = mpsc::channel(1);
        let held = Arc::new(tokio::sync::Mutex::new(held));
        let handler = dptree::entry().endpoint({
            let log = log.clone();
            move |u: Arc<Update>| {
                let (log, held) = (log.clone(), held.clone());
                async move {
                    let text = match &u.kind {
                        UpdateKind::Message(m) => m.text().unwrap_or_default().to_owned(),
                        _ => String::new(),
                    };
                    log.lock().unwrap().push(format!("start {text}"));
                    if text == "panic" {
                        panic!("a handler's bug");
                    }
                    if text.starts_with("wait") {
                        held.lock().await.recv().await;
                    }
                    log.lock().unwrap().push(format!("end {text}"));
                    Ok(())
                }
            }
        });
        (
            Dispatch::with_runners(handler, DependencyMap::new(), IgnoringErrorHandler::new(), runners),
            log,
            release,
        )
    }

    type Feed = mpsc::UnboundedSender<Result<Update, Infallible>>;

    /// `dispatch` running over updates sent on the returned channel, until it is dropped.
    fn fed(dispatch: &Arc<Dispatch<Infallible>>) -> (Feed, tokio::task::JoinHandle<()>) {
        let (updates, incoming) = mpsc::unbounded_channel();
        let dispatch = dispatch.clone();
        let running = tokio::spawn(async move {
            let (_stop, stopped) = watch::channel(false);
            dispatch.run_stream(tokio_stream_of(incoming), IgnoringErrorHandler::new(), stopped, || {}).await;
        });
        (updates, running)
    }

    #[tokio::test]
    async fn more_chats_than_runners_wait_their_turn_and_a_busy_chat_lets_others_go_first() {
        let (dispatch, log, release) = recording_with(2);
        let (updates, running) = fed(&dispatch);
        updates.send(Ok(update(1, 10, "wait a1"))).unwrap();
        updates.send(Ok(update(2, 20, "wait b1"))).unwrap();
        updates.send(Ok(update(3, 30, "c1"))).unwrap();
        updates.send(Ok(update(4, 10, "a2"))).unwrap();
        wait_until(|| log.lock().unwrap().len() == 2).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(*log.lock().unwrap(), ["start wait a1", "start wait b1"], "two runners, two handlers");
        assert_eq!(dispatch.busy_chats(), 3);
        release.send(()).await.unwrap();
        wait_until(|| log.lock().unwrap().contains(&"end c1".to_owned())).await;
        release.send(()).await.unwrap();
        drop(updates);
        running.await.unwrap();
        let log = log.lock().unwrap().clone();
        let at = |s: &str| log.iter().position(|l| l == s).unwrap_or_else(|| panic!("{s} in {log:?}"));
        assert!(at("end wait a1") < at("start a2"), "a chat's order: {log:?}");
        // Whichever runner was freed first took chat 30, which had waited, before chat 10's next.
        let first_end = at("end wait a1").min(at("end wait b1"));
        assert!(first_end < at("start c1") && at("end c1") < at("start a2"), "{log:?}");
        assert_eq!(dispatch.busy_chats(), 0, "nothing kept once every update is done");
    }

    #[tokio::test]
    async fn a_chats_updates_keep_their_order_while_other_chats_go_on() {
        let (dispatch, log, release) = recording();
        let (updates, running) = fed(&dispatch);
        updates.send(Ok(update(1, 10, "wait a1"))).unwrap();
        updates.send(Ok(update(2, 10, "a2"))).unwrap();
        updates.send(Ok(update(3, 20, "b1"))).unwrap();
        wait_until(|| log.lock().unwrap().contains(&"end b1".to_owned())).await;
        assert_eq!(dispatch.busy_chats(), 1, "chat 20 is done and forgotten; chat 10 waits");
        assert!(!log.lock().unwrap().contains(&"start a2".to_owned()), "a2 waits for a1: {log:?}");
        release.send(()).await.unwrap();
        drop(updates);
        running.await.unwrap();
        let log = log.lock().unwrap().clone();
        let at = |s: &str| log.iter().position(|l| l == s).unwrap_or_else(|| panic!("{s} in {log:?}"));
        assert!(at("end wait a1") < at("start a2"), "{log:?}");
        assert!(at("end b1") < at("end wait a1"), "{log:?}");
        assert_eq!(dispatch.busy_chats(), 0, "no chat keeps anything once its updates are done");
    }

    #[tokio::test]
    async fn stopping_stops_the_listener_and_finishes_what_was_received() {
        let (dispatch, log, release) = recording();
        let (updates, incoming) = mpsc::unbounded_channel::<Result<Update, Infallible>>();
        let (stop, stopped) = watch::channel(false);
        let listening = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let running = {
            let (dispatch, listening) = (dispatch.clone(), listening.clone());
            let stream = tokio_stream_of(incoming);
            tokio::spawn(async move {
                let told = move || listening.store(false, std::sync::atomic::Ordering::SeqCst);
                dispatch.run_stream(stream, IgnoringErrorHandler::new(), stopped, told).await;
            })
        };
        updates.send(Ok(update(1, 10, "wait a1"))).unwrap();
        updates.send(Ok(update(2, 10, "a2"))).unwrap();
        wait_until(|| log.lock().unwrap().contains(&"start wait a1".to_owned())).await;
        stop.send(true).unwrap();
        wait_until(|| !listening.load(std::sync::atomic::Ordering::SeqCst)).await;
        // The listener ends its stream once told; what it had delivered is still handled.
        drop(updates);
        release.send(()).await.unwrap();
        running.await.unwrap();
        let log = log.lock().unwrap().clone();
        assert_eq!(log, ["start wait a1", "end wait a1", "start a2", "end a2"]);
    }

    #[tokio::test]
    async fn an_update_that_cannot_be_read_is_logged_and_skipped() {
        let (dispatch, log, _release) = recording();
        let unreadable: Update =
            serde_json::from_str(r#"{"update_id": 1, "my_chat_member": "not a real shape"}"#)
                .expect("an update of kind Error");
        assert!(matches!(unreadable.kind, UpdateKind::Error(_)));
        let stream = futures_util::stream::iter([Ok::<_, Infallible>(unreadable), Ok(update(2, 10, "a"))]);
        let (_stop, stopped) = watch::channel(false);
        dispatch.run_stream(stream, IgnoringErrorHandler::new(), stopped, || {}).await;
        assert_eq!(*log.lock().unwrap(), ["start a", "end a"]);
    }

    #[tokio::test]
    async fn a_handler_that_panics_does_not_stop_its_chat() {
        let (dispatch, log, _release) = recording();
        let updates = [update(1, 10, "panic"), update(2, 10, "a"), update(3, 10, "b")];
        let stream = futures_util::stream::iter(updates.map(Ok::<_, Infallible>));
        let (_stop, stopped) = watch::channel(false);
        dispatch.run_stream(stream, IgnoringErrorHandler::new(), stopped, || {}).await;
        assert_eq!(*log.lock().unwrap(), ["start panic", "start a", "end a", "start b", "end b"]);
        assert_eq!(dispatch.busy_chats(), 0);
    }

    fn tokio_stream_of<T>(mut rx: mpsc::UnboundedReceiver<T>) -> impl Stream<Item = T> {
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }

    async fn wait_until(done: impl Fn() -> bool) {
        for _ in 0..500 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("not within 2.5 s");
    }
}
