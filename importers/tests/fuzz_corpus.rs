//! The importers' fuzz corpora (`fuzz/corpus/{directory_csv,directory_xlsx,corpus_record}`),
//! replayed on stable.

#[path = "../../fuzz/checks/corpus_record.rs"]
mod corpus_record;
#[path = "../../fuzz/checks/directory_csv.rs"]
mod directory_csv;
#[path = "../../fuzz/checks/directory_xlsx.rs"]
mod directory_xlsx;
#[path = "../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn directory_csv_corpus_replays() {
    replay::replay("directory_csv", directory_csv::check);
}

#[test]
fn directory_xlsx_corpus_replays() {
    replay::replay("directory_xlsx", directory_xlsx::check);
}

#[test]
fn corpus_record_corpus_replays() {
    replay::replay("corpus_record", corpus_record::check);
}
