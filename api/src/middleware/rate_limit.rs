//! Rate limits at the edge: anonymous callers per client address (the public portal and API),
//! authenticated callers per token (a generous allowance of their own), and failed token
//! authentications per client address (guessing is slowed down and logged).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

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
    /// Sustained requests per second per API token.
    pub token_per_second: NonZeroU32,
    /// Requests one API token may make in a burst.
    pub token_burst: NonZeroU32,
    /// Failed token authentications a client address may make per minute (and in a row); beyond
    /// them its tokens are not looked at until the allowance refills.
    pub auth_failures_per_minute: NonZeroU32,
}

#[derive(Clone)]
pub struct PublicLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    tokens: Arc<DefaultKeyedRateLimiter<Uuid>>,
    failures: Arc<FailedAuth>,
    trust_forwarded_for: bool,
}

impl PublicLimiter {
    pub fn new(limit: RateLimit) -> Self {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        let per_token = Quota::per_second(limit.token_per_second).allow_burst(limit.token_burst);
        PublicLimiter {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            tokens: Arc::new(RateLimiter::keyed(per_token)),
            failures: Arc::new(FailedAuth::new(limit.auth_failures_per_minute)),
            trust_forwarded_for: limit.trust_forwarded_for,
        }
    }

    fn client(&self, request: &Request) -> IpAddr {
        client_address(request, self.trust_forwarded_for)
    }
}

/// The caller's address: the first `X-Forwarded-For` entry when the proxy in front is trusted,
/// else the peer of the connection.
pub fn client_address(request: &Request, trust_forwarded_for: bool) -> IpAddr {
    let forwarded = trust_forwarded_for
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

/// Whole seconds to wait, at least one (`Retry-After`).
fn seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// 429 problem+json with `Retry-After`.
fn too_many(wait: Duration, detail: impl FnOnce(u64) -> String) -> Response {
    let seconds = seconds(wait);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "请求过于频繁",
        detail(seconds),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, v);
    }
    response
}

/// The longest a harvester's request is held to keep it within its limit before it is refused.
const LONGEST_PACE: Duration = Duration::from_secs(5);

/// CKAN's Action API: harvesters (ckanapi, CKAN's own harvester) stop at the first 429, so
/// their requests over the limit are held until the limit allows them, and only refused (in
/// CKAN's envelope) when that would take longer than [`LONGEST_PACE`].
fn is_paced(request: &Request) -> bool {
    crate::interop::is_action_path(request.uri().path())
}

pub async fn limit(State(limiter): State<PublicLimiter>, request: Request, next: Next) -> Response {
    // Set by `auth::resolve_caller`, which has already refused bad tokens.
    let token = match request.extensions().get::<Caller>() {
        Some(Caller(Some(actor))) => Some(actor.token_id.unwrap_or_default()),
        _ => None,
    };
    let client = limiter.client(&request);
    let check = || match token {
        Some(token) => limiter.tokens.check_key(&token),
        None => limiter.limiter.check_key(&client),
    };
    let paced = is_paced(&request);
    let deadline = Instant::now() + LONGEST_PACE;
    loop {
        let wait = match check() {
            Ok(()) => return next.run(request).await,
            Err(not_until) => not_until.wait_time_from(DefaultClock::default().now()),
        };
        if paced && Instant::now() + wait <= deadline {
            tokio::time::sleep(wait).await;
            continue;
        }
        return match (token, paced) {
            (_, true) => crate::interop::too_many_requests(request.uri().path(), seconds(wait)),
            (Some(token), false) => {
                tracing::debug!(%token, "令牌请求超出限额");
                too_many(wait, |s| format!("该令牌请求过于频繁，请 {s} 秒后重试"))
            }
            (None, false) => too_many(wait, |s| format!("请求过于频繁，请 {s} 秒后重试")),
        };
    }
}

/// Count failed token authentications (a 401 to a request that carried `Authorization`) per
/// client address, logging each without the token; a client that used up its allowance gets a
/// 429 for any token, valid or not, until it refills, so guessing cannot go on behind the 429s.
/// Outside every route, `/metrics` included, so no 401 escapes the count.
pub async fn throttle_failed_auth(
    State(limiter): State<PublicLimiter>,
    request: Request,
    next: Next,
) -> Response {
    if !request.headers().contains_key(AUTHORIZATION) {
        return next.run(request).await;
    }
    let client = limiter.client(&request);
    if let Some(wait) = limiter.failures.wait(client) {
        tracing::debug!(%client, "认证失败过多，未核验令牌");
        return too_many(wait, |s| {
            format!("访问令牌认证失败次数过多，请 {s} 秒后重试")
        });
    }
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED {
        tracing::warn!(%client, path, "访问令牌认证失败");
        if limiter.failures.fail(client) {
            tracing::warn!(
                %client,
                per_minute = limiter.failures.per_minute,
                "该地址访问令牌认证失败过多，暂不核验其令牌"
            );
        }
    }
    response
}

/// Clients tracked for failed authentications at most; beyond, new addresses are not counted
/// (those already counted stay blocked) until housekeeping forgets the recovered ones.
const MAX_TRACKED: usize = 100_000;

/// Failed authentications per client: a bucket of `per_minute` that refills continuously.
struct FailedAuth {
    per_minute: u32,
    clients: Mutex<HashMap<IpAddr, Allowance>>,
}

#[derive(Debug, Clone, Copy)]
struct Allowance {
    left: f64,
    at: Instant,
}

impl FailedAuth {
    fn new(per_minute: NonZeroU32) -> Self {
        FailedAuth {
            per_minute: per_minute.get(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.per_minute) / 60.0
    }

    /// The allowance as it stands now (refilled since it was last touched).
    fn refill(&self, a: &mut Allowance, now: Instant) {
        let earned = now.duration_since(a.at).as_secs_f64() * self.per_second();
        a.left = (a.left + earned).min(f64::from(self.per_minute));
        a.at = now;
    }

    /// How long `client` must wait before a token of theirs is looked at again, if it must.
    fn wait(&self, client: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let a = clients.get_mut(&client_key(client))?;
        self.refill(a, now);
        (a.left < 1.0).then(|| Duration::from_secs_f64((1.0 - a.left) / self.per_second()))
    }

    /// Count one failure; true when it used up the client's allowance.
    fn fail(&self, client: IpAddr) -> bool {
        let now = Instant::now();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_TRACKED && !clients.contains_key(&client_key(client)) {
            self.forget_recovered(&mut clients, now);
            if clients.len() >= MAX_TRACKED {
                tracing::warn!("认证失败计数表已满，新地址暂不计数");
                return false;
            }
        }
        let a = clients.entry(client_key(client)).or_insert(Allowance {
            left: f64::from(self.per_minute),
            at: now,
        });
        self.refill(a, now);
        a.left = (a.left - 1.0).max(0.0);
        a.left < 1.0
    }

    fn forget_recovered(&self, clients: &mut HashMap<IpAddr, Allowance>, now: Instant) {
        clients.retain(|_, a| {
            self.refill(a, now);
            a.left < f64::from(self.per_minute)
        });
    }
}

/// One subscriber usually holds a whole IPv6 /64: count it as one client.
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl PublicLimiter {
    /// Forget idle addresses and tokens once a minute so the tables stay small.
    pub fn spawn_housekeeping(&self) {
        let limiter = Arc::downgrade(&self.limiter);
        let tokens = Arc::downgrade(&self.tokens);
        let failures = Arc::downgrade(&self.failures);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                let (Some(l), Some(t), Some(f)) =
                    (limiter.upgrade(), tokens.upgrade(), failures.upgrade())
                else {
                    break;
                };
                l.retain_recent();
                l.shrink_to_fit();
                t.retain_recent();
                t.shrink_to_fit();
                let mut clients = f.clients.lock().unwrap_or_else(|e| e.into_inner());
                f.forget_recovered(&mut clients, Instant::now());
                clients.shrink_to_fit();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_authentications_use_up_an_allowance_that_refills() {
        let f = FailedAuth::new(NonZeroU32::new(3).unwrap());
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.8".parse().unwrap();
        assert_eq!(f.wait(a), None);
        assert!(!f.fail(a));
        assert!(!f.fail(a));
        assert!(f.fail(a), "the third failure uses it up");
        let wait = f.wait(a).expect("blocked");
        assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(20));
        assert_eq!(f.wait(b), None, "per client");
        // A minute later the allowance is whole again and housekeeping forgets the client.
        let mut clients = f.clients.lock().unwrap();
        f.forget_recovered(&mut clients, Instant::now() + Duration::from_secs(60));
        assert!(clients.is_empty());
    }

    #[test]
    fn an_ipv6_client_is_its_64_prefix() {
        let one: IpAddr = "2400:da00:1:2:aaaa::1".parse().unwrap();
        let other: IpAddr = "2400:da00:1:2:bbbb::2".parse().unwrap();
        let mapped: IpAddr = "::ffff:198.51.100.1".parse().unwrap();
        assert_eq!(client_key(one), client_key(other));
        assert_eq!(
            client_key(mapped),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
    }
}
