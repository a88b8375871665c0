//! A bot process a test started: killed when the test ends, passed or failed, so that a failing
//! test never leaves a bot polling the machine's fake servers (or burning its CPU) behind it.

use std::ops::{Deref, DerefMut};
use std::process::{Child, Command};

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
