//! The bitmap backend with its text drawn by [`super::text::Line`]: every text of a chart, the
//! axes' labels included, goes through `draw_text` here, so that letters are evenly spaced.

use plotters::backend::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontStyle,
};

use super::text::Line;

/// [`BitMapBackend`] with even text: everything else is the bitmap's own drawing.
pub(super) struct EvenText<'a>(pub BitMapBackend<'a>);

type Error<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

fn line_of<S: BackendTextStyle>(text: &str, style: &S) -> Result<Line, String> {
    Line::new(text, style.size(), matches!(style.style(), FontStyle::Bold)).map_err(|e| e.to_string())
}

fn font_error<E: std::error::Error + Send + Sync>(message: String) -> DrawingErrorKind<E> {
    DrawingErrorKind::FontError(message.into())
}

impl<'a> DrawingBackend for EvenText<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error<'a>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error<'a>> {
        self.0.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error<'a>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), Error<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    /// The text's box is its advance width by its ascent to descent, placed by the style's
    /// anchor, then turned by its transform around the anchor (the y axis' title).
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Error<'a>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let line = line_of(text, style).map_err(font_error)?;
        let anchor = style.anchor();
        let left = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -line.width / 2.0,
            HPos::Right => -line.width,
        };
        let top = match anchor.v_pos {
            VPos::Top => 0.0,
            VPos::Center => -line.height() / 2.0,
            VPos::Bottom => -line.height(),
        };
        // Whole-pixel baseline: horizontal strokes stay sharp. Across, positions stay exact.
        let baseline = (top + line.ascent).round();
        let transform = style.transform();
        let (w, h) = self.get_size();
        let mut result = Ok(());
        line.rasterize(left, baseline, |x, y, coverage| {
            let (dx, dy) = transform.transform(x, y);
            let (x, y) = (pos.0 + dx, pos.1 + dy);
            if result.is_ok() && x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                let ink = BackendColor { alpha: color.alpha * coverage as f64, rgb: color.rgb };
                result = self.0.draw_pixel((x, y), ink);
            }
        });
        result
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Error<'a>> {
        let line = line_of(text, style).map_err(font_error)?;
        Ok((line.width.ceil() as u32, line.height().ceil() as u32))
    }
}
