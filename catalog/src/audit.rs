//! The audit trail (C 9.5 合规存证): every write appends one event to a SHA-256 hash chain, so anyone
//! holding an export can verify that no event was edited, removed or reordered.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use serde_json::value::RawValue;

use crate::error::{CatalogError, Result};

/// A JSON body already serialized in canonical form (sorted keys, no spaces, see
/// [`canonical_body`]): a bulk write stores one body as the row, its version snapshot and its
/// audit event, and serializes it once (shared, not copied, between the three).
pub type RawBody = std::sync::Arc<RawValue>;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    /// The hash over every field but `hash`, in a canonical JSON form (sorted keys, no spaces), so
    /// it survives a round trip through JSONB or TEXT columns.
    pub fn compute_hash(&self) -> String {
        let null = Value::Null;
        self.hash_with(|out| {
            write_canonical(self.before.as_ref().unwrap_or(&null), out);
            out.push(',');
            write_canonical(self.after.as_ref().unwrap_or(&null), out);
        })
    }

    /// `compute_hash` of this event with no `before` and `after` as the canonical JSON `after`.
    fn created_hash(&self, after: &RawValue) -> String {
        self.hash_with(|out| {
            out.push_str("null,");
            out.push_str(after.get());
        })
    }

    /// The hash of the canonical JSON array [seq, at, actor, action, entity_type, entity_id,
    /// before, after, prev_hash], with `bodies` writing "before,after"; written field by field so
    /// the bodies are not copied.
    fn hash_with(&self, bodies: impl FnOnce(&mut String)) -> String {
        let mut canonical = String::with_capacity(1024);
        canonical.push('[');
        canonical.push_str(&self.seq.to_string());
        for text in [
            &self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            &self.actor,
            &self.action,
            &self.entity_type,
            &self.entity_id,
        ] {
            canonical.push(',');
            write_json_string(text, &mut canonical);
        }
        canonical.push(',');
        bodies(&mut canonical);
        canonical.push(',');
        write_json_string(&self.prev_hash, &mut canonical);
        canonical.push(']');
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }
}

/// The event of a bulk creation: `event` carries no bodies, `after` is the created entity's body as
/// canonical JSON (see `canonical_body`), stored and hashed as the `after` of the same event.
#[derive(Debug, Clone)]
pub struct CreatedEvent {
    pub event: AuditEvent,
    pub after: RawBody,
}

/// `value` as canonical JSON text (sorted keys, no spaces): what the audit hash covers, so a body
/// serialized once can be stored and hashed without serializing it again.
pub fn canonical_body(value: &Value) -> Result<RawBody> {
    let mut text = String::with_capacity(2048);
    write_canonical(value, &mut text);
    let raw = RawValue::from_string(text).map_err(|e| CatalogError::Storage(e.to_string()))?;
    Ok(RawBody::from(raw))
}

/// A string as serde_json writes it (the same escapes as `Value::String(..).to_string()`).
fn write_json_string(text: &str, out: &mut String) {
    // Writing JSON to a String cannot fail.
    if let Ok(quoted) = serde_json::to_string(text) {
        out.push_str(&quoted);
    }
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// What a write records about itself.
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The newest event's sequence number and hash: batch writers chain many events in memory from
/// here and store them with `WriteTx::insert_audits` (same events as `append` one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// The event for `entry`, chained after the head; the head moves to it.
    pub fn next(&mut self, entry: AuditEntry<'_>) -> AuditEvent {
        self.chain(entry, AuditEvent::compute_hash)
    }

    /// `next` for the creation of an entity whose body is already canonical JSON: the same
    /// event and hash as `next` with `after: Some(value)`, without serializing the body again.
    pub fn next_created(
        &mut self,
        actor: &str,
        action: &str,
        entity_type: &str,
        entity_id: &str,
        after: RawBody,
    ) -> CreatedEvent {
        let entry = AuditEntry {
            actor,
            action,
            entity_type,
            entity_id,
            before: None,
            after: None,
        };
        let event = self.chain(entry, |e| e.created_hash(&after));
        CreatedEvent { event, after }
    }

    fn chain(
        &mut self,
        entry: AuditEntry<'_>,
        hash_of: impl FnOnce(&AuditEvent) -> String,
    ) -> AuditEvent {
        let mut event = AuditEvent {
            seq: self.seq + 1,
            // Microseconds: the precision every backend stores, so the hash verifies after reading back.
            at: Utc::now().trunc_subsecs(6),
            actor: entry.actor.to_string(),
            action: entry.action.to_string(),
            entity_type: entry.entity_type.to_string(),
            entity_id: entry.entity_id.to_string(),
            before: entry.before,
            after: entry.after,
            prev_hash: std::mem::take(&mut self.hash),
            hash: String::new(),
        };
        event.hash = hash_of(&event);
        self.seq = event.seq;
        self.hash = event.hash.clone();
        event
    }
}

/// The first event that breaks the chain, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainBreak {
    pub seq: i64,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    pub events: i64,
    pub head_hash: String,
    pub first_break: Option<ChainBreak>,
}

/// Checks events in order; returns at the first break. Works on any stream of events, so an
/// exported file verifies the same way as the database.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    events: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
            events: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, event: &AuditEvent) -> std::result::Result<(), ChainBreak> {
        let fail = |problem: String| ChainBreak {
            seq: event.seq,
            problem,
        };
        if event.seq != self.expected_seq {
            return Err(fail(format!(
                "序号不连续：应为 {}，实为 {}（事件缺失或顺序被改动）",
                self.expected_seq, event.seq
            )));
        }
        if event.prev_hash != self.prev_hash {
            return Err(fail("prev_hash 与上一事件的哈希不符".to_string()));
        }
        if event.compute_hash() != event.hash {
            return Err(fail("内容与哈希不符（事件被修改）".to_string()));
        }
        self.expected_seq += 1;
        self.prev_hash = event.hash.clone();
        self.events += 1;
        Ok(())
    }

    pub fn finish(self, first_break: Option<ChainBreak>) -> ChainReport {
        ChainReport {
            events: self.events,
            head_hash: self.prev_hash,
            first_break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, prev: &str) -> AuditEvent {
        let mut e = AuditEvent {
            seq,
            at: Utc::now().trunc_subsecs(6),
            actor: "data_admin:x".into(),
            action: "resource.approve".into(),
            entity_type: "resource".into(),
            entity_id: "r1".into(),
            before: Some(serde_json::json!({"b": 1, "a": [1, 2]})),
            after: None,
            prev_hash: prev.into(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        e
    }

    /// The hash as first defined (a JSON array built as a `Value`): chains stored before the
    /// allocation-free version must still verify.
    #[test]
    fn hash_is_unchanged_from_the_value_form() {
        let mut e = event(7, GENESIS_HASH);
        e.actor = "provider:\"引号\"\n\u{1}".into();
        e.after = Some(serde_json::json!({"z": [1, {"b": null, "a": "文本\t"}], "a": 1.5}));
        let payload = Value::Array(vec![
            Value::from(e.seq),
            Value::from(e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
            Value::from(e.actor.as_str()),
            Value::from(e.action.as_str()),
            Value::from(e.entity_type.as_str()),
            Value::from(e.entity_id.as_str()),
            e.before.clone().unwrap_or(Value::Null),
            e.after.clone().unwrap_or(Value::Null),
            Value::from(e.prev_hash.as_str()),
        ]);
        let mut canonical = String::new();
        write_canonical(&payload, &mut canonical);
        assert_eq!(
            e.compute_hash(),
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
    }

    #[test]
    fn hash_ignores_key_order() {
        let a = event(1, GENESIS_HASH);
        let mut b = a.clone();
        b.before = Some(serde_json::from_str(r#"{"a":[1,2],"b":1}"#).unwrap());
        assert_eq!(a.compute_hash(), b.compute_hash());
    }

    #[test]
    fn verifier_names_the_first_edited_event() {
        let e1 = event(1, GENESIS_HASH);
        let e2 = event(2, &e1.hash);
        let mut e3 = event(3, &e2.hash);
        e3.actor = "someone else".into();
        let mut v = ChainVerifier::default();
        v.check(&e1).unwrap();
        v.check(&e2).unwrap();
        let b = v.check(&e3).unwrap_err();
        assert_eq!(b.seq, 3);
        assert!(b.problem.contains("被修改"));
    }

    #[test]
    fn verifier_detects_a_missing_event() {
        let e1 = event(1, GENESIS_HASH);
        let e2 = event(2, &e1.hash);
        let e3 = event(3, &e2.hash);
        let mut v = ChainVerifier::default();
        v.check(&e1).unwrap();
        assert_eq!(v.check(&e3).unwrap_err().seq, 3);
    }

    #[test]
    fn a_created_event_hashes_and_reads_back_like_the_plain_event() {
        let body =
            serde_json::json!({"z": "中文\"引号", "a": [1, 2.5, null], "m": {"y": true, "b": -3}});
        let mut plain = ChainHead {
            seq: 41,
            hash: "ab".repeat(32),
        };
        let mut bulk = plain.clone();
        let expected = plain.next(AuditEntry {
            actor: "provider:p",
            action: "resource.import",
            entity_type: "resource",
            entity_id: "r1",
            before: None,
            after: Some(body.clone()),
        });
        let created = bulk.next_created(
            "provider:p",
            "resource.import",
            "resource",
            "r1",
            canonical_body(&body).unwrap(),
        );
        // Same timestamp, so the hashes must agree exactly.
        let mut event = created.event.clone();
        event.at = expected.at;
        event.hash = event.created_hash(&created.after);
        assert_eq!(event.hash, expected.compute_hash());
        // What the store reads back (the body parsed from the stored text) verifies.
        event.after = Some(serde_json::from_str(created.after.get()).unwrap());
        assert_eq!(event.compute_hash(), event.hash);
        assert_eq!(bulk.seq, plain.seq);
    }
}
