-- Round 2, trust: every message that matters is durable, a report item keeps a version, invites
-- are stored hashed, notices to everyone are jobs, refusals are rolled up.

-- Broadcasts (/thongbao) as jobs: their recipients are outbox rows; the admin's progress
-- message is edited as they go out.
CREATE TABLE broadcast (
    id                  INTEGER PRIMARY KEY,
    text                TEXT NOT NULL,
    created_by          INTEGER REFERENCES person(id),
    chat_id             INTEGER NOT NULL,          -- the admin's chat, where the progress shows
    progress_message_id INTEGER,
    language            TEXT NOT NULL DEFAULT 'vi',
    total               INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done', 'cancelled')),
    created_at          TEXT NOT NULL,
    finished_at         TEXT
);

-- The one outbox. A row per recipient, claimed when its send slot comes; a row left 'sending'
-- by a crash goes again at start-up (at least once). Rows addressed to the admins before any
-- admin has joined wait with `audience` set and are copied per admin when one joins.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 1,          -- 0 goes before 1
    person_id    INTEGER REFERENCES person(id),
    chat_id      INTEGER,
    language     TEXT,                                -- the recipient's, to read the payload in
    audience     TEXT CHECK (audience IN ('admins')),
    payload      TEXT NOT NULL,                       -- JSON: a screen per language
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'expired', 'expanded')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    resent       INTEGER NOT NULL DEFAULT 0,          -- found in flight after a crash, sent again
    uncertain    INTEGER NOT NULL DEFAULT 0,          -- tried again after a timeout: may be twice
    not_before   TEXT NOT NULL,                       -- wall clock: retries back off in real time
    expires_at   TEXT,                                -- the bot's clock: a reminder too late is dropped
    stale_round  INTEGER REFERENCES reporting_round(id),
    stale_period TEXT,
    stale_agency INTEGER REFERENCES agency(id),       -- dropped once that report is handed in
    broadcast_id INTEGER REFERENCES broadcast(id),
    message_id   INTEGER,
    error        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (chat_id IS NOT NULL OR audience IS NOT NULL)
);
CREATE INDEX outbox_pending ON outbox(priority, id) WHERE status = 'pending';
CREATE INDEX outbox_in_flight ON outbox(status) WHERE status = 'sending';
CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status) WHERE broadcast_id IS NOT NULL;

-- The reminder and digest logs now remember what was queued ('queued'); sending is the
-- outbox's. SQLite cannot change a CHECK, so the tables are rebuilt.
CREATE TABLE reminder_log_v2 (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES reporting_round(id),
    period      TEXT NOT NULL,
    agency_id   INTEGER NOT NULL REFERENCES agency(id),
    person_id   INTEGER REFERENCES person(id),
    step        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'retry')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
INSERT INTO reminder_log_v2 SELECT * FROM reminder_log;
DROP TABLE reminder_log;
ALTER TABLE reminder_log_v2 RENAME TO reminder_log;
CREATE UNIQUE INDEX reminder_log_key
    ON reminder_log(round_id, period, agency_id, ifnull(person_id, 0), step);

CREATE TABLE digest_log_v2 (
    id          INTEGER PRIMARY KEY,
    digest_key  TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES person(id),
    status      TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'retry')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (digest_key, person_id)
);
INSERT INTO digest_log_v2 SELECT * FROM digest_log;
DROP TABLE digest_log;
ALTER TABLE digest_log_v2 RENAME TO digest_log;

-- A report item's version: a save over a newer value than the one the person saw is refused.
ALTER TABLE report_item ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Invites are stored as the SHA-256 of their code. Codes of older invites wait in
-- `legacy_code` until the program hashes them at start-up (SQLite has no SHA-256).
CREATE TABLE invite_v2 (
    id          INTEGER PRIMARY KEY,
    code_hash   TEXT UNIQUE,
    legacy_code TEXT,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'focal')),
    agency_id   INTEGER REFERENCES agency(id),
    created_by  INTEGER REFERENCES person(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     INTEGER REFERENCES person(id),
    used_at     TEXT,
    revoked_at  TEXT,
    revoked_by  INTEGER REFERENCES person(id),
    CHECK (role != 'focal' OR agency_id IS NOT NULL),
    CHECK (code_hash IS NOT NULL OR legacy_code IS NOT NULL)
);
INSERT INTO invite_v2 (id, legacy_code, role, agency_id, created_by, created_at, expires_at, used_by, used_at)
    SELECT id, code, role, agency_id, created_by, created_at, expires_at, used_by, used_at FROM invite;
DROP TABLE invite;
ALTER TABLE invite_v2 RENAME TO invite;

-- Refusals repeated by one sender within an hour are one row with a count.
ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
CREATE INDEX audit_log_recent ON audit_log(telegram_id, action, id);

-- What the running bot tells the commands beside it (its clock, when rehearsing).
CREATE TABLE runtime (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
