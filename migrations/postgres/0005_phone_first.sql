-- Phone-first (issue 11) and the chat side of issue 10: the counterpart of
-- migrations/0005_phone_first.sql. Only a column and a table are added.

-- Where a person's name comes from: 'telegram' (last name + first name, Vietnamese order, as
-- Telegram gave them) until the person types it ('typed', when joining or with /ten), after
-- which Telegram's names no longer overwrite it.
ALTER TABLE person ADD COLUMN name_source TEXT NOT NULL DEFAULT 'telegram'
    CHECK (name_source IN ('telegram', 'typed'));

-- What an agency writes about its own work in a period, beside its items: results,
-- shortcomings, causes and proposals. Each optional; prefilled from the agency's previous
-- report of the round.
CREATE TABLE report_narrative (
    report_id    BIGINT PRIMARY KEY REFERENCES report(id),
    results      TEXT,
    shortcomings TEXT,
    causes       TEXT,
    proposals    TEXT,
    -- The report it was first copied from (the previous period's), when it was.
    copied_from  BIGINT REFERENCES report(id),
    updated_by   BIGINT REFERENCES person(id),
    updated_at   TIMESTAMPTZ NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
