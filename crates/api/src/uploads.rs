//! Files uploaded with a request (`multipart/form-data`): slates, payout
//! tables, contest standings. Each request's files are saved under
//! `.uploads/` in the data root, where the orchestrator reads them like any
//! file a user names (confined to the root, capped in size per kind), and
//! removed when the request is done.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Multipart;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::http::StatusCode;

use crate::error::ApiError;

/// What a form field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Text,
    File,
}

/// A form's fields: its name, kind and whether it must be there.
pub type FormSpec = [(&'static str, Field, bool)];

/// A request's form, its files saved in a folder removed on drop.
#[derive(Debug)]
pub struct Upload {
    dir: PathBuf,
    texts: BTreeMap<String, String>,
    files: BTreeMap<String, (PathBuf, String)>,
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.dir)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot remove an upload folder");
        }
    }
}

impl Upload {
    /// A text field's value.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(String::as_str)
    }

    /// Where a file field was saved.
    pub fn file(&self, name: &str) -> Option<&Path> {
        self.files.get(name).map(|(p, _)| p.as_path())
    }

    /// The name a file field's file had on the client.
    pub fn file_name(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|(_, n)| n.as_str())
    }

    /// A text field's value trimmed, `None` when absent or blank.
    pub fn optional_text(&self, name: &str) -> Option<String> {
        self.text(name)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    }

    /// A text field parsed as a number: 422 naming the field when it is not one.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.text(name)
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                t.trim().parse::<T>().map_err(|_| {
                    ApiError::invalid_input(format!("form field {name}: {t:?} is not a number"))
                })
            })
            .transpose()
    }
}

/// Folder names for uploads, unique in this process.
static NEXT: AtomicU64 = AtomicU64::new(0);

fn rejected(e: MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(e.body_text())
    } else {
        ApiError::bad_request(format!("multipart body: {}", e.body_text()))
    }
}

/// Reads a form per `spec` into `root/.uploads/`: a body that is not a form
/// is a 400; an unknown, repeated or missing field a 422 naming it; a body
/// over the limit a 413.
pub async fn receive(
    root: &Path,
    form: Result<Multipart, MultipartRejection>,
    spec: &FormSpec,
) -> Result<Upload, ApiError> {
    let mut form = form.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let dir = root.join(".uploads").join(format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::internal(format_args!("{}: {e}", dir.display())))?;
    let mut upload = Upload {
        dir,
        texts: BTreeMap::new(),
        files: BTreeMap::new(),
    };
    let expected = || {
        spec.iter()
            .map(|(n, _, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    while let Some(field) = form.next_field().await.map_err(rejected)? {
        let name = field.name().unwrap_or("").to_string();
        let Some((name, kind, _)) = spec.iter().find(|(n, _, _)| *n == name) else {
            return Err(ApiError::invalid_input(format!(
                "form field {name:?} is not known here; expected {}",
                expected()
            )));
        };
        if upload.texts.contains_key(*name) || upload.files.contains_key(*name) {
            return Err(ApiError::invalid_input(format!(
                "form field {name} is given twice"
            )));
        }
        match kind {
            Field::Text => {
                let text = field.text().await.map_err(rejected)?;
                upload.texts.insert(name.to_string(), text);
            }
            Field::File => {
                let client_name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .unwrap_or_else(|| format!("{name}.csv"));
                let bytes = field.bytes().await.map_err(rejected)?;
                let path = upload.dir.join(format!("{name}.csv"));
                tokio::fs::write(&path, &bytes)
                    .await
                    .map_err(|e| ApiError::internal(format_args!("{}: {e}", path.display())))?;
                upload.files.insert(name.to_string(), (path, client_name));
            }
        }
    }
    for (name, kind, required) in spec {
        let given = match kind {
            Field::Text => upload.texts.contains_key(*name),
            Field::File => upload.files.contains_key(*name),
        };
        if *required && !given {
            let what = if *kind == Field::File {
                "file"
            } else {
                "field"
            };
            return Err(ApiError::invalid_input(format!(
                "form {what} {name} is missing; expected {}",
                expected()
            )));
        }
    }
    Ok(upload)
}
