//! The same rows as the workbook, as one CSV table: for Excel set to Vietnamese, or for
//! scripts ([`CsvStyle`]).

use std::fmt::Write;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::ExportData;

/// The columns, left to right; their headers come localized in [`super::ExportText`]. `kind`
/// says which sheet the row is from (`indicator` for a metric, `narrative` for a qualitative
/// indicator, `task`, `timeliness`; these stay as they are, for filters and scripts).
/// `number` is as the plan numbers the row ("5", "5.1", or the section's number), `heading`
/// the indicator's or the section's name; `value` is as reported, `own`, `cumulative` and
/// `last_year` as derived; `at` is when the metric was reported, the task updated or the
/// report submitted; `percent` is in percent (100 = on target, or done).
pub const COLUMNS: [&str; 25] = [
    "kind",
    "period",
    "number",
    "heading",
    "code",
    "item",
    "unit",
    "target",
    "target_out_of",
    "direction",
    "value",
    "own",
    "cumulative",
    "last_year",
    "percent",
    "agency_code",
    "agency",
    "status",
    "review",
    "last_day",
    "extended_to",
    "at",
    "days_late",
    "attachments",
    "note",
];

/// How the CSV separates fields and writes decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvStyle {
    /// For Excel set to Vietnamese (its list separator is `;`, its decimal mark `,`): fields
    /// separated by `;`, decimals with `,` ("4500,5"), times as "2022-03-10 09:45:00", which
    /// such an Excel reads as dates.
    #[default]
    ExcelVn,
    /// For scripts (RFC 4180): fields separated by `,`, decimals with `.` ("4500.5"), times as
    /// ISO 8601 ("2022-03-10T09:45:00").
    Plain,
}

impl CsvStyle {
    pub fn parse(s: &str) -> Option<CsvStyle> {
        match s {
            "excel-vn" => Some(CsvStyle::ExcelVn),
            "plain" => Some(CsvStyle::Plain),
            _ => None,
        }
    }

    fn separator(self) -> char {
        match self {
            CsvStyle::ExcelVn => ';',
            CsvStyle::Plain => ',',
        }
    }
}

/// Both styles: UTF-8 with a byte-order mark (so that Excel reads the Vietnamese), the headers
/// of [`super::ExportText::csv_headers`] on the first line, CRLF between rows, a field with the
/// separator, a quote or a line break quoted (quotes doubled), numbers without grouping, dates
/// as `2022-03-14`, empty when not reported. A text field starting with `=`, `+`, `-`, `@`, a
/// tab or CR gets a leading `'` so that a spreadsheet opening the file does not run what a
/// focal point typed as a formula.
pub fn csv(data: &ExportData, style: CsvStyle) -> String {
    let rows = data.indicators.iter().map(|i| i.metrics.len() + 1).sum::<usize>()
        + data.sections.iter().map(|s| s.tasks.len()).sum::<usize>()
        + data.timeliness.len();
    let mut out = String::with_capacity(600 + rows * 220);
    out.push('\u{feff}');
    let mut w = RowWriter { out: &mut out, fields: 0, style };
    for header in &data.text.csv_headers {
        w.text(header);
    }
    w.end();
    let period = data.period.as_str();
    for ind in &data.indicators {
        for m in &ind.metrics {
            w.text("indicator").text(period).text(&m.number).text(&ind.name);
            w.text(&m.code).text(&m.name).text(&m.unit).decimal(Some(m.target));
            w.decimal(m.target_out_of).text(&m.direction).decimal(m.value);
            w.decimal(m.own).decimal(m.cumulative).decimal(m.last_year);
            w.decimal(m.percent_of_target).empty().text(&m.agency).empty().opt_text(m.review.as_deref());
            w.skip(2).datetime(m.reported_at).skip(2).opt_text(m.note.as_deref()).end();
        }
        if ind.narrative.is_some() || ind.metrics.is_empty() {
            w.text("narrative").text(period).num(ind.number).text(&ind.name).skip(12);
            w.opt_text(ind.narrative_agency.as_deref()).skip(7);
            w.opt_text(ind.narrative.as_deref()).end();
        }
    }
    for section in &data.sections {
        for task in &section.tasks {
            w.text("task").text(period).num(section.number).text(&section.heading);
            w.text(&task.code).text(&task.text).skip(8);
            match task.percent {
                Some(p) => w.num(p),
                None => w.empty(),
            };
            w.empty().text(&task.agency).opt_text(task.status.as_deref()).opt_text(task.review.as_deref());
            w.skip(2).datetime(task.updated_at).skip(2).opt_text(task.note.as_deref()).end();
        }
    }
    for t in &data.timeliness {
        w.text("timeliness").text(period).skip(13);
        w.text(&t.agency_code).text(&t.agency).text(&t.status).opt_text(t.review.as_deref());
        w.date(Some(t.last_day)).date(t.extended_to).datetime(t.submitted_at);
        match t.days_late {
            Some(days) => w.num(days),
            None => w.empty(),
        };
        if t.attachments.is_empty() {
            w.empty();
        } else {
            w.text(&t.attachments.join("\n"));
        }
        w.empty().end();
    }
    out
}

/// Writes one row field by field, straight into the output.
struct RowWriter<'a> {
    out: &'a mut String,
    fields: usize,
    style: CsvStyle,
}

impl RowWriter<'_> {
    fn sep(&mut self) {
        if self.fields > 0 {
            self.out.push(self.style.separator());
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
        if guard || s.contains([self.style.separator(), '"', '\r', '\n']) {
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
        match (d, self.style) {
            (Some(d), CsvStyle::Plain) => self.num(d.normalize()),
            (Some(d), CsvStyle::ExcelVn) => self.num(d.normalize().to_string().replace('.', ",")),
            (None, _) => self.empty(),
        }
    }

    fn date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        match d {
            Some(d) => self.num(d.format("%Y-%m-%d")),
            None => self.empty(),
        }
    }

    fn datetime(&mut self, t: Option<NaiveDateTime>) -> &mut Self {
        let format = match self.style {
            CsvStyle::ExcelVn => "%Y-%m-%d %H:%M:%S",
            CsvStyle::Plain => "%Y-%m-%dT%H:%M:%S",
        };
        match t {
            Some(t) => self.num(t.format(format)),
            None => self.empty(),
        }
    }

    fn end(&mut self) {
        debug_assert_eq!(self.fields, COLUMNS.len(), "a CSV row has {} fields", self.fields);
        self.out.push_str("\r\n");
        self.fields = 0;
    }
}
