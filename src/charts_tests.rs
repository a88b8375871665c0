use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

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

fn points(values: &[Option<f64>]) -> Vec<Option<Point>> {
    values
        .iter()
        .map(|v| v.map(|p| Point { percent: p, label: format!("{p:.1}%").replace('.', ",") }))
        .collect()
}

fn health() -> IndicatorChart {
    IndicatorChart {
        title: "(13) Y tế và bảo hiểm y tế".into(),
        periods: ["quý I/2022", "quý II/2022", "quý III/2022", "quý IV/2022"].map(String::from).to_vec(),
        metrics: vec![
            MetricSeries {
                name: "Tỷ lệ dân số tham gia bảo hiểm y tế".into(),
                points: points(&[Some(96.4), Some(98.1), None, Some(101.2)]),
            },
            MetricSeries {
                name: "Số bác sĩ trên 1 vạn dân".into(),
                points: points(&[Some(88.0), Some(91.5), Some(93.0), Some(97.8)]),
            },
            MetricSeries {
                name: "Số giường bệnh trên 1 vạn dân (không kể giường trạm y tế xã)".into(),
                points: points(&[Some(104.0), None, Some(110.3), Some(112.0)]),
            },
        ],
        pace: vec![],
        pace_label: "Tiến độ cần đạt theo thời gian".into(),
        y_label: "% chỉ tiêu".into(),
        target_label: "Chỉ tiêu (100%)".into(),
        no_data: "Chưa có số liệu báo cáo".into(),
    }
}

/// Indicator 5 after the second quarter, as measured: four budget lines that meet at 26–27 %
/// after Q1, against the pace of a quarter of the year's target per quarter.
fn budget() -> IndicatorChart {
    let series = |name: &str, q1: f64, q2: f64| MetricSeries {
        name: name.into(),
        points: points(&[Some(q1), Some(q2), None, None]),
    };
    IndicatorChart {
        title: "(5) Thu ngân sách nhà nước: thực hiện so với kế hoạch năm 2022".into(),
        metrics: vec![
            series("5.1 Tổng thu ngân sách nhà nước", 27.0, 52.1),
            series("5.2 Thu ngân sách trên địa bàn", 26.0, 51.0),
            series("5.3 Thu nội địa", 26.0, 50.0),
            series("5.4 Thu thuế xuất nhập khẩu", 26.0, 48.0),
        ],
        pace: vec![25.0, 50.0, 75.0, 100.0],
        ..health()
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
        title: "Tình hình gửi báo cáo quý I/2022 (hạn 14/03/2022)".into(),
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
        m.points = points(&[None, Some(f64::NAN), None]);
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
    uneven.metrics[0].points = points(&[Some(-40.0), Some(900.0)]);
    uneven.metrics[1].points = vec![];
    uneven.pace = vec![25.0, 50.0, 75.0];
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
            points: points(&[Some(50.0 + i as f64 * 7.0); 4]),
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
    for color in [ON_TIME, LATE, NOT_DUE] {
        assert!(count_color(&pixels, color) > 500, "{color:?} missing");
    }
    // Missing agencies have a cross each, no bar.
    assert!(count_color(&pixels, MISSING) > 200, "no missing mark");
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

/// The colour of pixel (x, y).
fn at(pixels: &[u8], w: u32, (x, y): (i32, i32)) -> [u8; 3] {
    let i = (y as usize * w as usize + x as usize) * 3;
    [pixels[i], pixels[i + 1], pixels[i + 2]]
}

/// Pixels within `tolerance` of `color` in a box (x0..x1, y0..y1).
fn near_color(
    pixels: &[u8],
    w: u32,
    (x0, x1): (i32, i32),
    (y0, y1): (i32, i32),
    color: RGBColor,
    tolerance: i32,
) -> usize {
    let RGBColor(r, g, b) = color;
    let mut n = 0;
    for y in y0.max(0)..y1 {
        for x in x0.max(0)..x1.min(w as i32) {
            let [pr, pg, pb] = at(pixels, w, (x, y));
            let d =
                (pr as i32 - r as i32).abs() + (pg as i32 - g as i32).abs() + (pb as i32 - b as i32).abs();
            n += usize::from(d <= tolerance);
        }
    }
    n
}

/// Ink of each column of a picture (255 − grey level, summed down the column).
fn column_ink(pixels: &[u8], w: u32, h: u32) -> Vec<f64> {
    (0..w as usize)
        .map(|x| (0..h as usize).map(|y| 255.0 - pixels[(y * w as usize + x) * 3] as f64).sum())
        .collect()
}

/// The ink-weighted centre of each separate stroke, left to right.
fn stroke_centres(ink: &[f64]) -> Vec<f64> {
    let threshold = ink.iter().copied().fold(0.0, f64::max) * 0.15;
    let mut centres = Vec::new();
    let mut x = 0;
    while x < ink.len() {
        if ink[x] <= threshold {
            x += 1;
            continue;
        }
        let (mut mass, mut moment) = (0.0, 0.0);
        while x < ink.len() && ink[x] > threshold {
            mass += ink[x];
            moment += ink[x] * x as f64;
            x += 1;
        }
        centres.push(moment / mass);
    }
    centres
}

/// The largest minus the smallest distance between consecutive strokes of twelve "l"s drawn
/// at 26 px, by this crate's text drawing or by plotters' own.
fn spacing_spread(even: bool) -> f64 {
    ensure_fonts().unwrap();
    let (w, h) = (200u32, 50u32);
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let style = font(26).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Top));
        let text = "llllllllllll";
        if even {
            let root = EvenText(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
            root.draw_text(text, &style, (10, 5)).unwrap();
            root.present().unwrap();
        } else {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            root.draw_text(text, &style, (10, 5)).unwrap();
            root.present().unwrap();
        }
    }
    let centres = stroke_centres(&column_ink(&rgb, w, h));
    assert_eq!(centres.len(), 12, "{centres:?}");
    let gaps: Vec<f64> = centres.windows(2).map(|p| p[1] - p[0]).collect();
    let (lo, hi) = gaps.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &g| (lo.min(g), hi.max(g)));
    hi - lo
}

#[test]
fn letters_are_evenly_spaced() {
    // plotters cuts each glyph's position to a whole pixel: its "l"s stand 6 or 7 px apart
    // (spread 1,0 px). Laid out here, each keeps its fractional place, 6,2 px apart at 26 px
    // (measured spread 0,25 px, what antialiasing leaves of a stroke's centre).
    let plotters = spacing_spread(false);
    let even = spacing_spread(true);
    assert!(plotters >= 0.9, "plotters' own spacing should show the defect: {plotters}");
    assert!(even < 0.35, "uneven spacing: strokes vary by {even:.2} px");
}

#[test]
fn a_row_label_starts_where_its_first_letter_does_and_ends_where_its_last_does() {
    // plotters dropped each glyph's left side bearing: "B" started 2 px early, "SNNP TNT".
    let mut chart = timeliness(3);
    chart.agencies[0].name = "BQL Khu NNƯDCNC".into();
    let (png, rows) = draw_timeliness(&chart).unwrap();
    let (w, h, pixels) = decode(&png);
    let (py, right) = rows.rows[0];
    let size = TimelinessLayout::new(1, 3).unwrap().label_size as f32;
    // The label's ink, from the picture: columns left of the plot with dark pixels in the row.
    let band: Vec<i32> = (0..rows.plot.start - 4)
        .filter(|&x| (py - 14..py + 14).any(|y| at(&pixels, w, (x, y)).iter().all(|&c| c < 160)))
        .collect();
    // The same from the font alone: advances and kerning, then the first and last outlines.
    let face = FontRef::try_from_slice(include_bytes!("../assets/fonts/DejaVuSans.ttf")).unwrap();
    let scaled = face.as_scaled(PxScale::from(size));
    let ids: Vec<_> = "BQL Khu NNƯDCNC".chars().map(|c| scaled.glyph_id(c)).collect();
    let mut pens = vec![0f32];
    for pair in ids.windows(2) {
        let last = *pens.last().unwrap();
        pens.push(last + scaled.h_advance(pair[0]) + scaled.kern(pair[0], pair[1]));
    }
    let width = pens.last().unwrap() + scaled.h_advance(*ids.last().unwrap());
    let start = right as f32 - width;
    let ink = |i: usize| {
        let glyph = ids[i].with_scale_and_position(PxScale::from(size), point(start + pens[i], 0.0));
        face.outline_glyph(glyph).unwrap().px_bounds()
    };
    let (first, last) = (ink(0), ink(ids.len() - 1));
    assert!(h > 0 && !band.is_empty());
    let (lo, hi) = (band[0], *band.last().unwrap());
    assert!((lo - first.min.x as i32).abs() <= 1, "label starts at {lo}, its B at {}", first.min.x);
    assert!((hi + 1 - last.max.x as i32).abs() <= 1, "label ends at {hi}, its C at {}", last.max.x);
}

#[test]
fn missing_agencies_get_a_cross_and_a_legend_entry_not_a_bar_of_days() {
    let chart = timeliness(10);
    let (png, rows) = draw_timeliness(&chart).unwrap();
    keep("timeliness_missing", &png);
    let (w, _, pixels) = decode(&png);
    let plot = (rows.plot.start, rows.plot.end);
    for (agency, &(py, _)) in chart.agencies.iter().zip(&rows.rows) {
        let band = (py - 8, py + 9);
        let beyond_the_mark = near_color(&pixels, w, (plot.0 + 40, plot.1), band, MISSING, 0);
        let mark = near_color(&pixels, w, (plot.0, plot.0 + 40), band, MISSING, 0);
        match agency.status {
            BarStatus::Missing => {
                assert_eq!(beyond_the_mark, 0, "{}: a missing agency reads as days late", agency.name);
                assert!(mark > 30, "{}: no cross ({mark} px)", agency.name);
            }
            _ => assert_eq!(mark + beyond_the_mark, 0, "{}: a cross where none is missing", agency.name),
        }
        if let BarStatus::Late { days } = agency.status {
            let bar = near_color(&pixels, w, (plot.0, plot.1), band, LATE, 0);
            assert!(bar > days as usize * 10, "{}: {bar} px of bar for {days} days", agency.name);
        }
    }
    // The legend, between the title and the plot, shows the cross and the three bars.
    let title_h = TimelinessLayout::new(1, 10).unwrap().title_h as i32;
    let legend = (title_h, title_h + 2 * LEGEND_ROW as i32 + 16);
    for color in [ON_TIME, LATE, MISSING, NOT_DUE] {
        assert!(
            near_color(&pixels, w, (0, WIDTH as i32), legend, color, 0) > 100,
            "{color:?} not in the legend"
        );
    }
}

#[test]
fn values_that_meet_stand_side_by_side_and_no_label_overlaps() {
    let chart = budget();
    let (png, drawn) = draw_indicator(&chart).unwrap();
    keep("budget", &png);
    let (w, _, pixels) = decode(&png);
    // After Q1 the four lines stand at 27, 26, 26 and 26 %: four markers, each visible.
    let q1: Vec<&(usize, usize, (i32, i32))> = drawn.markers.iter().filter(|m| m.0 == 0).collect();
    assert_eq!(q1.len(), 4);
    for &&(_, metric, centre) in &q1 {
        let RGBColor(r, g, b) = PALETTE[metric];
        assert_eq!(at(&pixels, w, centre), [r, g, b], "metric {metric}'s marker is hidden at {centre:?}");
    }
    for (i, a) in q1.iter().enumerate() {
        for b in &q1[..i] {
            assert!((a.2.0 - b.2.0).abs() >= MARKER_SPAN - 1, "markers overlap: {a:?} {b:?}");
        }
    }
    // Every value is labelled, in its metric's colour, and no label touches another or a marker.
    assert_eq!(drawn.labels.len(), 8, "{:?}", drawn.labels);
    for (i, l) in drawn.labels.iter().enumerate() {
        for o in &drawn.labels[..i] {
            assert!(!l.intersects(o), "labels overlap: {l:?} {o:?}");
        }
        for m in &drawn.markers {
            assert!(!l.covers_marker(m.2), "label {l:?} covers marker {m:?}");
        }
        let ink = near_color(&pixels, w, (l.x, l.x + l.w), (l.y, l.y + l.h), PALETTE[l.metric], 60);
        assert!(ink > 20, "label {l:?} shows {ink} px of its colour");
    }
    // The pace line runs through 25, 50, 75 and 100 % (seen where no marker covers it), and has
    // its legend entry.
    assert_eq!(drawn.pace.len(), 4);
    let covered = |(x, y): (i32, i32)| {
        drawn.labels.iter().any(|l| x > l.x - 12 && x < l.x + l.w + 12 && y > l.y - 12 && y < l.y + l.h + 12)
            || drawn.markers.iter().any(|m| (m.2.0 - x).abs() < 16 && (m.2.1 - y).abs() < 16)
    };
    let (mut seen, mut looked) = (0, 0);
    for pair in drawn.pace.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        for k in 1..20 {
            let (x, y) = (x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20);
            if !covered((x, y)) {
                looked += 1;
                seen += usize::from(near_color(&pixels, w, (x - 7, x + 8), (y - 4, y + 5), PACE, 0) > 0);
            }
        }
    }
    assert!(looked > 30 && seen * 10 >= looked * 9, "pace line seen at {seen} of {looked} places");
    let legend_top = drawn.pace.iter().map(|p| p.1).max().unwrap() + 60;
    assert!(near_color(&pixels, w, (0, 120), (legend_top, pixels.len() as i32 / 3 / w as i32), PACE, 0) > 30);
}

#[test]
fn twelve_months_of_close_values_keep_their_labels_apart() {
    let mut chart = budget();
    chart.periods = (1..=12).map(|m| format!("tháng {m}/2022")).collect();
    chart.pace = (1..=12).map(|m| m as f64 * 100.0 / 12.0).collect();
    for (k, m) in chart.metrics.iter_mut().enumerate() {
        m.points = points(&(1..=12).map(|i| Some(i as f64 * 8.0 + k as f64 * 0.6)).collect::<Vec<_>>());
    }
    let (png, drawn) = draw_indicator(&chart).unwrap();
    keep("twelve_months", &png);
    let (w, _, pixels) = decode(&png);
    for (i, l) in drawn.labels.iter().enumerate() {
        for o in &drawn.labels[..i] {
            assert!(!l.intersects(o), "labels overlap: {l:?} {o:?}");
        }
        for m in &drawn.markers {
            assert!(!l.covers_marker(m.2), "label {l:?} covers marker {m:?}");
        }
        assert!(near_color(&pixels, w, (l.x, l.x + l.w), (l.y, l.y + l.h), PALETTE[l.metric], 60) > 20);
    }
    // Too close to label every month: each metric's latest value still is.
    for metric in 0..4 {
        assert!(
            drawn.labels.iter().any(|l| l.metric == metric && l.column == 11),
            "metric {metric} unlabelled"
        );
    }
}

#[test]
fn the_bundled_plans_agencies_fit_their_rows_by_short_name() {
    let plan = crate::bundled::seed_plan();
    let mut chart = timeliness(plan.agencies.len());
    for (bar, agency) in chart.agencies.iter_mut().zip(&plan.agencies) {
        bar.name = crate::present::agency_short(&plan, crate::i18n::Lang::Vi, agency.code.as_str());
    }
    let bytes = timeliness_chart(&chart).unwrap();
    keep("timeliness_bundled", &bytes);
    ensure_fonts().unwrap();
    let layout = TimelinessLayout::new(1, chart.agencies.len()).unwrap();
    let name_font = font(layout.label_size);
    for a in &chart.agencies {
        assert!(text_width(&name_font, &a.name).unwrap() <= WIDTH * 2 / 5 - 44, "{} is cut", a.name);
    }
}
