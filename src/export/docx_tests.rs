use std::str::FromStr;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::*;

#[path = "../../tests/support/docx.rs"]
#[allow(dead_code)]
mod read;

use read::Block;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn point(agency: &str, text: &str) -> Point {
    Point { agency: s(agency), text: s(text) }
}

fn metric(number: &str, name: &str, plan: &str) -> MetricLine {
    MetricLine {
        number: s(number),
        name: s(name),
        unit: s("tỷ đồng"),
        plan: d(plan),
        plan_out_of: None,
        own: None,
        cumulative: None,
        last_year: None,
        percent_of_plan: None,
        assessment: String::new(),
    }
}

pub(crate) fn sample() -> ReportDoc {
    let mut revenue = metric("5.1", "Tổng thu ngân sách nhà nước", "9002");
    revenue.own = Some(d("2549.5"));
    revenue.cumulative = Some(d("4800"));
    revenue.last_year = Some(d("4400"));
    revenue.percent_of_plan = Some(d("53.32"));
    revenue.assessment = s("Đúng tiến độ");
    let mut communes = metric("14", "Xã đạt chuẩn nông thôn mới", "36");
    communes.unit = s("xã");
    communes.plan_out_of = Some(d("51"));
    ReportDoc {
        doc_title: s("09/KH-UBND 2022-Q2"),
        generated: NaiveDateTime::parse_from_str("2022-06-20 10:00", "%Y-%m-%d %H:%M").unwrap(),
        heading: DocHeading {
            parent_body: s("UBND TỈNH HẬU GIANG"),
            issuer: s("SỞ KẾ HOẠCH VÀ ĐẦU TƯ"),
            number: s("Số:        /BC-SKHĐT"),
            nation: s("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            motto: s("Độc lập - Tự do - Hạnh phúc"),
            place_date: s("Hậu Giang, ngày      tháng      năm 2022"),
        },
        title: s("BÁO CÁO"),
        subject: s("Tình hình thực hiện Kế hoạch số 09/KH-UBND, quý II năm 2022"),
        recipient: s("Kính gửi: Ủy ban nhân dân tỉnh Hậu Giang."),
        intro: vec![s("Sở Kế hoạch và Đầu tư báo cáo như sau:")],
        indicators: IndicatorPart {
            heading: s("I. CÁC CHỈ TIÊU CHỦ YẾU"),
            intro: vec![],
            headers: IndicatorColumns {
                number: s("STT"),
                name: s("Chỉ tiêu"),
                unit: s("ĐVT"),
                plan: s("Kế hoạch năm 2022"),
                own: s("Quý II"),
                cumulative: s("Lũy kế"),
                last_year: s("Cùng kỳ năm trước"),
                percent_of_plan: s("% KH"),
                assessment: s("Đánh giá"),
            },
            lines: vec![
                IndicatorLine::Group { number: s("5"), name: s("Thu ngân sách") },
                IndicatorLine::Metric(revenue),
                IndicatorLine::Metric(metric("5.2", "Thu nội địa", "8000")),
                IndicatorLine::Metric(communes),
                IndicatorLine::Narrative {
                    number: s("17"),
                    name: s("Quốc phòng, an ninh"),
                    text: s("Giữ vững an ninh <chính trị> & trật tự\nan toàn xã hội"),
                },
            ],
        },
        sections: SectionsPart {
            heading: s("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"),
            labels: NarrativeLabels {
                results: s("a) Kết quả đạt được"),
                shortcomings: s("b) Tồn tại, hạn chế"),
                causes: s("c) Nguyên nhân"),
                proposals: s("d) Kiến nghị, đề xuất"),
            },
            sections: vec![SectionResult {
                title: s("9. Sở Tài chính"),
                summary: s("2 nhiệm vụ: 1 hoàn thành, 1 có vướng mắc."),
                results: vec![point("Sở Tài chính", "9.a: Đã giao dự toán")],
                shortcomings: vec![point("Sở Tài chính", "9.b: Chưa đủ vốn\u{1} đối ứng")],
                causes: vec![],
                proposals: vec![],
            }],
        },
        timeliness: TimelinessPart {
            heading: s("III. TÌNH HÌNH GỬI BÁO CÁO"),
            summary: s("3/5 đơn vị đã gửi báo cáo, 2 đúng hạn."),
            late_label: s("Gửi trễ hạn:"),
            late: vec![point("Sở Y tế", "trễ 2 ngày")],
            missing_label: s("Chưa gửi:"),
            missing: vec![s("Sở Nội vụ"), s("Sở Xây dựng")],
            none: s("Không có."),
        },
        proposals: ProposalsPart {
            heading: s("IV. KIẾN NGHỊ, ĐỀ XUẤT"),
            items: vec![point("Sở Tài chính", "Đề nghị bổ sung vốn đối ứng")],
            none: s("Không có."),
        },
        closing: vec![s("Sở Kế hoạch và Đầu tư kính báo cáo Ủy ban nhân dân tỉnh.")],
        signature: Signature {
            recipients_label: s("Nơi nhận:"),
            recipients: vec![s("- Như trên;"), s("- Lưu: VT.")],
            authority: s("KT. GIÁM ĐỐC"),
            position: s("PHÓ GIÁM ĐỐC"),
            name: String::new(),
        },
    }
}

fn cells(row: &[read::Cell]) -> Vec<&str> {
    row.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn the_heading_block_has_the_issuer_left_and_the_national_title_right() {
    let doc = read::read(&docx(&sample()).unwrap());
    let Some(Block::Table(heading)) = doc.body.first() else {
        panic!("the document opens with the heading block")
    };
    assert_eq!(heading.len(), 1, "one row");
    // The empty line under each name is its short rule.
    assert_eq!(
        cells(&heading[0]),
        [
            "UBND TỈNH HẬU GIANG\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ\n\nSố:        /BC-SKHĐT",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nHậu Giang, ngày      tháng      năm 2022"
        ]
    );
    // The title, its subject and "Kính gửi" follow, in that order.
    let paras = doc.paragraphs();
    let title = doc.position("BÁO CÁO").expect("the title");
    assert_eq!(paras[title + 1], "Tình hình thực hiện Kế hoạch số 09/KH-UBND, quý II năm 2022");
    assert_eq!(paras[title + 2], "", "the rule under the subject");
    assert_eq!(paras[title + 3], "Kính gửi: Ủy ban nhân dân tỉnh Hậu Giang.");
}

#[test]
fn the_indicator_table_has_a_row_per_line_numbered_as_the_plan() {
    let doc = read::read(&docx(&sample()).unwrap());
    let tables = doc.tables();
    assert_eq!(tables.len(), 3, "heading block, indicators, signature");
    let rows = doc.table_text(1);
    assert_eq!(
        rows[0],
        [
            "STT",
            "Chỉ tiêu",
            "ĐVT",
            "Kế hoạch năm 2022",
            "Quý II",
            "Lũy kế",
            "Cùng kỳ năm trước",
            "% KH",
            "Đánh giá"
        ]
    );
    assert_eq!(rows[1][..2], ["5", "Thu ngân sách"]);
    assert!(rows[1][2..].iter().all(String::is_empty), "a group row has no figures");
    assert_eq!(
        rows[2],
        [
            "5.1",
            "Tổng thu ngân sách nhà nước",
            "tỷ đồng",
            "9.002",
            "2.549,5",
            "4.800",
            "4.400",
            "53,32",
            "Đúng tiến độ"
        ]
    );
    assert_eq!(rows[3][..5], ["5.2", "Thu nội địa", "tỷ đồng", "8.000", ""], "not reported: empty");
    assert_eq!(rows[4][3], "36/51");
    // A qualitative indicator's narrative spans the seven figure columns; its line break stays.
    assert_eq!(
        rows[5],
        ["17", "Quốc phòng, an ninh", "Giữ vững an ninh <chính trị> & trật tự\nan toàn xã hội"]
    );
    assert_eq!(tables[1][5][2].span, 7);
    assert!(doc.document_xml.contains("<w:tblHeader/>"), "the header row repeats on every page");
}

#[test]
fn parts_two_to_four_list_results_late_and_missing_agencies_and_proposals() {
    let doc = read::read(&docx(&sample()).unwrap());
    let paras = doc.paragraphs();
    let at = |text: &str| doc.position(text).unwrap_or_else(|| panic!("no paragraph {text:?} in {paras:#?}"));
    let section = at("9. Sở Tài chính");
    assert_eq!(
        paras[section + 1..section + 6],
        [
            "2 nhiệm vụ: 1 hoàn thành, 1 có vướng mắc.",
            "a) Kết quả đạt được",
            "- Sở Tài chính: 9.a: Đã giao dự toán",
            "b) Tồn tại, hạn chế",
            "- Sở Tài chính: 9.b: Chưa đủ vốn đối ứng",
        ],
        "empty narratives are left out; a control character is dropped"
    );
    let late = at("Gửi trễ hạn:");
    assert_eq!(paras[late + 1], "- Sở Y tế: trễ 2 ngày");
    assert_eq!(paras[late + 2..late + 5], ["Chưa gửi:", "- Sở Nội vụ", "- Sở Xây dựng"]);
    let proposals = at("IV. KIẾN NGHỊ, ĐỀ XUẤT");
    assert_eq!(paras[proposals + 1], "- Sở Tài chính: Đề nghị bổ sung vốn đối ứng");
    assert!(at("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ") < section);
    assert!(section < at("III. TÌNH HÌNH GỬI BÁO CÁO"));
    assert!(at("III. TÌNH HÌNH GỬI BÁO CÁO") < proposals);
    let signature = doc.table_text(2);
    assert_eq!(signature[0][0], "Nơi nhận:\n- Như trên;\n- Lưu: VT.");
    assert!(signature[0][1].starts_with("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"));
}

#[test]
fn empty_lists_say_so() {
    let mut data = sample();
    data.timeliness.late.clear();
    data.timeliness.missing.clear();
    data.proposals.items.clear();
    let doc = read::read(&docx(&data).unwrap());
    let paras = doc.paragraphs();
    let late = doc.position("Gửi trễ hạn:").unwrap();
    assert_eq!(paras[late + 1..late + 4], ["Không có.", "Chưa gửi:", "Không có."]);
    let proposals = doc.position("IV. KIẾN NGHỊ, ĐỀ XUẤT").unwrap();
    assert_eq!(paras[proposals + 1], "Không có.");
}

#[test]
fn a4_with_the_decrees_margins_in_times_new_roman() {
    let doc = read::read(&docx(&sample()).unwrap());
    let xml = &doc.document_xml;
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), "A4 portrait");
    // 20 mm top and bottom, 30 mm left, 15 mm right.
    assert!(xml.contains("w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\""));
    assert!(doc.styles_xml.contains("w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\""));
    assert!(doc.styles_xml.contains("<w:sz w:val=\"28\"/>"), "14 pt by default");
    // Every size used is 13–14 pt, except the national title and "Nơi nhận" (12 pt) and its
    // list (11 pt), as the decree sets them, and the rules' tiny marks.
    let mut sizes: Vec<&str> =
        xml.split("<w:sz w:val=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    sizes.sort_unstable();
    sizes.dedup();
    assert_eq!(sizes, ["22", "24", "26", "28", "8"]);
    // The indicator table fits the text width (210 - 30 - 15 mm).
    assert_eq!(INDICATOR_COLUMNS.iter().sum::<u32>(), TEXT_WIDTH);
}

#[test]
fn the_file_is_small_and_its_properties_name_the_period() {
    let bytes = docx(&sample()).unwrap();
    assert!(bytes.len() < 20_000, "{} bytes", bytes.len());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
    assert!(core.contains("<dc:title>09/KH-UBND 2022-Q2</dc:title>"), "{core}");
}
