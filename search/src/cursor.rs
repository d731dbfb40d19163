//! Keyset pagination: a page is "the best `limit` documents ranked below the cursor's key", so
//! page 500 costs the same as page 1 and never skips by offset. The key is (score or update time,
//! then a stable hash of the document id); the cursor is its base64 with an HMAC-SHA256 tag under
//! the deployment's [`CursorKey`], so a client can only hand back cursors the service issued.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::SearchError;

/// 2: signed (version 1 cursors carried no tag and are refused).
const CURSOR_VERSION: u8 = 2;
/// Version, mode and the two words of the key.
const PAYLOAD_LEN: usize = 18;
/// Bytes of the HMAC-SHA256 tag kept (128 bits).
const TAG_LEN: usize = 16;

/// The secret cursors are signed with. Every node of a deployment must use the same one (the
/// service keeps it in the database); a fresh random key makes earlier cursors invalid.
#[derive(Clone)]
pub struct CursorKey([u8; 32]);

impl CursorKey {
    /// A key derived from a configured secret of any length.
    pub fn from_secret(secret: &[u8]) -> Self {
        use sha2::Digest;
        let mut h = Sha256::new();
        h.update(b"mulu search cursor v2\0");
        h.update(secret);
        CursorKey(h.finalize().into())
    }

    /// A key nobody else knows (a single process, tests).
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source");
        CursorKey(key)
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(payload);
        mac
    }
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

/// How a page is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    Score,
    Updated,
}

impl SortMode {
    fn byte(self) -> u8 {
        match self {
            SortMode::Score => 0,
            SortMode::Updated => 1,
        }
    }
}

/// Larger is better: the primary value, then the smaller id hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    primary: u64,
    inv_tiebreak: u64,
}

impl SortKey {
    fn new(primary: u64, tiebreak: u64) -> Self {
        SortKey {
            primary,
            inv_tiebreak: u64::MAX - tiebreak,
        }
    }
}

/// Order-preserving maps into `u64`.
pub(crate) fn score_bits(s: Score) -> u64 {
    let b = s.to_bits();
    (if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    }) as u64
}

pub(crate) fn i64_bits(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

/// Stable 64-bit hash of a document id (FNV-1a): the tie-breaker stored in the `tiebreak` column.
pub fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The opaque cursor: where the previous page ended, under which ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub mode: SortMode,
    pub after: SortKey,
}

impl Cursor {
    pub fn encode(&self, key: &CursorKey) -> String {
        let mut bytes = Vec::with_capacity(PAYLOAD_LEN + TAG_LEN);
        bytes.push(CURSOR_VERSION);
        bytes.push(self.mode.byte());
        bytes.extend_from_slice(&self.after.primary.to_be_bytes());
        bytes.extend_from_slice(&self.after.inv_tiebreak.to_be_bytes());
        let tag = key.mac(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes a cursor signed with `key` and made for `mode`; anything else (a forged or
    /// altered cursor, one of another deployment) is the caller's mistake.
    pub fn decode(s: &str, mode: SortMode, key: &CursorKey) -> Result<Self, SearchError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(s.trim())
            .map_err(|_| SearchError::InvalidCursor)?;
        if bytes.len() != PAYLOAD_LEN + TAG_LEN {
            return Err(SearchError::InvalidCursor);
        }
        let (payload, tag) = bytes.split_at(PAYLOAD_LEN);
        // Constant time: the tag is checked before anything in the payload is looked at.
        key.mac(payload)
            .verify_truncated_left(tag)
            .map_err(|_| SearchError::InvalidCursor)?;
        if bytes[0] != CURSOR_VERSION || bytes[1] != mode.byte() {
            return Err(SearchError::InvalidCursor);
        }
        let word =
            |r: std::ops::Range<usize>| u64::from_be_bytes(bytes[r].try_into().expect("8 bytes"));
        Ok(Cursor {
            mode,
            after: SortKey {
                primary: word(2..10),
                inv_tiebreak: word(10..18),
            },
        })
    }
}

/// One page: each document with the key it was ranked by, best first.
pub type Page = Vec<(SortKey, Score, DocAddress)>;

/// Collects the best `limit` documents strictly below `after`, by `mode`.
pub struct PageCollector {
    pub mode: SortMode,
    pub limit: usize,
    pub after: Option<SortKey>,
}

impl Collector for PageCollector {
    type Fruit = Page;
    type Child = PageSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PageSegmentCollector> {
        Ok(PageSegmentCollector {
            segment,
            mode: self.mode,
            limit: self.limit,
            after: self.after,
            tiebreak: reader.fast_fields().u64("tiebreak")?,
            updated: reader.fast_fields().i64("updated_at")?,
            heap: BinaryHeap::with_capacity(self.limit + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.mode == SortMode::Score
    }

    /// By score, the weight may skip what cannot reach the page (block-max WAND, for a union of
    /// terms): it is told the worst score kept once the page is full.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut page = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        if self.mode == SortMode::Score {
            weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    page.collect(doc, score);
                }
                page.score_threshold()
            })?;
        } else {
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        page.collect(doc, 0.0);
                    }
                }
            })?;
        }
        Ok(page.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<Page>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<_> = fruits.into_iter().flatten().collect();
        all.sort_by_key(|e| std::cmp::Reverse(e.0));
        all.truncate(self.limit);
        Ok(all)
    }
}

pub struct PageSegmentCollector {
    segment: SegmentOrdinal,
    mode: SortMode,
    limit: usize,
    after: Option<SortKey>,
    tiebreak: Column<u64>,
    updated: Column<i64>,
    /// Min-heap of the best so far: the root is the worst kept.
    heap: BinaryHeap<Reverse<(SortKey, DocId, u32)>>,
}

impl PageSegmentCollector {
    /// A score below which no document can enter the page. Ties with the worst kept may (the id
    /// hash breaks them), so the bound sits just under its score.
    pub(crate) fn score_threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse((_, _, score))) if self.heap.len() == self.limit => {
                f32::from_bits(*score).next_down()
            }
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for PageSegmentCollector {
    type Fruit = Page;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let primary = match self.mode {
            SortMode::Score => score_bits(score),
            SortMode::Updated => i64_bits(self.updated.first(doc).unwrap_or(0)),
        };
        // Most matches lose on the primary value alone: read the tie-breaker only when it counts.
        if self.after.is_some_and(|after| primary > after.primary) {
            return;
        }
        let full = self.heap.len() == self.limit;
        if full
            && self
                .heap
                .peek()
                .is_some_and(|Reverse((w, _, _))| primary < w.primary)
        {
            return;
        }
        let key = SortKey::new(primary, self.tiebreak.first(doc).unwrap_or(0));
        if self.after.is_some_and(|after| key >= after) {
            return;
        }
        if full {
            match self.heap.peek() {
                Some(Reverse((worst, _, _))) if key > *worst => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Reverse((key, doc, score.to_bits())));
    }

    fn harvest(self) -> Self::Fruit {
        self.heap
            .into_iter()
            .map(|Reverse((key, doc, score))| {
                (
                    key,
                    f32::from_bits(score),
                    DocAddress::new(self.segment, doc),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_preserving_maps() {
        let scores = [-3.5f32, -0.0, 0.0, 0.1, 1.0, 17.25];
        assert!(
            scores
                .windows(2)
                .all(|w| score_bits(w[0]) <= score_bits(w[1]))
        );
        let times = [i64::MIN, -1, 0, 1, 1_700_000_000, i64::MAX];
        assert!(times.windows(2).all(|w| i64_bits(w[0]) < i64_bits(w[1])));
    }

    #[test]
    fn cursor_round_trip_and_rejects_garbage() {
        let key = CursorKey::random();
        let c = Cursor {
            mode: SortMode::Updated,
            after: SortKey::new(i64_bits(1_700_000_000), id_hash("resource:1")),
        };
        let s = c.encode(&key);
        assert_eq!(Cursor::decode(&s, SortMode::Updated, &key).unwrap(), c);
        assert!(Cursor::decode(&s, SortMode::Score, &key).is_err());
        for bad in ["", "x", "!!!!", "AAAA", &"A".repeat(10_000)] {
            assert!(matches!(
                Cursor::decode(bad, SortMode::Updated, &key),
                Err(SearchError::InvalidCursor)
            ));
        }
    }

    /// A cursor whose key was changed by one bit, a cursor of another deployment, an unsigned
    /// cursor of the previous format, or a cursor built by hand: all refused.
    #[test]
    fn forged_and_altered_cursors_are_refused() {
        let key = CursorKey::from_secret(b"deployment secret");
        let c = Cursor {
            mode: SortMode::Score,
            after: SortKey::new(score_bits(3.5), id_hash("product:7")),
        };
        let good = c.encode(&key);
        assert_eq!(Cursor::decode(&good, SortMode::Score, &key).unwrap(), c);
        assert_eq!(
            Cursor::decode(
                &good,
                SortMode::Score,
                &CursorKey::from_secret(b"deployment secret")
            )
            .unwrap(),
            c,
            "nodes sharing the secret agree"
        );
        let refused = |s: &str| {
            matches!(
                Cursor::decode(s, SortMode::Score, &key),
                Err(SearchError::InvalidCursor)
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(&good).unwrap();
        for i in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[i] ^= 1;
            assert!(
                refused(&URL_SAFE_NO_PAD.encode(&altered)),
                "byte {i} altered"
            );
        }
        assert!(refused(&c.encode(&CursorKey::from_secret(b"another"))));
        assert!(refused(&c.encode(&CursorKey::random())));
        let mut unsigned = vec![1u8, 0];
        unsigned.extend_from_slice(&[0xff; 16]);
        assert!(refused(&URL_SAFE_NO_PAD.encode(&unsigned)));
        let mut forged = bytes[..PAYLOAD_LEN].to_vec();
        forged.extend_from_slice(&[0; TAG_LEN]);
        assert!(refused(&URL_SAFE_NO_PAD.encode(&forged)));
    }

    /// A page found with block-max WAND skipping blocks is the page found by scoring every match,
    /// ties included (many documents score alike), on the first page and past a cursor.
    #[test]
    fn pruned_pages_equal_exhaustive_pages() {
        use tantivy::collector::Count;
        use tantivy::query::{BooleanQuery, BoostQuery, Query};
        use tantivy::schema::{FAST, Schema, TEXT};
        use tantivy::{Index, IndexWriter, doc};

        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        let tiebreak = b.add_u64_field("tiebreak", FAST);
        let updated = b.add_i64_field("updated_at", FAST);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer(50_000_000).unwrap();
        for i in 0..30_000u64 {
            let filler = "z ".repeat((i % 7) as usize);
            let t = if i % 3 == 0 { "x y" } else { "y" };
            let bd = if i % 5 == 0 {
                format!("x {filler}")
            } else {
                filler
            };
            w.add_document(doc!(title => t, body => bd, tiebreak => id_hash(&i.to_string()), updated => i as i64))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |f, w: &str, boost: f32| -> Box<dyn Query> {
            Box::new(BoostQuery::new(crate::terms::term_query(f, w), boost))
        };
        let query = BooleanQuery::union(vec![term(title, "x", 3.0), term(body, "x", 1.0)]);
        let mut after = None;
        for _page in 0..3 {
            let collector = || PageCollector {
                mode: SortMode::Score,
                limit: 11,
                after,
            };
            let pruned = searcher.search(&query, &collector()).unwrap();
            let (n, exhaustive) = searcher.search(&query, &(Count, collector())).unwrap();
            assert!(n > 10_000);
            assert_eq!(pruned.len(), 11);
            assert_eq!(pruned, exhaustive);
            after = Some(pruned[9].0);
        }
    }

    #[test]
    fn ties_break_by_id_hash() {
        let a = SortKey::new(5, 1);
        let b = SortKey::new(5, 2);
        assert!(a > b, "smaller hash ranks first");
        assert!(SortKey::new(6, u64::MAX) > a);
    }
}
