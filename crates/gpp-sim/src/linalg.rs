//! Small dense symmetric matrices (row-major `n * n` slices): a Jacobi
//! eigen-solver, the nearest correlation matrix (Higham 2002) and a Cholesky
//! factor that tolerates semi-definite input. Games hold tens of players, so
//! O(n³) per call at construction is nothing; nothing here runs per draw.

/// Smallest eigenvalue a matrix may have and still count as positive
/// semi-definite (rounding of an exactly PSD matrix lands within this).
pub const PSD_TOLERANCE: f64 = 1e-10;

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi
/// rotations: `(values, vectors)` with eigenvector `k` in column `k` of the
/// row-major `vectors`, so `a = V diag(values) Vᵀ`.
pub fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..100 {
        let mut off = 0.0;
        for p in 0..n {
            for q in p + 1..n {
                off += a[p * n + q] * a[p * n + q];
            }
        }
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let values = (0..n).map(|i| a[i * n + i]).collect();
    (values, v)
}

/// Smallest eigenvalue of a symmetric matrix (`+inf` when `n == 0`).
pub fn min_eigenvalue(a: &[f64], n: usize) -> f64 {
    symmetric_eigen(a, n)
        .0
        .into_iter()
        .fold(f64::INFINITY, f64::min)
}

/// `V max(Λ, 0) Vᵀ`: the nearest positive semi-definite matrix in Frobenius norm.
fn psd_projection(a: &[f64], n: usize) -> Vec<f64> {
    let (values, v) = symmetric_eigen(a, n);
    let mut out = vec![0.0; n * n];
    for (k, &l) in values.iter().enumerate() {
        if l <= 0.0 {
            continue;
        }
        for i in 0..n {
            let vik = v[i * n + k] * l;
            if vik == 0.0 {
                continue;
            }
            for j in 0..n {
                out[i * n + j] += vik * v[j * n + k];
            }
        }
    }
    // Exact symmetry.
    for i in 0..n {
        for j in i + 1..n {
            let m = (out[i * n + j] + out[j * n + i]) / 2.0;
            out[i * n + j] = m;
            out[j * n + i] = m;
        }
    }
    out
}

/// The nearest correlation matrix to a symmetric matrix with unit diagonal, by
/// Higham's alternating projections with Dykstra's correction (Higham 2002,
/// "Computing the nearest correlation matrix"), finished by clipping negative
/// eigenvalues and rescaling to a unit diagonal so that the result is positive
/// semi-definite whatever the iteration count. An input that is already PSD
/// comes back unchanged. Nearest in the Frobenius norm; see
/// [`nearest_correlation_weighted`] for a weighted norm.
pub fn nearest_correlation(a: &[f64], n: usize) -> Vec<f64> {
    nearest_correlation_weighted(a, n, &vec![1.0; n])
}

/// [`nearest_correlation`] in Higham's W-norm `‖D (A - X) D‖_F` with
/// `D = diag(d)`, `d > 0`: the change of pair `(i, j)` costs `d_i d_j` per
/// unit, so pairs of heavy players move least. With `d` the players' std
/// devs, this is the nearest change of the covariance of fantasy points.
pub fn nearest_correlation_weighted(a: &[f64], n: usize, d: &[f64]) -> Vec<f64> {
    if min_eigenvalue(a, n) >= -PSD_TOLERANCE {
        return a.to_vec();
    }
    let top = d.iter().copied().fold(0.0, f64::max);
    let d: Vec<f64> = d
        .iter()
        .map(|&x| if top > 0.0 && x > 0.0 { x / top } else { 1.0 })
        .collect();
    // The W-norm projection onto the PSD cone: D⁻¹ P(D R D) D⁻¹.
    let project = |r: &[f64]| {
        let mut scaled = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                scaled[i * n + j] = d[i] * r[i * n + j] * d[j];
            }
        }
        let mut x = psd_projection(&scaled, n);
        for i in 0..n {
            for j in 0..n {
                x[i * n + j] /= d[i] * d[j];
            }
        }
        x
    };
    let mut y = a.to_vec();
    let mut ds = vec![0.0; n * n];
    let mut r = vec![0.0; n * n];
    for _ in 0..500 {
        for k in 0..n * n {
            r[k] = y[k] - ds[k];
        }
        let x = project(&r);
        for k in 0..n * n {
            ds[k] = x[k] - r[k];
        }
        let mut next = x;
        for i in 0..n {
            next[i * n + i] = 1.0;
        }
        let change: f64 = next.iter().zip(&y).map(|(a, b)| (a - b) * (a - b)).sum();
        let size: f64 = y.iter().map(|a| a * a).sum();
        y = next;
        if change <= 1e-24 * size {
            break;
        }
    }
    let mut x = project(&y);
    let diag: Vec<f64> = (0..n).map(|i| x[i * n + i]).collect();
    for i in 0..n {
        for j in 0..n {
            x[i * n + j] = if i == j {
                1.0
            } else if diag[i] > 0.0 && diag[j] > 0.0 {
                (x[i * n + j] / (diag[i] * diag[j]).sqrt()).clamp(-1.0, 1.0)
            } else {
                0.0
            };
        }
    }
    // Exact symmetry after the divisions.
    for i in 0..n {
        for j in i + 1..n {
            x[j * n + i] = x[i * n + j];
        }
    }
    x
}

/// Lower-triangular `L` with `L Lᵀ = a`, packed by rows (row `i` holds `i + 1`
/// entries). A pivot that rounds to 0 or below (a semi-definite matrix) gives
/// a zero column. Each row is then scaled to unit length, so that every
/// correlated draw `L e` has variance exactly 1 when `a` has a unit diagonal.
pub fn cholesky_packed(a: &[f64], n: usize) -> Vec<f64> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        if d <= 1e-12 {
            continue;
        }
        let ljj = d.sqrt();
        l[j * n + j] = ljj;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = s / ljj;
        }
    }
    let mut packed = Vec::with_capacity(n * (n + 1) / 2);
    for i in 0..n {
        let row = &l[i * n..i * n + i + 1];
        let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            packed.extend(row.iter().map(|x| x / norm));
        } else {
            // A degenerate row: an independent draw keeps the marginal N(0, 1).
            packed.extend(std::iter::repeat_n(0.0, i));
            packed.push(1.0);
        }
    }
    packed
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn frobenius(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt()
    }

    /// A random correlation matrix: `G Gᵀ` rescaled to a unit diagonal.
    fn random_correlation(rng: &mut Pcg64Mcg, n: usize) -> Vec<f64> {
        let g: Vec<f64> = (0..n * n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let mut c = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                c[i * n + j] = (0..n).map(|k| g[i * n + k] * g[j * n + k]).sum();
            }
        }
        let d: Vec<f64> = (0..n).map(|i| c[i * n + i]).collect();
        for i in 0..n {
            for j in 0..n {
                c[i * n + j] /= (d[i] * d[j]).sqrt();
            }
        }
        c
    }

    /// A symmetric, unit-diagonal matrix with entries in [-1, 1], usually indefinite.
    fn random_pseudo(rng: &mut Pcg64Mcg, n: usize) -> Vec<f64> {
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            a[i * n + i] = 1.0;
            for j in i + 1..n {
                let x = rng.random_range(-0.9..0.9);
                a[i * n + j] = x;
                a[j * n + i] = x;
            }
        }
        a
    }

    #[test]
    fn eigen_decomposition_reconstructs_the_matrix() {
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        for n in [1, 2, 5, 17, 40] {
            let a = random_pseudo(&mut rng, n);
            let (values, v) = symmetric_eigen(&a, n);
            let mut back = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    back[i * n + j] = (0..n)
                        .map(|k| v[i * n + k] * values[k] * v[j * n + k])
                        .sum();
                }
            }
            assert!(frobenius(&a, &back) < 1e-9 * n as f64, "n = {n}");
            // V is orthogonal.
            for p in 0..n {
                for q in 0..n {
                    let dot: f64 = (0..n).map(|k| v[k * n + p] * v[k * n + q]).sum();
                    let want = if p == q { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-10);
                }
            }
        }
    }

    #[test]
    fn repair_gives_a_nearby_correlation_matrix() {
        let mut rng = Pcg64Mcg::seed_from_u64(2);
        // The classic indefinite example, then random ones.
        let mut cases = vec![(3, vec![1.0, 0.9, 0.9, 0.9, 1.0, -0.9, 0.9, -0.9, 1.0])];
        for n in [4, 8, 20] {
            cases.push((n, random_pseudo(&mut rng, n)));
        }
        for (n, a) in cases {
            assert!(min_eigenvalue(&a, n) < 0.0, "test case must be indefinite");
            let c = nearest_correlation(&a, n);
            for i in 0..n {
                assert_eq!(c[i * n + i], 1.0);
                for j in 0..n {
                    assert_eq!(c[i * n + j], c[j * n + i]);
                    assert!(c[i * n + j].abs() <= 1.0);
                }
            }
            assert!(min_eigenvalue(&c, n) >= -1e-9, "repaired matrix is PSD");
            // Nearest: no valid correlation matrix we can find is closer.
            let d = frobenius(&a, &c);
            for _ in 0..200 {
                let other = random_correlation(&mut rng, n);
                assert!(d <= frobenius(&a, &other) + 1e-6);
            }
            // And no farther than clipping + rescaling, the cheap alternative.
            let mut clipped = psd_projection(&a, n);
            let diag: Vec<f64> = (0..n).map(|i| clipped[i * n + i]).collect();
            for i in 0..n {
                for j in 0..n {
                    clipped[i * n + j] /= (diag[i] * diag[j]).sqrt();
                }
            }
            assert!(d <= frobenius(&a, &clipped) + 1e-6, "n = {n}");
        }
    }

    fn weighted_distance(a: &[f64], b: &[f64], d: &[f64], n: usize) -> f64 {
        let mut s = 0.0;
        for i in 0..n {
            for j in 0..n {
                let x = d[i] * (a[i * n + j] - b[i * n + j]) * d[j];
                s += x * x;
            }
        }
        s.sqrt()
    }

    #[test]
    fn weighted_repair_moves_light_pairs_more() {
        // A QB (heavy) correlated 0.45 with six receivers: impossible together
        // (6 * 0.45² > 1). Two receivers are heavy, four light.
        let n = 7;
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            a[i * n + i] = 1.0;
        }
        for j in 1..n {
            a[j] = 0.45;
            a[j * n] = 0.45;
        }
        let d = [8.0, 8.0, 7.0, 2.0, 1.5, 1.5, 1.0];
        let plain = nearest_correlation(&a, n);
        let weighted = nearest_correlation_weighted(&a, n, &d);
        assert!(min_eigenvalue(&weighted, n) >= -1e-9);
        for i in 0..n {
            assert_eq!(weighted[i * n + i], 1.0);
            for j in 0..n {
                assert_eq!(weighted[i * n + j], weighted[j * n + i]);
            }
        }
        // The heavy pairs keep more of their coefficient than under the
        // plain norm; the change goes to pairs with a light player.
        assert!(
            weighted[1] > plain[1] + 0.01,
            "{} vs {}",
            weighted[1],
            plain[1]
        );
        let change = |i: usize, j: usize| (weighted[i * n + j] - a[i * n + j]).abs();
        let heavy = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .map(|(i, j)| change(i, j))
            .fold(0.0, f64::max);
        let light = (0..n)
            .flat_map(|i| (3..n).map(move |j| (i, j)))
            .map(|(i, j)| change(i, j))
            .fold(0.0, f64::max);
        assert!(light > 2.0 * heavy, "light {light}, heavy {heavy}");
        // Nearest in its own norm: no closer than the plain repair there.
        assert!(
            weighted_distance(&a, &weighted, &d, n) <= weighted_distance(&a, &plain, &d, n) + 1e-6
        );
        // Unit weights are the plain repair.
        let ones = nearest_correlation_weighted(&a, n, &[3.0; 7]);
        assert!(frobenius(&ones, &plain) < 1e-9);
    }

    #[test]
    fn psd_input_is_left_unchanged() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for n in [1, 3, 12] {
            let a = random_correlation(&mut rng, n);
            assert_eq!(nearest_correlation(&a, n), a);
        }
        // Singular but PSD: two identical players.
        let a = vec![1.0, 1.0, 1.0, 1.0];
        assert_eq!(nearest_correlation(&a, 2), a);
    }

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let mut rng = Pcg64Mcg::seed_from_u64(4);
        for n in [1, 2, 9, 30] {
            let a = random_correlation(&mut rng, n);
            let l = cholesky_packed(&a, n);
            let row = |i: usize| &l[i * (i + 1) / 2..i * (i + 1) / 2 + i + 1];
            for i in 0..n {
                for j in 0..=i {
                    let dot: f64 = row(i).iter().zip(row(j)).map(|(x, y)| x * y).sum();
                    assert!((dot - a[i * n + j]).abs() < 1e-9, "n {n} ({i}, {j})");
                }
            }
        }
        // Semi-definite: perfectly correlated pair, then an independent one.
        let a = vec![1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        let l = cholesky_packed(&a, 3);
        assert_eq!(l, vec![1.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    }
}
