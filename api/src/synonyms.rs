//! A deployment's own synonym table (`--synonyms`): read at start (a bad table stops the start),
//! then reloaded whenever the file changes; a bad edit is logged and the table in use kept.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use catalog::CatalogError;
use search::{SearchIndex, Synonyms};

/// How often the file's modification time is looked at.
const POLL: Duration = Duration::from_secs(5);

pub fn load(path: &Path) -> Result<Synonyms, CatalogError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CatalogError::Config(format!("无法读取同义词表 {}：{e}", path.display())))?;
    Synonyms::parse(&text).map_err(|e| CatalogError::Config(format!("{}：{e}", path.display())))
}

/// Uses the table in `path` now and after every change to it.
pub fn watch(path: PathBuf, index: &SearchIndex) -> Result<(), CatalogError> {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let table = load(&path)?;
    tracing::info!(path = %path.display(), groups = table.len(), "同义词表已加载");
    index.set_synonyms(table);
    let index = index.clone();
    let mut seen: Option<SystemTime> = modified(&path);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(POLL).await;
            let now = modified(&path);
            if now == seen {
                continue;
            }
            seen = now;
            match load(&path) {
                Ok(table) => {
                    tracing::info!(path = %path.display(), groups = table.len(), "同义词表已重新加载");
                    index.set_synonyms(table);
                }
                Err(e) => tracing::error!(error = %e, "同义词表有误，继续使用原表"),
            }
        }
    });
    Ok(())
}
