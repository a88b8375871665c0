//! The bot's own bookkeeping: where each conversation is, and which updates were handled.

use chrono::{DateTime, Duration, Utc};
use tokio::sync::{mpsc, oneshot};

use super::db::{Pool, query, query_scalar};
use super::{Result, Store, StoreError};

/// Updates ended at once that share a transaction, at most: a few hundred bound values each.
const MOST_AT_ONCE: usize = 200;

/// An update's end, waiting for its transaction.
pub(super) struct Finish {
    keys: Vec<String>,
    chat_id: i64,
    next: Option<String>,
    now: DateTime<Utc>,
    done: oneshot::Sender<Result<()>>,
}

/// Writes the ends of updates as they come, those waiting together in one transaction: under
/// load, one commit and two statements for many updates instead of a transaction of their own
/// for each.
pub(super) fn start_finisher(write: Pool) -> mpsc::UnboundedSender<Finish> {
    let (send, mut receive) = mpsc::unbounded_channel::<Finish>();
    tokio::spawn(async move {
        let mut batch = Vec::new();
        while receive.recv_many(&mut batch, MOST_AT_ONCE).await > 0 {
            let result = finish_all(&write, &batch).await;
            for f in batch.drain(..) {
                let answer = match &result {
                    Ok(()) => Ok(()),
                    Err(StoreError::DiskFull) => Err(StoreError::DiskFull),
                    Err(e) => Err(StoreError::Shared(e.to_string())),
                };
                let _ = f.done.send(answer);
            }
        }
    });
    send
}

async fn finish_all(write: &Pool, batch: &[Finish]) -> Result<()> {
    let mut keys: Vec<(&str, DateTime<Utc>)> =
        batch.iter().flat_map(|f| f.keys.iter().map(move |k| (k.as_str(), f.now))).collect();
    keys.sort_by_key(|(key, _)| *key);
    keys.dedup_by_key(|(key, _)| *key);
    // In the order the updates ended: a chat's later step wins (one row per chat, as
    // PostgreSQL updates a row once per statement).
    let mut steps: Vec<(i64, &str, DateTime<Utc>)> = Vec::new();
    for (chat, state, at) in batch.iter().filter_map(|f| Some((f.chat_id, f.next.as_deref()?, f.now))) {
        steps.retain(|(c, _, _)| *c != chat);
        steps.push((chat, state, at));
    }
    let mut tx = write.begin().await?;
    for keys in in_shapes(&keys) {
        let sql = format!(
            "INSERT INTO handled_update (update_key, handled_at) VALUES {} ON CONFLICT DO NOTHING",
            placeholders(keys.len(), 2)
        );
        let mut q = query(&sql);
        for (key, at) in keys {
            q = q.bind(*key).bind(*at);
        }
        q.execute(&mut tx).await?;
    }
    for steps in in_shapes(&steps) {
        let sql = format!(
            "INSERT INTO dialogue_state (chat_id, state, updated_at) VALUES {}
             ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            placeholders(steps.len(), 3)
        );
        let mut q = query(&sql);
        for (chat, state, at) in steps {
            q = q.bind(*chat).bind(*state).bind(*at);
        }
        q.execute(&mut tx).await?;
    }
    let keys: Vec<&str> = keys.iter().map(|(key, _)| *key).collect();
    super::replicas::release_claims(&mut tx, &keys).await?;
    tx.commit().await?;
    Ok(())
}

/// Rows in runs of 64, 32, 16, 8, 4, 2 or 1, the largest first: a batch of any size is written
/// by statements of seven shapes at most, each prepared once per connection and kept. A
/// statement of the batch's own size was a new text for most batches (41 in a 50-person run of
/// benches/replies), and SQLite's prepare costs about 140,000 instructions, a quarter of a reply;
/// past the texts a connection keeps, every statement was prepared again.
fn in_shapes<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let run = 1 << rest.len().min(64).ilog2();
        let (this, after) = rest.split_at(run);
        rest = after;
        Some(this)
    })
}

/// `($1, $2), ($3, $4)…`: `rows` rows of `width` numbered placeholders, in one string.
fn placeholders(rows: usize, width: usize) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(rows * width * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 1..=width {
            let _ = write!(out, "{}${}", if c == 1 { "" } else { ", " }, r * width + c);
        }
        out.push(')');
    }
    out
}

impl Store {
    pub async fn set_dialogue_state(&self, chat_id: i64, state: &str, now: DateTime<Utc>) -> Result<()> {
        query(
            "INSERT INTO dialogue_state (chat_id, state, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(chat_id)
        .bind(state)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Ends an update: marks its keys handled and moves the conversation to its next step
    /// (`None`: the step stays), in one transaction. Called once the reply was delivered, so a
    /// crash before it leaves the update to be handled again on redelivery, and a failed reply
    /// leaves the step where it was. Updates ending at the same moment share the transaction
    /// (and one statement of each kind): returns once it is committed.
    pub async fn finish_update(
        &self,
        keys: &[String],
        chat_id: i64,
        next: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (done, answer) = oneshot::channel();
        let finish = Finish { keys: keys.to_vec(), chat_id, next: next.map(str::to_owned), now, done };
        if self.finisher.send(finish).is_err() {
            return Err(StoreError::Shared("the store is closed".into()));
        }
        answer.await.unwrap_or_else(|_| Err(StoreError::Shared("the store is closed".into())))
    }

    /// A value the running bot shares with the commands beside it.
    pub async fn set_runtime(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
        query(
            "INSERT INTO runtime (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn runtime(&self, key: &str) -> Result<Option<String>> {
        Ok(query_scalar("SELECT value FROM runtime WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn clear_runtime(&self, key: &str) -> Result<()> {
        query("DELETE FROM runtime WHERE key = $1").bind(key).execute(&self.write).await?;
        Ok(())
    }

    /// Forgets handled updates older than a week: Telegram redelivers within a day at most.
    pub async fn prune_handled_updates(&self, now: DateTime<Utc>) -> Result<u64> {
        super::replicas::prune_claims(&self.write).await?;
        Ok(query("DELETE FROM handled_update WHERE handled_at < $1")
            .bind(now - Duration::days(7))
            .execute(&self.write)
            .await?
            .rows_affected())
    }
}

impl Store {
    /// Rows in a table (for tests and the operator's checks).
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        // Table names come from code, never from a person.
        let sql = format!("SELECT count(*) FROM {table}");
        Ok(query_scalar(&sql).fetch_one(&self.read).await?)
    }

    /// A digest of every report item's content, to compare states in tests.
    pub async fn fingerprint(&self) -> Result<i64> {
        Ok(query_scalar(
            "SELECT CAST(coalesce(sum(length(coalesce(status,'')) + coalesce(percent,0) * 7 + length(coalesce(value,''))
                  * 13 + length(coalesce(note,'')) * 17 + id * 19), 0) AS BIGINT) FROM report_item",
        )
        .fetch_one(&self.read)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::in_shapes;

    #[test]
    fn a_batch_is_written_in_a_few_shapes_of_statement() {
        let mut shapes = std::collections::BTreeSet::new();
        for n in 0..=450 {
            let rows: Vec<usize> = (0..n).collect();
            let runs: Vec<&[usize]> = in_shapes(&rows).collect();
            // Every row once, in order.
            assert_eq!(runs.concat(), rows);
            assert!(runs.windows(2).all(|w| w[0].len() >= w[1].len()), "{n}: largest first");
            assert!(runs.len() <= n / 64 + 6, "{n}: {} statements", runs.len());
            shapes.extend(runs.iter().map(|r| r.len()));
        }
        assert_eq!(shapes.into_iter().collect::<Vec<_>>(), [1, 2, 4, 8, 16, 32, 64]);
    }

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(super::placeholders(1, 2), "($1, $2)");
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(0, 3), "");
    }
}
