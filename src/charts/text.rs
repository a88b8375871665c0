//! The embedded font, laying text out and fitting it into pixels.
//!
//! Text is laid out here rather than by plotters: its ab_glyph drawing places each glyph at
//! its pen position cut to a whole pixel and without the glyph's left side bearing, so letters
//! sit unevenly ("SNNP TNT", "H-CHAUTH ANHA"). Here every glyph keeps its fractional position
//! and its bearing, and is rasterized where it belongs.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::ChartError;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "sans-serif";

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: FontRef::try_from_slice(REGULAR).ok()?,
                bold: FontRef::try_from_slice(BOLD).ok()?,
            })
        })
        .as_ref()
}

/// Loads DejaVu Sans (regular and bold), once per process; registered with plotters too, whose
/// styles name it.
pub(super) fn ensure_fonts() -> Result<(), ChartError> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let ok = *LOADED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, BOLD).is_ok()
            && faces().is_some()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

pub(super) fn font(size: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size as f64, FontStyle::Normal)
}

pub(super) fn bold(size: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size as f64, FontStyle::Bold)
}

/// One line of text laid out at a size: each glyph's pen position from the line's start, in
/// fractional pixels, kerning included.
pub(super) struct Line {
    glyphs: Vec<(GlyphId, f32)>,
    pub width: f32,
    pub ascent: f32,
    pub descent: f32,
    bold: bool,
    size: f32,
}

impl Line {
    pub fn new(text: &str, size: f64, bold: bool) -> Result<Line, ChartError> {
        let faces = faces().ok_or(ChartError::Font)?;
        let face = if bold { &faces.bold } else { &faces.regular };
        let scaled = face.as_scaled(PxScale::from(size as f32));
        let mut glyphs = Vec::with_capacity(text.len());
        let mut caret = 0f32;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                caret += scaled.kern(p, id);
            }
            glyphs.push((id, caret));
            caret += scaled.h_advance(id);
            previous = Some(id);
        }
        let (ascent, descent) = (scaled.ascent(), scaled.descent());
        Ok(Line { glyphs, width: caret, ascent, descent, bold, size: size as f32 })
    }

    /// The line's box height: ascent to descent.
    pub fn height(&self) -> f32 {
        self.ascent - self.descent
    }

    /// Calls `plot(x, y, coverage)` for every pixel the text covers, with its pen starting at
    /// `left` and its baseline at `baseline` (fractional pixels); overlapping glyphs add up.
    pub fn rasterize(&self, left: f32, baseline: f32, mut plot: impl FnMut(i32, i32, f32)) {
        let Some(faces) = faces() else { return };
        let face = if self.bold { &faces.bold } else { &faces.regular };
        let scale = PxScale::from(self.size);
        let outlined: Vec<_> = self
            .glyphs
            .iter()
            .filter_map(|&(id, x)| {
                face.outline_glyph(id.with_scale_and_position(scale, point(left + x, baseline)))
            })
            .collect();
        let Some(first) = outlined.first() else { return };
        let mut bounds = first.px_bounds();
        for g in &outlined {
            let b = g.px_bounds();
            bounds.min.x = bounds.min.x.min(b.min.x);
            bounds.min.y = bounds.min.y.min(b.min.y);
            bounds.max.x = bounds.max.x.max(b.max.x);
            bounds.max.y = bounds.max.y.max(b.max.y);
        }
        let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
        let w = (bounds.max.x as i32 - x0 + 1) as usize;
        let h = (bounds.max.y as i32 - y0 + 1) as usize;
        let mut coverage = vec![0f32; w * h];
        for g in &outlined {
            let b = g.px_bounds();
            let (gx, gy) = (b.min.x as i32 - x0, b.min.y as i32 - y0);
            g.draw(|x, y, c| {
                let (px, py) = (gx + x as i32, gy + y as i32);
                if px >= 0 && py >= 0 && (px as usize) < w && (py as usize) < h {
                    coverage[py as usize * w + px as usize] += c;
                }
            });
        }
        for (i, &c) in coverage.iter().enumerate() {
            if c > 0.0 {
                plot(x0 + (i % w) as i32, y0 + (i / w) as i32, c.min(1.0));
            }
        }
    }
}

/// The laid-out width of `text` in `font`, rounded up to whole pixels.
pub(super) fn text_width(font: &FontDesc<'_>, text: &str) -> Result<u32, ChartError> {
    let line = Line::new(text, font.get_size(), matches!(font.get_style(), FontStyle::Bold))?;
    Ok(line.width.ceil() as u32)
}

/// `text` if it fits in `max_w` pixels, else cut with "…".
pub(super) fn ellipsize(font: &FontDesc<'_>, text: &str, max_w: u32) -> Result<String, ChartError> {
    if text_width(font, text)? <= max_w {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while chars.pop().is_some() {
        let cut: String = chars.iter().collect();
        let candidate = format!("{}…", cut.trim_end());
        if text_width(font, &candidate)? <= max_w {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

/// Greedy word wrap into at most `max_lines` lines; the last one cut with "…" if needed.
pub(super) fn fit_lines(
    text: &str,
    font: &FontDesc<'_>,
    max_w: u32,
    max_lines: usize,
) -> Result<Vec<String>, ChartError> {
    let mut lines: Vec<String> = Vec::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let mut line = word.to_string();
        if lines.len() + 1 == max_lines {
            line = words.fold(line, |l, w| l + " " + w);
            lines.push(ellipsize(font, &line, max_w)?);
            break;
        }
        while let Some(next) = words.peek() {
            let longer = format!("{line} {next}");
            if text_width(font, &longer)? > max_w {
                break;
            }
            line = longer;
            words.next();
        }
        lines.push(ellipsize(font, &line, max_w)?);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    Ok(lines)
}
