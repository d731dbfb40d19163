#!/usr/bin/env bash
# Mutation testing of the rule-enforcing code (issue 27; configuration in .cargo/mutants.toml):
# every mutant of a rule check must be caught by a test. Writes mutants.out/ (missed.txt lists
# the survivors). Extra arguments go to cargo-mutants, e.g. `-f catalog/src/policy.rs` or `--list`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
exec cargo mutants --test-package catalog "$@"
