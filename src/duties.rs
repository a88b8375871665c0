//! The scheduler and the postman run on one replica at a time: the one holding the scheduler
//! lock (on SQLite the only bot there is). The others stand by, asking for the lock every few
//! seconds, and take over when its holder stops or dies; a holder that can no longer reach
//! the database stops both at once, as another replica may hold the lock by then.
//!
//! Reminders stay exactly once across a takeover: a key is queued once whoever queues it, and
//! an outbox row is claimed by one postman. A row the dead holder had claimed and not recorded
//! is sent again by the next one (at least once, as after a crash).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::app::AppRef;
use crate::postman::Postman;
use crate::scheduler::Scheduler;
use crate::store::SchedulerLock;

pub struct Duties {
    pub app: AppRef,
    pub scheduler: Arc<Scheduler>,
    pub postman: Arc<Postman>,
    /// Tick every minute (off in tests that drive the scheduler by hand).
    pub run_scheduler: bool,
    /// How often a replica standing by asks for the lock, and the holder checks it still holds it.
    pub every: Duration,
}

#[derive(Debug, PartialEq, Eq)]
enum End {
    Stopped,
    LostLock,
}

impl Duties {
    /// Until `stop`: waits for the lock, then runs the scheduler and the postman while it holds it.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            let Some(lock) = self.wait_for_lock(&mut stop).await else { return };
            tracing::info!("this replica runs the scheduler and the postman");
            match self.serve(lock, &mut stop).await {
                End::Stopped => return,
                End::LostLock => {
                    tracing::warn!("lost the scheduler lock (the database is unreachable); standing by")
                }
            }
        }
    }

    async fn wait_for_lock(&self, stop: &mut watch::Receiver<bool>) -> Option<SchedulerLock> {
        let mut said = false;
        loop {
            let stopped = *stop.borrow();
            if stopped {
                return None;
            }
            match self.app.store.try_scheduler_lock().await {
                Ok(Some(lock)) => return Some(lock),
                Ok(None) if !said => {
                    tracing::info!("another replica runs the scheduler and the postman; standing by");
                    said = true;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not ask for the scheduler lock"),
            }
            // The holder's ticks reload its plans; a replica standing by reloads its own.
            if let Err(e) = self.app.reload_plan_if_changed().await {
                tracing::warn!(error = %e, "could not check the plan for changes");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.every) => {}
                _ = stop.changed() => {}
            }
        }
    }

    async fn serve(&self, mut lock: SchedulerLock, stop: &mut watch::Receiver<bool>) -> End {
        // What the last holder (this bot before a crash, or a replica that died) left in flight.
        if let Err(e) = self.postman.recover().await {
            tracing::error!(error = %e, "could not take back the messages left in flight");
        }
        let (end_term, term) = watch::channel(false);
        let postman = tokio::spawn(self.postman.clone().run(term));
        let mut cron = None;
        if self.run_scheduler {
            match self.scheduler.clone().start().await {
                Ok(c) => cron = Some(c),
                Err(e) => tracing::error!(error = %e, "the reminder scheduler did not start"),
            }
            // Catch up at once: a bot restarted at 08:00:20 does not wait for 08:01.
            let scheduler = self.scheduler.clone();
            tokio::spawn(async move { scheduler.tick().await });
        }
        let end = loop {
            let stopped = *stop.borrow_and_update();
            if stopped {
                break End::Stopped;
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() {
                    break End::Stopped;
                },
                _ = tokio::time::sleep(self.every) => if !lock.still_held(self.every).await {
                    break End::LostLock;
                },
            }
        };
        let _ = end_term.send(true);
        let _ = postman.await;
        if let Some(mut cron) = cron
            && let Err(e) = cron.shutdown().await
        {
            tracing::warn!(error = %e, "the reminder scheduler did not stop cleanly");
        }
        // A tick in flight finishes before the lock goes (and before the store closes).
        drop(self.scheduler.run_lock().await);
        lock.release().await;
        end
    }
}
