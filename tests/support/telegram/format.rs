//! Formatted text as Telegram reads it: the text a user sees, or Telegram's own error.
//!
//! A bot bug Telegram catches only at send time (an unescaped "<" from user input in an HTML
//! message, a reserved character left unescaped in MarkdownV2) is caught here too, with a
//! description that starts like Telegram's: "Bad Request: can't parse entities: ...".

/// The plain text of `text` under `parse_mode` (None, "HTML", "MarkdownV2", "Markdown").
pub fn plain_text(text: &str, parse_mode: Option<&str>) -> Result<String, String> {
    match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        Some("html") => html(text),
        Some("markdownv2") => markdown_v2(text),
        _ => Ok(text.to_owned()),
    }
}

const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

fn entity_error(message: String) -> String {
    format!("Bad Request: can't parse entities: {message}")
}

fn html(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(ch) = rest.chars().next() {
        let step = match ch {
            '<' => {
                let Some(end) = rest.find('>') else {
                    return Err(entity_error(format!("Unclosed start tag at byte offset {offset}")));
                };
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    match open.pop() {
                        Some((top, _)) if top == name => {}
                        Some((top, _)) => {
                            return Err(entity_error(format!(
                                "Unmatched end tag at byte offset {offset}, expected \"</{top}>\", found \"</{name}>\""
                            )));
                        }
                        None => {
                            return Err(entity_error(format!("Unexpected end tag at byte offset {offset}")));
                        }
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                    if !HTML_TAGS.contains(&name.as_str()) {
                        return Err(entity_error(format!(
                            "Unsupported start tag \"{name}\" at byte offset {offset}"
                        )));
                    }
                    open.push((name, offset));
                }
                end + 1
            }
            '&' => {
                let candidate = rest.find(';').filter(|end| *end <= 10).map(|end| (&rest[1..end], end));
                match candidate.and_then(|(name, end)| decode_entity(name).map(|c| (c, end))) {
                    Some((decoded, end)) => {
                        out.push(decoded);
                        end + 1
                    }
                    None => {
                        out.push('&');
                        1
                    }
                }
            }
            _ => {
                out.push(ch);
                ch.len_utf8()
            }
        };
        rest = &rest[step..];
        offset += step;
    }
    if let Some((name, at)) = open.pop() {
        return Err(entity_error(format!(
            "Can't find end tag corresponding to start tag \"{name}\" at byte offset {at}"
        )));
    }
    Ok(out)
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// MarkdownV2: these characters are never markup outside links, so an unescaped one is an
/// error on Telegram. The formatting characters themselves are dropped from the plain text.
fn markdown_v2(text: &str) -> Result<String, String> {
    const RESERVED: &[char] = &['.', '!', '-', '=', '+', '#', '{', '}'];
    const MARKUP: &[char] = &['*', '_', '~', '|', '`'];
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    out.push(escaped);
                }
            }
            c if RESERVED.contains(&c) => {
                return Err(entity_error(format!(
                    "Character '{c}' is reserved and must be escaped with the preceding '\\' (byte offset {at})"
                )));
            }
            c if MARKUP.contains(&c) => {}
            c => out.push(c),
        }
    }
    Ok(out)
}
