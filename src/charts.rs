//! Charts as PNG pictures, for a leader reading on a phone in Telegram (sent as a photo).
//!
//! Plain data in, PNG bytes out: no Telegram, no SQL, no clock, no locale look-ups. Every text
//! a person reads is passed in by the caller, in NFC (the embedded DejaVu Sans has the
//! precomposed Vietnamese letters; plotters does not position combining marks).

mod text;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    /// x axis labels, e.g. "2022-Q1".
    pub periods: Vec<String>,
    pub metrics: Vec<MetricSeries>,
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
    /// One per period; `None` = not reported. 100 = on target.
    pub percent_of_target: Vec<Option<f64>>,
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
    /// Short, e.g. the agency code.
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
/// at 100 %, every reported value marked and labelled, the legend under the plot.
pub fn indicator_chart(chart: &IndicatorChart) -> Result<Vec<u8>, ChartError> {
    ensure_fonts()?;
    let title = fit_lines(&chart.title, &bold(TITLE_SIZE), WIDTH - 2 * MARGIN, 2)?;
    let n = chart.periods.len();
    let series: Vec<Vec<Option<f64>>> = chart
        .metrics
        .iter()
        .map(|m| (0..n).map(|i| m.percent_of_target.get(i).copied().flatten()))
        .map(|vs| vs.map(|v| v.filter(|x| x.is_finite())).collect())
        .collect();
    let has_data = series.iter().flatten().any(Option::is_some);
    let title_h = title.len() as u32 * TITLE_LINE + MARGIN;
    let legend_h = if has_data { (chart.metrics.len() as u32 + 1) * LEGEND_ROW + 16 } else { 0 };
    let height = (title_h + 440 + legend_h).clamp(MIN_HEIGHT, MAX_HEIGHT);
    render((WIDTH, height), |root| {
        draw_title(root, &title)?;
        let (_, rest) = root.split_vertically(title_h);
        let (plot, legend) = rest.split_vertically(height - title_h - legend_h);
        if !has_data {
            let style = font(28).color(&MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            let (w, h) = plot.dim_in_pixel();
            plot.draw_text(&chart.no_data, &style, (w as i32 / 2, h as i32 / 2))?;
            return Ok(());
        }
        let (lo, hi) = y_bounds(series.iter().flatten().flatten().copied());
        let mut ctx = ChartBuilder::on(&plot)
            .margin_left(12)
            .margin_right(36)
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
        // Period labels under their points (the mesh would pick "nice" fractional ticks).
        let label = font(TEXT_SIZE).color(&INK).pos(Pos::new(HPos::Center, VPos::Top));
        let slot = ctx.plotting_area().dim_in_pixel().0 / n as u32;
        let mut widest = 0;
        for period in &chart.periods {
            widest = widest.max(text_width(&font(TEXT_SIZE), period)?);
        }
        let step = (widest + 12).div_ceil(slot.max(1)).max(1) as usize;
        for (i, period) in chart.periods.iter().enumerate().step_by(step) {
            let (x, y) = ctx.backend_coord(&(i as f64, lo));
            root.draw_text(period, &label, (x, y + 10))?;
        }
        let target = [(-0.5, 100.0), (n as f64 - 0.5, 100.0)];
        ctx.draw_series(DashedLineSeries::new(target, 14, 9, TARGET.stroke_width(3)))?;
        // Lines only join consecutive reported periods: a gap stays a gap.
        let mut labels: Vec<Vec<(i32, RGBColor, f64)>> = vec![Vec::new(); n];
        for (idx, values) in series.iter().enumerate() {
            let color = PALETTE[idx % PALETTE.len()];
            let points: Vec<(usize, f64)> =
                values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
            for pair in points.windows(2).filter(|p| p[1].0 == p[0].0 + 1) {
                let line = pair.iter().map(|&(i, v)| (i as f64, v));
                ctx.draw_series(LineSeries::new(line, color.stroke_width(4)))?;
            }
            for &(i, v) in &points {
                ctx.plotting_area().draw(&marker(idx, (i as f64, v), color))?;
                labels[i].push((ctx.backend_coord(&(i as f64, v)).1, color, v));
            }
        }
        for (i, column) in labels.iter_mut().enumerate() {
            let (x, _) = ctx.backend_coord(&(i as f64, lo));
            draw_value_labels(root, x + 14, column)?;
        }
        let names = chart.metrics.iter().map(|m| m.name.as_str());
        draw_legend(&legend, names, &chart.target_label)
    })
}

/// PNG of every agency's timeliness in one period: a row per agency, the bar as long as the
/// days late (green stub on time, orange late with its days, red across for missing, grey stub
/// not yet due), the legend with counts under the title. Grows taller with many agencies.
pub fn timeliness_chart(chart: &TimelinessChart) -> Result<Vec<u8>, ChartError> {
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
        (ON_TIME, format!("{} ({})", chart.on_time, count(|s| *s == BarStatus::OnTime))),
        (LATE, format!("{} ({})", chart.late, count(|s| matches!(s, BarStatus::Late { .. })))),
        (MISSING, format!("{} ({})", chart.missing, count(|s| *s == BarStatus::Missing))),
        (NOT_DUE, format!("{} ({})", chart.not_due, count(|s| *s == BarStatus::NotDue))),
    ];
    let name_font = font(layout.label_size);
    let mut widest = 0;
    for a in &chart.agencies {
        widest = widest.max(text_width(&name_font, &a.name)?);
    }
    let label_w = (widest + 24).clamp(80, WIDTH * 2 / 5);
    render((WIDTH, layout.height), |root| {
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
        let row = |i: usize| n as f64 - i as f64 - 0.5;
        let stripes = (0..n)
            .filter(|i| i % 2 == 0)
            .map(|i| Rectangle::new([(0.0, row(i) - 0.5), (x_max, row(i) + 0.5)], STRIPE.filled()));
        ctx.draw_series(stripes)?;
        let name_style = name_font.color(&INK).pos(Pos::new(HPos::Right, VPos::Center));
        let days_style = font(layout.label_size).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        let stub = x_max * 0.025;
        for (i, agency) in chart.agencies.iter().enumerate() {
            let y = row(i);
            let (color, len) = match agency.status {
                BarStatus::OnTime => (ON_TIME, stub),
                BarStatus::Late { days } => (LATE, (days as f64).max(stub)),
                BarStatus::Missing => (MISSING, x_max),
                BarStatus::NotDue => (NOT_DUE, stub),
            };
            let bar = Rectangle::new([(0.0, y - 0.34), (len, y + 0.34)], color.filled());
            ctx.plotting_area().draw(&bar)?;
            let (x, py) = ctx.backend_coord(&(0.0, y));
            let name = ellipsize(&name_font, &agency.name, label_w - 20)?;
            root.draw_text(&name, &name_style, (x - 10, py))?;
            if let BarStatus::Late { days } = agency.status {
                let (end, _) = ctx.backend_coord(&(len, y));
                root.draw_text(&days.to_string(), &days_style, (end + 8, py))?;
            }
        }
        Ok(())
    })
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

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Draws into an RGB buffer and encodes it as PNG in memory.
fn render<F>(size: (u32, u32), draw: F) -> Result<Vec<u8>, ChartError>
where
    F: FnOnce(&Area<'_>) -> Result<(), ChartError>,
{
    let mut rgb = vec![255u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
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

/// One row per metric (its colour, marker and name), then the dashed target line.
fn draw_legend<'n>(
    area: &Area<'_>,
    names: impl Iterator<Item = &'n str>,
    target: &str,
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
    Ok(())
}

/// Two columns, two rows: a colour square and "label (count)".
fn draw_status_legend(area: &Area<'_>, entries: &[(RGBColor, String)]) -> Result<(), ChartError> {
    let text_font = font(TEXT_SIZE);
    let style = text_font.color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    let col_w = (WIDTH - 2 * MARGIN) / 2;
    for (i, (color, label)) in entries.iter().enumerate() {
        let x = (MARGIN + (i as u32 % 2) * col_w) as i32;
        let y = 8 + (i as i32 / 2) * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        area.draw(&Rectangle::new([(x, y - 11), (x + 34, y + 11)], color.filled()))?;
        area.draw_text(&ellipsize(&text_font, label, col_w - 60)?, &style, (x + 46, y))?;
    }
    Ok(())
}

/// The values of one period, right of their points, pushed apart so that none overlaps, each
/// on a white box so that it stays readable over the lines.
fn draw_value_labels(root: &Area<'_>, x: i32, column: &mut [(i32, RGBColor, f64)]) -> Result<(), ChartError> {
    const SIZE: u32 = 22;
    const GAP: i32 = 26;
    column.sort_by_key(|&(y, _, _)| y);
    let mut placed: Vec<i32> = Vec::with_capacity(column.len());
    for &(y, _, _) in column.iter() {
        placed.push(placed.last().map_or(y, |&prev| y.max(prev + GAP)));
    }
    // Centre the stack on the points it labels rather than letting it drift down.
    if let Some(&first) = placed.first() {
        let drift =
            (placed.iter().sum::<i32>() - column.iter().map(|c| c.0).sum::<i32>()) / placed.len() as i32;
        let drift = drift.min(first - GAP).max(0);
        placed.iter_mut().for_each(|y| *y -= drift);
    }
    let label_font = font(SIZE);
    for (&(_, color, value), &y) in column.iter().zip(&placed) {
        let text = format!("{value:.0}%");
        let w = text_width(&label_font, &text)? as i32;
        let halo = Rectangle::new(
            [(x - 3, y - GAP / 2 + 1), (x + w + 5, y + GAP / 2 - 1)],
            WHITE.mix(0.85).filled(),
        );
        root.draw(&halo)?;
        let style = label_font.color(&color).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(&text, &style, (x, y))?;
    }
    Ok(())
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
