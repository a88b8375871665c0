//! dondoc: follows up a provincial socio-economic plan on Telegram.
//!
//! From the bottom up: `domain` knows the plan's terms and nothing of Telegram or SQL; `store`
//! owns every query; `outbound` is the one way out to Telegram (its budget, its retries);
//! `metrics` counts what the operator reads; `app` is what every part shares; `messages` and
//! `ui` render what is said and its buttons; `postman` delivers the outbox; `bot` parses
//! updates, calls the domain and store, renders replies; `scheduler` decides what is due and
//! queues it; `duties` runs the scheduler and the postman on one replica at a time; `ops`
//! serves the operator (health, metrics, update listeners, backup); `startup` puts them
//! together and `cli` parses the command line. Each uses only those before it.

pub mod answered;
pub mod app;
pub mod bot;
pub mod bundled;
pub mod charts;
pub mod cli;
pub mod cli_backup;
pub mod cli_ops;
pub mod cli_plan;
pub mod cli_plan_preview;
pub mod clock;
pub mod config;
pub mod domain;
pub mod duties;
pub mod export;
pub mod i18n;
pub mod leadership;
pub mod messages;
pub mod metrics;
pub mod ops;
pub mod outbound;
pub mod overview;
pub mod postman;
pub mod present;
pub mod scheduler;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod ui;
