//! The audit trail kept in a store: events appended inside a write transaction, chained to the
//! newest stored one, and the stored chain verified page by page. (The chain itself — events,
//! hashes, verification — is [`crate::audit`], which knows nothing of storage.)

use crate::audit::{AuditEntry, AuditEvent, ChainHead, ChainReport, ChainVerifier, GENESIS_HASH};
use crate::error::Result;
use crate::store::{Store, WriteTx};

/// Append an event inside the caller's write transaction, chained to the newest one.
pub async fn append(tx: &mut dyn WriteTx, entry: AuditEntry<'_>) -> Result<AuditEvent> {
    let event = chain_head(tx).await?.next(entry);
    tx.insert_audit(&event).await?;
    Ok(event)
}

/// The newest stored event's sequence number and hash, where the next event chains on.
pub async fn chain_head(tx: &mut dyn WriteTx) -> Result<ChainHead> {
    let (seq, hash) = tx
        .last_audit()
        .await?
        .unwrap_or((0, GENESIS_HASH.to_string()));
    Ok(ChainHead { seq, hash })
}

/// Verify the whole stored chain, page by page.
pub async fn verify_store(store: &dyn Store) -> Result<ChainReport> {
    const PAGE: i64 = 1000;
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = store.audit_events(after, PAGE).await?;
        for event in &page {
            if let Err(b) = verifier.check(event) {
                return Ok(verifier.finish(Some(b)));
            }
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.seq,
            _ => return Ok(verifier.finish(None)),
        }
    }
}
