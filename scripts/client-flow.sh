#!/usr/bin/env bash
# Issue 5's check: generate a Python client from the committed openapi/openapi.json with a
# third-party generator (openapi-python-client, from PyPI) and drive the whole
# provider → admin → operator → registrar → exchange flow through it against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/client-venv
[ -x $venv/bin/python ] || python3 -m venv $venv
$venv/bin/pip install -q openapi-python-client==0.29.1
out=target/generated-client
rm -rf $out && mkdir -p $out
$venv/bin/openapi-python-client generate --path openapi/openapi.json --meta none \
  --output-path $out/mulu_client >$out/generate.log 2>&1 || { cat $out/generate.log; exit 1; }
PYTHONPATH=$out $venv/bin/python scripts/client_flow.py "$(scripts/mulu-bin.sh)"
