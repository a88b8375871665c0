use super::*;

#[test]
fn the_symbol_is_the_initials_of_the_issuing_body() {
    assert_eq!(symbol("Sở Kế hoạch và Đầu tư"), "SKHĐT");
    assert_eq!(symbol("Sở Tài chính"), "STC");
    assert_eq!(symbol("Department of Planning and Investment"), "DOPI");
}

#[test]
fn periods_read_as_an_administrative_document_writes_them() {
    assert_eq!(period_words(Lang::Vi, PeriodKey::Quarter(2022, 2)), "quý II năm 2022");
    assert_eq!(short_period(Lang::Vi, PeriodKey::Quarter(2022, 4)), "quý IV");
    assert_eq!(period_words(Lang::Vi, PeriodKey::Half(2022, 1)), "6 tháng đầu năm 2022");
    assert_eq!(period_words(Lang::Vi, PeriodKey::Month(2022, 3)), "tháng 3 năm 2022");
    assert_eq!(period_words(Lang::Vi, PeriodKey::Year(2022)), "năm 2022");
    assert_eq!(short_period(Lang::En, PeriodKey::Quarter(2022, 1)), "quarter I");
}

#[test]
fn a_note_that_asks_for_something_is_a_proposal() {
    assert!(is_proposal("Đề nghị UBND tỉnh bổ sung vốn đối ứng"));
    assert!(is_proposal("kien nghi tinh ho tro kinh phi"), "typed without diacritics");
    assert!(is_proposal("Sở đề xuất điều chỉnh chỉ tiêu"));
    assert!(!is_proposal("Đã giao dự toán cho các đơn vị"));
}
