//! What an agency writes about its own work in a period, beside its items: results,
//! shortcomings, causes and proposals (kết quả đạt được; tồn tại, hạn chế; nguyên nhân; kiến
//! nghị, đề xuất), each optional. The consolidated report gathers them by field.

use serde::{Deserialize, Serialize};

/// One of the four parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NarrativePart {
    Results,
    Shortcomings,
    Causes,
    Proposals,
}

impl NarrativePart {
    pub const ALL: [NarrativePart; 4] = [
        NarrativePart::Results,
        NarrativePart::Shortcomings,
        NarrativePart::Causes,
        NarrativePart::Proposals,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NarrativePart::Results => "results",
            NarrativePart::Shortcomings => "shortcomings",
            NarrativePart::Causes => "causes",
            NarrativePart::Proposals => "proposals",
        }
    }

    /// Index for compact button data.
    pub fn index(self) -> usize {
        NarrativePart::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn from_index(i: usize) -> Option<NarrativePart> {
        NarrativePart::ALL.get(i).copied()
    }
}

/// The four parts of one report's narrative.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    pub results: Option<String>,
    pub shortcomings: Option<String>,
    pub causes: Option<String>,
    pub proposals: Option<String>,
}

impl Narrative {
    pub fn get(&self, part: NarrativePart) -> Option<&str> {
        let text = match part {
            NarrativePart::Results => &self.results,
            NarrativePart::Shortcomings => &self.shortcomings,
            NarrativePart::Causes => &self.causes,
            NarrativePart::Proposals => &self.proposals,
        };
        text.as_deref().filter(|t| !t.trim().is_empty())
    }

    pub fn set(&mut self, part: NarrativePart, text: Option<String>) {
        let slot = match part {
            NarrativePart::Results => &mut self.results,
            NarrativePart::Shortcomings => &mut self.shortcomings,
            NarrativePart::Causes => &mut self.causes,
            NarrativePart::Proposals => &mut self.proposals,
        };
        *slot = text.filter(|t| !t.trim().is_empty());
    }

    /// How many parts hold a text.
    pub fn filled(&self) -> usize {
        NarrativePart::ALL.iter().filter(|p| self.get(**p).is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_set_read_and_counted_and_blank_is_none() {
        let mut n = Narrative::default();
        assert_eq!(n.filled(), 0);
        n.set(NarrativePart::Causes, Some("Thiếu vốn".into()));
        n.set(NarrativePart::Proposals, Some("   ".into()));
        assert_eq!(n.get(NarrativePart::Causes), Some("Thiếu vốn"));
        assert_eq!(n.get(NarrativePart::Proposals), None);
        assert_eq!(n.filled(), 1);
        for p in NarrativePart::ALL {
            assert_eq!(NarrativePart::from_index(p.index()), Some(p));
        }
        assert_eq!(NarrativePart::from_index(4), None);
    }
}
