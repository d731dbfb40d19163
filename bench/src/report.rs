//! The result table: each measure for Mulu and the peers, the ratios Mulu/peer, the target and
//! whether it was met. Printed to stdout and written as Markdown.

use std::fmt::Write;

use crate::loadgen::Stats;

pub const LEVELS: [usize; 3] = [1, 4, 16];

#[derive(Debug, Default, Clone)]
pub struct Engine {
    pub name: &'static str,
    pub load: Vec<(usize, Stats)>,
    /// Mean overlap@10 with Mulu's top 10 over the query mix.
    pub overlap: Option<f64>,
    pub load_rate: Option<f64>,
    pub index_build_s: Option<f64>,
    pub size_bytes: Option<u64>,
    pub peak_rss: Option<u64>,
}

impl Engine {
    pub fn at(&self, c: usize) -> Option<Stats> {
        self.load.iter().find(|(l, _)| *l == c).map(|(_, s)| *s)
    }
    pub fn best_qps(&self) -> f64 {
        self.load.iter().map(|(_, s)| s.qps).fold(0.0, f64::max)
    }
}

#[derive(Debug, Default, Clone)]
pub struct Results {
    pub entries: usize,
    pub synthetic: usize,
    pub mulu: Engine,
    pub peers: Vec<Engine>,
    pub import_sqlite: Option<(usize, f64)>,
    pub import_pg: Option<(usize, f64)>,
    /// `serve --demo --demo-corpus`: one provider per department registered, entries published.
    pub demo_load_sqlite: Option<(usize, f64)>,
    pub demo_load_pg: Option<(usize, f64)>,
    pub initial_index_s: Option<f64>,
    /// From the index caught up to its segments merged (the server merges in the background).
    pub merge_s: Option<f64>,
    pub reindex_s: Option<f64>,
    pub w2s_ms: Option<(f64, f64, usize)>,
    pub db_bytes: Option<u64>,
    /// Mulu's resident set after the load test (VmRSS); peak_rss also covers the import.
    pub rss_serving: Option<u64>,
    pub pg_db_bytes: Option<u64>,
    pub notes: Vec<String>,
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.0} ms")
    }
}

fn mib(b: u64) -> String {
    format!("{:.0} MiB", b as f64 / 1048576.0)
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_else(|| "–".into())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| {} |", self.head.join(" | "));
        let _ = writeln!(out, "|{}", " --- |".repeat(self.head.len()));
        for r in &self.rows {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        out
    }
}

impl Results {
    pub fn table(&self) -> String {
        let mut head = vec!["measure".to_string(), "Mulu".into()];
        head.extend(self.peers.iter().map(|p| p.name.to_string()));
        head.extend(self.peers.iter().map(|p| format!("Mulu/{}", p.name)));
        head.extend(["target".into(), "met".into()]);
        let mut t = Table {
            head,
            rows: Vec::new(),
        };
        let width = self.peers.len();
        let blank = |n: usize| vec!["–".to_string(); n];
        let simple = |t: &mut Table, name: String, mulu: String, target: &str, ok: Option<bool>| {
            let mut r = vec![name, mulu];
            r.extend(blank(2 * width));
            r.push(target.into());
            r.push(ok.map(verdict).unwrap_or("").into());
            t.row(r);
        };
        if let Some((n, rate)) = self.import_sqlite {
            simple(
                &mut t,
                format!("`mulu import`, SQLite ({n} entries)"),
                format!("{rate:.0} /s"),
                "≥ 20000 /s",
                Some(rate >= 20000.0),
            );
        }
        if let Some((n, rate)) = self.import_pg {
            simple(
                &mut t,
                format!("`mulu import`, PostgreSQL ({n} entries)"),
                format!("{rate:.0} /s"),
                "≥ 20000 /s",
                Some(rate >= 20000.0),
            );
        }
        for (backend, load) in [
            ("SQLite", self.demo_load_sqlite),
            ("PostgreSQL", self.demo_load_pg),
        ] {
            if let Some((n, rate)) = load {
                simple(
                    &mut t,
                    format!("demo load with providers, {backend} ({n} entries)"),
                    format!("{rate:.0} /s"),
                    "",
                    None,
                );
            }
        }
        {
            let mut r = vec!["peer bulk load (entries/s)".to_string(), "–".into()];
            r.extend(
                self.peers
                    .iter()
                    .map(|p| opt(p.load_rate, |v| format!("{v:.0} /s"))),
            );
            r.extend(blank(width));
            r.extend(["".into(), "".into()]);
            t.row(r);
        }
        if let Some(merge) = self.merge_s {
            simple(
                &mut t,
                "then merged into one segment, in the background".into(),
                format!("{merge:.1} s"),
                "",
                None,
            );
        }
        // Peers' index builds next to Mulu's own first indexing.
        {
            let mut r = vec![
                "index build from the database (s)".to_string(),
                opt(self.initial_index_s, |v| format!("{v:.1} s")),
            ];
            r.extend(
                self.peers
                    .iter()
                    .map(|p| opt(p.index_build_s, |v| format!("{v:.1} s"))),
            );
            r.extend(
                self.peers
                    .iter()
                    .map(|p| match (self.initial_index_s, p.index_build_s) {
                        (Some(m), Some(x)) if x > 0.0 => format!("{:.2}", m / x),
                        _ => "–".into(),
                    }),
            );
            r.extend(["".into(), "".into()]);
            t.row(r);
        }
        simple(
            &mut t,
            "full reindex (`mulu reindex`)".into(),
            opt(self.reindex_s, |v| format!("{v:.1} s")),
            "",
            None,
        );
        if let Some((p50, p99, n)) = self.w2s_ms {
            simple(
                &mut t,
                format!("write→searchable p50 / p99 ({n} writes)"),
                format!("{} / {}", ms(p50), ms(p99)),
                "≤ 1 s",
                Some(p99 <= 1000.0),
            );
        }
        for c in LEVELS {
            for (label, get) in [
                ("p50", (|s: &Stats| s.p50_ms) as fn(&Stats) -> f64),
                ("p99", |s: &Stats| s.p99_ms),
                ("p999", |s: &Stats| s.p999_ms),
            ] {
                let m = self.mulu.at(c).map(|s| get(&s));
                let mut r = vec![format!("search {label}, concurrency {c}"), opt(m, ms)];
                r.extend(self.peers.iter().map(|p| opt(p.at(c).map(|s| get(&s)), ms)));
                r.extend(
                    self.peers
                        .iter()
                        .map(|p| match (m, p.at(c).map(|s| get(&s))) {
                            (Some(m), Some(x)) if x > 0.0 => format!("{:.2}", m / x),
                            _ => "–".into(),
                        }),
                );
                let (target, ok) = match (label, c) {
                    ("p50", 1) => ("≤ 2 ms", m.map(|v| v <= 2.0)),
                    ("p99", 1) => ("≤ 10 ms", m.map(|v| v <= 10.0)),
                    _ => ("", None),
                };
                r.push(target.into());
                r.push(ok.map(verdict).unwrap_or("").into());
                t.row(r);
            }
            let m = self.mulu.at(c).map(|s| s.qps);
            let mut r = vec![
                format!("throughput, concurrency {c} (queries/s)"),
                opt(m, |v| format!("{v:.0}")),
            ];
            r.extend(
                self.peers
                    .iter()
                    .map(|p| opt(p.at(c).map(|s| s.qps), |v| format!("{v:.0}"))),
            );
            r.extend(
                self.peers
                    .iter()
                    .map(|p| match (m, p.at(c).map(|s| s.qps)) {
                        (Some(m), Some(x)) if x > 0.0 => format!("{:.2}", m / x),
                        _ => "–".into(),
                    }),
            );
            r.extend(["".into(), "".into()]);
            t.row(r);
        }
        // Throughput targets on the best level of each engine.
        let mq = self.mulu.best_qps();
        for p in &self.peers {
            let pq = p.best_qps();
            if pq <= 0.0 {
                continue;
            }
            let (target, ok) = if p.name == "tantivy" {
                ("Mulu ≥ tantivy/3", mq * 3.0 >= pq)
            } else {
                ("Mulu ≥ 3× peer", mq >= 3.0 * pq)
            };
            simple(
                &mut t,
                format!("best throughput, Mulu vs {} (queries/s)", p.name),
                format!("{mq:.0} vs {pq:.0} = {:.2}×", mq / pq),
                target,
                Some(ok),
            );
        }
        {
            let mut r = vec!["overlap@10 with Mulu".to_string(), "1.00".into()];
            r.extend(
                self.peers
                    .iter()
                    .map(|p| opt(p.overlap, |v| format!("{v:.2}"))),
            );
            r.extend(blank(width));
            r.extend(["".into(), "".into()]);
            t.row(r);
        }
        let rss = self.mulu.peak_rss;
        {
            let mut r = vec![
                "peak RSS (VmHWM, Mulu's includes the import)".to_string(),
                opt(rss, mib),
            ];
            r.extend(self.peers.iter().map(|p| opt(p.peak_rss, mib)));
            r.extend(blank(width));
            r.push("≤ 1.5 GiB".into());
            r.push(
                rss.map(|b| verdict(b <= 1536 * 1048576))
                    .unwrap_or("")
                    .into(),
            );
            t.row(r);
        }
        simple(
            &mut t,
            "RSS while serving, after the load test (VmRSS)".into(),
            opt(self.rss_serving, mib),
            "≤ 1.5 GiB",
            self.rss_serving.map(|b| b <= 1536 * 1048576),
        );
        {
            let mut r = vec!["index size".to_string(), opt(self.mulu.size_bytes, mib)];
            r.extend(self.peers.iter().map(|p| opt(p.size_bytes, mib)));
            r.extend(blank(width));
            r.extend(["".into(), "".into()]);
            t.row(r);
        }
        simple(
            &mut t,
            "database size, SQLite".into(),
            opt(self.db_bytes, mib),
            "",
            None,
        );
        if self.pg_db_bytes.is_some() {
            simple(
                &mut t,
                "database size, PostgreSQL".into(),
                opt(self.pg_db_bytes, mib),
                "",
                None,
            );
        }
        let mut out = format!(
            "{} entries ({} real, {} synthetic). Latency ratios < 1 and throughput ratios > 1 favour Mulu.\n\n",
            self.entries,
            self.entries - self.synthetic,
            self.synthetic
        );
        out.push_str(&t.markdown());
        for n in &self.notes {
            let _ = writeln!(out, "\n- {n}");
        }
        out
    }
}

/// Mean over queries of |A ∩ B| / max(|A|, |B|) of two top-10 title lists; queries where both
/// are empty are left out.
pub fn overlap(a: &[Vec<String>], b: &[Vec<String>]) -> Option<f64> {
    let mut sum = 0.0;
    let mut n = 0;
    for (x, y) in a.iter().zip(b) {
        let max = x.len().max(y.len());
        if max == 0 {
            continue;
        }
        let common = x.iter().filter(|t| y.contains(t)).count().min(max);
        sum += common as f64 / max as f64;
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}
