//! The plan that ships inside the binary and loads on first start.

use crate::domain::{Plan, Problems};

/// Plan 09/KH-UBND of Hậu Giang province, 2022: the seed this product was made for.
pub const HAU_GIANG_2022: &str = include_str!("../plans/hau-giang-2022.toml");

/// The bundled plan, checked.
pub fn plan() -> Result<Plan, Problems> {
    Plan::from_toml(HAU_GIANG_2022)
}

/// The bundled plan for tests, which assert elsewhere that it is valid.
#[cfg(test)]
pub fn seed_plan() -> Plan {
    plan().expect("the bundled plan is valid")
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::domain::calendar::{PeriodKey, deadlines};
    use crate::domain::plan::{Direction, DueDate, Schedule};

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn the_seed_is_whole_28_sections_154_tasks_18_indicators() {
        let plan = seed_plan();
        assert_eq!(plan.code, "09/KH-UBND");
        assert_eq!(plan.year, 2022);
        assert_eq!(plan.time_zone, chrono_tz::Asia::Ho_Chi_Minh);
        assert_eq!(plan.coordinator.as_str(), "SKHDT");
        assert_eq!(plan.sections.len(), 28);
        assert_eq!(plan.sections.iter().map(|s| s.number).collect::<Vec<_>>(), (1..=28).collect::<Vec<_>>());
        assert_eq!(plan.task_count(), 154);
        let per_section: Vec<usize> = plan.sections.iter().map(|s| s.tasks.len()).collect();
        assert_eq!(
            per_section,
            [10, 8, 5, 7, 7, 7, 7, 7, 5, 6, 1, 2, 10, 7, 5, 5, 7, 9, 2, 4, 8, 3, 4, 2, 2, 10, 1, 3]
        );
        assert_eq!(plan.indicators.len(), 18);
        assert_eq!(plan.metric_count(), 37);
        let metrics: Vec<usize> = plan.indicators.iter().map(|i| i.metrics.len()).collect();
        assert_eq!(metrics, [5, 1, 4, 1, 4, 3, 1, 1, 1, 1, 2, 2, 4, 4, 2, 1, 0, 0]);
        assert!(plan.indicator(17).unwrap().is_qualitative());
        assert!(plan.indicator(18).unwrap().is_qualitative());
        assert_eq!(plan.agencies.len(), 36);
    }

    #[test]
    fn sample_targets_are_exact() {
        let plan = seed_plan();
        let target = |code: &str| {
            let (_, m) = plan.metric(code).unwrap();
            (m.target.value, m.target.out_of, m.unit.clone(), m.direction)
        };
        assert_eq!(target("5.1"), (dec("9002"), None, "tỷ đồng".into(), Direction::AtLeast));
        assert_eq!(target("8.1"), (dec("6.08"), None, "‰".into(), Direction::AtMost));
        assert_eq!(target("14.2"), (dec("36"), Some(dec("51")), "xã".into(), Direction::AtLeast));
        assert_eq!(target("12.1"), (dec("82.19"), None, "%".into(), Direction::AtLeast));
        assert_eq!(target("1.1"), (dec("8"), None, "%".into(), Direction::AtLeast));
        assert_eq!(target("2.1"), (dec("60.26"), None, "triệu đồng/người".into(), Direction::AtLeast));
        assert_eq!(target("4.1"), (dec("18600"), None, "tỷ đồng".into(), Direction::AtLeast));
        assert_eq!(target("6.1"), (dec("1058"), None, "triệu USD".into(), Direction::AtLeast));
        assert_eq!(target("10.1").3, Direction::ReduceBy);
        assert_eq!(target("13.1").3, Direction::AtMost);
        assert_eq!(plan.indicator(8).unwrap().text, "Tỷ lệ tăng dân số tự nhiên 6,08‰ .");
    }

    #[test]
    fn sample_wordings_are_the_plans_own() {
        let plan = seed_plan();
        let text = |code: &str| plan.task(code).unwrap().1.text.clone();
        assert_eq!(text("1.g"), "Đẩy mạnh các hoạt động phổ biến nâng cao năng lực về khởi nghiệp.");
        assert_eq!(
            text("18.b"),
            "Triển khai phủ sóng 5G tại các khu công nghiệp trên địa bàn tỉnh Hậu Giang."
        );
        assert!(text("11").starts_with("Thực hiện kiểm soát chi ngân sách nhà nước đúng quy định"));
        assert!(text("27").starts_with("Tăng cường công tác theo dõi, đôn đốc"));
        // Bullets belong to their task.
        let e = text("2.e");
        assert!(e.starts_with("Tổ chức sản xuất theo chuỗi giá trị"));
        assert_eq!(e.lines().filter(|l| l.starts_with("- ")).count(), 2);
        assert_eq!(text("28.a").lines().filter(|l| l.starts_with("- ")).count(), 7);
        assert_eq!(text("16.a").lines().filter(|l| l.starts_with("- ")).count(), 3);
        assert!(plan.task("2.đ").is_some(), "the letter đ is kept");
    }

    #[test]
    fn sections_name_their_agencies() {
        let plan = seed_plan();
        let section = |n: u32| plan.sections.iter().find(|s| s.number == n).unwrap();
        let codes = |n: u32| section(n).assignees.iter().map(|c| c.as_str().to_owned()).collect::<Vec<_>>();
        assert_eq!(codes(24), ["CAT", "BCHQS"]);
        assert_eq!(codes(28), ["UBND-HUYEN"]);
        let group = plan.group("UBND-HUYEN").unwrap();
        assert_eq!(group.members.len(), 8);
        let inferred: Vec<u32> =
            plan.sections.iter().filter(|s| s.heading_inferred).map(|s| s.number).collect();
        assert_eq!(inferred, [1, 4, 6, 7, 9, 10, 12, 15, 16, 17, 20, 21, 22, 23, 25, 27]);
        assert_eq!(section(25).heading, "Sở Ngoại vụ");
        // Each district-level committee reports on section 28 on its own.
        let vithanh = crate::domain::AgencyCode::parse("TP-VITHANH").unwrap();
        let tasks: Vec<String> = plan.tasks_of(&vithanh).iter().map(|(_, t)| t.code.clone()).collect();
        assert_eq!(tasks, ["28.a", "28.b", "28.c"]);
        let police = crate::domain::AgencyCode::parse("CAT").unwrap();
        assert_eq!(plan.tasks_of(&police).len(), 2);
        assert_eq!(plan.narratives_of(&police).iter().map(|i| i.number).collect::<Vec<_>>(), [17, 18]);
    }

    #[test]
    fn every_agency_reports_in_both_rounds() {
        let plan = seed_plan();
        let ap = plan.round("chuong-trinh-hanh-dong").unwrap();
        let q = plan.round("bao-cao-quy").unwrap();
        assert_eq!(
            ap.schedule,
            Schedule::Once { due: DueDate::Before(chrono::NaiveDate::from_ymd_opt(2022, 1, 30).unwrap()) }
        );
        assert!(ap.asks.document && !ap.asks.tasks);
        assert!(q.asks.tasks && q.asks.metrics);
        assert_eq!(plan.recipients(ap).len(), 36);
        assert_eq!(plan.recipients(q).len(), 36);
        let periods: Vec<PeriodKey> = deadlines(&plan, 2022).into_iter().map(|d| d.period).collect();
        assert_eq!(periods.len(), 5);
        // Every agency has something to report each quarter.
        for a in &plan.agencies {
            assert!(!plan.tasks_of(&a.code).is_empty(), "{} has no task", a.code);
        }
    }

    #[test]
    fn every_agency_has_short_names_and_sub_metrics_name_their_whole() {
        let plan = seed_plan();
        for a in &plan.agencies {
            let (vi, en) = (a.short_vi.as_deref().unwrap_or(""), a.short_en.as_deref().unwrap_or(""));
            assert!(!vi.is_empty() && !en.is_empty(), "{} has no short name", a.code);
            assert!(vi.chars().count() <= a.name_vi.chars().count(), "{}: {vi}", a.code);
        }
        assert_eq!(plan.agency("SKHDT").unwrap().short_vi.as_deref(), Some("Sở KH&ĐT"));
        let parts = |code: &str| plan.parts_of(code).iter().map(|m| m.code.clone()).collect::<Vec<_>>();
        // "Tổng thu ngân sách nhà nước 9.002 tỷ đồng, trong đó thu trên địa bàn 4.800 tỷ đồng
        // (thu nội địa 4.300 tỷ đồng, thu thuế xuất nhập khẩu 500 tỷ đồng)".
        assert_eq!(parts("5.1"), ["5.2"]);
        assert_eq!(parts("5.2"), ["5.3", "5.4"]);
        assert_eq!(parts("1.1"), ["1.2", "1.3", "1.4", "1.5"]);
        assert_eq!(parts("6.1"), ["6.2", "6.3"]);
        assert_eq!(plan.metric("10.1").unwrap().1.reduction, Some(crate::domain::plan::Reduction::Points));
    }

    #[test]
    fn the_seed_checks_out_without_a_warning() {
        let check = Plan::check(HAU_GIANG_2022);
        assert!(check.plan.is_ok());
        assert!(check.warnings.is_empty(), "{:#?}", check.warnings);
    }

    #[test]
    fn holidays_are_the_2022_days_off() {
        let plan = seed_plan();
        let days: usize = plan.holidays.iter().map(|h| (h.to - h.from).num_days() as usize + 1).sum();
        assert_eq!(days, 3 + 9 + 1 + 4 + 2);
    }

    #[test]
    fn the_plan_survives_a_round_trip_through_its_file_shape() {
        let plan = seed_plan();
        let again = Plan::try_from(&plan.to_file()).unwrap();
        assert_eq!(plan, again);
        let json = serde_json::to_string(&plan.to_file()).unwrap();
        let back: crate::domain::PlanFile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan.to_file());
    }
}
