//! What leaders (and admins) ask by command: where the current period stands, one indicator,
//! one agency, who is overdue, the charts and the consolidated workbook. They read: nothing
//! here changes a report.

mod agency;
mod charts;
mod export;
mod indicator;
mod overdue;
mod status;

pub use agency::agency;
pub use charts::{chart, timeliness_chart};
pub use export::export;
pub use indicator::{indicator, show_indicator};
pub use overdue::overdue;
pub use status::status;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::InputFile;

use super::send::retrying;
use crate::domain::Plan;
use crate::domain::people::Lang;
use crate::store::Person;

/// Sends a picture (PNG bytes) with its caption.
async fn send_photo(bot: &Bot, chat: ChatId, png: Vec<u8>, caption: String) -> Result<(), RequestError> {
    let file = InputFile::memory(png).file_name("chart.png");
    retrying(|| bot.send_photo(chat, file.clone()).caption(caption.clone()).into_future()).await.map(|_| ())
}

/// Sends a file as a document with its caption.
async fn send_document(
    bot: &Bot,
    chat: ChatId,
    bytes: Vec<u8>,
    name: String,
    caption: String,
) -> Result<(), RequestError> {
    let file = InputFile::memory(bytes).file_name(name);
    retrying(|| bot.send_document(chat, file.clone()).caption(caption.clone()).into_future())
        .await
        .map(|_| ())
}

/// A person as a leader reads them: "Lan (@lan)".
fn person_label(p: &Person) -> String {
    match &p.username {
        Some(u) => format!("{} (@{u})", p.name),
        None => p.name.clone(),
    }
}

/// "Sở Y tế" in the reader's language, or the code when the plan has no such agency.
fn agency_name(plan: &Plan, lang: Lang, code: &str) -> String {
    super::report::agency_name(plan, lang, code)
}

fn round_name(plan: &Plan, lang: Lang, code: &str) -> String {
    super::report::round_name(plan, lang, code)
}
