//! Every update, timed and named: the handler tree runs inside a span carrying the update id,
//! the chat and the Telegram user (the bot records the person's id into it once it knows them),
//! so every log line an update causes says whose it was; its duration goes to the latency
//! histogram. At most [`IN_FLIGHT`] updates are handled at once.

use std::sync::Arc;
use std::time::Instant;

use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::di::DependencyMap;
use teloxide::types::Update;
use tracing::Instrument;

use crate::metrics::Metrics;

/// Updates handled at once, at most; the rest wait as bare updates (`dispatch.rs`). With 500
/// people tapping at the same moment, 500 handlers' states (tens of KB each) were alive together
/// while two cores served them a few at a time (75 MB at 500 people in benches/replies). 64 at
/// once peaked at 41–42 MB there, 32 at 34–36 MB (the runtime's thread runs one step of one
/// handler at a time, the database's statements included), for about a tenth fewer replies a
/// second at 500 people tapping with no pause (fewer updates end together, so their handled
/// marks share fewer commits) and no difference measurable at 200. Against
/// Telegram, where each call takes a tenth of a second or more, 32 updates of about three calls
/// each are still 60 or more updates a second, twice the 30 messages a second Telegram lets a
/// bot send.
pub const IN_FLIGHT: usize = 32;

/// `handler`, with each update inside its span and timed. The wrapper takes the handler's own
/// description and signature, so the dispatcher checks and routes it exactly as before.
pub fn observed<E: 'static>(handler: UpdateHandler<E>, metrics: Arc<Metrics>) -> UpdateHandler<E> {
    let description = handler.description().clone();
    let signature = handler.sig().clone();
    let in_flight = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    teloxide::dptree::from_fn_with_description(
        description,
        move |deps: DependencyMap, cont| {
            let handler = handler.clone();
            let metrics = metrics.clone();
            let in_flight = in_flight.clone();
            async move {
                // The time waited counts: it is part of what the person waits.
                let started = Instant::now();
                let _turn = in_flight.acquire_owned().await;
                let span = update_span(deps.try_get::<Arc<Update>>().as_deref().map(|u| &**u));
                // Made only once its turn came, so a waiting update holds no handler state.
                let handling = Box::pin(handler.execute(deps, cont).instrument(span));
                let flow = handling.await;
                metrics.update_handled(started.elapsed());
                flow
            }
        },
        signature,
    )
}

/// The span of one update; `person` is filled in once the sender is known to be one
/// ([`crate::telemetry::record_person`]).
pub fn update_span(update: Option<&Update>) -> tracing::Span {
    let Some(update) = update else { return tracing::info_span!("update") };
    let span = tracing::info_span!(
        "update",
        update_id = update.id.0,
        chat = tracing::field::Empty,
        user = tracing::field::Empty,
        person = tracing::field::Empty,
    );
    if let Some(chat) = update.chat() {
        span.record("chat", chat.id.0);
    }
    if let Some(user) = update.from() {
        span.record("user", user.id.0);
    }
    span
}
