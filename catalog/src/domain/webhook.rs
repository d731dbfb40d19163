//! Webhooks for data exchanges: each change in the registered-products feed is POSTed to every
//! active endpoint of every exchange, signed, retried with exponential backoff, and logged.
//!
//! Signature scheme (documented for receivers): the request carries
//! `Mulu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
//! A receiver recomputes the HMAC over the timestamp, a dot and the exact body bytes, compares in
//! constant time, and refuses timestamps older than a few minutes (replays). `Mulu-Delivery` is
//! the delivery id and `Mulu-Event-Seq` the feed sequence number: deliveries are at least once,
//! so receivers deduplicate on the sequence number.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::InvalidValue;
use crate::error::{CatalogError, Result};

pub const SIGNATURE_HEADER: &str = "Mulu-Signature";
pub const DELIVERY_HEADER: &str = "Mulu-Delivery";
pub const SEQ_HEADER: &str = "Mulu-Event-Seq";

/// An endpoint address: absolute http(s), no credentials in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EndpointUrl(String);

super::string_schema!(
    EndpointUrl,
    r"^https?://",
    "https://exchange.example.cn/mulu/webhook",
    "接收推送的地址（http 或 https，不含用户名密码）"
);

impl EndpointUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let url = url::Url::parse(raw.trim())
            .map_err(|e| InvalidValue::new(format!("推送地址“{raw}”无效：{e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(InvalidValue::new("推送地址须为 http 或 https 的绝对地址"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidValue::new(
                "推送地址不能包含用户名或密码，请用签名密钥认证",
            ));
        }
        if raw.len() > 2000 {
            return Err(InvalidValue::new("推送地址过长"));
        }
        Ok(EndpointUrl(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Refuse an address that is not on the public internet (unless `targets` allows any):
    /// loopback, private, link-local, cloud metadata and other reserved addresses in every
    /// spelling (the parser has already turned `0x7f.1` or `2130706433` into `127.0.0.1`), and
    /// names that only mean something inside a network. A public name may still resolve to a
    /// private address: the sender checks the resolved addresses again before it connects.
    pub fn check_target(&self, targets: Targets) -> Result<(), InvalidValue> {
        if targets == Targets::AnyAddress {
            return Ok(());
        }
        let url = url::Url::parse(&self.0)
            .map_err(|e| InvalidValue::new(format!("推送地址“{}”无效：{e}", self.0)))?;
        match url.host().and_then(|h| non_public_host(&h)) {
            Some(why) => Err(InvalidValue::new(format!(
                "推送地址“{}”指向{why}，只能向公网地址推送",
                url.host_str().unwrap_or_default()
            ))),
            None => Ok(()),
        }
    }
}

/// Which addresses webhook endpoints may point at: a deployment switch
/// (`--webhook-allow-private-targets`), public only unless turned on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Targets {
    /// The public internet only: what an exchange can reach must not be Mulu's own network.
    #[default]
    PublicOnly,
    /// Private, loopback and link-local addresses too (closed networks, tests).
    AnyAddress,
}

/// Why a URL host is not a public webhook target (a short Chinese phrase), or `None`.
pub fn non_public_host(host: &url::Host<&str>) -> Option<&'static str> {
    match host {
        url::Host::Ipv4(ip) => non_public_ip(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => non_public_ip(IpAddr::V6(*ip)),
        url::Host::Domain(name) => non_public_name(name),
    }
}

/// Host names of cloud metadata services that are not under a suffix refused anyway.
const METADATA_NAMES: &[&str] = &["metadata.goog", "metadata.tencentyun.com"];

/// Suffixes reserved for, or customary in, private networks.
const PRIVATE_SUFFIXES: &[&str] = &[
    ".localhost",
    ".internal",
    ".local",
    ".localdomain",
    ".home.arpa",
    ".lan",
    ".intranet",
    ".corp",
    ".home",
    ".private",
];

/// Why a host name is not a public target: the loopback names, cloud metadata services, names
/// under private-use suffixes, and single labels (completed by the resolver's search domains).
pub fn non_public_name(name: &str) -> Option<&'static str> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        Some("本机")
    } else if name == "metadata.google.internal" || METADATA_NAMES.contains(&name.as_str()) {
        Some("云服务器元数据服务")
    } else if !name.contains('.') {
        Some("内网主机名（不含域名）")
    } else if PRIVATE_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        Some("内网域名")
    } else {
        None
    }
}

/// Why an address is not on the public internet, or `None` for a public unicast address.
pub fn non_public_ip(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    Some(match ip.octets() {
        [0, ..] => "未指定地址（0.0.0.0/8）",
        [127, ..] => "本机回环地址",
        [10, ..] | [192, 168, ..] => "内网地址",
        [172, b, ..] if (16..32).contains(&b) => "内网地址",
        [169, 254, ..] => "链路本地地址（含云服务器元数据服务 169.254.169.254）",
        [100, b, ..] if (64..128).contains(&b) => {
            "运营商共享地址（100.64.0.0/10，含云服务器元数据服务）"
        }
        [192, 0, 0, _] => "协议保留地址",
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => "文档示例地址",
        [198, 18 | 19, ..] => "测试网络地址",
        [224..=239, ..] => "组播地址",
        [240..=255, ..] => "保留地址（含广播地址）",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some("未指定地址（::）");
    }
    if ip.is_loopback() {
        return Some("本机回环地址");
    }
    if ip.to_ipv4_mapped().is_some() {
        return Some("IPv4 映射地址（::ffff:0:0/96）");
    }
    // The deprecated IPv4-compatible form, `::127.0.0.1`.
    if s[..6] == [0; 6] {
        return Some("IPv4 兼容地址（::/96）");
    }
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        non_public_v4(Ipv4Addr::new(a, b, c, d))
    };
    Some(match s {
        [0xfc00..=0xfdff, ..] => "内网地址（唯一本地地址 fc00::/7）",
        [0xfe80..=0xfebf, ..] => "链路本地地址",
        [0xfec0..=0xfeff, ..] => "站点本地地址",
        [0xff00..=0xffff, ..] => "组播地址",
        [0x2001, 0x0db8, ..] => "文档示例地址",
        [0x0100, 0, 0, 0, ..] => "保留地址",
        [0x2001, 0, ..] => "Teredo 隧道地址",
        // NAT64 and 6to4 carry an IPv4 address, which must be public itself.
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] if embedded(hi, lo).is_some() => {
            "内嵌非公网 IPv4 的 NAT64 地址"
        }
        [0x0064, 0xff9b, 0x0001, ..] => "本地 NAT64 地址",
        [0x2002, hi, lo, ..] if embedded(hi, lo).is_some() => "内嵌非公网 IPv4 的 6to4 地址",
        _ => return None,
    })
}

impl TryFrom<String> for EndpointUrl {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<EndpointUrl> for String {
    fn from(u: EndpointUrl) -> String {
        u.0
    }
}

/// The shared signing secret: 16–256 visible ASCII characters, chosen by the exchange.
pub fn check_secret(secret: &str) -> Result<()> {
    let ok = (16..=256).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(CatalogError::invalid(
            "secret",
            "签名密钥须为 16 到 256 个可见 ASCII 字符",
        ))
    }
}

/// The `Mulu-Signature` value for a body sent at `timestamp` (unix seconds).
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewEndpoint {
    pub url: EndpointUrl,
    /// Shared secret for the signature; stored apart from the audit trail and never shown again.
    pub secret: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Change an endpoint: any field left out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EndpointUpdate {
    #[serde(default)]
    pub url: Option<EndpointUrl>,
    /// A new secret (rotation): deliveries from now on are signed with it.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndpointStatus {
    Active,
    /// Paused by the exchange: deliveries wait until it is active again.
    Disabled,
}

impl EndpointStatus {
    pub fn label(self) -> &'static str {
        match self {
            EndpointStatus::Active => "推送中",
            EndpointStatus::Disabled => "已暂停",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookEndpoint {
    pub id: Uuid,
    pub exchange_id: Uuid,
    pub url: EndpointUrl,
    #[serde(default)]
    pub description: Option<String>,
    pub status: EndpointStatus,
    /// Which stored secret signs deliveries; bumped on rotation.
    pub secret_version: u32,
    /// The feed position up to which deliveries have been queued (an audit sequence number).
    pub feed_cursor: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    /// A new endpoint receives the changes made after `feed_head`; earlier ones are in the feed.
    pub fn new(
        exchange_id: Uuid,
        input: &NewEndpoint,
        feed_head: i64,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        check_secret(&input.secret)?;
        Ok(WebhookEndpoint {
            id: Uuid::now_v7(),
            exchange_id,
            url: input.url.clone(),
            description: clean(&input.description)?,
            status: EndpointStatus::Active,
            secret_version: 1,
            feed_cursor: feed_head,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn secret_key(&self) -> String {
        format!("webhook-secret:{}:{}", self.id, self.secret_version)
    }

    pub fn apply(&mut self, update: &EndpointUpdate, now: DateTime<Utc>) -> Result<()> {
        if let Some(secret) = &update.secret {
            check_secret(secret)?;
            self.secret_version += 1;
        }
        if let Some(url) = &update.url {
            self.url = url.clone();
        }
        if let Some(active) = update.active {
            self.status = if active {
                EndpointStatus::Active
            } else {
                EndpointStatus::Disabled
            };
        }
        if update.description.is_some() {
            self.description = clean(&update.description)?;
        }
        self.updated_at = now;
        Ok(())
    }
}

fn clean(description: &Option<String>) -> Result<Option<String>> {
    let d = description
        .as_ref()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    if d.as_ref().is_some_and(|d| d.chars().count() > 200) {
        return Err(CatalogError::invalid("description", "说明不能超过 200 字"));
    }
    Ok(d)
}

/// When to try again: `base · 2^(n-1)` after the n-th failure, capped; give up after `max_attempts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(10),
            max_delay: Duration::from_secs(3600),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    pub fn delay_after(&self, failures: u32) -> Duration {
        let factor = 1u32
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; kept in the log, not tried again.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "待推送",
            DeliveryStatus::Delivered => "已送达",
            DeliveryStatus::Failed => "推送失败",
        }
    }
}

/// One try: the HTTP status the endpoint answered, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub status_code: Option<u16>,
    #[serde(default)]
    pub error: Option<String>,
    pub duration_ms: u64,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub exchange_id: Uuid,
    /// The feed change delivered (its audit sequence number) and what happened.
    pub seq: i64,
    pub action: String,
    /// The JSON document POSTed (a feed item with the delivery id).
    pub payload: serde_json::Value,
    pub status: DeliveryStatus,
    pub attempts: Vec<Attempt>,
    /// When the next attempt is due (while pending).
    #[serde(default)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookDelivery {
    pub fn new(
        endpoint: &WebhookEndpoint,
        seq: i64,
        action: &str,
        item: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Self {
        let id = Uuid::now_v7();
        let mut payload = serde_json::json!({ "delivery_id": id });
        if let (Some(p), serde_json::Value::Object(fields)) = (payload.as_object_mut(), item) {
            p.extend(fields);
        }
        WebhookDelivery {
            id,
            endpoint_id: endpoint.id,
            exchange_id: endpoint.exchange_id,
            seq,
            action: action.to_string(),
            payload,
            status: DeliveryStatus::Pending,
            attempts: Vec::new(),
            next_attempt_at: Some(now),
            delivered_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// One delivery per endpoint and feed change.
    pub fn key(&self) -> String {
        format!("{}:{}", self.endpoint_id, self.seq)
    }

    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.status == DeliveryStatus::Pending && self.next_attempt_at.is_some_and(|t| t <= now)
    }

    /// Take the delivery for one attempt: nobody else tries it until the lease runs out, so a
    /// crashed sender's delivery is tried again later and two senders never both send it.
    pub fn claim(&mut self, now: DateTime<Utc>, lease: Duration) -> Result<()> {
        if !self.is_due(now) {
            return Err(CatalogError::Conflict("推送已被领取或无需重试".into()));
        }
        self.next_attempt_at = Some(now + lease);
        self.updated_at = now;
        Ok(())
    }

    pub fn record(&mut self, attempt: Attempt, retry: &RetryPolicy, now: DateTime<Utc>) {
        let ok = attempt.succeeded();
        self.attempts.push(attempt);
        if ok {
            self.status = DeliveryStatus::Delivered;
            self.delivered_at = Some(now);
            self.next_attempt_at = None;
        } else if self.attempts.len() as u32 >= retry.max_attempts {
            self.status = DeliveryStatus::Failed;
            self.next_attempt_at = None;
        } else {
            let delay = retry.delay_after(self.attempts.len() as u32);
            self.next_attempt_at = Some(now + delay);
        }
        self.updated_at = now;
    }

    /// The exchange asks for a failed delivery to be tried again.
    pub fn requeue(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.status != DeliveryStatus::Failed {
            return Err(CatalogError::InvalidTransition(
                "只有已放弃的推送可以重新排队".into(),
            ));
        }
        self.status = DeliveryStatus::Pending;
        self.next_attempt_at = Some(now);
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_over_timestamp_dot_body() {
        let sig = signature(b"key", 1_700_000_000, b"{}");
        assert!(sig.starts_with("t=1700000000,v1="));
        assert_eq!(sig.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(sig, signature(b"key", 1_700_000_001, b"{}"));
        assert_ne!(sig, signature(b"other", 1_700_000_000, b"{}"));
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") per Wikipedia.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn backoff_doubles_and_caps_then_gives_up() {
        let p = RetryPolicy {
            base: Duration::from_secs(10),
            max_delay: Duration::from_secs(60),
            max_attempts: 3,
        };
        assert_eq!(p.delay_after(1), Duration::from_secs(10));
        assert_eq!(p.delay_after(2), Duration::from_secs(20));
        assert_eq!(p.delay_after(3), Duration::from_secs(40));
        assert_eq!(p.delay_after(4), Duration::from_secs(60));
        assert_eq!(p.delay_after(40), Duration::from_secs(60));
        let endpoint = WebhookEndpoint::new(
            Uuid::now_v7(),
            &NewEndpoint {
                url: EndpointUrl::parse("http://127.0.0.1:9/hook").unwrap(),
                secret: "0123456789abcdef".into(),
                description: None,
            },
            0,
            Utc::now(),
        )
        .unwrap();
        let now = Utc::now();
        let mut d = WebhookDelivery::new(
            &endpoint,
            7,
            "registration.issue_code",
            serde_json::json!({"seq": 7}),
            now,
        );
        assert_eq!(d.payload["seq"], 7);
        assert_eq!(d.payload["delivery_id"], serde_json::json!(d.id));
        let fail = |code| Attempt {
            at: now,
            status_code: Some(code),
            error: None,
            duration_ms: 1,
        };
        d.claim(now, Duration::from_secs(30)).unwrap();
        assert!(d.claim(now, Duration::from_secs(30)).is_err(), "leased");
        d.record(fail(500), &p, now);
        assert_eq!(d.next_attempt_at, Some(now + Duration::from_secs(10)));
        d.record(fail(502), &p, now);
        d.record(fail(503), &p, now);
        assert_eq!(d.status, DeliveryStatus::Failed);
        d.requeue(now).unwrap();
        d.record(fail(204), &p, now);
        assert_eq!(d.status, DeliveryStatus::Delivered);
    }

    #[test]
    fn endpoint_urls_and_secrets_are_checked() {
        assert!(EndpointUrl::parse("https://ex.example.cn/hook").is_ok());
        for bad in [
            "ftp://x/y",
            "/relative",
            "https://user:pw@x.cn/",
            "not a url",
        ] {
            assert!(EndpointUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(check_secret("short").is_err());
        assert!(check_secret("with space 0123456789").is_err());
        assert!(check_secret("0123456789abcdef").is_ok());
    }

    fn refused(raw: &str) -> Option<String> {
        EndpointUrl::parse(raw)
            .unwrap()
            .check_target(Targets::PublicOnly)
            .err()
            .map(|e| e.message)
    }

    #[test]
    fn loopback_private_and_metadata_targets_are_refused_in_every_spelling() {
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1/",
            "http://127.0.0.1:8080/hook",
            "http://127.1/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://017700000001/",
            "http://%31%32%37.0.0.1/",
            "http://[::1]/",
            "http://[0:0:0:0:0:0:0:1]/",
            "http://0.0.0.0/",
            "http://0/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:8.8.8.8]/",
            "http://[::127.0.0.1]/",
            "http://10.0.0.1/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://100.100.100.200/latest/meta-data/",
            "http://[fd00::1]/",
            "http://[fc00::1]/",
            "http://[fe80::1]/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[ff02::1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:7f00:1::]/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://METADATA.google.internal./",
            "http://metadata.goog/",
            "http://metadata/",
            "http://localhost/",
            "http://localhost.:9/",
            "http://api.localhost/",
            "http://db.corp.internal/",
            "http://printer.local/",
        ] {
            let why = refused(bad).unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(why.contains("只能向公网地址推送"), "{bad}: {why}");
        }
        let why = refused("http://0x7f.1/").unwrap();
        assert!(
            why.contains("127.0.0.1") && why.contains("本机回环地址"),
            "{why}"
        );
        for good in [
            "https://exchange.example.cn/mulu/webhook",
            "http://8.8.8.8/hook",
            "https://[2400:3200::1]/hook",
            "http://172.32.0.1/",
            "http://100.128.0.1/",
            "http://[64:ff9b::808:808]/",
            "https://my-localhost.example.cn/",
        ] {
            assert_eq!(refused(good), None, "{good}");
        }
        // The deployment switch lets every address through (tests, closed networks).
        let loopback = EndpointUrl::parse("http://127.0.0.1:9/hook").unwrap();
        assert!(loopback.check_target(Targets::AnyAddress).is_ok());
    }

    #[test]
    fn addresses_are_classified_public_or_not() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for (addr, public) in [
            ("1.1.1.1", true),
            ("223.5.5.5", true),
            ("127.255.0.1", false),
            ("10.255.255.255", false),
            ("172.15.255.255", true),
            ("172.16.0.0", false),
            ("192.167.255.255", true),
            ("169.254.0.1", false),
            ("100.63.255.255", true),
            ("100.64.0.1", false),
            ("240.0.0.1", false),
            ("2400:da00::6666", true),
            ("::1", false),
            ("::ffff:1.1.1.1", false),
            ("fdff:ffff::1", false),
            ("fe80::1", false),
            ("2001:db8::1", false),
            ("2002:808:808::1", true),
            ("2002:c0a8:101::1", false),
        ] {
            assert_eq!(non_public_ip(ip(addr)).is_none(), public, "{addr}");
        }
        assert_eq!(non_public_name("exchange.example.cn"), None);
        assert!(non_public_name("instance-data").is_some());
        assert!(non_public_name("metadata.tencentyun.com.").is_some());
    }
}
