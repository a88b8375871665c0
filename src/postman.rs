//! The outbox's postman: takes each queued message when its send slot comes, sends it once,
//! and records how that went. Nothing is held in memory that a crash would lose: a message is
//! claimed only when its slot is there, a failure puts it back with a backoff (from the
//! settings), and at start-up the few left in flight go again (at least once). Messages to
//! "every admin" wait for the first admin. Broadcasts are jobs whose progress the admin sees.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use teloxide::types::{ChatId, MessageId};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::app::AppRef;
use crate::domain::people::{Lang, Role};
use crate::metrics::BulkOutcome;
use crate::outbound::{Busy, Delivery, Screen};
use crate::store::{Mail, MailOutcome, MailTo, NewMail, Person};
use crate::ui::callback::Callback;
use crate::ui::keyboards::{button, keyboard};
use crate::{messages, t};

/// Sends in flight at once at most (each holds an HTTP request).
const IN_FLIGHT: usize = 32;
/// Rows claimed at once (about a second of the bulk's pace); more are claimed as they go, so
/// the sends never stop to wait for a batch's last answers.
const BATCH: usize = 32;
/// A pass claims more for this long, then finishes what it holds and records it.
const PASS: Duration = Duration::from_secs(2);
/// A reminder, digest or broadcast to a chat in a conversation waits for a gap this long at
/// most (a notice, priority 0, does not wait: it is what the person is waiting for).
const INTERRUPT_AFTER: Duration = Duration::from_secs(30);
/// How often messages held for a chat's gap are looked at again.
const HELD_POLL: Duration = Duration::from_millis(50);
/// How often a broadcast's progress message is brought up to date.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// A message in each language it may be read in, as the outbox stores it.
pub fn letter(screens: impl Fn(Lang) -> Screen) -> String {
    let map: BTreeMap<&str, Screen> =
        [Lang::Vi, Lang::En].into_iter().map(|l| (l.as_str(), screens(l))).collect();
    serde_json::to_string(&map).unwrap_or_default()
}

/// The screen for `lang` out of a stored letter (another language if that one is missing).
fn read_letter(payload: &str, lang: Option<&str>) -> Option<Screen> {
    let mut map: BTreeMap<String, Screen> = serde_json::from_str(payload).ok()?;
    match lang.and_then(|l| map.remove(l)) {
        Some(s) => Some(s),
        None => map.into_values().next(),
    }
}

/// A message to one person, in their language.
pub fn to_person(key: String, kind: &'static str, person: &Person, screen: Screen, priority: i64) -> NewMail {
    let payload =
        serde_json::to_string(&BTreeMap::from([(person.language.as_str(), screen)])).unwrap_or_default();
    NewMail {
        key,
        kind,
        to: MailTo::Person { id: person.id, chat: person.chat_id },
        payload,
        priority,
        expires_at: None,
        stale_if_handed_in: None,
        broadcast: None,
    }
}

/// A message to every admin: one per admin there is, or one that waits for the first.
pub fn to_admins(
    key: String,
    kind: &'static str,
    admins: &[Person],
    screens: impl Fn(Lang) -> Screen,
    priority: i64,
) -> Vec<NewMail> {
    let reachable: Vec<&Person> = admins.iter().filter(|a| a.role == Role::Admin && a.reachable).collect();
    if reachable.is_empty() {
        return vec![NewMail {
            key,
            kind,
            to: MailTo::Admins,
            payload: letter(screens),
            priority,
            expires_at: None,
            stale_if_handed_in: None,
            broadcast: None,
        }];
    }
    reachable
        .into_iter()
        .map(|a| to_person(format!("{key}:{}", a.id), kind, a, screens(a.language), priority))
        .collect()
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
    pub retry: usize,
    /// Dropped unsent: too late, or the report came in meanwhile.
    pub dropped: usize,
}

impl Pass {
    fn add(&mut self, o: Pass) {
        self.sent += o.sent;
        self.failed += o.failed;
        self.retry += o.retry;
        self.dropped += o.dropped;
    }
    pub fn touched(&self) -> usize {
        self.sent + self.failed + self.retry + self.dropped
    }
}

pub struct Postman {
    app: AppRef,
    slots: Arc<Semaphore>,
    /// One pass at a time (the background loop and a test driving it by hand).
    pass: tokio::sync::Mutex<()>,
    /// Claimed messages whose chat is busy (sent to a moment ago, or in a conversation): a
    /// later pass sends them. Claimed, so a crash resends them; released when the bot stops.
    held: std::sync::Mutex<Vec<Held>>,
}

/// A claimed message and since when it waits for its chat.
struct Held {
    mail: Mail,
    since: tokio::time::Instant,
}

impl Postman {
    pub fn new(app: AppRef) -> Arc<Postman> {
        Arc::new(Postman {
            app,
            slots: Arc::new(Semaphore::new(IN_FLIGHT)),
            pass: tokio::sync::Mutex::new(()),
            held: std::sync::Mutex::new(Vec::new()),
        })
    }

    fn wall(&self) -> DateTime<Utc> {
        self.app.wall.now()
    }

    /// At start-up: messages a crash left in flight go again. Counted and logged.
    pub async fn recover(&self) -> anyhow::Result<u64> {
        let n = self.app.store.recover_in_flight(self.app.clock.now()).await?;
        if n > 0 {
            tracing::warn!(
                messages = n,
                "messages were in flight when the bot stopped; sending them again (each may arrive twice)"
            );
        }
        Ok(n)
    }

    /// Runs until `stop`: delivers what is due, then sleeps until something is queued or the
    /// next retry is due.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut last_progress = tokio::time::Instant::now();
        loop {
            if *stop.borrow() {
                self.release_held().await;
                return;
            }
            let pass = match self.deliver_due().await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %crate::telemetry::redact(&format!("{e:#}"), None), "the outbox could not deliver");
                    Pass::default()
                }
            };
            if last_progress.elapsed() >= PROGRESS_EVERY || pass.touched() == 0 {
                if let Err(e) = self.update_broadcasts().await {
                    tracing::warn!(error = %e, "could not update a broadcast's progress");
                }
                last_progress = tokio::time::Instant::now();
            }
            if pass.touched() > 0 {
                continue;
            }
            let wait = self.idle_wait().await;
            tokio::select! {
                _ = self.app.mail.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Vec<Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take_held(&self) -> Vec<Held> {
        std::mem::take(&mut *self.held())
    }

    fn holding(&self) -> bool {
        !self.held().is_empty()
    }

    /// The bot is stopping: messages held for their chat's gap go back to the queue.
    async fn release_held(&self) {
        let ids: Vec<i64> = self.take_held().iter().map(|h| h.mail.id).collect();
        if let Err(e) = self.app.store.release_mail(&ids, self.app.clock.now()).await {
            tracing::warn!(error = %e, messages = ids.len(), "could not put held messages back; they go again at the next start");
        }
    }

    /// How long to sleep with nothing due: until the next retry, at most a second; a moment
    /// while messages wait for their chat's gap.
    async fn idle_wait(&self) -> Duration {
        if self.holding() {
            return HELD_POLL;
        }
        let next = self.app.store.next_mail_at().await.ok().flatten();
        let wait =
            next.map(|n| (n - self.wall()).to_std().unwrap_or_default()).unwrap_or(Duration::from_secs(1));
        wait.clamp(Duration::from_millis(5), Duration::from_secs(1))
    }

    /// Delivers until nothing is due now (the next retries may still wait), for `reminders run`
    /// and tests; gives up after `limit`.
    pub async fn deliver_all(&self, limit: Duration) -> anyhow::Result<Pass> {
        let until = tokio::time::Instant::now() + limit;
        let mut total = Pass::default();
        loop {
            let pass = self.deliver_due().await?;
            total.add(pass);
            if tokio::time::Instant::now() >= until {
                return Ok(total);
            }
            if pass.touched() == 0 {
                if !self.holding() {
                    // Nothing due now (retries may still be backing off).
                    return Ok(total);
                }
                tokio::time::sleep(HELD_POLL).await;
            }
        }
    }

    /// One pass over the messages due now: rows are claimed a batch at a time (so they are
    /// resent after a crash, never lost) and more as they go, and each goes when its send slot
    /// comes, most urgent first. A message to a busy chat (sent to a moment ago, or in a
    /// conversation) lets the others go first and is held for a later pass.
    pub async fn deliver_due(&self) -> anyhow::Result<Pass> {
        let _one = self.pass.lock().await;
        let store = &self.app.store;
        let started = tokio::time::Instant::now();
        store.expand_admin_mail(self.app.clock.now()).await?;
        let mut pass = Pass::default();
        let mut waiting = self.take_held();
        let mut exhausted = false;
        // Every message held is for a busy chat: claim past them (a bounded number).
        let mut stuck = false;
        let mut sends: JoinSet<(Mail, Delivery)> = JoinSet::new();
        loop {
            let claiming = started.elapsed() < PASS;
            let want = if stuck {
                BATCH.min((4 * BATCH).saturating_sub(waiting.len()))
            } else {
                BATCH.saturating_sub(waiting.len())
            };
            if !exhausted && claiming && want > BATCH / 2 {
                let now = self.app.clock.now();
                let (claimed, dropped) = store.claim_due_mail(self.wall(), now, want as i64).await?;
                for kind in &dropped {
                    self.app.metrics.bulk(kind, BulkOutcome::Dropped);
                }
                pass.dropped += dropped.len();
                exhausted = claimed.len() + dropped.len() < want;
                let since = tokio::time::Instant::now();
                waiting.extend(claimed.into_iter().map(|mail| Held { mail, since }));
                waiting.sort_by_key(|h| (h.mail.priority, h.mail.id));
            }
            if waiting.is_empty() && (exhausted || !claiming) {
                break;
            }
            let mut later = Vec::new();
            let mut went = 0;
            for held in waiting {
                let interrupt = held.mail.priority == 0 || held.since.elapsed() >= INTERRUPT_AFTER;
                let granted = loop {
                    match self.app.out.budget().try_bulk(held.mail.chat_id, interrupt) {
                        Ok(()) => break true,
                        Err(Busy::All(until)) => tokio::time::sleep_until(until).await,
                        Err(Busy::Chat(_)) => break false,
                    }
                };
                if !granted {
                    later.push(held);
                    continue;
                }
                went += 1;
                let mail = held.mail;
                let Some(screen) = read_letter(&mail.payload, mail.language.as_deref()) else {
                    let failed = MailOutcome::Failed { error: "unreadable payload".into() };
                    store.record_mail(mail.id, &failed, self.app.clock.now()).await?;
                    pass.failed += 1;
                    self.app.metrics.bulk(&mail.kind, BulkOutcome::Failed);
                    continue;
                };
                let permit = self.slots.clone().acquire_owned().await?;
                let out = self.app.out.clone();
                sends.spawn(async move {
                    let delivery = out.deliver(ChatId(mail.chat_id), &screen).await;
                    drop(permit);
                    (mail, delivery)
                });
                // Record what has finished meanwhile: the fewer in flight, the fewer repeats
                // after a crash.
                while let Some(done) = sends.try_join_next() {
                    pass.add(self.record(done?).await?);
                }
            }
            waiting = later;
            stuck = went == 0 && !waiting.is_empty();
            if stuck {
                // Only busy chats are left: claim more if there is more, else hold them.
                if exhausted || !claiming {
                    break;
                }
                tokio::time::sleep(HELD_POLL).await;
            }
        }
        while let Some(done) = sends.join_next().await {
            pass.add(self.record(done?).await?);
        }
        self.held().extend(waiting);
        Ok(pass)
    }

    async fn record(&self, (mail, delivery): (Mail, Delivery)) -> anyhow::Result<Pass> {
        let store = &self.app.store;
        let now = self.app.clock.now();
        let (outcome, pass) = match delivery {
            Delivery::Sent { message_id } => {
                (MailOutcome::Sent { message_id }, Pass { sent: 1, ..Pass::default() })
            }
            Delivery::Blocked => {
                if let Some(person) = mail.person_id {
                    self.person_blocked(person).await?;
                }
                (
                    MailOutcome::Failed { error: "blocked by the person".into() },
                    Pass { failed: 1, ..Pass::default() },
                )
            }
            Delivery::Refused(error) => {
                (MailOutcome::Failed { error }, Pass { failed: 1, ..Pass::default() })
            }
            Delivery::Retry { error, uncertain, after } => {
                let wait = after.unwrap_or_else(|| self.app.out.policy().backoff(mail.attempts as u32 + 1));
                let not_before = self.wall() + chrono::Duration::from_std(wait).unwrap_or_default();
                if uncertain {
                    tracing::warn!(key = %mail.key, "a send timed out; trying again (it may arrive twice)");
                }
                (MailOutcome::Retry { error, not_before, uncertain }, Pass { retry: 1, ..Pass::default() })
            }
        };
        store.record_mail(mail.id, &outcome, now).await?;
        let counted = match outcome {
            MailOutcome::Sent { .. } => BulkOutcome::Sent,
            MailOutcome::Failed { .. } => BulkOutcome::Failed,
            MailOutcome::Retry { .. } => BulkOutcome::Retry,
        };
        self.app.metrics.bulk(&mail.kind, counted);
        Ok(pass)
    }

    /// Marks a person unreachable and tells the admins, once (waiting for one if none joined).
    async fn person_blocked(&self, person_id: i64) -> anyhow::Result<()> {
        let store = &self.app.store;
        if !store.set_reachable(person_id, false).await? {
            return Ok(());
        }
        let Some(person) = store.person(person_id).await? else { return Ok(()) };
        tracing::warn!(person = person.id, "a person blocked the bot; marked unreachable");
        let left = match &person.agency {
            Some(a) => {
                store.people(Some(a)).await?.iter().filter(|p| p.role == Role::Focal && p.reachable).count()
            }
            None => 0,
        };
        let plan = self.app.plan.get();
        let admins: Vec<Person> =
            store.people_with_role(Role::Admin).await?.into_iter().filter(|a| a.id != person.id).collect();
        let now = self.app.clock.now();
        let key = format!("blocked:{}:{}", person.id, now.timestamp());
        let agency = person.agency.as_ref().map(|a| a.as_str().to_owned());
        let mails = to_admins(
            key,
            "blocked",
            &admins,
            |lang| messages::blocked(lang, &plan, &person.name, agency.as_deref(), left),
            0,
        );
        store.enqueue(&mails, now, self.wall()).await?;
        Ok(())
    }

    /// Brings each running broadcast's progress message up to date; ends finished ones.
    pub async fn update_broadcasts(&self) -> anyhow::Result<()> {
        let store = &self.app.store;
        for b in store.active_broadcasts().await? {
            let progress = store.broadcast_progress(b.id).await?;
            // The admin's progress message is sent just after the job is queued: wait for it
            // (a minute at most) so that its last edit says how it ended.
            let shown = b.progress_message_id.is_some()
                || self.app.clock.now() - b.created_at > chrono::Duration::minutes(1);
            let finished = progress.finished() && shown;
            let lang = Lang::parse(&b.language).unwrap_or(Lang::Vi);
            let screen = broadcast_screen(lang, b.id, progress, finished);
            if finished && !store.finish_broadcast(b.id, self.app.clock.now()).await? {
                continue;
            }
            if finished {
                let detail = serde_json::json!({"broadcast": b.id, "sent": progress.sent, "failed": progress.failed, "total": progress.total});
                store.audit(b.created_by, None, "broadcast_done", detail, self.app.clock.now()).await?;
            }
            if let Some(message) = b.progress_message_id {
                let edited = self.app.out.edit(ChatId(b.chat_id), MessageId(message as i32), &screen).await;
                if let Err(e) = edited.or_else(ignore_not_modified) {
                    tracing::warn!(error = %e, broadcast = b.id, "could not show a broadcast's progress");
                }
            }
        }
        Ok(())
    }
}

fn ignore_not_modified(e: teloxide::RequestError) -> Result<(), teloxide::RequestError> {
    match e {
        teloxide::RequestError::Api(teloxide::ApiError::MessageNotModified) => Ok(()),
        e => Err(e),
    }
}

/// The admin's view of a broadcast going out: n of N, failures, and "stop" while it runs.
pub fn broadcast_screen(lang: Lang, id: i64, p: crate::store::BroadcastProgress, finished: bool) -> Screen {
    if finished {
        return Screen::text(t!(
            lang,
            "broadcast-finished",
            sent = p.sent,
            failed = p.failed,
            cancelled = p.cancelled,
            total = p.total
        ));
    }
    let text = t!(lang, "broadcast-progress", sent = p.sent, failed = p.failed, total = p.total);
    Screen::with(
        text,
        keyboard(vec![vec![button(t!(lang, "button-stop-broadcast"), Callback::CancelBroadcast { id })]]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_is_read_in_the_readers_language_or_any() {
        let payload = letter(|l| Screen::text(format!("hello {}", l.as_str())));
        assert_eq!(read_letter(&payload, Some("en")).unwrap().text, "hello en");
        assert_eq!(read_letter(&payload, Some("vi")).unwrap().text, "hello vi");
        let one = serde_json::to_string(&BTreeMap::from([("vi", Screen::text("chỉ tiếng Việt"))])).unwrap();
        assert_eq!(read_letter(&one, Some("en")).unwrap().text, "chỉ tiếng Việt");
        assert!(read_letter("not json", None).is_none());
    }
}
