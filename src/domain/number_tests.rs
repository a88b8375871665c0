use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn quantity(value: &str, out_of: Option<&str>, unit: Option<&str>) -> Quantity {
    let (value, out_of, unit) = (d(value), out_of.map(d), unit.map(String::from));
    Quantity { value, out_of, unit }
}

fn suggestion(s: &str) -> Option<String> {
    match Quantity::parse(s) {
        Err(NumberError::Malformed { suggestion, .. }) => suggestion,
        other => panic!("{s:?}: expected Malformed, got {other:?}"),
    }
}

#[test]
fn plain_numbers() {
    let cases = [
        ("60,26", "60.26"),
        ("0,125", "0.125"),
        ("1,500", "1.5"),
        ("18.600", "18600"),
        ("9.002", "9002"),
        ("1.058", "1058"),
        ("4.300", "4300"),
        ("15.000", "15000"),
        ("1.234.567,5", "1234567.5"),
        ("18600", "18600"),
        ("-1,5", "-1.5"),
        ("+2", "2"),
        ("\u{2212}1,5", "-1.5"),
        ("  60,26 \n", "60.26"),
        ("\u{a0}9.002\u{202f}", "9002"),
    ];
    for (s, v) in cases {
        assert_eq!(Quantity::parse_plain(s), Ok(d(v)), "{s}");
    }
    assert!(!q("-0").value.is_sign_negative());
    assert_eq!(q("0.00").value, Decimal::ZERO);
}

#[test]
fn units_and_fractions() {
    let cases = [
        ("1.058 triệu USD", "1058", None, "triệu USD"),
        ("6,08‰", "6.08", None, "‰"),
        ("82,19 %", "82.19", None, "%"),
        ("82,19%", "82.19", None, "%"),
        ("9.002 tỷ đồng", "9002", None, "tỷ đồng"),
        (" 5\u{a0}triệu \t USD ", "5", None, "triệu USD"),
        ("36/51 xã", "36", Some("51"), "xã"),
        ("36 / 51 xã", "36", Some("51"), "xã"),
    ];
    for (s, v, out_of, unit) in cases {
        assert_eq!(q(s), quantity(v, out_of, Some(unit)), "{s}");
    }
    assert_eq!(q("36/51"), quantity("36", Some("51"), None));
}

#[test]
fn a_single_dot_before_a_group_of_three_is_ambiguous() {
    // Both readings exist: an English decimal point, or a thousands separator with one
    // more missing.
    let cases = [("1234.567", ["1.234,567", "1.234.567"]), ("-1234.500 %", ["-1.234,5", "-1.234.500"])];
    for (s, readings) in cases {
        let (input, readings) = (s.to_owned(), readings.map(String::from));
        let expected = Err(NumberError::Ambiguous { input, readings });
        assert_eq!(Quantity::parse(s), expected, "{s}");
    }
}

#[test]
fn a_single_dot_before_anything_but_a_group_of_three_suggests_the_decimal() {
    // A thousands group has three digits (and no number starts "0."), so "92.1" can only
    // be 92,1 with an English decimal point: that is the one suggestion.
    let cases = [
        ("92.1", "92,1"),
        ("1.5", "1,5"),
        ("12.25", "12,25"),
        ("0.5", "0,5"),
        ("0.500", "0,5"),
        ("-1.5 %", "-1,5"),
        ("01.234", "1,234"),
        ("12.3456", "12,3456"),
    ];
    for (s, reading) in cases {
        assert_eq!(suggestion(s).as_deref(), Some(reading), "{s}");
    }
}

#[test]
fn malformed() {
    assert_eq!(suggestion("1,234.56").as_deref(), Some("1.234,56"));
    assert_eq!(suggestion("1,234,567").as_deref(), Some("1.234.567"));
    assert_eq!(suggestion("-1,234,567.5").as_deref(), Some("-1.234.567,5"));
    let no_hint = [
        "1..2", ",5", "5,", "1,2,3", "5.", ".5", "1,5.000", "36/0", "36/-51", "36/", "36/51/2", "5-7", "5 ,2",
    ];
    for s in no_hint {
        assert_eq!(suggestion(s), None, "{s}");
    }
}

#[test]
fn not_numbers_and_limits() {
    assert_eq!(Quantity::parse(""), Err(NumberError::Empty));
    assert_eq!(Quantity::parse(" \t\u{a0}"), Err(NumberError::Empty));
    for s in ["abc", "không", "-", "%"] {
        let expected = NumberError::NotANumber { input: s.into() };
        assert_eq!(Quantity::parse(s), Err(expected), "{s}");
    }
    // Digits, but not where a number starts: typed wrong rather than not a number.
    assert_eq!(suggestion("khoảng 5"), None);
    let too_long = Err(NumberError::TooLong { max: 64 });
    assert_eq!(Quantity::parse(&"1".repeat(65)), too_long);
    assert_eq!(Quantity::parse(&"đ".repeat(65)), too_long);
    // Too big or too precise for Decimal: an error, never a panic.
    assert_eq!(suggestion(&"9".repeat(40)), None);
    assert_eq!(suggestion(&"1".repeat(64)), None);
    assert_eq!(suggestion(&format!("0,{}1", "0".repeat(30))), None);
    assert_eq!(q(&format!("1,5{}", "0".repeat(40))).value, d("1.5"));
}

#[test]
fn spaces_of_every_kind_separate_thousands() {
    let spaces = [' ', '\u{a0}', '\u{202f}', '\u{2009}', '\u{2007}'];
    for sp in spaces {
        let cases = [
            (format!("12{sp}000"), "12000"),
            (format!("1{sp}234{sp}567,5"), "1234567.5"),
            (format!("-2{sp}500"), "-2500"),
            (format!("100{sp}000{sp}tỷ đồng"), "100000"),
        ];
        for (s, v) in cases {
            assert_eq!(q(&s).value, d(v), "{s:?}");
        }
        assert_eq!(q(&format!("18{sp}600 tỷ đồng")), quantity("18600", None, Some("tỷ đồng")));
        assert_eq!(q(&format!("36/1{sp}000")), quantity("36", Some("1000"), None));
    }
}

#[test]
fn groups_after_the_first_have_three_digits() {
    for s in ["12 00", "12 34", "1 2345", "1234 567", "0 500", "1 234 56", "1.234.56", "1.23.4", "12\u{a0}00"]
    {
        assert_eq!(Quantity::parse(s), Err(NumberError::BadGroup { input: s.into() }), "{s}");
    }
    // Spaces and dots do not mix in one number, and a space is not a decimal separator.
    assert_eq!(suggestion("1 234.567"), None);
    assert_eq!(suggestion("12 000,5 5"), None);
    assert_eq!(suggestion("1 234.5").as_deref(), Some("1.234,5"));
}

#[test]
fn invisible_characters_are_ignored_and_never_shown() {
    let invisible = [
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{2060}', '\u{feff}', '\u{ad}',
        '\u{61c}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
    ];
    for c in invisible {
        assert_eq!(q(&format!("60,26{c}")).value, d("60.26"), "U+{:04X}", c as u32);
        assert_eq!(q(&format!("{c}9.002{c} tỷ{c} đồng")), quantity("9002", None, Some("tỷ đồng")));
        assert_eq!(q(&format!("1{c}2{c}.000")).value, d("12000"));
        assert_eq!(Quantity::parse(&c.to_string()), Err(NumberError::Empty));
    }
    // Decomposed letters in a unit are composed, so the unit matches the plan's.
    assert_eq!(q("5 ty\u{0309} đồng").unit.as_deref(), Some("tỷ đồng"));
}

#[test]
fn plain_rejects_units_and_fractions() {
    let unit = Err(NumberError::UnexpectedUnit { unit: "xã".into() });
    assert_eq!(Quantity::parse_plain("5 xã"), unit);
    let fraction = Quantity::parse_plain("36/51");
    assert_eq!(fraction, Err(NumberError::UnexpectedFraction));
}

#[test]
fn formatting() {
    let cases = [
        ("9002", "9.002"),
        ("60.26", "60,26"),
        ("-1.5", "-1,5"),
        ("0", "0"),
        ("-0.00", "0"),
        ("1234567.5", "1.234.567,5"),
        ("0.05", "0,05"),
        ("-123456", "-123.456"),
    ];
    for (v, s) in cases {
        assert_eq!(format_vn(&d(v)), s, "{v}");
    }
    assert_eq!(format_vn_rounded(&d("82.1947"), 2), "82,19");
    assert_eq!(format_vn_rounded(&d("82.195"), 2), "82,2");
    assert_eq!(format_vn_rounded(&d("-0.001"), 2), "0");
    assert_eq!(format_vn_rounded(&d("18600"), 2), "18.600");
}

#[test]
fn display_round_trips() {
    let shown = ["9.002 tỷ đồng", "36/51 xã", "6,08‰", "82,19%", "-1,5"];
    for s in shown {
        assert_eq!(q(s).to_string(), s);
        assert_eq!(s.parse::<Quantity>(), Ok(q(s)));
    }
    assert_eq!(q("82,19 %").to_string(), "82,19%");
}

#[test]
fn error_messages() {
    let message = |s: &str| Quantity::parse(s).unwrap_err().to_string();
    let hint = r#"malformed number "1,234.5" (did you mean 1.234,5?)"#;
    assert_eq!(message("1,234.5"), hint);
    assert_eq!(message("1,2.3"), r#"malformed number "1,2.3""#);
    let ambiguous = r#"ambiguous number "1234.567": could be 1.234,567 or 1.234.567"#;
    assert_eq!(message("1234.567"), ambiguous);
    assert_eq!(message("1.5"), r#"malformed number "1.5" (did you mean 1,5?)"#);
    let group = r#"malformed number "12 00": a thousands group after the first has three digits"#;
    assert_eq!(message("12 00"), group);
}

mod proptests {
    use super::*;
    use proptest::prelude::*;

    const UNITS: [&str; 5] = ["%", "‰", " tỷ đồng", " xã", " triệu USD"];

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s))
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(v in decimal()) {
            let q = Quantity::parse(&format_vn(&v)).unwrap();
            prop_assert_eq!(q.value.normalize(), v.normalize());
            prop_assert_eq!(q.unit, None);
            prop_assert_eq!(q.out_of, None);
        }

        #[test]
        fn round_trips_with_a_unit(v in decimal(), unit in prop::sample::select(&UNITS[..])) {
            let q = Quantity::parse(&format!("{}{unit}", format_vn(&v))).unwrap();
            prop_assert_eq!(q.value.normalize(), v.normalize());
            prop_assert_eq!(q.unit.as_deref(), Some(unit.trim()));
        }

        #[test]
        fn never_panics(
            chars in prop::collection::vec(any::<char>(), 0..=80),
            s in "[0-9.,/ +−%x-]{0,64}",
        ) {
            let _ = Quantity::parse(&chars.into_iter().collect::<String>());
            let _ = Quantity::parse(&s);
        }

        #[test]
        fn single_dot_short_or_long_group_suggests_the_decimal(
            s in "[1-9][0-9]{0,2}\\.[0-9]{1,2}|[1-9][0-9]{0,2}\\.[0-9]{4,5}"
        ) {
            let decimal = format_vn(&Decimal::from_str_exact(&s).unwrap());
            let r = Quantity::parse(&s);
            let expected = Err(NumberError::Malformed { input: s.clone(), suggestion: Some(decimal) });
            prop_assert_eq!(r, expected);
        }

        #[test]
        fn every_suggested_reading_can_be_typed_back(
            s in "[-]?[0-9]{1,5}([., \u{a0}\u{202f}][0-9]{1,5}){0,3}( ?%)?"
        ) {
            let offered = match Quantity::parse(&s) {
                Err(NumberError::Ambiguous { readings, .. }) => readings.to_vec(),
                Err(NumberError::Malformed { suggestion: Some(x), .. }) => vec![x],
                _ => vec![],
            };
            for reading in offered {
                let back = Quantity::parse_plain(&reading);
                prop_assert!(back.is_ok(), "{:?} suggested {:?}, which reads {:?}", s, reading, back);
                prop_assert_eq!(back.unwrap().is_sign_negative(), s.starts_with('-') && reading != "0");
            }
        }

        #[test]
        fn an_error_never_shows_an_empty_or_invisible_value(
            chars in prop::collection::vec(
                prop_oneof![
                    any::<char>(),
                    prop::sample::select(&['\u{200b}', '\u{feff}', '\u{2060}', '\u{ad}', '\u{202e}', ' ', '5', '.', ','][..]),
                ],
                0..20,
            )
        ) {
            let input: String = chars.into_iter().collect();
            let shown = match Quantity::parse_plain(&input) {
                Err(NumberError::NotANumber { input })
                | Err(NumberError::Ambiguous { input, .. })
                | Err(NumberError::Malformed { input, .. })
                | Err(NumberError::BadGroup { input }) => Some(input),
                Err(NumberError::UnexpectedUnit { unit }) => Some(unit),
                _ => None,
            };
            if let Some(shown) = shown {
                prop_assert!(shown.contains(crate::domain::text::is_visible), "{:?} shows {:?}", input, shown);
                prop_assert!(!shown.contains(crate::domain::text::is_invisible), "{:?} shows {:?}", input, shown);
            }
        }

        #[test]
        fn space_grouped_integers_round_trip(
            n in any::<i64>(),
            sp in prop::sample::select(&[' ', '\u{a0}', '\u{202f}', '\u{2009}', '\u{2007}'][..]),
        ) {
            let dotted = format_vn(&Decimal::from(n));
            prop_assert_eq!(Quantity::parse_plain(&dotted.replace('.', &sp.to_string())), Ok(Decimal::from(n)));
        }

        #[test]
        fn dot_grouped_integers_round_trip(n in any::<i64>()) {
            // Grouped independently of format_vn, so the two cannot share a bug.
            let reversed: Vec<char> = n.unsigned_abs().to_string().chars().rev().collect();
            let groups: Vec<String> =
                reversed.chunks(3).rev().map(|g| g.iter().rev().collect()).collect();
            let text = format!("{}{}", if n < 0 { "-" } else { "" }, groups.join("."));
            prop_assert_eq!(Quantity::parse_plain(&text), Ok(Decimal::from(n)));
        }

        #[test]
        fn format_has_no_dot_after_the_comma(m in any::<i64>(), scale in 0u32..=28) {
            let s = format_vn(&Decimal::new(m, scale));
            if let Some(comma) = s.find(',') {
                prop_assert!(!s[comma..].contains('.'), "{}", s);
            }
        }
    }
}
