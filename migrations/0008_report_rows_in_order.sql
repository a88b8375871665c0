-- A report's items and files are read in the order they were saved (ORDER BY id) on every
-- screen of a focal point. The unique indexes on (report_id, task_id) and the like find them,
-- but in the order of their second column, so SQLite sorted them each time (a sorter opened
-- and freed per screen, issue 13). By report alone, an index lists them by id already.
CREATE INDEX report_item_report ON report_item (report_id);
CREATE INDEX report_attachment_report ON report_attachment (report_id);
