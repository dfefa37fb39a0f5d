//! Special functions the marginals need at construction time: the normal CDF
//! and quantile, and the regularized incomplete gamma function and its
//! inverse. Only used to build tables, never per draw.

use std::f64::consts::PI;

/// Relative tolerance of the series and continued fractions.
const EPS: f64 = 1e-15;
/// Smallest magnitude the continued fraction lets a denominator reach.
const TINY: f64 = 1e-300;

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; relative error ~1e-15).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// `(P(a, x), Q(a, x))`: the regularized lower and upper incomplete gamma
/// functions, each computed directly where it is small so that both tails are
/// accurate. `a > 0`, `x >= 0`.
pub(crate) fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    let front = (-x + a * x.ln() - ln_gamma(a)).exp();
    if x < a + 1.0 {
        // Series: P = front * sum_n x^n / (a (a+1) ... (a+n)).
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        let p = (front * sum).min(1.0);
        (p, 1.0 - p)
    } else {
        // Continued fraction for Q (modified Lentz).
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPS {
                break;
            }
        }
        let q = (front * h).min(1.0);
        (1.0 - q, q)
    }
}

/// `(Φ(z), Φ(-z))`, the standard normal CDF and its complement, each accurate
/// in its own tail: `Φ(-|z|) = Q(1/2, z²/2) / 2`.
pub(crate) fn norm_cdf_pair(z: f64) -> (f64, f64) {
    if z.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    let (p, q) = gamma_pq(0.5, z * z / 2.0);
    let small = q / 2.0;
    let big = 0.5 + p / 2.0;
    if z < 0.0 { (small, big) } else { (big, small) }
}

/// The standard normal CDF `Φ(z)`.
pub(crate) fn norm_cdf(z: f64) -> f64 {
    norm_cdf_pair(z).0
}

/// The standard normal quantile `Φ⁻¹(p)` for `p` in (0, 1): Acklam's rational
/// approximation refined by one Halley step (relative error ~1e-15).
pub fn norm_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -norm_quantile(1.0 - p);
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let x = if p < 0.024_25 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step on Φ(x) - p (x <= 0 here, where Φ is accurate).
    let e = norm_cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// The quantile of the standard gamma distribution with shape `a` (scale 1)
/// at lower tail probability `p` and upper tail probability `q = 1 - p`, both
/// given so that either tail is solved where it is accurate. `z = Φ⁻¹(p)`
/// seeds the Wilson-Hilferty first guess; `lo` is a known lower bound (0 if
/// none). Bracketed Newton to a relative tolerance of 1e-12.
pub(crate) fn gamma_quantile(a: f64, p: f64, q: f64, z: f64, lo: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if q <= 0.0 {
        return f64::INFINITY;
    }
    let upper = p > 0.5;
    // f(x) > 0 once x is past the quantile.
    let f = |x: f64| {
        let (px, qx) = gamma_pq(a, x);
        if upper { q - qx } else { px - p }
    };
    let mut lo = lo.max(0.0);
    let guess = {
        let c = 1.0 / (9.0 * a);
        let wh = a * (1.0 - c + z * c.sqrt()).powi(3);
        if a >= 1.0 && wh > 0.0 {
            wh
        } else {
            // Small x: P(a, x) ~ x^a / Γ(a + 1).
            ((p.ln() + ln_gamma(a + 1.0)) / a).exp().max(1e-300)
        }
    };
    let mut hi = guess.max(lo) * 2.0 + 1.0;
    while f(hi) < 0.0 {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return lo;
        }
    }
    let mut x = if guess > lo && guess < hi {
        guess
    } else {
        (lo + hi) / 2.0
    };
    let ln_ga = ln_gamma(a);
    for _ in 0..200 {
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if fx < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let density = ((a - 1.0) * x.ln() - x - ln_ga).exp();
        let mut next = x - fx / density;
        if !(next > lo && next < hi && next.is_finite()) {
            next = if lo > 0.0 { (lo * hi).sqrt() } else { hi / 2.0 };
        }
        if (next - x).abs() <= 1e-12 * x.max(1e-300) {
            return next;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials_and_sqrt_pi() {
        let mut fact = 1.0f64;
        for n in 1..20 {
            assert!((ln_gamma(n as f64) - fact.ln()).abs() < 1e-12, "n = {n}");
            fact *= n as f64;
        }
        assert!((ln_gamma(0.5) - PI.sqrt().ln()).abs() < 1e-13);
    }

    #[test]
    fn incomplete_gamma_matches_closed_forms() {
        for &x in &[0.01, 0.3, 1.0, 2.5, 7.0, 30.0] {
            // a = 1: P = 1 - e^-x. a = 2: P = 1 - e^-x (1 + x).
            let (p1, q1) = gamma_pq(1.0, x);
            assert!((q1 - (-x).exp()).abs() <= 1e-13 * (-x).exp(), "x = {x}");
            assert!((p1 - (-(-x).exp_m1())).abs() < 1e-14);
            let (_, q2) = gamma_pq(2.0, x);
            let want = (-x).exp() * (1.0 + x);
            assert!((q2 - want).abs() <= 1e-12 * want, "x = {x}: {q2} vs {want}");
        }
    }

    #[test]
    fn normal_cdf_matches_table_values() {
        for (z, want) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_542_9),
            (-1.959_963_984_540_054, 0.025),
            (-3.0, 0.001_349_898_031_630_094_6),
            (-6.0, 9.865_876_450_376_98e-10),
        ] {
            let got = norm_cdf(z);
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "z = {z}: {got} vs {want}"
            );
        }
        let (p, q) = norm_cdf_pair(6.0);
        assert!((q - 9.865_876_450_376_98e-10).abs() < 1e-20 && p < 1.0);
    }

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for &p in &[
            1e-12, 1e-6, 0.001, 0.02, 0.1, 0.3, 0.5, 0.77, 0.99, 0.999_999,
        ] {
            let z = norm_quantile(p);
            let back = if p > 0.5 {
                1.0 - norm_cdf_pair(z).1
            } else {
                norm_cdf(z)
            };
            assert!(
                (back - p).abs() <= 1e-12 * p.min(1.0 - p).max(1e-300) + 1e-16,
                "p = {p}"
            );
        }
        assert!((norm_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    }

    #[test]
    fn gamma_quantile_inverts_the_cdf() {
        // Shape 1 is the exponential: quantile -ln(1 - p).
        for &p in &[1e-9, 0.01, 0.5, 0.9, 1.0 - 1e-9] {
            let x = gamma_quantile(1.0, p, 1.0 - p, norm_quantile(p), 0.0);
            let want = -(-p).ln_1p();
            assert!((x - want).abs() <= 1e-9 * want, "p = {p}: {x} vs {want}");
        }
        for &a in &[0.3, 0.8, 2.0, 9.0, 60.0] {
            for &z in &[-6.0, -2.0, -0.1, 0.0, 1.5, 6.0] {
                let (p, q) = norm_cdf_pair(z);
                let x = gamma_quantile(a, p, q, z, 0.0);
                let (px, qx) = gamma_pq(a, x);
                let (got, want) = if p > 0.5 { (qx, q) } else { (px, p) };
                assert!(
                    (got - want).abs() <= 1e-9 * want,
                    "a = {a}, z = {z}: x = {x}, {got} vs {want}"
                );
            }
        }
    }
}
