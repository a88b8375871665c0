//! Reads a .docx back as a person sees it: the body's paragraphs and tables in order, with
//! their text. Used by the writer's unit tests (through `#[path]`) and the end-to-end tests.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One thing of the body, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(String),
    /// Rows of cells; a cell's paragraphs joined by '\n'; `span` of each cell (gridSpan).
    Table(Vec<Vec<Cell>>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub text: String,
    pub span: usize,
}

#[derive(Debug)]
pub struct Docx {
    pub body: Vec<Block>,
    /// The raw parts, for the few checks on layout (fonts, page, margins).
    pub document_xml: String,
    pub styles_xml: String,
}

impl Docx {
    /// The body's paragraphs outside tables.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.body
            .iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p.as_str()),
                Block::Table(_) => None,
            })
            .collect()
    }

    pub fn tables(&self) -> Vec<&Vec<Vec<Cell>>> {
        self.body
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Para(_) => None,
            })
            .collect()
    }

    /// A table's rows as their cells' texts.
    pub fn table_text(&self, index: usize) -> Vec<Vec<String>> {
        self.tables()[index].iter().map(|r| r.iter().map(|c| c.text.clone()).collect()).collect()
    }

    /// Every text of the document, paragraphs and cells, one per line.
    pub fn all_text(&self) -> String {
        let mut out = String::new();
        for b in &self.body {
            match b {
                Block::Para(p) => {
                    out.push_str(p);
                    out.push('\n');
                }
                Block::Table(rows) => {
                    for row in rows {
                        for c in row {
                            out.push_str(&c.text);
                            out.push('\n');
                        }
                    }
                }
            }
        }
        out
    }

    /// The index of the first paragraph (outside tables) equal to `text`.
    pub fn position(&self, text: &str) -> Option<usize> {
        self.paragraphs().iter().position(|p| *p == text)
    }
}

fn part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> String {
    let mut file = archive.by_name(name).unwrap_or_else(|e| panic!("{name} in the .docx: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"));
    text
}

/// Unzips the file and parses `word/document.xml`; panics when it is not a well-formed .docx.
pub fn read(bytes: &[u8]) -> Docx {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    for name in ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "docProps/core.xml"] {
        part(&mut archive, name);
    }
    let document_xml = part(&mut archive, "word/document.xml");
    let styles_xml = part(&mut archive, "word/styles.xml");
    Docx { body: parse(&document_xml), document_xml, styles_xml }
}

fn parse(xml: &str) -> Vec<Block> {
    let mut reader = Reader::from_str(xml);
    let mut body = Vec::new();
    let mut table: Option<Vec<Vec<Cell>>> = None;
    let mut cell: Option<Cell> = None;
    let mut para: Option<String> = None;
    let mut in_text = false;
    loop {
        let event = reader.read_event().unwrap_or_else(|e| panic!("document.xml is not well formed: {e}"));
        match event {
            Event::Start(e) => open(&e, &mut table, &mut cell, &mut para, &mut in_text),
            Event::Empty(e) => {
                open(&e, &mut table, &mut cell, &mut para, &mut in_text);
                end(e.local_name().as_ref(), &mut body, &mut table, &mut cell, &mut para, &mut in_text);
            }
            Event::End(e) => {
                end(e.local_name().as_ref(), &mut body, &mut table, &mut cell, &mut para, &mut in_text)
            }
            Event::Text(t) if in_text => {
                para.as_mut().expect("text in a paragraph").push_str(&t.decode().expect("UTF-8"))
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref().expect("a valid reference") {
                    Some(c) => c,
                    None => match &*r {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        other => panic!("unknown entity {}", String::from_utf8_lossy(other)),
                    },
                };
                para.as_mut().expect("text in a paragraph").push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(table.is_none() && cell.is_none() && para.is_none(), "every element is closed");
    body
}

fn open(
    e: &BytesStart,
    table: &mut Option<Vec<Vec<Cell>>>,
    cell: &mut Option<Cell>,
    para: &mut Option<String>,
    in_text: &mut bool,
) {
    match e.local_name().as_ref() {
        b"tbl" => {
            assert!(table.is_none(), "no table inside a table");
            *table = Some(Vec::new());
        }
        b"tr" => table.as_mut().expect("a row in a table").push(Vec::new()),
        b"tc" => *cell = Some(Cell { text: String::new(), span: 1 }),
        b"gridSpan" => {
            let value = e.try_get_attribute("w:val").expect("an attribute").expect("a span");
            let span = String::from_utf8_lossy(&value.value).parse().expect("a number");
            cell.as_mut().expect("a span in a cell").span = span;
        }
        b"p" => *para = Some(String::new()),
        b"t" => *in_text = true,
        b"br" => para.as_mut().expect("a break in a paragraph").push('\n'),
        _ => {}
    }
}

fn end(
    name: &[u8],
    body: &mut Vec<Block>,
    table: &mut Option<Vec<Vec<Cell>>>,
    cell: &mut Option<Cell>,
    para: &mut Option<String>,
    in_text: &mut bool,
) {
    match name {
        b"t" => *in_text = false,
        b"p" => {
            let text = para.take().expect("a paragraph ends once");
            match (cell.as_mut(), table.is_some()) {
                (Some(c), _) => {
                    if !c.text.is_empty() || !text.is_empty() {
                        if !c.text.is_empty() {
                            c.text.push('\n');
                        }
                        c.text.push_str(&text);
                    }
                }
                (None, false) => body.push(Block::Para(text)),
                (None, true) => panic!("a paragraph between cells"),
            }
        }
        b"tc" => {
            let c = cell.take().expect("a cell ends once");
            table.as_mut().and_then(|t| t.last_mut()).expect("a cell in a row").push(c);
        }
        b"tbl" => body.push(Block::Table(table.take().expect("a table ends once"))),
        _ => {}
    }
}
