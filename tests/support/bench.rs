//! What the benchmarks share: their command-line options, synthetic plans and numbers.

use std::time::Duration;

use dondoc::domain::Plan;
use dondoc::domain::plan_file::*;

/// `--name value` from the command line, or `default`.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A plan with `n` agencies (A0000, A0001…), each with one task, and the bundled plan's
/// quarterly round, days off and reminder policy.
pub fn synthetic_plan(n: usize) -> Plan {
    let seed = dondoc::bundled::plan().expect("bundled plan").to_file();
    let agencies: Vec<AgencyEntry> = (0..n)
        .map(|i| AgencyEntry {
            code: format!("A{i:04}"),
            name_vi: format!("Đơn vị {i}"),
            name_en: format!("Agency {i}"),
            ..AgencyEntry::default()
        })
        .collect();
    let sections = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| SectionEntry {
            number: i as u32 + 1,
            heading: a.name_vi.clone(),
            heading_inferred: false,
            assignees: vec![a.code.clone()],
            tasks: vec![TaskEntry {
                id: "a".into(),
                text: format!("Nhiệm vụ của {}", a.name_vi),
                ..TaskEntry::default()
            }],
        })
        .collect();
    let mut round = seed.rounds.iter().find(|r| r.code == "bao-cao-quy").expect("quarterly round").clone();
    round.to = agencies[0].code.clone();
    let file = PlanFile {
        plan: PlanHeader { coordinator: agencies[0].code.clone(), ..seed.plan.clone() },
        agencies,
        groups: vec![],
        sections,
        indicators: vec![],
        rounds: vec![round],
        holidays: seed.holidays.clone(),
        reminders: seed.reminders.clone(),
        ..PlanFile::default()
    };
    Plan::try_from(&file).expect("synthetic plan checks out")
}

/// The `p`-quantile (0..1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
