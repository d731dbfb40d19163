//! CPU-bound work (searching) run without stalling the async workers.

use crate::error::{ApiError, ApiResult};

/// Searching is CPU work the async workers must not wait on. On the multi-threaded runtime it runs
/// in place (the worker hands its other tasks to another thread): a trip through the blocking
/// pool cost two thread wake-ups, measured at 0.5 ms of a 2 ms search on two cores
/// (BENCHMARKS.md, session 21). Elsewhere (single-threaded test runtimes) it goes to the pool.
pub async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> ApiResult<T> {
    use tokio::runtime::{Handle, RuntimeFlavor};
    if Handle::current().runtime_flavor() == RuntimeFlavor::MultiThread {
        Ok(tokio::task::block_in_place(work))
    } else {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|_| ApiError::unavailable("搜索任务异常中止"))
    }
}
