//! Every text a person reads comes from `locales/<lang>/*.ftl`, embedded at build time.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

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

/// The text of `key` in `lang` with its variables.
pub fn tr_args(lang: Lang, key: &str, args: &[(&'static str, Arg)]) -> String {
    let map: HashMap<Cow<'static, str>, Arg> =
        args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect();
    lookup(lang, key, Some(&map))
}

fn lookup(lang: Lang, key: &str, args: Option<&HashMap<Cow<'static, str>, Arg>>) -> String {
    match LOCALES.try_lookup_complete(id(lang), key, args) {
        Some(text) => text,
        None => {
            tracing::error!(key, lang = lang.as_str(), "missing locale message");
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
        $crate::i18n::tr_args($lang, $key, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
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

    #[test]
    fn values_are_inserted_without_isolation_marks() {
        let text = t!(Lang::En, "problem-unknown-agency", code = "SXX");
        assert!(text.contains("SXX"));
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'), "{text:?}");
    }
}
