//! Stacking habits: an entrant plays the player at an anchor position (NFL: the
//! QB) with an exact number of his teammates at partner positions (his pass
//! catchers), and some add one "bring-back" from the anchor's opponent.
//!
//! All of it is data: positions come from the config and the sport's position
//! list, so a sport without the anchor position (NBA) simply has no stacking.
//! The anchor's slot is filled first; each later step that could hold a partner
//! takes one with probability `needed / steps left that could`, and otherwise
//! may not take one, so the lineup ends with exactly the wanted count and
//! partners spread over the slots they can fill. Bring-backs work the same way.
//! A sharp entrant draws its stack alike; its build is repaired into it
//! (`StackPlan::deviation` counts as a rule breach there).

use rand::Rng;
use schemas::{FieldSamplerConfig, Slate};

use crate::pool::{NONE, Pool};

/// What one entrant wants of its stack.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Want {
    /// Partners of the anchor's team to hold, exactly (`None`: no stacking rule).
    partners: Option<u32>,
    /// One player of the anchor's opponent at a bring-back position (exactly one), or none.
    bring_back: bool,
}

impl Want {
    /// No stacking rule at all (a sport without stacking, or the hard-rules fallback).
    pub fn none() -> Self {
        Want::default()
    }
}

/// Stacking resolved against the slate.
#[derive(Debug)]
pub(crate) struct StackPlan {
    /// Stacking applies: the sport has a slot only anchor positions can fill.
    pub active: bool,
    /// Share of entrants with exactly one / exactly two partners.
    one: f64,
    two: f64,
    /// Share of stacking entrants with a bring-back.
    bring_back: f64,
    partner: Vec<bool>,
    back: Vec<bool>,
    /// Team index of each player's opponent ([`NONE`] if unknown).
    opponent: Vec<u32>,
    /// Per fill step: how many steps from here on could hold a partner / a bring-back.
    partner_steps: Vec<u32>,
    back_steps: Vec<u32>,
}

/// Bit mask of the sport's positions among `names` (unknown names are ignored).
fn mask(slate: &Slate, names: &[String]) -> u32 {
    names
        .iter()
        .filter_map(|n| slate.rules.position_bit(n))
        .fold(0, |m, b| m | b)
}

fn position_mask(slate: &Slate, positions: &[String]) -> u32 {
    mask(slate, positions)
}

/// Slots only anchor positions can fill: the pool fills them first.
pub(crate) fn anchor_slots(slate: &Slate, config: &FieldSamplerConfig) -> u32 {
    let anchor = mask(slate, &config.stack_anchor);
    if anchor == 0 {
        return 0;
    }
    slate
        .rules
        .slots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let m = mask(slate, &s.eligible);
            m != 0 && m & !anchor == 0
        })
        .fold(0, |acc, (i, _)| acc | 1 << i)
}

impl StackPlan {
    /// Resolves the config; `one`, `two` and `bring_back` are already checked to be shares.
    pub fn new(
        pool: &Pool<'_>,
        config: &FieldSamplerConfig,
        one: f64,
        two: f64,
        bring_back: f64,
    ) -> Self {
        let slate = pool.slate;
        let partner_mask = mask(slate, &config.stack_partners);
        let back_mask = mask(slate, &config.stack_bring_back);
        let anchor_first = anchor_slots(slate, config) & (1 << pool.order[0]) != 0;
        let holds = |m: u32| -> Vec<bool> {
            slate
                .players
                .iter()
                .map(|p| position_mask(slate, &p.positions) & m != 0)
                .collect()
        };
        let partner = holds(partner_mask);
        let back = holds(back_mask);
        let team_of = |name: &str| {
            slate
                .players
                .iter()
                .position(|p| p.team == name)
                .map_or(NONE, |i| pool.team[i])
        };
        let opponent = slate
            .players
            .iter()
            .map(|p| p.opponent.as_deref().map_or(NONE, team_of))
            .collect();
        let steps = |flags: &[bool]| -> Vec<u32> {
            let n = pool.order.len();
            let mut from = vec![0u32; n + 1];
            for k in (1..n).rev() {
                let can = pool.candidates[k].iter().any(|c| flags[c.player as usize]);
                from[k] = from[k + 1] + u32::from(can);
            }
            from
        };
        let partner_steps = steps(&partner);
        let back_steps = steps(&back);
        StackPlan {
            active: anchor_first && partner_mask != 0 && one + two > 0.0,
            one,
            two,
            bring_back,
            partner,
            back,
            opponent,
            partner_steps,
            back_steps,
        }
    }

    /// Draws what one entrant wants (nothing when stacking is off, and then no
    /// random number is used).
    pub fn want<R: Rng>(&self, rng: &mut R) -> Want {
        if !self.active {
            return Want::none();
        }
        let u: f64 = rng.random();
        let partners = if u < self.one {
            1
        } else if u < self.one + self.two {
            2
        } else {
            0
        };
        let bring_back = partners > 0 && rng.random::<f64>() < self.bring_back;
        Want {
            partners: Some(partners),
            bring_back,
        }
    }

    /// The state of a fill that starts now.
    pub fn start(&self, want: &Want) -> State {
        State {
            want: *want,
            team: NONE,
            opponent: NONE,
            partners_left: want.partners.unwrap_or(0),
            back_left: u32::from(want.bring_back),
        }
    }

    /// How far a full lineup in fill order (the anchor first) is from what `want`
    /// asks: partners off by, plus bring-backs off by (0: it holds the stack).
    pub fn deviation(&self, pool: &Pool<'_>, want: &Want, fill_order: &[u32]) -> u32 {
        let (Some(partners), Some(&anchor)) = (want.partners, fill_order.first()) else {
            return 0;
        };
        if !self.active {
            return 0;
        }
        let team = pool.team[anchor as usize];
        let opponent = self.opponent[anchor as usize];
        let count = |f: &dyn Fn(usize) -> bool| {
            fill_order.iter().filter(|&&p| f(p as usize)).count() as u32
        };
        let held = count(&|p| p != anchor as usize && pool.team[p] == team && self.partner[p]);
        let mut off = held.abs_diff(partners);
        if partners > 0 {
            let backs = count(&|p| pool.team[p] == opponent && self.back[p]);
            off += backs.abs_diff(u32::from(want.bring_back));
        }
        off
    }

    /// Whether a full lineup (slot order) holds exactly what `want` asks.
    pub fn holds(&self, pool: &Pool<'_>, want: &Want, players: &[u32]) -> bool {
        let Some(partners) = want.partners else {
            return true;
        };
        let Some(&anchor) = players.get(pool.order[0]) else {
            return false;
        };
        let team = pool.team[anchor as usize];
        let opponent = self.opponent[anchor as usize];
        let count = |f: &dyn Fn(u32) -> bool| players.iter().filter(|&&p| f(p)).count() as u32;
        let held =
            count(&|p| p != anchor && pool.team[p as usize] == team && self.partner[p as usize]);
        if held != partners {
            return false;
        }
        if partners == 0 {
            return true;
        }
        let backs = count(&|p| pool.team[p as usize] == opponent && self.back[p as usize]);
        backs == u32::from(want.bring_back)
    }
}

/// A fill in progress: the anchor's team once picked, and what is still needed.
#[derive(Debug)]
pub(crate) struct State {
    want: Want,
    team: u32,
    opponent: u32,
    partners_left: u32,
    back_left: u32,
}

/// Which candidates one fill step may take.
#[derive(Debug, Default)]
pub(crate) struct Rule {
    team: u32,
    opponent: u32,
    only_partner: bool,
    no_partner: bool,
    only_back: bool,
    no_back: bool,
}

impl State {
    /// The rule of fill step `k`, drawing whether this step takes a partner or a
    /// bring-back (random numbers are drawn only when the entrant stacks).
    pub fn rule<R: Rng>(
        &mut self,
        _pool: &Pool<'_>,
        plan: &StackPlan,
        k: usize,
        rng: &mut R,
    ) -> Rule {
        if self.want.partners.is_none() || k == 0 || self.team == NONE {
            return Rule::default();
        }
        let mut rule = Rule {
            team: self.team,
            opponent: self.opponent,
            ..Rule::default()
        };
        let left = plan.partner_steps[k] - plan.partner_steps[k + 1];
        if left > 0 {
            let take = self.partners_left > 0
                && rng.random::<f64>() * f64::from(plan.partner_steps[k])
                    < f64::from(self.partners_left);
            rule.only_partner = take;
            rule.no_partner = !take;
        }
        if self.want.partners.unwrap_or(0) > 0 && plan.back_steps[k] > plan.back_steps[k + 1] {
            let take = !rule.only_partner
                && self.back_left > 0
                && rng.random::<f64>() * f64::from(plan.back_steps[k]) < f64::from(self.back_left);
            rule.only_back = take;
            rule.no_back = !take;
        }
        rule
    }

    /// Records the pick of fill step `k`.
    pub fn picked(&mut self, pool: &Pool<'_>, plan: &StackPlan, player: u32) {
        if self.want.partners.is_none() {
            return;
        }
        let p = player as usize;
        if self.team == NONE {
            self.team = pool.team[p];
            self.opponent = plan.opponent[p];
            return;
        }
        if pool.team[p] == self.team && plan.partner[p] && self.partners_left > 0 {
            self.partners_left -= 1;
        } else if pool.team[p] == self.opponent && plan.back[p] && self.back_left > 0 {
            self.back_left -= 1;
        }
    }
}

impl Rule {
    /// Whether this step may take `player`.
    pub fn allows(&self, pool: &Pool<'_>, plan: &StackPlan, player: u32) -> bool {
        let p = player as usize;
        let partner = pool.team[p] == self.team && plan.partner[p];
        let back = pool.team[p] == self.opponent && plan.back[p];
        !(self.only_partner && !partner
            || self.no_partner && partner
            || self.only_back && !back
            || self.no_back && back)
    }
}
