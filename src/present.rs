//! How values read to a person: dates, weekdays, numbers, in the person's language.

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;

use crate::domain::number::format_vn;
use crate::i18n::Lang;

use crate::t;

/// "14/03/2022" in both languages (the plan's own notation).
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn weekday(lang: Lang, w: Weekday) -> String {
    let key = match w {
        Weekday::Mon => "weekday-mon",
        Weekday::Tue => "weekday-tue",
        Weekday::Wed => "weekday-wed",
        Weekday::Thu => "weekday-thu",
        Weekday::Fri => "weekday-fri",
        Weekday::Sat => "weekday-sat",
        Weekday::Sun => "weekday-sun",
    };
    t!(lang, key)
}

/// "Thứ Hai, 14/03/2022" / "Monday, 14/03/2022".
pub fn date_with_weekday(lang: Lang, d: NaiveDate) -> String {
    t!(lang, "date-with-weekday", weekday = weekday(lang, d.weekday()), date = date(d))
}

/// Numbers are shown the Vietnamese way in both languages: it is how the plan writes them and
/// how the bot reads what people type ("9.002,5").
pub fn number(value: &Decimal) -> String {
    format_vn(value)
}

/// The name of an agency or other two-language entry in the reader's language.
pub fn name<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        _ => vi,
    }
}

/// A round's name in the reader's language (its code if the plan no longer has it).
pub fn round_name(plan: &crate::domain::Plan, lang: Lang, code: &str) -> String {
    plan.round(code).map_or_else(|| code.to_owned(), |r| name(lang, &r.name_vi, &r.name_en).to_owned())
}

/// An agency's name in the reader's language (its code if the plan no longer has it).
pub fn agency_name(plan: &crate::domain::Plan, lang: Lang, code: &str) -> String {
    plan.agency(code).map_or_else(|| code.to_owned(), |a| name(lang, &a.name_vi, &a.name_en).to_owned())
}
