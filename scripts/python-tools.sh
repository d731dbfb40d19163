#!/usr/bin/env bash
# The Python tools the checks run, each in its own venv under target/, pinned here once:
#   schemathesis  → target/py-venv        (scripts/schemathesis.sh)
#   client        → target/client-venv    (scripts/client-flow.sh: generator + spec validator)
#   interop       → target/interop-venv   (scripts/interop-check.sh: pyshacl + ckanapi)
# Usage: scripts/python-tools.sh [schemathesis|client|interop]...   (default: all three)
# CI runs it in the background while Rust compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
install() {
  local venv=$1
  shift
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
}
for tool in "${@:-schemathesis client interop}"; do
  for t in $tool; do
    case "$t" in
      schemathesis) install target/py-venv "schemathesis==4.32.5" ;;
      client) install target/client-venv openapi-python-client==0.29.1 openapi-spec-validator==0.9.0 ;;
      interop) install target/interop-venv pyshacl==0.40.1 ckanapi==4.11 requests ;;
      *) echo "unknown tool: $t" >&2; exit 2 ;;
    esac
  done
done
