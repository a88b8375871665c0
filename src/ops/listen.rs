//! Where updates come from, noting when Telegram last answered (the health check's "last
//! contact").
//!
//! Long polling: teloxide's `Polling` stream yields updates and errors but not the answers with
//! no update in them, and a quiet bot gets only those (one every 10 s), so a wrapper around it
//! cannot tell a live poll from a stuck one. [`Polling`] here is the same loop (teloxide's
//! offsets, backoff and graceful stop, on the same `getUpdates` call) with one addition: every
//! answer of `getUpdates`, empty or not, is a contact.
//!
//! Webhook: Telegram posts only when there is an update, so silence is normal. [`Delivered`]
//! notes each delivery, and [`watch_webhook`] asks Telegram every 30 s whether it holds updates
//! it could not deliver: none held is a contact; some held is the reason the check fails.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener, webhooks};
use tokio::sync::watch;

use crate::i18n::Lang;
use crate::metrics::Metrics;
use crate::outbound::Wire;
use crate::t;

/// How often a webhook's delivery is checked with Telegram.
const WEBHOOK_CHECK: Duration = Duration::from_secs(30);

/// Long polling that notes every answer of `getUpdates` as a contact.
pub struct Polling {
    /// `getUpdates` posted and read without teloxide's buffering (see `outbound::Wire`).
    wire: Wire,
    /// How long Telegram may hold a `getUpdates` open with nothing to give.
    timeout: Duration,
    allowed: Option<Vec<AllowedUpdate>>,
    metrics: Arc<Metrics>,
    token: StopToken,
    flag: StopFlag,
    /// The next update wanted: one past the last handed out (Telegram forgets those below).
    offset: i32,
    buffer: VecDeque<Update>,
    /// Failures in a row, for the backoff; the wait before the next call, if any.
    errors: u32,
    wait: Option<Duration>,
    finished: bool,
}

impl Polling {
    /// Long polling on `bot`; a webhook left set up (by an earlier run) is deleted first, as
    /// Telegram refuses `getUpdates` while one is set.
    pub async fn start(bot: Bot, timeout: Duration, metrics: Arc<Metrics>) -> Polling {
        match bot.get_webhook_info().await {
            Ok(info) if info.url.is_some() => {
                if let Err(e) = bot.delete_webhook().await {
                    tracing::error!(error = %e, "could not delete the webhook; polling will be refused");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not ask Telegram whether a webhook is set"),
        }
        let (token, flag) = mk_stop_token();
        Polling {
            wire: Wire::of(&bot),
            timeout,
            allowed: None,
            metrics,
            token,
            flag,
            offset: 0,
            buffer: VecDeque::new(),
            errors: 0,
            wait: None,
            finished: false,
        }
    }

    /// The next update (or failure to report), `None` once stopped.
    async fn next(&mut self) -> Option<Result<Update, RequestError>> {
        loop {
            // Updates already taken from Telegram are handed out even when stopping: their
            // offset is confirmed below, so they would be lost otherwise.
            if let Some(update) = self.buffer.pop_front() {
                return Some(Ok(update));
            }
            if self.finished {
                return None;
            }
            if self.flag.is_stopped() {
                self.finished = true;
                // Confirm what was handed out, so that the next start does not get it again.
                let confirm = self.wire.get_updates(self.offset, Some(1), 0, None).await;
                return confirm.err().map(Err);
            }
            if let Some(wait) = self.wait.take() {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = self.flag.clone() => {}
                }
                continue;
            }
            let call = self.wire.get_updates(
                self.offset,
                None,
                self.timeout.as_secs() as u32,
                self.allowed.as_deref(),
            );
            let answer = tokio::select! {
                answer = call => answer,
                // Stopping drops the call in flight; what it would have brought stays queued at
                // Telegram for the next start.
                _ = self.flag.clone() => continue,
            };
            match answer {
                Ok(updates) => {
                    self.metrics.contact(Instant::now());
                    self.errors = 0;
                    if let Some(last) = updates.last() {
                        self.offset = last.id.as_offset();
                    }
                    self.buffer.extend(updates);
                }
                Err(e) => {
                    self.wait = Some(match &e {
                        RequestError::RetryAfter(after) => after.duration(),
                        _ => {
                            self.errors = self.errors.saturating_add(1);
                            teloxide::backoff::exponential_backoff_strategy(self.errors - 1)
                        }
                    });
                    self.metrics.contact_failed(crate::telemetry::redact(&e.to_string(), None));
                    return Some(Err(e));
                }
            }
        }
    }
}

impl UpdateListener for Polling {
    type Err = RequestError;

    fn stop_token(&mut self) -> StopToken {
        self.token.clone()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.allowed = Some(hint.collect());
    }
}

impl<'a> AsUpdateStream<'a> for Polling {
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, Result<Update, RequestError>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        futures_util::stream::unfold(self, |polling| async move {
            let item = polling.next().await?;
            Some((item, polling))
        })
        .boxed()
    }
}

/// A listener whose every delivered update is a contact.
pub struct Delivered<L> {
    inner: L,
    metrics: Arc<Metrics>,
}

impl<L> Delivered<L> {
    pub fn new(inner: L, metrics: Arc<Metrics>) -> Delivered<L> {
        Delivered { inner, metrics }
    }
}

impl<L> UpdateListener for Delivered<L>
where
    L: UpdateListener,
    Self: for<'a> AsUpdateStream<'a, StreamErr = L::Err>,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}

impl<'a, L> AsUpdateStream<'a> for Delivered<L>
where
    L: AsUpdateStream<'a>,
    L::StreamErr: 'a,
{
    type StreamErr = L::StreamErr;
    type Stream = BoxStream<'a, Result<Update, L::StreamErr>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let metrics = self.metrics.clone();
        self.inner
            .as_stream()
            .inspect(move |item| {
                if item.is_ok() {
                    metrics.contact(Instant::now());
                }
            })
            .boxed()
    }
}

/// The webhook: sets it with Telegram, then serves it on `listen` (bound here, so that an
/// address in use is a clear error at start, not a panic in a background task).
///
/// Replicas behind one address set the same webhook: its secret is derived from the token, the
/// same for all of them, and a replica that stops leaves the webhook set for the others
/// (Telegram keeps what it cannot deliver meanwhile and delivers it later).
pub async fn webhook(
    bot: Bot,
    url: reqwest::Url,
    listen: SocketAddr,
    metrics: Arc<Metrics>,
    lang: Lang,
) -> anyhow::Result<impl UpdateListener<Err = Infallible>> {
    let socket = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        anyhow::anyhow!(
            "{}",
            t!(lang, "run-webhook-unbound", address = listen.to_string(), reason = e.to_string())
        )
    })?;
    let secret = webhook_secret(bot.token());
    let options = webhooks::Options::new(listen, url).secret_token(secret.clone());
    bot.set_webhook(options.url.clone()).secret_token(secret).await.map_err(|e| {
        let url = options.url.to_string();
        anyhow::anyhow!("{}", t!(lang, "run-webhook-refused", url = url, reason = e.to_string()))
    })?;
    let (mut listener, stopped, router) = webhooks::axum_no_setup(options);
    metrics.contact(Instant::now());
    let token = listener.stop_token();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(socket, router).with_graceful_shutdown(stopped).await {
            tracing::error!(error = %e, "the webhook server failed; stopping");
            token.stop();
        }
    });
    Ok(Delivered::new(listener, metrics))
}

/// The secret Telegram sends back with every update: the same for every replica of a bot, and
/// nothing an outsider can compute without the token.
fn webhook_secret(token: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("dondoc webhook secret of {token}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every 30 s until `stop`: asks Telegram whether it holds updates it could not deliver to the
/// webhook. None held is a contact (nothing is waiting); some held, with Telegram's last error,
/// is what the health check reports once the silence lasts.
pub async fn watch_webhook(bot: Bot, metrics: Arc<Metrics>, mut stop: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(WEBHOOK_CHECK);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        match bot.get_webhook_info().await {
            Ok(info) if info.pending_update_count == 0 => metrics.contact(Instant::now()),
            Ok(info) => {
                let error = info.last_error_message.unwrap_or_else(|| "none given".into());
                metrics.contact_failed(format!(
                    "Telegram holds {} updates it could not deliver; its last error: {error}",
                    info.pending_update_count
                ));
            }
            Err(e) => metrics.contact_failed(crate::telemetry::redact(&e.to_string(), None)),
        }
    }
}
