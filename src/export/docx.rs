//! The consolidated report the planning department files to the provincial People's Committee,
//! drafted as a Word document in the administrative layout of Decree 30/2020/NĐ-CP (appendix I):
//! the heading block (issuing body left, national title right, number and date left blank for
//! the clerk), the title and its subject, "Kính gửi", the body in four parts, "Nơi nhận" and the
//! signature block. A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right, Times
//! New Roman: 14 pt body, 13 pt headings and tables (the decree's 13–14 pt); 12 pt for the
//! national title and "Nơi nhận", 11 pt for its list, as the decree sets them.
//!
//! Plain data in ([`ReportDoc`], every text localized by the caller), bytes out.
//!
//! **Why WordprocessingML written by hand through `zip`, not `docx-rs`.** A .docx is a zip of
//! a few XML parts; this report needs paragraphs, runs, two borderless layout tables, one ruled
//! table with merged cells and page settings, about 300 lines either way. `zip` 9.8 with deflate
//! is already built for `rust_xlsxwriter`, so this writer adds nothing to a cold build.
//! `docx-rs` 0.4.22 (well kept) would add four crates to a cold build: itself, a second `zip`
//! (8.6), `quick-xml` 0.41 as a normal dependency and `typed-path`. Measured cold in an empty
//! crate on this machine (2 cores shared with other builds, so noisy): `docx-rs` 23 s debug and
//! 117 s release, `zip` 9.8 alone 27 s and 24 s. Its API would still leave the decree's layout
//! (the heading block, the rules, the merged cells) to us.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::domain::number::format_vn;

#[path = "docx_xml.rs"]
mod xml;
use xml::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    /// The document's properties: "09/KH-UBND 2022-Q1", and when it was drafted (local).
    pub doc_title: String,
    pub generated: NaiveDateTime,
    pub heading: DocHeading,
    /// "BÁO CÁO".
    pub title: String,
    /// What it reports: "Tình hình thực hiện Kế hoạch số 09/KH-UBND … quý I năm 2022".
    pub subject: String,
    /// "Kính gửi: Ủy ban nhân dân tỉnh Hậu Giang."
    pub recipient: String,
    /// Paragraphs before Part I.
    pub intro: Vec<String>,
    pub indicators: IndicatorPart,
    pub sections: SectionsPart,
    pub timeliness: TimelinessPart,
    pub proposals: ProposalsPart,
    /// Paragraphs after the last part.
    pub closing: Vec<String>,
    pub signature: Signature,
}

/// The two columns at the top of the first page.
#[derive(Debug, Clone, PartialEq)]
pub struct DocHeading {
    /// "UBND TỈNH HẬU GIANG".
    pub parent_body: String,
    /// "SỞ KẾ HOẠCH VÀ ĐẦU TƯ".
    pub issuer: String,
    /// "Số:        /BC-SKHĐT", the number left for the clerk.
    pub number: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    pub nation: String,
    /// "Độc lập - Tự do - Hạnh phúc".
    pub motto: String,
    /// "Hậu Giang, ngày     tháng     năm 2022".
    pub place_date: String,
}

/// Part I: the indicators as one table.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPart {
    pub heading: String,
    /// Paragraphs before the table.
    pub intro: Vec<String>,
    pub headers: IndicatorColumns,
    pub lines: Vec<IndicatorLine>,
}

/// The table's headers, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorColumns {
    pub number: String,
    pub name: String,
    pub unit: String,
    pub plan: String,
    pub own: String,
    pub cumulative: String,
    pub last_year: String,
    pub percent_of_plan: String,
    pub assessment: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorLine {
    /// An indicator of several metrics: its number and name on a row of their own.
    Group {
        number: String,
        name: String,
    },
    Metric(MetricLine),
    /// A qualitative indicator: its narrative across the figure columns.
    Narrative {
        number: String,
        name: String,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricLine {
    /// As the plan numbers it: "1" for an indicator's only metric, "5.1" for one of several.
    pub number: String,
    pub name: String,
    pub unit: String,
    pub plan: Decimal,
    /// "36/51": the 51.
    pub plan_out_of: Option<Decimal>,
    pub own: Option<Decimal>,
    pub cumulative: Option<Decimal>,
    pub last_year: Option<Decimal>,
    /// In percent, already rounded by the one rule.
    pub percent_of_plan: Option<Decimal>,
    /// A label ("Đúng tiến độ"); empty when nothing was reported.
    pub assessment: String,
}

/// Part II: results by section of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionsPart {
    pub heading: String,
    pub labels: NarrativeLabels,
    pub sections: Vec<SectionResult>,
}

/// The sub-headings of a section's narrative: "a) Kết quả đạt được", …
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeLabels {
    pub results: String,
    pub shortcomings: String,
    pub causes: String,
    pub proposals: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionResult {
    /// "9. Sở Tài chính".
    pub title: String,
    /// One sentence of counts: "3 nhiệm vụ: 1 hoàn thành, 1 đang thực hiện, …".
    pub summary: String,
    pub results: Vec<Point>,
    pub shortcomings: Vec<Point>,
    pub causes: Vec<Point>,
    pub proposals: Vec<Point>,
}

/// One thing an agency said, with whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub agency: String,
    pub text: String,
}

/// Part III: who reported late, who not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessPart {
    pub heading: String,
    /// "32/35 đơn vị đã gửi báo cáo, 29 đúng hạn."
    pub summary: String,
    pub late_label: String,
    /// Agency, and how late ("trễ 2 ngày").
    pub late: Vec<Point>,
    pub missing_label: String,
    pub missing: Vec<String>,
    /// Said in place of an empty list: "Không có."
    pub none: String,
}

/// Part IV: proposals gathered from the agencies.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalsPart {
    pub heading: String,
    pub items: Vec<Point>,
    pub none: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// "Nơi nhận:".
    pub recipients_label: String,
    /// "- Như trên;", "- Lưu: VT, …".
    pub recipients: Vec<String>,
    /// "KT. GIÁM ĐỐC".
    pub authority: String,
    /// "PHÓ GIÁM ĐỐC".
    pub position: String,
    /// The signer's name; often left for the clerk.
    pub name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("writing the Word document failed: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("writing the Word document failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The .docx file's bytes.
pub fn docx(doc: &ReportDoc) -> Result<Vec<u8>, DocxError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(64 * 1024)));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", ROOT_RELS.to_owned()),
        ("docProps/core.xml", core_properties(doc)),
        ("docProps/app.xml", APP_PROPERTIES.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/styles.xml", STYLES.to_owned()),
        ("word/document.xml", document(doc)),
    ];
    for (name, xml) in parts {
        zip.start_file(name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A4 in twentieths of a point, and the decree's margins (1 mm = 56.7 twips).
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
const MARGIN_TOP: u32 = 1_134;
const MARGIN_BOTTOM: u32 = 1_134;
const MARGIN_LEFT: u32 = 1_701;
const MARGIN_RIGHT: u32 = 850;
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// Font sizes in half points.
const BODY: u32 = 28;
const SMALL: u32 = 26;
/// The heading block's columns.
const LEFT_COLUMN: u32 = 3_600;
/// The indicator table's columns: STT, name, unit, plan, quarter, cumulative, last year,
/// % of plan, assessment; they add up to the text width.
const INDICATOR_COLUMNS: [u32; 9] = [640, 2_155, 800, 1_000, 1_000, 1_000, 1_000, 700, 1_060];

fn document(doc: &ReportDoc) -> String {
    let mut x = Xml::with_capacity(32 * 1024 + doc.indicators.lines.len() * 1_600);
    x.raw(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    heading_block(&mut x, &doc.heading);
    x.para(Para::center().before(240).keep_next(), &[Run::bold(&doc.title).size(BODY)]);
    x.para(Para::center().keep_next(), &[Run::bold(&doc.subject).size(BODY)]);
    x.rule(TEXT_WIDTH / 2 - 900, TEXT_WIDTH / 2 - 900);
    x.para(Para::center().before(120).after(120), &[Run::plain(&doc.recipient)]);
    for text in &doc.intro {
        x.para(Para::body(), &[Run::plain(text)]);
    }
    indicator_part(&mut x, &doc.indicators);
    sections_part(&mut x, &doc.sections);
    timeliness_part(&mut x, &doc.timeliness);
    x.part_heading(&doc.proposals.heading);
    bullets(&mut x, &doc.proposals.items, &doc.proposals.none);
    for text in &doc.closing {
        x.para(Para::body(), &[Run::plain(text)]);
    }
    signature_block(&mut x, &doc.signature);
    let _ = write!(
        x.0,
        "<w:sectPr><w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/><w:pgMar w:top=\"{MARGIN_TOP}\" \
         w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"567\" \
         w:footer=\"567\" w:gutter=\"0\"/><w:titlePg/></w:sectPr></w:body></w:document>"
    );
    x.0
}

/// Issuing body and number on the left, national title and place and date on the right.
fn heading_block(x: &mut Xml, h: &DocHeading) {
    let right = TEXT_WIDTH - LEFT_COLUMN;
    x.table_start(&[LEFT_COLUMN, right], false);
    x.raw("<w:tr>");
    x.cell_start(LEFT_COLUMN, 1, false);
    x.para(Para::center(), &[Run::plain(&h.parent_body).size(SMALL)]);
    x.para(Para::center(), &[Run::bold(&h.issuer).size(SMALL)]);
    x.rule(1_200, 1_200);
    x.para(Para::center().before(120), &[Run::plain(&h.number).size(SMALL)]);
    x.raw("</w:tc>");
    x.cell_start(right, 1, false);
    // 12 pt, so that the national title holds on one line (the decree allows 12–13).
    x.para(Para::center(), &[Run::bold(&h.nation).size(24)]);
    x.para(Para::center(), &[Run::bold(&h.motto).size(BODY)]);
    x.rule(1_250, 1_250);
    x.para(Para::center().before(120), &[Run::italic(&h.place_date).size(BODY)]);
    x.raw("</w:tc></w:tr></w:tbl>");
}

fn indicator_part(x: &mut Xml, part: &IndicatorPart) {
    x.part_heading(&part.heading);
    for text in &part.intro {
        x.para(Para::body(), &[Run::plain(text)]);
    }
    let h = &part.headers;
    x.table_start(&INDICATOR_COLUMNS, true);
    x.raw("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    let headers = [
        &h.number,
        &h.name,
        &h.unit,
        &h.plan,
        &h.own,
        &h.cumulative,
        &h.last_year,
        &h.percent_of_plan,
        &h.assessment,
    ];
    for (text, width) in headers.into_iter().zip(INDICATOR_COLUMNS) {
        x.cell(width, 1, true, Para::center(), &[Run::bold(text).size(SMALL)]);
    }
    x.raw("</w:tr>");
    let number = |v: &Option<Decimal>| v.as_ref().map(format_vn).unwrap_or_default();
    for line in &part.lines {
        x.raw("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        match line {
            IndicatorLine::Group { number, name } => {
                x.cell(INDICATOR_COLUMNS[0], 1, false, Para::center(), &[Run::bold(number).size(SMALL)]);
                x.cell(INDICATOR_COLUMNS[1], 1, false, Para::left(), &[Run::bold(name).size(SMALL)]);
                for &w in &INDICATOR_COLUMNS[2..] {
                    x.cell(w, 1, false, Para::left(), &[]);
                }
            }
            IndicatorLine::Metric(m) => {
                let plan = match m.plan_out_of {
                    Some(of) => format!("{}/{}", format_vn(&m.plan), format_vn(&of)),
                    None => format_vn(&m.plan),
                };
                let cells = [
                    (m.number.clone(), Para::center()),
                    (m.name.clone(), Para::left()),
                    (m.unit.clone(), Para::center()),
                    (plan, Para::right()),
                    (number(&m.own), Para::right()),
                    (number(&m.cumulative), Para::right()),
                    (number(&m.last_year), Para::right()),
                    (number(&m.percent_of_plan), Para::right()),
                    (m.assessment.clone(), Para::left()),
                ];
                for ((text, para), width) in cells.iter().zip(INDICATOR_COLUMNS) {
                    x.cell(width, 1, false, *para, &[Run::plain(text).size(SMALL)]);
                }
            }
            IndicatorLine::Narrative { number, name, text } => {
                x.cell(INDICATOR_COLUMNS[0], 1, false, Para::center(), &[Run::bold(number).size(SMALL)]);
                x.cell(INDICATOR_COLUMNS[1], 1, false, Para::left(), &[Run::bold(name).size(SMALL)]);
                let rest: u32 = INDICATOR_COLUMNS[2..].iter().sum();
                x.cell(
                    rest,
                    INDICATOR_COLUMNS.len() - 2,
                    false,
                    Para::justify(),
                    &[Run::plain(text).size(SMALL)],
                );
            }
        }
        x.raw("</w:tr>");
    }
    x.raw("</w:tbl>");
}

fn sections_part(x: &mut Xml, part: &SectionsPart) {
    x.part_heading(&part.heading);
    let l = &part.labels;
    for s in &part.sections {
        x.para(Para::body().keep_next(), &[Run::bold(&s.title)]);
        x.para(Para::body(), &[Run::plain(&s.summary)]);
        let narratives = [
            (&l.results, &s.results),
            (&l.shortcomings, &s.shortcomings),
            (&l.causes, &s.causes),
            (&l.proposals, &s.proposals),
        ];
        for (label, points) in narratives {
            if points.is_empty() {
                continue;
            }
            x.para(Para::body().keep_next(), &[Run::italic(label)]);
            bullets(x, points, "");
        }
    }
}

fn timeliness_part(x: &mut Xml, part: &TimelinessPart) {
    x.part_heading(&part.heading);
    x.para(Para::body(), &[Run::plain(&part.summary)]);
    x.para(Para::body().keep_next(), &[Run::italic(&part.late_label)]);
    bullets(x, &part.late, &part.none);
    x.para(Para::body().keep_next(), &[Run::italic(&part.missing_label)]);
    if part.missing.is_empty() {
        x.para(Para::body(), &[Run::plain(&part.none)]);
    }
    for name in &part.missing {
        x.para(Para::body(), &[Run::plain("- "), Run::plain(name)]);
    }
}

/// "- Sở Tài chính: text" paragraphs, or `none` alone when there are none.
fn bullets(x: &mut Xml, points: &[Point], none: &str) {
    if points.is_empty() && !none.is_empty() {
        x.para(Para::body(), &[Run::plain(none)]);
    }
    for p in points {
        x.para(
            Para::body(),
            &[Run::plain("- "), Run::bold(&p.agency), Run::plain(": "), Run::plain(&p.text)],
        );
    }
}

/// "Nơi nhận" and its list on the left, the signer on the right.
fn signature_block(x: &mut Xml, s: &Signature) {
    let left = TEXT_WIDTH / 2 - 300;
    let right = TEXT_WIDTH - left;
    x.para(Para::left(), &[]);
    x.table_start(&[left, right], false);
    x.raw("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    x.cell_start(left, 1, false);
    x.para(Para::left(), &[Run::bold(&s.recipients_label).italic_too().size(24)]);
    for r in &s.recipients {
        x.para(Para::left(), &[Run::plain(r).size(22)]);
    }
    x.raw("</w:tc>");
    x.cell_start(right, 1, false);
    x.para(Para::center(), &[Run::bold(&s.authority).size(BODY)]);
    x.para(Para::center(), &[Run::bold(&s.position).size(BODY)]);
    for _ in 0..4 {
        x.para(Para::center(), &[]);
    }
    x.para(Para::center(), &[Run::bold(&s.name).size(BODY)]);
    x.raw("</w:tc></w:tr></w:tbl>");
}

fn core_properties(doc: &ReportDoc) -> String {
    let mut title = String::new();
    escape(&mut title, &doc.doc_title);
    let mut subject = String::new();
    escape(&mut subject, &doc.subject);
    // The drafting time is local; core properties want W3CDTF, read as given.
    let at = doc.generated.format("%Y-%m-%dT%H:%M:%SZ");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{title}</dc:title>\
         <dc:subject>{subject}</dc:subject><dc:creator>dondoc</dc:creator><dc:language>vi-VN</dc:language>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{at}</dcterms:created></cp:coreProperties>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

const APP_PROPERTIES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>dondoc</Application></Properties>";

/// Times New Roman everywhere (the Vietnamese letters need a Unicode font), 14 pt, single
/// spacing, Vietnamese for the spelling checker.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\" w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\"/>\
</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
</w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>\
<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>\
</w:tblCellMar></w:tblPr></w:style></w:styles>";

#[cfg(test)]
#[path = "docx_tests.rs"]
mod tests;
