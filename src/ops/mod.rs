//! What an operator reads of the running bot: the health and metrics endpoint (`http`, judged
//! by `health`), the update listeners that note when Telegram last answered (`listen`), and the
//! handler wrapper that times each update and names it in the logs (`observe`), and the
//! dispatcher that hands each chat's updates to it in order (`dispatch`). Backup and
//! restore are commands (`crate::cli_backup`).

pub mod dispatch;
pub mod health;
pub mod http;
pub mod listen;
pub mod observe;
