//! Whether the bot is fit to serve: the database answers, and Telegram answered recently.

use std::time::{Duration, Instant};

/// Long polling asks every 10 s and Telegram answers at the latest then; a webhook is checked
/// every 30 s. Three missed answers in a row is a fault, not a hiccup.
pub const MAX_SILENCE: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// Not fit to serve, with a short reason for the operator.
    Unavailable(String),
}

/// The verdict from what was observed: the database's answer to a query, and when Telegram last
/// answered (with what went wrong since, if known).
pub fn verdict(
    now: Instant,
    database: Result<(), String>,
    contact: Option<Instant>,
    failure: Option<&str>,
    max_silence: Duration,
) -> Health {
    if let Err(e) = database {
        return Health::Unavailable(format!("the database does not answer: {e}"));
    }
    let because = failure.map(|f| format!(" (last error: {f})")).unwrap_or_default();
    match contact {
        None => Health::Unavailable(format!("no answer from Telegram yet{because}")),
        Some(at) => {
            let silent = now.saturating_duration_since(at);
            if silent > max_silence {
                Health::Unavailable(format!("no answer from Telegram for {} s{because}", silent.as_secs()))
            } else {
                Health::Ok
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_only_with_a_database_and_a_recent_answer_from_telegram() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        assert_eq!(verdict(at(100), Ok(()), Some(at(20)), None, MAX_SILENCE), Health::Ok);
        assert_eq!(
            verdict(at(111), Ok(()), Some(at(20)), Some("connection refused"), MAX_SILENCE),
            Health::Unavailable("no answer from Telegram for 91 s (last error: connection refused)".into())
        );
        assert_eq!(
            verdict(at(1), Ok(()), None, None, MAX_SILENCE),
            Health::Unavailable("no answer from Telegram yet".into())
        );
        assert_eq!(
            verdict(at(100), Err("disk I/O error".into()), Some(at(99)), None, MAX_SILENCE),
            Health::Unavailable("the database does not answer: disk I/O error".into())
        );
    }
}
