-- Plans of other shapes (issue 9): what the plan file grew. Only columns and tables are
-- added; every new column is nullable or has a default, so the rows of an older database
-- read back as the plan they were, with nothing to fill in.

-- Short names for charts and lists.
ALTER TABLE agency ADD COLUMN short_vi TEXT;
ALTER TABLE agency ADD COLUMN short_en TEXT;

-- A task's own lead agencies (chủ trì) replace its section's assignees; co-operating agencies
-- (phối hợp) report on it too. Both JSON lists of agency or group codes.
ALTER TABLE task ADD COLUMN lead TEXT NOT NULL DEFAULT '[]';
ALTER TABLE task ADD COLUMN cooperating TEXT NOT NULL DEFAULT '[]';
-- "Chậm nhất ngày X" (the last day itself) or "trước ngày X" (the day before is the last).
ALTER TABLE task ADD COLUMN due_by TEXT;
ALTER TABLE task ADD COLUMN due_before TEXT;
-- The expected output (sản phẩm).
ALTER TABLE task ADD COLUMN output TEXT;

-- A range's high end ("6,5–7"), exact decimal text like target.
ALTER TABLE metric ADD COLUMN target_high TEXT;
-- "trên"/"dưới" and "khoảng".
ALTER TABLE metric ADD COLUMN strict INTEGER NOT NULL DEFAULT 0;
ALTER TABLE metric ADD COLUMN about INTEGER NOT NULL DEFAULT 0;
ALTER TABLE metric ADD COLUMN reduction TEXT CHECK (reduction IN ('points', 'percent'));
-- Several owners (JSON list of agency or group codes; '[]' when the metric has one agency,
-- which agency_id holds as before) and how their values combine.
ALTER TABLE metric ADD COLUMN owners TEXT NOT NULL DEFAULT '[]';
ALTER TABLE metric ADD COLUMN combine TEXT CHECK (combine IN ('each', 'sum', 'lead'));
-- "Trong đó": the code of the metric this one is part of.
ALTER TABLE metric ADD COLUMN part_of TEXT;
ALTER TABLE metric ADD COLUMN kind TEXT CHECK (kind IN ('flow', 'cumulative', 'level'));
-- Last year's figures as the plan file writes them ("6.500"; JSON {"2023-Q1": "1.400"}).
ALTER TABLE metric ADD COLUMN last_year TEXT;
ALTER TABLE metric ADD COLUMN same_period_last_year TEXT NOT NULL DEFAULT '{}';
ALTER TABLE metric ADD COLUMN estimate INTEGER NOT NULL DEFAULT 0;

-- A round limited to some sections or indicators (JSON lists of numbers; NULL for all).
ALTER TABLE reporting_round ADD COLUMN sections TEXT;
ALTER TABLE reporting_round ADD COLUMN indicators TEXT;

CREATE TABLE indicator_group (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plan(id),
    code       TEXT NOT NULL,
    name_vi    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    indicators TEXT NOT NULL,              -- JSON list of indicator numbers
    position   INTEGER NOT NULL,
    retired    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

-- Saturdays or Sundays worked to make up for a day off (làm bù): working days for reminders.
CREATE TABLE working_day (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plan(id),
    day      TEXT NOT NULL,
    name     TEXT NOT NULL,
    retired  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, day)
);
