//! The webhook sender inside `mulu serve`: queue feed changes for every active endpoint, claim
//! due deliveries, POST them signed (see `catalog::domain::webhook` for the scheme) and record
//! each attempt. All state is in the database, so a restart resumes where it stopped, and
//! several nodes can run it at once (a claim is a lease).

use std::time::{Duration, Instant};

use catalog::Catalog;
use catalog::domain::webhook::{
    Attempt, DELIVERY_HEADER, RetryPolicy, SEQ_HEADER, SIGNATURE_HEADER, signature,
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
}

impl WebhookArgs {
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
        let http = match reqwest::Client::builder()
            .timeout(Duration::from_millis(args.webhook_timeout_ms))
            // A redirect is an answer, not a delivery: the endpoint must accept the POST itself.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mulu-webhook/", env!("CARGO_PKG_VERSION")))
            .build()
        {
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
        sends.spawn(async move {
            let attempt = send(&http, &claimed).await;
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

/// One signed POST; never fails, it reports what happened.
async fn send(http: &reqwest::Client, claimed: &catalog::ClaimedDelivery) -> Attempt {
    let body = serde_json::to_vec(&claimed.delivery.payload).unwrap_or_default();
    let timestamp = Utc::now().timestamp();
    let started = Instant::now();
    let at = Utc::now();
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
        Err(e) => Attempt {
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
    }
}
