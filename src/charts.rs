//! Charts as PNG pictures, for a leader reading on a phone in Telegram (sent as a photo).
//!
//! Plain data in, PNG bytes out: no Telegram, no SQL, no clock, no locale look-ups. Every text
//! a person reads is passed in by the caller, in NFC (the embedded DejaVu Sans has the
//! precomposed Vietnamese letters; the text layout does not position combining marks). Text is
//! laid out by `text` and drawn by `backend`, not by plotters, so that letters are evenly spaced.

mod backend;
mod labels;
mod text;

use plotters::backend::BitMapBackend;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use backend::EvenText;
use labels::{Column, Entry, LabelBox, MARKER_SPAN, Segment};
use text::{bold, ellipsize, ensure_fonts, fit_lines, font, text_width};

/// Width of every chart; the indicator chart is at least [`MIN_HEIGHT`] tall.
pub const WIDTH: u32 = 1000;
pub const MIN_HEIGHT: u32 = 700;
/// Telegram refuses photos whose width + height exceed 10,000 px.
const MAX_HEIGHT: u32 = 9000;
const MARGIN: u32 = 24;
const TITLE_SIZE: u32 = 36;
const TITLE_LINE: u32 = 46;
const TEXT_SIZE: u32 = 26;
const LEGEND_ROW: u32 = 40;

/// One colour per metric (Tableau 10 without its grey, which the target line uses).
const PALETTE: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
const TARGET: RGBColor = RGBColor(70, 70, 70);
const PACE: RGBColor = RGBColor(150, 150, 150);
const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(110, 110, 110);
const ON_TIME: RGBColor = RGBColor(44, 160, 44);
const LATE: RGBColor = RGBColor(245, 130, 20);
const MISSING: RGBColor = RGBColor(214, 39, 40);
const NOT_DUE: RGBColor = RGBColor(175, 175, 175);
const STRIPE: RGBColor = RGBColor(243, 245, 248);

/// One indicator's metrics against their targets across the periods.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChart {
    /// e.g. "(13) Y tế và bảo hiểm y tế".
    pub title: String,
    /// x axis labels, as people write periods: "quý I/2022".
    pub periods: Vec<String>,
    pub metrics: Vec<MetricSeries>,
    /// The pace expected by the end of each period of the metrics that build up over the year,
    /// in % of their target (25, 50, 75, 100 by the quarter); empty when none builds up.
    pub pace: Vec<f64>,
    /// Legend text of the pace line, e.g. "Tiến độ cần đạt".
    pub pace_label: String,
    /// e.g. "% chỉ tiêu".
    pub y_label: String,
    /// Legend text of the target line, e.g. "Chỉ tiêu (100%)".
    pub target_label: String,
    /// Shown when no metric has any value.
    pub no_data: String,
}

/// Metrics of one indicator have different units, so each is given as % of its own target.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSeries {
    pub name: String,
    /// One per period; `None` = not reported.
    pub points: Vec<Option<Point>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The value as a percent of its target: 100 = on target.
    pub percent: f64,
    /// The figure written beside it, as every other view writes it ("25,7%").
    pub label: String,
}

/// The timeliness of all agencies for one period: one horizontal bar per agency.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessChart {
    pub title: String,
    /// In the caller's order, top to bottom.
    pub agencies: Vec<AgencyBar>,
    pub on_time: String,
    pub late: String,
    pub missing: String,
    /// Legend text of agencies whose deadline has not come yet.
    pub not_due: String,
    /// The x axis: days late, e.g. "Số ngày trễ".
    pub days_label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyBar {
    /// Short, as a reader knows it: "Sở NN&PTNT", "UBND huyện Châu Thành A".
    pub name: String,
    pub status: BarStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarStatus {
    OnTime,
    Late { days: u32 },
    Missing,
    NotDue,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
    #[error("{0} agencies do not fit in one picture")]
    TooManyRows(usize),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// PNG of one indicator: a line per metric (% of its target) over the periods, a dashed line
/// at 100 %, a dotted one for the pace expected by each period, every reported value marked
/// and labelled (markers side by side where values meet, labels never overlapping), the
/// legend under the plot.
pub fn indicator_chart(chart: &IndicatorChart) -> Result<Vec<u8>, ChartError> {
    draw_indicator(chart).map(|(png, _)| png)
}

/// What was drawn where, in pixels: for the tests to look at the picture.
#[derive(Debug, Default)]
struct Drawn {
    /// (period, metric, marker centre).
    markers: Vec<(usize, usize, (i32, i32))>,
    labels: Vec<LabelBox>,
    /// The pace line's points.
    pace: Vec<(i32, i32)>,
}

/// Size of the values' labels.
const LABEL_SIZE: u32 = 22;

fn draw_indicator(chart: &IndicatorChart) -> Result<(Vec<u8>, Drawn), ChartError> {
    ensure_fonts()?;
    let title = fit_lines(&chart.title, &bold(TITLE_SIZE), WIDTH - 2 * MARGIN, 2)?;
    let n = chart.periods.len();
    let series: Vec<Vec<Option<&Point>>> = chart
        .metrics
        .iter()
        .map(|m| (0..n).map(|i| m.points.get(i).and_then(Option::as_ref).filter(|p| p.percent.is_finite())))
        .map(Iterator::collect)
        .collect();
    let has_data = series.iter().flatten().any(Option::is_some);
    let pace: Vec<(usize, f64)> =
        chart.pace.iter().take(n).copied().enumerate().filter(|(_, v)| v.is_finite()).collect();
    let title_h = title.len() as u32 * TITLE_LINE + MARGIN;
    let legend_rows = chart.metrics.len() + 1 + usize::from(!pace.is_empty());
    let legend_h = if has_data { legend_rows as u32 * LEGEND_ROW + 16 } else { 0 };
    let height = (title_h + 440 + legend_h).clamp(MIN_HEIGHT, MAX_HEIGHT);
    // Room right of the last period for its labels, beside markers that may stand aside.
    let mut widest_label = 0;
    for p in series.iter().flatten().flatten() {
        widest_label = widest_label.max(text_width(&font(LABEL_SIZE), &p.label)? as i32 + 10);
    }
    let slot = (WIDTH as i32 - 148) / n.max(1) as i32;
    let margin_right = (widest_label + slot * 3 / 10 + MARKER_SPAN + 14 - slot / 2).clamp(36, 240);
    let mut drawn = Drawn::default();
    let png = render((WIDTH, height), |root| {
        draw_title(root, &title)?;
        let (_, rest) = root.split_vertically(title_h);
        let (plot, legend) = rest.split_vertically(height - title_h - legend_h);
        if !has_data {
            let style = font(28).color(&MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            let (w, h) = plot.dim_in_pixel();
            plot.draw_text(&chart.no_data, &style, (w as i32 / 2, h as i32 / 2))?;
            return Ok(());
        }
        let values = series.iter().flatten().flatten().map(|p| p.percent);
        let (lo, hi) = y_bounds(values.chain(pace.iter().map(|&(_, v)| v)));
        let mut ctx = ChartBuilder::on(&plot)
            .margin_left(12)
            .margin_right(margin_right)
            .margin_top(8)
            .x_label_area_size(44)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
        ctx.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(10)
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .y_desc(chart.y_label.as_str())
            .label_style(font(TEXT_SIZE).color(&INK))
            .axis_desc_style(font(TEXT_SIZE).color(&MUTED))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.10))
            .axis_style(MUTED.stroke_width(2))
            .draw()?;
        let target = [(-0.5, 100.0), (n as f64 - 0.5, 100.0)];
        ctx.draw_series(DashedLineSeries::new(target, 14, 9, TARGET.stroke_width(3)))?;
        if !pace.is_empty() {
            let points = pace.iter().map(|&(i, v)| (i as f64, v));
            ctx.draw_series(DashedLineSeries::new(points, 5, 7, PACE.stroke_width(4)))?;
        }
        let at = |i: usize, v: f64| ctx.backend_coord(&(i as f64, v));
        let (x_range, y_range) = ctx.plotting_area().get_pixel_range();
        draw_period_labels(root, &chart.periods, x_range.end - x_range.start, |i| at(i, lo))?;
        // The lines a label had better not cover.
        let mut lines: Vec<Segment> = vec![(ctx.backend_coord(&target[0]), ctx.backend_coord(&target[1]))];
        drawn.pace = pace.iter().map(|&(i, v)| at(i, v)).collect();
        lines.extend(drawn.pace.windows(2).map(|p| (p[0], p[1])));
        // Markers of values that meet stand side by side; lines join them where they stand.
        let slot = (x_range.end - x_range.start) / n as i32;
        let mut columns: Vec<Column> =
            (0..n).map(|i| Column { x: at(i, lo).0, entries: Vec::new() }).collect();
        for (metric, values) in series.iter().enumerate() {
            for (i, p) in values.iter().enumerate() {
                if let Some(p) = p {
                    let width = text_width(&font(LABEL_SIZE), &p.label)? as i32 + 10;
                    let (x, y) = at(i, p.percent);
                    columns[i].entries.push(Entry { metric, x, y, label: p.label.clone(), width });
                }
            }
        }
        columns.iter_mut().for_each(|c| c.dodge(slot * 3 / 5));
        for metric in 0..series.len() {
            let color = PALETTE[metric % PALETTE.len()];
            // Lines only join consecutive reported periods: a gap stays a gap.
            for i in 1..n {
                if let (Some(a), Some(b)) = (columns[i - 1].marker(metric), columns[i].marker(metric)) {
                    root.draw(&PathElement::new([a, b], color.stroke_width(4)))?;
                    lines.push((a, b));
                }
            }
        }
        for (i, column) in columns.iter().enumerate() {
            for e in &column.entries {
                root.draw(&marker(e.metric, (e.x, e.y), PALETTE[e.metric % PALETTE.len()]))?;
                drawn.markers.push((i, e.metric, (e.x, e.y)));
            }
        }
        let area = LabelBox::area(x_range.start..WIDTH as i32 - 8, y_range);
        drawn.labels = labels::place(&columns, area, &lines);
        draw_value_labels(root, &drawn.labels, &columns)?;
        let names = chart.metrics.iter().map(|m| m.name.as_str());
        let pace_label = (!pace.is_empty()).then_some(chart.pace_label.as_str());
        draw_legend(&legend, names, &chart.target_label, pace_label)
    })?;
    Ok((png, drawn))
}

/// Period labels under their points (the mesh would pick "nice" fractional ticks), every
/// second or third one when they would touch.
fn draw_period_labels(
    root: &Area<'_>,
    periods: &[String],
    plot_width: i32,
    foot: impl Fn(usize) -> (i32, i32),
) -> Result<(), ChartError> {
    let label = font(TEXT_SIZE).color(&INK).pos(Pos::new(HPos::Center, VPos::Top));
    let slot = (plot_width / periods.len().max(1) as i32).max(1) as u32;
    let mut widest = 0;
    for period in periods {
        widest = widest.max(text_width(&font(TEXT_SIZE), period)?);
    }
    let step = (widest + 12).div_ceil(slot).max(1) as usize;
    for (i, period) in periods.iter().enumerate().step_by(step) {
        let (x, y) = foot(i);
        root.draw_text(period, &label, (x, y + 10))?;
    }
    Ok(())
}

/// Each label on a white box, in its metric's colour.
fn draw_value_labels(root: &Area<'_>, boxes: &[LabelBox], columns: &[Column]) -> Result<(), ChartError> {
    let label_font = font(LABEL_SIZE);
    for b in boxes {
        let Some(e) = columns[b.column].entries.iter().find(|e| e.metric == b.metric) else { continue };
        let color = PALETTE[b.metric % PALETTE.len()];
        root.draw(&Rectangle::new([(b.x, b.y + 1), (b.x + b.w, b.y + b.h - 1)], WHITE.mix(0.85).filled()))?;
        let style = label_font.color(&color).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(&e.label, &style, (b.x + 5, b.y + b.h / 2))?;
    }
    Ok(())
}

/// PNG of every agency's timeliness in one period: a row per agency, the bar as long as the
/// days late (green stub on time, orange late with its days, grey stub not yet due) and a red
/// cross for missing, which has no length of days; the legend with counts under the title.
/// Grows taller with many agencies.
pub fn timeliness_chart(chart: &TimelinessChart) -> Result<Vec<u8>, ChartError> {
    draw_timeliness(chart).map(|(png, _)| png)
}

/// Where each row went, in pixels: for the tests to look at the picture.
#[derive(Debug, Default)]
struct Rows {
    /// The plot's pixel columns (x = 0 days at `plot.start`).
    plot: std::ops::Range<i32>,
    /// Each row's centre line, and the right edge of its name.
    rows: Vec<(i32, i32)>,
}

fn draw_timeliness(chart: &TimelinessChart) -> Result<(Vec<u8>, Rows), ChartError> {
    ensure_fonts()?;
    let title = fit_lines(&chart.title, &bold(TITLE_SIZE), WIDTH - 2 * MARGIN, 2)?;
    let layout = TimelinessLayout::new(title.len() as u32, chart.agencies.len())?;
    let n = chart.agencies.len();
    let max_days = chart.agencies.iter().filter_map(|a| match a.status {
        BarStatus::Late { days } => Some(days),
        _ => None,
    });
    let span = nice_ceiling(max_days.max().unwrap_or(0).max(5) as f64);
    let x_max = span * 1.1;
    let count = |f: fn(&BarStatus) -> bool| chart.agencies.iter().filter(|a| f(&a.status)).count();
    let legend = [
        (StatusMark::Bar(ON_TIME), format!("{} ({})", chart.on_time, count(|s| *s == BarStatus::OnTime))),
        (
            StatusMark::Bar(LATE),
            format!("{} ({})", chart.late, count(|s| matches!(s, BarStatus::Late { .. }))),
        ),
        (StatusMark::Cross, format!("{} ({})", chart.missing, count(|s| *s == BarStatus::Missing))),
        (StatusMark::Bar(NOT_DUE), format!("{} ({})", chart.not_due, count(|s| *s == BarStatus::NotDue))),
    ];
    let name_font = font(layout.label_size);
    let mut widest = 0;
    for a in &chart.agencies {
        widest = widest.max(text_width(&name_font, &a.name)?);
    }
    let label_w = (widest + 24).clamp(80, WIDTH * 2 / 5);
    let mut drawn = Rows::default();
    let png = render((WIDTH, layout.height), |root| {
        draw_title(root, &title)?;
        let (_, rest) = root.split_vertically(layout.title_h);
        let (legend_area, plot) = rest.split_vertically(layout.legend_h);
        draw_status_legend(&legend_area, &legend)?;
        let mut ctx = ChartBuilder::on(&plot)
            .margin_left(8)
            .margin_right(MARGIN)
            .margin_bottom(8)
            .x_label_area_size(72)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..x_max, 0f64..n.max(1) as f64)?;
        ctx.configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(11)
            .x_label_formatter(&|v| {
                let whole = v.fract().abs() < 1e-9 && *v <= span + 1e-9;
                if whole { format!("{v:.0}") } else { String::new() }
            })
            .x_desc(chart.days_label.as_str())
            .label_style(font(TEXT_SIZE).color(&INK))
            .axis_desc_style(font(TEXT_SIZE).color(&MUTED))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.10))
            .axis_style(MUTED.stroke_width(2))
            .draw()?;
        drawn.plot = ctx.plotting_area().get_pixel_range().0;
        let row = |i: usize| n as f64 - i as f64 - 0.5;
        let stripes = (0..n)
            .filter(|i| i % 2 == 0)
            .map(|i| Rectangle::new([(0.0, row(i) - 0.5), (x_max, row(i) + 0.5)], STRIPE.filled()));
        ctx.draw_series(stripes)?;
        let days_style = font(layout.label_size).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        let stub = x_max * 0.025;
        let row_h = ctx.backend_coord(&(0.0, 0.0)).1 - ctx.backend_coord(&(0.0, 1.0)).1;
        let cross_r = (row_h / 4).clamp(5, 11);
        for (i, agency) in chart.agencies.iter().enumerate() {
            let y = row(i);
            let (x, py) = ctx.backend_coord(&(0.0, y));
            let ink = match agency.status {
                BarStatus::OnTime => Some((ON_TIME, stub)),
                BarStatus::Late { days } => Some((LATE, (days as f64).max(stub))),
                BarStatus::NotDue => Some((NOT_DUE, stub)),
                BarStatus::Missing => None,
            };
            match ink {
                Some((color, len)) => {
                    let bar = Rectangle::new([(0.0, y - 0.34), (len, y + 0.34)], color.filled());
                    ctx.plotting_area().draw(&bar)?;
                    if let BarStatus::Late { days } = agency.status {
                        let (end, _) = ctx.backend_coord(&(len, y));
                        root.draw_text(&days.to_string(), &days_style, (end + 8, py))?;
                    }
                }
                None => root.draw(&cross((x + cross_r + 4, py), cross_r))?,
            }
            // Missing agencies are named in the colour of their mark, to find them at a glance.
            let color = if agency.status == BarStatus::Missing { MISSING } else { INK };
            let name_style = name_font.color(&color).pos(Pos::new(HPos::Right, VPos::Center));
            let name = ellipsize(&name_font, &agency.name, label_w - 20)?;
            root.draw_text(&name, &name_style, (x - 10, py))?;
            drawn.rows.push((py, x - 10));
        }
        Ok(())
    })?;
    Ok((png, drawn))
}

struct TimelinessLayout {
    title_h: u32,
    legend_h: u32,
    height: u32,
    label_size: u32,
}

impl TimelinessLayout {
    /// Rows of 36 px (bigger when few agencies fill the minimum height), shrinking to 18 px
    /// before giving up, so that the picture stays within Telegram's photo limits.
    fn new(title_lines: u32, agencies: usize) -> Result<Self, ChartError> {
        let title_h = title_lines * TITLE_LINE + MARGIN;
        let legend_h = 2 * LEGEND_ROW + 16;
        let fixed = title_h + legend_h + 72 + 16;
        let rows = agencies.max(1) as u32;
        let row_h = ((MIN_HEIGHT - fixed) / rows).clamp(36, 60);
        let row_h = row_h.min((MAX_HEIGHT - fixed) / rows);
        if row_h < 18 {
            return Err(ChartError::TooManyRows(agencies));
        }
        let height = (fixed + rows * row_h).max(MIN_HEIGHT);
        let label_size = (row_h * 2 / 3).min(TEXT_SIZE);
        Ok(TimelinessLayout { title_h, legend_h, height, label_size })
    }
}

type Area<'a> = DrawingArea<EvenText<'a>, Shift>;

/// Draws into an RGB buffer and encodes it as PNG in memory.
fn render<F>(size: (u32, u32), draw: F) -> Result<Vec<u8>, ChartError>
where
    F: FnOnce(&Area<'_>) -> Result<(), ChartError>,
{
    let mut rgb = vec![255u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = EvenText(BitMapBackend::with_buffer(&mut rgb, size)).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    let mut out = Vec::with_capacity(rgb.len() / 16);
    let mut encoder = png::Encoder::new(&mut out, size.0, size.1);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

fn draw_title(root: &Area<'_>, lines: &[String]) -> Result<(), ChartError> {
    let style = bold(TITLE_SIZE).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    for (i, line) in lines.iter().enumerate() {
        let y = MARGIN as i32 / 2 + 4 + i as i32 * TITLE_LINE as i32;
        root.draw_text(line, &style, (MARGIN as i32, y))?;
    }
    Ok(())
}

/// One row per metric (its colour, marker and name), then the dashed target line and the
/// dotted pace line.
fn draw_legend<'n>(
    area: &Area<'_>,
    names: impl Iterator<Item = &'n str>,
    target: &str,
    pace: Option<&str>,
) -> Result<(), ChartError> {
    let text_font = font(TEXT_SIZE);
    let style = text_font.color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    let (x0, text_x) = (MARGIN as i32 + 8, MARGIN as i32 + 84);
    let max_w = WIDTH - text_x as u32 - MARGIN;
    let mut y = 8 + LEGEND_ROW as i32 / 2;
    for (idx, name) in names.enumerate() {
        let color = PALETTE[idx % PALETTE.len()];
        area.draw(&PathElement::new([(x0, y), (x0 + 60, y)], color.stroke_width(4)))?;
        area.draw(&marker(idx, (x0 + 30, y), color))?;
        area.draw_text(&ellipsize(&text_font, name, max_w)?, &style, (text_x, y))?;
        y += LEGEND_ROW as i32;
    }
    for x in [x0, x0 + 23, x0 + 46] {
        area.draw(&PathElement::new([(x, y), (x + 14, y)], TARGET.stroke_width(3)))?;
    }
    area.draw_text(&ellipsize(&text_font, target, max_w)?, &style, (text_x, y))?;
    if let Some(pace) = pace {
        y += LEGEND_ROW as i32;
        for x in (x0..x0 + 60).step_by(12) {
            area.draw(&PathElement::new([(x, y), (x + 5, y)], PACE.stroke_width(4)))?;
        }
        area.draw_text(&ellipsize(&text_font, pace, max_w)?, &style, (text_x, y))?;
    }
    Ok(())
}

/// How a status is marked, in the rows and in the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusMark {
    Bar(RGBColor),
    /// A cross: missing is not a length of days late.
    Cross,
}

/// Two columns, two rows: the status' mark and "label (count)".
fn draw_status_legend(area: &Area<'_>, entries: &[(StatusMark, String)]) -> Result<(), ChartError> {
    let text_font = font(TEXT_SIZE);
    let style = text_font.color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    let col_w = (WIDTH - 2 * MARGIN) / 2;
    for (i, (mark, label)) in entries.iter().enumerate() {
        let x = (MARGIN + (i as u32 % 2) * col_w) as i32;
        let y = 8 + (i as i32 / 2) * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        match *mark {
            StatusMark::Bar(color) => {
                area.draw(&Rectangle::new([(x, y - 11), (x + 34, y + 11)], color.filled()))?
            }
            StatusMark::Cross => area.draw(&cross((x + 17, y), 11))?,
        }
        area.draw_text(&ellipsize(&text_font, label, col_w - 60)?, &style, (x + 46, y))?;
    }
    Ok(())
}

/// The missing mark: a red cross of half-size `r` centred at `at`.
fn cross<'a, DB: DrawingBackend + 'a>(at: (i32, i32), r: i32) -> DynElement<'a, DB, (i32, i32)> {
    let stroke = MISSING.stroke_width(5);
    (EmptyElement::at(at)
        + PathElement::new([(-r, -r), (r, r)], stroke)
        + PathElement::new([(-r, r), (r, -r)], stroke))
    .into_dyn()
}

/// Circle, square or triangle by metric, so that lines stay apart without colour.
fn marker<'a, DB, C>(idx: usize, at: C, color: RGBColor) -> DynElement<'a, DB, C>
where
    DB: DrawingBackend + 'a,
    C: Clone + 'a,
{
    let fill = color.filled();
    match (idx / PALETTE.len() + idx) % 3 {
        0 => (EmptyElement::at(at) + Circle::new((0, 0), 7, fill)).into_dyn(),
        1 => (EmptyElement::at(at) + Rectangle::new([(-6, -6), (6, 6)], fill)).into_dyn(),
        _ => (EmptyElement::at(at) + TriangleMarker::new((0, 0), 8, fill)).into_dyn(),
    }
}

/// The y range: 0 (or below the lowest value) to a round figure above 100 % and every value.
fn y_bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (min, max) = values.fold((0f64, 100f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let step = nice_ceiling((max - min) * 1.1 / 7.0);
    let hi = (max * 1.1 / step).ceil() * step;
    let lo = if min < 0.0 { (min * 1.1 / step).floor() * step } else { 0.0 };
    (lo, hi)
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is >= `v` (v > 0).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|s| s * magnitude >= v - 1e-9);
    step.unwrap_or(10.0) * magnitude
}

#[cfg(test)]
#[path = "charts_tests.rs"]
mod tests;
