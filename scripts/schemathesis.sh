#!/usr/bin/env bash
# Fuzz every documented operation with schemathesis against fresh demo servers, anonymously and
# with a token for each role, using the COMMITTED openapi/openapi.json. Fails on any server error
# or any response that violates the document, and on any request that fits the document but is
# answered 400 (`positive_data_acceptance`; the rules' own refusals are 401/403/404/409/422, see
# scripts/schemathesis.toml).
# Two chains of roles run side by side, each against its own server and data directory:
# schemathesis generates data in one Python thread, so two runs keep two cores busy.
# Usage: scripts/schemathesis.sh [max-examples per operation, default 25]
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-25}"
VENV="target/py-venv"
[ -x "$VENV/bin/schemathesis" ] || scripts/python-tools.sh schemathesis
MULU="$(scripts/mulu-bin.sh)"
WORK="$(mktemp -d)"
# Each chain stops its server; this stops whatever is left if the script itself is stopped.
trap 'for f in "$WORK"/*/pid; do if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi; done; rm -rf "$WORK"' EXIT

# Starts a demo server with its own data directory; prints its base URL.
start_server() {
  local data="$1"
  mkdir -p "$data"
  "$MULU" serve --demo --demo-corpus builtin --data-dir "$data" --bind 127.0.0.1:0 \
    --public-rate 100000 --public-burst 100000 --auth-failures-per-minute 100000 \
    >"$data/serve.log" 2>&1 &
  echo $! >"$data/pid"
  for _ in $(seq 1 300); do
    grep -q "^listening on " "$data/serve.log" && break
    sleep 0.2
  done
  local base
  base="$(sed -n 's/^listening on //p' "$data/serve.log" | head -n 1)"
  [ -n "$base" ] || { cat "$data/serve.log" >&2; echo "server did not start" >&2; return 1; }
  # Answers drawn from the search index are the same on every run once it has caught up.
  for _ in $(seq 1 600); do
    curl -sf "$base/readyz" | grep -q '"search_index":"current"' && break
    sleep 0.1
  done
  echo "$base"
}

# One token per role, for demo organizations found through the public API.
uscc_of() {
  curl -sf "$1/api/v1/organizations?limit=500" | python3 -c '
import json, sys
kind = sys.argv[1]
for org in json.load(sys.stdin)["items"]:
    if kind in org["kinds"]:
        print(org["uscc"]); break' "$2"
}
token_for() {
  local data="$1" base="$2" role="$3"
  "$MULU" token create --data-dir "$data" --org "$(uscc_of "$base" "$role")" --role "$role" \
    --name schemathesis | grep -o 'mulu_[A-Za-z0-9_-]*' | head -n 1
}

# Revoking one's own token is allowed, and the stateful phase finds the token it runs with in
# GET /api/v1/tokens and revokes it: every later request would be a 401. Revocation is tested in
# catalog/tests/backends/suite/people.rs and tests/e2e/people.rs instead.
# Exit status 1 for a finding about Mulu (a check failure, a schema error); Hypothesis' own
# internal errors ("Runtime Error", seen as a flaky KeyError in its lambda cache) are reported but
# are not findings about the API.
run() {
  local base="$1" who="$2" log="$3"; shift 3
  echo "── as $who"
  if ! "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run openapi/openapi.json \
    --url "$base" --checks all --max-examples "$EXAMPLES" \
    --exclude-path "/api/v1/tokens/{id}/revoke" \
    --phases coverage,fuzzing,stateful --workers 2 --seed 1 --no-color "$@" >"$log" 2>&1; then
    if grep -qE "^=+ FAILURES =+|Schema Error|Server error|ST[0-9]{3} " "$log" ||
       ! grep -q "Runtime Error" "$log"; then
      cat "$log"
      grep -E "generated|passed|failed|errors?" "$log" | tail -n 2
      return 1
    fi
    echo "   (schemathesis internal runtime error, not an API finding:)"
    grep -A3 "Runtime Error" "$log" | head -n 8
  fi
  grep -E "generated|passed|failed|errors?" "$log" | tail -n 2
}

# A chain: one server, then each role in turn against it; its report goes to $data/report.
chain() {
  local data="$1"; shift
  local base status=0
  base="$(start_server "$data")" || return 1
  # Runs in its own subshell (in the background): its exit stops its server.
  # shellcheck disable=SC2064 # the path is fixed now: the function's locals are gone at exit
  trap "kill \$(cat '$data/pid') 2>/dev/null || true" EXIT
  echo "schemathesis against $base ($EXAMPLES examples per operation)"
  for who in "$@"; do
    if [ "$who" = anonymous ]; then
      run "$base" anonymous "$data/st-$who.log" || status=1
    else
      local token
      token="$(token_for "$data" "$base" "$who")"
      [ -n "$token" ] || { echo "no token for $who" >&2; return 1; }
      run "$base" "$who" "$data/st-$who.log" -H "Authorization: Bearer $token" || status=1
    fi
  done
  return $status
}

chain "$WORK/a" anonymous data_admin >"$WORK/a.report" 2>&1 &
first=$!
chain "$WORK/b" provider operator registrar >"$WORK/b.report" 2>&1 &
second=$!
status=0
wait "$first" || status=1
wait "$second" || status=1
cat "$WORK/a.report" "$WORK/b.report"
exit $status
