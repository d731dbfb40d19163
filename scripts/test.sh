#!/usr/bin/env bash
# The test command: the whole workspace, with the shared storage suite on SQLite AND PostgreSQL.
# Uses MULU_TEST_DATABASE_URL when set; otherwise starts a private PostgreSQL cluster for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=""
if [ -z "${MULU_TEST_DATABASE_URL:-}" ]; then
  eval "$(scripts/pg-test-cluster.sh start)"
  started=1
fi
cleanup() { if [ -n "$started" ]; then scripts/pg-test-cluster.sh stop; fi; }
trap cleanup EXIT
echo "PostgreSQL for tests: $MULU_TEST_DATABASE_URL"
cargo fmt --all -- --check
# No module cycles in any crate; the graph is printed only when one appears.
for crate in catalog search indexer importers api bench; do
  python3 scripts/modgraph.py "$crate/src" --tests > /tmp/modgraph-$crate.txt || { cat /tmp/modgraph-$crate.txt; exit 1; }
done
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace --no-fail-fast "$@"
