-- dondoc's whole domain. Instants are UTC text (RFC 3339, as sqlx's chrono writes them);
-- dates are local dates of the plan's time zone ('2022-03-14'); decimals are exact text
-- ('9002', '60.26'); codes are the plan file's own.

CREATE TABLE plan (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    title_en      TEXT,
    province      TEXT NOT NULL,
    year          INTEGER NOT NULL,
    issued        TEXT,
    time_zone     TEXT NOT NULL,
    coordinator   TEXT NOT NULL,
    reminders     TEXT NOT NULL,            -- reminder policy, JSON in the file's shape
    active        INTEGER NOT NULL DEFAULT 1,
    imported_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE agency (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES plan(id),
    code      TEXT NOT NULL,
    name_vi   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    retired   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

CREATE TABLE agency_group (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES plan(id),
    code      TEXT NOT NULL,
    name_vi   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    members   TEXT NOT NULL,                -- JSON list of agency codes
    position  INTEGER NOT NULL,
    retired   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

CREATE TABLE section (
    id               INTEGER PRIMARY KEY,
    plan_id          INTEGER NOT NULL REFERENCES plan(id),
    number           INTEGER NOT NULL,
    heading          TEXT NOT NULL,
    heading_inferred INTEGER NOT NULL DEFAULT 0,
    assignees        TEXT NOT NULL,         -- JSON list of agency or group codes
    retired          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, number)
);

CREATE TABLE task (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plan(id),
    section_id INTEGER NOT NULL REFERENCES section(id),
    code       TEXT NOT NULL,
    letter     TEXT NOT NULL,
    text       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    retired    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

CREATE TABLE indicator (
    id                INTEGER PRIMARY KEY,
    plan_id           INTEGER NOT NULL REFERENCES plan(id),
    number            INTEGER NOT NULL,
    name_vi           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    text              TEXT NOT NULL,
    agencies          TEXT NOT NULL,          -- JSON list of agency codes
    agencies_inferred INTEGER NOT NULL DEFAULT 0,
    retired           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, number)
);

CREATE TABLE metric (
    id                    INTEGER PRIMARY KEY,
    plan_id               INTEGER NOT NULL REFERENCES plan(id),
    indicator_id          INTEGER NOT NULL REFERENCES indicator(id),
    code                  TEXT NOT NULL,
    name_vi               TEXT NOT NULL,
    name_en               TEXT NOT NULL,
    unit                  TEXT NOT NULL,
    target                TEXT NOT NULL,
    target_out_of         TEXT,
    direction             TEXT NOT NULL CHECK (direction IN ('at_least', 'at_most', 'reduce_by')),
    wording               TEXT NOT NULL,
    agency_id             INTEGER NOT NULL REFERENCES agency(id),
    agency_from_indicator INTEGER NOT NULL DEFAULT 0,
    agency_inferred       INTEGER NOT NULL DEFAULT 0,
    position              INTEGER NOT NULL,
    retired               INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

CREATE TABLE reporting_round (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plan(id),
    code       TEXT NOT NULL,
    name_vi    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    wording    TEXT NOT NULL,
    asks       TEXT NOT NULL,               -- JSON list: tasks, metrics, document
    recipients TEXT NOT NULL,               -- JSON list of codes, or ["*"]
    to_agency  TEXT NOT NULL,
    schedule   TEXT NOT NULL,               -- JSON, the file's shape
    position   INTEGER NOT NULL,
    retired    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

CREATE TABLE holiday (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES plan(id),
    first_day TEXT NOT NULL,
    last_day  TEXT NOT NULL,
    name      TEXT NOT NULL,
    retired   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, first_day)
);

-- People and their rights. A person belongs to at most one agency.
CREATE TABLE person (
    id           INTEGER PRIMARY KEY,
    telegram_id  INTEGER NOT NULL UNIQUE,
    chat_id      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    username     TEXT,
    language     TEXT NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
    role         TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'focal')),
    agency_id    INTEGER REFERENCES agency(id),
    reachable    INTEGER NOT NULL DEFAULT 1,   -- 0 once Telegram said the person blocked the bot
    joined_at    TEXT NOT NULL,
    removed_at   TEXT,
    CHECK (role != 'focal' OR agency_id IS NOT NULL)
);
CREATE INDEX person_agency ON person(agency_id) WHERE removed_at IS NULL;

CREATE TABLE invite (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'focal')),
    agency_id   INTEGER REFERENCES agency(id),
    created_by  INTEGER REFERENCES person(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     INTEGER REFERENCES person(id),
    used_at     TEXT,
    CHECK (role != 'focal' OR agency_id IS NOT NULL)
);

-- One report per agency, round and period; items, attachments and history hang off it.
CREATE TABLE report (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES reporting_round(id),
    period         TEXT NOT NULL,
    agency_id      INTEGER NOT NULL REFERENCES agency(id),
    state          TEXT NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft', 'submitted', 'accepted', 'returned')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    first_submitted_at TEXT,                -- what timeliness counts: the first submission
    submitted_at   TEXT,
    submitted_by   INTEGER REFERENCES person(id),
    reviewed_at    TEXT,
    reviewed_by    INTEGER REFERENCES person(id),
    review_comment TEXT,
    UNIQUE (round_id, period, agency_id)
);

CREATE TABLE report_item (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES report(id),
    task_id     INTEGER REFERENCES task(id),
    metric_id   INTEGER REFERENCES metric(id),
    indicator_id INTEGER REFERENCES indicator(id),   -- narrative of a qualitative indicator
    status      TEXT CHECK (status IN ('not_started', 'in_progress', 'done', 'blocked')),
    percent     INTEGER CHECK (percent BETWEEN 0 AND 100),
    value       TEXT,
    value_out_of TEXT,
    note        TEXT,
    updated_by  INTEGER REFERENCES person(id),
    updated_at  TEXT NOT NULL,
    CHECK ((task_id IS NOT NULL) + (metric_id IS NOT NULL) + (indicator_id IS NOT NULL) = 1),
    UNIQUE (report_id, task_id),
    UNIQUE (report_id, metric_id),
    UNIQUE (report_id, indicator_id)
);

CREATE TABLE report_attachment (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL REFERENCES report(id),
    file_id        TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    file_name      TEXT,
    file_size      INTEGER,
    mime_type      TEXT,
    added_by       INTEGER REFERENCES person(id),
    added_at       TEXT NOT NULL,
    removed_at     TEXT,
    UNIQUE (report_id, file_unique_id)
);

-- Every change to a report and its items, and every review decision, with who and when.
CREATE TABLE report_event (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES report(id),
    item_id    INTEGER REFERENCES report_item(id),
    kind       TEXT NOT NULL,
    person_id  INTEGER REFERENCES person(id),
    at         TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}'      -- JSON: old and new values, comment
);
CREATE INDEX report_event_report ON report_event(report_id, id);
CREATE INDEX report_event_item ON report_event(item_id, id);

-- An agency's last day moved for one period, by an admin, with a reason.
CREATE TABLE deadline_extension (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES reporting_round(id),
    period     TEXT NOT NULL,
    agency_id  INTEGER NOT NULL REFERENCES agency(id),
    last_day   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    granted_by INTEGER REFERENCES person(id),
    granted_at TEXT NOT NULL,
    UNIQUE (round_id, period, agency_id)
);

-- One row per reminder key: nothing is sent twice, nothing due is skipped, across restarts.
-- person_id is NULL for messages to the agency as a whole (the admins' "unreachable" notice).
CREATE TABLE reminder_log (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES reporting_round(id),
    period      TEXT NOT NULL,
    agency_id   INTEGER NOT NULL REFERENCES agency(id),
    person_id   INTEGER REFERENCES person(id),
    step        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'retry')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX reminder_log_key
    ON reminder_log(round_id, period, agency_id, ifnull(person_id, 0), step);

-- One row per digest and recipient: weekly digests and the one after each deadline.
CREATE TABLE digest_log (
    id          INTEGER PRIMARY KEY,
    digest_key  TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES person(id),
    status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'retry')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (digest_key, person_id)
);

-- The step a person's conversation is at, so it survives a restart.
CREATE TABLE dialogue_state (
    chat_id    INTEGER PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Updates already handled, so a duplicate delivery changes nothing.
CREATE TABLE handled_update (
    update_key TEXT PRIMARY KEY,               -- 'u:<update_id>' or 'cq:<callback query id>'
    handled_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    person_id   INTEGER REFERENCES person(id),
    telegram_id INTEGER,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);
