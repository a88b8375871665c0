//! How values read to a person: dates, weekdays, periods, numbers, percents, names, in the
//! person's language.

mod short_names;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub use short_names::{SHORT_NAME_MAX, agency_short_name};

use crate::domain::number::format_vn;
use crate::domain::plan::Direction;
use crate::domain::progress::PERCENT_PLACES;
use crate::domain::report::{ItemKey, ReportState, TaskStatus};
use crate::domain::timeliness::Timeliness;
use crate::domain::{PeriodKey, Plan};
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

/// An agency's short name in the reader's language, for a chart row or a button ("Sở NN&PTNT",
/// "UBND huyện Châu Thành A"); its code if the plan no longer has it.
pub fn agency_short(plan: &Plan, lang: Lang, code: &str) -> String {
    plan.agency(code).map_or_else(
        || code.to_owned(),
        |a| {
            // The plan's own short name first (`short_vi`, `short_en`), else one made by rule.
            let explicit = match lang {
                Lang::Vi => a.short_vi.as_deref(),
                Lang::En => a.short_en.as_deref(),
            };
            agency_short_name(explicit, name(lang, &a.name_vi, &a.name_en), &plan.province)
        },
    )
}

/// A period as people write it: "quý I/2022", "6 tháng đầu năm 2023", "tháng 5/2023",
/// "năm 2022" ("Q1 2022", "H1 2023", "May 2023", "2022"). Codes stay in commands and files.
pub fn period(lang: Lang, key: PeriodKey) -> String {
    // The year as text: as a number, Fluent could group its digits.
    match key {
        PeriodKey::Year(y) => t!(lang, "period-year", year = y.to_string()),
        PeriodKey::Half(y, h) => t!(lang, "period-half", half = h as i64, year = y.to_string()),
        PeriodKey::Quarter(y, q) => t!(lang, "period-quarter", quarter = q as i64, year = y.to_string()),
        PeriodKey::Month(y, m) => t!(lang, "period-month", month = m as i64, year = y.to_string()),
    }
}

/// A percent of the target with its one decimal, always written: "25,7%", "100,0%" (the
/// figure of `domain::progress::percent_of_target`, as the workbook's "0.0%" shows it).
pub fn percent(value: &Decimal) -> String {
    let cut = value.trunc_with_scale(PERCENT_PLACES);
    let mut text = format_vn(&cut);
    let decimals = text.split_once(',').map_or(0, |(_, f)| f.len()) as u32;
    if decimals < PERCENT_PLACES {
        if decimals == 0 {
            text.push(',');
        }
        text.extend(std::iter::repeat_n('0', (PERCENT_PLACES - decimals) as usize));
    }
    format!("{text}%")
}

/// An item by its code and the first words of its name, for a list in a sentence: "28.a Tăng
/// cường công tác…", "13.1 Tỷ lệ trẻ em dưới 5…", "(17) Quốc phòng".
pub fn item_short(plan: &Plan, lang: Lang, key: &ItemKey) -> String {
    let (code, name) = match key {
        ItemKey::Task(c) => (c.clone(), plan.task(c).map(|(_, t)| t.text.clone())),
        ItemKey::Metric(c) => {
            (c.clone(), plan.metric(c).map(|(_, m)| name(lang, &m.name_vi, &m.name_en).to_owned()))
        }
        ItemKey::Narrative(n) => {
            (format!("({n})"), plan.indicator(*n).map(|i| name(lang, &i.name_vi, &i.name_en).to_owned()))
        }
    };
    match name {
        Some(n) => format!("{code} {}", cut_at_word(&n, ITEM_SHORT_MAX)),
        None => code,
    }
}

/// Characters of an item's name in [`item_short`].
pub const ITEM_SHORT_MAX: usize = 28;

/// A text of at most `max` characters, cut at a word with an ellipsis.
pub fn cut_at_word(text: &str, max: usize) -> String {
    // Every button label of every screen comes through here, most of them long texts of the
    // plan already single-spaced: read only as far as the cut, and copied once.
    let text = text.trim();
    let over = text.char_indices().nth(max).map(|(i, _)| i);
    let head = &text[..over.unwrap_or(text.len())];
    let mut space = false;
    for c in head.chars() {
        if c.is_whitespace() && (c != ' ' || space) {
            return cut_spaced_at_word(text, max);
        }
        space = c == ' ';
    }
    match over {
        None => head.to_owned(),
        Some(_) => cut_with_ellipsis(head, max),
    }
}

/// Words joined by single spaces, longer than `max` characters: the first `max - 1`, back to
/// the last space past the middle, then "…".
fn cut_with_ellipsis(words: &str, max: usize) -> String {
    let end = words.char_indices().nth(max.saturating_sub(1)).map_or(words.len(), |(i, _)| i);
    let mut cut = &words[..end];
    if let Some(i) = cut.rfind(' ').filter(|i| *i > max / 2) {
        cut = &cut[..i];
    }
    let cut = cut.trim_end_matches([',', ';', ':', ' ']);
    let mut out = String::with_capacity(cut.len() + '…'.len_utf8());
    out.push_str(cut);
    out.push('…');
    out
}

/// The same, for a text with other whitespace than single spaces between its words.
fn cut_spaced_at_word(text: &str, max: usize) -> String {
    // The words joined by single spaces, built only as far as needed to know whether they fit.
    let mut out = String::with_capacity(text.len().min(4 * max + 8));
    let mut chars = 0;
    'words: for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars > max {
                break 'words;
            }
            out.push(c);
            chars += 1;
        }
    }
    if chars <= max { out } else { cut_with_ellipsis(&out, max) }
}

/// Names for one line of a message: the first `max`, then "and N more".
pub fn few_names(lang: Lang, names: &[String], max: usize) -> String {
    let shown = names.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if names.len() <= max {
        return shown;
    }
    t!(lang, "names-and-more", names = shown, count = (names.len() - max) as i64)
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

/// A text progress bar of ten cells and the percent of the target: "▓▓▓▓▓▓▓░░░ 72,4%". A
/// cell fills when its tenth is reached (99,9 % has not reached the target); from 100 % (a
/// limit kept included, see `percent_of_target`) the bar is full and the figure says by how much.
pub fn bar(percent_of_target: &Decimal) -> String {
    let cells = (percent_of_target / Decimal::from(10)).floor().to_i64().unwrap_or(0).clamp(0, 10) as usize;
    format!("{}{} {}", "▓".repeat(cells), "░".repeat(10 - cells), percent(percent_of_target))
}

/// An instant as the plan's local "10:30 12/03/2022".
pub fn local_time(plan: &Plan, at: DateTime<Utc>) -> String {
    at.with_timezone(&plan.time_zone).format("%H:%M %d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_at_a_word_reads_as_it_always_has() {
        // The earlier, five-allocation form, as the reference.
        fn reference(text: &str, max: usize) -> String {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() <= max {
                return text;
            }
            let cut: String = text.chars().take(max.saturating_sub(1)).collect();
            let cut = match cut.rfind(' ') {
                Some(i) if i > max / 2 => cut[..i].to_owned(),
                _ => cut,
            };
            format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
        }
        let texts = [
            "",
            "   ",
            "Ngắn",
            "  Tăng cường   công tác thanh tra,\nkiểm tra thuế theo nguyên tắc quản lý rủi ro ",
            "Tổng thu ngân sách nhà nước trên địa bàn (tỷ đồng)",
            "Mộtchữdàikhôngcókhoảngtrắngnàocả,thậtlàdài",
            "a, b; c: d e",
            "Đẩy mạnh chuyển đổi số trong cơ quan nhà nước, phát triển chính quyền số, kinh tế số và xã hội số",
            "Hai  khoảng trắng giữa hai chữ, rồi một câu dài cho quá giới hạn của nút bấm",
            "Khoảng\u{a0}trắng không ngắt, rồi một câu dài cho quá giới hạn của nút bấm trên điện thoại",
            "Tab\tở giữa và dòng mới\nở sau, rồi một câu dài cho quá giới hạn",
            "Dấu phẩy ngay chỗ cắt, ; : , rồi nữa và nữa và nữa cho thật dài",
            "  Trắng ở đầu và cuối  ",
        ];
        for text in texts {
            for max in 0..60 {
                assert_eq!(cut_at_word(text, max), reference(text, max), "{text:?} at {max}");
            }
        }
        // And texts drawn from letters, spaces of every kind and punctuation.
        let alphabet = ['a', 'ế', 'Đ', ' ', ' ', ' ', '\u{a0}', '\t', '\n', ',', ';', ':', '…'];
        let mut seed = 0x2545_f491_u64;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let mut text = String::new();
            for _ in 0..(seed >> 35) % 70 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let max = (seed >> 40) as usize % 50;
            assert_eq!(cut_at_word(&text, max), reference(&text, max), "{text:?} at {max}");
        }
    }

    #[test]
    fn bars_have_ten_cells_and_the_percent_with_one_decimal() {
        let bar_of = |s: &str| bar(&Decimal::from_str_exact(s).unwrap());
        assert_eq!(bar_of("72.4"), "▓▓▓▓▓▓▓░░░ 72,4%");
        assert_eq!(bar_of("0"), "░░░░░░░░░░ 0,0%");
        assert_eq!(bar_of("4.9"), "░░░░░░░░░░ 4,9%");
        assert_eq!(bar_of("10"), "▓░░░░░░░░░ 10,0%");
        assert_eq!(bar_of("99.9"), "▓▓▓▓▓▓▓▓▓░ 99,9%");
        assert_eq!(bar_of("100"), "▓▓▓▓▓▓▓▓▓▓ 100,0%");
        assert_eq!(bar_of("1250.5"), "▓▓▓▓▓▓▓▓▓▓ 1.250,5%");
        assert_eq!(bar_of("-20"), "░░░░░░░░░░ -20,0%");
    }

    #[test]
    fn a_limit_kept_reads_as_met() {
        // "13.1 … 10,2% ▓▓▓▓▓▓▓▓▓░ 97%" although 10,2 meets "dưới 10,5%".
        let plan = crate::bundled::seed_plan();
        let (_, malnutrition) = plan.metric("13.1").unwrap();
        let p = crate::domain::progress::percent_of_target(malnutrition, Decimal::new(102, 1)).unwrap();
        assert_eq!(bar(&p), "▓▓▓▓▓▓▓▓▓▓ 102,9%");
    }

    #[test]
    fn percents_are_cut_to_one_decimal_and_always_show_it() {
        let percent_of = |s: &str| percent(&Decimal::from_str_exact(s).unwrap());
        assert_eq!(percent_of("25.7"), "25,7%");
        assert_eq!(percent_of("25.79"), "25,7%");
        assert_eq!(percent_of("26"), "26,0%");
        assert_eq!(percent_of("-0.04"), "0,0%");
    }

    #[test]
    fn periods_read_as_people_write_them() {
        let cases = [
            (PeriodKey::Quarter(2022, 1), "quý I/2022", "Q1 2022"),
            (PeriodKey::Quarter(2022, 2), "quý II/2022", "Q2 2022"),
            (PeriodKey::Quarter(2022, 3), "quý III/2022", "Q3 2022"),
            (PeriodKey::Quarter(2022, 4), "quý IV/2022", "Q4 2022"),
            (PeriodKey::Half(2023, 1), "6 tháng đầu năm 2023", "H1 2023"),
            (PeriodKey::Half(2023, 2), "6 tháng cuối năm 2023", "H2 2023"),
            (PeriodKey::Month(2023, 5), "tháng 5/2023", "May 2023"),
            (PeriodKey::Month(2023, 12), "tháng 12/2023", "December 2023"),
            (PeriodKey::Year(2022), "năm 2022", "2022"),
        ];
        for (key, vi, en) in cases {
            assert_eq!(period(Lang::Vi, key), vi, "{key}");
            assert_eq!(period(Lang::En, key), en, "{key}");
        }
        let months: Vec<String> = (1..=12).map(|m| period(Lang::En, PeriodKey::Month(2023, m))).collect();
        assert_eq!(months.iter().collect::<std::collections::HashSet<_>>().len(), 12, "{months:?}");
    }

    #[test]
    fn items_are_named_short_and_lists_cut_with_a_count() {
        let plan = crate::bundled::seed_plan();
        let short = item_short(&plan, Lang::Vi, &ItemKey::Task("28.a".into()));
        assert!(short.starts_with("28.a ") && short.chars().count() <= 5 + ITEM_SHORT_MAX, "{short}");
        assert_eq!(item_short(&plan, Lang::Vi, &ItemKey::Task("99.z".into())), "99.z");
        let names: Vec<String> = ["A", "B", "C", "D"].iter().map(|s| s.to_string()).collect();
        assert_eq!(few_names(Lang::Vi, &names, 5), "A, B, C, D");
        assert_eq!(few_names(Lang::Vi, &names, 2), "A, B và 2 đơn vị khác");
    }

    #[test]
    fn agencies_of_the_plan_by_short_name() {
        let plan = crate::bundled::seed_plan();
        // The bundled plan gives its own short names.
        assert_eq!(agency_short(&plan, Lang::Vi, "BQLKNNCNC"), "BQL Khu NNCNC");
        assert_eq!(agency_short(&plan, Lang::Vi, "H-CHAUTHANHA"), "H. Châu Thành A");
        assert_eq!(agency_short(&plan, Lang::En, "H-CHAUTHANHA"), "Chau Thanh A");
        assert_eq!(agency_short(&plan, Lang::Vi, "GONE"), "GONE");
    }

    #[test]
    fn the_plans_own_short_names_come_first_in_the_readers_language() {
        let mut plan = crate::bundled::seed_plan();
        assert_eq!(agency_short(&plan, Lang::Vi, "SKHDT"), "Sở KH&ĐT");
        assert_eq!(agency_short(&plan, Lang::En, "SKHDT"), "DPI");
        plan.agencies[0].short_en = None;
        assert_ne!(agency_short(&plan, Lang::En, "SKHDT"), "DPI", "by rule when the plan says none");
        assert_eq!(agency_short(&plan, Lang::Vi, "NOWHERE"), "NOWHERE");
    }
}
