//! Every text a person reads comes from `locales/<lang>/*.ftl`, embedded at build time.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Telegram would show the isolation marks around every inserted value.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

pub use crate::domain::people::Lang;

fn id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

/// A value for a message variable.
pub type Arg = FluentValue<'static>;

/// The text of `key` in `lang`. A missing key shows the key itself and is logged: the locale
/// tests catch it before it ships.
pub fn tr(lang: Lang, key: &str) -> String {
    lookup(lang, key, None)
}

/// The text of `key` in `lang` with its variables (moved into the message's arguments, not
/// copied).
pub fn tr_args(lang: Lang, key: &str, args: impl IntoIterator<Item = (&'static str, Arg)>) -> String {
    let map: HashMap<Cow<'static, str>, Arg> = args.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect();
    lookup(lang, key, Some(&map))
}

/// The message in the person's language, else in the fallback's (Vietnamese). Asked of each
/// language's bundle directly: the loader's own lookup negotiates the language among the
/// bundles on every call (a list of them and the negotiation's, allocated each time: about a
/// tenth of a reply's allocations, counted with heaptrack), and the languages here are known.
fn lookup(lang: Lang, key: &str, args: Option<&HashMap<Cow<'static, str>, Arg>>) -> String {
    let found = LOCALES.lookup_single_language(id(lang), key, args).or_else(|e| match lang {
        Lang::Vi => Err(e),
        _ => LOCALES.lookup_single_language(id(Lang::Vi), key, args),
    });
    match found {
        Ok(text) => text,
        Err(e) => {
            tracing::error!(key, lang = lang.as_str(), error = %e, "missing locale message");
            // Tests and debug builds stop at once; a release shows the key rather than nothing.
            debug_assert!(false, "missing locale message {key} in {}", lang.as_str());
            key.to_owned()
        }
    }
}

/// `t!(lang, "key")` or `t!(lang, "key", name = value, ...)`; values are anything that
/// converts into a Fluent value (strings, integers).
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:expr) => {
        $crate::i18n::tr($lang, $key)
    };
    ($lang:expr, $key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::tr_args($lang, $key, [$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use fluent_syntax::ast;

    use super::*;

    /// Message ids of one language, each with the variables its text uses.
    fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang);
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("locale dir") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("ftl") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read ftl");
            let resource = fluent_syntax::parser::parse(text.as_str())
                .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
            for entry in resource.body {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = BTreeSet::new();
                    if let Some(value) = &m.value {
                        collect_vars(value, &mut vars);
                    }
                    let previous = out.insert(m.id.name.to_owned(), vars);
                    assert!(previous.is_none(), "{lang}: message {} defined twice", m.id.name);
                }
            }
        }
        out
    }

    fn collect_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                collect_expr(expression, vars);
            }
        }
    }

    fn collect_expr(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                collect_inline(selector, vars);
                for v in variants {
                    collect_vars(&v.value, vars);
                }
            }
            ast::Expression::Inline(inline) => collect_inline(inline, vars),
        }
    }

    fn collect_inline(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    collect_inline(a, vars);
                }
            }
            ast::InlineExpression::Placeable { expression } => collect_expr(expression, vars),
            _ => {}
        }
    }

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_variables() {
        let vi = messages("vi");
        let en = messages("en");
        let only_vi: Vec<_> = vi.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !vi.contains_key(*k)).collect();
        assert!(only_vi.is_empty(), "only in vi: {only_vi:?}");
        assert!(only_en.is_empty(), "only in en: {only_en:?}");
        for (key, vars) in &vi {
            assert_eq!(vars, &en[key], "variables of {key} differ between vi and en");
        }
        assert!(vi.len() > 20, "the locales were not found");
    }

    /// Every key the code names literally, `t!(lang, "key"…)`, with the variables it passes.
    fn keys_in_code() -> Vec<(String, String, BTreeSet<String>)> {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("src dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut out = Vec::new();
        // This file defines the macro and names no message.
        for file in files.into_iter().filter(|f| !f.ends_with("i18n.rs")) {
            let text = std::fs::read_to_string(&file).expect("read source");
            for (at, _) in text.match_indices("t!(") {
                // `t!(`, not the end of `assert!(` or `format!(`.
                if text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[at + 3..];
                let Some(comma) = rest.find(',') else { continue };
                let after_comma = &rest[comma + 1..];
                let trimmed = after_comma.trim_start();
                let Some(literal) = trimmed.strip_prefix('"') else { continue };
                let Some(end) = literal.find('"') else { continue };
                let key = &literal[..end];
                // Byte offset in `rest` just past the key's closing quote.
                let key_end = comma + 1 + (after_comma.len() - trimmed.len()) + 1 + end + 1;
                // The macro's arguments, up to its closing parenthesis.
                let mut depth = 1;
                let mut close = rest.len();
                for (i, c) in rest.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                close = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let args = if close > key_end { &rest[key_end..close] } else { "" };
                let mut vars = BTreeSet::new();
                for part in args.split(',') {
                    if let Some((name, _)) = part.split_once('=')
                        && let name = name.trim()
                        && !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        vars.insert(name.to_owned());
                    }
                }
                out.push((file.display().to_string(), key.to_owned(), vars));
            }
        }
        out
    }

    #[test]
    fn every_key_the_code_names_exists_with_the_variables_it_passes() {
        let vi = messages("vi");
        let used = keys_in_code();
        assert!(used.len() > 100, "the sources were not read");
        for (file, key, vars) in used {
            let Some(wanted) = vi.get(&key) else { panic!("{file}: no message {key} in locales/vi") };
            let missing: Vec<_> = wanted.iter().filter(|v| !vars.contains(*v)).collect();
            assert!(missing.is_empty(), "{file}: {key} needs {missing:?}, given {vars:?}");
        }
    }

    #[test]
    fn values_are_inserted_without_isolation_marks() {
        let text = t!(Lang::En, "problem-unknown-agency", code = "SXX");
        assert!(text.contains("SXX"));
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'), "{text:?}");
    }
}
