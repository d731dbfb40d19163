//! The workbench's background imports: an upload too large to answer within its POST is read,
//! checked and written by a job, and the browser follows the job on a page of its own
//! (`imports_page::job`), which refreshes itself until the job ends.
//!
//! The registry is held in memory only (`AppState::import_jobs`), on this node: a restart forgets
//! every job, finished or not. Nothing is left half-written by that: an import writes all its rows
//! in one transaction, so a job cut short wrote nothing, and its file has to be uploaded again.
//! The registry is bounded: a few unfinished jobs per person and in all (each holds its upload in
//! memory until it ends), finished jobs forgotten after an hour, at most [`KEPT`] jobs in all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use catalog::{Actor, Catalog};
use chrono::{DateTime, Utc};
use importers::report::{ImportMode, ImportReport, SourceFormat, import_prepared, prepare};
use uuid::Uuid;

use super::forms::FormError;

/// Unfinished jobs (waiting or running) one person may have at once.
pub const PER_PERSON: usize = 3;
/// Unfinished jobs of everyone at once: each holds its file (up to the 64 MiB import limit).
const UNFINISHED_IN_ALL: usize = 8;
/// Jobs kept in all; beyond it the finished ones are forgotten, the longest finished first.
const KEPT: usize = 100;
/// How long a finished job can still be looked at.
pub const KEPT_FOR: Duration = Duration::from_secs(60 * 60);

/// Every import job of this server, by id.
#[derive(Clone, Default)]
pub struct ImportJobs {
    jobs: Arc<Mutex<HashMap<Uuid, Arc<Job>>>>,
}

/// One upload on its way: who started it, with which file, and where it is.
struct Job {
    id: Uuid,
    owner: Uuid,
    file_name: String,
    started: DateTime<Utc>,
    dry_run: bool,
    state: Mutex<JobState>,
}

struct JobState {
    phase: Phase,
    finished_at: Option<Instant>,
}

/// Where a job is.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Waiting for another import to end (one is read and written at a time).
    Waiting,
    /// 读取与检查: the file is read and every row validated.
    Checking,
    /// 写入 n/N: the valid rows are being written (in one transaction).
    Writing { written: usize, total: usize },
    /// 完成.
    Done(Outcome),
    /// 失败: nothing was written; the message says why.
    Failed(String),
}

impl Phase {
    pub fn finished(&self) -> bool {
        matches!(self, Phase::Done(_) | Phase::Failed(_))
    }
}

/// How a job ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The report of a dry run, or of an import refused for its problems (nothing written).
    Report(ImportReport),
    /// Drafts created.
    Created(usize),
}

/// What a page shows of a job.
#[derive(Debug, Clone)]
pub struct JobView {
    pub id: Uuid,
    pub file_name: String,
    pub started: DateTime<Utc>,
    pub dry_run: bool,
    pub phase: Phase,
}

/// Why no job was started.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The person already has `PER_PERSON` unfinished jobs.
    PerPerson,
    /// The server has `UNFINISHED_IN_ALL` unfinished jobs.
    Busy,
}

impl Refused {
    pub fn message(&self) -> String {
        match self {
            Refused::PerPerson => {
                format!("您已有 {PER_PERSON} 个导入任务正在进行，请等其中一个完成后再上传")
            }
            Refused::Busy => "当前进行中的导入任务较多，请稍后再上传".to_string(),
        }
    }
}

/// What a job reads and writes: the uploaded file, as whom, and how.
pub struct Upload {
    pub catalog: Catalog,
    pub actor: Actor,
    pub provider_id: Uuid,
    pub bytes: Bytes,
    pub format: SourceFormat,
    pub file_name: String,
    pub mode: ImportMode,
}

impl ImportJobs {
    /// Register a job for `owner` and start it in the background; its id, or why not.
    pub fn start(&self, owner: Uuid, upload: Upload) -> Result<Uuid, Refused> {
        let job = Arc::new(Job::new(owner, &upload.file_name, upload.mode.dry_run));
        self.admit(job.clone(), Instant::now())?;
        tokio::spawn(run(job.clone(), upload));
        Ok(job.id)
    }

    /// `owner`'s job `id`: `None` when it is unknown, forgotten, or someone else's.
    pub fn view(&self, id: Uuid, owner: Uuid) -> Option<JobView> {
        let mut jobs = self.lock();
        prune(&mut jobs, Instant::now());
        jobs.get(&id).filter(|j| j.owner == owner).map(|j| j.view())
    }

    /// `owner`'s jobs still known, the latest first.
    pub fn of_person(&self, owner: Uuid) -> Vec<JobView> {
        let mut jobs = self.lock();
        prune(&mut jobs, Instant::now());
        let mut mine: Vec<JobView> = jobs
            .values()
            .filter(|j| j.owner == owner)
            .map(|j| j.view())
            .collect();
        mine.sort_by_key(|j| std::cmp::Reverse(j.started));
        mine
    }

    /// Add `job` unless its owner or the server has too many unfinished ones.
    fn admit(&self, job: Arc<Job>, now: Instant) -> Result<(), Refused> {
        let mut jobs = self.lock();
        prune(&mut jobs, now);
        let unfinished: Vec<&Arc<Job>> = jobs.values().filter(|j| !j.finished()).collect();
        if unfinished.iter().filter(|j| j.owner == job.owner).count() >= PER_PERSON {
            return Err(Refused::PerPerson);
        }
        if unfinished.len() >= UNFINISHED_IN_ALL {
            return Err(Refused::Busy);
        }
        jobs.insert(job.id, job);
        prune(&mut jobs, now);
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Uuid, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Forget jobs finished more than `KEPT_FOR` ago, then the longest finished beyond `KEPT`
/// (unfinished jobs are never forgotten; there are at most `UNFINISHED_IN_ALL` of them).
fn prune(jobs: &mut HashMap<Uuid, Arc<Job>>, now: Instant) {
    jobs.retain(|_, j| {
        j.finished_at()
            .is_none_or(|t| now.saturating_duration_since(t) < KEPT_FOR)
    });
    if jobs.len() <= KEPT {
        return;
    }
    let mut finished: Vec<(Instant, Uuid)> = jobs
        .values()
        .filter_map(|j| Some((j.finished_at()?, j.id)))
        .collect();
    finished.sort();
    let excess = jobs.len() - KEPT;
    for (_, id) in finished.into_iter().take(excess) {
        jobs.remove(&id);
    }
}

impl Job {
    fn new(owner: Uuid, file_name: &str, dry_run: bool) -> Job {
        Job {
            id: new_id(),
            owner,
            file_name: file_name.to_string(),
            started: Utc::now(),
            dry_run,
            state: Mutex::new(JobState {
                phase: Phase::Waiting,
                finished_at: None,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, JobState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn view(&self) -> JobView {
        JobView {
            id: self.id,
            file_name: self.file_name.clone(),
            started: self.started,
            dry_run: self.dry_run,
            phase: self.state().phase.clone(),
        }
    }

    fn finished(&self) -> bool {
        self.state().phase.finished()
    }

    fn finished_at(&self) -> Option<Instant> {
        self.state().finished_at
    }

    /// Move on to `phase`, unless the job has already ended (its end is final).
    fn set(&self, phase: Phase) {
        let mut state = self.state();
        if state.phase.finished() {
            return;
        }
        if phase.finished() {
            state.finished_at = Some(Instant::now());
        }
        state.phase = phase;
    }
}

/// A random (version 4) id, from the operating system's generator.
fn new_id() -> Uuid {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Ids are no secret (a job is shown to its owner only); they need only be unique.
        return Uuid::now_v7();
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Ends its job as failed should the job stop without an end of its own (a panic, the runtime
/// shutting down): the page then says so instead of showing the job running for an hour.
struct EndsJob(Arc<Job>);

impl Drop for EndsJob {
    fn drop(&mut self) {
        self.0
            .set(Phase::Failed("导入意外中断，请重新上传".to_string()));
    }
}

/// The job itself: the same steps as an upload answered within its POST, reporting its phase.
async fn run(job: Arc<Job>, upload: Upload) {
    let _ends = EndsJob(job.clone());
    let Upload {
        catalog,
        actor,
        provider_id,
        bytes,
        format,
        mode,
        ..
    } = upload;
    // One import is read and written at a time; this job holds the permit until it ends.
    let Ok(_permit) = crate::import_gate::IMPORTS.acquire().await else {
        job.set(Phase::Failed("导入暂不可用，请重新上传".to_string()));
        return;
    };
    job.set(Phase::Checking);
    // Reading a large workbook is CPU work: keep it off the async workers.
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes, format, "上传文件")).await;
    let Ok(prepared) = prepared else {
        job.set(Phase::Failed("文件解析中断，请重新上传".to_string()));
        return;
    };
    let total = if !mode.dry_run && prepared.writable(mode.partial) {
        prepared.parsed.valid.len()
    } else {
        0
    };
    if total > 0 {
        job.set(Phase::Writing { written: 0, total });
    }
    let progress = {
        let job = job.clone();
        move |written| job.set(Phase::Writing { written, total })
    };
    let end = match import_prepared(&catalog, &actor, provider_id, prepared, mode, progress).await {
        Ok(report) if report.imported > 0 => Phase::Done(Outcome::Created(report.imported)),
        Ok(report) => Phase::Done(Outcome::Report(report)),
        Err(e) => Phase::Failed(FormError::from(e).message),
    };
    job.set(end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(jobs: &ImportJobs, owner: Uuid, now: Instant) -> Result<Arc<Job>, Refused> {
        let job = Arc::new(Job::new(owner, "目录.csv", false));
        jobs.admit(job.clone(), now).map(|()| job)
    }

    fn end(job: &Job, at: Instant) {
        let mut state = job.state();
        state.phase = Phase::Done(Outcome::Created(1));
        state.finished_at = Some(at);
    }

    #[test]
    fn a_job_is_shown_to_its_owner_only() {
        let jobs = ImportJobs::default();
        let (owner, other) = (Uuid::now_v7(), Uuid::now_v7());
        let j = job(&jobs, owner, Instant::now()).unwrap();
        assert_eq!(j.id.get_version_num(), 4);
        assert!(jobs.view(j.id, owner).is_some());
        assert!(jobs.view(j.id, other).is_none());
        assert!(jobs.view(Uuid::now_v7(), owner).is_none());
        assert_eq!(jobs.of_person(owner).len(), 1);
        assert!(jobs.of_person(other).is_empty());
    }

    #[test]
    fn a_person_has_a_few_unfinished_jobs_and_the_server_a_few_more() {
        let jobs = ImportJobs::default();
        let now = Instant::now();
        let owner = Uuid::now_v7();
        let mine: Vec<_> = (0..PER_PERSON)
            .map(|_| job(&jobs, owner, now).unwrap())
            .collect();
        assert_eq!(job(&jobs, owner, now).err(), Some(Refused::PerPerson));
        // One ends: the next may start.
        end(&mine[0], now);
        job(&jobs, owner, now).unwrap();
        while jobs.lock().values().filter(|j| !j.finished()).count() < UNFINISHED_IN_ALL {
            job(&jobs, Uuid::now_v7(), now).unwrap();
        }
        assert_eq!(job(&jobs, Uuid::now_v7(), now).err(), Some(Refused::Busy));
    }

    #[test]
    fn finished_jobs_are_forgotten_after_an_hour_and_beyond_the_bound() {
        let jobs = ImportJobs::default();
        let start = Instant::now();
        let owner = Uuid::now_v7();
        let old = job(&jobs, owner, start).unwrap();
        end(&old, start);
        let running = job(&jobs, owner, start).unwrap();
        let later = start + KEPT_FOR + Duration::from_secs(1);
        prune(&mut jobs.lock(), later);
        assert!(!jobs.lock().contains_key(&old.id), "finished an hour ago");
        assert!(jobs.lock().contains_key(&running.id), "still running");

        let mut first = None;
        for i in 0..KEPT + 20 {
            let j = job(&jobs, Uuid::now_v7(), later).unwrap();
            end(&j, later + Duration::from_secs(i as u64));
            first.get_or_insert(j.id);
        }
        job(&jobs, owner, later).unwrap();
        let kept = jobs.lock();
        assert_eq!(kept.len(), KEPT);
        assert!(kept.contains_key(&running.id));
        assert!(
            !kept.contains_key(&first.unwrap()),
            "the longest finished goes first"
        );
    }
}
