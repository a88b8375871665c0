//! A statement run on a SQLite connection of `lender.rs`, on the caller's thread: its values
//! bound and its rows read as sqlx binds and reads them, so that what is stored and what is
//! read back is the same as before (an instant is RFC 3339 text, a flag 0 or 1).
//!
//! A row struct is written once inside [`row!`], which derives sqlx's `FromRow` (for
//! PostgreSQL) and [`FromSqlite`] (here) by the fields' names; tuples read by position.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Row, Statement};

use super::db::Value;
use super::kept::Kept;
use super::lender::failure;

/// A row, read from SQLite.
pub trait FromSqlite: Sized {
    fn from_sqlite(row: &Cells<'_, '_>) -> Result<Self, sqlx::Error>;
}

/// A field of a row struct, read by its name: a column, or (`#[sqlx(flatten)]`) a row struct
/// of its own read from the same row.
pub trait Field: Sized {
    fn field(row: &Cells<'_, '_>, name: &str) -> Result<Self, sqlx::Error>;
}

/// A row, and where the fields of its row struct stand among the statement's columns: found by
/// name on the first row (asking SQLite for a column's name only where the field is expected,
/// as fields mostly come in the order of their columns), then kept for the other rows. A row
/// struct reads its fields in the same order on every row. Reading every column's name per
/// statement, and comparing names per field per row, were 5-6 % of a reply's instructions
/// (callgrind, benches/replies).
pub struct Cells<'a, 'r> {
    row: &'a Row<'r>,
    /// The columns of the fields read so far, in the order they were read.
    positions: &'a RefCell<Vec<usize>>,
    /// Fields of this row read so far.
    field: Cell<usize>,
    /// Past the column last read by name.
    next: Cell<usize>,
}

impl<'a, 'r> Cells<'a, 'r> {
    fn new(row: &'a Row<'r>, positions: &'a RefCell<Vec<usize>>) -> Self {
        Cells { row, positions, field: Cell::new(0), next: Cell::new(0) }
    }

    fn by_name(&self, name: &str) -> Option<ValueRef<'_>> {
        let field = self.field.get();
        self.field.set(field + 1);
        let known = self.positions.borrow().get(field).copied();
        let at = match known {
            Some(at) => at,
            None => {
                let at = self.position(name)?;
                self.positions.borrow_mut().push(at);
                at
            }
        };
        self.next.set(at + 1);
        self.row.get_ref(at).ok()
    }

    /// Where `name` stands, compared as SQLite compares names (ASCII case aside), looked for
    /// from the column after the last one read on.
    fn position(&self, name: &str) -> Option<usize> {
        let stmt: &rusqlite::Statement<'_> = self.row.as_ref();
        let n = stmt.column_count();
        let from = self.next.get();
        (0..n)
            .map(|k| (from + k) % n)
            .find(|&i| stmt.column_name(i).is_ok_and(|column| column.eq_ignore_ascii_case(name)))
    }
}

/// One column's value.
pub trait Column: Sized {
    fn column(value: ValueRef<'_>) -> Result<Self, String>;
}

impl<T: Column> Field for T {
    fn field(row: &Cells<'_, '_>, name: &str) -> Result<Self, sqlx::Error> {
        let value = row.by_name(name).ok_or_else(|| sqlx::Error::ColumnNotFound(name.to_owned()))?;
        T::column(value)
            .map_err(|e| sqlx::Error::ColumnDecode { index: format!("{name:?}"), source: e.into() })
    }
}

/// A row struct, written once: `row! { #[derive(Debug, sqlx::FromRow)] pub struct X { pub a: i64 } }`.
macro_rules! row {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $($(#[$fattr:meta])* $fvis:vis $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $($(#[$fattr])* $fvis $field: $ty),*
        }

        impl $crate::store::on_sqlite::FromSqlite for $name {
            fn from_sqlite(row: &$crate::store::on_sqlite::Cells<'_, '_>) -> Result<Self, sqlx::Error> {
                Ok($name { $($field: $crate::store::on_sqlite::Field::field(row, stringify!($field))?),* })
            }
        }

        impl $crate::store::on_sqlite::Field for $name {
            fn field(row: &$crate::store::on_sqlite::Cells<'_, '_>, _: &str) -> Result<Self, sqlx::Error> {
                <Self as $crate::store::on_sqlite::FromSqlite>::from_sqlite(row)
            }
        }
    };
}
pub(crate) use row;

macro_rules! tuples {
    ($(($($t:ident $i:tt),+))*) => {
        $(impl<$($t: Column),+> FromSqlite for ($($t,)+) {
            fn from_sqlite(row: &Cells<'_, '_>) -> Result<Self, sqlx::Error> {
                Ok(($(at::<$t>(row.row, $i)?,)+))
            }
        })*
    };
}

tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

fn at<T: Column>(row: &Row<'_>, index: usize) -> Result<T, sqlx::Error> {
    let value = row
        .get_ref(index)
        .map_err(|_| sqlx::Error::ColumnIndexOutOfBounds { index, len: row.as_ref().column_count() })?;
    T::column(value).map_err(|e| sqlx::Error::ColumnDecode { index: index.to_string(), source: e.into() })
}

fn kind(value: ValueRef<'_>) -> &'static str {
    match value {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an integer",
        ValueRef::Real(_) => "a real",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "a blob",
    }
}

impl<T: Column> Column for Option<T> {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Null => Ok(None),
            v => T::column(v).map(Some),
        }
    }
}

impl Column for i64 {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Ok(f as i64),
            v => Err(format!("expected an integer, found {}", kind(v))),
        }
    }
}

impl Column for i32 {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        i64::column(value).and_then(|i| i32::try_from(i).map_err(|e| e.to_string()))
    }
}

impl Column for f64 {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            v => Err(format!("expected a number, found {}", kind(v))),
        }
    }
}

impl Column for bool {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Integer(i) => Ok(i != 0),
            ValueRef::Real(f) => Ok(f != 0.0),
            v => Err(format!("expected a flag, found {}", kind(v))),
        }
    }
}

impl Column for String {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                String::from_utf8(t.to_vec()).map_err(|_| "text that is not UTF-8".to_owned())
            }
            ValueRef::Integer(i) => Ok(i.to_string()),
            ValueRef::Real(f) => Ok(f.to_string()),
            ValueRef::Null => Err("unexpected NULL".to_owned()),
        }
    }
}

/// As sqlx reads an instant: RFC 3339 (how it writes one), SQLite's own text forms (UTC
/// unless they say otherwise), seconds since 1970, or a Julian day.
impl Column for DateTime<Utc> {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) => {
                let text = std::str::from_utf8(t).map_err(|_| "text that is not UTF-8".to_owned())?;
                instant(text).ok_or_else(|| format!("invalid datetime: {text}"))
            }
            ValueRef::Integer(s) => {
                Utc.timestamp_opt(s, 0).single().ok_or_else(|| format!("invalid datetime: {s}"))
            }
            ValueRef::Real(day) => {
                let ms = ((day - 2_440_587.5) * 86_400_000.0).round() as i64;
                Utc.timestamp_millis_opt(ms).single().ok_or_else(|| format!("invalid datetime: {day}"))
            }
            v => Err(format!("expected an instant, found {}", kind(v))),
        }
    }
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%F %T%.f%:z", "%FT%T%.f%:z", "%F %R%:z", "%FT%R%:z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    ["%F %T%.f", "%FT%T%.f", "%F %R", "%FT%R"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(naive, format).ok())
        .map(|t| t.and_utc())
}

impl Column for NaiveDate {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) => {
                let text = std::str::from_utf8(t).map_err(|_| "text that is not UTF-8".to_owned())?;
                NaiveDate::parse_from_str(text, "%F").map_err(|_| format!("invalid date: {text}"))
            }
            v => Err(format!("expected a date, found {}", kind(v))),
        }
    }
}

/// A value as sqlx binds it on SQLite.
fn sql_value<'a>(value: &'a Value<'_>) -> ToSqlOutput<'a> {
    use rusqlite::types::Value as Owned;
    match value {
        Value::Int(Some(i)) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
        Value::Bool(Some(b)) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
        Value::Text(Some(t)) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        Value::Time(Some(t)) => {
            ToSqlOutput::Owned(Owned::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
        }
        Value::Int(None) | Value::Bool(None) | Value::Text(None) | Value::Time(None) => {
            ToSqlOutput::Borrowed(ValueRef::Null)
        }
    }
}

/// `args` bound to a statement: `$n` takes the n-th value wherever it stands, as sqlx binds it;
/// `?` takes the next.
fn bind(stmt: &mut Statement<'_>, args: &[Value<'_>]) -> Result<(), sqlx::Error> {
    for index in 1..=stmt.parameter_count() {
        let which = match stmt.parameter_name(index) {
            Some(name) => name[1..].parse::<usize>().map_or(index, |n| n),
            None => index,
        };
        let value = args.get(which - 1).ok_or_else(|| {
            sqlx::Error::Protocol(format!("the statement wants value {which}; {} were given", args.len()))
        })?;
        stmt.raw_bind_parameter(index, sql_value(value)).map_err(failure)?;
    }
    Ok(())
}

/// `f` on `sql` prepared (kept by the connection) with `args` bound.
/// `RUST_LOG=dondoc::sql=debug` logs every statement (as sqlx's `sqlx::query=debug` did).
fn prepared<R>(
    conn: &Kept,
    sql: &str,
    args: &[Value<'_>],
    f: impl for<'s> FnOnce(&mut Statement<'s>) -> Result<R, sqlx::Error>,
) -> Result<R, sqlx::Error> {
    tracing::debug!(target: "dondoc::sql", statement = sql, values = args.len());
    conn.with_statement(sql, |stmt| {
        bind(stmt, args)?;
        f(stmt)
    })
    .map_err(failure)?
}

/// Runs `sql` to its end; the rows it changed.
pub fn execute(conn: &Kept, sql: &str, args: &[Value<'_>]) -> Result<u64, sqlx::Error> {
    prepared(conn, sql, args, |stmt| {
        let readonly = stmt.readonly();
        let mut rows = stmt.raw_query();
        while rows.next().map_err(failure)?.is_some() {}
        Ok(if readonly { 0 } else { conn.changes() })
    })
}

/// The rows of `sql`, at most `most`.
pub fn fetch<T: FromSqlite>(
    conn: &Kept,
    sql: &str,
    args: &[Value<'_>],
    most: usize,
) -> Result<Vec<T>, sqlx::Error> {
    prepared(conn, sql, args, |stmt| {
        let positions = RefCell::new(Vec::with_capacity(stmt.column_count()));
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while out.len() < most
            && let Some(row) = rows.next().map_err(failure)?
        {
            out.push(T::from_sqlite(&Cells::new(row, &positions))?);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection as _;

    fn conn() -> (Kept, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER, b BOOLEAN, s TEXT, at TEXT, day TEXT)").unwrap();
        (Kept::new(conn), dir)
    }

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2022-03-07T08:00:00.25+07:00").unwrap().with_timezone(&Utc)
    }

    #[tokio::test]
    async fn values_are_stored_as_sqlx_stores_them() {
        let (conn, dir) = conn();
        let insert = "INSERT INTO t (n, b, s, at, day) VALUES ($1, $2, $3, $4, $5)";
        let values = || -> Vec<Value<'static>> {
            vec![7_i64.into(), true.into(), Option::<String>::None.into(), at().into(), "2022-03-31".into()]
        };
        execute(&conn, insert, &values()).unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("t.db"));
        let mut theirs = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
        sqlx::query(insert)
            .bind(7_i64)
            .bind(true)
            .bind(Option::<String>::None)
            .bind(at())
            .bind("2022-03-31")
            .execute(&mut theirs)
            .await
            .unwrap();
        theirs.close().await.unwrap();
        let quoted: Vec<(String,)> =
            fetch(&conn, "SELECT quote(n) || quote(b) || quote(s) || quote(at) || quote(day) FROM t", &[], 9)
                .unwrap();
        assert_eq!(quoted.len(), 2);
        assert_eq!(quoted[0], quoted[1], "ours, then sqlx's");
        assert_eq!(quoted[0].0, "71NULL'2022-03-07T01:00:00.250+00:00''2022-03-31'");
    }

    #[test]
    fn instants_are_read_in_every_form_sqlite_and_sqlx_write() {
        let (conn, _dir) = conn();
        let forms = [
            "'2022-03-07T01:00:00+00:00'",
            "'2022-03-07T08:00:00+07:00'",
            "'2022-03-07 01:00:00'",
            "'2022-03-07T01:00:00Z'",
            "'2022-03-07 01:00'",
            "'2022-03-07 08:00:00.000+07:00'",
            "1646614800",
            "julianday('2022-03-07 01:00:00')",
        ];
        for form in forms {
            let read: (DateTime<Utc>,) = fetch(&conn, &format!("SELECT {form}"), &[], 1).unwrap().remove(0);
            assert_eq!(read.0, at() - chrono::Duration::milliseconds(250), "{form}");
        }
        let now: Vec<(DateTime<Utc>,)> = fetch(&conn, "SELECT CURRENT_TIMESTAMP", &[], 1).unwrap();
        assert!((Utc::now() - now[0].0).num_seconds().abs() < 5);
    }

    #[test]
    fn a_numbered_value_goes_wherever_its_number_stands() {
        let (conn, _dir) = conn();
        let args: Vec<Value<'_>> = vec!["a".into(), "b".into()];
        let row: Vec<(String, String, String)> = fetch(&conn, "SELECT $2, $1, $2 || $1", &args, 1).unwrap();
        assert_eq!(row[0], ("b".into(), "a".into(), "ba".into()));
        let missing = fetch::<(String,)>(&conn, "SELECT $3", &args, 1).unwrap_err();
        assert!(missing.to_string().contains("value 3"), "{missing}");
    }

    row! {
        #[derive(Debug, PartialEq, sqlx::FromRow)]
        struct Inner {
            s: Option<String>,
        }
    }

    row! {
        #[derive(Debug, PartialEq, sqlx::FromRow)]
        struct Outer {
            n: i64,
            b: bool,
            #[sqlx(flatten)]
            inner: Inner,
        }
    }

    #[test]
    fn a_row_struct_reads_its_fields_by_name_and_a_flattened_one_from_the_same_row() {
        let (conn, _dir) = conn();
        let rows: Vec<Outer> = fetch(&conn, "SELECT 'x' AS s, 0 AS b, 5 AS n", &[], 9).unwrap();
        assert_eq!(rows, vec![Outer { n: 5, b: false, inner: Inner { s: Some("x".into()) } }]);
        // Names as SQLite compares them (case aside), whole (`nb` is not `n`), for every row.
        let rows: Vec<Outer> =
            fetch(&conn, "SELECT 1 AS nb, 'y' AS S, 1 AS B, 7 AS N UNION ALL SELECT 2, NULL, 0, 8", &[], 9)
                .unwrap();
        let (y, none) = (Inner { s: Some("y".into()) }, Inner { s: None });
        assert_eq!(rows, vec![Outer { n: 7, b: true, inner: y }, Outer { n: 8, b: false, inner: none }]);
        let missing = fetch::<Outer>(&conn, "SELECT 5 AS n, 0 AS b", &[], 9).unwrap_err();
        assert!(matches!(&missing, sqlx::Error::ColumnNotFound(c) if c == "s"), "{missing}");
        let null = fetch::<Outer>(&conn, "SELECT NULL AS n, 0 AS b, 'x' AS s", &[], 9).unwrap_err();
        assert!(null.to_string().contains("\"n\"") && null.to_string().contains("NULL"), "{null}");
    }

    #[test]
    fn execute_counts_the_rows_changed_and_runs_a_returning_statement_to_its_end() {
        let (conn, _dir) = conn();
        assert_eq!(execute(&conn, "INSERT INTO t (n) VALUES (1), (2), (3)", &[]).unwrap(), 3);
        assert_eq!(execute(&conn, "UPDATE t SET n = n + 10 RETURNING n", &[]).unwrap(), 3);
        assert_eq!(execute(&conn, "SELECT * FROM t", &[]).unwrap(), 0, "a read changes nothing");
        let first: Vec<(i64,)> = fetch(&conn, "UPDATE t SET n = n + 100 RETURNING n", &[], 1).unwrap();
        assert_eq!(first.len(), 1);
        let all: Vec<(i64,)> = fetch(&conn, "SELECT n FROM t ORDER BY n", &[], usize::MAX).unwrap();
        assert_eq!(all, vec![(111,), (112,), (113,)], "every row changed though one was read");
    }
}
