//! The exchange feed: every change to a registered product's registration, in the audit log's
//! total order. The cursor is the audit sequence number, so a consumer that pages with the
//! returned cursor sees each change exactly once, including cancellations and revocations.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Catalog;
use crate::domain::registration::{PublicRegistration, Registration, RegistrationSubject};
use crate::error::{CatalogError, Result};

/// Events read per store query while looking for feed items.
const SCAN: i64 = 500;

/// One change, as the registration stood right after it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FeedItem {
    /// The audit sequence number of the change: unique and increasing.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// What happened, e.g. `registration.issue_code`, `registration.cancel`, `registration.revoke`.
    pub action: String,
    pub registration: PublicRegistration,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `after` next time; it moves past changes that are not for the feed too.
    pub next: i64,
}

/// What a feed item's action means, as a person reads it.
pub fn feed_action_label(action: &str) -> &'static str {
    match action {
        "registration.issue_code" => "赋码（登记生效）",
        "registration.renew" => "续期",
        "registration.change" => "变更登记生效",
        "registration.correct" => "更正登记生效",
        "registration.cancel" => "注销",
        "registration.revoke" => "撤销",
        "registration.expire" => "有效期届满",
        "registration.flag_access_closed" => "所依据的授权已终止",
        _ => "登记信息更新",
    }
}

impl Catalog {
    /// The feed for those who follow it (exchanges) and oversee it (administrations, 监管).
    pub async fn registration_feed_as(
        &self,
        actor: &super::Actor,
        after: i64,
        limit: usize,
    ) -> Result<FeedPage> {
        actor.require_role(
            &[
                super::Role::Exchange,
                super::Role::DataAdmin,
                super::Role::Auditor,
            ],
            "查看已登记产品动态",
        )?;
        self.registration_feed(after.max(0), limit, None).await
    }

    /// Changes after `after` to product registrations that have been coded (registered), at most
    /// `limit`; with `updated_since`, older changes are skipped.
    pub async fn registration_feed(
        &self,
        after: i64,
        limit: usize,
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<FeedPage> {
        let mut items = Vec::new();
        let mut cursor = after;
        loop {
            let events = self
                .store
                .audit_events_of("registration", cursor, SCAN)
                .await?;
            for event in &events {
                cursor = event.seq;
                if updated_since.is_some_and(|since| event.at < since) {
                    continue;
                }
                let Some(after_state) = &event.after else {
                    continue;
                };
                let registration: Registration = serde_json::from_value(after_state.clone())
                    .map_err(|e| {
                        CatalogError::Storage(format!("登记事件 {} 无法解析：{e}", event.seq))
                    })?;
                // Registered products only: once coded, every later change is news to exchanges.
                let is_product =
                    matches!(registration.subject, RegistrationSubject::Product { .. });
                if !is_product || registration.query_code.is_none() {
                    continue;
                }
                // Its standing on the day of the change (Beijing time), so a page reads the same
                // whenever it is fetched.
                let day = (event.at + chrono::Duration::hours(8)).date_naive();
                let view = registration.public_view(day);
                // A change that leaves the public view as it was but for its time (a renewal
                // applied for, a correction requested or refused) is not public and not news.
                let before = event
                    .before
                    .as_ref()
                    .and_then(|b| serde_json::from_value::<Registration>(b.clone()).ok())
                    .and_then(|b| b.public_view(day));
                if let (Some(view), Some(mut before)) = (&view, before) {
                    before.updated_at = view.updated_at;
                    if *view == before {
                        continue;
                    }
                }
                if let Some(view) = view {
                    items.push(FeedItem {
                        seq: event.seq,
                        at: event.at,
                        action: event.action.clone(),
                        registration: view,
                    });
                }
                if items.len() == limit {
                    return Ok(FeedPage {
                        items,
                        next: cursor,
                    });
                }
            }
            if (events.len() as i64) < SCAN {
                return Ok(FeedPage {
                    items,
                    next: cursor,
                });
            }
        }
    }
}
