//! A bounded closed-loop load generator: `concurrency` workers each send the next query of the
//! fixed list as soon as their previous one answered, first for a warm-up, then for the measured
//! window; latencies go into an HDR histogram (µs, 3 significant digits).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub qps: f64,
    pub errors: u64,
}

pub async fn run<F, Fut>(
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
    queries: usize,
    call: F,
) -> Stats
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let call = Arc::new(call);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let (from, until) = (start + warmup, start + warmup + measure);
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (call, next) = (call.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
            let mut errors = 0u64;
            let mut first_error = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) % queries;
                let t = Instant::now();
                let outcome = call(i).await;
                let done = Instant::now();
                if done > until {
                    break;
                }
                if t >= from {
                    match outcome {
                        Ok(()) => h.saturating_record(done.duration_since(t).as_micros() as u64),
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert(e);
                        }
                    }
                }
            }
            (h, errors, first_error)
        }));
    }
    let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
    let mut errors = 0;
    for w in workers {
        let (h, e, first) = w.await.expect("load worker");
        all.add(&h).expect("same bounds");
        errors += e;
        if let Some(first) = first {
            eprintln!("  error: {first}");
        }
    }
    let ms = |q: f64| all.value_at_quantile(q) as f64 / 1000.0;
    Stats {
        p50_ms: ms(0.5),
        p99_ms: ms(0.99),
        p999_ms: ms(0.999),
        qps: all.len() as f64 / measure.as_secs_f64(),
        errors,
    }
}
