//! A bot process a test started: killed when the test ends, passed or failed, so that a failing
//! test never leaves a bot polling the machine's fake servers (or burning its CPU) behind it.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::{Child, Command, Output};

pub struct Running(Child);

impl Running {
    pub fn spawn(command: &mut Command) -> Running {
        Running(command.spawn().expect("start dondoc"))
    }
}

impl Deref for Running {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Already gone when the test stopped it: both calls then do nothing.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `dondoc` command run to its end in `dir`, on the test's database there, its messages in
/// `lang`; nothing else from the environment.
pub fn cli(dir: &Path, lang: &str, args: &[&str]) -> Output {
    cli_with(dir, lang, args, &[])
}

/// Same as [`cli`], with these settings in its environment too.
pub fn cli_with(dir: &Path, lang: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DONDOC_DATABASE", super::db::env_value(dir))
        .env("DONDOC_LANG", lang)
        .envs(env.iter().copied())
        .output()
        .expect("run dondoc")
}

/// What a command printed, its standard output then its errors.
pub fn said(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
