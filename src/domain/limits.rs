//! Limits per person, so that one sender cannot cost everyone else: a flood of messages is
//! slowed (told once, then ignored until it calms), a stranger is answered at most once every
//! few minutes, and guessed invite codes lock the guesser out for a while. The instants are
//! passed in; nothing here reads a clock.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct LimitRules {
    /// More than `flood_count` updates within `flood_window` is a flood.
    pub flood_count: usize,
    pub flood_window: Duration,
    /// A stranger (no invite yet) gets an answer at most this often.
    pub stranger_every: Duration,
    /// More than `bad_codes` wrong invite codes within `bad_code_window` locks for `lockout`.
    pub bad_codes: usize,
    pub bad_code_window: Duration,
    pub lockout: Duration,
}

impl Default for LimitRules {
    fn default() -> Self {
        LimitRules {
            flood_count: 60,
            flood_window: Duration::from_secs(60),
            stranger_every: Duration::from_secs(180),
            bad_codes: 5,
            bad_code_window: Duration::from_secs(600),
            lockout: Duration::from_secs(900),
        }
    }
}

/// What to do with one update from a sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Handle,
    /// A flood begins: say once that they should slow down, handle nothing.
    SlowDown,
    /// Still flooding, or a stranger answered recently: ignore quietly.
    Ignore,
}

#[derive(Debug, Default)]
struct Sender {
    recent: VecDeque<Instant>,
    flooding: bool,
    stranger_answered: Option<Instant>,
    bad_codes: VecDeque<Instant>,
    locked_until: Option<Instant>,
    last_seen: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct Limiter {
    rules: LimitRules,
    senders: HashMap<i64, Sender>,
    calls: u64,
}

impl Limiter {
    pub fn new(rules: LimitRules) -> Limiter {
        Limiter { rules, ..Limiter::default() }
    }

    fn sender(&mut self, user: i64, now: Instant) -> &mut Sender {
        self.calls += 1;
        if self.calls.is_multiple_of(4096) {
            // Forget senders quiet for an hour, so the map stays the size of the active people.
            self.senders.retain(|_, s| {
                s.last_seen.is_some_and(|t| now.duration_since(t) < Duration::from_secs(3600))
            });
        }
        let s = self.senders.entry(user).or_default();
        s.last_seen = Some(now);
        s
    }

    /// Counts an update from `user`; a stranger is answered at most once per `stranger_every`.
    pub fn on_update(&mut self, user: i64, stranger: bool, now: Instant) -> Verdict {
        let rules = self.rules;
        let s = self.sender(user, now);
        while s.recent.front().is_some_and(|t| now.duration_since(*t) >= rules.flood_window) {
            s.recent.pop_front();
        }
        s.recent.push_back(now);
        if s.recent.len() > rules.flood_count {
            let first = !s.flooding;
            s.flooding = true;
            return if first { Verdict::SlowDown } else { Verdict::Ignore };
        }
        s.flooding = false;
        if stranger {
            if s.stranger_answered.is_some_and(|t| now.duration_since(t) < rules.stranger_every) {
                return Verdict::Ignore;
            }
            s.stranger_answered = Some(now);
        }
        Verdict::Handle
    }

    /// Whether `user` may try an invite code now; `Err(wait)` while locked out.
    pub fn may_try_code(&mut self, user: i64, now: Instant) -> Result<(), Duration> {
        let s = self.sender(user, now);
        match s.locked_until {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// A wrong, used or expired code from `user`: too many lock them out for a while.
    pub fn bad_code(&mut self, user: i64, now: Instant) {
        let rules = self.rules;
        let s = self.sender(user, now);
        while s.bad_codes.front().is_some_and(|t| now.duration_since(*t) >= rules.bad_code_window) {
            s.bad_codes.pop_front();
        }
        s.bad_codes.push_back(now);
        if s.bad_codes.len() >= rules.bad_codes {
            s.locked_until = Some(now + rules.lockout);
            s.bad_codes.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_told_once_then_ignored_until_it_calms() {
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for i in 0..60 {
            assert_eq!(l.on_update(1, false, t0 + Duration::from_millis(i * 10)), Verdict::Handle);
        }
        assert_eq!(l.on_update(1, false, t0 + Duration::from_millis(300)), Verdict::SlowDown);
        assert_eq!(l.on_update(1, false, t0 + Duration::from_millis(310)), Verdict::Ignore);
        assert_eq!(l.on_update(2, false, t0 + Duration::from_millis(310)), Verdict::Handle, "others go on");
        assert_eq!(l.on_update(1, false, t0 + Duration::from_secs(61)), Verdict::Handle, "calm again");
    }

    #[test]
    fn a_stranger_is_answered_once_every_few_minutes() {
        let mut l = Limiter::default();
        let t0 = Instant::now();
        assert_eq!(l.on_update(9, true, t0), Verdict::Handle);
        assert_eq!(l.on_update(9, true, t0 + Duration::from_secs(60)), Verdict::Ignore);
        assert_eq!(l.on_update(9, true, t0 + Duration::from_secs(181)), Verdict::Handle);
    }

    #[test]
    fn guessed_codes_lock_the_guesser_out() {
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for i in 0..4 {
            l.bad_code(5, t0 + Duration::from_secs(i));
            assert!(l.may_try_code(5, t0 + Duration::from_secs(i)).is_ok());
        }
        l.bad_code(5, t0 + Duration::from_secs(5));
        let wait = l.may_try_code(5, t0 + Duration::from_secs(6)).unwrap_err();
        assert!(wait > Duration::from_secs(800));
        assert!(l.may_try_code(6, t0 + Duration::from_secs(6)).is_ok(), "only the guesser");
        assert!(l.may_try_code(5, t0 + Duration::from_secs(6 + 900)).is_ok());
    }
}
