//! The consolidated quarterly report for the provincial People's Committee: one Excel workbook
//! (a sheet of the indicators, a sheet per section of tasks, a timeliness sheet) and a CSV of
//! the same rows for scripts.
//!
//! Plain data in, bytes out: no Telegram, no SQL, no clock, no locale look-ups. Every text a
//! person reads comes in [`ExportText`], localized by the caller.
//!
//! In the workbook numbers are numbers (shown with as many decimals as were reported, grouped:
//! a Vietnamese-locale Excel shows 9.002 and 60,26), percents are Excel percents (the cell holds
//! 0.955 and shows 95,5%), dates and times are Excel dates.

mod csv;
pub mod docx;
mod sheets;

use std::fmt::Write;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};

pub use csv::{COLUMNS as CSV_COLUMNS, CsvStyle, csv};
use sheets::{Formats, SheetNames, Top};

#[derive(Debug, Clone, PartialEq)]
pub struct ExportData {
    /// "09/KH-UBND".
    pub plan_code: String,
    pub plan_title: String,
    /// "2022-Q1".
    pub period: String,
    /// When the report was made, local time of the plan.
    pub generated: NaiveDateTime,
    /// Which earlier plan versions the answers were filed under, when not the current one.
    pub answered_under: Option<String>,
    pub indicators: Vec<IndicatorRows>,
    pub sections: Vec<SectionRows>,
    pub timeliness: Vec<TimelinessRow>,
    pub text: ExportText,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRows {
    pub number: u32,
    pub name: String,
    pub metrics: Vec<MetricRow>,
    /// The latest narrative of a qualitative indicator.
    pub narrative: Option<String>,
    pub narrative_agency: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    /// As the plan numbers it: the indicator's number for its only metric ("1"), the metric's
    /// code for one of several ("5.1").
    pub number: String,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub target: Decimal,
    /// "36 of 51 communes": the 51.
    pub target_out_of: Option<Decimal>,
    /// Already a label ("Tối thiểu", ...).
    pub direction: String,
    /// As reported for the period.
    pub value: Option<Decimal>,
    /// The period's own figure, the cumulative one since January and last year's at the same
    /// point, as far as they can be derived ([`crate::domain::figures`]).
    pub own: Option<Decimal>,
    pub cumulative: Option<Decimal>,
    pub last_year: Option<Decimal>,
    /// The figure to date in percent of the year's target: 100 = on target.
    pub percent_of_target: Option<Decimal>,
    pub agency: String,
    /// The review state of the report the value is from (a label).
    pub review: Option<String>,
    pub reported_at: Option<NaiveDateTime>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionRows {
    pub number: u32,
    pub heading: String,
    pub tasks: Vec<TaskRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// The section id, "2.a".
    pub code: String,
    pub text: String,
    pub agency: String,
    /// A label; `None` = not reported.
    pub status: Option<String>,
    /// 0..=100.
    pub percent: Option<u8>,
    pub note: Option<String>,
    /// The review state of the report the status is from (a label).
    pub review: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessRow {
    pub agency_code: String,
    pub agency: String,
    pub last_day: NaiveDate,
    pub extended_to: Option<NaiveDate>,
    pub submitted_at: Option<NaiveDateTime>,
    /// A label.
    pub status: String,
    pub days_late: Option<i64>,
    /// The review state of the agency's report (a label); `None` when it has none.
    pub review: Option<String>,
    /// The names of the files attached to the report.
    pub attachments: Vec<String>,
}

/// Every text of the workbook a person reads, localized by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportText {
    /// Sheet names (cut to Excel's 31 characters, made unique).
    pub indicators_sheet: String,
    pub timeliness_sheet: String,
    /// First line of every sheet, e.g. "BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH 09/KH-UBND".
    /// The plan title follows on the second line, the sheet's own heading on the third.
    pub report_title: String,
    /// Third line of the indicators sheet, e.g. "Các chỉ tiêu chủ yếu".
    pub indicators_heading: String,
    /// Third line of the timeliness sheet, e.g. "Tình hình gửi báo cáo".
    pub timeliness_heading: String,
    /// "Kỳ báo cáo": the fourth line reads "Kỳ báo cáo: 2022-Q1 · Lập lúc: 15/03/2022 10:00".
    pub period_label: String,
    /// The period as people write it ("quý I/2022"), shown in the sheets; the code stays in
    /// file names and the CSV. Empty: the code is shown.
    pub period_words: String,
    /// "Lập lúc".
    pub generated_label: String,
    /// In place of a value, a status or a narrative nobody reported: "Chưa báo cáo".
    pub not_reported: String,
    /// The metric column of a qualitative indicator's row: "Đánh giá".
    pub narrative: String,
    pub indicator_headers: IndicatorHeaders,
    pub task_headers: TaskHeaders,
    pub timeliness_headers: TimelinessHeaders,
    /// The CSV's header row, one per column ([`csv::COLUMNS`]).
    pub csv_headers: Vec<String>,
}

/// Column headers of the indicators sheet, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorHeaders {
    /// "STT".
    pub number: String,
    pub indicator: String,
    pub metric: String,
    pub unit: String,
    pub target: String,
    /// "Trên tổng số".
    pub target_out_of: String,
    pub value: String,
    pub own: String,
    pub cumulative: String,
    pub last_year: String,
    pub percent_of_target: String,
    pub direction: String,
    pub agency: String,
    pub review: String,
    pub reported_at: String,
    pub note: String,
}

/// Column headers of a section sheet, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskHeaders {
    pub code: String,
    pub task: String,
    pub agency: String,
    pub status: String,
    pub percent: String,
    pub note: String,
    pub review: String,
    pub updated_at: String,
}

/// Column headers of the timeliness sheet, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessHeaders {
    pub agency_code: String,
    pub agency: String,
    pub last_day: String,
    pub extended_to: String,
    pub submitted_at: String,
    pub status: String,
    pub days_late: String,
    pub review: String,
    pub attachments: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the Excel workbook failed: {0}")]
    Xlsx(#[from] XlsxError),
}

/// The workbook: the indicators sheet, one sheet per section in the given order, the timeliness
/// sheet; 2 + sections sheets in all.
pub fn xlsx(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    let text = &data.text;
    let formats = Formats::new();
    let top = Top {
        report_title: sheets::clip(&text.report_title),
        plan_title: sheets::clip(&data.plan_title),
        meta: format!(
            "{}: {} · {}{}: {}",
            text.period_label,
            if text.period_words.is_empty() { &data.period } else { &text.period_words },
            data.answered_under.as_ref().map(|a| format!("{a} · ")).unwrap_or_default(),
            text.generated_label,
            data.generated.format("%d/%m/%Y %H:%M")
        ),
    };
    let mut names = SheetNames::with_capacity(data.sections.len() + 2);
    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title(format!("{} {}", data.plan_code, data.period))
        .set_subject(data.plan_title.as_str())
        .set_creation_datetime(&data.generated);
    workbook.set_properties(&properties);

    let sheet = workbook.add_worksheet().set_name(names.unique(&text.indicators_sheet))?;
    sheets::indicators(sheet, &formats, &top, data)?;
    let mut heading = String::new();
    for section in &data.sections {
        heading.clear();
        let _ = write!(heading, "{}. {}", section.number, section.heading);
        let sheet = workbook.add_worksheet().set_name(names.unique(&heading))?;
        sheets::section(sheet, &formats, &top, &heading, &section.tasks, text)?;
    }
    let sheet = workbook.add_worksheet().set_name(names.unique(&text.timeliness_sheet))?;
    sheets::timeliness(sheet, &formats, &top, data)?;
    Ok(workbook.save_to_buffer()?)
}

/// "09-KH-UBND_2022-Q1.xlsx": letters, digits, '-', '_' and '.' only (no '/', no spaces), so
/// that the name is safe for Telegram and every file system.
pub fn file_name(plan_code: &str, period: &str, ext: &str) -> String {
    let mut name = String::with_capacity(plan_code.len() + period.len() + ext.len() + 2);
    push_safe(&mut name, plan_code);
    if !name.is_empty() && !period.is_empty() {
        name.push('_');
    }
    push_safe(&mut name, period);
    if name.is_empty() {
        name.push_str("dondoc");
    }
    let ext = ext.trim_start_matches('.');
    if !ext.is_empty() {
        name.push('.');
        push_safe(&mut name, ext);
    }
    name
}

/// Appends `part` with every unsafe run of characters as one '-', none at either end.
fn push_safe(out: &mut String, part: &str) {
    let start = out.len();
    for ch in part.chars() {
        if ch.is_alphanumeric() || ch == '_' || (ch == '.' && out.len() > start) {
            out.push(ch);
        } else if out.len() > start && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.len() > start && (out.ends_with('-') || out.ends_with('.')) {
        out.pop();
    }
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
