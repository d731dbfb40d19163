//! Per-address rate limit for anonymous callers (the public portal and API). Callers with a valid
//! token are accounted by their organization's own agreements, not here.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Caller;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Sustained requests per second per address.
    pub per_second: NonZeroU32,
    /// Requests allowed in a burst.
    pub burst: NonZeroU32,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
}

#[derive(Clone)]
pub struct PublicLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    trust_forwarded_for: bool,
}

impl PublicLimiter {
    pub fn new(limit: RateLimit) -> Self {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        PublicLimiter {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            trust_forwarded_for: limit.trust_forwarded_for,
        }
    }

    fn client(&self, request: &Request) -> IpAddr {
        let forwarded = self
            .trust_forwarded_for
            .then(|| request.headers().get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        forwarded
            .or_else(|| {
                request
                    .extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(a)| a.ip())
            })
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }
}

pub async fn limit(State(limiter): State<PublicLimiter>, request: Request, next: Next) -> Response {
    // Set by `auth::resolve_caller`, which has already refused bad tokens.
    if matches!(request.extensions().get::<Caller>(), Some(Caller(Some(_)))) {
        return next.run(request).await;
    }
    match limiter.limiter.check_key(&limiter.client(&request)) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs().max(1);
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "请求过于频繁",
                format!("请求过于频繁，请 {seconds} 秒后重试"),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(RETRY_AFTER, v);
            }
            response
        }
    }
}

impl PublicLimiter {
    /// Forget idle addresses once a minute so the table stays small.
    pub fn spawn_housekeeping(&self) {
        let limiter = Arc::downgrade(&self.limiter);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                match limiter.upgrade() {
                    Some(l) => {
                        l.retain_recent();
                        l.shrink_to_fit();
                    }
                    None => break,
                }
            }
        });
    }
}
