//! The three kinds of sheet. Every format is made once per workbook ([`Formats`]).

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ColNum, Color, Format, FormatAlign, FormatBorder, RowNum, Worksheet, XlsxError};

use super::{ExportData, ExportText, TaskRow};

/// Rows 0-3 are the title lines; the headers are on row 4, frozen, with the autofilter.
pub(super) const HEADER_ROW: RowNum = 4;
/// Values are shown with as many decimals as were reported, up to this many.
const MAX_DECIMALS: usize = 6;
/// Excel's limits: characters in a cell, UTF-16 units in a sheet name.
const MAX_CELL: usize = 32_767;
const MAX_SHEET_NAME: usize = 31;

/// The title lines shared by every sheet.
pub(super) struct Top<'a> {
    pub report_title: &'a str,
    pub plan_title: &'a str,
    /// "Kỳ báo cáo: 2022-Q1 · Lập lúc: 15/03/2022 10:00".
    pub meta: String,
}

pub(super) struct Formats {
    title: Format,
    plan: Format,
    heading: Format,
    meta: Format,
    header: Format,
    text: Format,
    missing: Format,
    /// An indicator's own row above its metrics.
    group: Format,
    blank: Format,
    int: Format,
    /// `#,##0`, `#,##0.0`, ... indexed by the number of decimals.
    decimals: [Format; MAX_DECIMALS + 1],
    percent_tenths: Format,
    percent: Format,
    date: Format,
    datetime: Format,
}

impl Formats {
    pub(super) fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
            .set_align(FormatAlign::Top);
        let number = |code: &str| cell.clone().set_num_format(code);
        let decimals = std::array::from_fn(|d| match d {
            0 => number("#,##0"),
            d => number(&format!("#,##0.{}", "0".repeat(d))),
        });
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            plan: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            heading: Format::new().set_bold().set_font_size(12).set_text_wrap().set_align(FormatAlign::Top),
            meta: Format::new().set_italic().set_font_color(Color::RGB(0x595959)),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDEBF7)),
            text: cell.clone().set_text_wrap(),
            missing: cell.clone().set_italic().set_font_color(Color::RGB(0x7F7F7F)).set_text_wrap(),
            group: cell.clone().set_bold().set_text_wrap().set_background_color(Color::RGB(0xF2F2F2)),
            int: number("0"),
            decimals,
            percent_tenths: number("0.0%"),
            percent: number("0%"),
            date: number("dd/mm/yyyy"),
            datetime: number("dd/mm/yyyy hh:mm"),
            blank: cell,
        }
    }
}

/// An indicator of several metrics gets a row of its own (its number and name), then a row per
/// metric numbered by its code; an indicator of one metric gets one row under its number; a
/// qualitative indicator (or one with nothing to show) gets a row with its narrative in the
/// note column.
pub(super) fn indicators(
    ws: &mut Worksheet,
    f: &Formats,
    top: &Top,
    data: &ExportData,
) -> Result<(), XlsxError> {
    let (h, text) = (&data.text.indicator_headers, &data.text);
    let columns = [
        (h.number.as_str(), 7.0),
        (&h.indicator, 28.0),
        (&h.metric, 34.0),
        (&h.unit, 11.0),
        (&h.target, 12.0),
        (&h.target_out_of, 10.0),
        (&h.value, 12.0),
        (&h.own, 12.0),
        (&h.cumulative, 12.0),
        (&h.last_year, 12.0),
        (&h.percent_of_target, 10.0),
        (&h.direction, 12.0),
        (&h.agency, 24.0),
        (&h.review, 12.0),
        (&h.reported_at, 16.0),
        (&h.note, 36.0),
    ];
    let widths: Vec<f64> = columns.iter().map(|c| c.1).collect();
    start(ws, f, top, &text.indicators_heading, &columns)?;
    let mut row = HEADER_ROW;
    for indicator in &data.indicators {
        if indicator.metrics.len() > 1 {
            row += 1;
            let mut r = Line::new(ws, f, row, &widths);
            r.text_with(0, &indicator.number.to_string(), &f.group)?;
            r.text_with(1, &indicator.name, &f.group)?;
            for col in 2..columns.len() {
                r.ws.write_blank(row, col as ColNum, &f.group)?;
            }
            r.finish()?;
        }
        for m in &indicator.metrics {
            row += 1;
            let mut r = Line::new(ws, f, row, &widths);
            r.text(0, &m.number)?;
            r.text(1, &indicator.name)?;
            r.text(2, &m.name)?;
            r.text(3, &m.unit)?;
            r.decimal(4, Some(m.target))?;
            r.decimal(5, m.target_out_of)?;
            match m.value {
                Some(value) => r.decimal(6, Some(value))?,
                None => r.missing(6, text)?,
            }
            r.decimal(7, m.own)?;
            r.decimal(8, m.cumulative)?;
            r.decimal(9, m.last_year)?;
            match m.percent_of_target.and_then(|p| p.to_f64()) {
                Some(p) => r.ws.write_number_with_format(row, 10, p / 100.0, &f.percent_tenths)?,
                None => r.ws.write_blank(row, 10, &f.blank)?,
            };
            r.text(11, &m.direction)?;
            r.text(12, &m.agency)?;
            r.opt_text(13, m.review.as_deref())?;
            write_datetime(r.ws, f, row, 14, m.reported_at)?;
            r.opt_text(15, m.note.as_deref())?;
            r.finish()?;
        }
        if indicator.narrative.is_some() || indicator.metrics.is_empty() {
            row += 1;
            let mut r = Line::new(ws, f, row, &widths);
            r.text(0, &indicator.number.to_string())?;
            r.text(1, &indicator.name)?;
            r.text(2, &text.narrative)?;
            for col in [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14] {
                r.ws.write_blank(row, col, &f.blank)?;
            }
            r.opt_text(12, indicator.narrative_agency.as_deref())?;
            match &indicator.narrative {
                Some(narrative) => r.text(15, narrative)?,
                None => r.missing(15, text)?,
            }
            r.finish()?;
        }
    }
    finish(ws, row, columns.len())
}

/// Every task of one section, in the given order.
pub(super) fn section(
    ws: &mut Worksheet,
    f: &Formats,
    top: &Top,
    heading: &str,
    tasks: &[TaskRow],
    text: &ExportText,
) -> Result<(), XlsxError> {
    let h = &text.task_headers;
    let columns = [
        (h.code.as_str(), 8.0),
        (&h.task, 60.0),
        (&h.agency, 24.0),
        (&h.status, 16.0),
        (&h.percent, 11.0),
        (&h.note, 40.0),
        (&h.review, 12.0),
        (&h.updated_at, 16.0),
    ];
    let widths: Vec<f64> = columns.iter().map(|c| c.1).collect();
    start(ws, f, top, heading, &columns)?;
    let mut row = HEADER_ROW;
    for task in tasks {
        row += 1;
        let mut r = Line::new(ws, f, row, &widths);
        r.text(0, &task.code)?;
        r.text(1, &task.text)?;
        r.text(2, &task.agency)?;
        match &task.status {
            Some(status) => r.text(3, status)?,
            None => r.missing(3, text)?,
        }
        match task.percent {
            Some(p) => r.ws.write_number_with_format(row, 4, f64::from(p) / 100.0, &f.percent)?,
            None => r.ws.write_blank(row, 4, &f.blank)?,
        };
        r.opt_text(5, task.note.as_deref())?;
        r.opt_text(6, task.review.as_deref())?;
        write_datetime(r.ws, f, row, 7, task.updated_at)?;
        r.finish()?;
    }
    finish(ws, row, columns.len())
}

/// One row per agency: deadline, extension, submission, status, days late, review, files.
pub(super) fn timeliness(
    ws: &mut Worksheet,
    f: &Formats,
    top: &Top,
    data: &ExportData,
) -> Result<(), XlsxError> {
    let h = &data.text.timeliness_headers;
    let columns = [
        (h.agency_code.as_str(), 12.0),
        (&h.agency, 36.0),
        (&h.last_day, 13.0),
        (&h.extended_to, 13.0),
        (&h.submitted_at, 17.0),
        (&h.status, 16.0),
        (&h.days_late, 11.0),
        (&h.review, 12.0),
        (&h.attachments, 36.0),
    ];
    let widths: Vec<f64> = columns.iter().map(|c| c.1).collect();
    start(ws, f, top, &data.text.timeliness_heading, &columns)?;
    let mut row = HEADER_ROW;
    for t in &data.timeliness {
        row += 1;
        let mut r = Line::new(ws, f, row, &widths);
        r.text(0, &t.agency_code)?;
        r.text(1, &t.agency)?;
        write_date(r.ws, f, row, 2, Some(t.last_day))?;
        write_date(r.ws, f, row, 3, t.extended_to)?;
        write_datetime(r.ws, f, row, 4, t.submitted_at)?;
        r.text(5, &t.status)?;
        match t.days_late {
            Some(days) => r.ws.write_number_with_format(row, 6, days as f64, &f.int)?,
            None => r.ws.write_blank(row, 6, &f.blank)?,
        };
        r.opt_text(7, t.review.as_deref())?;
        if t.attachments.is_empty() {
            r.ws.write_blank(row, 8, &f.blank)?;
        } else {
            r.text(8, &t.attachments.join("\n"))?;
        }
        r.finish()?;
    }
    finish(ws, row, columns.len())
}

/// One data row being written: it counts the lines its wrapped texts take, and sets its height
/// to fit them when done. Excel fits a row to its wrapped text when it opens the file, but
/// LibreOffice keeps the default height and overprints the next rows, so the height is written.
struct Line<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
    row: RowNum,
    widths: &'a [f64],
    lines: usize,
}

impl<'a> Line<'a> {
    fn new(ws: &'a mut Worksheet, f: &'a Formats, row: RowNum, widths: &'a [f64]) -> Self {
        Line { ws, f, row, widths, lines: 1 }
    }

    fn text(&mut self, col: ColNum, s: &str) -> Result<(), XlsxError> {
        let format = &self.f.text;
        self.text_with(col, s, format)
    }

    fn text_with(&mut self, col: ColNum, s: &str, format: &Format) -> Result<(), XlsxError> {
        let s = clip(s);
        self.lines = self.lines.max(wrapped_lines(s, self.widths[col as usize]));
        self.ws.write_string_with_format(self.row, col, s, format)?;
        Ok(())
    }

    fn opt_text(&mut self, col: ColNum, s: Option<&str>) -> Result<(), XlsxError> {
        match s {
            Some(s) => self.text(col, s),
            None => self.ws.write_blank(self.row, col, &self.f.blank).map(|_| ()),
        }
    }

    fn missing(&mut self, col: ColNum, text: &ExportText) -> Result<(), XlsxError> {
        self.lines = self.lines.max(wrapped_lines(&text.not_reported, self.widths[col as usize]));
        self.ws.write_string_with_format(self.row, col, clip(&text.not_reported), &self.f.missing)?;
        Ok(())
    }

    fn decimal(&mut self, col: ColNum, value: Option<Decimal>) -> Result<(), XlsxError> {
        write_decimal(self.ws, self.f, self.row, col, value)
    }

    fn finish(self) -> Result<(), XlsxError> {
        if self.lines > 1 {
            self.ws.set_row_height(self.row, row_height(self.lines))?;
        }
        Ok(())
    }
}

/// The height of a row of `lines` lines of the default 11 pt font, in points (Excel's limit is
/// 409).
pub(super) fn row_height(lines: usize) -> f64 {
    (lines as f64 * LINE_HEIGHT + 3.0).min(409.0)
}

/// Points per line of the default font (Calibri 11, Carlito in LibreOffice).
pub(super) const LINE_HEIGHT: f64 = 15.0;

/// How many lines `text` takes when wrapped in a column `width` characters wide (Excel's unit,
/// the width of a digit of the default font). Words are wrapped greedily as a spreadsheet does;
/// a word longer than a line is broken. A character is counted 1.1 digits wide, as the average
/// Vietnamese letter is a little wider than a digit, and a cell loses about one digit of width
/// to its padding.
pub(super) fn wrapped_lines(text: &str, width: f64) -> usize {
    const CHAR: f64 = 1.1;
    let room = (width - 1.0).max(CHAR);
    // Most cells are short: a text has no more characters than bytes.
    if text.len() as f64 * CHAR <= room && !text.contains('\n') {
        return 1;
    }
    let mut lines = 0;
    for paragraph in text.split('\n') {
        lines += 1;
        let mut used = 0.0;
        for word in paragraph.split(' ') {
            let w = word.chars().count() as f64 * CHAR;
            let needed = if used > 0.0 { used + CHAR + w } else { w };
            if needed <= room {
                used = needed;
            } else {
                if used > 0.0 {
                    lines += 1;
                }
                // A word longer than a line takes whole lines, the rest starts the next.
                let whole = (w / room).floor();
                lines += whole as usize;
                used = w - whole * room;
                if used == 0.0 && whole > 0.0 {
                    lines -= 1;
                    used = room;
                }
            }
        }
    }
    lines.max(1)
}

/// Title lines, headers, widths, frozen header row, printing on A4 landscape one page wide.
fn start(
    ws: &mut Worksheet,
    f: &Formats,
    top: &Top,
    heading: &str,
    columns: &[(&str, f64)],
) -> Result<(), XlsxError> {
    let last = columns.len() as ColNum - 1;
    let total_width: f64 = columns.iter().map(|c| c.1).sum();
    ws.merge_range(0, 0, 0, last, top.report_title, &f.title)?;
    ws.merge_range(1, 0, 1, last, top.plan_title, &f.plan)?;
    ws.merge_range(2, 0, 2, last, clip(heading), &f.heading)?;
    ws.merge_range(3, 0, 3, last, &top.meta, &f.meta)?;
    // Excel does not fit merged cells' heights to wrapped text: size them from the length.
    ws.set_row_height(0, 20)?;
    ws.set_row_height(1, wrapped_height(top.plan_title, total_width, 15.0))?;
    ws.set_row_height(2, wrapped_height(heading, total_width, 16.5))?;
    for (col, &(header, width)) in columns.iter().enumerate() {
        ws.set_column_width(col as ColNum, width)?;
        ws.write_string_with_format(HEADER_ROW, col as ColNum, clip(header), &f.header)?;
    }
    // Headers are bold: counted a little narrower than their columns.
    let header_lines = columns.iter().map(|&(h, w)| wrapped_lines(h, w * 0.9)).max().unwrap_or(1);
    ws.set_row_height(HEADER_ROW, row_height(header_lines).max(32.0))?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}

fn finish(ws: &mut Worksheet, last_row: RowNum, columns: usize) -> Result<(), XlsxError> {
    ws.autofilter(HEADER_ROW, 0, last_row, columns as ColNum - 1)?;
    Ok(())
}

/// A title line's height: merged cells are never fitted to their text, by Excel either.
fn wrapped_height(text: &str, width_in_chars: f64, line_height: f64) -> f64 {
    (wrapped_lines(text, width_in_chars) as f64 * line_height).min(409.0)
}

/// A number with as many decimals shown as it has (60,26 stays 60,26; 9.002 shows no ",00").
fn write_decimal(
    ws: &mut Worksheet,
    f: &Formats,
    row: RowNum,
    col: ColNum,
    value: Option<Decimal>,
) -> Result<(), XlsxError> {
    match value.and_then(|v| v.to_f64().map(|x| (x, v.normalize().scale() as usize))) {
        Some((x, decimals)) => {
            ws.write_number_with_format(row, col, x, &f.decimals[decimals.min(MAX_DECIMALS)])
        }
        None => ws.write_blank(row, col, &f.blank),
    }
    .map(|_| ())
}

fn write_date(
    ws: &mut Worksheet,
    f: &Formats,
    row: RowNum,
    col: ColNum,
    value: Option<NaiveDate>,
) -> Result<(), XlsxError> {
    match value {
        Some(d) => ws.write_date_with_format(row, col, d, &f.date),
        None => ws.write_blank(row, col, &f.blank),
    }
    .map(|_| ())
}

fn write_datetime(
    ws: &mut Worksheet,
    f: &Formats,
    row: RowNum,
    col: ColNum,
    value: Option<NaiveDateTime>,
) -> Result<(), XlsxError> {
    match value {
        Some(t) => ws.write_datetime_with_format(row, col, t, &f.datetime),
        None => ws.write_blank(row, col, &f.blank),
    }
    .map(|_| ())
}

/// `s` cut to what an Excel cell holds (32,767 UTF-16 units).
pub(super) fn clip(s: &str) -> &str {
    if s.len() <= MAX_CELL {
        return s; // UTF-8 never has fewer bytes than UTF-16 units
    }
    cut_utf16(s, MAX_CELL)
}

fn cut_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

/// Valid, unique sheet names: at most 31 characters, none of `[]:*?/\`, no apostrophe at
/// either end, unique ignoring case (as Excel compares them), never "History".
pub(super) struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    pub(super) fn with_capacity(n: usize) -> Self {
        SheetNames { taken: HashSet::with_capacity(n) }
    }

    pub(super) fn unique(&mut self, wanted: &str) -> String {
        let base = sanitize(wanted);
        let mut name = base.clone();
        let mut k = 1;
        while !self.taken.insert(name.to_lowercase()) || name.eq_ignore_ascii_case("history") {
            k += 1;
            let suffix = format!(" ({k})");
            let stem = cut_words(&base, MAX_SHEET_NAME - suffix.len());
            name = format!("{stem}{suffix}");
        }
        name
    }
}

fn sanitize(wanted: &str) -> String {
    let mut clean = String::with_capacity(wanted.len());
    for ch in wanted.chars() {
        let ch = match ch {
            '/' | '\\' => '-',
            '[' | ']' | ':' | '*' | '?' => ' ',
            c if c.is_whitespace() || c.is_control() => ' ',
            c => c,
        };
        if !(ch == ' ' && (clean.is_empty() || clean.ends_with(' '))) {
            clean.push(ch);
        }
    }
    let cut = cut_words(clean.trim().trim_matches('\'').trim(), MAX_SHEET_NAME).trim_end_matches('\'');
    if cut.trim().is_empty() { "Sheet".to_string() } else { cut.to_string() }
}

/// `s` cut to `max` UTF-16 units, at a space when one is in the second half, without a
/// dangling separator: "2. Sở Tài chính chủ trì, phối", not "…, phối h".
fn cut_words(s: &str, max: usize) -> &str {
    let cut = cut_utf16(s, max);
    if cut.len() == s.len() {
        return s;
    }
    let mid_word = !s[cut.len()..].starts_with(char::is_whitespace);
    let cut = match cut.rfind(' ') {
        Some(i) if mid_word && i > cut.len() / 2 => &cut[..i],
        _ => cut,
    };
    cut.trim_end_matches([' ', ',', ';', '-', '.'])
}
