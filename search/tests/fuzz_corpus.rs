//! The query parser's fuzz corpus (`fuzz/corpus/search_query`), replayed on stable.

#[path = "../../fuzz/checks/replay.rs"]
mod replay;
#[path = "../../fuzz/checks/search_query.rs"]
mod search_query;

#[test]
fn search_query_corpus_replays() {
    replay::replay("search_query", search_query::check);
}
