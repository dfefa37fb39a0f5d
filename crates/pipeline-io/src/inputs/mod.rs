//! Reading what users bring: DraftKings salary files (and the pool inside
//! `DKEntries.csv`), provider projections, payout tables, sport rules and the
//! simulator's correlation tables, and
//! assembling them into a validated [`schemas::Slate`] and [`schemas::Contest`].
//!
//! Every error names the file, and where it applies the 1-based row and the field,
//! so that a user can open the file and fix it. Nothing here panics on user input.
//! Every file is read through [`read_input`]: regular files only, under a size cap
//! per [`FileRole`], and, for the `*_in` variants the HTTP server calls, only inside
//! its data root ([`PathScope`]).
//!
//! Typical use:
//!
//! ```no_run
//! use pipeline_io::inputs;
//! # fn main() -> Result<(), pipeline_io::IoError> {
//! let salaries = inputs::read_salaries("DKSalaries.csv")?;
//! let rules = inputs::detect_sport(&salaries)?;
//! let projections = inputs::read_projections("Projections.csv")?;
//! let (slate, report) = inputs::build_slate("nba-2025-01-12", &salaries, Some(&projections), rules)?;
//! let contest = inputs::read_payouts("payouts.csv", "20k-fpp", None, None)?;
//! # let _ = (slate, report, contest);
//! # Ok(())
//! # }
//! ```

mod actual;
mod contest_folder;
mod correlation;
mod entries;
mod hash;
mod matching;
pub mod models;
pub(crate) mod open;
mod payouts;
mod projections;
mod salaries;
mod slate;
mod sport;
mod standings;
mod table;
mod upload;

pub use actual::{ActualPoints, actual_points, drafted_rows, entry_rows};
pub use contest_folder::{ContestFolder, detect_contest_folder};
pub use correlation::{
    builtin_correlation_sports, builtin_correlations, load_correlations, load_correlations_in,
    parse_correlations,
};
pub use entries::{ENTRY_COLUMNS, read_dk_entries};
pub use hash::{sha256_file, sha256_hex};
pub use matching::{MatchReport, PlayerWithoutProjection, UnmatchedProjection, normalise_name};
pub use open::{FileRole, PathScope, read_input};
pub use payouts::{DEFAULT_MAX_ENTRIES, read_payouts};
pub use projections::{
    OwnershipScale, PROJECTION_ALIASES, ProjField, ProjectionFile, ProjectionRow, read_projections,
};
pub use salaries::{
    GameInfo, SalaryFile, SalaryLayout, SalaryRow, read_salaries, read_salaries_in,
};
pub use slate::{MIN_PROJECTION_MATCH_SHARE, build_slate};
pub use sport::{builtin_sport, builtin_sport_names, detect_sport, load_sport_rules};
pub use standings::{
    DraftedPlayer, LOCKED, STANDINGS_SLOT_LABELS, Standings, StandingsEntry, StandingsSlot,
    read_standings, read_standings_in,
};
pub use upload::{UploadEntry, read_dk_upload};
