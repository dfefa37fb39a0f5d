//! Writing run artifacts: parquet, JSON, JSON lines, DK upload CSV, atomic run folders. (in progress)
