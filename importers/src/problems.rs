//! The problems of one file, bounded: the first `Limits::max_listed_problems` of them (by their
//! place in the file) are kept whole, every one is counted by kind (sheet and column), and each
//! text is clipped. A file of a million bad rows gives a report of a thousand problems and a few
//! counts, not a million entries.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use serde::Serialize;

use crate::limits::{Limits, clip};

/// One problem in the file. `row` 0 means the file as a whole; row 1 is the header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub sheet: String,
    pub row: usize,
    /// The column's header, e.g. "更新频率" (empty for problems of the whole file).
    pub column: String,
    /// The cell, e.g. "M5", when the column is present in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The value as found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
}

/// How many problems of one kind a file had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProblemKind {
    /// The sheet (or file) the problems are in.
    pub sheet: String,
    /// The column's header (empty for problems of a whole row or of the file).
    pub column: String,
    /// Problems of this kind, listed or not.
    pub count: usize,
    /// The message of the first one.
    pub example: String,
}

/// Kinds counted one by one; more (never with the template's columns) are counted together.
const MAX_KINDS: usize = 200;
const OTHER_KINDS: &str = "（其他）";

/// A problem and its place: listed problems are the `limit` smallest by (rank, arrival).
struct Ranked {
    rank: u64,
    seq: u64,
    problem: RowProblem,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.rank, self.seq).cmp(&(other.rank, other.seq))
    }
}

/// The problems found so far.
pub struct ProblemLog {
    listed: BinaryHeap<Ranked>,
    /// Problems of the file as a whole: always listed (there are at most a few), after the rest.
    whole_file: Vec<RowProblem>,
    seq: u64,
    total: usize,
    kinds: BTreeMap<(String, String), (usize, String)>,
    limit: usize,
    chars: usize,
}

impl ProblemLog {
    pub fn new(limits: &Limits) -> Self {
        ProblemLog {
            listed: BinaryHeap::new(),
            whole_file: Vec::new(),
            seq: 0,
            total: 0,
            kinds: BTreeMap::new(),
            limit: limits.max_listed_problems,
            chars: limits.max_problem_chars,
        }
    }

    /// Every problem so far.
    pub fn total(&self) -> usize {
        self.total
    }

    /// A problem, listed in arrival order.
    pub fn push(&mut self, problem: RowProblem) {
        self.push_ranked(0, problem);
    }

    /// A problem whose place in the listing is `rank` (then arrival): the listing keeps the
    /// `limit` first by rank.
    pub fn push_ranked(&mut self, rank: u64, problem: RowProblem) {
        let problem = self.clipped(problem);
        self.count(&problem);
        if problem.row == 0 {
            self.whole_file.push(problem);
            return;
        }
        self.seq += 1;
        self.listed.push(Ranked {
            rank,
            seq: self.seq,
            problem,
        });
        if self.listed.len() > self.limit {
            self.listed.pop();
        }
    }

    fn clipped(&self, p: RowProblem) -> RowProblem {
        // Sheet names, headers and cell references are short in any real file.
        let short = self.chars.min(64);
        RowProblem {
            sheet: clip(&p.sheet, short),
            row: p.row,
            column: clip(&p.column, short),
            cell: p.cell.map(|c| clip(&c, short.min(16))),
            value: p.value.map(|v| clip(&v, self.chars)),
            message: clip(&p.message, self.chars),
        }
    }

    fn count(&mut self, p: &RowProblem) {
        self.total += 1;
        let mut key = (p.sheet.clone(), p.column.clone());
        if self.kinds.len() >= MAX_KINDS && !self.kinds.contains_key(&key) {
            key = (String::new(), OTHER_KINDS.to_string());
        }
        self.kinds
            .entry(key)
            .or_insert_with(|| (0, p.message.clone()))
            .0 += 1;
    }

    /// (the listed problems in order, whole-file ones last; how many there were; the counts by
    /// kind, most frequent first).
    pub fn finish(self) -> (Vec<RowProblem>, usize, Vec<ProblemKind>) {
        let mut listed: Vec<RowProblem> = self
            .listed
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.problem)
            .collect();
        listed.extend(self.whole_file);
        let mut kinds: Vec<ProblemKind> = self
            .kinds
            .into_iter()
            .map(|((sheet, column), (count, example))| ProblemKind {
                sheet,
                column,
                count,
                example,
            })
            .collect();
        kinds.sort_by_key(|k| std::cmp::Reverse(k.count));
        (listed, self.total, kinds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(row: usize, column: &str, message: &str) -> RowProblem {
        RowProblem {
            sheet: "资源目录".into(),
            row,
            column: column.into(),
            cell: None,
            value: Some("值".repeat(1000)),
            message: message.into(),
        }
    }

    #[test]
    fn the_first_problems_by_place_are_listed_and_all_are_counted() {
        let limits = Limits {
            max_listed_problems: 3,
            max_problem_chars: 10,
            ..Limits::default()
        };
        let mut log = ProblemLog::new(&limits);
        for row in (2..100).rev() {
            log.push_ranked(row, problem(row as usize, "数据分级", "无效"));
        }
        log.push_ranked(1, problem(1, "更新频率", "缺少必填列"));
        log.push(problem(0, "", "文件有问题"));
        let (listed, total, kinds) = log.finish();
        let rows: Vec<usize> = listed.iter().map(|p| p.row).collect();
        assert_eq!(rows, vec![1, 2, 3, 0]);
        assert_eq!(total, 100);
        assert_eq!(kinds[0].column, "数据分级");
        assert_eq!(kinds[0].count, 98);
        assert_eq!(kinds[0].example, "无效");
        assert_eq!(listed[1].value.as_deref().unwrap().chars().count(), 11);
    }
}
