//! The one place that knows there are two databases. A query is written once, with `$1`
//! placeholders (SQLite reads them as well as PostgreSQL does), and built with [`query`],
//! [`query_as`] or [`query_scalar`] as with sqlx's functions of the same names; it runs on a
//! [`Pool`] or a [`Tx`] of either backend. Its parameters are held as [`Value`]s until the backend
//! is known, then bound as sqlx binds them, so a value is stored the same way as before. On
//! PostgreSQL sqlx runs it; on SQLite `on_sqlite.rs` does, on the caller's thread (`lender.rs`
//! says why).
//!
//! Where the SQL must differ, the two texts sit side by side in [`Dialect`].
//!
//! Why not `sqlx::Any`: it knows neither chrono's types nor PostgreSQL's TIMESTAMPTZ (instants
//! would be text on PostgreSQL), and rows come back as its own values. Why not a `Store` generic
//! over `sqlx::Database`: every function and `App` would carry the bounds. Here the rest of the
//! store keeps concrete types, row structs are written inside `row!` (which derives the reading of
//! a row for both), and each query compiles for both backends.

use std::borrow::Cow;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow, Postgres};
use sqlx::{Arguments, FromRow, Transaction};

use super::lender::{Connections, Lent, SqliteTx};
use super::on_sqlite::{self, FromSqlite};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub enum Pool {
    /// Lent without sqlx's pool: see `lender.rs`.
    Sqlite(Connections),
    Postgres(PgPool),
}

/// A transaction on either backend; dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Postgres>),
}

impl Pool {
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// Where a query runs: a pool or an open transaction.
pub enum On<'a> {
    SqlitePool(&'a Connections),
    SqliteConn(&'a mut Lent),
    PgPool(&'a PgPool),
    PgConn(&'a mut PgConnection),
}

impl<'a> From<&'a Pool> for On<'a> {
    fn from(pool: &'a Pool) -> On<'a> {
        match pool {
            Pool::Sqlite(p) => On::SqlitePool(p),
            Pool::Postgres(p) => On::PgPool(p),
        }
    }
}

impl<'a> From<&'a mut Tx> for On<'a> {
    fn from(tx: &'a mut Tx) -> On<'a> {
        match tx {
            Tx::Sqlite(t) => On::SqliteConn(t.lent()),
            Tx::Postgres(t) => On::PgConn(t),
        }
    }
}

/// A parameter, typed as the backend will see it (a NULL keeps its type: PostgreSQL asks).
#[derive(Debug, Clone)]
pub enum Value<'q> {
    Int(Option<i64>),
    Bool(Option<bool>),
    Text(Option<Cow<'q, str>>),
    Time(Option<DateTime<Utc>>),
}

impl Value<'_> {
    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Int(v) => Value::Int(v),
            Value::Bool(v) => Value::Bool(v),
            Value::Text(v) => Value::Text(v.map(|t| Cow::Owned(t.into_owned()))),
            Value::Time(v) => Value::Time(v),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl<'q> From<$t> for Value<'q> {
            fn from($v: $t) -> Value<'q> {
                $e
            }
        })*
    };
}

value_from! {
    i64 => |v| Value::Int(Some(v));
    &i64 => |v| Value::Int(Some(*v));
    &&'q str => |v| Value::Text(Some(Cow::Borrowed(*v)));
    i32 => |v| Value::Int(Some(i64::from(v)));
    u32 => |v| Value::Int(Some(i64::from(v)));
    Option<i64> => |v| Value::Int(v);
    bool => |v| Value::Bool(Some(v));
    Option<bool> => |v| Value::Bool(v);
    String => |v| Value::Text(Some(Cow::Owned(v)));
    Option<String> => |v| Value::Text(v.map(Cow::Owned));
    &'q str => |v| Value::Text(Some(Cow::Borrowed(v)));
    &'q String => |v| Value::Text(Some(Cow::Borrowed(v.as_str())));
    Option<&'q str> => |v| Value::Text(v.map(Cow::Borrowed));
    &'q Option<String> => |v| Value::Text(v.as_deref().map(Cow::Borrowed));
    DateTime<Utc> => |v| Value::Time(Some(v));
    Option<DateTime<Utc>> => |v| Value::Time(v);
}

fn pg_args(values: Vec<Value<'_>>) -> Result<PgArguments, sqlx::Error> {
    let mut args = PgArguments::default();
    for v in values {
        match v {
            Value::Int(v) => args.add(v),
            Value::Bool(v) => args.add(v),
            Value::Text(v) => args.add(v),
            Value::Time(v) => args.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(args)
}

/// Rows a query maps to, on both backends (what `row!` and tuples give).
pub trait Rows: FromSqlite + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static {}
impl<T> Rows for T where T: FromSqlite + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static {}

/// The rows of a query on whichever backend `on` is: on SQLite read here (`on_sqlite.rs`) as
/// `T`, at most `$most`; on PostgreSQL by sqlx's `$make(sql, args).$method(executor)`.
macro_rules! run {
    ($on:expr, $t:ty, $sql:expr, $args:expr, $most:expr, $make:ident, $method:ident) => {
        match $on {
            On::SqlitePool(e) if e.apart() => {
                let lent = e.lend().await?;
                let (sql, most) = ($sql.to_owned(), $most);
                let args: Vec<Value<'static>> = $args.into_iter().map(Value::into_owned).collect();
                tokio::task::spawn_blocking(move || on_sqlite::fetch::<$t>(&lent, &sql, &args, most))
                    .await
                    .unwrap_or(Err(sqlx::Error::WorkerCrashed))
            }
            On::SqlitePool(e) => {
                let lent = e.lend().await?;
                on_sqlite::fetch::<$t>(&lent, $sql, &$args, $most)
            }
            On::SqliteConn(lent) => on_sqlite::fetch::<$t>(lent, $sql, &$args, $most),
            On::PgPool(e) => return sqlx::$make($sql, pg_args($args)?).$method(e).await,
            On::PgConn(e) => return sqlx::$make($sql, pg_args($args)?).$method(e).await,
        }
    };
}

/// The first row, or sqlx's `RowNotFound`.
fn first<T>(rows: Result<Vec<T>, sqlx::Error>) -> Result<T, sqlx::Error> {
    rows?.into_iter().next().ok_or(sqlx::Error::RowNotFound)
}

fn optional<T>(rows: Result<Vec<T>, sqlx::Error>) -> Result<Option<T>, sqlx::Error> {
    Ok(rows?.into_iter().next())
}

fn scalars<T>(rows: Result<Vec<(T,)>, sqlx::Error>) -> Result<Vec<T>, sqlx::Error> {
    Ok(rows?.into_iter().map(|(t,)| t).collect())
}

/// What a statement changed.
#[derive(Debug, Clone, Copy)]
pub struct Done(u64);

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.0
    }
}

pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Value<'q>>,
}

/// A statement, as `sqlx::query`.
pub fn query(sql: &str) -> Query<'_> {
    Query { sql, args: Vec::new() }
}

impl<'q> Query<'q> {
    pub fn bind(mut self, value: impl Into<Value<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    pub async fn execute<'e>(self, on: impl Into<On<'e>>) -> Result<Done, sqlx::Error> {
        let (sql, args) = (self.sql, self.args);
        Ok(Done(match on.into() {
            On::SqlitePool(e) => {
                let lent = e.lend().await?;
                on_sqlite::execute(&lent, sql, &args)?
            }
            On::SqliteConn(lent) => on_sqlite::execute(lent, sql, &args)?,
            On::PgPool(e) => sqlx::query_with(sql, pg_args(args)?).execute(e).await?.rows_affected(),
            On::PgConn(e) => sqlx::query_with(sql, pg_args(args)?).execute(e).await?.rows_affected(),
        }))
    }
}

/// A query whose rows map to `T`, as `sqlx::query_as`.
pub struct QueryAs<'q, T>(Query<'q>, PhantomData<fn() -> T>);

pub fn query_as<T: Rows>(sql: &str) -> QueryAs<'_, T> {
    QueryAs(query(sql), PhantomData)
}

impl<'q, T: Rows> QueryAs<'q, T> {
    pub fn bind(self, value: impl Into<Value<'q>>) -> Self {
        QueryAs(self.0.bind(value), PhantomData)
    }

    pub async fn fetch_all<'e>(self, on: impl Into<On<'e>>) -> Result<Vec<T>, sqlx::Error> {
        run!(on.into(), T, self.0.sql, self.0.args, usize::MAX, query_as_with, fetch_all)
    }

    pub async fn fetch_one<'e>(self, on: impl Into<On<'e>>) -> Result<T, sqlx::Error> {
        first(run!(on.into(), T, self.0.sql, self.0.args, 1, query_as_with, fetch_one))
    }

    pub async fn fetch_optional<'e>(self, on: impl Into<On<'e>>) -> Result<Option<T>, sqlx::Error> {
        optional(run!(on.into(), T, self.0.sql, self.0.args, 1, query_as_with, fetch_optional))
    }
}

/// A query of one column, as `sqlx::query_scalar`.
pub struct QueryScalar<'q, T>(Query<'q>, PhantomData<fn() -> T>);

pub fn query_scalar<T>(sql: &str) -> QueryScalar<'_, T>
where
    T: Send + Unpin,
    (T,): Rows,
{
    QueryScalar(query(sql), PhantomData)
}

impl<'q, T> QueryScalar<'q, T>
where
    T: Send + Unpin,
    (T,): Rows,
{
    pub fn bind(self, value: impl Into<Value<'q>>) -> Self {
        QueryScalar(self.0.bind(value), PhantomData)
    }

    pub async fn fetch_all<'e>(self, on: impl Into<On<'e>>) -> Result<Vec<T>, sqlx::Error> {
        scalars(run!(on.into(), (T,), self.0.sql, self.0.args, usize::MAX, query_scalar_with, fetch_all))
    }

    pub async fn fetch_one<'e>(self, on: impl Into<On<'e>>) -> Result<T, sqlx::Error> {
        first(scalars(run!(on.into(), (T,), self.0.sql, self.0.args, 1, query_scalar_with, fetch_one)))
    }

    pub async fn fetch_optional<'e>(self, on: impl Into<On<'e>>) -> Result<Option<T>, sqlx::Error> {
        optional(scalars(run!(
            on.into(),
            (T,),
            self.0.sql,
            self.0.args,
            1,
            query_scalar_with,
            fetch_optional
        )))
    }
}

/// The SQL that differs between the backends, side by side. Everything else is written once:
/// `$1` placeholders, `TRUE`/`FALSE`, `IS [NOT] DISTINCT FROM`, `coalesce`, `ON CONFLICT`,
/// `RETURNING`, and `CAST(sum(..) AS BIGINT)` (PostgreSQL's sum of BIGINT is NUMERIC).
#[derive(Debug, Clone, Copy)]
pub struct Dialect(Backend);

impl Backend {
    pub fn dialect(self) -> Dialect {
        Dialect(self)
    }
}

impl Dialect {
    /// The rows of a JSON list of strings bound as text: a table with one column, `value`.
    pub fn each(self, param: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("json_each({param})"),
            Backend::Postgres => format!("jsonb_array_elements_text(CAST({param} AS jsonb))"),
        }
    }

    /// `list` (a JSON list as text) with the text `item` appended.
    pub fn json_push(self, list: &str, item: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("json_insert({list}, '$[#]', {item})"),
            Backend::Postgres => {
                format!("CAST(CAST({list} AS jsonb) || to_jsonb(CAST({item} AS TEXT)) AS TEXT)")
            }
        }
    }

    /// A JSON array (as text) of one JSON array per row, of the expressions `items`; `[]` for
    /// no row.
    pub fn json_rows(self, items: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("json_group_array(json_array({items}))"),
            Backend::Postgres => format!("coalesce(CAST(json_agg(json_build_array({items})) AS TEXT), '[]')"),
        }
    }

    /// A reminder's key, as the unique index `reminder_log_key` of each backend spells it.
    pub fn reminder_key(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "(round_id, period, agency_id, ifnull(person_id, 0), step)",
            Backend::Postgres => "(round_id, period, agency_id, coalesce(person_id, 0), step)",
        }
    }

    /// Locks the rows of `table` (a name or an alias) that a `SELECT` reads, until the
    /// transaction ends, so that a check and the change it allows see the same row. SQLite has
    /// one writer at a time: a write transaction holds everything it reads already.
    pub fn for_update(self, table: &str) -> String {
        match self.0 {
            Backend::Sqlite => String::new(),
            Backend::Postgres => format!(" FOR UPDATE OF {table}"),
        }
    }
}
