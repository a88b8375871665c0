//! What the running bot counts for its operator, and when it last heard from Telegram. Below
//! the bot and the postman, which count into it; `ops::http` reads it out as Prometheus text
//! (`/metrics`) and judges health from it (`/healthz`).
//!
//! The outbound side already counts its replies and Telegram's 429 answers
//! ([`crate::outbound::Stats`]); those are read from there, not counted twice.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::outbound::Stats;
use crate::store::OutboxGauge;

/// Upper bounds (seconds) of the handler latency histogram: a reply is expected within tens of
/// milliseconds; a workbook or a chart may take seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// How one try of an outbox message ended, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BulkOutcome {
    Sent,
    Failed,
    Retry,
    /// Dropped unsent: too late, or its report came in meanwhile.
    Dropped,
}

impl BulkOutcome {
    fn as_str(self) -> &'static str {
        match self {
            BulkOutcome::Sent => "sent",
            BulkOutcome::Failed => "failed",
            BulkOutcome::Retry => "retry",
            BulkOutcome::Dropped => "dropped",
        }
    }
}

/// The counters. One per running bot, shared through `App`.
#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    updates: AtomicU64,
    latency: Histogram,
    bulk: Mutex<BTreeMap<(String, BulkOutcome), u64>>,
    contact: Contact,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new(Instant::now())
    }
}

impl Metrics {
    pub fn new(started: Instant) -> Metrics {
        Metrics {
            started,
            updates: AtomicU64::new(0),
            latency: Histogram::default(),
            bulk: Mutex::new(BTreeMap::new()),
            contact: Contact::default(),
        }
    }

    /// One update went through the handler tree, taking `took`.
    pub fn update_handled(&self, took: Duration) {
        self.updates.fetch_add(1, Ordering::Relaxed);
        self.latency.observe(took);
    }

    pub fn updates_handled(&self) -> u64 {
        self.updates.load(Ordering::Relaxed)
    }

    /// One try of an outbox message of `kind` ended so.
    pub fn bulk(&self, kind: &str, outcome: BulkOutcome) {
        let mut counts = self.bulk.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry((kind.to_owned(), outcome)).or_default() += 1;
    }

    /// Telegram answered (a poll, a webhook delivery, a webhook check) at `at`.
    pub fn contact(&self, at: Instant) {
        self.contact.touch(self.started, at);
    }

    /// Telegram could not be reached or refused: kept to say why in the health answer.
    pub fn contact_failed(&self, why: String) {
        *self.contact.why.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
    }

    /// When Telegram last answered, and what went wrong since, if anything.
    pub fn last_contact(&self) -> (Option<Instant>, Option<String>) {
        let at = self.contact.at(self.started);
        let why = self.contact.why.lock().unwrap_or_else(|p| p.into_inner()).clone();
        (at, why)
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    /// Everything, in the Prometheus text format (version 0.0.4).
    pub fn render(&self, stats: &Stats, outbox: &[OutboxGauge], now: Instant) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        counter(
            &mut out,
            "dondoc_updates_handled_total",
            "Telegram updates that went through the handler tree.",
            self.updates_handled(),
        );
        self.latency.render(
            &mut out,
            "dondoc_update_handling_seconds",
            "Time from an update entering the handler tree to its end (reply sent and recorded).",
        );
        counter(
            &mut out,
            "dondoc_replies_sent_total",
            "Requests answering a person that Telegram accepted (messages, edits, button answers).",
            Stats::get(&stats.replies),
        );
        counter(
            &mut out,
            "dondoc_telegram_429_total",
            "Too Many Requests answers from Telegram.",
            Stats::get(&stats.too_many_requests),
        );
        counter(
            &mut out,
            "dondoc_telegram_uncertain_total",
            "Sends that timed out and were tried again (each may have arrived twice).",
            Stats::get(&stats.uncertain),
        );
        self.render_bulk(&mut out);
        render_outbox(&mut out, outbox);
        let uptime = now.saturating_duration_since(self.started).as_secs_f64();
        let _ = writeln!(
            out,
            "# HELP dondoc_uptime_seconds Seconds since the bot started.\n# TYPE dondoc_uptime_seconds gauge\ndondoc_uptime_seconds {uptime:.3}"
        );
        if let (Some(at), _) = self.last_contact() {
            let age = now.saturating_duration_since(at).as_secs_f64();
            let _ = writeln!(
                out,
                "# HELP dondoc_telegram_contact_age_seconds Seconds since Telegram last answered a poll or delivered to the webhook.\n# TYPE dondoc_telegram_contact_age_seconds gauge\ndondoc_telegram_contact_age_seconds {age:.3}"
            );
        }
        out
    }

    fn render_bulk(&self, out: &mut String) {
        let name = "dondoc_bulk_messages_total";
        let _ = writeln!(
            out,
            "# HELP {name} Tries of outbox messages (reminders, digests, notices, broadcasts) by kind and outcome.\n# TYPE {name} counter"
        );
        let counts = self.bulk.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for ((kind, outcome), n) in counts {
            let _ = writeln!(out, "{name}{{kind=\"{}\",outcome=\"{}\"}} {n}", label(&kind), outcome.as_str());
        }
    }
}

fn render_outbox(out: &mut String, outbox: &[OutboxGauge]) {
    let name = "dondoc_outbox_messages";
    let _ = writeln!(
        out,
        "# HELP {name} Outbox messages not yet sent, by kind and status (pending or sending).\n# TYPE {name} gauge"
    );
    for g in outbox {
        let _ = writeln!(
            out,
            "{name}{{kind=\"{}\",status=\"{}\"}} {}",
            label(&g.kind),
            label(&g.status),
            g.count
        );
    }
    let depth: i64 = outbox.iter().map(|g| g.due).sum();
    let _ = writeln!(
        out,
        "# HELP dondoc_outbox_queue_depth Outbox messages due now and not yet sent.\n# TYPE dondoc_outbox_queue_depth gauge\ndondoc_outbox_queue_depth {depth}"
    );
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// A fixed-bucket histogram of durations.
#[derive(Debug, Default)]
struct Histogram {
    /// Observations per bucket (not cumulative); the last one is +Inf.
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn observe(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        let i = LATENCY_BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(took.as_micros().min(u64::MAX as u128) as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.buckets[LATENCY_BUCKETS.len()].load(Ordering::Relaxed);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        // Read the count last and never below the buckets, so that a scrape racing an
        // observation stays consistent (+Inf bucket == count).
        let count = self.count.load(Ordering::Relaxed).max(cumulative);
        let _ =
            writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum:.6}\n{name}_count {count}");
    }
}

/// When Telegram last answered: milliseconds after the start, plus one (0 = never).
#[derive(Debug, Default)]
struct Contact {
    at_ms: AtomicU64,
    why: Mutex<Option<String>>,
}

impl Contact {
    fn touch(&self, started: Instant, at: Instant) {
        let ms = at.saturating_duration_since(started).as_millis() as u64 + 1;
        self.at_ms.fetch_max(ms, Ordering::Relaxed);
        *self.why.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn at(&self, started: Instant) -> Option<Instant> {
        match self.at_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(started + Duration::from_millis(ms - 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
        text.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} in:\n{text}"))
    }

    #[test]
    fn the_latency_histogram_is_cumulative_and_counts_every_observation() {
        let start = Instant::now();
        let m = Metrics::new(start);
        for ms in [3, 4, 20, 20, 700, 45_000] {
            m.update_handled(Duration::from_millis(ms));
        }
        let text = m.render(&Stats::default(), &[], start + Duration::from_secs(5));
        assert_eq!(line(&text, "dondoc_updates_handled_total "), "dondoc_updates_handled_total 6");
        let name = "dondoc_update_handling_seconds";
        assert_eq!(
            line(&text, &format!("{name}_bucket{{le=\"0.005\"}}")),
            format!("{name}_bucket{{le=\"0.005\"}} 2")
        );
        assert_eq!(
            line(&text, &format!("{name}_bucket{{le=\"0.025\"}}")),
            format!("{name}_bucket{{le=\"0.025\"}} 4")
        );
        assert_eq!(
            line(&text, &format!("{name}_bucket{{le=\"1\"}}")),
            format!("{name}_bucket{{le=\"1\"}} 5")
        );
        assert_eq!(
            line(&text, &format!("{name}_bucket{{le=\"30\"}}")),
            format!("{name}_bucket{{le=\"30\"}} 5")
        );
        assert_eq!(
            line(&text, &format!("{name}_bucket{{le=\"+Inf\"}}")),
            format!("{name}_bucket{{le=\"+Inf\"}} 6")
        );
        assert_eq!(line(&text, &format!("{name}_sum")), format!("{name}_sum 45.747000"));
        assert_eq!(line(&text, &format!("{name}_count")), format!("{name}_count 6"));
        assert_eq!(line(&text, "dondoc_uptime_seconds "), "dondoc_uptime_seconds 5.000");
    }

    #[test]
    fn every_sample_belongs_to_a_declared_family_and_labels_are_escaped() {
        let m = Metrics::default();
        m.bulk("reminder", BulkOutcome::Sent);
        m.bulk("reminder", BulkOutcome::Sent);
        m.bulk("reminder", BulkOutcome::Retry);
        m.bulk("od\"d", BulkOutcome::Failed);
        let stats = Stats::default();
        stats.replies.fetch_add(3, Ordering::Relaxed);
        let outbox = [
            OutboxGauge { kind: "reminder".into(), status: "pending".into(), count: 7, due: 5 },
            OutboxGauge { kind: "digest".into(), status: "sending".into(), count: 1, due: 1 },
        ];
        let text = m.render(&stats, &outbox, Instant::now());
        assert!(
            text.contains("dondoc_bulk_messages_total{kind=\"reminder\",outcome=\"sent\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("dondoc_bulk_messages_total{kind=\"reminder\",outcome=\"retry\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("dondoc_bulk_messages_total{kind=\"od\\\"d\",outcome=\"failed\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("dondoc_outbox_messages{kind=\"reminder\",status=\"pending\"} 7\n"), "{text}");
        assert!(text.contains("dondoc_outbox_queue_depth 6\n"), "{text}");
        assert!(text.contains("dondoc_replies_sent_total 3\n"), "{text}");
        // Never heard from Telegram: no age to show.
        assert!(!text.contains("dondoc_telegram_contact_age_seconds"), "{text}");
        let declared: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .filter_map(|l| l.split(' ').next())
            .collect();
        for sample in text.lines().filter(|l| !l.starts_with('#')) {
            let name = sample.split(['{', ' ']).next().unwrap_or_default();
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s).filter(|f| declared.contains(f)))
                .unwrap_or(name);
            assert!(declared.contains(&family), "{sample} has no # TYPE line");
            let value = sample.rsplit(' ').next().unwrap_or_default();
            assert!(value.parse::<f64>().is_ok(), "{sample}: the value is not a number");
        }
    }

    #[test]
    fn the_last_contact_only_moves_forward_and_clears_the_failure() {
        let start = Instant::now();
        let m = Metrics::new(start);
        assert_eq!(m.last_contact(), (None, None));
        m.contact(start + Duration::from_secs(10));
        m.contact_failed("timed out".into());
        m.contact(start + Duration::from_secs(4));
        let (at, why) = m.last_contact();
        assert_eq!(at, Some(start + Duration::from_secs(10)));
        assert_eq!(why, None, "a contact clears the failure");
        m.contact_failed("timed out".into());
        assert_eq!(m.last_contact().1.as_deref(), Some("timed out"));
    }
}
