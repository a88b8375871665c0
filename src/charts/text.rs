//! The embedded font and fitting text into pixels.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::ChartError;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "sans-serif";

/// Registers DejaVu Sans (regular and bold) with plotters, once per process.
pub(super) fn ensure_fonts() -> Result<(), ChartError> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let ok = *LOADED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

pub(super) fn font(size: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size as f64, FontStyle::Normal)
}

pub(super) fn bold(size: u32) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size as f64, FontStyle::Bold)
}

pub(super) fn text_width(font: &FontDesc<'_>, text: &str) -> Result<u32, ChartError> {
    font.box_size(text).map(|(w, _)| w).map_err(|e| ChartError::Draw(e.to_string()))
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
