#!/usr/bin/env bash
# Fuzz every documented operation with schemathesis against a fresh demo server, anonymously and
# with a token for each role, using the COMMITTED openapi/openapi.json. Fails on any server error
# or any response that violates the document, and on any request that fits the document but is
# answered 400 (`positive_data_acceptance`; the rules' own refusals are 401/403/404/409/422, see
# scripts/schemathesis.toml).
# Usage: scripts/schemathesis.sh [max-examples per operation, default 25]
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-25}"
VENV="target/py-venv"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
MULU="$(scripts/mulu-bin.sh)"

DATA="$(mktemp -d)"
LOG="$DATA/serve.log"
"$MULU" serve --demo --demo-corpus builtin --data-dir "$DATA" --bind 127.0.0.1:0 \
  --public-rate 100000 --public-burst 100000 --auth-failures-per-minute 100000 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do
  grep -q "^listening on " "$LOG" && break
  sleep 0.2
done
BASE="$(sed -n 's/^listening on //p' "$LOG" | head -n 1)"
[ -n "$BASE" ] || { cat "$LOG"; echo "server did not start" >&2; exit 1; }
echo "schemathesis against $BASE ($EXAMPLES examples per operation)"

# One token per role, for demo organizations found through the public API.
uscc_of() {
  curl -sf "$BASE/api/v1/organizations?limit=500" | python3 -c '
import json, sys
kind = sys.argv[1]
for org in json.load(sys.stdin)["items"]:
    if kind in org["kinds"]:
        print(org["uscc"]); break' "$1"
}
token_for() {
  "$MULU" token create --data-dir "$DATA" --org "$(uscc_of "$1")" --role "$1" --name schemathesis |
    grep -o 'mulu_[A-Za-z0-9_-]*' | head -n 1
}

status=0
# Revoking one's own token is allowed, and the stateful phase finds the token it runs with in
# GET /api/v1/tokens and revokes it: every later request would be a 401. Revocation is tested in
# catalog/tests/backends/people.rs and tests/e2e/people.rs instead.
run() {
  local who="$1"; shift
  echo "── as $who"
  local log="$DATA/st-$who.log"
  if ! "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run openapi/openapi.json \
    --url "$BASE" --checks all --max-examples "$EXAMPLES" \
    --exclude-path "/api/v1/tokens/{id}/revoke" \
    --phases coverage,fuzzing,stateful --workers 2 --seed 1 --no-color "$@" >"$log" 2>&1; then
    # A finding about Mulu (a check failure, a schema error) fails the run. Hypothesis' own
    # internal errors ("Runtime Error", seen as a flaky KeyError in its lambda cache) are reported
    # but are not findings about the API.
    if grep -qE "^=+ FAILURES =+|Schema Error|Server error|ST[0-9]{3} " "$log" ||
       ! grep -q "Runtime Error" "$log"; then
      status=1
      cat "$log"
    else
      echo "   (schemathesis internal runtime error, not an API finding:)"
      grep -A3 "Runtime Error" "$log" | head -n 8
    fi
  fi
  grep -E "generated|passed|failed|errors?" "$log" | tail -n 2
}
run anonymous
for role in data_admin provider operator registrar; do
  token="$(token_for "$role")"
  [ -n "$token" ] || { echo "no token for $role" >&2; exit 1; }
  run "$role" -H "Authorization: Bearer $token"
done
exit $status
