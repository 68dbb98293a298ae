//! The main listener's connection loop: HTTP/1.1 through hyper with a **header-read
//! timeout** (a client that never finishes its headers is disconnected — slowloris, attack
//! review finding 5), the client address as `ConnectInfo`, and a graceful shutdown that
//! lets in-flight requests finish. (Slow bodies are cut by the web layers' body timeout.)

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

use crate::kernel::serve::Shutdown;

/// How long in-flight requests may run after the shutdown signal.
const DRAIN: Duration = Duration::from_secs(20);

/// Serves `router` on `listener` until `until` completes.
/// A client that has not sent its request line and headers within `header_timeout` is
/// disconnected.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    until: Shutdown,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    tokio::pin!(until);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut until => break,
        };
        let router = router.clone();
        let service = tower::service_fn(move |mut request: http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(request)
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(net.peer = %peer, error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("in-flight requests did not finish in time; closing");
    }
    Ok(())
}
