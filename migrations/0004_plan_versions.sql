-- Round 2, plans as living documents: each import that changes a plan is a version of it, kept
-- whole; an answer records the version it answered, so it stays with the wording and the target
-- it answered; several plans are followed at once (a new plan no longer stops the old one).

CREATE TABLE plan_version (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plan(id),
    number      INTEGER NOT NULL,                -- 1, 2, … per plan
    file        TEXT NOT NULL,                   -- the plan as imported, JSON in the file's shape
    imported_at TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',        -- what the import changed, as the operator read it
    UNIQUE (plan_id, number)
);

-- Codes an import changed (`replaces`): an answer filed before keeps the code it answered, so
-- its version's wording is found under that code.
CREATE TABLE code_change (
    plan_version_id INTEGER NOT NULL REFERENCES plan_version(id),
    kind            TEXT NOT NULL,                -- 'task', 'metric', 'round'
    row_id          INTEGER NOT NULL,             -- the task, metric or round, which kept its row
    old_code        TEXT NOT NULL,
    new_code        TEXT NOT NULL
);
CREATE INDEX code_change_row ON code_change (kind, row_id, plan_version_id);

ALTER TABLE report_item ADD COLUMN plan_version_id INTEGER REFERENCES plan_version(id);

-- Numbers a plan was followed under before an amendment renumbered it (JSON list).
ALTER TABLE plan ADD COLUMN previous_codes TEXT NOT NULL DEFAULT '[]';
