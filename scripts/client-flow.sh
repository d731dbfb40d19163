#!/usr/bin/env bash
# Issue 5's and 29's check: the committed openapi/openapi.json is valid OpenAPI 3.1
# (openapi-spec-validator), a third-party generator (openapi-python-client, from PyPI) builds a
# client from it without a single warning, and that client drives the whole
# provider → admin → operator → registrar → exchange flow (search included) against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/client-venv
[ -x $venv/bin/openapi-python-client ] || scripts/python-tools.sh client
$venv/bin/openapi-spec-validator openapi/openapi.json
out=target/generated-client
rm -rf $out && mkdir -p $out
$venv/bin/openapi-python-client generate --path openapi/openapi.json --meta none \
  --config scripts/client-config.yaml --output-path $out/mulu_client >$out/generate.log 2>&1 ||
  { cat $out/generate.log; exit 1; }
# A warning means an operation or a response was left out of the client.
if grep -qiE "warning|error|skipping|cannot" $out/generate.log; then
  cat $out/generate.log
  echo "openapi-python-client warned about the document" >&2
  exit 1
fi
PYTHONPATH=$out $venv/bin/python scripts/client_flow.py "$(scripts/mulu-bin.sh)"
