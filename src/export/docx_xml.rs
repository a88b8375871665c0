//! The few WordprocessingML pieces the report is written with: paragraphs and their
//! properties, runs, tables and cells, and XML escaping.

use super::*;

#[derive(Clone, Copy)]
pub(super) enum Align {
    Left,
    Center,
    Right,
    Both,
}

/// A paragraph's properties: alignment, first-line indent, spacing (twips), keep with next.
#[derive(Clone, Copy)]
pub(super) struct Para {
    pub(super) align: Align,
    pub(super) first_line: u32,
    pub(super) before: u32,
    pub(super) after: u32,
    pub(super) keep_next: bool,
}

impl Para {
    pub(super) fn new(align: Align) -> Self {
        Para { align, first_line: 0, before: 0, after: 0, keep_next: false }
    }
    pub(super) fn left() -> Self {
        Para::new(Align::Left)
    }
    pub(super) fn center() -> Self {
        Para::new(Align::Center)
    }
    pub(super) fn right() -> Self {
        Para::new(Align::Right)
    }
    pub(super) fn justify() -> Self {
        Para::new(Align::Both)
    }
    /// Body text: justified, first line indented 1 cm, 6 pt before.
    pub(super) fn body() -> Self {
        Para { first_line: 567, before: 120, ..Para::new(Align::Both) }
    }
    pub(super) fn before(self, before: u32) -> Self {
        Para { before, ..self }
    }
    pub(super) fn after(self, after: u32) -> Self {
        Para { after, ..self }
    }
    pub(super) fn keep_next(self) -> Self {
        Para { keep_next: true, ..self }
    }
}

pub(super) struct Run<'a> {
    pub(super) text: &'a str,
    pub(super) bold: bool,
    pub(super) italic: bool,
    pub(super) size: u32,
}

impl<'a> Run<'a> {
    pub(super) fn plain(text: &'a str) -> Self {
        Run { text, bold: false, italic: false, size: BODY }
    }
    pub(super) fn bold(text: &'a str) -> Self {
        Run { bold: true, ..Run::plain(text) }
    }
    pub(super) fn italic(text: &'a str) -> Self {
        Run { italic: true, ..Run::plain(text) }
    }
    pub(super) fn italic_too(self) -> Self {
        Run { italic: true, ..self }
    }
    pub(super) fn size(self, size: u32) -> Self {
        Run { size, ..self }
    }
}

/// document.xml, written straight into one string.
pub(super) struct Xml(pub(super) String);

impl Xml {
    pub(super) fn with_capacity(n: usize) -> Self {
        Xml(String::with_capacity(n))
    }

    pub(super) fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    pub(super) fn para(&mut self, p: Para, runs: &[Run]) {
        let align = match p.align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
            Align::Both => "both",
        };
        self.0.push_str("<w:p><w:pPr>");
        if p.keep_next {
            self.0.push_str("<w:keepNext/>");
        }
        let _ = write!(self.0, "<w:spacing w:before=\"{}\" w:after=\"{}\"/>", p.before, p.after);
        if p.first_line > 0 {
            let _ = write!(self.0, "<w:ind w:firstLine=\"{}\"/>", p.first_line);
        }
        let _ = write!(self.0, "<w:jc w:val=\"{align}\"/>");
        // An empty paragraph takes the size of its mark: keep it the size of its runs.
        let size = runs.first().map_or(BODY, |r| r.size);
        let _ = write!(self.0, "<w:rPr><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr></w:pPr>");
        for r in runs {
            self.run(r);
        }
        self.0.push_str("</w:p>");
    }

    pub(super) fn run(&mut self, r: &Run) {
        self.0.push_str("<w:r><w:rPr>");
        if r.bold {
            self.0.push_str("<w:b/><w:bCs/>");
        }
        if r.italic {
            self.0.push_str("<w:i/><w:iCs/>");
        }
        let _ = write!(self.0, "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/></w:rPr>", r.size);
        // A line break typed in a note stays a line break.
        for (i, line) in r.text.split('\n').enumerate() {
            if i > 0 {
                self.0.push_str("<w:br/>");
            }
            self.0.push_str("<w:t xml:space=\"preserve\">");
            escape(&mut self.0, line);
            self.0.push_str("</w:t>");
        }
        self.0.push_str("</w:r>");
    }

    /// "I. TÌNH HÌNH …": bold, 12 pt before, kept with what follows.
    pub(super) fn part_heading(&mut self, text: &str) {
        self.para(Para::body().before(240).keep_next(), &[Run::bold(text)]);
    }

    /// A short horizontal line under a heading: an empty, tiny paragraph with a top border,
    /// narrowed by its indents.
    pub(super) fn rule(&mut self, left: u32, right: u32) {
        let _ = write!(
            self.0,
            "<w:p><w:pPr><w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>\
             <w:spacing w:before=\"0\" w:after=\"0\" w:line=\"120\" w:lineRule=\"exact\"/>\
             <w:ind w:left=\"{left}\" w:right=\"{right}\"/><w:rPr><w:sz w:val=\"8\"/></w:rPr></w:pPr></w:p>"
        );
    }

    pub(super) fn table_start(&mut self, columns: &[u32], ruled: bool) {
        let width: u32 = columns.iter().sum();
        let border = if ruled { "single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000" } else { "nil" };
        let _ = write!(
            self.0,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
        );
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            let _ = write!(self.0, "<w:{side} w:val=\"{border}\"/>");
        }
        self.0.push_str(
            "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/>\
             <w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>",
        );
        for c in columns {
            let _ = write!(self.0, "<w:gridCol w:w=\"{c}\"/>");
        }
        self.0.push_str("</w:tblGrid>");
    }

    pub(super) fn cell_start(&mut self, width: u32, span: usize, shaded: bool) {
        let _ = write!(self.0, "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
        if span > 1 {
            let _ = write!(self.0, "<w:gridSpan w:val=\"{span}\"/>");
        }
        if shaded {
            self.0.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/>");
        }
        self.0.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
    }

    /// A cell of one paragraph (a cell must hold at least one).
    pub(super) fn cell(&mut self, width: u32, span: usize, shaded: bool, p: Para, runs: &[Run]) {
        self.cell_start(width, span, shaded);
        let size = runs.first().map_or(SMALL, |r| r.size);
        if runs.is_empty() {
            self.para(p, &[Run::plain("").size(size)]);
        } else {
            self.para(p, runs);
        }
        self.0.push_str("</w:tc>");
    }
}

/// XML text: `&`, `<`, `>` escaped, and the characters XML 1.0 forbids dropped (a control
/// character typed in a note would make Word refuse the whole file).
pub(super) fn escape(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}
