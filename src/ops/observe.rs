//! Every update, timed and named: the handler tree runs inside a span carrying the update id,
//! the chat and the Telegram user (the bot records the person's id into it once it knows them),
//! so every log line an update causes says whose it was; its duration goes to the latency
//! histogram.

use std::sync::Arc;
use std::time::Instant;

use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::di::DependencyMap;
use teloxide::types::Update;
use tracing::Instrument;

use crate::metrics::Metrics;

/// `handler`, with each update inside its span and timed. The wrapper takes the handler's own
/// description and signature, so the dispatcher checks and routes it exactly as before.
pub fn observed<E: 'static>(handler: UpdateHandler<E>, metrics: Arc<Metrics>) -> UpdateHandler<E> {
    let description = handler.description().clone();
    let signature = handler.sig().clone();
    teloxide::dptree::from_fn_with_description(
        description,
        move |deps: DependencyMap, cont| {
            let handler = handler.clone();
            let metrics = metrics.clone();
            async move {
                let span = update_span(deps.try_get::<Update>().as_deref());
                let started = Instant::now();
                let flow = handler.execute(deps, cont).instrument(span).await;
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
