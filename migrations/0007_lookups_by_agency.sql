-- What a focal point's screens look up by their agency: its reports and extensions of the
-- periods open, by the agency's code. Without these, every menu read every report of every
-- agency (SCAN report, issue 13): O(reports) per screen, a few thousand rows a quarter.
CREATE INDEX agency_code ON agency (code);
CREATE INDEX report_agency ON report (agency_id, period);
CREATE INDEX deadline_extension_agency ON deadline_extension (agency_id, period);
