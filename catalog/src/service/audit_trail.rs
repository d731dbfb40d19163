//! The audit trail as people read it (C 9.5, C 9.6; SD 30): filtered by entity, organization,
//! person, action and day, a bounded scan of the chain at a time so that a page over a long chain
//! answers quickly and says where to go on.

use chrono::NaiveDate;

use super::{Actor, ActorName, Catalog, Role};
use crate::audit::AuditEvent;
use crate::error::{CatalogError, Result};

/// Events read per store query.
const PAGE: i64 = 1000;
/// Events examined per call at most; the answer's `next` continues from there.
const MAX_SCAN: usize = 50_000;

/// What to look for. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// The acting organization.
    pub org_id: Option<String>,
    /// The acting person.
    pub person_id: Option<String>,
    /// An action or the start of one (`registration.` for every registration step).
    pub action: Option<String>,
    /// Days in Beijing time, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Continue after this sequence number.
    pub after_seq: i64,
    pub limit: usize,
}

impl AuditQuery {
    fn matches(&self, e: &AuditEvent) -> bool {
        let who = ActorName::parse(&e.actor);
        let day = (e.at + chrono::Duration::hours(8)).date_naive();
        let same = |wanted: &Option<String>, got: Option<&str>| {
            wanted.as_deref().is_none_or(|w| got == Some(w))
        };
        same(&self.entity_type, Some(&e.entity_type))
            && same(&self.entity_id, Some(&e.entity_id))
            && same(&self.org_id, who.org_id.as_deref())
            && same(&self.person_id, who.person_id.as_deref())
            && self
                .action
                .as_deref()
                .is_none_or(|a| e.action.starts_with(a))
            && self.from.is_none_or(|d| day >= d)
            && self.to.is_none_or(|d| day <= d)
    }
}

/// One page of matching events; `next` is set when the chain goes on past what was examined.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next: Option<i64>,
}

/// Who reads the trail (and exports it): 监管, the audit administrator, data administrations.
pub fn require_audit_reader(actor: &Actor) -> Result<()> {
    actor.require_role(
        &[Role::Auditor, Role::AuditAdmin, Role::DataAdmin],
        "查阅审计日志",
    )
}

impl Catalog {
    /// Matching events in chain order.
    pub async fn audit_trail(&self, actor: &Actor, q: &AuditQuery) -> Result<AuditPage> {
        require_audit_reader(actor)?;
        if q.limit == 0 || q.limit > 1000 {
            return Err(CatalogError::invalid("limit", "每页 1 到 1000 条"));
        }
        if let (Some(from), Some(to)) = (q.from, q.to)
            && from > to
        {
            return Err(CatalogError::invalid("to", "结束日期不能早于开始日期"));
        }
        let mut events = Vec::new();
        let mut cursor = q.after_seq.max(0);
        let mut scanned = 0;
        loop {
            let page = match &q.entity_type {
                Some(kind) => self.store.audit_events_of(kind, cursor, PAGE).await?,
                None => self.store.audit_events(cursor, PAGE).await?,
            };
            for event in &page {
                cursor = event.seq;
                scanned += 1;
                if q.matches(event) {
                    events.push(event.clone());
                    if events.len() == q.limit {
                        return Ok(AuditPage {
                            events,
                            next: Some(cursor),
                        });
                    }
                }
            }
            if (page.len() as i64) < PAGE {
                return Ok(AuditPage { events, next: None });
            }
            if scanned >= MAX_SCAN {
                return Ok(AuditPage {
                    events,
                    next: Some(cursor),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn event(actor: &str, action: &str, at_utc_hour: u32) -> AuditEvent {
        AuditEvent {
            seq: 1,
            at: Utc
                .with_ymd_and_hms(2026, 12, 1, at_utc_hour, 0, 0)
                .unwrap(),
            actor: actor.to_string(),
            action: action.to_string(),
            entity_type: "registration".to_string(),
            entity_id: "r1".to_string(),
            before: None,
            after: None,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn filters_by_person_action_prefix_and_beijing_day() {
        let e = event("registrar:o1 person:p1", "registration.accept", 17);
        let q = |f: fn(&mut AuditQuery)| {
            let mut q = AuditQuery::default();
            f(&mut q);
            q.matches(&e)
        };
        assert!(q(|q| q.person_id = Some("p1".into())));
        assert!(!q(|q| q.person_id = Some("p2".into())));
        assert!(q(|q| q.org_id = Some("o1".into())));
        assert!(q(|q| q.action = Some("registration.".into())));
        assert!(!q(|q| q.action = Some("resource.".into())));
        // 17:00 UTC on 1 December is 01:00 on 2 December in Beijing.
        assert!(q(|q| q.from = NaiveDate::from_ymd_opt(2026, 12, 2)));
        assert!(!q(|q| q.to = NaiveDate::from_ymd_opt(2026, 12, 1)));
    }
}
