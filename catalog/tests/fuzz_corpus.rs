//! The code parsers' fuzz corpus (`fuzz/corpus/codes`), replayed on stable.

#[path = "../../fuzz/checks/codes.rs"]
mod codes;
#[path = "../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn code_parser_corpus_replays() {
    replay::replay("codes", codes::check);
}
