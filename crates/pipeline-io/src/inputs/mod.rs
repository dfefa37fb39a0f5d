//! Reading what users bring: salaries, projections, payouts, sport rules. (in progress)
