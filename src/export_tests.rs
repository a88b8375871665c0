use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::sheets::{HEADER_ROW, SheetNames};
use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn text() -> ExportText {
    ExportText {
        indicators_sheet: s("Chỉ tiêu"),
        timeliness_sheet: s("Tình hình báo cáo"),
        report_title: s("BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH 09/KH-UBND"),
        indicators_heading: s("Các chỉ tiêu chủ yếu"),
        timeliness_heading: s("Tình hình gửi báo cáo"),
        period_label: s("Kỳ báo cáo"),
        period_words: s("quý I/2022"),
        generated_label: s("Lập lúc"),
        not_reported: s("Chưa báo cáo"),
        narrative: s("Đánh giá"),
        indicator_headers: IndicatorHeaders {
            number: s("STT"),
            indicator: s("Chỉ tiêu"),
            metric: s("Nội dung"),
            unit: s("Đơn vị tính"),
            target: s("Kế hoạch"),
            target_out_of: s("Trên tổng số"),
            value: s("Số liệu báo cáo"),
            own: s("Kỳ này"),
            cumulative: s("Lũy kế từ đầu năm"),
            last_year: s("Cùng kỳ năm trước"),
            percent_of_target: s("% kế hoạch"),
            direction: s("Yêu cầu"),
            agency: s("Đơn vị báo cáo"),
            review: s("Duyệt"),
            reported_at: s("Thời điểm báo cáo"),
            note: s("Ghi chú"),
        },
        task_headers: TaskHeaders {
            code: s("Mục"),
            task: s("Nhiệm vụ"),
            agency: s("Đơn vị thực hiện"),
            status: s("Tình trạng"),
            percent: s("% hoàn thành"),
            note: s("Ghi chú"),
            review: s("Duyệt"),
            updated_at: s("Cập nhật"),
        },
        timeliness_headers: TimelinessHeaders {
            agency_code: s("Mã đơn vị"),
            agency: s("Đơn vị"),
            last_day: s("Hạn báo cáo"),
            extended_to: s("Gia hạn đến"),
            submitted_at: s("Thời điểm gửi"),
            status: s("Tình trạng"),
            days_late: s("Số ngày trễ"),
            review: s("Duyệt"),
            attachments: s("Tệp đính kèm"),
        },
        csv_headers: CSV_COLUMNS.iter().map(|c| format!("Cột {c}")).collect(),
    }
}

fn metric(code: &str, target: &str, value: Option<&str>, percent: Option<&str>) -> MetricRow {
    MetricRow {
        number: s(code),
        code: s(code),
        name: format!("Chỉ số {code}"),
        unit: s("tỷ đồng"),
        target: d(target),
        target_out_of: None,
        direction: s("Tối thiểu"),
        value: value.map(d),
        own: value.map(d),
        cumulative: value.map(d),
        last_year: None,
        percent_of_target: percent.map(d),
        agency: s("Sở Tài chính"),
        review: value.map(|_| s("Chờ duyệt")),
        reported_at: value.map(|_| at("2022-03-10 09:45")),
        note: None,
    }
}

fn task(code: &str, status: Option<&str>, percent: Option<u8>) -> TaskRow {
    TaskRow {
        code: s(code),
        text: format!("Nhiệm vụ {code}: triển khai, đôn đốc"),
        agency: s("Sở Kế hoạch và Đầu tư"),
        status: status.map(s),
        percent,
        note: None,
        review: status.map(|_| s("Đã duyệt")),
        updated_at: status.map(|_| at("2022-03-12 16:20")),
    }
}

fn sample() -> ExportData {
    let mut budget = metric("3.1", "9002", Some("4500.5"), Some("49.99"));
    budget.note = Some(s("Thu nội địa, chưa kể \"thu tiền sử dụng đất\"\nsố liệu ước"));
    budget.own = Some(d("2250"));
    budget.last_year = Some(d("4000"));
    let mut communes = metric("10.1", "36", Some("30"), Some("83.3"));
    communes.target_out_of = Some(d("51"));
    communes.number = s("10");
    communes.unit = s("xã");
    let mut tasks = vec![task("1.a", Some("Đang thực hiện"), Some(50)), task("1.b", None, None)];
    tasks[0].note = Some(s("=HYPERLINK(\"x\")"));
    ExportData {
        plan_code: s("09/KH-UBND"),
        plan_title: s("Kế hoạch thực hiện Nghị quyết số 01/NQ-CP ngày 08/01/2022 của Chính phủ"),
        period: s("2022-Q1"),
        generated: at("2022-03-15 10:00"),
        answered_under: None,
        indicators: vec![
            IndicatorRows {
                number: 3,
                name: s("Thu ngân sách nhà nước trên địa bàn"),
                metrics: vec![budget, metric("3.2", "60.26", None, None)],
                narrative: None,
                narrative_agency: None,
            },
            IndicatorRows {
                number: 10,
                name: s("Nông thôn mới"),
                metrics: vec![communes],
                narrative: None,
                narrative_agency: None,
            },
            IndicatorRows {
                number: 17,
                name: s("Cải cách hành chính"),
                metrics: vec![],
                narrative: Some(s("Chỉ số PAR INDEX tăng 5 bậc, đạt 82,5 điểm")),
                narrative_agency: Some(s("Sở Nội vụ")),
            },
            IndicatorRows {
                number: 18,
                name: s("Quốc phòng, an ninh"),
                metrics: vec![],
                narrative: None,
                narrative_agency: None,
            },
        ],
        sections: vec![
            SectionRows { number: 1, heading: s("Sở Kế hoạch và Đầu tư"), tasks },
            SectionRows {
                number: 2,
                heading: s("Sở Tài chính: chủ trì, phối hợp [các sở] / ngành *liên quan*?"),
                tasks: vec![task("2.a", Some("Hoàn thành"), Some(100))],
            },
            SectionRows {
                number: 2,
                heading: s("Sở Tài chính: chủ trì, phối hợp [các sở] / ngành *liên quan* khác"),
                tasks: vec![],
            },
        ],
        timeliness: vec![
            TimelinessRow {
                agency_code: s("SKHDT"),
                agency: s("Sở Kế hoạch và Đầu tư"),
                last_day: day("2022-03-14"),
                extended_to: None,
                submitted_at: Some(at("2022-03-11 08:05")),
                status: s("Đúng hạn"),
                days_late: None,
                review: Some(s("Đã duyệt")),
                attachments: vec![s("bao-cao-quy-1.pdf"), s("phu-luc.xlsx")],
            },
            TimelinessRow {
                agency_code: s("STC"),
                agency: s("Sở Tài chính"),
                last_day: day("2022-03-14"),
                extended_to: Some(day("2022-03-21")),
                submitted_at: Some(at("2022-03-23 17:30")),
                status: s("Trễ hạn"),
                days_late: Some(2),
                review: Some(s("Chờ duyệt")),
                attachments: vec![],
            },
        ],
        text: text(),
    }
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a readable workbook")
}

/// Excel's serial number of a local date and time (days since 1899-12-30).
fn serial(t: NaiveDateTime) -> f64 {
    let epoch = day("1899-12-30").and_hms_opt(0, 0, 0).unwrap();
    (t - epoch).num_seconds() as f64 / 86_400.0
}

#[track_caller]
fn cell(range: &Range<Data>, row: u32, col: u32) -> &Data {
    range.get_value((row, col)).unwrap_or(&Data::Empty)
}

#[track_caller]
fn assert_str(range: &Range<Data>, row: u32, col: u32, want: &str) {
    assert_eq!(cell(range, row, col), &Data::String(want.to_string()), "cell ({row}, {col})");
}

#[track_caller]
fn assert_float(range: &Range<Data>, row: u32, col: u32, want: f64) {
    match cell(range, row, col) {
        Data::Float(v) => assert!((v - want).abs() < 1e-9, "cell ({row}, {col}): {v} != {want}"),
        other => panic!("cell ({row}, {col}) is not a number: {other:?}"),
    }
}

#[track_caller]
fn assert_when(range: &Range<Data>, row: u32, col: u32, want: NaiveDateTime) {
    match cell(range, row, col) {
        Data::DateTime(v) => assert!((v.as_f64() - serial(want)).abs() < 1e-6, "cell ({row}, {col})"),
        other => panic!("cell ({row}, {col}) is not a date: {other:?}"),
    }
}

#[track_caller]
fn assert_empty(range: &Range<Data>, row: u32, col: u32) {
    assert_eq!(cell(range, row, col), &Data::Empty, "cell ({row}, {col})");
}

const FIRST: u32 = HEADER_ROW + 1;

#[test]
fn sheets_are_indicators_sections_timeliness_with_valid_unique_names() {
    let data = sample();
    let wb = open(xlsx(&data).unwrap());
    let names = wb.sheet_names();
    assert_eq!(names.len(), 2 + data.sections.len());
    assert_eq!(names[0], "Chỉ tiêu");
    assert_eq!(names[1], "1. Sở Kế hoạch và Đầu tư");
    assert_eq!(names[2], "2. Sở Tài chính chủ trì, phối");
    assert_eq!(names[3], "2. Sở Tài chính chủ trì (2)");
    assert_eq!(names[4], "Tình hình báo cáo");
    let mut seen = std::collections::HashSet::new();
    for name in &names {
        assert!(name.encode_utf16().count() <= 31, "{name}");
        assert!(!name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
        assert!(seen.insert(name.to_lowercase()), "{name} twice");
    }
}

#[test]
fn indicator_cells_keep_their_types() {
    let data = sample();
    let bytes = xlsx(&data).unwrap();
    if let Ok(dir) = std::env::var("DONDOC_EXPORT_DIR") {
        std::fs::write(format!("{dir}/{}", file_name(&data.plan_code, &data.period, "xlsx")), &bytes)
            .unwrap();
        std::fs::write(
            format!("{dir}/{}", file_name(&data.plan_code, &data.period, "csv")),
            csv(&data, CsvStyle::ExcelVn),
        )
        .unwrap();
    }
    let mut wb = open(bytes);
    let r = wb.worksheet_range("Chỉ tiêu").unwrap();
    assert_str(&r, 0, 0, &data.text.report_title);
    assert_str(&r, 1, 0, &data.plan_title);
    assert_str(&r, 2, 0, "Các chỉ tiêu chủ yếu");
    // The period as people write it; its code stays in file names and the CSV.
    assert_str(&r, 3, 0, "Kỳ báo cáo: quý I/2022 · Lập lúc: 15/03/2022 10:00");
    assert_str(&r, HEADER_ROW, 0, "STT");
    assert_str(&r, HEADER_ROW, 8, "Lũy kế từ đầu năm");
    assert_str(&r, HEADER_ROW, 15, "Ghi chú");
    // An indicator of two metrics: its own row, then the metrics numbered by their codes.
    let row = FIRST;
    assert_str(&r, row, 0, "3");
    assert_str(&r, row, 1, "Thu ngân sách nhà nước trên địa bàn");
    assert_empty(&r, row, 2);
    // Budget revenue: every column.
    let row = FIRST + 1;
    assert_str(&r, row, 0, "3.1");
    assert_str(&r, row, 1, "Thu ngân sách nhà nước trên địa bàn");
    assert_str(&r, row, 2, "Chỉ số 3.1");
    assert_str(&r, row, 3, "tỷ đồng");
    assert_float(&r, row, 4, 9002.0);
    assert_empty(&r, row, 5);
    assert_float(&r, row, 6, 4500.5);
    assert_float(&r, row, 7, 2250.0);
    assert_float(&r, row, 8, 4500.5);
    assert_float(&r, row, 9, 4000.0);
    assert_float(&r, row, 10, 0.4999);
    assert_str(&r, row, 11, "Tối thiểu");
    assert_str(&r, row, 12, "Sở Tài chính");
    assert_str(&r, row, 13, "Chờ duyệt");
    assert_when(&r, row, 14, at("2022-03-10 09:45"));
    assert_str(&r, row, 15, data.indicators[0].metrics[0].note.as_deref().unwrap());
    // Not reported: the words in the value column, nothing else.
    assert_str(&r, row + 1, 0, "3.2");
    assert_float(&r, row + 1, 4, 60.26);
    assert_str(&r, row + 1, 6, "Chưa báo cáo");
    for col in [7, 8, 9, 10, 13, 14] {
        assert_empty(&r, row + 1, col);
    }
    // 30 of 36 (out of 51) communes: an indicator's only metric is numbered as the indicator.
    assert_str(&r, row + 2, 0, "10");
    assert_float(&r, row + 2, 4, 36.0);
    assert_float(&r, row + 2, 5, 51.0);
    assert_float(&r, row + 2, 6, 30.0);
    assert_float(&r, row + 2, 10, 0.833);
    // Qualitative: one row with the narrative; one not reported.
    assert_str(&r, row + 3, 0, "17");
    assert_str(&r, row + 3, 2, "Đánh giá");
    assert_str(&r, row + 3, 12, "Sở Nội vụ");
    assert_str(&r, row + 3, 15, "Chỉ số PAR INDEX tăng 5 bậc, đạt 82,5 điểm");
    assert_str(&r, row + 4, 0, "18");
    assert_str(&r, row + 4, 15, "Chưa báo cáo");
    assert_eq!(r.end().unwrap().0, row + 4, "no row after the last indicator");
}

#[test]
fn task_and_timeliness_cells_keep_their_types() {
    let data = sample();
    let mut wb = open(xlsx(&data).unwrap());
    let r = wb.worksheet_range("1. Sở Kế hoạch và Đầu tư").unwrap();
    assert_str(&r, 2, 0, "1. Sở Kế hoạch và Đầu tư");
    assert_str(&r, HEADER_ROW, 1, "Nhiệm vụ");
    assert_str(&r, FIRST, 0, "1.a");
    assert_str(&r, FIRST, 1, "Nhiệm vụ 1.a: triển khai, đôn đốc");
    assert_str(&r, FIRST, 2, "Sở Kế hoạch và Đầu tư");
    assert_str(&r, FIRST, 3, "Đang thực hiện");
    assert_float(&r, FIRST, 4, 0.5);
    // The workbook keeps the text as typed: strings are never formulas there.
    assert_str(&r, FIRST, 5, "=HYPERLINK(\"x\")");
    assert_str(&r, FIRST, 6, "Đã duyệt");
    assert_when(&r, FIRST, 7, at("2022-03-12 16:20"));
    assert_str(&r, FIRST + 1, 3, "Chưa báo cáo");
    assert_empty(&r, FIRST + 1, 4);
    assert_empty(&r, FIRST + 1, 6);
    assert_empty(&r, FIRST + 1, 7);
    // The sheet's name is cut at 31 characters; its full title is inside.
    let long = wb.worksheet_range("2. Sở Tài chính chủ trì, phối").unwrap();
    assert_str(&long, 2, 0, &format!("2. {}", data.sections[1].heading));
    assert_float(&long, FIRST, 4, 1.0);

    let r = wb.worksheet_range("Tình hình báo cáo").unwrap();
    assert_str(&r, HEADER_ROW, 6, "Số ngày trễ");
    assert_str(&r, FIRST, 0, "SKHDT");
    assert_when(&r, FIRST, 2, at("2022-03-14 00:00"));
    assert_empty(&r, FIRST, 3);
    assert_when(&r, FIRST, 4, at("2022-03-11 08:05"));
    assert_str(&r, FIRST, 5, "Đúng hạn");
    assert_empty(&r, FIRST, 6);
    assert_str(&r, FIRST, 7, "Đã duyệt");
    assert_str(&r, FIRST, 8, "bao-cao-quy-1.pdf\nphu-luc.xlsx");
    assert_when(&r, FIRST + 1, 3, at("2022-03-21 00:00"));
    assert_float(&r, FIRST + 1, 6, 2.0);
    assert_str(&r, FIRST + 1, 7, "Chờ duyệt");
    assert_empty(&r, FIRST + 1, 8);
}

/// The heights of the rows as written in a sheet's XML (`<row r="6" ht="48" …>`), by 0-based
/// row: calamine does not read them, so the xlsx is unzipped and read here.
fn row_heights(bytes: &[u8], sheet: usize) -> std::collections::HashMap<u32, f64> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name(&format!("xl/worksheets/sheet{sheet}.xml")).unwrap(),
        &mut xml,
    )
    .unwrap();
    let mut out = std::collections::HashMap::new();
    for row in xml.split("<row ").skip(1) {
        let tag = &row[..row.find('>').unwrap()];
        let attr = |name: &str| {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            Some(&tag[start..start + tag[start..].find('"')?])
        };
        if let (Some(r), Some(ht)) = (attr("r"), attr("ht")) {
            out.insert(r.parse::<u32>().unwrap() - 1, ht.parse().unwrap());
        }
    }
    out
}

/// LibreOffice does not fit a row to its wrapped text when it opens a workbook, so a long task
/// or note overprinted the rows below. Checked by reading the row heights back from the xlsx
/// (not by rendering it): a row is as high as the most lines any of its cells wraps to.
#[test]
fn rows_are_as_high_as_their_wrapped_text() {
    let mut data = sample();
    let long = "Chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố \
                triển khai thực hiện có hiệu quả các giải pháp hỗ trợ doanh nghiệp phục hồi sản xuất, \
                kinh doanh sau đại dịch COVID-19.";
    data.sections[0].tasks[0].text = long.into();
    data.sections[0].tasks[1].note = Some("Dòng một\nDòng hai\nDòng ba\nDòng bốn\nDòng năm\nDòng sáu".into());
    let bytes = xlsx(&data).unwrap();
    // Sheet 2 is the first section: the task column is 60 characters wide, the note 40.
    let heights = row_heights(&bytes, 2);
    let task_lines = sheets::wrapped_lines(long, 60.0);
    assert!(task_lines >= 3, "{} characters in 60-wide lines: {task_lines}", long.chars().count());
    assert_eq!(heights.get(&FIRST), Some(&sheets::row_height(task_lines)));
    assert_eq!(heights.get(&(FIRST + 1)), Some(&sheets::row_height(6)), "six typed lines");
    // The budget's note is 43 characters and a typed line in a 36-wide column: three lines; the
    // indicator's name (35 characters, 28 wide) two.
    let indicators = row_heights(&bytes, 1);
    assert_eq!(indicators.get(&(FIRST + 1)), Some(&sheets::row_height(3)));
    assert_eq!(indicators.get(&(FIRST + 2)), Some(&sheets::row_height(2)));
    // A row whose cells all fit on one line keeps the default height.
    let timeliness = row_heights(&bytes, 2 + data.sections.len());
    assert_eq!(timeliness.get(&(FIRST + 1)), None, "the late agency's row fits on one line");
    assert_eq!(timeliness.get(&FIRST), Some(&sheets::row_height(2)), "two attachments");
    // The long section title (row 2) gets its own height too.
    assert!(heights[&2] >= 16.5);
}

#[test]
fn wrapped_lines_follow_words_and_typed_breaks() {
    use sheets::wrapped_lines;
    assert_eq!(wrapped_lines("", 10.0), 1);
    assert_eq!(wrapped_lines("ngắn", 10.0), 1);
    // 9 columns of room hold 8 characters of 1.1: "một hai" (7 chars) fits, "ba" goes on.
    assert_eq!(wrapped_lines("một hai ba", 10.0), 2);
    assert_eq!(wrapped_lines("một\nhai", 40.0), 2);
    // A word longer than a line is broken: 20 characters in lines of 8.
    assert_eq!(wrapped_lines(&"x".repeat(20), 10.0), 3);
    let prose = "Chủ trì, phối hợp với các sở, ban, ngành triển khai thực hiện";
    assert_eq!(wrapped_lines(prose, 200.0), 1);
    // 20,9 characters a line: "Chủ trì, phối hợp" / "với các sở, ban," / "ngành triển khai" /
    // "thực hiện".
    assert_eq!(wrapped_lines(prose, 24.0), 4);
}

#[test]
fn an_empty_plan_still_makes_a_workbook() {
    let data = ExportData { indicators: vec![], sections: vec![], timeliness: vec![], ..sample() };
    let wb = open(xlsx(&data).unwrap());
    assert_eq!(wb.sheet_names().len(), 2);
}

#[test]
fn sheet_names_are_cleaned_cut_and_made_unique() {
    let mut names = SheetNames::with_capacity(8);
    assert_eq!(names.unique("Báo cáo: quý 1/2022 [nháp]"), "Báo cáo quý 1-2022 nháp");
    assert_eq!(names.unique("báo cáo: QUÝ 1/2022 [NHÁP]"), "báo cáo QUÝ 1-2022 NHÁP (2)");
    assert_eq!(names.unique("'trích'"), "trích");
    assert_eq!(names.unique("History"), "History (2)");
    assert_eq!(names.unique(" :*? "), "Sheet");
    assert_eq!(names.unique(""), "Sheet (2)");
    let long = "Ủy ban nhân dân các huyện, thị xã, thành phố";
    let first = names.unique(long);
    assert_eq!(first, "Ủy ban nhân dân các huyện, thị");
    let mut seen = vec![first];
    for _ in 0..12 {
        let next = names.unique(long);
        assert!(next.encode_utf16().count() <= 31, "{next}");
        assert!(!seen.contains(&next));
        seen.push(next);
    }
    assert_eq!(seen[1], "Ủy ban nhân dân các huyện (2)");
    assert_eq!(seen.last().unwrap(), "Ủy ban nhân dân các huyện (13)");
}

/// A small RFC 4180 reader (with the given separator), to check what a script or a
/// spreadsheet would read back.
fn parse_csv(text: &str, sep: char) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let (mut row, mut field) = (vec![], String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, c) if c == sep => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF outside quotes");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("bare LF outside quotes"),
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the last row ends with CRLF");
    rows
}

#[test]
fn plain_csv_has_the_same_rows_quoted_for_scripts() {
    let data = sample();
    let out = csv(&data, CsvStyle::Plain);
    let body = out.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let rows = parse_csv(body, ',');
    assert_eq!(rows[0], data.text.csv_headers, "the localized headers");
    assert!(rows.iter().all(|r| r.len() == CSV_COLUMNS.len()), "every row has every column");
    let kinds: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let want = ["indicator", "indicator", "indicator", "narrative", "narrative", "task", "task", "task"];
    assert_eq!(kinds[..8], want);
    assert_eq!(kinds[8..], ["timeliness", "timeliness"]);
    let column = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let budget = &rows[1];
    assert_eq!(
        budget[1..16],
        [
            "2022-Q1",
            "3.1",
            "Thu ngân sách nhà nước trên địa bàn",
            "3.1",
            "Chỉ số 3.1",
            "tỷ đồng",
            "9002",
            "",
            "Tối thiểu",
            "4500.5",
            "2250",
            "4500.5",
            "4000",
            "49.99",
            ""
        ]
        .map(String::from)
    );
    assert_eq!(budget[column("review")], "Chờ duyệt");
    assert_eq!(budget[column("at")], "2022-03-10T09:45:00");
    assert_eq!(budget[column("note")], data.indicators[0].metrics[0].note.clone().unwrap());
    assert_eq!(rows[2][column("target")], "60.26");
    assert_eq!(rows[2][column("value")], "", "not reported is empty for scripts");
    assert_eq!(rows[3][column("number")], "10");
    assert_eq!(rows[3][column("target_out_of")], "51");
    assert_eq!(
        (rows[4][column("agency")].as_str(), rows[4][column("note")].as_str()),
        ("Sở Nội vụ", "Chỉ số PAR INDEX tăng 5 bậc, đạt 82,5 điểm")
    );
    let task = &rows[6];
    assert_eq!(
        (task[column("number")].as_str(), task[column("code")].as_str(), task[column("percent")].as_str()),
        ("1", "1.a", "50")
    );
    assert_eq!(task[column("note")], "'=HYPERLINK(\"x\")", "a formula typed in a note is defused");
    assert_eq!(rows[7][column("status")], "", "no status");
    let on_time = &rows[9];
    assert_eq!(on_time[column("attachments")], "bao-cao-quy-1.pdf\nphu-luc.xlsx");
    let late = &rows[10];
    assert_eq!(
        late[column("agency_code")..=column("days_late")],
        [
            "STC",
            "Sở Tài chính",
            "Trễ hạn",
            "Chờ duyệt",
            "2022-03-14",
            "2022-03-21",
            "2022-03-23T17:30:00",
            "2"
        ]
        .map(String::from)
    );
    // The raw text: quotes doubled, line break inside quotes, CRLF between rows.
    assert!(body.contains("\"Thu nội địa, chưa kể \"\"thu tiền sử dụng đất\"\"\nsố liệu ước\""));
    assert!(body.contains(",\"Nhiệm vụ 1.a: triển khai, đôn đốc\","));
    assert!(body.ends_with(",2,,\r\n"));
}

/// Excel set to Vietnamese splits fields on ';' and reads ',' as the decimal mark: the same
/// rows, with those.
#[test]
fn excel_vn_csv_uses_semicolons_and_decimal_commas() {
    let data = sample();
    let out = csv(&data, CsvStyle::ExcelVn);
    let body = out.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let rows = parse_csv(body, ';');
    let plain = parse_csv(csv(&data, CsvStyle::Plain).trim_start_matches('\u{feff}'), ',');
    assert_eq!(rows.len(), plain.len());
    assert!(rows.iter().all(|r| r.len() == CSV_COLUMNS.len()), "every row has every column");
    let budget = &rows[1];
    assert_eq!(
        budget[7..15],
        ["9002", "", "Tối thiểu", "4500,5", "2250", "4500,5", "4000", "49,99"].map(String::from)
    );
    assert_eq!(budget[21], "2022-03-10 09:45:00", "a time Excel reads");
    assert_eq!(rows[2][7], "60,26");
    // Texts with commas need no quotes here; the note with quotes and a line break still does.
    assert!(body.contains(";Nhiệm vụ 1.a: triển khai, đôn đốc;"));
    assert!(body.contains("\"Thu nội địa, chưa kể \"\"thu tiền sử dụng đất\"\"\nsố liệu ước\""));
    // Everything but the numbers and times is the same as the plain style.
    for (vn, plain) in rows.iter().zip(&plain) {
        for (col, (a, b)) in vn.iter().zip(plain).enumerate() {
            if a != b {
                assert_eq!(a, &b.replace('.', ",").replace('T', " "), "column {col}");
            }
        }
    }
    assert_eq!(CsvStyle::parse("excel-vn"), Some(CsvStyle::ExcelVn));
    assert_eq!(CsvStyle::parse("plain"), Some(CsvStyle::Plain));
    assert_eq!(CsvStyle::parse("excel"), None);
}

#[test]
fn file_names_are_safe_for_telegram_and_file_systems() {
    assert_eq!(file_name("09/KH-UBND", "2022-Q1", "xlsx"), "09-KH-UBND_2022-Q1.xlsx");
    assert_eq!(file_name("09/KH-UBND", "2022-Q1", ".csv"), "09-KH-UBND_2022-Q1.csv");
    assert_eq!(file_name("../a\\b: c?*", "2022 Q1", "xlsx"), "a-b-c_2022-Q1.xlsx");
    assert_eq!(file_name("Kế hoạch 09", "2022-Q1", "xlsx"), "Kế-hoạch-09_2022-Q1.xlsx");
    assert_eq!(file_name("", "", "xlsx"), "dondoc.xlsx");
    assert_eq!(file_name("///", "2022-Q1", ""), "2022-Q1");
}

/// The issue's benchmark: a plan of 1,000 agencies, each its own section of 4 tasks, and their
/// timeliness. `cargo test --release --lib export -- --nocapture` prints the time.
#[test]
fn export_of_a_thousand_agencies() {
    let mut data = sample();
    data.sections = (1..=1000)
        .map(|n| SectionRows {
            number: n,
            heading: format!("Ủy ban nhân dân xã số {n} thuộc huyện Châu Thành A"),
            tasks: ["a", "b", "c", "d"]
                .map(|t| task(&format!("{n}.{t}"), Some("Hoàn thành"), Some(100)))
                .to_vec(),
        })
        .collect();
    data.timeliness = (0..1000)
        .map(|n| TimelinessRow { agency_code: format!("X{n:04}"), ..sample().timeliness[1].clone() })
        .collect();
    let started = std::time::Instant::now();
    let bytes = xlsx(&data).unwrap();
    let xlsx_time = started.elapsed();
    let started = std::time::Instant::now();
    let table = csv(&data, CsvStyle::Plain);
    let csv_time = started.elapsed();
    println!(
        "export of 1,000 sections x 4 tasks + 1,000 timeliness rows: xlsx {xlsx_time:?} ({} KB), csv {csv_time:?} ({} KB)",
        bytes.len() / 1024,
        table.len() / 1024
    );
    let wb = open(bytes);
    assert_eq!(wb.sheet_names().len(), 1002);
    assert_eq!(table.matches("\r\n").count(), 1 + 5 + 4000 + 1000);
}
