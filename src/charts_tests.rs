use super::*;

/// Decodes `bytes` as PNG and returns (width, height, RGB pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("PNG image data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// With DONDOC_CHART_DIR set, keeps the picture there to look at.
fn keep(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("DONDOC_CHART_DIR") {
        std::fs::write(format!("{dir}/{name}.png"), bytes).unwrap();
    }
}

/// Pixels that are neither white nor near-white: ink on the canvas.
fn inked(pixels: &[u8]) -> usize {
    pixels.chunks(3).filter(|p| p.iter().any(|&c| c < 200)).count()
}

/// Pixels of exactly this colour.
fn count_color(pixels: &[u8], color: RGBColor) -> usize {
    let RGBColor(r, g, b) = color;
    pixels.chunks(3).filter(|p| p == &[r, g, b]).count()
}

fn health() -> IndicatorChart {
    IndicatorChart {
        title: "(13) Y tế và bảo hiểm y tế".into(),
        periods: ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"].map(String::from).to_vec(),
        metrics: vec![
            MetricSeries {
                name: "Tỷ lệ dân số tham gia bảo hiểm y tế".into(),
                percent_of_target: vec![Some(96.4), Some(98.1), None, Some(101.2)],
            },
            MetricSeries {
                name: "Số bác sĩ trên 1 vạn dân".into(),
                percent_of_target: vec![Some(88.0), Some(91.5), Some(93.0), Some(97.8)],
            },
            MetricSeries {
                name: "Số giường bệnh trên 1 vạn dân (không kể giường trạm y tế xã)".into(),
                percent_of_target: vec![Some(104.0), None, Some(110.3), Some(112.0)],
            },
        ],
        y_label: "% chỉ tiêu".into(),
        target_label: "Chỉ tiêu (100%)".into(),
        no_data: "Chưa có số liệu báo cáo".into(),
    }
}

fn timeliness(n: usize) -> TimelinessChart {
    let agencies = (0..n)
        .map(|i| AgencyBar {
            name: if i % 7 == 3 {
                format!("UBND huyện Châu Thành A {i}")
            } else {
                format!("SỞ-{i:02}")
            },
            status: match i % 5 {
                0 => BarStatus::OnTime,
                1 => BarStatus::Late { days: (i as u32 * 3) % 23 + 1 },
                2 => BarStatus::Missing,
                3 => BarStatus::NotDue,
                _ => BarStatus::Late { days: 2 },
            },
        })
        .collect();
    TimelinessChart {
        title: "Tình hình gửi báo cáo quý 1/2022 (hạn 14/03/2022)".into(),
        agencies,
        on_time: "Đúng hạn".into(),
        late: "Trễ hạn".into(),
        missing: "Chưa báo cáo".into(),
        not_due: "Chưa đến hạn".into(),
        days_label: "Số ngày trễ".into(),
    }
}

#[test]
fn indicator_chart_is_a_png_of_the_expected_size() {
    let bytes = indicator_chart(&health()).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h, pixels) = decode(&bytes);
    assert_eq!((w, h), (WIDTH, MIN_HEIGHT));
    // Every metric's colour is on the picture (lines, markers, legend).
    for color in &PALETTE[..3] {
        assert!(count_color(&pixels, *color) > 200, "{color:?} missing");
    }
    assert!(bytes.len() < 200_000, "{} bytes is heavy for a phone", bytes.len());
    keep("indicator", &bytes);
}

#[test]
fn indicator_chart_without_data_shows_the_no_data_text() {
    let mut chart = health();
    for m in &mut chart.metrics {
        m.percent_of_target = vec![None, Some(f64::NAN), None];
    }
    let bytes = indicator_chart(&chart).unwrap();
    keep("no_data", &bytes);
    let (w, h, pixels) = decode(&bytes);
    assert_eq!((w, h), (WIDTH, MIN_HEIGHT));
    // The middle band holds the no-data text and nothing of a plot: no metric colour.
    let row = (WIDTH * 3) as usize;
    let middle = &pixels[row * (h as usize / 2 + 20)..row * (h as usize / 2 + 100)];
    assert!(inked(middle) > 100, "no_data text not drawn");
    assert_eq!(count_color(&pixels, PALETTE[0]), 0);
    let without_text = indicator_chart(&IndicatorChart { no_data: String::new(), ..chart }).unwrap();
    assert!(inked(&decode(&without_text).2) < inked(&pixels));
}

#[test]
fn indicator_chart_handles_empty_and_uneven_input() {
    let empty = IndicatorChart { periods: vec![], metrics: vec![], ..health() };
    decode(&indicator_chart(&empty).unwrap());
    let mut uneven = health();
    uneven.periods.truncate(1);
    uneven.metrics[0].percent_of_target = vec![Some(-40.0), Some(900.0)];
    uneven.metrics[1].percent_of_target = vec![];
    decode(&indicator_chart(&uneven).unwrap());
}

#[test]
fn many_metrics_grow_the_legend_and_the_picture() {
    let mut chart = health();
    chart.title = "(4) Tổng vốn đầu tư toàn xã hội trên địa bàn tỉnh, tăng so với cùng kỳ năm trước theo giá hiện hành của năm báo cáo".into();
    chart.metrics = (0..12)
        .map(|i| MetricSeries {
            name: format!(
                "Chỉ số thứ {i} với một cái tên rất dài để thử việc cắt bớt chữ trong chú giải của biểu đồ"
            ),
            percent_of_target: vec![Some(50.0 + i as f64 * 7.0); 4],
        })
        .collect();
    let bytes = indicator_chart(&chart).unwrap();
    keep("many_metrics", &bytes);
    let (w, h, _) = decode(&bytes);
    assert_eq!(w, WIDTH);
    assert!(h > MIN_HEIGHT && h <= MAX_HEIGHT, "{h}");
}

#[test]
fn timeliness_chart_renders_36_agencies_one_row_each() {
    let chart = timeliness(36);
    let bytes = timeliness_chart(&chart).unwrap();
    let (w, h, pixels) = decode(&bytes);
    let layout = TimelinessLayout::new(1, 36).unwrap();
    assert_eq!((w, h), (WIDTH, layout.height));
    assert!(h > MIN_HEIGHT, "36 rows should make the picture taller: {h}");
    for color in [ON_TIME, LATE, MISSING, NOT_DUE] {
        assert!(count_color(&pixels, color) > 500, "{color:?} missing");
    }
    keep("timeliness", &bytes);
}

#[test]
fn timeliness_chart_of_few_or_no_agencies_keeps_the_minimum_size() {
    for n in [0, 1, 5] {
        let (w, h, _) = decode(&timeliness_chart(&timeliness(n)).unwrap());
        assert_eq!((w, h), (WIDTH, MIN_HEIGHT), "{n} agencies");
    }
}

#[test]
fn timeliness_chart_stays_within_telegram_photo_limits() {
    let (w, h, _) = decode(&timeliness_chart(&timeliness(400)).unwrap());
    assert!(w + h <= 10_000 && h / w <= 20, "{w}x{h}");
    assert!(matches!(timeliness_chart(&timeliness(2_000)), Err(ChartError::TooManyRows(2_000))));
}

#[test]
fn vietnamese_text_everywhere_renders() {
    let mut chart = timeliness(3);
    chart.agencies[0].name = "Sở Nông nghiệp và Phát triển nông thôn".into();
    chart.agencies[1].name = "Ủy ban nhân dân thị xã Long Mỹ".into();
    chart.title = "Đôn đốc: ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ Đ đ".into();
    decode(&timeliness_chart(&chart).unwrap());
    let mut health = health();
    health.title = chart.title.clone();
    decode(&indicator_chart(&health).unwrap());
}

#[test]
fn nice_ceiling_rounds_up_to_readable_figures() {
    assert_eq!(nice_ceiling(112.0), 200.0);
    assert_eq!(nice_ceiling(23.0), 25.0);
    assert_eq!(nice_ceiling(5.0), 5.0);
    assert_eq!(nice_ceiling(0.0), 1.0);
    assert_eq!(y_bounds([50.0, 90.0].into_iter()), (0.0, 120.0));
    assert_eq!(y_bounds([96.4, 112.0].into_iter()), (0.0, 140.0));
    assert_eq!(y_bounds([-40.0, 900.0].into_iter()), (-200.0, 1000.0));
}

#[test]
fn long_titles_wrap_to_two_lines_and_then_are_cut() {
    ensure_fonts().unwrap();
    let f = bold(TITLE_SIZE);
    let long = "Tổng vốn đầu tư toàn xã hội ".repeat(10);
    let lines = fit_lines(&long, &f, 600, 2).unwrap();
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with('…'));
    for line in &lines {
        assert!(text_width(&f, line).unwrap() <= 600);
    }
    assert_eq!(fit_lines("Ngắn", &f, 600, 2).unwrap(), vec!["Ngắn".to_string()]);
}
