#!/usr/bin/env bash
# Benchmark Mulu against PostgreSQL full-text, Groonga and in-process tantivy and print the table.
#   bash scripts/bench.sh              small run: the real corpus (29,318 entries), ≤ 5 minutes
#   bash scripts/bench.sh --full       1,000,000 entries (real + synthetic); see BENCHMARKS.md
# Any other arguments go to the bench binary (target/release/bench --help).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--small)
if [ "${1:-}" = "--full" ]; then
  mode=()
  shift
fi
extra=()
if ! command -v groonga >/dev/null; then
  echo "bench: groonga not installed (apt-get install -y groonga-bin): leaving the Groonga peer out" >&2
  extra+=(--no-groonga)
fi
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "bench: PostgreSQL not installed (apt-get install -y postgresql): leaving PostgreSQL out" >&2
  extra+=(--no-pg)
fi
PORT="${MULU_BENCH_PG_PORT:-55436}"
trap 'MULU_PG_PORT=$PORT scripts/pg-test-cluster.sh stop' EXIT
# The README's `cargo run --release --bin mulu` resolves features over the whole workspace, as
# this does: one release build serves both (per-package builds resolve different feature sets
# and compiled catalog, search and their dependencies twice).
cargo build --release -q --workspace --bins
MULU_BENCH_PG_PORT=$PORT target/release/bench "${mode[@]}" "${extra[@]}" "$@"
