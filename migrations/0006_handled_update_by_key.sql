-- Updates already handled, stored by their key alone (WITHOUT ROWID): one b-tree instead of a
-- table and its index, written for every update a person sends (issue 13).
CREATE TABLE handled_update_by_key (
    update_key TEXT PRIMARY KEY,               -- 'u:<update_id>' or 'cq:<callback query id>'
    handled_at TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO handled_update_by_key (update_key, handled_at) SELECT update_key, handled_at FROM handled_update;

DROP TABLE handled_update;

ALTER TABLE handled_update_by_key RENAME TO handled_update;
