//! Boundary checks: every stage output against its JSON Schema, and the
//! invariants a schema cannot say (every lineup DK-valid, copies add up).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::Validator;
use schemas::contracts::contracts;
use schemas::{FieldSamplerOutput, Lineup, Slate};
use serde::Serialize;

use crate::OrchestratorError;

fn validators() -> &'static BTreeMap<&'static str, Result<Validator, String>> {
    static VALIDATORS: OnceLock<BTreeMap<&'static str, Result<Validator, String>>> =
        OnceLock::new();
    VALIDATORS.get_or_init(|| {
        contracts()
            .into_iter()
            .map(|c| {
                let compiled =
                    jsonschema::validator_for(c.schema.as_value()).map_err(|e| e.to_string());
                (c.name, compiled)
            })
            .collect()
    })
}

/// Checks `value` against the named contract's JSON Schema.
pub(crate) fn check_contract<T: Serialize>(name: &str, value: &T) -> Result<(), OrchestratorError> {
    let boundary = |message: String| OrchestratorError::Boundary {
        stage: name.to_string(),
        message,
    };
    let validator = match validators().get(name) {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(boundary(format!("schema does not compile: {e}"))),
        None => return Err(boundary("no such contract".into())),
    };
    let instance = serde_json::to_value(value).map_err(|e| boundary(e.to_string()))?;
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(boundary(errors.join("; ")))
    }
}

/// Checks a user's JSON object (a stage config given inline) against the
/// named contract's JSON Schema: a mistake of the request, not of ours.
pub(crate) fn check_input(name: &str, value: &serde_json::Value) -> Result<(), OrchestratorError> {
    let validator = match validators().get(name) {
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            return Err(OrchestratorError::Boundary {
                stage: name.to_string(),
                message: format!("schema does not compile: {e}"),
            });
        }
        None => {
            return Err(OrchestratorError::Boundary {
                stage: name.to_string(),
                message: "no such contract".into(),
            });
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| match e.instance_path().to_string() {
            path if path.is_empty() => e.to_string(),
            path => format!("{path}: {e}"),
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(OrchestratorError::Request(format!(
            "{name}: {}",
            errors.join("; ")
        )))
    }
}

/// Every lineup is valid on DraftKings.
pub(crate) fn check_lineups<'a>(
    slate: &Slate,
    lineups: impl Iterator<Item = &'a [u32]>,
    stage: &str,
) -> Result<(), OrchestratorError> {
    for (i, players) in lineups.enumerate() {
        let lineup = Lineup {
            players: players.to_vec(),
        };
        lineup
            .check(slate)
            .map_err(|v| OrchestratorError::Boundary {
                stage: stage.to_string(),
                message: format!("lineup {i} is not DraftKings-valid: {v}"),
            })?;
    }
    Ok(())
}

/// Every field lineup is valid and the copies add up to the field size.
pub(crate) fn check_field(
    slate: &Slate,
    field: &FieldSamplerOutput,
    field_size: u32,
) -> Result<(), OrchestratorError> {
    check_lineups(
        slate,
        field.entrants.iter().map(|e| e.players.as_slice()),
        "field_sampler",
    )?;
    let copies: u64 = field.entrants.iter().map(|e| u64::from(e.copies)).sum();
    if copies != u64::from(field_size) {
        return Err(OrchestratorError::Boundary {
            stage: "field_sampler".into(),
            message: format!("copies add up to {copies}, the field has {field_size} entries"),
        });
    }
    Ok(())
}
