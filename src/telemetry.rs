//! Logging through `tracing`, with every line scrubbed of bot tokens (the Bot API URL carries
//! the token, and network errors print their URL) and marked while a rehearsal clock runs.

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

struct ScrubbingWriter;

impl Write for ScrubbingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut line = redact(&text, TOKEN.get().map(String::as_str));
        if let Some(marker) = MARKER.get() {
            line = format!("{} {line}", marker());
        }
        // A log that cannot be written (a closed pipe) must never stop the bot.
        let _ = std::io::stderr().write_all(line.as_bytes());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

struct MakeScrubbing;

impl<'a> MakeWriter<'a> for MakeScrubbing {
    type Writer = ScrubbingWriter;
    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter
    }
}

/// Logs to standard error; `RUST_LOG` filters (default: info for dondoc, warn elsewhere).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,dondoc=info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(MakeScrubbing)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::redact;

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
