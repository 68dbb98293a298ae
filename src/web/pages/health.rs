//! Liveness, readiness and Prometheus metrics.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{StatusCode, header};
use serde_json::json;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::store::Store;

/// What the health endpoints read: the database, the metrics recorder, and who may read
/// the metrics.
#[derive(Clone, Debug)]
pub struct HealthState {
    pub store: Store,
    pub metrics: PrometheusHandle,
    /// Client addresses allowed to read `/metrics` (`server.metrics_allowed_from`);
    /// anyone else gets 404.
    pub metrics_allowed_from: Vec<crate::web::client_addr::Cidr>,
}

pub fn router() -> Router<HealthState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> Response {
    (StatusCode::OK, Json(json!({ "status": "ok" }))).into_response()
}

/// The process can serve: the database answers within two seconds.
async fn readyz(State(state): State<HealthState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({ "status": "ready", "database": "ok" }))).into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "error" })))
                .into_response()
        }
        Err(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "timeout" })))
                .into_response()
        }
    }
}

/// Prometheus text exposition.
async fn metrics(State(state): State<HealthState>, addr: crate::web::client_addr::ClientAddr) -> Response {
    if !state.metrics_allowed_from.iter().any(|c| c.contains(addr.0)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (size, idle) = state.store.pool_stats();
    metrics::gauge!("poort_db_pool_connections").set(f64::from(size));
    metrics::gauge!("poort_db_pool_idle").set(idle as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}
