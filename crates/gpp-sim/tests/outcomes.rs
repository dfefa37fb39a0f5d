//! The truncated-normal outcome model.

mod common;

use common::slate;
use gpp_sim::{OutcomeModel, TruncatedNormal, draw_iteration};

#[test]
fn draws_are_truncated_normal() {
    let s = slate(&[(20.0, 5.0), (2.0, 5.0), (0.0, 3.0), (7.0, 0.0)]);
    let model = TruncatedNormal::from_slate(&s).unwrap();
    assert_eq!(model.player_count(), 4);
    let n = 200_000u64;
    let mut points = [0.0f32; 4];
    let mut sum = [0.0f64; 4];
    let mut sq = [0.0f64; 4];
    for it in 0..n {
        draw_iteration(&model, 11, it, &mut points);
        for (k, &x) in points.iter().enumerate() {
            assert!(x >= 0.0 && x.is_finite(), "player {k} drew {x}");
            sum[k] += f64::from(x);
            sq[k] += f64::from(x) * f64::from(x);
        }
    }
    let nf = n as f64;
    // Truncated-normal moments: mean = mu + sd * lambda, lambda = phi(a) / (1 - Phi(a)), a = -mu/sd.
    for (k, want_mean, want_sd) in [
        (0, 20.000_669_172_322_343, 4.998_661_431_399_564),
        (1, 4.809_413_518_984_814, 3.389_449_607_440_083),
    ] {
        let mean = sum[k] / nf;
        let sd = (sq[k] / nf - mean * mean).sqrt();
        let se = want_sd / nf.sqrt();
        assert!(
            (mean - want_mean).abs() < 4.0 * se,
            "player {k}: mean {mean} vs {want_mean}"
        );
        assert!(
            (sd - want_sd).abs() < 0.02 * want_sd,
            "player {k}: sd {sd} vs {want_sd}"
        );
    }
    assert_eq!(sum[2], 0.0, "projection 0 scores 0");
    assert!(
        (sum[3] / nf - 7.0).abs() < 1e-9,
        "std dev 0 scores the projection"
    );
}

#[test]
fn same_iteration_same_draws() {
    let s = slate(&[(20.0, 5.0), (2.0, 5.0)]);
    let model = TruncatedNormal::from_slate(&s).unwrap();
    let (mut a, mut b, mut c) = ([0.0f32; 2], [0.0f32; 2], [0.0f32; 2]);
    draw_iteration(&model, 3, 9, &mut a);
    draw_iteration(&model, 3, 9, &mut b);
    draw_iteration(&model, 3, 10, &mut c);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn bad_projection_names_the_field() {
    let s = slate(&[(20.0, 5.0), (f64::NAN, 5.0)]);
    let err = TruncatedNormal::from_slate(&s).unwrap_err();
    assert!(
        err.to_string().contains("slate.players[1].projection"),
        "{err}"
    );
}
