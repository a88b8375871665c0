//! Every text a person reads comes from `locales/<lang>/*.ftl`, embedded at build time.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use crate::domain::people::Lang;

/// The files of `locales/vi/` and `locales/en/`, embedded at build time (a test checks that
/// the list is each directory's).
macro_rules! locale_files {
    ($($name:literal),+ $(,)?) => {
        const FILES: &[&str] = &[$($name),+];
        const VI: &[&str] = &[$(include_str!(concat!("../locales/vi/", $name, ".ftl"))),+];
        const EN: &[&str] = &[$(include_str!(concat!("../locales/en/", $name, ".ftl"))),+];
    };
}

locale_files!(
    "bot",
    "charts",
    "cli",
    "common",
    "leader",
    "ops",
    "phone_first",
    "plan",
    "plan_shapes",
    "postgres",
    "reminders",
    "report_doc",
    "review",
    "trust",
    "versions",
);

type Bundle = FluentBundle<FluentResource>;

/// Each language's messages, built on first use. Asked of directly, by the person's language:
/// a loader keyed by language identifier hashed the identifier (SipHash) and copied the
/// arguments into Fluent's own list on every text, about 2 % of a reply's instructions
/// (callgrind, benches/replies).
static BUNDLES: LazyLock<[Bundle; 2]> = LazyLock::new(|| [bundle("vi", VI), bundle("en", EN)]);

fn bundle(lang: &str, texts: &[&'static str]) -> Bundle {
    let mut bundle = Bundle::new_concurrent(vec![lang.parse().expect("a language tag")]);
    // Telegram would show the isolation marks around every inserted value.
    bundle.set_use_isolating(false);
    for (name, text) in FILES.iter().zip(texts) {
        let resource = FluentResource::try_new((*text).to_owned())
            .unwrap_or_else(|(_, errors)| panic!("locales/{lang}/{name}.ftl does not parse: {errors:?}"));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("locales/{lang}/{name}.ftl: {errors:?}"));
    }
    bundle
}

fn of(lang: Lang) -> &'static Bundle {
    match lang {
        Lang::Vi => &BUNDLES[0],
        Lang::En => &BUNDLES[1],
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
    let mut list = FluentArgs::new();
    for (name, value) in args {
        list.set(name, value);
    }
    lookup(lang, key, Some(&list))
}

/// The message in the person's language, else in the fallback's (Vietnamese).
fn lookup(lang: Lang, key: &str, args: Option<&FluentArgs<'static>>) -> String {
    let found = format(of(lang), key, args).or_else(|| match lang {
        Lang::Vi => None,
        _ => format(of(Lang::Vi), key, args),
    });
    match found {
        Some(text) => text,
        None => {
            tracing::error!(key, lang = lang.as_str(), "missing locale message, or one of its variables");
            // Tests and debug builds stop at once; a release shows the key rather than nothing.
            debug_assert!(false, "missing locale message {key} in {}", lang.as_str());
            key.to_owned()
        }
    }
}

/// `key` (a message, or `message.attribute`) of one bundle, formatted; `None` when it is not
/// there or a variable it names is missing.
fn format(bundle: &Bundle, key: &str, args: Option<&FluentArgs<'static>>) -> Option<String> {
    let pattern = match key.split_once('.') {
        Some((message, attribute)) => bundle.get_message(message)?.get_attribute(attribute)?.value(),
        None => bundle.get_message(key)?.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    errors.is_empty().then(|| text.into_owned())
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
    fn every_locale_file_is_embedded() {
        for lang in ["vi", "en"] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang);
            let mut found: Vec<String> = std::fs::read_dir(&dir)
                .expect("locale dir")
                .filter_map(|e| {
                    e.ok()?.file_name().into_string().ok()?.strip_suffix(".ftl").map(str::to_owned)
                })
                .collect();
            found.sort();
            assert_eq!(found, FILES, "locales/{lang}: the files, and the list in locale_files!");
        }
        assert_eq!(tr(Lang::En, "button-back"), "« List");
        assert_eq!(tr(Lang::Vi, "button-back"), "« Danh sách");
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
