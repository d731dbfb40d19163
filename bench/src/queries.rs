//! The fixed query mix: 500 queries drawn with a seeded RNG from the real corpus: whole titles,
//! title fragments, departments, categories and 1–2 character queries; every fourth one asks for
//! facets.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::corpus::{self, Record};

#[derive(Debug, Clone)]
pub struct Query {
    pub q: String,
    pub facets: bool,
    /// What the query was drawn from: title, fragment, department, category, 2-char, 1-char.
    pub kind: &'static str,
}

pub fn mix(real: &[Record], n: usize, seed: u64) -> Vec<Query> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let r = &real[rng.random_range(0..real.len())];
        let chars: Vec<char> = r.title.chars().filter(|c| !c.is_whitespace()).collect();
        if chars.len() < 4 {
            continue;
        }
        let (kind, q) = match out.len() % 10 {
            0..=2 => ("title", r.title.clone()),
            3 | 4 => {
                let len = rng.random_range(3..=6.min(chars.len()));
                let at = rng.random_range(0..=chars.len() - len);
                ("fragment", chars[at..at + len].iter().collect())
            }
            5 => ("department", corpus::provider(r).to_owned()),
            6 => match corpus::domain(r) {
                Some(d) => ("category", d.to_owned()),
                None => continue,
            },
            7 => {
                let at = rng.random_range(0..chars.len() - 1);
                ("2-char", chars[at..at + 2].iter().collect())
            }
            8 => {
                let c = chars[rng.random_range(0..chars.len())];
                if !is_cjk(c) {
                    continue;
                }
                ("1-char", c.to_string())
            }
            _ => {
                let len = rng.random_range(2..=4.min(chars.len()));
                ("fragment", chars[..len].iter().collect())
            }
        };
        let facets = out.len() % 4 == 0;
        out.push(Query { q, facets, kind });
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}
