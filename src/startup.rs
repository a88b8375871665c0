//! Putting the pieces together: settings → store → bot and scheduler.

use std::process::ExitCode;

use crate::config::Settings;
use crate::t;

/// `dondoc run`.
pub async fn run_command(settings: Settings, _clock_start: Option<String>) -> anyhow::Result<ExitCode> {
    let lang = settings.language;
    if settings.token.is_none() {
        eprintln!("{}", t!(lang, "run-no-token"));
        return Ok(ExitCode::from(2));
    }
    let _store = crate::cli::open_store(&settings).await?;
    Ok(ExitCode::SUCCESS)
}
