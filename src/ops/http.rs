//! The operator's HTTP endpoint: `GET /healthz` and `GET /metrics` (Prometheus text format).
//!
//! It listens on its own address (`DONDOC_HTTP_LISTEN`, loopback by default), never on the
//! webhook's: the webhook's port is the one a reverse proxy publishes to the internet, and a
//! proxy rule a little too wide would then publish the metrics too. Its own port also serves
//! long polling, where there is no webhook server at all.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::health::{Health, MAX_SILENCE, verdict};
use crate::app::AppRef;
use crate::i18n::Lang;
use crate::t;

/// How long the health check waits for the database before calling it unresponsive.
const DATABASE_WAIT: Duration = Duration::from_secs(3);

/// Binds the endpoint's address (at start, so that an address in use stops the bot with a
/// clear message instead of leaving it unobserved, or observed through another bot's port).
pub async fn bind(address: SocketAddr, lang: Lang) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address).await.map_err(|e| {
        anyhow::anyhow!(
            "{}",
            t!(lang, "run-http-unbound", address = address.to_string(), reason = e.to_string())
        )
    })
}

pub fn router(app: AppRef) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(metrics)).with_state(app)
}

/// Serves until `stop`.
pub async fn serve(socket: TcpListener, app: AppRef, mut stop: watch::Receiver<bool>) {
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    if let Err(e) = axum::serve(socket, router(app)).with_graceful_shutdown(stopped).await {
        tracing::error!(error = %e, "the health and metrics endpoint stopped");
    }
}

/// The address actually bound (the port, when 0 was asked for).
pub fn address(socket: &TcpListener) -> Option<SocketAddr> {
    socket.local_addr().ok()
}

/// 200 "ok" when the database answers and Telegram answered lately; 503 with the reason.
async fn healthz(State(app): State<AppRef>) -> Response {
    let database = match tokio::time::timeout(DATABASE_WAIT, app.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", DATABASE_WAIT.as_secs())),
    };
    let (contact, failure) = app.metrics.last_contact();
    let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match verdict(Instant::now(), database, contact, failure.as_deref(), MAX_SILENCE) {
        Health::Ok => (StatusCode::OK, plain, "ok\n").into_response(),
        Health::Unavailable(reason) => {
            let reason = crate::telemetry::redact(&reason, None);
            (StatusCode::SERVICE_UNAVAILABLE, plain, format!("{reason}\n")).into_response()
        }
    }
}

/// Every counter, with the outbox's gauges read from the store (left out, and logged, when the
/// database does not answer: the counters are most wanted then).
async fn metrics(State(app): State<AppRef>) -> Response {
    let outbox = match app.store.outbox_gauges(app.wall.now()).await {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "the metrics could not read the outbox");
            Vec::new()
        }
    };
    let text = app.metrics.render(app.out.stats(), &outbox, Instant::now());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
