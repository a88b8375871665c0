//! Settings: `dondoc.toml` (optional) overridden by the environment. Secrets never print.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use serde::Deserialize;

use crate::i18n::Lang;
use crate::store::Location;
use crate::t;

/// Where the operator's endpoint listens unless `DONDOC_HTTP_LISTEN` says otherwise: loopback,
/// for a Prometheus and a health probe on the same machine.
pub const DEFAULT_HTTP_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 9464);

/// A value that must not appear in logs or `Debug` output: the bot token.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// SQLite file (`dondoc.db` in the working directory by default), or a PostgreSQL server
    /// (`postgres://…`; its password never prints).
    pub database: Location,
    /// Bot token from BotFather (`TELOXIDE_TOKEN`).
    pub token: Option<Secret>,
    /// Bot API server (`TELOXIDE_API_URL`); Telegram's own when absent.
    pub api_url: Option<reqwest::Url>,
    /// Overrides the plan's time zone.
    pub time_zone: Option<Tz>,
    /// Telegram user ids that are admins without an invite.
    pub admins: Vec<i64>,
    /// Language of command-line output.
    pub language: Lang,
    /// Public HTTPS URL Telegram posts updates to; long polling when absent.
    pub webhook_url: Option<reqwest::Url>,
    /// Address the webhook server listens on: loopback, behind a reverse proxy that terminates
    /// TLS (Telegram posts only to HTTPS).
    pub webhook_listen: SocketAddr,
    /// Address of the operator's endpoint (`/healthz`, `/metrics`); `None`: none.
    pub http_listen: Option<SocketAddr>,
    /// Bulk sends (reminders, digests, broadcasts) per second overall, leaving the rest of
    /// Telegram's 30/s to interactive replies.
    pub bulk_per_second: u32,
    /// Messages sent per second in all, replies included: Telegram's limit is about 30; a bot
    /// with paid broadcasts, or a local Bot API server, may be allowed more.
    pub sends_per_second: u32,
    /// Slots of Telegram's second that reminders, digests and broadcasts leave free for replies:
    /// more keeps replies from waiting on a busy morning, fewer sends the bulk sooner (README,
    /// "Benchmarks": 3 keeps 99 % of replies from waiting).
    pub reply_reserve: u32,
    /// A person answered less than this ago is in a conversation with the bot: a reminder,
    /// digest or broadcast to them waits for the moment just after an answer, or for quiet.
    pub conversation: Duration,
    /// A metric value moving more than this percent from the agency's last accepted one is
    /// shown back for confirmation.
    pub max_value_change_percent: u32,
    /// Run the reminder scheduler every minute (off only in tests that drive it by hand).
    pub run_scheduler: bool,
    /// First wait after Telegram or the network failed; doubled at each failure.
    pub retry_first: Duration,
    /// Longest wait between two tries of a queued message.
    pub retry_max: Duration,
    /// How long a send may take before it is given up and tried again (it may then arrive
    /// twice, so this is generous).
    pub send_timeout: Duration,
    /// More updates than this from one person within a minute is a flood: they are told once
    /// to slow down, then ignored until it calms.
    pub flood_per_minute: u32,
    /// On PostgreSQL, how often a replica standing by asks for the scheduler lock and its holder
    /// checks it still has it: a replica takes over this long after the holder dies (its
    /// connection gone) at most.
    pub takeover_every: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database: Location::File(PathBuf::from("dondoc.db")),
            token: None,
            api_url: None,
            time_zone: None,
            admins: Vec::new(),
            language: Lang::Vi,
            webhook_url: None,
            webhook_listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            // None here, so that an application built in a test does not take the port; the
            // program's settings (`from_sources`) listen on DEFAULT_HTTP_LISTEN unless told.
            http_listen: None,
            bulk_per_second: 29,
            sends_per_second: 30,
            reply_reserve: 3,
            conversation: Duration::from_secs(10),
            max_value_change_percent: 100,
            run_scheduler: true,
            retry_first: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            send_timeout: Duration::from_secs(60),
            flood_per_minute: 60,
            takeover_every: Duration::from_secs(5),
        }
    }
}

/// The shape of `dondoc.toml`; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database: Option<String>,
    token: Option<Secret>,
    api_url: Option<String>,
    time_zone: Option<String>,
    admins: Option<Vec<i64>>,
    language: Option<String>,
    webhook_url: Option<String>,
    webhook_listen: Option<String>,
    http_listen: Option<String>,
    bulk_per_second: Option<u32>,
    max_value_change_percent: Option<u32>,
    retry_first_ms: Option<u64>,
    retry_max_ms: Option<u64>,
    send_timeout_secs: Option<u64>,
    flood_per_minute: Option<u64>,
    takeover_secs: Option<u64>,
    sends_per_second: Option<u64>,
    reply_reserve: Option<u64>,
    conversation_secs: Option<u64>,
}

/// A setting that could not be read; the message names it and what was wrong. The operator
/// reads [`SettingsError::explain`]; `Display` is for the logs.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid: {message}")]
    File { path: PathBuf, message: String },
    #[error("{name} is not valid: {value:?} (expected {expected:?})")]
    Value { name: &'static str, value: String, expected: Expected },
}

/// What a setting should have held, for the operator's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    TimeZone,
    UserIds,
    Language,
    Address,
    AddressOrOff,
    Url,
    WebhookUrl,
    /// A whole number from the first to the second.
    Range(u64, u64),
}

impl SettingsError {
    /// The error in the operator's language: the setting, what it held, and what to write
    /// instead.
    pub fn explain(&self, lang: Lang) -> String {
        match self {
            SettingsError::Read { path, source } => {
                t!(
                    lang,
                    "settings-unreadable",
                    path = path.display().to_string(),
                    reason = source.to_string()
                )
            }
            SettingsError::File { path, message } => {
                t!(lang, "settings-file-invalid", path = path.display().to_string(), reason = message.clone())
            }
            SettingsError::Value { name, value, expected } => {
                let expected = match expected {
                    Expected::TimeZone => t!(lang, "settings-expect-time-zone"),
                    Expected::UserIds => t!(lang, "settings-expect-user-ids"),
                    Expected::Language => t!(lang, "settings-expect-language"),
                    Expected::Address => t!(lang, "settings-expect-address"),
                    Expected::AddressOrOff => t!(lang, "settings-expect-address-or-off"),
                    Expected::Url => t!(lang, "settings-expect-url"),
                    Expected::WebhookUrl => t!(lang, "settings-expect-webhook-url"),
                    Expected::Range(from, to) => {
                        t!(lang, "settings-expect-range", from = from.to_string(), to = to.to_string())
                    }
                };
                t!(lang, "settings-value-invalid", name = *name, value = value.clone(), expected = expected)
            }
        }
    }
}

impl Settings {
    /// Reads `config` (or `dondoc.toml` if it exists) and then the environment.
    pub fn load(config: Option<&Path>) -> Result<Settings, SettingsError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Settings::from_sources(config, |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    /// Same as [`Settings::load`], with the environment given as a lookup (for tests).
    pub fn from_sources(
        config: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let default_path = Path::new("dondoc.toml");
        let path = config.or_else(|| default_path.exists().then_some(default_path));
        let file = match path {
            None => FileSettings::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| SettingsError::Read { path: path.to_owned(), source })?;
                toml::from_str(&text).map_err(|e| SettingsError::File {
                    path: path.to_owned(),
                    message: e.message().to_owned(),
                })?
            }
        };
        let mut s = Settings::default();
        let nonempty = |v: Option<String>| v.filter(|v| !v.trim().is_empty());

        if let Some(db) = nonempty(env("DONDOC_DATABASE")).or(file.database) {
            s.database = Location::parse(&db);
        }
        s.token = nonempty(env("TELOXIDE_TOKEN")).map(Secret).or(file.token);
        let url = |name: &'static str, value: Option<String>, expected: Expected| {
            let parse =
                |v: String| v.trim().parse().map_err(|_| SettingsError::Value { name, value: v, expected });
            value.map(parse).transpose()
        };
        s.api_url =
            url("TELOXIDE_API_URL", nonempty(env("TELOXIDE_API_URL")).or(file.api_url), Expected::Url)?;
        if let Some(tz) = nonempty(env("DONDOC_TIME_ZONE")).or(file.time_zone) {
            s.time_zone = Some(tz.parse().map_err(|_| SettingsError::Value {
                name: "DONDOC_TIME_ZONE",
                value: tz.clone(),
                expected: Expected::TimeZone,
            })?);
        }
        if let Some(list) = nonempty(env("DONDOC_ADMINS")) {
            s.admins = list
                .split([',', ' '])
                .filter(|x| !x.is_empty())
                .map(|x| {
                    x.parse().map_err(|_| SettingsError::Value {
                        name: "DONDOC_ADMINS",
                        value: list.clone(),
                        expected: Expected::UserIds,
                    })
                })
                .collect::<Result<_, _>>()?;
        } else if let Some(admins) = file.admins {
            s.admins = admins;
        }
        if let Some(lang) = nonempty(env("DONDOC_LANG")).or(file.language) {
            s.language = Lang::parse(&lang).ok_or(SettingsError::Value {
                name: "DONDOC_LANG",
                value: lang.clone(),
                expected: Expected::Language,
            })?;
        }
        let webhook = nonempty(env("DONDOC_WEBHOOK_URL")).or(file.webhook_url);
        s.webhook_url = url("DONDOC_WEBHOOK_URL", webhook, Expected::WebhookUrl)?;
        if let Some(listen) = nonempty(env("DONDOC_WEBHOOK_LISTEN")).or(file.webhook_listen) {
            s.webhook_listen = listen.parse().map_err(|_| SettingsError::Value {
                name: "DONDOC_WEBHOOK_LISTEN",
                value: listen.clone(),
                expected: Expected::Address,
            })?;
        }
        s.http_listen = match nonempty(env("DONDOC_HTTP_LISTEN")).or(file.http_listen) {
            None => Some(DEFAULT_HTTP_LISTEN),
            Some(off) if off.trim().eq_ignore_ascii_case("off") => None,
            Some(listen) => Some(listen.trim().parse().map_err(|_| SettingsError::Value {
                name: "DONDOC_HTTP_LISTEN",
                value: listen.clone(),
                expected: Expected::AddressOrOff,
            })?),
        };
        if let Some(rate) = nonempty(env("DONDOC_BULK_PER_SECOND")) {
            s.bulk_per_second =
                rate.parse().ok().filter(|r| (1..=30).contains(r)).ok_or(SettingsError::Value {
                    name: "DONDOC_BULK_PER_SECOND",
                    value: rate.clone(),
                    expected: Expected::Range(1, 30),
                })?;
        } else if let Some(rate) = file.bulk_per_second {
            s.bulk_per_second = rate.clamp(1, 30);
        }
        if let Some(p) = file.max_value_change_percent {
            s.max_value_change_percent = p.max(1);
        }
        let number =
            |name: &'static str, file: Option<u64>, range: std::ops::RangeInclusive<u64>| match nonempty(env(
                name,
            )) {
                Some(v) => {
                    v.parse().ok().filter(|n| range.contains(n)).map(Some).ok_or(SettingsError::Value {
                        name,
                        value: v.clone(),
                        expected: Expected::Range(*range.start(), *range.end()),
                    })
                }
                None => Ok(file.map(|n| n.clamp(*range.start(), *range.end()))),
            };
        if let Some(ms) = number("DONDOC_RETRY_FIRST_MS", file.retry_first_ms, 1..=600_000)? {
            s.retry_first = Duration::from_millis(ms);
        }
        if let Some(ms) = number("DONDOC_RETRY_MAX_MS", file.retry_max_ms, 1..=86_400_000)? {
            s.retry_max = Duration::from_millis(ms);
        }
        if let Some(secs) = number("DONDOC_SEND_TIMEOUT_SECS", file.send_timeout_secs, 1..=600)? {
            s.send_timeout = Duration::from_secs(secs);
        }
        if let Some(n) = number("DONDOC_FLOOD_PER_MINUTE", file.flood_per_minute, 10..=1_000_000)? {
            s.flood_per_minute = n as u32;
        }
        if let Some(secs) = number("DONDOC_TAKEOVER_SECS", file.takeover_secs, 1..=30)? {
            s.takeover_every = Duration::from_secs(secs);
        }
        if let Some(n) = number("DONDOC_SENDS_PER_SECOND", file.sends_per_second, 1..=100_000)? {
            s.sends_per_second = n as u32;
        }
        if let Some(n) = number("DONDOC_REPLY_RESERVE", file.reply_reserve, 1..=10)? {
            s.reply_reserve = n as u32;
        }
        if let Some(secs) = number("DONDOC_CONVERSATION_SECS", file.conversation_secs, 0..=600)? {
            s.conversation = Duration::from_secs(secs);
        }
        s.retry_max = s.retry_max.max(s.retry_first);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_prints() {
        let env = |name: &str| (name == "TELOXIDE_TOKEN").then(|| "123456:ABC-secret".to_owned());
        let s = Settings::from_sources(None, env).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("ABC-secret"), "{shown}");
        assert_eq!(s.token.unwrap().expose(), "123456:ABC-secret");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dondoc.toml");
        std::fs::write(&path, "database = \"from-file.db\"\nadmins = [1, 2]\nlanguage = \"en\"\n").unwrap();
        let env = |name: &str| (name == "DONDOC_DATABASE").then(|| "from-env.db".to_owned());
        let s = Settings::from_sources(Some(&path), env).unwrap();
        assert_eq!(s.database, Location::File(PathBuf::from("from-env.db")));
        assert_eq!(s.admins, vec![1, 2]);
        assert_eq!(s.language, Lang::En);
    }

    #[test]
    fn a_postgres_address_selects_postgres_and_its_password_never_prints() {
        let url = "postgres://dondoc:s3cret@db.example:5432/dondoc?sslmode=require&password=s3cret";
        let env = |name: &str| (name == "DONDOC_DATABASE").then(|| url.to_owned());
        let s = Settings::from_sources(None, env).unwrap();
        assert_eq!(s.database, Location::Postgres(url.to_owned()));
        let shown = format!("{s:?} {}", s.database);
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://dondoc:***@db.example:5432/dondoc?sslmode=require&password=***"),
            "{shown}"
        );
        let env = |name: &str| (name == "DONDOC_DATABASE").then(|| "postgresql://db/dondoc".to_owned());
        assert!(matches!(Settings::from_sources(None, env).unwrap().database, Location::Postgres(_)));
        let env = |name: &str| (name == "DONDOC_DATABASE").then(|| "/var/lib/dondoc/postgres.db".to_owned());
        assert!(matches!(Settings::from_sources(None, env).unwrap().database, Location::File(_)));
    }

    #[test]
    fn backoffs_and_timeouts_are_settings() {
        let env = |name: &str| match name {
            "DONDOC_RETRY_FIRST_MS" => Some("20".to_owned()),
            "DONDOC_SEND_TIMEOUT_SECS" => Some("2".to_owned()),
            "DONDOC_TAKEOVER_SECS" => Some("1".to_owned()),
            "DONDOC_CONVERSATION_SECS" => Some("0".to_owned()),
            "DONDOC_REPLY_RESERVE" => Some("2".to_owned()),
            _ => None,
        };
        let s = Settings::from_sources(None, env).unwrap();
        assert_eq!(s.takeover_every, Duration::from_secs(1));
        assert_eq!(Settings::default().takeover_every, Duration::from_secs(5));
        assert_eq!(s.retry_first, Duration::from_millis(20));
        assert_eq!(s.retry_max, Duration::from_secs(300));
        assert_eq!(s.send_timeout, Duration::from_secs(2));
        assert_eq!(s.conversation, Duration::ZERO);
        assert_eq!(Settings::default().conversation, Duration::from_secs(10));
        assert_eq!((s.reply_reserve, Settings::default().reply_reserve), (2, 3));
        let env = |name: &str| (name == "DONDOC_REPLY_RESERVE").then(|| "0".to_owned());
        assert!(Settings::from_sources(None, env).unwrap_err().to_string().contains("DONDOC_REPLY_RESERVE"));
        let env = |name: &str| (name == "DONDOC_RETRY_FIRST_MS").then(|| "0".to_owned());
        assert!(Settings::from_sources(None, env).unwrap_err().to_string().contains("DONDOC_RETRY_FIRST_MS"));
    }

    #[test]
    fn the_listening_addresses_are_loopback_unless_told_and_the_endpoint_can_be_off() {
        let s = Settings::from_sources(None, |_| None).unwrap();
        assert_eq!(s.http_listen, Some(DEFAULT_HTTP_LISTEN));
        assert_eq!(s.webhook_listen, "127.0.0.1:8443".parse().unwrap());
        assert!(s.webhook_listen.ip().is_loopback() && DEFAULT_HTTP_LISTEN.ip().is_loopback());
        let env = |name: &str| (name == "DONDOC_HTTP_LISTEN").then(|| "off".to_owned());
        assert_eq!(Settings::from_sources(None, env).unwrap().http_listen, None);
        let env = |name: &str| (name == "DONDOC_HTTP_LISTEN").then(|| "0.0.0.0:9100".to_owned());
        assert_eq!(
            Settings::from_sources(None, env).unwrap().http_listen,
            Some("0.0.0.0:9100".parse().unwrap())
        );
        let env = |name: &str| (name == "DONDOC_HTTP_LISTEN").then(|| "9100".to_owned());
        let err = Settings::from_sources(None, env).unwrap_err().to_string();
        assert!(err.contains("DONDOC_HTTP_LISTEN"), "{err}");
        // An application built by hand (tests, benchmarks) takes no port.
        assert_eq!(Settings::default().http_listen, None);
    }

    #[test]
    fn a_bad_value_names_the_setting() {
        let env = |name: &str| (name == "DONDOC_ADMINS").then(|| "12,abc".to_owned());
        let err = Settings::from_sources(None, env).unwrap_err().to_string();
        assert!(err.contains("DONDOC_ADMINS"), "{err}");
        let env = |name: &str| (name == "DONDOC_TIME_ZONE").then(|| "Mars/Base".to_owned());
        assert!(Settings::from_sources(None, env).is_err());
    }
}
