use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ContractError;

/// One row of a payout table: places `first..=last` each win `prize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutTier {
    pub first: u32,
    pub last: u32,
    /// Prize per place, in dollars.
    pub prize: f64,
}

/// A DraftKings contest: entry fee, size, entry limit and payout table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contest {
    pub id: String,
    pub name: String,
    /// Entry fee in dollars.
    pub entry_fee: f64,
    /// Total entries when the contest fills.
    pub field_size: u32,
    /// Most entries one user may submit.
    pub max_entries: u32,
    /// Payout tiers, ascending and contiguous from place 1.
    pub payouts: Vec<PayoutTier>,
}

impl Contest {
    /// Checks the table: tiers start at 1, are contiguous, prizes non-increasing
    /// and non-negative, paid places within the field, fee positive.
    pub fn validate(&self) -> Result<(), ContractError> {
        let what = || format!("contest {}", self.id);
        if !(self.entry_fee.is_finite() && self.entry_fee > 0.0) {
            return Err(ContractError::invalid(what(), "entry fee must be positive"));
        }
        if self.field_size == 0 {
            return Err(ContractError::invalid(what(), "field size is 0"));
        }
        if self.max_entries == 0 {
            return Err(ContractError::invalid(what(), "max entries is 0"));
        }
        if self.payouts.is_empty() {
            return Err(ContractError::invalid(what(), "payout table is empty"));
        }
        let mut next = 1u32;
        let mut prev_prize = f64::INFINITY;
        for t in &self.payouts {
            if t.first != next || t.last < t.first {
                return Err(ContractError::invalid(
                    what(),
                    format!(
                        "payout places {}-{} do not continue from place {next}",
                        t.first, t.last
                    ),
                ));
            }
            if !(t.prize.is_finite() && t.prize >= 0.0) {
                return Err(ContractError::invalid(
                    what(),
                    format!(
                        "payout for places {}-{} is not a valid amount",
                        t.first, t.last
                    ),
                ));
            }
            if t.prize > prev_prize + 1e-9 {
                return Err(ContractError::invalid(
                    what(),
                    format!(
                        "payout for places {}-{} rises above the place before",
                        t.first, t.last
                    ),
                ));
            }
            prev_prize = t.prize;
            next = t.last + 1;
        }
        if self.paid_places() > self.field_size {
            return Err(ContractError::invalid(
                what(),
                format!(
                    "{} places paid but the field has {} entries",
                    self.paid_places(),
                    self.field_size
                ),
            ));
        }
        Ok(())
    }

    /// Number of paid places.
    pub fn paid_places(&self) -> u32 {
        self.payouts.last().map_or(0, |t| t.last)
    }

    /// Sum of all prizes.
    pub fn prize_pool(&self) -> f64 {
        self.payouts
            .iter()
            .map(|t| f64::from(t.last - t.first + 1) * t.prize)
            .sum()
    }

    /// Total entry fees of a full contest.
    pub fn total_fees(&self) -> f64 {
        self.entry_fee * f64::from(self.field_size)
    }

    /// DraftKings' cut: 1 - prize pool / total fees.
    pub fn rake(&self) -> f64 {
        1.0 - self.prize_pool() / self.total_fees()
    }

    /// The prize ladder used to pay ranked entries with ties split.
    pub fn ladder(&self) -> PrizeLadder {
        let mut prefix = Vec::with_capacity(self.paid_places() as usize + 1);
        prefix.push(0.0);
        let mut acc = 0.0;
        for t in &self.payouts {
            for _ in t.first..=t.last {
                acc += t.prize;
                prefix.push(acc);
            }
        }
        PrizeLadder { prefix }
    }
}

/// Cumulative prizes by place, so that a tie over any span of places is paid in O(1).
#[derive(Debug, Clone, PartialEq)]
pub struct PrizeLadder {
    /// `prefix[k]` = total prize of places `1..=k`.
    prefix: Vec<f64>,
}

impl PrizeLadder {
    /// Number of paid places.
    #[inline]
    pub fn paid_places(&self) -> usize {
        self.prefix.len() - 1
    }

    /// Total prize of the `count` places starting after `better` entries
    /// (places `better+1 ..= better+count`); places past the paid ones pay 0.
    #[inline]
    pub fn span_total(&self, better: usize, count: usize) -> f64 {
        let last = self.paid_places();
        let lo = better.min(last);
        let hi = (better + count).min(last);
        self.prefix[hi] - self.prefix[lo]
    }

    /// The prize of place `ceil(share x entries)`, at least place 1: the
    /// last place inside the top `share` of a contest of `entries`.
    pub fn prize_at_share(&self, share: f64, entries: u64) -> f64 {
        let place = ((share * entries as f64).ceil() as usize).max(1);
        self.span_total(place - 1, 1)
    }

    /// What each of `count` tied entries wins when `better` entries beat them:
    /// the average of the prizes of the places they span together.
    #[inline]
    pub fn tied_share(&self, better: usize, count: usize) -> f64 {
        if count == 0 {
            return 0.0;
        }
        self.span_total(better, count) / count as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prize_at_a_share_is_the_last_place_inside_it() {
        let ladder = contest().ladder();
        let prize = |share, entries| ladder.prize_at_share(share, entries);
        // Places 1: 10, 2-3: 5, 4: 4 (see contest()).
        assert_eq!(prize(0.01, 100), 10.0);
        assert_eq!(
            prize(0.01, 101),
            5.0,
            "1.01 places: the top 1% ends at place 2"
        );
        assert_eq!(prize(0.01, 5), 10.0, "at least place 1");
        assert_eq!(prize(0.04, 100), 4.0);
        assert_eq!(prize(0.5, 100), 0.0, "place 50 is not paid");
    }

    fn contest() -> Contest {
        Contest {
            id: "c".into(),
            name: "test".into(),
            entry_fee: 4.0,
            field_size: 10,
            max_entries: 3,
            payouts: vec![
                PayoutTier {
                    first: 1,
                    last: 1,
                    prize: 10.0,
                },
                PayoutTier {
                    first: 2,
                    last: 3,
                    prize: 5.0,
                },
                PayoutTier {
                    first: 4,
                    last: 4,
                    prize: 4.0,
                },
            ],
        }
    }

    #[test]
    fn pool_rake_and_ties() {
        let c = contest();
        c.validate().unwrap();
        assert_eq!(c.prize_pool(), 24.0);
        assert!((c.rake() - 0.4).abs() < 1e-12);
        let l = c.ladder();
        // Three entries tied for first share 10 + 5 + 5.
        assert!((l.tied_share(0, 3) - 20.0 / 3.0).abs() < 1e-12);
        // Two tied for 4th-5th: 4 + 0.
        assert_eq!(l.tied_share(3, 2), 2.0);
        assert_eq!(l.tied_share(8, 2), 0.0);
    }

    #[test]
    fn gaps_and_rising_prizes_are_rejected() {
        let mut c = contest();
        c.payouts[1].first = 3;
        assert!(c.validate().is_err());
        let mut c = contest();
        c.payouts[2].prize = 6.0;
        assert!(c.validate().is_err());
    }
}
