//! dondoc: follows up a provincial socio-economic plan on Telegram.
//!
//! `domain` knows the plan's terms and nothing of Telegram or SQL; `store` owns every query;
//! `bot` parses Telegram updates, calls the domain and store, renders replies; `scheduler`
//! decides what is due and hands it to one sender; `startup` puts them together.

pub mod bot;
pub mod bundled;
pub mod charts;
pub mod cli;
pub mod cli_ops;
pub mod clock;
pub mod config;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod leadership;
pub mod overview;
pub mod present;
pub mod scheduler;
pub mod startup;
pub mod store;
pub mod telemetry;
