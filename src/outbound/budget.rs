//! Telegram's flood limits as one budget shared by everything the bot sends: about 30 messages
//! per second in all and one per second in a chat. Replies to people take the budget first;
//! reminders, digests, notices and broadcasts (the bulk) take what replies leave, evenly
//! spaced, never the last few slots of the window, and never while a reply waits. A 429 pauses
//! everything for the time Telegram asks.
//!
//! How many slots the bulk leaves free is a trade: every slot left free is a send per second
//! the fan-out does not make, and every slot taken is a chance that a reply finds the window
//! full and waits for the oldest send to age out (tens of ms, as the window is paced). Replies
//! arrive at random, and in waves; so the bulk never fills the last `reply_reserve` slots (the
//! reserve follows the replies of the last two windows: steady), and keeps pace with what the
//! replies of the last third of a second leave (the pace follows the waves). With replies
//! arriving at random at 8/s, 3 free slots keep 99.7 % of replies from waiting while the bulk
//! takes about 0.84 of what they leave; 2 slots give 0.89 and a p99 wait of about 20 ms, 1
//! slot 0.93 and 12 % of replies waiting about 50 ms (the tests
//! `the_frontier_between_the_bulk_and_the_replies` and
//! `when_a_wave_of_replies_passes_the_bulk_takes_up_the_room_at_once` measure the rule in
//! force). Under Telegram's rolling second no rule can do much better: a free slot comes back
//! only when a send ages out (one every 35–55 ms at this pace), so the chance that a reply
//! finds none falls only with the slots kept free.
//!
//! A person being answered is not interrupted: a reminder, digest or broadcast to a chat that
//! was answered in the last `conversation` waits for the moment just after the next answer
//! (they read it before they tap again) or for the chat to fall quiet; the outbox lets it
//! interrupt after a while. Otherwise a reminder landing in the second before their next tap
//! holds that reply back up to a second (one send per second per chat): in the fan-out
//! benchmark 12–25 of 50 reporters' reminders did, and were most of the replies' p99.
//!
//! Why our own and not teloxide's `Throttle` or `governor`: `Throttle` queues per chat with no
//! priority (a reply waits behind the bulk, about 1 s at p50 in the round-1 measurements) and
//! does not see the sends that bypass it; `governor` is a token bucket without priorities or a
//! per-key spacing that also counts the other lane. The rule here is a sliding window, the same
//! shape as Telegram's (and the test fake's), checked by a pure function with the instant
//! passed in, so it is tested without sleeping. Only sends count (sendMessage, sendPhoto,
//! sendDocument); edits and callback answers do not. One chat gets the bulk at most once a
//! second; a reply is not held back by that (a short burst in a private chat is allowed, and
//! holding replies behind their chat's pacing cost about 1 s at p50 in round 1).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// An answer to what a person just did.
    Reply,
    /// Reminders, digests, notices, broadcasts.
    Bulk,
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sends allowed in any window, all chats together.
    pub per_window: u32,
    /// The window: a second, plus a margin for the network's jitter (Telegram counts arrivals).
    pub window: Duration,
    /// Least time between two sends to one chat.
    pub per_chat: Duration,
    /// Bulk sends per second at most, evenly spaced.
    pub bulk_per_second: u32,
    /// Slots of the window the bulk leaves free, so that a reply seldom waits for one.
    pub reply_reserve: u32,
    /// A chat answered less than this ago is in a conversation: the bulk waits for a gap.
    pub conversation: Duration,
    /// Just after an answer, the person reads: the bulk may go to their chat this long.
    pub after_answer: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_window: 30,
            window: Duration::from_millis(1010),
            per_chat: Duration::from_millis(1010),
            bulk_per_second: 29,
            reply_reserve: 3,
            conversation: Duration::from_secs(10),
            after_answer: Duration::from_millis(100),
        }
    }
}

impl Limits {
    pub fn with_bulk_per_second(mut self, per_second: u32) -> Limits {
        self.bulk_per_second = per_second.clamp(1, self.per_window);
        self
    }
    fn bulk_spacing(&self) -> Duration {
        self.window / self.bulk_per_second.max(1)
    }
}

/// Why a bulk send must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// Nothing bulk may go before this instant.
    All(Instant),
    /// This chat was sent to less than `per_chat` ago; others may go.
    Chat(Instant),
}

#[derive(Debug, Default)]
struct State {
    /// When each send of the current window was granted, oldest first.
    window: VecDeque<Instant>,
    /// When each reply of the last two windows was granted: how many replies to expect.
    replies: VecDeque<Instant>,
    /// Last send per chat, and whether it was the bulk's; pruned now and then.
    chats: HashMap<i64, (Instant, Lane)>,
    /// When each chat was last answered (a reply granted or a screen edited); pruned now and
    /// then.
    answered: HashMap<i64, Instant>,
    replies_waiting: u32,
    paused_until: Option<Instant>,
    next_bulk: Option<Instant>,
    grants: u64,
}

pub struct Budget {
    limits: Limits,
    state: Mutex<State>,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget { limits, state: Mutex::new(State::default()) }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a reply's slot and takes it.
    pub async fn reply(&self, chat: i64) {
        self.lock().replies_waiting += 1;
        let _waiting = Waiting(self);
        loop {
            let until = {
                let mut st = self.lock();
                match check(&self.limits, &mut st, Instant::now(), chat, Lane::Reply) {
                    Ok(()) => {
                        grant(&self.limits, &mut st, Instant::now(), chat, Lane::Reply);
                        return;
                    }
                    Err(Busy::All(t) | Busy::Chat(t)) => t,
                }
            };
            tokio::time::sleep_until(until).await;
        }
    }

    /// Takes a bulk slot for `chat` now, or says until when to wait. `interrupt`: the message
    /// may land in a conversation (it waited long enough for a gap, or continues a message).
    pub fn try_bulk(&self, chat: i64, interrupt: bool) -> Result<(), Busy> {
        let mut st = self.lock();
        let now = Instant::now();
        check(&self.limits, &mut st, now, chat, Lane::Bulk)?;
        if !interrupt {
            in_conversation(&self.limits, &st, now, chat)?;
        }
        grant(&self.limits, &mut st, now, chat, Lane::Bulk);
        Ok(())
    }

    /// The person in `chat` was just answered with an edited screen (a sent reply counts by
    /// itself).
    pub fn answered(&self, chat: i64) {
        self.lock().answered.insert(chat, Instant::now());
    }

    /// Waits for a bulk slot for `chat` and takes it (the later parts of a long message).
    pub async fn bulk(&self, chat: i64) {
        loop {
            match self.try_bulk(chat, true) {
                Ok(()) => return,
                Err(Busy::All(t) | Busy::Chat(t)) => tokio::time::sleep_until(t.max(Instant::now())).await,
            }
        }
    }

    /// Telegram answered 429: nothing is sent before `after` has passed.
    pub fn pause(&self, after: Duration) {
        let until = Instant::now() + after;
        let mut st = self.lock();
        st.paused_until = Some(st.paused_until.map_or(until, |p| p.max(until)));
    }
}

/// Counts a reply as waiting while it waits (also when its future is dropped).
struct Waiting<'a>(&'a Budget);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.replies_waiting = st.replies_waiting.saturating_sub(1);
    }
}

/// Whether a send of `lane` to `chat` may go at `now`.
fn check(limits: &Limits, st: &mut State, now: Instant, chat: i64, lane: Lane) -> Result<(), Busy> {
    while st.window.front().is_some_and(|t| now.saturating_duration_since(*t) >= limits.window) {
        st.window.pop_front();
    }
    if let Some(until) = st.paused_until {
        if until > now {
            return Err(Busy::All(until));
        }
        st.paused_until = None;
    }
    let cap = match lane {
        Lane::Reply => limits.per_window,
        Lane::Bulk => limits.per_window.saturating_sub(reserve(limits, st, now)).max(1),
    } as usize;
    if lane == Lane::Bulk && st.replies_waiting > 0 {
        return Err(Busy::All(now + Duration::from_millis(2)));
    }
    if st.window.len() >= cap {
        // The send that must leave the window before one more fits.
        let oldest = st.window[st.window.len() - cap];
        return Err(Busy::All(oldest + limits.window));
    }
    if lane == Lane::Bulk
        && let Some(next) = st.next_bulk.filter(|n| *n > now)
    {
        return Err(Busy::All(next));
    }
    // The bulk keeps to one send a second per chat. A reply keeps to it only after a bulk send
    // (a reminder that just arrived); after another reply it goes at once (a long answer in
    // parts is a short burst Telegram allows, and holding replies to their chat's pace cost
    // about 1 s at p50 in round 1).
    if let Some((last, last_lane)) = st.chats.get(&chat)
        && (lane == Lane::Bulk || *last_lane == Lane::Bulk)
        && now < *last + limits.per_chat
    {
        return Err(Busy::Chat(*last + limits.per_chat));
    }
    Ok(())
}

/// Replies granted in the window ending `windows_back` windows before `now`.
fn replies_in(limits: &Limits, st: &State, now: Instant, windows_back: u32) -> usize {
    let end = now.checked_sub(limits.window * windows_back).unwrap_or(now);
    let start = end.checked_sub(limits.window);
    st.replies.iter().filter(|t| **t <= end && start.is_none_or(|s| **t > s)).count()
}

/// Slots the bulk leaves free: one with no replies about (the first reply of a quiet spell
/// takes it), up to `reply_reserve` as they come.
fn reserve(limits: &Limits, st: &State, now: Instant) -> u32 {
    let expected = expected_replies(limits, st, now).ceil() as u32;
    (1 + expected).clamp(1, limits.reply_reserve.max(1))
}

/// Replies to expect in a window: the average of the last two.
fn expected_replies(limits: &Limits, st: &State, now: Instant) -> f64 {
    (replies_in(limits, st, now, 0) + replies_in(limits, st, now, 1)) as f64 / 2.0
}

/// How far back the bulk's pace looks at the replies.
const PACE_HORIZON: Duration = Duration::from_millis(300);

/// Replies to expect in a window at the pace of the last `PACE_HORIZON`: the bulk's pace
/// follows the replies within a third of a second, so that it takes up the room a wave of
/// replies leaves as soon as the wave passes (the reserve, from the last two windows, stays
/// steady and keeps the waits rare).
fn replies_pace(limits: &Limits, st: &State, now: Instant) -> f64 {
    let since = now.checked_sub(PACE_HORIZON);
    let recent = st.replies.iter().filter(|t| since.is_none_or(|s| **t > s)).count();
    recent as f64 * limits.window.as_secs_f64() / PACE_HORIZON.as_secs_f64()
}

/// Whether the bulk would interrupt a conversation in `chat`: it was answered in the last
/// `conversation`, and not just now (when the person reads the answer before acting again).
fn in_conversation(limits: &Limits, st: &State, now: Instant, chat: i64) -> Result<(), Busy> {
    let Some(last) = st.answered.get(&chat).copied() else { return Ok(()) };
    let since = now.saturating_duration_since(last);
    if since <= limits.after_answer || since >= limits.conversation {
        return Ok(());
    }
    Err(Busy::Chat(last + limits.conversation))
}

fn grant(limits: &Limits, st: &mut State, now: Instant, chat: i64, lane: Lane) {
    st.window.push_back(now);
    st.chats.insert(chat, (now, lane));
    while st.replies.front().is_some_and(|t| now.saturating_duration_since(*t) >= limits.window * 2) {
        st.replies.pop_front();
    }
    match lane {
        Lane::Reply => {
            st.replies.push_back(now);
            st.answered.insert(chat, now);
        }
        Lane::Bulk => {
            // Even spacing over what the replies leave, on a schedule of its own: a slot the
            // bulk could not take (a reply waited, a chat was busy) is made up, two at most.
            let room = limits.per_window.saturating_sub(reserve(limits, st, now)) as f64;
            let share = (room - replies_pace(limits, st, now)).max(1.0);
            let spacing = limits.bulk_spacing().max(limits.window.div_f64(share));
            let scheduled = st.next_bulk.map_or(now, |n| n.max(now.checked_sub(spacing * 2).unwrap_or(now)));
            st.next_bulk = Some(scheduled + spacing);
        }
    }
    st.grants += 1;
    if st.grants.is_multiple_of(1024) {
        st.chats.retain(|_, (t, _)| now.saturating_duration_since(*t) < limits.per_chat);
        st.answered.retain(|_, t| now.saturating_duration_since(*t) < limits.conversation);
    }
}

#[cfg(test)]
#[path = "budget_tests.rs"]
mod tests;
