//! The one error format of the API: `{"error": kind, "detail": ...}` for every
//! 4xx and 5xx, with the status chosen by the kind of failure.

use std::fmt::Display;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use orchestrator::{ErrorKind, OrchestratorError};

/// What a 500 says: internal text (paths of the server, SQL, panics) stays in
/// the server log.
pub const INTERNAL_DETAIL: &str = "internal error; the server log has the details";

/// The body of every 4xx and 5xx answer.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    /// What kind of failure: `invalid_input`, `not_found`, `conflict`,
    /// `busy`, `cancelled`, `unavailable`, `unauthorized`, `bad_request`,
    /// `method_not_allowed`, `payload_too_large`, `internal`, ...
    pub error: String,
    /// What went wrong, for a person (never internal text).
    pub detail: String,
}

/// An error answer: `{error, detail}` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: &'static str,
    detail: String,
}

impl ApiError {
    /// A fault of ours: logged in full, answered with a fixed sentence.
    pub fn internal(message: impl Display) -> Self {
        tracing::error!(error = %message, "internal error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: ErrorKind::Internal.as_str(),
            detail: INTERNAL_DETAIL.to_string(),
        }
    }

    /// An answer that names the request's own mistake.
    fn client(status: StatusCode, detail: String) -> Self {
        ApiError {
            status,
            error: status_name(status),
            detail,
        }
    }

    /// The request itself is malformed (400).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::client(StatusCode::BAD_REQUEST, detail.into())
    }

    /// The request is well-formed but wrong (422).
    pub fn invalid_input(detail: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: ErrorKind::InvalidInput.as_str(),
            detail: detail.into(),
        }
    }

    /// The body is over the limit (413).
    pub fn too_large(detail: impl Into<String>) -> Self {
        ApiError::client(StatusCode::PAYLOAD_TOO_LARGE, detail.into())
    }

    /// No such thing here (404).
    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::client(StatusCode::NOT_FOUND, detail.into())
    }

    /// The thing's state forbids the request (409).
    pub fn conflict(detail: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::CONFLICT,
            error: ErrorKind::Conflict.as_str(),
            detail: detail.into(),
        }
    }

    /// The server cannot take it now: queue full, shutting down, too slow (503).
    pub fn unavailable(detail: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            error: "unavailable",
            detail: detail.into(),
        }
    }

    /// No or a wrong bearer token (401).
    pub fn unauthorized() -> Self {
        ApiError::client(
            StatusCode::UNAUTHORIZED,
            "this server needs `Authorization: Bearer <token>`".into(),
        )
    }

    /// The answer with `from` replaced by `to` in its detail (a server path
    /// by what the client knows it as).
    pub fn replace_in_detail(mut self, from: &str, to: &str) -> Self {
        if !from.is_empty() {
            self.detail = self.detail.replace(from, to);
        }
        self
    }

    /// The `error` field: what kind of failure.
    pub fn kind(&self) -> &'static str {
        self.error
    }

    /// The `detail` field: what went wrong, for a person.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The rejection of an extractor (JSON body, path, query): its own status.
    fn rejected(status: StatusCode, detail: String) -> Self {
        if status.is_server_error() {
            ApiError::internal(detail)
        } else {
            ApiError::client(status, detail)
        }
    }
}

/// The HTTP status of each kind of orchestrator failure.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Busy | ErrorKind::Cancelled => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The `error` name of a status that did not come from the orchestrator.
fn status_name(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_input",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

impl From<OrchestratorError> for ApiError {
    fn from(e: OrchestratorError) -> Self {
        let kind = e.kind();
        if kind == ErrorKind::Internal {
            return ApiError::internal(e);
        }
        let status = status_of(kind);
        if status.is_server_error() {
            tracing::warn!(error = %e, kind = kind.as_str(), "request not served");
        }
        ApiError {
            status,
            error: kind.as_str(),
            detail: e.to_string(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        ApiError::rejected(e.status(), e.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> Self {
        ApiError::rejected(e.status(), e.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::rejected(e.status(), e.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.error.to_string(),
                detail: self.detail,
            }),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// `Router::fallback`: no route has this path.
pub async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        format!("no route for {method} {}", uri.path()),
    )
}

/// `Router::method_not_allowed_fallback`: the path exists, the method does not
/// (axum adds the `Allow` header).
pub async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::client(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_status() {
        assert_eq!(status_of(ErrorKind::InvalidInput), 422);
        assert_eq!(status_of(ErrorKind::NotFound), 404);
        assert_eq!(status_of(ErrorKind::Conflict), 409);
        assert_eq!(status_of(ErrorKind::Busy), 503);
        assert_eq!(status_of(ErrorKind::Cancelled), 503);
        assert_eq!(status_of(ErrorKind::Internal), 500);
    }

    #[test]
    fn internal_errors_do_not_echo_their_text() {
        let e = ApiError::from(OrchestratorError::Boundary {
            stage: "sim".into(),
            message: "/srv/secret/path broke".into(),
        });
        assert_eq!(e.status, 500);
        assert_eq!(e.error, "internal");
        assert_eq!(e.detail, INTERNAL_DETAIL);
    }

    #[test]
    fn cancelled_runs_are_503() {
        let e = ApiError::from(OrchestratorError::Cancelled { run_id: "r".into() });
        assert_eq!(e.status, 503);
        assert_eq!(e.error, "cancelled");
    }
}
