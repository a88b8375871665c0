//! A SQLite connection that keeps the statements prepared on it for as long as it lives.
//!
//! rusqlite's own cache (`prepare_cached`) finds a statement by its whole text: every run
//! hashed the text (SipHash, a few hundred bytes to a few KB) on the way out and again on the
//! way back, and copied it into a new `Arc<str>` to key the entry again. That was 5.8 % of a
//! reply's instructions (callgrind, benches/replies at 50 people), for about seven statements a
//! reply whose texts never change. Here the map hashes a text's length and its first and last
//! 32 bytes, compares the whole text only on a hit (one `memcmp`), and keeps its key when a
//! statement goes back: no allocation, no full hash.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{Deref, DerefMut};

use rusqlite::{Connection, Statement};

/// Statements kept, at most; past it they are all finalized and prepared again as needed
/// (texts built on the fly, such as a batch's `VALUES (…), (…)`, vary with their rows).
const MOST_KEPT: usize = 160;

/// A connection and the statements prepared on it.
pub struct Kept {
    // Declared before `conn`, so dropped before it: every statement refers to the connection.
    statements: RefCell<HashMap<Box<str>, Statement<'static>, BuildHasherDefault<Ends>>>,
    // Boxed, so that it never moves while statements refer to it; never lent out mutably.
    conn: Box<Connection>,
}

// SAFETY: a `Kept` moves between threads as a whole, like the `Connection` it owns (which is
// `Send`), and is used by one thread at a time (it is not `Sync`): the statements it keeps are
// the connection's own, never shared outside it except borrowed from `&Kept` (see `statement`).
unsafe impl Send for Kept {}

impl Kept {
    pub fn new(conn: Connection) -> Kept {
        Kept { statements: RefCell::default(), conn: Box::new(conn) }
    }

    /// `sql` prepared: the statement kept from its last run, or a new one. It goes back when
    /// dropped; it must be reset by then (rusqlite's `Rows` and `execute` reset it), as its read
    /// would otherwise stay open.
    pub fn statement(&self, sql: &str) -> rusqlite::Result<KeptStatement<'_>> {
        let found = self.statements.borrow_mut().remove_entry(sql);
        let (text, stmt) = match found {
            Some(found) => found,
            None => {
                let stmt = self.conn.prepare(sql)?;
                // SAFETY: the statement borrows `*self.conn`, which lives at the same address
                // until `self` drops, and `self.statements` (where it may be kept) drops first.
                // Given out, it is borrowed from `&self` for no longer than `KeptStatement<'_>`.
                let stmt = unsafe { std::mem::transmute::<Statement<'_>, Statement<'static>>(stmt) };
                (Box::from(sql), stmt)
            }
        };
        Ok(KeptStatement { home: self, text: Some(text), stmt: Some(stmt) })
    }

    /// Finalizes the statements, then closes the connection (dropped anyway if it fails).
    pub fn close(self) -> rusqlite::Result<()> {
        let Kept { statements, conn } = self;
        drop(statements);
        conn.close().map_err(|(_, e)| e)
    }
}

impl Deref for Kept {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

/// A statement lent by its connection, given back when dropped.
pub struct KeptStatement<'k> {
    home: &'k Kept,
    text: Option<Box<str>>,
    stmt: Option<Statement<'static>>,
}

impl<'k> Deref for KeptStatement<'k> {
    type Target = Statement<'k>;
    fn deref(&self) -> &Statement<'k> {
        self.stmt.as_ref().expect("a kept statement until its drop")
    }
}

impl<'k> DerefMut for KeptStatement<'k> {
    fn deref_mut(&mut self) -> &mut Statement<'k> {
        // SAFETY: only shortens the statement's borrow of the connection to `'k`, for which
        // `home` is borrowed.
        let stmt: &mut Statement<'static> = self.stmt.as_mut().expect("a kept statement until its drop");
        unsafe { std::mem::transmute::<&mut Statement<'static>, &mut Statement<'k>>(stmt) }
    }
}

impl Drop for KeptStatement<'_> {
    fn drop(&mut self) {
        let (Some(text), Some(stmt)) = (self.text.take(), self.stmt.take()) else { return };
        let mut kept = self.home.statements.borrow_mut();
        if kept.len() >= MOST_KEPT {
            kept.clear();
        }
        kept.insert(text, stmt);
    }
}

/// Hashes a statement's text by its length and its ends (see the module's comment); equal
/// texts still compare whole.
#[derive(Default)]
pub struct Ends(u64);

impl Hasher for Ends {
    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        let mut h = self.0 ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let ends = bytes[..n.min(32)].iter().chain(&bytes[n.saturating_sub(32).max(n.min(32))..]);
        for &b in ends {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept() -> Kept {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        Kept::new(conn)
    }

    fn count(k: &Kept, sql: &str) -> i64 {
        k.statement(sql).unwrap().query_row([], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_statement_is_prepared_once_and_kept() {
        let k = kept();
        let insert = "INSERT INTO t (n) VALUES (1)";
        for _ in 0..3 {
            k.statement(insert).unwrap().execute([]).unwrap();
        }
        assert_eq!(k.statements.borrow().len(), 1);
        assert_eq!(count(&k, "SELECT count(*) FROM t"), 3);
        // The same text from another buffer finds the same statement.
        let copy = String::from("SELECT count(*) FROM t");
        assert_eq!(count(&k, &copy), 3);
        assert_eq!(k.statements.borrow().len(), 2);
    }

    #[test]
    fn texts_with_the_same_ends_stay_apart() {
        let k = kept();
        let pad = "x".repeat(40);
        let a = format!("SELECT 1 AS {pad} /* {} */", "a".repeat(40));
        let b = format!("SELECT 2 AS {pad} /* {} */", "a".repeat(40));
        assert_eq!(a.len(), b.len());
        let one: i64 = k.statement(&a).unwrap().query_row([], |r| r.get(0)).unwrap();
        let two: i64 = k.statement(&b).unwrap().query_row([], |r| r.get(0)).unwrap();
        assert_eq!((one, two), (1, 2));
        assert_eq!(k.statements.borrow().len(), 2);
    }

    #[test]
    fn a_statement_in_use_is_not_shared_and_the_kept_ones_stay_bounded() {
        let k = kept();
        let sql = "SELECT count(*) FROM t";
        let outer = k.statement(sql).unwrap();
        // Asked again while lent: a second statement, not the first one twice.
        assert_eq!(count(&k, sql), 0);
        drop(outer);
        assert_eq!(k.statements.borrow().len(), 1);
        for i in 0..(MOST_KEPT + 5) {
            assert_eq!(count(&k, &format!("SELECT count(*) + {i} - {i} FROM t")), 0);
        }
        assert!(k.statements.borrow().len() <= MOST_KEPT);
        k.close().unwrap();
    }

    #[test]
    fn a_read_left_unfinished_is_ended_when_its_rows_are_dropped() {
        let k = kept();
        k.execute_batch("INSERT INTO t (n) VALUES (1), (2)").unwrap();
        {
            let mut stmt = k.statement("SELECT n FROM t").unwrap();
            let mut rows = stmt.raw_query();
            assert!(rows.next().unwrap().is_some());
        }
        assert!(k.is_autocommit());
        // Run again from its start, not from where it was left.
        let mut stmt = k.statement("SELECT n FROM t").unwrap();
        let all: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(all, [1, 2]);
    }
}
