//! Finding an agency or an indicator from what a leader types on a phone: a code, a number,
//! or a few words of the name, with or without the Vietnamese diacritics.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::plan::{Agency, Indicator, Plan};

/// Lowercase, without diacritics, "đ" as "d", spaces and punctuation as single spaces:
/// "Sở Y tế" and "so y te" fold to the same text.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        let c = if c == 'đ' { 'd' } else { c };
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

/// Whether every word of the query starts a word of the name ("chau thanh a" names "UBND
/// huyện Châu Thành A" but not "UBND huyện Châu Thành"). Both are folded.
fn words_match(query: &str, name: &str) -> bool {
    let words: Vec<&str> = name.split(' ').collect();
    query.split(' ').all(|q| words.iter().any(|w| w.starts_with(q)))
}

/// The agencies a query names, in plan order: the one whose code or full name it is, else
/// every agency whose code, Vietnamese or English name has all its words.
pub fn find_agencies<'a>(plan: &'a Plan, query: &str) -> Vec<&'a Agency> {
    let q = fold(query);
    if q.is_empty() {
        return vec![];
    }
    let exact: Vec<&Agency> = plan
        .agencies
        .iter()
        .filter(|a| fold(a.code.as_str()) == q || fold(&a.name_vi) == q || fold(&a.name_en) == q)
        .collect();
    if exact.len() == 1 {
        return exact;
    }
    plan.agencies
        .iter()
        .filter(|a| [a.code.as_str(), &a.name_vi, &a.name_en].iter().any(|n| words_match(&q, &fold(n))))
        .collect()
}

/// The indicators a query names, in plan order: by number ("13", "(13)"), else by the words of
/// its name or of one of its metrics' names.
pub fn find_indicators<'a>(plan: &'a Plan, query: &str) -> Vec<&'a Indicator> {
    let q = fold(query);
    if q.is_empty() {
        return vec![];
    }
    // A number is the indicator's number, and nothing else: "-1" or "1.5" names none (folding
    // would have read them as 1 and "1 5").
    let bare = query.trim().trim_start_matches('(').trim_end_matches(')').trim();
    if bare.contains(|c: char| c.is_ascii_digit()) && !bare.contains(|c: char| c.is_alphabetic()) {
        return bare.parse::<u32>().ok().and_then(|n| plan.indicator(n)).into_iter().collect();
    }
    plan.indicators
        .iter()
        .filter(|i| {
            let mut names = vec![i.name_vi.as_str(), &i.name_en];
            names.extend(i.metrics.iter().flat_map(|m| [m.name_vi.as_str(), &m.name_en]));
            names.iter().any(|n| words_match(&q, &fold(n)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::seed_plan;

    #[test]
    fn a_number_names_its_indicator_and_a_signed_or_broken_one_names_none() {
        let plan = seed_plan();
        let numbers = |q: &str| find_indicators(&plan, q).iter().map(|i| i.number).collect::<Vec<_>>();
        assert_eq!(numbers("13"), vec![13]);
        assert_eq!(numbers("(13)"), vec![13]);
        assert_eq!(numbers("-1"), Vec::<u32>::new());
        assert_eq!(numbers("1.5"), Vec::<u32>::new());
        assert_eq!(numbers("99"), Vec::<u32>::new());
    }

    fn codes(agencies: Vec<&Agency>) -> Vec<&str> {
        agencies.into_iter().map(|a| a.code.as_str()).collect()
    }

    #[test]
    fn folding_drops_case_diacritics_and_punctuation() {
        assert_eq!(fold("Sở Y tế"), "so y te");
        assert_eq!(fold("  ĐÀI Phát thanh, Truyền hình "), "dai phat thanh truyen hinh");
        // Decomposed input (some keyboards send it) folds the same.
        assert_eq!(fold("Ngân sa\u{301}ch"), "ngan sach");
        assert_eq!(fold("UBND huyện Châu Thành A"), "ubnd huyen chau thanh a");
    }

    #[test]
    fn agencies_by_code_or_a_few_words_of_a_name() {
        let plan = seed_plan();
        assert_eq!(codes(find_agencies(&plan, "syt")), ["SYT"]);
        assert_eq!(codes(find_agencies(&plan, "y tế")), ["SYT"]);
        assert_eq!(codes(find_agencies(&plan, "tai chinh")), ["STC"]);
        assert_eq!(codes(find_agencies(&plan, "Department of Health")), ["SYT"]);
        let chau_thanh = find_agencies(&plan, "châu thành");
        assert_eq!(chau_thanh.len(), 2, "{:?}", codes(chau_thanh));
        assert_eq!(find_agencies(&plan, "chau thanh a").len(), 1);
        // The full name of one agency that is also the start of another's picks the one.
        assert_eq!(find_agencies(&plan, "UBND huyện Châu Thành").len(), 1);
        assert!(find_agencies(&plan, "sở").len() > 10);
        assert!(find_agencies(&plan, "không có").is_empty());
        assert!(find_agencies(&plan, " ").is_empty());
    }

    #[test]
    fn indicators_by_number_or_words() {
        let plan = seed_plan();
        let numbers = |q: &str| find_indicators(&plan, q).iter().map(|i| i.number).collect::<Vec<_>>();
        assert_eq!(numbers("13"), [13]);
        assert_eq!(numbers("(5)"), [5]);
        assert_eq!(numbers("99"), Vec::<u32>::new());
        assert_eq!(numbers("ngân sách"), [5]);
        assert_eq!(numbers("ngan sach"), [5]);
        assert_eq!(numbers("bác sĩ"), [13], "a metric's name counts");
        assert!(numbers("tăng").len() > 1, "several matches: {:?}", numbers("tăng"));
    }
}
