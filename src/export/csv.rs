//! The same rows as the workbook, as one CSV table for scripts.

use std::fmt::Write;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::ExportData;

/// Stable column keys (not localized: scripts read them). `kind` says which sheet the row is
/// from: `indicator` (one metric), `narrative` (a qualitative indicator), `task`, `timeliness`.
/// `number` is the indicator's or the section's number, `heading` its name; `at` is when the
/// metric was reported, the task updated or the report submitted; `percent` is in percent
/// (100 = on target, or done).
pub const HEADER: &str = "kind,period,number,heading,code,item,unit,target,target_out_of,direction,\
value,percent,agency_code,agency,status,last_day,extended_to,at,days_late,note";
const COLUMNS: usize = 20;

/// RFC 4180 (comma, CRLF, fields with a comma, quote or line break quoted, quotes doubled),
/// UTF-8 with a byte-order mark so that Excel reads the Vietnamese, ISO dates
/// (`2022-03-14`, `2022-03-14T10:30:00`), numbers with '.' and no grouping, empty when not
/// reported. A text field starting with `=`, `+`, `-`, `@`, a tab or CR gets a leading `'` so that a
/// spreadsheet opening the file does not run what a focal point typed as a formula.
pub fn csv(data: &ExportData) -> String {
    let rows = data.indicators.iter().map(|i| i.metrics.len() + 1).sum::<usize>()
        + data.sections.iter().map(|s| s.tasks.len()).sum::<usize>()
        + data.timeliness.len();
    let mut out = String::with_capacity(HEADER.len() + 3 + rows * 200);
    out.push('\u{feff}');
    out.push_str(HEADER);
    out.push_str("\r\n");
    let mut w = RowWriter { out: &mut out, fields: 0 };
    let period = data.period.as_str();
    for ind in &data.indicators {
        for m in &ind.metrics {
            w.text("indicator").text(period).num(ind.number).text(&ind.name);
            w.text(&m.code).text(&m.name).text(&m.unit).decimal(Some(m.target));
            w.decimal(m.target_out_of).text(&m.direction).decimal(m.value);
            w.decimal(m.percent_of_target).empty().text(&m.agency).empty().empty().empty();
            w.datetime(m.reported_at).empty().opt_text(m.note.as_deref()).end();
        }
        if ind.narrative.is_some() || ind.metrics.is_empty() {
            w.text("narrative").text(period).num(ind.number).text(&ind.name).skip(9);
            w.opt_text(ind.narrative_agency.as_deref()).skip(5);
            w.opt_text(ind.narrative.as_deref()).end();
        }
    }
    for section in &data.sections {
        for task in &section.tasks {
            w.text("task").text(period).num(section.number).text(&section.heading);
            w.text(&task.code).text(&task.text).skip(5);
            match task.percent {
                Some(p) => w.num(p),
                None => w.empty(),
            };
            w.empty().text(&task.agency).opt_text(task.status.as_deref()).skip(2);
            w.datetime(task.updated_at).empty().opt_text(task.note.as_deref()).end();
        }
    }
    for t in &data.timeliness {
        w.text("timeliness").text(period).skip(10);
        w.text(&t.agency_code).text(&t.agency).text(&t.status);
        w.date(Some(t.last_day)).date(t.extended_to).datetime(t.submitted_at);
        match t.days_late {
            Some(days) => w.num(days),
            None => w.empty(),
        };
        w.empty().end();
    }
    out
}

/// Writes one row field by field, straight into the output.
struct RowWriter<'a> {
    out: &'a mut String,
    fields: usize,
}

impl RowWriter<'_> {
    fn sep(&mut self) {
        if self.fields > 0 {
            self.out.push(',');
        }
        self.fields += 1;
    }

    fn empty(&mut self) -> &mut Self {
        self.sep();
        self
    }

    fn skip(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.sep();
        }
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        let guard = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
        if guard || s.contains([',', '"', '\r', '\n']) {
            self.out.push('"');
            if guard {
                self.out.push('\'');
            }
            for ch in s.chars() {
                if ch == '"' {
                    self.out.push('"');
                }
                self.out.push(ch);
            }
            self.out.push('"');
        } else {
            self.out.push_str(s);
        }
        self
    }

    fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.empty(),
        }
    }

    fn num(&mut self, n: impl std::fmt::Display) -> &mut Self {
        self.sep();
        let _ = write!(self.out, "{n}");
        self
    }

    fn decimal(&mut self, d: Option<Decimal>) -> &mut Self {
        match d {
            Some(d) => self.num(d.normalize()),
            None => self.empty(),
        }
    }

    fn date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        match d {
            Some(d) => self.num(d.format("%Y-%m-%d")),
            None => self.empty(),
        }
    }

    fn datetime(&mut self, t: Option<NaiveDateTime>) -> &mut Self {
        match t {
            Some(t) => self.num(t.format("%Y-%m-%dT%H:%M:%S")),
            None => self.empty(),
        }
    }

    fn end(&mut self) {
        debug_assert_eq!(self.fields, COLUMNS, "a CSV row has {} fields", self.fields);
        self.out.push_str("\r\n");
        self.fields = 0;
    }
}
