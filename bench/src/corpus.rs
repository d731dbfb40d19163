//! The real corpus (`../shared/corpus`) and a deterministic synthetic scale-up written in the corpus format.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Result;

/// One corpus line, as the importers read it (one record type for the importers, the search
/// tests and this benchmark).
pub use importers::corpus::CorpusRecord as Record;

pub fn default_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/cn_open_data_catalog.jsonl.gz")
}

pub fn read(path: &Path) -> Result<Vec<Record>> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .enumerate()
    {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .map_err(|e| format!("{} line {}: {e}", path.display(), n + 1))?,
        );
    }
    Ok(out)
}

/// The body Mulu indexes for a record (description, else the title).
pub fn body(r: &Record) -> &str {
    r.description.as_deref().unwrap_or(&r.title)
}

pub fn provider(r: &Record) -> &str {
    r.department.as_deref().unwrap_or("未注明部门")
}

pub fn domain(r: &Record) -> Option<&str> {
    r.category.as_deref().or(r.industry.as_deref())
}

/// `n` entries: the real records first, then synthetic ones (source `synthetic`, id `syn-…`)
/// recombined from them with a seeded RNG, so the same `n` and `seed` give the same file.
/// A synthetic title joins the first half of one real title to the second half of another; the
/// provider (department with its province and city), category and description each come from
/// further random records.
pub fn scale_up(real: &[Record], n: usize, seed: u64) -> Vec<Record> {
    let mut out: Vec<Record> = real.iter().take(n).cloned().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pick = |rng: &mut ChaCha8Rng| &real[rng.random_range(0..real.len())];
    while out.len() < n {
        let (a, b) = (pick(&mut rng), pick(&mut rng));
        let head: String = {
            let cs: Vec<char> = a.title.chars().collect();
            cs[..cs.len().div_ceil(2)].iter().collect()
        };
        let tail: String = {
            let cs: Vec<char> = b.title.chars().collect();
            cs[cs.len() / 2..].iter().collect()
        };
        let prov = pick(&mut rng).clone();
        let cat = pick(&mut rng);
        let desc = pick(&mut rng);
        let title = format!("{head}{tail}");
        out.push(Record {
            id: format!("syn-{:07}", out.len()),
            description: Some(format!("{title}。{}", body(desc))),
            title,
            category: cat.category.clone(),
            industry: cat.industry.clone(),
            tags: cat.tags.clone(),
            is_open: desc.is_open.clone(),
            update_frequency: desc.update_frequency.clone(),
            data_formats: desc.data_formats.clone(),
            publish_time: desc.publish_time.clone(),
            update_time: desc.update_time.clone(),
            source: "synthetic".into(),
            ..prov
        });
    }
    out
}

pub fn write_jsonl_gz(path: &Path, records: &[Record]) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::fast(),
    ));
    for r in records {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    w.into_inner().map_err(|e| e.to_string())?.finish()?;
    Ok(())
}
