//! A phrase of more than four Han characters, read only where its 4-character runs all occur.
//!
//! Such a phrase is a phrase of its characters or jieba words (区 · 服务 · 机构 · 信), whose
//! postings are among the longest in the index: seeking it intersected them all, and reading
//! positions, for every candidate (a third of 区服务机构信's 13 ms at a million entries). Every
//! 3–4 character Han run is also indexed whole (`*_grams`, no positions), and a document holding
//! the phrase holds each of its 4-character runs. So the runs that cover the phrase (区服务机 and
//! 务机构信) lead, rare as they are, and the phrase is checked only where they all are. The runs
//! score nothing: matches and scores are the phrase's.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::text::is_han;
use crate::tokenizer::GRAM_CHARS;

/// `phrase` (on a text field) within documents that hold every one of `runs` (on its grams field).
#[derive(Debug)]
pub struct GuardedPhrase {
    phrase: Box<dyn Query>,
    runs: Vec<Term>,
}

impl Clone for GuardedPhrase {
    fn clone(&self) -> Self {
        GuardedPhrase {
            phrase: self.phrase.box_clone(),
            runs: self.runs.clone(),
        }
    }
}

impl GuardedPhrase {
    /// `phrase` guarded by the 4-character runs of `text`, the phrase's characters without gaps;
    /// `phrase` alone when `text` has no such runs (four characters or fewer, or not all Han).
    pub fn around(phrase: Box<dyn Query>, grams: Field, text: &str) -> Box<dyn Query> {
        let runs = covering_runs(text);
        if runs.is_empty() {
            return phrase;
        }
        Box::new(GuardedPhrase {
            phrase,
            runs: runs
                .iter()
                .map(|r| Term::from_field_text(grams, r))
                .collect(),
        })
    }
}

impl Query for GuardedPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, self.phrase.box_clone())];
        for run in &self.runs {
            let run = TermQuery::new(run.clone(), IndexRecordOption::Basic);
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(run), 0.0)),
            ));
        }
        BooleanQuery::new(clauses).weight(enable_scoring)
    }

    /// The phrase's terms only: what bounds its score and counts its documents.
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.phrase.query_terms(visitor);
    }
}

/// 4-character runs of `text` that together cover it: every fourth start, and the last four.
fn covering_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = *GRAM_CHARS.end();
    if chars.len() <= n || !chars.iter().all(|c| is_han(*c)) {
        return Vec::new();
    }
    let last = chars.len() - n;
    let mut starts: Vec<usize> = (0..last).step_by(n).collect();
    starts.push(last);
    starts
        .into_iter()
        .map(|s| chars[s..s + n].iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;
    use crate::schema::{build_schema, register_tokenizers};
    use crate::terms::atoms_query;

    /// With decoys that hold both covering runs apart, the guarded phrase finds and scores
    /// exactly what the phrase alone does.
    #[test]
    fn matches_and_scores_as_the_phrase() {
        let (schema, f) = build_schema();
        let index = Index::create_in_ram(schema);
        register_tokenizers(&index);
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        let texts = [
            "市区服务机构信息公开目录",
            "区服务机构信用评价，区服务机构信息",
            "区服务机关与事务机构信用",
            "服务机构信息",
            "区服务 机构信息",
        ];
        for i in 0..600 {
            let mut d = TantivyDocument::new();
            for field in [f.text, f.text_grams] {
                d.add_text(field, texts[i % texts.len()]);
            }
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let text = "区服务机构信";
        let atoms: Vec<(usize, String)> = text.chars().map(String::from).enumerate().collect();
        let atoms: Vec<(usize, &str)> = atoms.iter().map(|(o, a)| (*o, a.as_str())).collect();
        let phrase = atoms_query(f.text, &atoms, 0);
        let guarded = GuardedPhrase::around(atoms_query(f.text, &atoms, 0), f.text_grams, text);
        let count = |q: &dyn Query| searcher.search(q, &Count).unwrap();
        assert_eq!(count(guarded.as_ref()), 240, "the first two texts only");
        assert_eq!(count(guarded.as_ref()), count(phrase.as_ref()));
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(300).order_by_score())
                .unwrap()
        };
        assert_eq!(top(guarded.as_ref()), top(phrase.as_ref()));
    }

    #[test]
    fn runs_cover_the_phrase() {
        assert_eq!(covering_runs("区服务机构信"), ["区服务机", "务机构信"]);
        assert_eq!(
            covering_runs("社会保险事业管理局"),
            ["社会保险", "事业管理", "业管理局"]
        );
        assert_eq!(covering_runs("合江县住房"), ["合江县住", "江县住房"]);
        assert!(covering_runs("隆昌市").is_empty());
        assert!(covering_runs("城乡规划").is_empty());
        assert!(covering_runs("GDP统计数据").is_empty());
    }
}
