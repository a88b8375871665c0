//! The one place the time is read. Everything below takes `now` as an argument.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub type SharedClock = Arc<dyn Clock>;

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A rehearsal: the clock starts at a chosen instant and runs in real time from there.
pub struct RehearsalClock {
    start: DateTime<Utc>,
    began: Instant,
}

impl RehearsalClock {
    pub fn starting_at(start: DateTime<Utc>) -> RehearsalClock {
        RehearsalClock { start, began: Instant::now() }
    }
}

impl Clock for RehearsalClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = Duration::from_std(self.began.elapsed()).unwrap_or_default();
        self.start + elapsed
    }
}

/// A clock that moves only when told: for tests and for running the scheduler "at" an instant.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Arc<ManualClock> {
        Arc::new(ManualClock(Mutex::new(at)))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rehearsal_clock_runs_from_its_start() {
        let start = DateTime::parse_from_rfc3339("2022-03-07T01:00:00Z").unwrap().with_timezone(&Utc);
        let clock = RehearsalClock::starting_at(start);
        let now = clock.now();
        assert!(now >= start && now - start < Duration::seconds(5));
        let manual = ManualClock::new(start);
        manual.advance(Duration::hours(1));
        assert_eq!(manual.now(), start + Duration::hours(1));
    }
}
