//! How values read to a person: dates, weekdays, numbers, in the person's language.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::domain::Plan;
use crate::domain::number::format_vn;
use crate::domain::plan::Direction;
use crate::domain::report::{ReportState, TaskStatus};
use crate::domain::timeliness::Timeliness;
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
pub fn agency_name(plan: &Plan, lang: Lang, code: &str) -> String {
    plan.agency(code).map_or_else(|| code.to_owned(), |a| name(lang, &a.name_vi, &a.name_en).to_owned())
}

/// An agency's short name for charts and lists, in the reader's language: the plan's
/// `short_vi`/`short_en` when it gives them, else the full name.
pub fn agency_short_name(plan: &Plan, lang: Lang, code: &str) -> String {
    let Some(a) = plan.agency(code) else { return code.to_owned() };
    match (lang, a.short_vi.as_deref(), a.short_en.as_deref()) {
        (Lang::En, _, Some(short)) => short.to_owned(),
        (Lang::Vi, Some(short), _) => short.to_owned(),
        _ => name(lang, &a.name_vi, &a.name_en).to_owned(),
    }
}

/// A task's status as a label ("Đang thực hiện").
pub fn task_status(lang: Lang, status: TaskStatus) -> String {
    t!(lang, &format!("status-{}", status.as_str().replace('_', "-")))
}

/// "Đúng hạn", "Trễ 3 ngày", "Chưa nộp", "Chưa đến hạn".
pub fn timeliness(lang: Lang, t: Timeliness) -> String {
    match t {
        Timeliness::OnTime => t!(lang, "timeliness-on-time"),
        Timeliness::Late { days } => t!(lang, "timeliness-late", days = days),
        Timeliness::Missing => t!(lang, "timeliness-missing"),
        Timeliness::Pending => t!(lang, "timeliness-pending"),
    }
}

/// "đang soạn", "đã gửi, chờ xem xét", "đã được chấp nhận", "bị trả lại để sửa".
pub fn report_state(lang: Lang, state: ReportState) -> String {
    t!(lang, &format!("state-{}", state.as_str()))
}

/// "Tối thiểu", "Tối đa", "Giảm".
pub fn direction(lang: Lang, d: Direction) -> String {
    t!(lang, &format!("direction-{}", d.as_str().replace('_', "-")))
}

/// A text progress bar of ten cells and the whole percent: "▓▓▓▓▓▓▓░░░ 72%". A cell fills when
/// its tenth is reached and the figure is cut, not rounded (99,6 % has not reached the target);
/// over 100 % the bar is full and the figure says by how much.
pub fn bar(percent: &Decimal) -> String {
    let whole = percent.trunc();
    let cells = (percent / Decimal::from(10)).floor().to_i64().unwrap_or(0).clamp(0, 10) as usize;
    format!("{}{} {}%", "▓".repeat(cells), "░".repeat(10 - cells), format_vn(&whole))
}

/// An instant as the plan's local "10:30 12/03/2022".
pub fn local_time(plan: &Plan, at: DateTime<Utc>) -> String {
    at.with_timezone(&plan.time_zone).format("%H:%M %d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_have_ten_cells_and_a_whole_percent() {
        let bar_of = |s: &str| bar(&Decimal::from_str_exact(s).unwrap());
        assert_eq!(bar_of("72.4"), "▓▓▓▓▓▓▓░░░ 72%");
        assert_eq!(bar_of("0"), "░░░░░░░░░░ 0%");
        assert_eq!(bar_of("4.9"), "░░░░░░░░░░ 4%");
        assert_eq!(bar_of("10"), "▓░░░░░░░░░ 10%");
        assert_eq!(bar_of("99.6"), "▓▓▓▓▓▓▓▓▓░ 99%");
        assert_eq!(bar_of("100"), "▓▓▓▓▓▓▓▓▓▓ 100%");
        assert_eq!(bar_of("1250.5"), "▓▓▓▓▓▓▓▓▓▓ 1.250%");
        assert_eq!(bar_of("-20"), "░░░░░░░░░░ -20%");
    }

    #[test]
    fn short_names_in_the_readers_language_else_the_full_name() {
        let mut plan = crate::bundled::seed_plan();
        assert_eq!(agency_short_name(&plan, Lang::Vi, "SKHDT"), "Sở KH&ĐT");
        assert_eq!(agency_short_name(&plan, Lang::En, "SKHDT"), "DPI");
        plan.agencies[0].short_en = None;
        assert_eq!(agency_short_name(&plan, Lang::En, "SKHDT"), "Department of Planning and Investment");
        assert_eq!(agency_short_name(&plan, Lang::Vi, "NOWHERE"), "NOWHERE");
    }
}
