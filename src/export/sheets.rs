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

/// One row per metric; a qualitative indicator (or one with nothing to show) gets a row with
/// its narrative in the note column.
pub(super) fn indicators(
    ws: &mut Worksheet,
    f: &Formats,
    top: &Top,
    data: &ExportData,
) -> Result<(), XlsxError> {
    let (h, text) = (&data.text.indicator_headers, &data.text);
    let columns = [
        (h.number.as_str(), 6.0),
        (&h.indicator, 30.0),
        (&h.code, 9.0),
        (&h.metric, 36.0),
        (&h.unit, 11.0),
        (&h.target, 13.0),
        (&h.target_out_of, 10.0),
        (&h.value, 13.0),
        (&h.percent_of_target, 11.0),
        (&h.direction, 13.0),
        (&h.agency, 24.0),
        (&h.reported_at, 16.0),
        (&h.note, 36.0),
    ];
    start(ws, f, top, &text.indicators_heading, &columns)?;
    let mut row = HEADER_ROW;
    for indicator in &data.indicators {
        for m in &indicator.metrics {
            row += 1;
            ws.write_number_with_format(row, 0, indicator.number, &f.int)?;
            write_text(ws, f, row, 1, &indicator.name)?;
            write_text(ws, f, row, 2, &m.code)?;
            write_text(ws, f, row, 3, &m.name)?;
            write_text(ws, f, row, 4, &m.unit)?;
            write_decimal(ws, f, row, 5, Some(m.target))?;
            write_decimal(ws, f, row, 6, m.target_out_of)?;
            match m.value {
                Some(value) => write_decimal(ws, f, row, 7, Some(value))?,
                None => write_missing(ws, f, row, 7, text)?,
            }
            match m.percent_of_target.and_then(|p| p.to_f64()) {
                Some(p) => ws.write_number_with_format(row, 8, p / 100.0, &f.percent_tenths)?,
                None => ws.write_blank(row, 8, &f.blank)?,
            };
            write_text(ws, f, row, 9, &m.direction)?;
            write_text(ws, f, row, 10, &m.agency)?;
            write_datetime(ws, f, row, 11, m.reported_at)?;
            write_opt_text(ws, f, row, 12, m.note.as_deref())?;
        }
        if indicator.narrative.is_some() || indicator.metrics.is_empty() {
            row += 1;
            ws.write_number_with_format(row, 0, indicator.number, &f.int)?;
            write_text(ws, f, row, 1, &indicator.name)?;
            write_text(ws, f, row, 3, &text.narrative)?;
            for col in [2, 4, 5, 6, 7, 8, 9, 11] {
                ws.write_blank(row, col, &f.blank)?;
            }
            write_opt_text(ws, f, row, 10, indicator.narrative_agency.as_deref())?;
            match &indicator.narrative {
                Some(narrative) => write_text(ws, f, row, 12, narrative)?,
                None => write_missing(ws, f, row, 12, text)?,
            }
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
        (&h.updated_at, 16.0),
    ];
    start(ws, f, top, heading, &columns)?;
    let mut row = HEADER_ROW;
    for task in tasks {
        row += 1;
        write_text(ws, f, row, 0, &task.code)?;
        write_text(ws, f, row, 1, &task.text)?;
        write_text(ws, f, row, 2, &task.agency)?;
        match &task.status {
            Some(status) => write_text(ws, f, row, 3, status)?,
            None => write_missing(ws, f, row, 3, text)?,
        }
        match task.percent {
            Some(p) => ws.write_number_with_format(row, 4, f64::from(p) / 100.0, &f.percent)?,
            None => ws.write_blank(row, 4, &f.blank)?,
        };
        write_opt_text(ws, f, row, 5, task.note.as_deref())?;
        write_datetime(ws, f, row, 6, task.updated_at)?;
    }
    finish(ws, row, columns.len())
}

/// One row per agency: deadline, extension, submission, status, days late.
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
    ];
    start(ws, f, top, &data.text.timeliness_heading, &columns)?;
    let mut row = HEADER_ROW;
    for t in &data.timeliness {
        row += 1;
        write_text(ws, f, row, 0, &t.agency_code)?;
        write_text(ws, f, row, 1, &t.agency)?;
        write_date(ws, f, row, 2, Some(t.last_day))?;
        write_date(ws, f, row, 3, t.extended_to)?;
        write_datetime(ws, f, row, 4, t.submitted_at)?;
        write_text(ws, f, row, 5, &t.status)?;
        match t.days_late {
            Some(days) => ws.write_number_with_format(row, 6, days as f64, &f.int)?,
            None => ws.write_blank(row, 6, &f.blank)?,
        };
    }
    finish(ws, row, columns.len())
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
    ws.set_row_height(HEADER_ROW, 32)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}

fn finish(ws: &mut Worksheet, last_row: RowNum, columns: usize) -> Result<(), XlsxError> {
    ws.autofilter(HEADER_ROW, 0, last_row, columns as ColNum - 1)?;
    Ok(())
}

fn wrapped_height(text: &str, width_in_chars: f64, line_height: f64) -> f64 {
    let lines = (text.chars().count() as f64 * 1.1 / width_in_chars).ceil().max(1.0);
    lines.min(8.0) * line_height
}

fn write_text(ws: &mut Worksheet, f: &Formats, row: RowNum, col: ColNum, s: &str) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, clip(s), &f.text)?;
    Ok(())
}

fn write_opt_text(
    ws: &mut Worksheet,
    f: &Formats,
    row: RowNum,
    col: ColNum,
    s: Option<&str>,
) -> Result<(), XlsxError> {
    match s {
        Some(s) => write_text(ws, f, row, col, s),
        None => ws.write_blank(row, col, &f.blank).map(|_| ()),
    }
}

fn write_missing(
    ws: &mut Worksheet,
    f: &Formats,
    row: RowNum,
    col: ColNum,
    text: &ExportText,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, clip(&text.not_reported), &f.missing)?;
    Ok(())
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
