//! Shared support of the end-to-end tests and benchmarks. Each test binary uses a subset.
#![allow(dead_code)]

pub mod app;
pub mod bench;
pub mod db;
pub mod docx;
pub mod process;
pub mod reports;
pub mod screens;
pub mod telegram;
pub mod updates;
