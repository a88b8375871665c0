//! The bot's buttons: typed callback data and the keyboards made of it. Shared by the replies
//! (`bot`) and by what the bot sends unprompted (`messages`), below both.

pub mod callback;
pub mod keyboards;
