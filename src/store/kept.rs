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
use std::ops::Deref;

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
// the connection's own, never outside it except lent to `with_statement`'s caller.
unsafe impl Send for Kept {}

impl Kept {
    pub fn new(conn: Connection) -> Kept {
        Kept { statements: RefCell::default(), conn: Box::new(conn) }
    }

    /// Runs `f` on `sql` prepared: the statement kept from its last run, or a new one, kept
    /// after. `f` must leave it reset (rusqlite's `Rows` and `execute` do), as its read would
    /// otherwise stay open. The statement is lent for any lifetime `'s` at all, so that `f` can
    /// neither keep it nor put another in its place.
    pub fn with_statement<R>(
        &self,
        sql: &str,
        f: impl for<'s> FnOnce(&mut Statement<'s>) -> R,
    ) -> rusqlite::Result<R> {
        let found = self.statements.borrow_mut().remove_entry(sql);
        let (text, mut stmt) = match found {
            Some(found) => found,
            None => {
                let stmt = self.conn.prepare(sql)?;
                // SAFETY: the statement borrows `*self.conn`, which lives at the same address
                // until `self` drops, and `self.statements` (where it is kept) drops first. It
                // leaves this function only inside `self.statements`.
                let stmt = unsafe { std::mem::transmute::<Statement<'_>, Statement<'static>>(stmt) };
                (Box::from(sql), stmt)
            }
        };
        let out = f(&mut stmt);
        let mut kept = self.statements.borrow_mut();
        if kept.len() >= MOST_KEPT {
            kept.clear();
        }
        kept.insert(text, stmt);
        Ok(out)
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

/// Hashes a statement's text by its length and its ends (see the module's comment); equal
/// texts still compare whole.
#[derive(Default)]
struct Ends(u64);

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
        k.with_statement(sql, |s| s.query_row([], |r| r.get(0))).unwrap().unwrap()
    }

    #[test]
    fn a_statement_is_prepared_once_and_kept() {
        let k = kept();
        let insert = "INSERT INTO t (n) VALUES (1)";
        for _ in 0..3 {
            k.with_statement(insert, |s| s.execute([])).unwrap().unwrap();
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
        assert_eq!((count(&k, &a), count(&k, &b)), (1, 2));
        assert_eq!(k.statements.borrow().len(), 2);
    }

    #[test]
    fn a_statement_in_use_is_not_shared_and_the_kept_ones_stay_bounded() {
        let k = kept();
        let sql = "SELECT count(*) FROM t";
        // Asked again while lent: a second statement, not the first one twice.
        let inner = k.with_statement(sql, |_| count(&k, sql)).unwrap();
        assert_eq!(inner, 0);
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
        let first = k.with_statement("SELECT n FROM t", |s| s.raw_query().next().unwrap().is_some()).unwrap();
        assert!(first);
        assert!(k.is_autocommit());
        // Run again from its start, not from where it was left.
        let all: Vec<i64> = k
            .with_statement("SELECT n FROM t", |s| {
                s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
            })
            .unwrap();
        assert_eq!(all, [1, 2]);
    }
}
