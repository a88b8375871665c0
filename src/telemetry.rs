//! Logging through `tracing`, with every line scrubbed of bot tokens (the Bot API URL carries
//! the token, and network errors print their URL) and marked while a rehearsal clock runs. Lines
//! are text for a person, or one JSON object each for a log collector (`--log-format json`).

use std::io::Write;
use std::sync::{Arc, OnceLock};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Replaces anything shaped like a bot token (`<digits>:<35+ chars of [A-Za-z0-9_-]>`) and the
/// configured token itself with `[redacted]`.
pub fn redact(text: &str, token: Option<&str>) -> String {
    let mut out = match token {
        Some(t) if !t.is_empty() => text.replace(t, "[redacted]"),
        _ => text.to_owned(),
    };
    let bytes = out.as_bytes();
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    while i < bytes.len() {
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_digit();
        if starts_word && digits >= 5 && bytes.get(i + digits) == Some(&b':') {
            let tail = bytes[i + digits + 1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
                .count();
            if tail >= 30 {
                result.push_str("[redacted]");
                i += digits + 1 + tail;
                continue;
            }
        }
        let ch_len = out[i..].chars().next().map_or(1, char::len_utf8);
        result.push_str(&out[i..i + ch_len]);
        i += ch_len;
    }
    out = result;
    out
}

/// What the writer adds to every line while a rehearsal clock runs.
pub type Marker = Arc<dyn Fn() -> String + Send + Sync>;

static MARKER: OnceLock<Marker> = OnceLock::new();
static TOKEN: OnceLock<String> = OnceLock::new();

/// Sets the marker put before every log line from now on (set once, by `run --clock-start`).
pub fn mark_lines(marker: Marker) {
    let _ = MARKER.set(marker);
}

/// Tells the scrubber the configured token, so that it is removed whatever its shape.
pub fn hide_token(token: &str) {
    let _ = TOKEN.set(token.to_owned());
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event, the update's span before the message.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, the event's fields (with
    /// `message`) at the top, and `span`: the update being handled (`update_id`, `chat`, `user`,
    /// `person`).
    Json,
}

impl LogFormat {
    pub fn parse(text: &str) -> Option<LogFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Some(LogFormat::Text),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }
}

/// Names the person (their id in dondoc) behind the update being handled, in the update's span
/// (`crate::ops::observe`) and so in every line it logs from now on.
pub fn record_person(person: i64) {
    tracing::Span::current().record("person", person);
}

/// Writes each line to the inner writer (standard error), scrubbed and marked.
struct ScrubbingWriter<W>(W);

/// A line with the rehearsal marker: before a text line, as a field of a JSON one.
fn marked(line: String, marker: &str) -> String {
    match line.strip_prefix('{') {
        Some(rest) => {
            let value = serde_json::to_string(marker).unwrap_or_default();
            format!("{{\"marker\":{value},{rest}")
        }
        None => format!("{marker} {line}"),
    }
}

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut line = redact(&text, TOKEN.get().map(String::as_str));
        if let Some(marker) = MARKER.get() {
            line = marked(line, &marker());
        }
        // A log that cannot be written (a closed pipe) must never stop the bot.
        let _ = self.0.write_all(line.as_bytes());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

struct MakeScrubbing;

impl<'a> MakeWriter<'a> for MakeScrubbing {
    type Writer = ScrubbingWriter<std::io::Stderr>;
    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter(std::io::stderr())
    }
}

/// Logs to standard error; `RUST_LOG` filters (default: info for dondoc, warn elsewhere).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,dondoc=info"));
    let _ = match format {
        LogFormat::Text => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(ansi)
                .with_writer(MakeScrubbing)
                .try_init()
        }
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_writer(MakeScrubbing)
            .try_init(),
    };
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::{LogFormat, ScrubbingWriter, marked, record_person, redact};

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_json_line_carries_the_updates_span_and_never_the_token() {
        let lines = Lines::default();
        let sink = lines.clone();
        // As `init(LogFormat::Json)` sets it up, writing into `lines`.
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(move || ScrubbingWriter(sink.clone()))
            .finish();
        let token = "1234567890:AAFakeTokenFakeTokenFakeTokenFake_-xyz";
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(
                "update",
                update_id = 7,
                chat = 42,
                user = 42,
                person = tracing::field::Empty
            );
            let _inside = span.enter();
            record_person(3);
            let url = format!("http://127.0.0.1/bot{token}/GetUpdates");
            tracing::error!(error = %format!("error sending request for url ({url})"), "a handler failed");
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("AAFake"), "{text}");
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["message"], "a handler failed");
        assert_eq!(line["level"], "ERROR");
        assert!(line["error"].as_str().unwrap().contains("bot[redacted]/GetUpdates"), "{line}");
        let span = &line["span"];
        assert_eq!((span["name"].as_str(), span["update_id"].as_i64()), (Some("update"), Some(7)));
        assert_eq!(
            (span["chat"].as_i64(), span["user"].as_i64(), span["person"].as_i64()),
            (Some(42), Some(42), Some(3))
        );
    }

    #[test]
    fn the_rehearsal_marker_keeps_a_json_line_json() {
        let line = marked("{\"level\":\"INFO\",\"message\":\"hi\"}\n".into(), "[rehearsal clock 2022]");
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["marker"], "[rehearsal clock 2022]");
        assert_eq!(value["message"], "hi");
        assert_eq!(marked("INFO hi\n".into(), "[m]"), "[m] INFO hi\n");
        assert_eq!(LogFormat::parse("JSON"), Some(LogFormat::Json));
        assert_eq!(LogFormat::parse("xml"), None);
    }

    #[test]
    fn tokens_are_scrubbed_from_urls_and_errors() {
        let token = "1234567890:AAFakeTokenFakeTokenFakeTokenFake_-xyz";
        let line = format!("error sending request for url (https://api.telegram.org/bot{token}/GetUpdates)");
        let out = redact(&line, None);
        assert!(!out.contains("AAFake"), "{out}");
        assert!(out.contains("bot[redacted]/GetUpdates"), "{out}");
        assert_eq!(
            redact("short: 12:ab and Hậu Giang 2022-03-14T08:00:00", None),
            "short: 12:ab and Hậu Giang 2022-03-14T08:00:00"
        );
        assert_eq!(redact("token s3cr3t in s3cr3t", Some("s3cr3t")), "token [redacted] in [redacted]");
    }
}
