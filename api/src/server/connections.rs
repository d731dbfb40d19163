//! Serving connections: HTTP/1.1 with a header-read timeout, an inactivity timeout and a cap on
//! open connections per client address, and `Connection: close` on errors answered before the
//! request body was read.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Version};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper::service::Service as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::middleware::rate_limit;

/// How long and how many connections a client may hold; from `mulu serve` flags.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time a client has to send a request's headers, counted from when the connection starts
    /// waiting for them (after connecting or after the previous response), so an idle keep-alive
    /// connection is closed after it too.
    pub header_timeout: Duration,
    /// A connection on which nothing was read or written for this long is closed (a client that
    /// stopped sending its body or reading the response).
    pub idle_timeout: Duration,
    /// Open connections per client address (an IPv6 /64 counts as one); 0: no limit.
    pub per_client: usize,
}

/// Accept connections and serve HTTP/1.1 on each within `limits` until `shutdown`; then stop
/// accepting and let the requests in progress finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let open = OpenConnections::default();
    let (stop, stopping) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = open.take(peer.ip(), limits.per_client) else {
            metrics::counter!("mulu_connections_refused_total").increment(1);
            tracing::debug!(%peer, "该地址的连接数已达上限，拒绝新连接");
            continue;
        };
        let (app, stopping) = (app.clone(), stopping.clone());
        tokio::spawn(async move {
            serve_connection(stream, peer, app, limits, stopping).await;
            drop(slot);
        });
    }
    drop(stopping);
    // Every connection finishes its request in progress and closes; wait for the last one.
    let _ = stop.send(());
    stop.closed().await;
}

/// As `axum::serve` does: a connection that failed while being accepted is the client's
/// business; anything else (no file descriptors left) is waited out.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "无法接受连接");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<()>,
) {
    let _ = stream.set_nodelay(true);
    let activity = Activity::new();
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let app = TowerToHyperService::new(app);
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        app.call(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut conn = pin!(builder.serve_connection(io, service));
    let mut stopped = false;
    loop {
        let deadline = activity.last() + limits.idle_timeout;
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(%peer, error = %e, "连接结束");
                }
                break;
            }
            () = tokio::time::sleep_until(deadline) => {
                if activity.last() + limits.idle_timeout <= tokio::time::Instant::now() {
                    tracing::debug!(%peer, "连接空闲超时，已关闭");
                    break;
                }
            }
            _ = stopping.changed(), if !stopped => {
                stopped = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct OpenConnections(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One counted connection; uncounted when dropped.
struct Slot {
    open: OpenConnections,
    client: Option<IpAddr>,
}

impl OpenConnections {
    fn take(&self, peer: IpAddr, per_client: usize) -> Option<Slot> {
        if per_client == 0 {
            return Some(Slot {
                open: self.clone(),
                client: None,
            });
        }
        let client = rate_limit::client_key(peer);
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(client).or_insert(0);
        if *count >= per_client {
            return None;
        }
        *count += 1;
        Some(Slot {
            open: self.clone(),
            client: Some(client),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(client) = self.client else { return };
        let mut open = self.open.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&client);
            }
        }
    }
}

/// When a connection last read or wrote a byte.
#[derive(Clone)]
struct Activity {
    opened: tokio::time::Instant,
    /// Milliseconds after `opened`.
    last: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: tokio::time::Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let ms = self.opened.elapsed().as_millis() as u64;
        self.last.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> tokio::time::Instant {
        self.opened + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }
}

/// A socket that records its activity.
struct Watched {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// An error answered before the request's body was read to its end (a 401 or 403 decided on the
/// headers, a 413 on the declared length, a timeout) leaves the rest of the body on the wire, so
/// the connection cannot carry another request and is closed after the response: say so with
/// `Connection: close`, or a client would send its next request on it and fail.
pub async fn close_if_body_unread(request: Request, next: Next) -> Response {
    if request.version() > Version::HTTP_11 || request.body().is_end_stream() {
        return next.run(request).await;
    }
    let read = Arc::new(AtomicBool::new(false));
    let request = request.map(|inner| {
        Body::new(ReadToEnd {
            inner,
            read: read.clone(),
        })
    });
    let mut response = next.run(request).await;
    let failed = response.status().is_client_error() || response.status().is_server_error();
    if failed && !read.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A request body that notes when it has been read to its end.
struct ReadToEnd {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl HttpBody for ReadToEnd {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
