#!/usr/bin/env bash
# Prints the path of the debug `mulu` binary, built by the same command as the test run
# (scripts/test.sh). `cargo build -p api` resolves features without the workspace's
# dev-dependencies and so would compile about 130 crates a second time (tantivy, sqlx, axum…);
# `cargo test --workspace --no-run` reuses every artifact the tests already built.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --no-run --quiet 2>/dev/null || cargo test --workspace --no-run
echo "${CARGO_TARGET_DIR:-target}/debug/mulu"
