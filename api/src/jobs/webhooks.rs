//! The webhook sender inside `mulu serve`: queue feed changes for every active endpoint, claim
//! due deliveries, POST them signed (see `catalog::domain::webhook` for the scheme) and record
//! each attempt. All state is in the database, so a restart resumes where it stopped, and
//! several nodes can run it at once (a claim is a lease).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use catalog::Catalog;
use catalog::domain::webhook::{
    Attempt, DELIVERY_HEADER, RetryPolicy, SEQ_HEADER, SIGNATURE_HEADER, Targets, non_public_ip,
    signature,
};
use chrono::Utc;
use clap::Args;
use tokio::task::JoinSet;

/// `mulu serve` flags for webhook delivery.
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// Delay before the first retry of a failed delivery (ms); it doubles with each failure.
    #[arg(long, env = "MULU_WEBHOOK_RETRY_BASE_MS", default_value_t = 10_000)]
    pub webhook_retry_base_ms: u64,
    /// Longest delay between two retries (ms).
    #[arg(long, env = "MULU_WEBHOOK_RETRY_MAX_MS", default_value_t = 3_600_000)]
    pub webhook_retry_max_ms: u64,
    /// Attempts before a delivery is given up (the exchange can re-queue it).
    #[arg(long, env = "MULU_WEBHOOK_MAX_ATTEMPTS", default_value_t = 12)]
    pub webhook_max_attempts: u32,
    /// How often the sender looks for new changes and due retries (ms).
    #[arg(long, env = "MULU_WEBHOOK_POLL_MS", default_value_t = 1_000)]
    pub webhook_poll_ms: u64,
    /// Time an endpoint has to answer one delivery (ms).
    #[arg(long, env = "MULU_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Let endpoints point at private, loopback and link-local addresses (closed networks,
    /// tests). Off: such addresses are refused at registration and again at delivery, after the
    /// name is resolved.
    #[arg(long, env = "MULU_WEBHOOK_ALLOW_PRIVATE_TARGETS")]
    pub webhook_allow_private_targets: bool,
}

impl WebhookArgs {
    /// Which addresses endpoints may point at.
    pub fn targets(&self) -> Targets {
        if self.webhook_allow_private_targets {
            Targets::AnyAddress
        } else {
            Targets::PublicOnly
        }
    }

    fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_millis(self.webhook_retry_base_ms.max(1)),
            max_delay: Duration::from_millis(self.webhook_retry_max_ms.max(1)),
            max_attempts: self.webhook_max_attempts.max(1),
        }
    }
}

/// Deliveries queued per endpoint, and sent, per round.
const BATCH: usize = 100;
const SEND_BATCH: usize = 32;

/// Start the sender on the current runtime.
pub fn spawn(catalog: Catalog, args: WebhookArgs) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let timeout = Duration::from_millis(args.webhook_timeout_ms);
        let http = match http_client(args.targets(), timeout) {
            Ok(http) => http,
            Err(e) => {
                tracing::error!(error = %e, "推送发送器无法启动");
                return;
            }
        };
        let poll = Duration::from_millis(args.webhook_poll_ms.max(10));
        loop {
            if let Err(e) = round(&catalog, &http, &args).await {
                tracing::warn!(error = %e, "推送轮次失败，稍后重试");
            }
            tokio::time::sleep(poll).await;
        }
    })
}

/// The sender's HTTP client.
fn http_client(targets: Targets, timeout: Duration) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        // A redirect is an answer, not a delivery: the endpoint must accept the POST itself.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("mulu-webhook/", env!("CARGO_PKG_VERSION")))
        // Names are resolved and checked here, and the connection goes to the addresses
        // checked: a name cannot turn private between the check and the connect.
        .dns_resolver(Arc::new(CheckedResolver { targets }));
    if targets == Targets::PublicOnly {
        // Through a proxy the proxy would resolve the name, unchecked: connect directly.
        builder = builder.no_proxy();
    }
    builder.build()
}

/// Queue new changes, then send what is due.
async fn round(
    catalog: &Catalog,
    http: &reqwest::Client,
    args: &WebhookArgs,
) -> catalog::Result<()> {
    catalog.enqueue_webhook_deliveries(BATCH).await?;
    let lease = Duration::from_millis(args.webhook_timeout_ms) + Duration::from_secs(30);
    let due = catalog
        .due_webhook_deliveries(Utc::now(), SEND_BATCH)
        .await?;
    let mut sends = JoinSet::new();
    for delivery in due {
        let Some(claimed) = catalog
            .claim_webhook_delivery(delivery.id, Utc::now(), lease)
            .await?
        else {
            continue;
        };
        let (catalog, http, retry) = (catalog.clone(), http.clone(), args.retry());
        let targets = args.targets();
        sends.spawn(async move {
            let attempt = send(&http, &claimed, targets).await;
            if let Some(code) = attempt.status_code.filter(|_| !attempt.succeeded()) {
                tracing::info!(delivery = %claimed.delivery.id, status = code, "推送未被接收，将重试");
            }
            catalog
                .record_webhook_attempt(claimed.delivery.id, attempt, &retry)
                .await
        });
    }
    while let Some(done) = sends.join_next().await {
        match done {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "无法记录推送结果"),
            Err(e) => tracing::error!(error = %e, "推送任务异常结束"),
        }
    }
    Ok(())
}

/// A refused target: recorded without a status code or a timing, so the delivery log cannot map
/// a private network.
#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "推送地址指向{}，只能向公网地址推送，未发送", self.0)
    }
}

impl std::error::Error for Refused {}

impl Refused {
    fn attempt(&self, at: chrono::DateTime<Utc>) -> Attempt {
        Attempt {
            at,
            status_code: None,
            error: Some(self.to_string()),
            duration_ms: 0,
        }
    }

    /// The refusal inside a failed request, if that is why it failed.
    fn within(error: &reqwest::Error) -> Option<&Refused> {
        let mut source = std::error::Error::source(error);
        while let Some(e) = source {
            if let Some(refused) = e.downcast_ref::<Refused>() {
                return Some(refused);
            }
            source = e.source();
        }
        None
    }
}

/// The sender's name resolution: every address a name resolves to must be public (unless the
/// deployment allows private targets), and only the addresses checked are connected to. Names
/// are judged by what they resolve to now; their spelling was checked at registration.
struct CheckedResolver {
    targets: Targets,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let targets = self.targets;
        Box::pin(async move {
            let host = name.as_str();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
            if targets == Targets::PublicOnly
                && let Some((addr, why)) = addrs
                    .iter()
                    .find_map(|a| non_public_ip(a.ip()).map(|why| (a.ip(), why)))
            {
                // The operator sees the address; the exchange's log only that it was refused, not
                // what the name resolved to.
                tracing::warn!(host, %addr, reason = why, "推送地址解析到非公网地址，已拒绝发送");
                return Err(Box::new(Refused("非公网地址")) as Box<_>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// One signed POST; never fails, it reports what happened.
async fn send(
    http: &reqwest::Client,
    claimed: &catalog::ClaimedDelivery,
    targets: Targets,
) -> Attempt {
    let at = Utc::now();
    // Addresses written as IP literals never reach the resolver: check them here (an endpoint
    // registered before the check existed, or while the deployment allowed private targets).
    if targets == Targets::PublicOnly {
        let literal = match url::Url::parse(&claimed.url)
            .ok()
            .and_then(|u| u.host().map(|h| h.to_owned()))
        {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(why) = literal.and_then(non_public_ip) {
            tracing::warn!(delivery = %claimed.delivery.id, "推送地址不是公网地址，已拒绝发送");
            return Refused(why).attempt(at);
        }
    }
    let body = serde_json::to_vec(&claimed.delivery.payload).unwrap_or_default();
    let timestamp = Utc::now().timestamp();
    let started = Instant::now();
    let result = http
        .post(&claimed.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            SIGNATURE_HEADER,
            signature(&claimed.secret, timestamp, &body),
        )
        .header(DELIVERY_HEADER, claimed.delivery.id.to_string())
        .header(SEQ_HEADER, claimed.delivery.seq.to_string())
        .body(body)
        .send()
        .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(response) => Attempt {
            at,
            status_code: Some(response.status().as_u16()),
            error: None,
            duration_ms,
        },
        Err(e) => match Refused::within(&e) {
            Some(refused) => refused.attempt(at),
            None => Attempt {
                at,
                status_code: None,
                error: Some(if e.is_timeout() {
                    "接收方超时未应答".to_string()
                } else if e.is_connect() {
                    format!("无法连接接收方：{e}")
                } else {
                    format!("发送失败：{e}")
                }),
                duration_ms,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use reqwest::dns::{Name, Resolve};

    use super::*;

    #[tokio::test]
    async fn names_are_refused_by_what_they_resolve_to_before_any_connection() {
        let checked = CheckedResolver {
            targets: Targets::PublicOnly,
        };
        for name in ["localhost", "127.0.0.1"] {
            let refused = checked.resolve(Name::from_str(name).unwrap()).await;
            let e = refused.err().unwrap_or_else(|| panic!("{name} resolved"));
            assert!(e.downcast_ref::<Refused>().is_some(), "{name}: {e}");
        }
        let open = CheckedResolver {
            targets: Targets::AnyAddress,
        };
        let addrs: Vec<SocketAddr> = open
            .resolve(Name::from_str("localhost").unwrap())
            .await
            .unwrap()
            .collect();
        assert!(!addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback()));

        // Through the sender's client the refusal is told apart from a failed connection.
        let http = http_client(Targets::PublicOnly, Duration::from_secs(5)).unwrap();
        let e = http
            .post("http://localhost:9/hook")
            .send()
            .await
            .unwrap_err();
        let refused = Refused::within(&e).expect("refused, not a connection error");
        assert_eq!(refused.attempt(Utc::now()).duration_ms, 0);
        assert!(refused.to_string().contains("非公网地址"), "{refused}");
    }
}
