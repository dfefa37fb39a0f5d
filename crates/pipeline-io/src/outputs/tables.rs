//! Parquet artifacts. Only this module knows parquet and arrow.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Int64Builder, ListBuilder};
use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, UInt32Array};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use schemas::{CandidateLineup, FieldEntrant, LineupResult, VariantCatalog};

use super::write_atomic;
use crate::IoError;

/// `variants/catalog.parquet`: long format `(variant_id, player_id, points)`.
pub fn write_catalog(path: &Path, catalog: &VariantCatalog) -> Result<(), IoError> {
    let n = catalog.variants.len() * catalog.player_ids.len();
    let mut variant_id = Vec::with_capacity(n);
    let mut player_id = Vec::with_capacity(n);
    let mut points = Vec::with_capacity(n);
    for v in &catalog.variants {
        for (&id, &x) in catalog.player_ids.iter().zip(&v.points) {
            variant_id.push(v.variant_id);
            player_id.push(id);
            points.push(x);
        }
    }
    write_table(
        path,
        vec![
            col("variant_id", UInt32Array::from(variant_id)),
            col("player_id", Int64Array::from(player_id)),
            col("points", Float64Array::from(points)),
        ],
    )
}

/// `optimizer/lineups.parquet`: the candidate pool with provenance.
pub fn write_lineups(path: &Path, lineups: &[CandidateLineup]) -> Result<(), IoError> {
    write_table(
        path,
        vec![
            col(
                "lineup_id",
                UInt32Array::from_iter_values(lineups.iter().map(|l| l.lineup_id)),
            ),
            col(
                "variant_id",
                UInt32Array::from_iter_values(lineups.iter().map(|l| l.variant_id)),
            ),
            col(
                "rank_in_variant",
                UInt32Array::from_iter_values(lineups.iter().map(|l| l.rank_in_variant)),
            ),
            (
                "player_ids",
                id_lists(lineups.iter().map(|l| l.player_ids.as_slice())),
            ),
            col(
                "salary",
                UInt32Array::from_iter_values(lineups.iter().map(|l| l.salary)),
            ),
            col(
                "proj",
                Float64Array::from_iter_values(lineups.iter().map(|l| l.proj)),
            ),
            col(
                "score",
                Float64Array::from_iter_values(lineups.iter().map(|l| l.score)),
            ),
        ],
    )
}

/// `field_sampler/entrants.parquet`: one row per unique opponents' lineup.
pub fn write_entrants(path: &Path, entrants: &[FieldEntrant]) -> Result<(), IoError> {
    write_table(
        path,
        vec![
            (
                "player_ids",
                id_lists(entrants.iter().map(|e| e.player_ids.as_slice())),
            ),
            col(
                "copies",
                UInt32Array::from_iter_values(entrants.iter().map(|e| e.copies)),
            ),
            col(
                "salary",
                UInt32Array::from_iter_values(entrants.iter().map(|e| e.salary)),
            ),
            col(
                "proj",
                Float64Array::from_iter_values(entrants.iter().map(|e| e.proj)),
            ),
        ],
    )
}

/// `sim/results.parquet`: one row per candidate lineup.
pub fn write_results(path: &Path, results: &[LineupResult]) -> Result<(), IoError> {
    let f = |get: fn(&LineupResult) -> f64| Float64Array::from_iter_values(results.iter().map(get));
    write_table(
        path,
        vec![
            col(
                "lineup_id",
                UInt32Array::from_iter_values(results.iter().map(|r| r.lineup_id)),
            ),
            col("roi_mean", f(|r| r.roi_mean)),
            col("win_rate", f(|r| r.win_rate)),
            col("top0_1_rate", f(|r| r.top0_1_rate)),
            col("top1_rate", f(|r| r.top1_rate)),
            col("top10_rate", f(|r| r.top10_rate)),
            col("cash_rate", f(|r| r.cash_rate)),
            col("finish_p10", f(|r| r.finish_p10)),
            col("finish_p50", f(|r| r.finish_p50)),
            col("finish_p90", f(|r| r.finish_p90)),
            col(
                "field_copies",
                UInt32Array::from_iter_values(results.iter().map(|r| r.field_copies)),
            ),
            col(
                "selected",
                BooleanArray::from(results.iter().map(|r| r.selected).collect::<Vec<_>>()),
            ),
        ],
    )
}

fn col(name: &'static str, array: impl arrow_array::Array + 'static) -> (&'static str, ArrayRef) {
    (name, Arc::new(array))
}

fn id_lists<'a>(lists: impl Iterator<Item = &'a [i64]>) -> ArrayRef {
    let mut b = ListBuilder::new(Int64Builder::new()).with_field(Arc::new(Field::new(
        "item",
        DataType::Int64,
        false,
    )));
    for ids in lists {
        b.values().append_slice(ids);
        b.append(true);
    }
    Arc::new(b.finish())
}

/// Encodes columns as one snappy-compressed parquet file and writes it atomically.
fn write_table(path: &Path, columns: Vec<(&'static str, ArrayRef)>) -> Result<(), IoError> {
    let parquet_err = |message: String| IoError::Parquet {
        path: path.to_path_buf(),
        message,
    };
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| Field::new(*name, a.data_type().clone(), false))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(|e: ArrowError| parquet_err(e.to_string()))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, schema, Some(props))
        .map_err(|e| parquet_err(e.to_string()))?;
    writer
        .write(&batch)
        .map_err(|e| parquet_err(e.to_string()))?;
    writer.close().map_err(|e| parquet_err(e.to_string()))?;
    write_atomic(path, &bytes)
}
