//! Correlated outcomes: a Gaussian copula per game, with each player's
//! marginal matched to his projection and std dev.
//!
//! At construction, per game: the players' correlation matrix from the
//! sport's [`CorrelationTable`] (teammates and opponents by position pair),
//! repaired to the nearest correlation matrix when it is not positive
//! semi-definite, and factored once (`C = L Lᵀ`). Per iteration: one standard
//! normal `e` per drawn player, `z = L e` per game (n²/2 multiply-adds), and
//! each `z` through the marginal's quantile function. Cost per iteration is
//! O(Σ n_g²) with no allocation.

use rand::Rng;
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use schemas::{CorrelationTable, Marginal, PairKind, Slate};

use crate::SimError;
use crate::linalg::{PSD_TOLERANCE, cholesky_packed, min_eigenvalue, nearest_correlation_weighted};
use crate::outcome::OutcomeModel;
use crate::special::{gamma_quantile, norm_cdf_pair, norm_quantile};

/// Points of a tabulated quantile function, on an even grid of `z` in
/// `[-Z_MAX, Z_MAX]`; beyond it (probability 2e-9) a draw takes the end value.
pub const TABLE_POINTS: usize = 257;
/// Repair weights: a player's std dev, floored at this share of the game's
/// largest so that the lightest players do not absorb arbitrarily large changes.
pub const WEIGHT_FLOOR: f64 = 0.25;

/// Half-width of the tabulated range of normal scores.
pub const Z_MAX: f64 = 6.0;

/// Largest game drawn through a buffer on the stack; bigger games (rare:
/// more than this many players with a projection in one game) take a slower
/// in-place path.
const STACK_PLAYERS: usize = 128;

/// `Σ a_k b_k` in four interleaved partial sums (a fixed order, so the result
/// does not depend on anything but the inputs).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// The transform from a normal score to fantasy points, per drawn player.
#[derive(Debug, Clone, PartialEq)]
enum Transform {
    /// `exp(mu + s z)` with `(mu, s)` per player.
    LogNormal(Vec<(f64, f64)>),
    /// Quantiles at the `TABLE_POINTS` grid, `TABLE_POINTS` per player, linearly
    /// interpolated.
    Table(Vec<f32>),
}

/// A game's block of drawn players.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    /// Range into `CopulaModel::drawn`.
    start: usize,
    len: usize,
    /// Offset of the packed Cholesky factor in `CopulaModel::factor`;
    /// `None` when the block is independent (identity).
    factor: Option<usize>,
    /// Offset of the `len * len` correlation matrix in `CopulaModel::matrices`.
    matrix: Option<usize>,
}

/// A game whose table correlations were not positive semi-definite.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// Index into `slate.games`.
    pub game: u32,
    /// Players of the game in the copula.
    pub players: usize,
    /// Smallest eigenvalue of the table's matrix.
    pub min_eigenvalue: f64,
    /// Largest change of one coefficient.
    pub max_change: f64,
    /// Largest change of a coefficient between two key players, each with
    /// a std dev at least half the game's largest.
    pub key_change: f64,
}

/// Per-game Gaussian copula with log-normal, gamma or truncated-normal
/// marginals (see the module docs). Players projected at 0 score 0; a std dev
/// of 0 scores exactly the projection; a showdown captain row scores the
/// captain multiplier times its base row's points of the same iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct CopulaModel {
    players: usize,
    /// Slate indices of the drawn players, each game's block contiguous.
    drawn: Vec<u32>,
    /// Position of each slate player in `drawn` (`u32::MAX`: not drawn).
    slot: Vec<u32>,
    blocks: Vec<Block>,
    factor: Vec<f64>,
    matrices: Vec<f64>,
    transform: Transform,
    /// Players with a fixed score: (slate index, points).
    fixed: Vec<(u32, f32)>,
    /// Captain rows: (slate index, base index).
    captains: Vec<(u32, u32)>,
    multiplier: f32,
    repairs: Vec<Repair>,
    unknown_positions: Vec<String>,
}

fn check_number(i: usize, name: &str, v: f64, dk_id: i64) -> Result<(), SimError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(SimError::invalid(
            format!("slate.players[{i}].{name}"),
            format!("must be a finite number >= 0, got {v} (player {dk_id})"),
        ))
    }
}

impl CopulaModel {
    /// The model of a slate: `table` gives the correlations (`None`: players
    /// are independent), `marginal` the family of each player's points.
    ///
    /// Errors name the field: a projection or std dev that is negative or not
    /// finite, a table that breaks its contract or is for another sport, a
    /// captain row without a captain rule or with a bad base index.
    pub fn new(
        slate: &Slate,
        table: Option<&CorrelationTable>,
        marginal: Marginal,
    ) -> Result<Self, SimError> {
        let n = slate.players.len();
        if let Some(t) = table {
            t.validate()
                .map_err(|e| SimError::invalid("correlations", e.to_string()))?;
            if !t.sport.eq_ignore_ascii_case(&slate.rules.sport) {
                return Err(SimError::invalid(
                    "correlations.sport",
                    format!(
                        "the table is for {}, the slate is {}",
                        t.sport, slate.rules.sport
                    ),
                ));
            }
        }
        let mut fixed = Vec::new();
        let mut captains = Vec::new();
        // Drawn players per game, in slate order.
        let mut per_game: Vec<Vec<u32>> = vec![Vec::new(); slate.games.len()];
        for (i, p) in slate.players.iter().enumerate() {
            check_number(i, "projection", p.projection, p.dk_id)?;
            check_number(i, "std_dev", p.std_dev, p.dk_id)?;
            if let Some(base) = p.captain_of {
                let ok = slate
                    .players
                    .get(base as usize)
                    .is_some_and(|b| b.captain_of.is_none());
                if !ok {
                    return Err(SimError::invalid(
                        format!("slate.players[{i}].captain_of"),
                        format!("{base} is not the index of a non-captain player"),
                    ));
                }
                captains.push((i as u32, base));
                continue;
            }
            if p.projection <= 0.0 || p.std_dev <= 0.0 {
                fixed.push((i as u32, p.projection as f32));
                continue;
            }
            let Some(game) = per_game.get_mut(p.game as usize) else {
                return Err(SimError::invalid(
                    format!("slate.players[{i}].game"),
                    format!("game {} is not on the slate", p.game),
                ));
            };
            game.push(i as u32);
        }
        let multiplier = match (&slate.rules.captain, captains.is_empty()) {
            (_, true) => 1.0,
            (Some(c), false) if c.multiplier.is_finite() && c.multiplier > 0.0 => {
                c.multiplier as f32
            }
            (Some(c), false) => {
                return Err(SimError::invalid(
                    "slate.rules.captain.multiplier",
                    format!("must be a finite number > 0, got {}", c.multiplier),
                ));
            }
            (None, false) => {
                return Err(SimError::invalid(
                    format!("slate.players[{}].captain_of", captains[0].0),
                    format!(
                        "captain row on sport {}, which has no captain rule",
                        slate.rules.name
                    ),
                ));
            }
        };

        let mut unknown_positions: Vec<String> = Vec::new();
        if let Some(t) = table {
            for p in &slate.players {
                for pos in &p.positions {
                    if !t.knows(pos) && !unknown_positions.contains(pos) {
                        unknown_positions.push(pos.clone());
                    }
                }
            }
        }

        let mut model = CopulaModel {
            players: n,
            drawn: Vec::new(),
            slot: vec![u32::MAX; n],
            blocks: Vec::new(),
            factor: Vec::new(),
            matrices: Vec::new(),
            transform: Transform::LogNormal(Vec::new()),
            fixed,
            captains,
            multiplier,
            repairs: Vec::new(),
            unknown_positions,
        };
        for (g, members) in per_game.iter().enumerate() {
            if members.is_empty() {
                continue;
            }
            let start = model.drawn.len();
            let len = members.len();
            for &i in members {
                model.slot[i as usize] = model.drawn.len() as u32;
                model.drawn.push(i);
            }
            let mut block = Block {
                start,
                len,
                factor: None,
                matrix: None,
            };
            if let Some(t) = table {
                let mut c = vec![0.0; len * len];
                for (a, &i) in members.iter().enumerate() {
                    c[a * len + a] = 1.0;
                    let pi = &slate.players[i as usize];
                    for (b, &j) in members.iter().enumerate().skip(a + 1) {
                        let pj = &slate.players[j as usize];
                        let kind = if pi.team == pj.team {
                            PairKind::SameTeam
                        } else {
                            PairKind::Opponent
                        };
                        let r = t.pair(kind, &pi.positions, &pj.positions);
                        c[a * len + b] = r;
                        c[b * len + a] = r;
                    }
                }
                if c.iter()
                    .enumerate()
                    .any(|(k, &x)| k % (len + 1) != 0 && x != 0.0)
                {
                    let min = min_eigenvalue(&c, len);
                    if min < -PSD_TOLERANCE {
                        // Nearest in a norm weighted by the players' std devs
                        // (floored at a quarter of the game's largest): pairs
                        // of players with little spread absorb most of the
                        // change, the pairs that move lineup scores little.
                        let sd: Vec<f64> = members
                            .iter()
                            .map(|&i| slate.players[i as usize].std_dev)
                            .collect();
                        let top = sd.iter().copied().fold(0.0, f64::max);
                        let weights: Vec<f64> =
                            sd.iter().map(|&x| x.max(top * WEIGHT_FLOOR)).collect();
                        let repaired = nearest_correlation_weighted(&c, len, &weights);
                        let mut max_change = 0.0f64;
                        let mut key_change = 0.0f64;
                        for a in 0..len {
                            for b in 0..len {
                                let d = (repaired[a * len + b] - c[a * len + b]).abs();
                                max_change = max_change.max(d);
                                if sd[a] >= top / 2.0 && sd[b] >= top / 2.0 {
                                    key_change = key_change.max(d);
                                }
                            }
                        }
                        model.repairs.push(Repair {
                            game: g as u32,
                            players: len,
                            min_eigenvalue: min,
                            max_change,
                            key_change,
                        });
                        c = repaired;
                    }
                    block.factor = Some(model.factor.len());
                    model.factor.extend(cholesky_packed(&c, len));
                    block.matrix = Some(model.matrices.len());
                    model.matrices.extend(c);
                }
            }
            model.blocks.push(block);
        }
        model.transform = build_transform(slate, &model.drawn, marginal);
        Ok(model)
    }

    /// Games whose table correlations had to be repaired.
    pub fn repairs(&self) -> &[Repair] {
        &self.repairs
    }

    /// Slate positions the table does not name (their pairs count as 0).
    pub fn unknown_positions(&self) -> &[String] {
        &self.unknown_positions
    }

    /// The copula correlation (of normal scores) the model uses between slate
    /// players `i` and `j`, after any repair: 1 on the diagonal of a drawn
    /// player, 0 across games and for players not drawn (fixed scores,
    /// captain rows).
    pub fn correlation(&self, i: usize, j: usize) -> f64 {
        let (Some(&si), Some(&sj)) = (self.slot.get(i), self.slot.get(j)) else {
            return 0.0;
        };
        if si == u32::MAX || sj == u32::MAX {
            return 0.0;
        }
        if si == sj {
            return 1.0;
        }
        let (si, sj) = (si as usize, sj as usize);
        for b in &self.blocks {
            let range = b.start..b.start + b.len;
            if range.contains(&si) && range.contains(&sj) {
                return b.matrix.map_or(0.0, |m| {
                    self.matrices[m + (si - b.start) * b.len + sj - b.start]
                });
            }
        }
        0.0
    }

    /// The same model with duds: each drawn player scores, with probability
    /// `rate`, uniformly between 0 and [`DUD_SHARE`] of his mean (the lowest
    /// quantiles, so a dud stays in the copula's order), and otherwise from the
    /// marginal rescaled so that his mean and std dev are unchanged. Real box
    /// scores hold such games (a player sits late, leaves hurt, or is
    /// benched in a blowout) far more often than a log-normal says.
    pub fn with_dud_rate(mut self, slate: &Slate, marginal: Marginal, rate: f64) -> Self {
        if rate > 0.0 {
            let mut values = Vec::with_capacity(self.drawn.len() * TABLE_POINTS);
            for &i in &self.drawn {
                let p = &slate.players[i as usize];
                table_row(marginal, p.projection, p.std_dev, rate, &mut values);
            }
            self.transform = Transform::Table(values);
        }
        self
    }

    /// Number of players drawn through the copula (projection and std dev > 0).
    pub fn drawn_players(&self) -> usize {
        self.drawn.len()
    }

    #[inline]
    fn value(&self, k: usize, z: f64) -> f32 {
        match &self.transform {
            Transform::LogNormal(params) => {
                let (mu, s) = params[k];
                (mu + s * z).exp() as f32
            }
            Transform::Table(values) => {
                let t = ((z + Z_MAX) * ((TABLE_POINTS - 1) as f64 / (2.0 * Z_MAX)))
                    .clamp(0.0, (TABLE_POINTS - 1) as f64);
                let i = (t as usize).min(TABLE_POINTS - 2);
                let frac = (t - i as f64) as f32;
                let row = &values[k * TABLE_POINTS + i..k * TABLE_POINTS + i + 2];
                row[0] + frac * (row[1] - row[0])
            }
        }
    }
}

/// The quantile transform of every drawn player for `marginal`.
fn build_transform(slate: &Slate, drawn: &[u32], marginal: Marginal) -> Transform {
    let params = drawn.iter().map(|&i| {
        let p = &slate.players[i as usize];
        (p.projection, p.std_dev)
    });
    match marginal {
        Marginal::Lognormal => Transform::LogNormal(
            params
                .map(|(m, sd)| {
                    let s2 = (sd / m).powi(2).ln_1p();
                    (m.ln() - s2 / 2.0, s2.sqrt())
                })
                .collect(),
        ),
        Marginal::Gamma | Marginal::Normal => {
            let mut values = Vec::with_capacity(drawn.len() * TABLE_POINTS);
            for (m, sd) in params {
                table_row(marginal, m, sd, 0.0, &mut values);
            }
            Transform::Table(values)
        }
    }
}

/// The z of the quantile grid's point `k`.
fn grid(k: usize) -> f64 {
    -Z_MAX + 2.0 * Z_MAX * k as f64 / (TABLE_POINTS - 1) as f64
}

/// Share of a player's mean below which a dud scores: a dud scores uniformly
/// in `[0, DUD_SHARE x mean]` (he sat, left hurt, or barely played).
pub const DUD_SHARE: f64 = 0.15;

/// Appends one player's `TABLE_POINTS` quantiles: with probability `dud` a
/// dud (uniform in `[0, DUD_SHARE x m]`, the lowest quantiles), otherwise
/// `marginal` with the mean and std dev that keep the whole mixture at mean
/// `m` and std dev `sd`.
fn table_row(marginal: Marginal, m: f64, sd: f64, dud: f64, values: &mut Vec<f32>) {
    let top = DUD_SHARE * m;
    // The rest of the mixture: E[X] and E[X^2] less the dud's part.
    let (m, sd) = if dud > 0.0 {
        let rest_mean = (m - dud * top / 2.0) / (1.0 - dud);
        let second = (m * m + sd * sd - dud * top * top / 3.0) / (1.0 - dud);
        (rest_mean, (second - rest_mean * rest_mean).max(0.0).sqrt())
    } else {
        (m, sd)
    };
    let mut lo = 0.0;
    for k in 0..TABLE_POINTS {
        let z = grid(k);
        let (u, v) = norm_cdf_pair(z);
        if u < dud {
            values.push((top * u / dud) as f32);
            continue;
        }
        // The rest's own probabilities, in whichever tail keeps precision.
        let (u, v) = if dud > 0.0 {
            ((u - dud) / (1.0 - dud), v / (1.0 - dud))
        } else {
            (u, v)
        };
        let z = if dud > 0.0 {
            if u < 0.5 {
                norm_quantile(u)
            } else {
                -norm_quantile(v)
            }
        } else {
            z
        };
        let x = match marginal {
            Marginal::Lognormal => {
                let s2 = (sd / m).powi(2).ln_1p();
                (m.ln() - s2 / 2.0 + s2.sqrt() * z).exp()
            }
            Marginal::Gamma => {
                let shape = (m / sd).powi(2);
                let scale = sd * sd / m;
                let x = gamma_quantile(shape, u, v, z, lo);
                lo = x;
                x * scale
            }
            Marginal::Normal => {
                // Normal(m, sd) truncated at 0: the quantile of u = Φ(z) is
                // m + sd Φ⁻¹(Φ(a) + u (1 - Φ(a))), a = -m / sd, written with
                // whichever tail keeps its precision.
                let (pa, qa) = norm_cdf_pair(-m / sd);
                let w = if z < 0.0 {
                    norm_quantile(pa + u * qa)
                } else {
                    -norm_quantile(v * qa)
                };
                (m + sd * w).max(0.0)
            }
        };
        values.push(x as f32);
    }
}

impl OutcomeModel for CopulaModel {
    fn player_count(&self) -> usize {
        self.players
    }

    fn draw(&self, rng: &mut Pcg64Mcg, points: &mut [f32]) {
        let mut buf = [0.0f64; STACK_PLAYERS];
        for &(i, v) in &self.fixed {
            points[i as usize] = v;
        }
        for block in &self.blocks {
            let members = &self.drawn[block.start..block.start + block.len];
            match block.factor {
                None => {
                    for (k, &i) in members.iter().enumerate() {
                        let z: f64 = rng.sample(StandardNormal);
                        points[i as usize] = self.value(block.start + k, z) + 0.0;
                    }
                }
                Some(offset) if block.len <= STACK_PLAYERS => {
                    // Independent normals into a contiguous buffer, then
                    // z = L e row by row (a dot product over the row's prefix).
                    let e = &mut buf[..block.len];
                    for x in e.iter_mut() {
                        *x = rng.sample(StandardNormal);
                    }
                    for (r, &i) in members.iter().enumerate() {
                        let row = &self.factor[offset + r * (r + 1) / 2..][..=r];
                        let z = dot(row, &e[..=r]);
                        points[i as usize] = self.value(block.start + r, z) + 0.0;
                    }
                }
                Some(offset) => {
                    // A game too big for the stack buffer: normals parked in
                    // `points`, then z_r = sum_{c <= r} L[r][c] e_c from the
                    // last row up, so each row reads only normals not yet
                    // overwritten. Same draws as the buffered path, summed in
                    // another order.
                    for &i in members {
                        let e: f64 = rng.sample(StandardNormal);
                        points[i as usize] = e as f32;
                    }
                    for r in (0..block.len).rev() {
                        let row = &self.factor[offset + r * (r + 1) / 2..][..=r];
                        let mut z = 0.0f64;
                        for (l, &c) in row.iter().zip(members) {
                            z += l * f64::from(points[c as usize]);
                        }
                        points[members[r] as usize] = self.value(block.start + r, z) + 0.0;
                    }
                }
            }
        }
        for &(i, base) in &self.captains {
            points[i as usize] = self.multiplier * points[base as usize];
        }
    }
}
